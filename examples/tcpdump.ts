// examples/tcpdump.ts: a tiny tcpdump, after smoltcp's examples/tcpdump.rs. Unlike the other examples it
// uses a raw (AF_PACKET) socket, so it works on any interface, e.g. eth0 or wlan0, as well as tap0. It
// prints every frame the interface sends or receives as `tcpdump -nn` would; with --pcap it also saves
// them. No stack runs here: frames are only read, so the loop waits on the socket and drains it.
//
//   sudo npx tsx examples/tcpdump.ts eth0 [--pcap dump.pcap]

import { formatFrame } from '../src/format/index.js';
import { RawSocket } from '../src/phy/raw-socket.js';
import { now } from '../src/time.js';
import { ExampleDevice, fail, openOrExit } from './utils/device.js';
import { OptionError, buildMiddleware, parseMiddlewareOptionsOrExit, type MiddlewareStack } from './utils/options.js';

const USAGE = `Usage: sudo npx tsx examples/tcpdump.ts IFACE [options]
Prints every frame on IFACE (any interface: eth0, tap0, ...) as tcpdump -nn does.`;

const { options, rest } = parseMiddlewareOptionsOrExit(process.argv.slice(2), USAGE);
if (rest.length !== 1 || rest[0]!.startsWith('-')) {
  fail(rest.length === 0 ? 'missing the interface name (e.g. eth0 or tap0); try --help' : `unexpected argument '${rest[rest.length > 1 ? 1 : 0]}'; tcpdump takes one interface name (try --help)`);
}
const name = rest[0]!;
const socket = openOrExit(() => new RawSocket(name));
let stack: MiddlewareStack;
try {
  // The Tracer in the stack prints each frame as it is received.
  stack = buildMiddleware(socket, options, { format: formatFrame });
} catch (e) {
  if (e instanceof OptionError) fail(e.message);
  throw e;
}
const device = new ExampleDevice(stack);

let running = true;
const stop = (): void => {
  running = false;
  stack.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stderr.write(`listening on ${name}\n`);

const ignore = (): void => undefined;
while (running) {
  try {
    await device.waitReadable(null);
  } catch (e) {
    fail(`${name}: ${(e as Error).message}`, 1);
  }
  for (let rx = device.receive(now()); rx !== null; rx = device.receive(now())) rx.rx.consume(null, ignore);
}
