// A SYN for a connection in TIME-WAIT (RFC 9293 section 3.6.1, RFC 6191): it opens a new incarnation
// when it surely is not of the old one (a greater timestamp with timestamps in use, else an ISN greater
// than RCV.NXT); anything else is answered as by the old connection (RFC 5961 section 4's ACK).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpState, type TcpSocket } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_MSS, LOCAL_PORT, LOCAL_SEQ, REMOTE_SEQ, established, expectNothing, expectSent, expectState, peer, recv, seg, send, socket, synSent, toRepr,
  type SocketOptions,
} from './harness.js';

const test = suite('socket/tcp/time-wait-reuse');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

/** A passive open closed by us first: TIME-WAIT at t=0, RCV.NXT = R + 1; without timestamps. */
function timeWait(options: SocketOptions = {}): TcpSocket {
  const s = established(options);
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64 })]);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 1, window: 64 })]);
  return s;
}

/** The same with timestamps: TS.Recent is 1003 in TIME-WAIT. */
function timeWaitTs(): TcpSocket {
  const s = established({ timestamps: true }, { ts: [1000, 0] });
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64, ts: [0, 1001] })]);
  send(s, 0, peer({ seq: R, ack: L + 1, window: 64, ts: [1002, 0] }));
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64, ts: [1003, 0] }));
  expectState(s, TcpState.TimeWait);
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 1, window: 64, ts: [0, 1003] })]);
  return s;
}

test('time_wait_syn_greater_isn: without timestamps, a SYN with an ISN past RCV.NXT opens a new connection at once', () => {
  const s = timeWait();
  const isn = R + 100_000;
  assert.is(send(s, 1, peer({ control: 'syn', seq: isn, window: 64 })), null);
  expectState(s, TcpState.SynReceived);
  expectSent(s, 1, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: isn + 1, window: 64, mss: LOCAL_MSS })]);
  send(s, 2, peer({ seq: isn + 1, ack: L, window: 64 }));
  expectState(s, TcpState.Established);
});

test('time_wait_syn_old_isn: without timestamps, a SYN at or before RCV.NXT is answered by the old connection and TIME-WAIT goes on', () => {
  for (const isn of [R + 1, R - 5000]) {
    const s = timeWait();
    assert.equal(send(s, 1, peer({ control: 'syn', seq: isn, window: 64 })), seg({ seq: L + 1, ack: R + 1, window: 64 }));
    expectState(s, TcpState.TimeWait);
    assert.is(s.pollAt(1000), 10_000_000, 'the TIME-WAIT timer is not restarted by it');
  }
});

test('time_wait_syn_greater_ts: with timestamps, a greater TSval opens a new connection even with a smaller ISN', () => {
  const s = timeWaitTs();
  const isn = R - 5000;
  assert.is(send(s, 1, peer({ control: 'syn', seq: isn, window: 64, ts: [1004, 0] })), null);
  expectState(s, TcpState.SynReceived);
  expectSent(s, 1, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: isn + 1, window: 64, mss: LOCAL_MSS, ts: [1, 1004] })]);
});

test('time_wait_syn_old_ts: with timestamps, a TSval not greater than TS.Recent keeps TIME-WAIT, whatever the ISN', () => {
  const s = timeWaitTs();
  assert.equal(send(s, 1, peer({ control: 'syn', seq: R + 100_000, window: 64, ts: [1003, 0] })), seg({ seq: L + 1, ack: R + 1, window: 64, ts: [1, 1003] }));
  expectState(s, TcpState.TimeWait);
});

test('time_wait_syn_without_ts: the old connection used timestamps, the SYN has none: the ISN decides', () => {
  const s = timeWaitTs();
  assert.is(send(s, 1, peer({ control: 'syn', seq: R + 100_000, window: 64 })), null);
  expectState(s, TcpState.SynReceived);
});

test('time_wait_unread_data: a SYN of a new incarnation does not discard data the application has not read', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'unread' }));
  s.close();
  recv(s, 0);
  send(s, 0, peer({ control: 'fin', seq: R + 6, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  send(s, 1, peer({ control: 'syn', seq: R + 100_000, window: 64 }));
  expectState(s, TcpState.TimeWait);
  assert.is(s.recvQueue(), 6);
});

test('time_wait_active_open: TIME-WAIT after connect() has no listening endpoint to reopen', () => {
  const s = synSent();
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64 }));
  expectState(s, TcpState.Established);
  recv(s, 0);
  s.close();
  recv(s, 0);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  recv(s, 0);
  assert.ok(s.synOpensNewIncarnation(toRepr(peer({ control: 'syn', seq: R + 100_000, window: 64 }))), 'the SYN passes the RFC 6191 test');
  assert.equal(send(s, 1, peer({ control: 'syn', seq: R + 100_000, window: 64 })), seg({ seq: L + 1, ack: R + 1, window: 64, srcPort: s.localPort, dstPort: s.remotePort }));
  expectState(s, TcpState.TimeWait);
});

test('time_wait_listener: a released connection in TIME-WAIT is ended by a SYN of a new incarnation, which the listener takes', () => {
  const pool = [socket(), socket()];
  const l = new TcpListener({ pool, backlog: 2 });
  l.listen(LOCAL_PORT);
  send(l, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 }));
  recv(l, 0);
  send(l, 0, peer({ seq: R, ack: L, window: 64 }));
  const first = l.accept()!;
  l.release(first);
  expectSent(l, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64 })]);
  send(l, 1, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(first, TcpState.TimeWait);
  recv(l, 1);
  // An old SYN: the old connection answers, TIME-WAIT goes on.
  assert.equal(send(l, 2, peer({ control: 'syn', seq: R, window: 64 })), seg({ seq: L + 1, ack: R + 1, window: 64 }));
  expectState(first, TcpState.TimeWait);
  // A new incarnation: TIME-WAIT ends and a socket of the pool answers the SYN.
  const isn = R + 100_000;
  assert.is(send(l, 3, peer({ control: 'syn', seq: isn, window: 64 })), null);
  expectSent(l, 3, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: isn + 1, window: 64, mss: LOCAL_MSS })]);
  assert.is(l.pendingCount(), 1);
  send(l, 4, peer({ seq: isn + 1, ack: L, window: 64 }));
  const second = l.accept()!;
  assert.ok(second !== null);
  expectState(second, TcpState.Established);
  expectNothing(l, 5);
});

test('time_wait_listener_closed: a listener that stopped listening ends the old TIME-WAIT but takes no connection', () => {
  const l = new TcpListener({ pool: [socket()], backlog: 1 });
  l.listen(LOCAL_PORT);
  send(l, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 }));
  recv(l, 0);
  send(l, 0, peer({ seq: R, ack: L, window: 64 }));
  const first = l.accept()!;
  l.release(first);
  recv(l, 0);
  send(l, 1, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  recv(l, 1);
  l.close();
  assert.is(send(l, 2, peer({ control: 'syn', seq: R + 100_000, window: 64 })), null);
  expectState(first, TcpState.Closed);
  assert.is(l.freeCount(), 1);
  expectNothing(l, 2);
});

test.run();
