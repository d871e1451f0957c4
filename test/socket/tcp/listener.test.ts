// The listener: one port, many connections from a pool, a bounded backlog, accept() in arrival order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import { IpEndpoint, SocketKind } from '../../../src/socket/socket.js';
import {
  LOCAL_ADDR, LOCAL_MSS, LOCAL_PORT, LOCAL_SEQ, OTHER_ADDR, REMOTE_ADDR, REMOTE_PORT, REMOTE_SEQ, bytes, expectNothing,
  expectSent, ipFromPeer, ms, peer, readAll, recv, seg, send, socket, toRepr, type SocketOptions,
} from './harness.js';

const test = suite('socket/tcp/listener');

function listener(poolSize = 4, backlog?: number, options: SocketOptions = {}): TcpListener {
  const pool = Array.from({ length: poolSize }, () => socket(options));
  const l = new TcpListener({ pool, backlog });
  l.listen(LOCAL_PORT);
  return l;
}

const syn = (port: number) => peer({ control: 'syn', seq: REMOTE_SEQ, window: 64, srcPort: port });
const synAck = (port: number) => seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS, dstPort: port });
const ackOf = (port: number, extra: Partial<ReturnType<typeof peer>> = {}) =>
  peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 64, srcPort: port, ...extra });

test('listener: is a TCP socket to the interface and needs no poll while idle', () => {
  const l = listener();
  assert.is(l.kind, SocketKind.Tcp);
  assert.ok(l.isListening());
  assert.is(l.pollAt(0), null);
  expectNothing(l, 0);
  assert.is(l.accept(), null);
  assert.is(l.freeCount(), 4);
  assert.is(l.backlog, 4);
});

test('listener: several SYNs each get a socket and a SYN-ACK', () => {
  const l = listener();
  for (const port of [5000, 5001, 5002]) assert.is(send(l, 0, syn(port)), null);
  expectSent(l, 0, [synAck(5000), synAck(5001), synAck(5002)]);
  assert.is(l.pendingCount(), 3);
  assert.is(l.freeCount(), 1);
});

test('listener: accept() returns completed connections first in, first out, not those still handshaking', () => {
  const l = listener();
  for (const port of [5000, 5001, 5002]) send(l, 0, syn(port));
  recv(l, 0);
  assert.is(l.accept(), null);
  send(l, 1, ackOf(5002));
  send(l, 1, ackOf(5000));
  assert.ok(l.canAccept());
  const first = l.accept()!;
  assert.is(first.remotePort, 5000);
  assert.is(first.state, TcpState.Established);
  assert.is(l.accept()!.remotePort, 5002);
  assert.is(l.accept(), null);
  assert.is(l.pendingCount(), 1);
});

test('listener: a SYN beyond the backlog is dropped without a reply, and taken when the peer retries later', () => {
  const l = listener(4, 2);
  send(l, 0, syn(5000));
  send(l, 0, syn(5001));
  assert.is(send(l, 0, syn(5002)), null);
  assert.is(l.synDropped, 1);
  expectSent(l, 0, [synAck(5000), synAck(5001)]);
  send(l, 1, ackOf(5000));
  l.accept();
  assert.is(send(l, 1000, syn(5002)), null);
  // At 1 s: 5001's SYN-ACK again (its RTO) and 5002's first.
  assert.equal(recv(l, 1000).map((x) => x.dstPort), [5001, 5002]);
});

test('listener: a SYN with no socket left in the pool is dropped', () => {
  const l = listener(2, 2);
  send(l, 0, syn(5000));
  send(l, 0, syn(5001));
  send(l, 0, ackOf(5000));
  send(l, 0, ackOf(5001));
  l.accept();
  l.accept();
  assert.is(send(l, 0, syn(5002)), null);
  assert.is(l.synDropped, 1);
});

test('listener: a SYN flood occupies only the backlog, which empties when the handshakes give up', () => {
  const l = listener(4, 4, { synRetries: 1 });
  for (let port = 6000; port < 6100; port++) send(l, 0, syn(port));
  assert.is(recv(l, 0).length, 4);
  assert.is(l.synDropped, 96);
  recv(l, 1000);
  recv(l, 3000);
  assert.is(l.freeCount(), 4);
  assert.is(l.pendingCount(), 0);
  assert.is(l.pollAt(ms(3000)), null);
});

test('listener: a retransmitted SYN goes to the connection it started, not a new socket', () => {
  const l = listener();
  send(l, 0, syn(5000));
  recv(l, 0);
  send(l, 100, syn(5000));
  expectSent(l, 100, [synAck(5000)]);
  assert.is(l.pendingCount(), 1);
});

test('listener: an ACK for no connection is answered with an RST, an RST ignored', () => {
  const l = listener();
  assert.equal(send(l, 0, peer({ seq: 1, ack: 77, srcPort: 5000 })), seg({ control: 'rst', seq: 77, dstPort: 5000 }));
  assert.is(send(l, 0, peer({ control: 'rst', seq: 1, srcPort: 5000 })), null);
  assert.is(l.freeCount(), 4);
});

test('listener: a connection reset during the handshake frees its socket', () => {
  const l = listener();
  send(l, 0, syn(5000));
  recv(l, 0);
  send(l, 1, peer({ control: 'rst', seq: REMOTE_SEQ + 1, srcPort: 5000 }));
  recv(l, 1);
  assert.is(l.freeCount(), 4);
  assert.is(l.pendingCount(), 0);
});

test('listener: data and even the FIN may arrive before accept(), and are all there after', () => {
  const l = listener();
  send(l, 0, syn(5000));
  recv(l, 0);
  send(l, 1, ackOf(5000, { payload: 'early' }));
  send(l, 1, ackOf(5000, { control: 'fin', seq: REMOTE_SEQ + 6 }));
  const s = l.accept()!;
  assert.is(s.state, TcpState.CloseWait);
  assert.is(readAll(s), 'early');
});

test('listener: release() closes the connection gracefully and reuses the socket once CLOSED', () => {
  const l = listener(1);
  send(l, 0, syn(5000));
  recv(l, 0);
  send(l, 0, ackOf(5000));
  const s = l.accept()!;
  s.send(bytes('bye'));
  l.release(s);
  assert.is(s.state, TcpState.FinWait1);
  expectSent(l, 0, [seg({ control: 'fin', seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64, payload: 'bye', dstPort: 5000 })]);
  send(l, 1, ackOf(5000, { control: 'fin', ack: LOCAL_SEQ + 5 }));
  recv(l, 1);
  assert.is(s.state, TcpState.TimeWait);
  assert.is(l.freeCount(), 0);
  recv(l, 1 + 10_000);
  assert.is(l.freeCount(), 1);
  // The same socket takes the next connection.
  send(l, 20_000, syn(5001));
  assert.equal(recv(l, 20_000).map((x) => x.dstPort), [5001]);
});

test('listener: release() of an aborted socket frees it after the RST goes', () => {
  const l = listener(1);
  send(l, 0, syn(5000));
  recv(l, 0);
  send(l, 0, ackOf(5000));
  const s = l.accept()!;
  s.abort();
  l.release(s);
  expectSent(l, 0, [seg({ control: 'rst', seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, dstPort: 5000 })]);
  assert.is(l.freeCount(), 1);
});

test('listener: release() of a socket it did not hand out is an error', () => {
  const l = listener();
  assert.throws(() => l.release(socket()), /handed out with accept/);
});

test('listener: close() stops listening and resets connections not yet accepted; accepted ones carry on', () => {
  const l = listener();
  send(l, 0, syn(5000));
  send(l, 0, syn(5001));
  recv(l, 0);
  send(l, 0, ackOf(5000));
  const kept = l.accept()!;
  l.close();
  assert.not.ok(l.isListening());
  expectSent(l, 0, [seg({ control: 'rst', seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, dstPort: 5001 })]);
  assert.not.ok(l.accepts(ipFromPeer(), toRepr(syn(5002))));
  assert.is(kept.state, TcpState.Established);
  assert.ok(l.accepts(ipFromPeer(), toRepr(ackOf(5000))));
});

test('listener: bound to an address, it takes only segments to that address', () => {
  const pool = [socket(), socket()];
  const l = new TcpListener({ pool });
  l.listen(new IpEndpoint(LOCAL_ADDR, LOCAL_PORT));
  assert.ok(l.accepts(ipFromPeer(REMOTE_ADDR, LOCAL_ADDR), toRepr(syn(5000))));
  assert.not.ok(l.accepts(ipFromPeer(REMOTE_ADDR, OTHER_ADDR), toRepr(syn(5000))));
  assert.not.ok(l.accepts(ipFromPeer(), toRepr(peer({ control: 'syn', seq: 1, dstPort: 81 }))));
  assert.throws(() => l.listen(81), /close\(\) it first/);
  assert.throws(() => new TcpListener({ pool: [socket()] }).listen(0), /port 0/);
});

test('listener: construction checks the pool and backlog', () => {
  assert.throws(() => new TcpListener({ pool: [] }), /pool of TcpSockets/);
  const s = socket();
  assert.throws(() => new TcpListener({ pool: [s, s] }), /same socket twice/);
  assert.throws(() => new TcpListener({ pool: [socket()], backlog: 0 }), /positive integer/);
  const busy = socket();
  busy.listen(1);
  assert.throws(() => new TcpListener({ pool: [busy] }), /must be closed/);
});

test('listener: pollAt is the earliest of its connections\' timers', () => {
  const l = listener();
  send(l, 0, syn(5000));
  assert.is(l.pollAt(0), 0);
  recv(l, 0);
  assert.is(l.pollAt(0), ms(1000));
});

test('listener: two connections from the same peer address on different ports are kept apart', () => {
  const l = listener();
  send(l, 0, syn(5000));
  send(l, 0, syn(5001));
  recv(l, 0);
  send(l, 1, ackOf(5000, { payload: 'to-a' }));
  send(l, 1, ackOf(5001, { payload: 'to-b' }));
  const a = l.accept()!;
  const b = l.accept()!;
  assert.is(readAll(a), 'to-a');
  assert.is(readAll(b), 'to-b');
  assert.is(a.remotePort, 5000);
  assert.is(b.remotePort, 5001);
  void REMOTE_PORT;
});

test.run();
