// examples/client.ts: a host on tap0 that initiates a connection, after smoltcp's examples/client.rs.
// Hardware address 02-00-00-00-00-02, IPv4 192.168.69.2/24. It connects to ADDRESS:PORT (an address, not a
// host name; e.g. a `socat stdio tcp4-listen:1234` on the kernel's side) and replies with reversed chunks
// of what it receives, indefinitely; it exits when the peer closes.
//
//   npx tsx examples/client.ts tap0 192.168.69.100 1234 [--drop-chance 15] [--pcap client.pcap]

import { Runner } from '../src/runner/runner.js';
import { SocketSet } from '../src/socket/socket-set.js';
import { IpEndpoint } from '../src/socket/socket.js';
import { TcpSocket, TcpState } from '../src/socket/tcp/socket.js';
import { RingBuffer } from '../src/storage/ring-buffer.js';
import { fail, parseIpv4, tcpLogger } from './utils/device.js';
import { openTap, tapArguments } from './utils/tap.js';

const USAGE = `Usage: npx tsx examples/client.ts TAP ADDRESS PORT [options]
A host at 192.168.69.2 on TAP: connects to ADDRESS:PORT and replies with reversed chunks of the input.`;

const parsed = tapArguments(USAGE);
const { args, tapName } = parsed;
if (args.length !== 2) fail(`expected ADDRESS and PORT after ${tapName}, got ${args.length} argument(s); try --help`);
const address = parseIpv4(args[0]!);
if (address === null) fail(`'${args[0]}' is not an IPv4 address (a dotted quad such as 192.168.69.100)`);
const port = Number(args[1]);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`'${args[1]}' is not a port number (1 to 65535)`);
const { device, iface } = openTap(parsed, { hardwareAddr: '02:00:00:00:00:02', address: '192.168.69.2/24' });

// 64-byte buffers, as the original, to exercise flow control.
const socket = new TcpSocket({ rxBuffer: new RingBuffer(64), txBuffer: new RingBuffer(64), logger: tcpLogger });
const sockets = new SocketSet(1);
sockets.add(socket);
socket.connect(new IpEndpoint(address, port), new IpEndpoint(0, 49152 + Math.floor(Math.random() * 16384)));
console.log(`client: connecting to ${args[0]}:${port} from 192.168.69.2 on ${tapName}`);

const buffer = new Uint8Array(128);
let connected = false;
const stop = new AbortController();

function talk(): void {
  if (socket.isActive() && !connected && socket.state === TcpState.Established) {
    console.log('client: connected');
    connected = true;
  }
  // Read only as much as the reversed reply (plus its newline) can take.
  const room = socket.txBuffer.window - 1;
  if (room > 0 && socket.canRecv()) {
    const n = socket.recv(buffer, 0, room);
    let m = 0;
    for (let i = n - 1; i >= 0; i--) if (buffer[i] !== 0x0a) buffer[n + m++] = buffer[i]!;
    buffer[n + m++] = 0x0a;
    socket.send(buffer, n, m);
  }
  if (socket.recvFinished() && socket.state === TcpState.CloseWait) {
    console.log('client: the peer closed, closing');
    socket.close();
  }
  if (socket.state === TcpState.Closed || socket.state === TcpState.TimeWait) {
    console.log(connected ? 'client: closed' : `client: could not connect to ${args[0]}:${port}`);
    stop.abort();
  }
}

process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
try {
  await new Runner(iface, device, sockets, { onPoll: talk }).run(stop.signal);
} catch (e) {
  fail(`${tapName}: ${(e as Error).message}`, 1);
}
process.exit(connected ? 0 : 1);
