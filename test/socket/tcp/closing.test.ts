// Closing a connection: FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT, simultaneous
// close and RST in each (RFC 9293 sections 3.6 and 3.10.7.4).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, expectState, ms, peer, readAll, recv, seg, send,
  type SocketOptions,
} from './harness.js';
import type { TcpSocket } from '../../../src/socket/tcp/socket.js';

const test = suite('socket/tcp/closing');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

/** ESTABLISHED, close() called, FIN sent at t=0 (unacknowledged). */
function finWait1(options: SocketOptions = {}): TcpSocket {
  const s = established(options);
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64 })]);
  expectState(s, TcpState.FinWait1);
  return s;
}

function finWait2(options: SocketOptions = {}): TcpSocket {
  const s = finWait1(options);
  send(s, 0, peer({ seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.FinWait2);
  return s;
}

function closeWait(options: SocketOptions = {}): TcpSocket {
  const s = established(options);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64 }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 1, window: 64 })]);
  expectState(s, TcpState.CloseWait);
  return s;
}

function lastAck(options: SocketOptions = {}): TcpSocket {
  const s = closeWait(options);
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64 })]);
  expectState(s, TcpState.LastAck);
  return s;
}

function closing(options: SocketOptions = {}): TcpSocket {
  const s = finWait1(options);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64 }));
  expectState(s, TcpState.Closing);
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 1, window: 64 })]);
  return s;
}

function timeWait(options: SocketOptions = {}): TcpSocket {
  const s = finWait2(options);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 1, window: 64 })]);
  return s;
}

// FIN-WAIT-1

test('fin-wait-1: the ACK of our FIN leads to FIN-WAIT-2', () => {
  finWait2();
});

test('fin-wait-1: an ACK of less than the FIN keeps FIN-WAIT-1', () => {
  const s = established({ nagle: false });
  s.send(bytes('abc'));
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64, payload: 'abc' })]);
  send(s, 0, peer({ seq: R, ack: L + 3, window: 64 }));
  expectState(s, TcpState.FinWait1);
  send(s, 0, peer({ seq: R, ack: L + 4, window: 64 }));
  expectState(s, TcpState.FinWait2);
});

test('fin-wait-1: the peer\'s FIN without the ACK of ours leads to CLOSING (simultaneous close)', () => {
  closing();
});

test('fin-wait-1: a FIN that also acknowledges ours leads straight to TIME-WAIT', () => {
  const s = finWait1();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 1, window: 64 })]);
});

test('fin-wait-1: data from the peer is still received', () => {
  const s = finWait1();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'more' }));
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 4, window: 60 })]);
  assert.is(readAll(s), 'more');
  assert.ok(s.mayRecv());
  assert.not.ok(s.maySend());
});

test('fin-wait-1: close() again changes nothing', () => {
  const s = finWait1();
  s.close();
  expectState(s, TcpState.FinWait1);
  expectNothing(s, 0);
});

test('fin-wait-1: with data queued beyond the window, the FIN follows the last byte', () => {
  const s = established({ txSize: 128, nagle: false }, {}, 16);
  s.send(bytes('a'.repeat(24)));
  s.close();
  expectSent(s, 0, [seg({ seq: L, ack: R, window: 64, payload: 'a'.repeat(16) })]);
  send(s, 10, peer({ seq: R, ack: L + 16, window: 16 }));
  expectSent(s, 10, [seg({ control: 'fin', seq: L + 16, ack: R, window: 64, payload: 'a'.repeat(8) })]);
});

test('fin-wait-1: the FIN is retransmitted when unacknowledged, after the RTO (200 ms: the handshake measured 0)', () => {
  const s = finWait1();
  expectNothing(s, 199);
  expectSent(s, 200, [seg({ control: 'fin', seq: L, ack: R, window: 64 })]);
});

test('fin-wait-1: an RST at RCV.NXT closes', () => {
  const s = finWait1();
  send(s, 0, peer({ control: 'rst', seq: R }));
  expectState(s, TcpState.Closed);
});

// FIN-WAIT-2

test('fin-wait-2: the peer\'s FIN leads to TIME-WAIT and is acknowledged', () => {
  timeWait();
});

test('fin-wait-2: data from the peer is still received', () => {
  const s = finWait2();
  send(s, 0, peer({ seq: R, ack: L + 1, window: 64, payload: 'tail' }));
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 4, window: 60 })]);
  assert.is(readAll(s), 'tail');
});

test('fin-wait-2: close() changes nothing and nothing is due', () => {
  const s = finWait2();
  s.close();
  expectState(s, TcpState.FinWait2);
  expectNothing(s, 0);
  assert.is(s.pollAt(0), null);
});

test('fin-wait-2: an RST at RCV.NXT closes', () => {
  const s = finWait2();
  send(s, 0, peer({ control: 'rst', seq: R }));
  expectState(s, TcpState.Closed);
});

// CLOSE-WAIT

test('close-wait: our data is still sent and acknowledged', () => {
  const s = closeWait();
  s.send(bytes('reply'));
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R + 1, window: 64, payload: 'reply' })]);
  send(s, 10, peer({ seq: R + 1, ack: L + 5, window: 64 }));
  assert.is(s.sendQueue(), 0);
  expectState(s, TcpState.CloseWait);
});

test('close-wait: close() sends our FIN and leads to LAST-ACK', () => {
  lastAck();
});

test('close-wait: reading what arrived sends no window update (no more data can come)', () => {
  const s = established();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'a'.repeat(40) }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 41, window: 24 })]);
  readAll(s);
  expectNothing(s, 0);
});

test('close-wait: an RST at RCV.NXT closes', () => {
  const s = closeWait();
  send(s, 0, peer({ control: 'rst', seq: R + 1 }));
  expectState(s, TcpState.Closed);
});

test('close-wait: data after the FIN is not taken', () => {
  const s = closeWait();
  assert.equal(send(s, 0, peer({ seq: R + 1, ack: L, window: 64, payload: 'zz' })), null);
  assert.is(s.recvQueue(), 0);
});

// CLOSING

test('closing: the ACK of our FIN leads to TIME-WAIT', () => {
  const s = closing();
  send(s, 0, peer({ seq: R + 1, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  expectNothing(s, 0);
});

test('closing: an ACK that is not of our FIN is ignored', () => {
  const s = closing();
  send(s, 0, peer({ seq: R + 1, ack: L, window: 64 }));
  expectState(s, TcpState.Closing);
});

test('closing: close() changes nothing', () => {
  const s = closing();
  s.close();
  expectState(s, TcpState.Closing);
});

test('closing: without the ACK of our FIN, the FIN is retransmitted', () => {
  const s = closing();
  expectSent(s, 200, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64 })]);
});

test('closing: an RST at RCV.NXT closes', () => {
  const s = closing();
  send(s, 0, peer({ control: 'rst', seq: R + 1 }));
  expectState(s, TcpState.Closed);
});

// LAST-ACK

test('last-ack: the ACK of our FIN closes', () => {
  const s = lastAck();
  send(s, 0, peer({ seq: R + 1, ack: L + 1, window: 64 }));
  expectState(s, TcpState.Closed);
  expectNothing(s, 0);
});

test('last-ack: an ACK of our data but not of the FIN keeps LAST-ACK', () => {
  const s = closeWait();
  s.send(bytes('abc'));
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64, payload: 'abc' })]);
  send(s, 0, peer({ seq: R + 1, ack: L + 3, window: 64 }));
  expectState(s, TcpState.LastAck);
  send(s, 0, peer({ seq: R + 1, ack: L + 4, window: 64 }));
  expectState(s, TcpState.Closed);
});

test('last-ack: an ACK beyond our FIN draws a challenge ACK', () => {
  const s = lastAck();
  assert.equal(send(s, 0, peer({ seq: R + 1, ack: L + 5, window: 64 })), seg({ seq: L + 1, ack: R + 1, window: 64 }));
  expectState(s, TcpState.LastAck);
});

test('last-ack: the FIN is retransmitted until acknowledged', () => {
  const s = lastAck();
  expectSent(s, 200, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64 })]);
  expectNothing(s, 599);
  expectSent(s, 600, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64 })]);
});

test('last-ack: close() changes nothing', () => {
  const s = lastAck();
  s.close();
  expectState(s, TcpState.LastAck);
});

test('last-ack: an RST at RCV.NXT closes', () => {
  const s = lastAck();
  send(s, 0, peer({ control: 'rst', seq: R + 1 }));
  expectState(s, TcpState.Closed);
});

// TIME-WAIT

test('time-wait: after 10 s the socket is CLOSED', () => {
  const s = timeWait();
  assert.ok(!s.isOpen());
  assert.is(s.pollAt(0), ms(10000));
  expectNothing(s, 9999);
  expectState(s, TcpState.TimeWait);
  expectNothing(s, 10000);
  expectState(s, TcpState.Closed);
});

test('time-wait: its length is configurable', () => {
  const s = timeWait({ timeWait: 2_000_000 });
  assert.is(s.pollAt(0), ms(2000));
  recv(s, 2000);
  expectState(s, TcpState.Closed);
});

test('time-wait: a retransmitted FIN is acknowledged again and restarts the timer', () => {
  const s = timeWait();
  assert.equal(send(s, 5000, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 })), seg({ seq: L + 1, ack: R + 1, window: 64 }));
  assert.is(s.pollAt(ms(5000)), ms(15000));
  expectNothing(s, 10000);
  expectState(s, TcpState.TimeWait);
});

test('time-wait: close() changes nothing', () => {
  const s = timeWait();
  s.close();
  expectState(s, TcpState.TimeWait);
});

test('time-wait: no window update after reading', () => {
  const s = finWait2();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64, payload: 'a'.repeat(40) }));
  expectSent(s, 0, [seg({ seq: L + 1, ack: R + 41, window: 24 })]);
  readAll(s);
  expectNothing(s, 0);
});

test('time-wait: from CLOSING, reached without our own ACK being sent again', () => {
  const s = closing();
  send(s, 0, peer({ seq: R + 1, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  expectNothing(s, 0);
});

test('time-wait: an RST at RCV.NXT closes', () => {
  const s = timeWait();
  send(s, 0, peer({ control: 'rst', seq: R + 1 }));
  expectState(s, TcpState.Closed);
});

// Through several states

test('local close: ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, CLOSED', () => {
  const s = timeWait();
  recv(s, 10000);
  expectState(s, TcpState.Closed);
});

test('remote close: ESTABLISHED, CLOSE-WAIT, LAST-ACK, CLOSED', () => {
  const s = lastAck();
  send(s, 0, peer({ seq: R + 1, ack: L + 1, window: 64 }));
  expectState(s, TcpState.Closed);
});

test('simultaneous close with data in both directions', () => {
  const s = established({ nagle: false });
  s.send(bytes('ours'));
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64, payload: 'ours' })]);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'theirs' }));
  expectState(s, TcpState.Closing);
  expectSent(s, 0, [seg({ seq: L + 5, ack: R + 7, window: 58 })]);
  send(s, 0, peer({ seq: R + 7, ack: L + 5, window: 64 }));
  expectState(s, TcpState.TimeWait);
  assert.is(readAll(s), 'theirs');
});

test('simultaneous close, raced: the peer\'s FIN arrives before ours is sent', () => {
  const s = established();
  s.close();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64 }));
  expectState(s, TcpState.Closing);
  // Our FIN goes with the ACK of theirs.
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R + 1, window: 64 })]);
  send(s, 0, peer({ seq: R + 1, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
});

test('mutual close: the peer closes first with data, we answer with data and close', () => {
  const s = established();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'req' }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 4, window: 61 })]);
  assert.is(readAll(s), 'req');
  s.send(bytes('resp'));
  s.close();
  // Reading 3 bytes moved the window less than silly-window avoidance asks (RFC 9293 3.8.6.2.2).
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R + 4, window: 61, payload: 'resp' })]);
  send(s, 0, peer({ seq: R + 4, ack: L + 5, window: 64 }));
  expectState(s, TcpState.Closed);
});

test('a segment with data and FIN delivers the data and closes the peer\'s direction', () => {
  const s = established();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'abc' }));
  expectState(s, TcpState.CloseWait);
  assert.is(readAll(s), 'abc');
});

test('abort() in CLOSE-WAIT sends an RST, in TIME-WAIT nothing', () => {
  const s = closeWait();
  s.abort();
  expectSent(s, 0, [seg({ control: 'rst', seq: L, ack: R + 1 })]);
  const t = timeWait();
  t.abort();
  expectState(t, TcpState.Closed);
  expectNothing(t, 0);
});

test.run();
