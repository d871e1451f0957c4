// examples/server.ts: a host on tap0 that answers requests, after smoltcp's examples/server.rs.
// Hardware address 02-00-00-00-00-01, IPv4 192.168.69.1/24. It answers pings, and:
//   UDP 6969  replies "hello" to any datagram
//   TCP 6969  sends "hello" to each connection and closes it
//   TCP 6970  replies with reversed chunks of the input (newlines dropped, one added), indefinitely
//   TCP 6971  accepts and discards everything
//   TCP 6972  a fountain: sends an endless stream of bytes i % 256 to each connection
// Buffers are 64 bytes, except on 6971 and 6972 (64 KiB), to exercise resource exhaustion. Each port is a
// listener with a backlog, so a new connection is accepted while an earlier one is still closing.
//
//   npx tsx examples/server.ts tap0 [--drop-chance 15 --corrupt-chance 15] [--pcap server.pcap]

import { Runner } from '../src/runner/runner.js';
import { SocketSet } from '../src/socket/socket-set.js';
import { IpEndpoint } from '../src/socket/socket.js';
import { TcpListener } from '../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../src/socket/tcp/socket.js';
import { UdpSocket } from '../src/socket/udp.js';
import { RingBuffer } from '../src/storage/ring-buffer.js';
import { fail, tcpLogger } from './utils/device.js';
import { openTap, tapArguments } from './utils/tap.js';

const USAGE = `Usage: npx tsx examples/server.ts TAP [options]
A host at 192.168.69.1 on TAP: ping; UDP 6969 says hello; TCP 6969 says hello and closes,
6970 returns reversed chunks, 6971 discards, 6972 sends bytes i % 256 forever.`;

const parsed = tapArguments(USAGE);
if (parsed.args.length > 0) fail(`unexpected argument '${parsed.args[0]}'; server takes only the tap name and options (try --help)`);
const { tapName, device, iface } = openTap(parsed, { hardwareAddr: '02:00:00:00:00:01', address: '192.168.69.1/24' });

const SMALL = 64;
const LARGE = 65536;
const CONNECTIONS = 4; // per port: the backlog and the sockets behind it

function listener(port: number, bufferSize: number): TcpListener {
  const pool: TcpSocket[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    pool.push(new TcpSocket({ rxBuffer: new RingBuffer(bufferSize), txBuffer: new RingBuffer(bufferSize), logger: tcpLogger }));
  }
  const l = new TcpListener({ pool, backlog: CONNECTIONS, logger: tcpLogger });
  l.listen(port);
  return l;
}

const udp = new UdpSocket({ rx: { packets: 4, payload: SMALL }, tx: { packets: 4, payload: SMALL } });
udp.bind(6969);
const hello = listener(6969, SMALL);
const reverser = listener(6970, SMALL);
const sink = listener(6971, LARGE);
const fountain = listener(6972, LARGE);

const sockets = new SocketSet(8);
for (const s of [udp, hello, reverser, sink, fountain]) sockets.add(s);

const HELLO = new TextEncoder().encode('hello\n');
const buffer = new Uint8Array(LARGE);
const from = new IpEndpoint();
// Connections accepted and not yet released, per port; a fountain's next byte per connection.
const reversing = new Set<TcpSocket>();
const sinking = new Map<TcpSocket, number>(); // bytes swallowed per connection
const flowing = new Map<TcpSocket, number>();

function peerGone(socket: TcpSocket): boolean {
  return socket.state === TcpState.Closed || socket.state === TcpState.TimeWait;
}

function serve(): void {
  // UDP 6969: "hello" to whoever sent a datagram.
  while (udp.canRecv() && udp.canSend(HELLO.length)) {
    const n = udp.recv(buffer, 0, buffer.length, from);
    console.log(`udp:6969 recv ${n} bytes from ${from.port}, sending "hello"`);
    udp.send(HELLO, 0, HELLO.length, from.addr, from.port);
  }

  // TCP 6969: greet and close. release() closes gracefully once "hello" is sent.
  for (let s = hello.accept(); s !== null; s = hello.accept()) {
    console.log('tcp:6969 send greeting, close');
    s.send(HELLO);
    hello.release(s);
  }

  // TCP 6970: each chunk received goes back reversed, newlines dropped and one added; only as much is
  // read as the reply can take, so a slow reader slows the writer (64-byte buffers).
  for (let s = reverser.accept(); s !== null; s = reverser.accept()) reversing.add(s);
  for (const s of reversing) {
    const room = s.txBuffer.window - 1;
    if (room > 0 && s.canRecv() && s.maySend()) {
      const n = s.recv(buffer, 0, room);
      let m = 0;
      for (let i = n - 1; i >= 0; i--) if (buffer[i] !== 0x0a) buffer[n + m++] = buffer[i]!;
      buffer[n + m++] = 0x0a;
      s.send(buffer, n, m);
    }
    if (s.recvFinished() || peerGone(s)) {
      console.log('tcp:6970 close');
      reversing.delete(s);
      reverser.release(s);
    }
  }

  // TCP 6971: read and forget.
  for (let s = sink.accept(); s !== null; s = sink.accept()) sinking.set(s, 0);
  for (const [s, swallowed] of sinking) {
    let total = swallowed;
    // recv() returns TCP_RECV_FINISHED or TCP_RECV_RESET (negative) once nothing more will come.
    for (let n = s.recv(buffer); n > 0; n = s.recv(buffer)) total += n;
    sinking.set(s, total);
    if (s.recvFinished() || peerGone(s)) {
      console.log(`tcp:6971 close after ${total} bytes`);
      sinking.delete(s);
      sink.release(s);
    }
  }

  // TCP 6972: fill the send buffer with i % 256 until the peer goes away.
  for (let s = fountain.accept(); s !== null; s = fountain.accept()) flowing.set(s, 0);
  for (const [s, next] of flowing) {
    if (!s.maySend() || peerGone(s)) {
      console.log(`tcp:6972 close after ${next} bytes`);
      flowing.delete(s);
      fountain.release(s);
      continue;
    }
    while (s.recv(buffer) > 0); // whatever the peer says is ignored
    let i = next;
    for (let room = s.sendWindowLength(); room > 0; room = s.sendWindowLength()) {
      const at = s.sendWindowOffset();
      const storage = s.txBuffer.storage;
      for (let k = 0; k < room; k++) storage[at + k] = (i + k) & 0xff;
      s.commitSend(room);
      i += room;
    }
    flowing.set(s, i);
  }
}

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
console.log(`server: 192.168.69.1 on ${tapName} ready (ping; udp 6969; tcp 6969 6970 6971 6972)`);
try {
  await new Runner(iface, device, sockets, { onPoll: serve }).run(stop.signal);
} catch (e) {
  fail(`${tapName}: ${(e as Error).message}`, 1);
}
process.exit(0);
