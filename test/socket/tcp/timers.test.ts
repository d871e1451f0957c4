// Keep-alive (RFC 1122 section 4.2.3.6), the user timeout (RFC 9293 section 3.10.8), challenge ACKs and
// their rate limit (RFC 5961), and logging of state changes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TCP_RECV_RESET, TcpState } from '../../../src/socket/tcp/socket.js';
import { TcpError } from '../../../src/socket/tcp/errors.js';
import {
  LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, expectState, listening, ms, peer, recv, seg, send,
  socket,
} from './harness.js';

const test = suite('socket/tcp/timers');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

// Keep-alive

test('keep-alive: after the idle interval, a probe with SEG.SEQ = SND.NXT-1 and no data', () => {
  const s = established({ keepAlive: 1_000_000 });
  assert.is(s.pollAt(ms(0)), ms(1000));
  expectNothing(s, 999);
  expectSent(s, 1000, [seg({ seq: L - 1, ack: R, window: 64 })]);
  assert.is(s.pollAt(ms(1000)), ms(2000));
  expectSent(s, 2000, [seg({ seq: L - 1, ack: R, window: 64 })]);
});

test('keep-alive: anything from the peer postpones the next probe', () => {
  const s = established({ keepAlive: 1_000_000 });
  send(s, 800, peer({ seq: R, ack: L, window: 64 }));
  expectNothing(s, 1000);
  assert.is(s.pollAt(ms(1000)), ms(1800));
  expectSent(s, 1800, [seg({ seq: L - 1, ack: R, window: 64 })]);
});

test('keep-alive: can be turned on later and off again', () => {
  const s = established();
  assert.is(s.pollAt(0), null);
  s.setKeepAlive(500_000);
  expectSent(s, 500, [seg({ seq: L - 1, ack: R, window: 64 })]);
  s.setKeepAlive(null);
  assert.is(s.pollAt(ms(500)), null);
  assert.throws(() => s.setKeepAlive(0), /must be positive/);
});

test('keep-alive: the peer\'s probe (SEQ = RCV.NXT-1) is answered with an ACK', () => {
  const s = established();
  assert.equal(send(s, 10, peer({ seq: R - 1, ack: L, window: 64 })), seg({ seq: L, ack: R, window: 64 }));
  // Also the old style with one garbage byte.
  assert.equal(send(s, 20, peer({ seq: R - 1, ack: L, window: 64, payload: '\0' })), seg({ seq: L, ack: R, window: 64 }));
  assert.is(s.recvQueue(), 0);
});

test('keep-alive with a user timeout: an unanswered peer is aborted with an RST', () => {
  const s = established({ keepAlive: 1_000_000, timeout: 2_500_000 });
  recv(s, 1000);
  recv(s, 2000);
  expectState(s, TcpState.Established);
  expectSent(s, 3500, [seg({ control: 'rst', seq: L, ack: R })]);
  expectState(s, TcpState.Closed);
});

test('keep-alive with a user timeout: an answering peer keeps the connection', () => {
  const s = established({ keepAlive: 1_000_000, timeout: 1_500_000 });
  for (let t = 1000; t < 10000; t += 1010) {
    expectSent(s, t, [seg({ seq: L - 1, ack: R, window: 64 })]);
    send(s, t + 10, peer({ seq: R, ack: L, window: 64 }));
  }
  expectState(s, TcpState.Established);
});

// User timeout

test('timeout: data unacknowledged for the user timeout aborts the connection with an RST', () => {
  const s = established({ timeout: 1_000_000 });
  s.send(bytes('abc'));
  recv(s, 0);
  recv(s, 200);
  recv(s, 600);
  assert.is(s.pollAt(ms(600)), ms(1000));
  expectSent(s, 1000, [seg({ control: 'rst', seq: L + 3, ack: R })]);
  expectState(s, TcpState.Closed);
  assert.is(s.sendQueue(), 0);
  // The application learns it from recv(), as from an RST of the peer.
  assert.ok(s.wasReset());
  assert.is(s.recv(new Uint8Array(4)), TCP_RECV_RESET);
});

test('recv on a socket that never had a connection, or that the application aborted, is a mistake: TcpError', () => {
  const s = established();
  s.abort();
  assert.not.ok(s.wasReset(), 'our own abort is not a reset by the network');
  assert.throws(() => s.recv(new Uint8Array(4)), (e: unknown) => e instanceof TcpError && e.code === 'InvalidState' && /connect\(\) or listen\(\) first/.test(e.message));
});

test('timeout: an idle connection with nothing outstanding never times out', () => {
  const s = established({ timeout: 1_000_000 });
  assert.is(s.pollAt(0), null);
  expectNothing(s, 100_000);
  expectState(s, TcpState.Established);
});

test('timeout: progress restarts it', () => {
  const s = established({ timeout: 1_000_000, nagle: false, txSize: 128 });
  s.send(bytes('abc'));
  recv(s, 0);
  send(s, 900, peer({ seq: R, ack: L + 3, window: 64 }));
  s.send(bytes('def'));
  recv(s, 900);
  expectNothing(s, 1000);
  expectState(s, TcpState.Established);
  // The user timeout now runs from the ACK at 900 ms.
  assert.is(s.pollAt(ms(1000)), ms(1900));
});

test('timeout: in FIN-WAIT-1 an unacknowledged FIN times out', () => {
  const s = established({ timeout: 1_000_000 });
  s.close();
  recv(s, 0);
  recv(s, 1000);
  expectState(s, TcpState.Closed);
});

test('timeout: in LAST-ACK too', () => {
  const s = established({ timeout: 1_000_000 });
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64 }));
  recv(s, 0);
  s.close();
  recv(s, 0);
  expectState(s, TcpState.LastAck);
  recv(s, 1000);
  expectState(s, TcpState.Closed);
});

test('timeout: a listening or closed socket never times out', () => {
  const l = listening({ timeout: 1_000 });
  assert.is(l.pollAt(0), null);
  expectNothing(l, 100_000);
  expectState(l, TcpState.Listen);
  const c = socket({ timeout: 1_000 });
  assert.is(c.pollAt(0), null);
  assert.throws(() => c.setTimeout(0), /must be positive/);
});

// RFC 5961 challenge ACKs

test('RFC 5961: a SYN in ESTABLISHED draws a challenge ACK and changes nothing', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ control: 'syn', seq: R + 10, window: 64 })), seg({ seq: L, ack: R, window: 64 }));
  expectState(s, TcpState.Established);
});

test('RFC 5961: a SYN with data out of the window draws a challenge ACK too', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ control: 'syn', seq: R + 1000, window: 64, payload: 'zz' })), seg({ seq: L, ack: R, window: 64 }));
  assert.is(s.recvQueue(), 0);
});

test('RFC 5961: challenge ACKs are limited per second, then sent again', () => {
  const s = established({ challengeAckLimit: 3 });
  const syn = peer({ control: 'syn', seq: R + 10, window: 64 });
  const replies = [];
  for (let i = 0; i < 6; i++) replies.push(send(s, 100 + i, syn));
  assert.is(replies.filter((r) => r !== null).length, 3);
  assert.ok(send(s, 1200, syn) !== null);
});

test('RFC 5961: RSTs in the window share the limit', () => {
  const s = established({ challengeAckLimit: 2 });
  assert.ok(send(s, 0, peer({ control: 'rst', seq: R + 3 })) !== null);
  assert.ok(send(s, 1, peer({ control: 'rst', seq: R + 4 })) !== null);
  assert.is(send(s, 2, peer({ control: 'rst', seq: R + 5 })), null);
  expectState(s, TcpState.Established);
});

test('RFC 5961: ACKs for old duplicate data are not rate-limited', () => {
  const s = established({ challengeAckLimit: 1 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  recv(s, 0);
  for (let i = 0; i < 5; i++) assert.ok(send(s, 1 + i, peer({ seq: R, ack: L, window: 64, payload: 'abc' })) !== null);
});

test('RFC 5961: the last challenge ACK carries the current state', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcd' }));
  assert.equal(send(s, 1, peer({ control: 'syn', seq: R + 10, window: 64 })), seg({ seq: L, ack: R + 4, window: 60 }));
});

// Logging

test('logging: state changes are traced through the logger; none is silent', () => {
  const lines: string[] = [];
  const s = established({ logger: { trace: (m) => lines.push(m), debug: (m) => lines.push(m) } });
  assert.equal(lines, ['tcp 80->0: CLOSED -> LISTEN', 'tcp 80->49500: LISTEN -> SYN-RECEIVED', 'tcp 80->49500: SYN-RECEIVED -> ESTABLISHED']);
  s.logger = null;
  s.close();
  assert.is(lines.length, 3);
});

test.run();
