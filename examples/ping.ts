// examples/ping.ts: a minimal ping on tap0, after smoltcp's examples/ping.rs. Hardware address
// 02-00-00-00-00-02, IPv4 192.168.69.2/24. It sends ICMP echo requests through a raw IP socket (4 by
// default, one a second), prints a line per reply in ping's own form, a line for each request that got
// no reply in time, and ping's summary. The first request is not lost to ARP: the interface holds it
// until the neighbour answers.
//
//   npx tsx examples/ping.ts tap0 192.168.69.100 [-c COUNT] [-i INTERVAL] [--pcap ping.pcap]

import { Runner } from '../src/runner/runner.js';
import { RawIpSocket } from '../src/socket/raw-ip.js';
import { SocketSet } from '../src/socket/socket-set.js';
import { now } from '../src/time.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { fail, parseIpv4 } from './utils/device.js';
import { openTap, tapArguments } from './utils/tap.js';

const USAGE = `Usage: npx tsx examples/ping.ts TAP ADDRESS [-c COUNT] [-i INTERVAL] [options]
Sends COUNT (default 4) ICMP echo requests to ADDRESS, one every INTERVAL seconds (default 1), from
192.168.69.2 on TAP, and prints the replies and a summary as ping does.`;

const parsed = tapArguments(USAGE);
const { args, tapName } = parsed;

let count = 4;
let intervalSeconds = 1;
let target: string | null = null;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '-c' || arg === '-i') {
    const text = args[++i];
    const value = text === undefined ? NaN : Number(text);
    if (arg === '-c' && !(Number.isInteger(value) && value >= 1)) fail(`-c needs a count of 1 or more, got '${text ?? ''}'`);
    if (arg === '-i' && !(value > 0 && Number.isFinite(value))) fail(`-i needs an interval in seconds above 0, got '${text ?? ''}'`);
    if (arg === '-c') count = value;
    else intervalSeconds = value;
  } else if (arg.startsWith('-')) {
    fail(`unknown option '${arg}'; try --help`);
  } else if (target === null) {
    target = arg;
  } else {
    fail(`unexpected argument '${arg}'; ping takes one ADDRESS (try --help)`);
  }
}
if (target === null) fail('missing the ADDRESS to ping; try --help');
const address = parseIpv4(target);
if (address === null) fail(`'${target}' is not an IPv4 address (a dotted quad such as 192.168.69.100)`);
const { device, iface } = openTap(parsed, { hardwareAddr: '02:00:00:00:00:02', address: '192.168.69.2/24' });

const interval = Math.round(intervalSeconds * 1_000_000); // microseconds, as the stack's clock
const timeout = Math.max(interval, 1_000_000); // a request unanswered this long is reported
const DATA = 56; // ping's default payload: 8 bytes of send time, then a pattern
const ICMP = 8 + DATA;
const ident = process.pid & 0xffff;

const socket = new RawIpSocket({ protocol: 1, rx: { packets: 8, payload: 8 * 1500 }, tx: { packets: 8, payload: 8 * 128 } });
const sockets = new SocketSet(1);
sockets.add(socket);

const packet = new Uint8Array(20 + ICMP);
const received = new Uint8Array(1500);
const view = new DataView(packet.buffer);
const sentAt = new Float64Array(count + 1); // by sequence number, 1-based as ping's
const answered = new Uint8Array(count + 1);
let sent = 0;
let replies = 0;
let nextSend = now();
const rtts: number[] = [];
const started = now();
const stop = new AbortController();

/** An IPv4 header (source 0.0.0.0: the interface fills in ours) and an echo request with `seq`. */
function echoRequest(seq: number, at: number): void {
  packet.fill(0);
  view.setUint8(0, 0x45); // version 4, 20-byte header
  view.setUint16(2, packet.length);
  view.setUint8(8, 64); // TTL
  view.setUint8(9, 1); // ICMP
  view.setUint32(16, address!);
  view.setUint8(20, 8); // echo request (RFC 792)
  view.setUint16(24, ident);
  view.setUint16(26, seq);
  view.setFloat64(28, at);
  for (let i = 36; i < packet.length; i++) packet[i] = i - 28;
  view.setUint16(22, internetChecksum(packet, 20, ICMP));
}

function fmt(micros: number): string {
  return (micros / 1000).toFixed(micros < 10_000 ? 3 : micros < 100_000 ? 2 : 1);
}

function pinger(t: number): void {
  // Replies: the raw socket sees every ICMP packet for us; ours are echo replies with our ident.
  for (let n = socket.recv(received, 0, received.length); n >= 0; n = socket.recv(received, 0, received.length)) {
    const ihl = (received[0]! & 0x0f) * 4;
    const r = new DataView(received.buffer, 0, n);
    if (n < ihl + 8 || received[ihl] !== 0 || r.getUint16(ihl + 4) !== ident) continue;
    const seq = r.getUint16(ihl + 6);
    if (seq < 1 || seq > sent) continue;
    const rtt = t - sentAt[seq]!;
    const from = `${received[12]}.${received[13]}.${received[14]}.${received[15]}`;
    const dup = answered[seq] === 1;
    if (!dup) {
      answered[seq] = 1;
      replies++;
      rtts.push(rtt);
    }
    console.log(`${n - ihl} bytes from ${from}: icmp_seq=${seq} ttl=${received[8]} time=${fmt(rtt)} ms${dup ? ' (DUP!)' : ''}`);
  }
  // Requests: one per interval, COUNT in all.
  if (sent < count && t >= nextSend && socket.canSend(packet.length)) {
    sent++;
    sentAt[sent] = t;
    echoRequest(sent, t);
    socket.send(packet, 0, packet.length);
    nextSend = t + interval;
  }
  // A request unanswered for `timeout` is reported once; done when every request is answered or overdue.
  let pending = 0;
  let next = sent < count ? nextSend : Infinity;
  for (let seq = 1; seq <= sent; seq++) {
    if (answered[seq] === 0 && sentAt[seq]! >= 0) {
      if (t - sentAt[seq]! >= timeout) {
        console.log(`no answer yet for icmp_seq=${seq}`);
        sentAt[seq] = -1;
      } else {
        pending++;
        next = Math.min(next, sentAt[seq]! + timeout);
      }
    }
  }
  if (sent === count && pending === 0) {
    stop.abort();
    return;
  }
  // The Runner sleeps until a frame or the interface's next timer; the next request and the timeouts
  // are ours, so one timer wakes it for the earliest of them.
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(() => runner.wake(), Math.max(0, Math.ceil((next - now()) / 1000)));
}

console.log(`PING ${target} (${target}) ${DATA}(${20 + ICMP}) bytes of data.`);
let timer: ReturnType<typeof setTimeout> | null = null;
const runner = new Runner(iface, device, sockets, { onPoll: pinger });
process.once('SIGINT', () => stop.abort());
try {
  await runner.run(stop.signal);
} catch (e) {
  fail(`${tapName}: ${(e as Error).message}`, 1);
}
if (timer !== null) clearTimeout(timer);

const elapsed = Math.round((now() - started) / 1000);
console.log(`\n--- ${target} ping statistics ---`);
const loss = sent === 0 ? 0 : Math.round(((sent - replies) / sent) * 100);
console.log(`${sent} packets transmitted, ${replies} received, ${loss}% packet loss, time ${elapsed}ms`);
if (rtts.length > 0) {
  const min = Math.min(...rtts);
  const max = Math.max(...rtts);
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  const mdev = Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / rtts.length);
  console.log(`rtt min/avg/max/mdev = ${(min / 1000).toFixed(3)}/${(avg / 1000).toFixed(3)}/${(max / 1000).toFixed(3)}/${(mdev / 1000).toFixed(3)} ms`);
}
process.exit(replies > 0 ? 0 : 1);
