// Our TCP sockets through the real interface: two Interfaces whose test devices are cross-wired, so
// every segment is emitted into an Ethernet frame, checksummed, parsed and routed back into a socket.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../../../src/iface/interface.js';
import { SocketSet, type SocketHandle } from '../../../src/socket/socket-set.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { TestDevice, ip, mac } from '../../iface/support.js';

const test = suite('socket/tcp/iface');

const A_IP = ip('192.168.69.1');
const B_IP = ip('192.168.69.2');

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

class Pair {
  readonly devA = new TestDevice();
  readonly devB = new TestDevice();
  readonly ifA = new Interface({ hardwareAddr: mac('02:00:00:00:00:01'), addresses: ['192.168.69.1/24'] });
  readonly ifB = new Interface({ hardwareAddr: mac('02:00:00:00:00:02'), addresses: ['192.168.69.2/24'] });
  readonly setA = new SocketSet(4);
  readonly setB = new SocketSet(4);
  now = 0;
  constructor(private readonly loss = 0, private readonly random = rng(1)) {
    // Each knows the other's MAC when the link is lossy: these tests are about TCP under loss, and three
    // ARP requests lost in a row end a connect with host-unreachable (as on Linux).
    if (loss > 0) {
      this.ifA.neighbors.fill((192 << 24) | (168 << 16) | (69 << 8) | 2, mac('02:00:00:00:00:02'), 0);
      this.ifB.neighbors.fill((192 << 24) | (168 << 16) | (69 << 8) | 1, mac('02:00:00:00:00:01'), 0);
    }
  }

  /** Polls both sides, moves frames across (dropping some if lossy), advances time to the next event. */
  step(): void {
    this.ifA.poll(this.now, this.devA, this.setA);
    this.ifB.poll(this.now, this.devB, this.setB);
    const moved = this.move(this.devA, this.devB) + this.move(this.devB, this.devA);
    if (moved > 0) {
      this.now += 100; // 0.1 ms per hop
      return;
    }
    const a = this.ifA.pollAt(this.now, this.setA);
    const b = this.ifB.pollAt(this.now, this.setB);
    let next = Infinity;
    if (a !== null) next = Math.min(next, a);
    if (b !== null) next = Math.min(next, b);
    this.now = next === Infinity ? this.now + 1000 : Math.max(this.now + 1, next);
  }

  private move(from: TestDevice, to: TestDevice): number {
    const frames = from.takeRaw();
    for (const f of frames) if (this.loss === 0 || this.random() >= this.loss) to.inject(f);
    return frames.length;
  }
}

function newSocket(size = 65536): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(size), txBuffer: new RingBuffer(size) });
}

function runTransfer(pair: Pair, client: TcpSocket, server: () => TcpSocket | null, size: number): void {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  const got = new Uint8Array(size);
  let sent = 0;
  let received = 0;
  let srv: TcpSocket | null = null;
  for (let i = 0; i < 500_000 && received < size; i++) {
    if (client.maySend() && sent < size) sent += client.send(data, sent, size - sent);
    if (sent === size && client.state === TcpState.Established) client.close();
    srv ??= server();
    if (srv !== null) {
      const n = srv.recv(got, received, size - received);
      if (n > 0) received += n;
    }
    pair.step();
  }
  assert.is(received, size, `received ${received} of ${size}`);
  assert.equal(got, data);
}

test('a client and a server socket on two interfaces: handshake, 256 KiB, close', () => {
  const pair = new Pair();
  const server = newSocket();
  server.listen(80);
  pair.setB.add(server);
  const client = newSocket();
  pair.setA.add(client);
  client.connect(new IpEndpoint(B_IP, 80), new IpEndpoint(A_IP, 49152));
  runTransfer(pair, client, () => server, 256 * 1024);
  for (let i = 0; i < 100 && server.state !== TcpState.CloseWait; i++) pair.step();
  server.close();
  for (let i = 0; i < 100 && server.state !== TcpState.Closed; i++) pair.step();
  assert.is(server.state, TcpState.Closed);
  assert.is(client.state, TcpState.TimeWait);
});

test('the client picks no source address: the interface fills it in and the SYN-ACK teaches it', () => {
  const pair = new Pair();
  const server = newSocket();
  server.listen(80);
  pair.setB.add(server);
  const client = newSocket();
  pair.setA.add(client);
  client.connect(new IpEndpoint(B_IP, 80), 49153);
  for (let i = 0; i < 50 && client.state !== TcpState.Established; i++) pair.step();
  assert.is(client.state, TcpState.Established);
  assert.is(client.localEndpoint()!.addr, A_IP);
});

test('a listener with a backlog takes three clients through the interface', () => {
  const pair = new Pair();
  const listener = new TcpListener({ pool: [newSocket(8192), newSocket(8192), newSocket(8192)], backlog: 3 });
  listener.listen(80);
  pair.setB.add(listener);
  const clients: TcpSocket[] = [];
  const handles: SocketHandle[] = [];
  for (let i = 0; i < 3; i++) {
    const c = newSocket(8192);
    handles.push(pair.setA.add(c));
    c.connect(new IpEndpoint(B_IP, 80), new IpEndpoint(A_IP, 50000 + i));
    c.send(new TextEncoder().encode(`hello ${i}`));
    clients.push(c);
  }
  const accepted: TcpSocket[] = [];
  for (let i = 0; i < 200 && accepted.length < 3; i++) {
    pair.step();
    const s = listener.accept();
    if (s !== null) accepted.push(s);
  }
  assert.is(accepted.length, 3);
  for (let i = 0; i < 50; i++) pair.step();
  const texts = accepted.map((s) => {
    const buf = new Uint8Array(64);
    return new TextDecoder().decode(buf.subarray(0, s.recv(buf)));
  });
  assert.equal(texts.sort(), ['hello 0', 'hello 1', 'hello 2']);
});

test('over a link losing 10 % of frames both ways, 64 KiB arrive whole', () => {
  for (const seed of [1, 2, 3]) {
    const pair = new Pair(0.1, rng(seed));
    const server = newSocket(16384);
    server.listen(80);
    pair.setB.add(server);
    const client = newSocket(16384);
    pair.setA.add(client);
    client.connect(new IpEndpoint(B_IP, 80), new IpEndpoint(A_IP, 49200 + seed));
    runTransfer(pair, client, () => server, 64 * 1024);
  }
});

test.run();
