// More situations from the checklist (../shared/reference/tcp-scenarios.md), each in our own words:
// RFC 2018's receiver examples, closes with holes, timers restarted by ACKs, wraparound while
// retransmitting, options shrinking the segment under Nagle, zero-window corner cases.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TCP_RECV_FINISHED, TCP_RECV_RESET, TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_MSS, LOCAL_SEQ, REMOTE_SEQ, TestEmitter, bytes, established, expectNothing, expectSent, expectState, ms, peer,
  readAll, recv, seg, send, socket, LOCAL, REMOTE,
} from './harness.js';

const test = suite('socket/tcp/scenarios');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

test('RFC 2018 section 7, case 2: the first segment lost, the next ones SACKed as one growing block', () => {
  const s = established({ sack: true, rxSize: 8192 }, { sackPermitted: true });
  const sizes = 500;
  for (let i = 1; i < 8; i++) {
    assert.equal(send(s, i, peer({ seq: R + sizes * i, ack: L, window: 64, payload: 'x'.repeat(sizes) })), seg({ seq: L, ack: R, window: 8192, sack: [[R + sizes, R + sizes * (i + 1)]] }));
    expectNothing(s, i);
  }
  assert.equal(send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'y'.repeat(sizes) })), seg({ seq: L, ack: R + 4000, window: 8192 - 4000 }));
  expectNothing(s, 10);
});

test('RFC 2018 section 7, case 3: every other segment lost, the newest block first', () => {
  const s = established({ sack: true, rxSize: 8192, reassemblyRanges: 4 }, { sackPermitted: true });
  const at = (k: number) => (R + 500 * k) >>> 0;
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(500) }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: at(2), ack: L, window: 64, payload: 'c'.repeat(500) })), seg({ seq: L, ack: at(1), window: 8192 - 500, sack: [[at(2), at(3)]] }));
  expectNothing(s, 1);
  assert.equal(send(s, 2, peer({ seq: at(4), ack: L, window: 64, payload: 'e'.repeat(500) })), seg({ seq: L, ack: at(1), window: 8192 - 500, sack: [[at(4), at(5)], [at(2), at(3)]] }));
  expectNothing(s, 2);
  assert.equal(send(s, 3, peer({ seq: at(6), ack: L, window: 64, payload: 'g'.repeat(500) })), seg({ seq: L, ack: at(1), window: 8192 - 500, sack: [[at(6), at(7)], [at(4), at(5)], [at(2), at(3)]] }));
  expectNothing(s, 3);
  // The 4th segment fills its hole: the block that holds it comes first (RFC 2018 section 4).
  assert.equal(send(s, 4, peer({ seq: at(3), ack: L, window: 64, payload: 'd'.repeat(500) })), seg({ seq: L, ack: at(1), window: 8192 - 500, sack: [[at(2), at(5)], [at(6), at(7)]] }));
  expectNothing(s, 4);
});

test('a duplicate of data already received draws an ACK of the current state', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcd' }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: R, ack: L, window: 64, payload: 'abcd' })), seg({ seq: L, ack: R + 4, window: 60 }));
});

test('a FIN behind a hole does not close; an RST then resets and the held data is gone', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'ab' }));
  send(s, 0, peer({ control: 'fin', seq: R + 4, ack: L, window: 64, payload: 'ef' }));
  expectState(s, TcpState.Established);
  send(s, 1, peer({ control: 'rst', seq: R + 2 }));
  expectState(s, TcpState.Closed);
  assert.ok(s.wasReset());
  assert.is(s.recv(new Uint8Array(8)), TCP_RECV_RESET, 'a value, not a throw: the network reset it');
  assert.is(s.peek(new Uint8Array(8)), TCP_RECV_RESET);
});

test('a graceful close leaves what arrived readable, then reports the end', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'last words' }));
  send(s, 0, peer({ control: 'fin', seq: R + 10, ack: L, window: 64 }));
  s.close();
  recv(s, 0);
  send(s, 1, peer({ seq: R + 11, ack: L + 1, window: 64 }));
  expectState(s, TcpState.Closed);
  assert.is(readAll(s), 'last words');
  assert.is(s.recv(new Uint8Array(4)), TCP_RECV_FINISHED);
});

test('the peer\'s FIN in FIN-WAIT-1 and in FIN-WAIT-2 ends our receiving side', () => {
  const a = established();
  a.close();
  recv(a, 0);
  send(a, 1, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'x' }));
  assert.is(readAll(a), 'x');
  assert.is(a.recv(new Uint8Array(1)), TCP_RECV_FINISHED);
  const b = established();
  b.close();
  recv(b, 0);
  send(b, 1, peer({ seq: R, ack: L + 1, window: 64 }));
  send(b, 2, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(b, TcpState.TimeWait);
  assert.is(b.recv(new Uint8Array(1)), TCP_RECV_FINISHED);
  assert.not.ok(b.mayRecv());
});

test('an ACK of part of a retransmitted FIN-WAIT-1 flight restarts the timer', () => {
  const s = established({ nagle: false });
  s.send(bytes('abcdef'));
  s.close();
  recv(s, 0);
  recv(s, 200);
  send(s, 300, peer({ seq: R, ack: L + 3, window: 64 }));
  // Backed off to 400 ms from 300 ms (no sample: the segment was retransmitted).
  assert.is(s.pollAt(ms(300)), ms(700));
  expectSent(s, 700, [seg({ control: 'fin', seq: L + 3, ack: R, window: 64, payload: 'def' })]);
});

test('CLOSE-WAIT: an ACK during retransmission restarts the timer and the rest goes after it', () => {
  const s = established({ nagle: false, txSize: 256 }, { mss: 100 }, 256);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 256 }));
  recv(s, 0);
  s.send(bytes('q'.repeat(200)));
  assert.is(recv(s, 0).length, 2);
  assert.is(recv(s, 200).length, 1);
  send(s, 250, peer({ seq: R + 1, ack: L + 100, window: 256 }));
  assert.equal(recv(s, 250).map((x) => x.seq - L), [100]);
});

test('retransmission across the wrap of our sequence numbers', () => {
  const s = established({ nagle: false, random: (() => { let i = 0; return () => (i++ === 0 ? 0xfffffffa : 0); })() });
  s.send(bytes('0123456789'));
  expectSent(s, 0, [seg({ control: 'psh', seq: 0xfffffffb, ack: R, window: 64, payload: '0123456789' })]);
  send(s, 10, peer({ seq: R, ack: 0xffffffff, window: 64 }));
  expectSent(s, 210, [seg({ control: 'psh', seq: 0xffffffff, ack: R, window: 64, payload: '456789' })]);
  send(s, 220, peer({ seq: R, ack: 5, window: 64 }));
  assert.is(s.sendQueue(), 0);
  expectNothing(s, 5000);
});

test('Nagle: a segment reduced by the timestamps option still counts as full', () => {
  const s = established({ timestamps: true, txSize: 1024 }, { ts: [1000, 0], mss: 112 }, 1024);
  s.send(bytes('n'.repeat(250)));
  // Full segments are 100 bytes (112 - 12); the 50 left wait for the ACKs.
  assert.equal(recv(s, 0).map((x) => x.payload.length), [100, 100]);
});

test('the MSS we announce follows the path MTU; the peer\'s MSS bounds our segments', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL);
  const e = new TestEmitter();
  e.ipMtu = 576;
  s.dispatch(0, e);
  assert.is(e.sent[0]!.tcp.mss, 536);
  assert.is(LOCAL_MSS, 1460);
});

test('zero window announced in an ACK of our data: the rest waits, a probe follows, an opening resumes', () => {
  const s = established({ txSize: 256, nagle: false }, {}, 64);
  s.send(bytes('z'.repeat(100)));
  recv(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 64, window: 0 }));
  expectNothing(s, 10);
  expectSent(s, 210, [seg({ seq: L + 63, ack: R, window: 64 })]);
  send(s, 220, peer({ seq: R, ack: L + 64, window: 20 }));
  expectSent(s, 220, [seg({ seq: L + 64, ack: R, window: 64, payload: 'z'.repeat(20) })]);
});

test('simultaneous close raced with data both ways', () => {
  const s = established({ nagle: false });
  s.send(bytes('mine'));
  s.close();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'yours' }));
  expectState(s, TcpState.Closing);
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R + 6, window: 59, payload: 'mine' })]);
  send(s, 1, peer({ seq: R + 6, ack: L + 5, window: 64 }));
  expectState(s, TcpState.TimeWait);
  assert.is(readAll(s), 'yours');
});

test('after a timeout with half the burst acknowledged and close(), the FIN follows the rest', () => {
  const s = established({ nagle: false, txSize: 1024 }, { mss: 100 }, 1024);
  s.send(bytes('b'.repeat(400)));
  recv(s, 0);
  recv(s, 200);
  send(s, 210, peer({ seq: R, ack: L + 200, window: 1024 }));
  s.close();
  const out = recv(s, 210);
  assert.equal(out.map((x) => [x.seq - L, x.payload.length, x.control]), [[200, 100, 'none'], [300, 100, 'fin']]);
});

test('a closed socket has no timers, whatever its options', () => {
  const s = socket({ keepAlive: 1000, timeout: 1000 });
  assert.is(s.pollAt(0), null);
  expectNothing(s, 10_000);
});

test('a keep-alive is not sent while data is in flight (the retransmission probes instead)', () => {
  const s = established({ keepAlive: 100_000 });
  s.send(bytes('x'));
  recv(s, 0);
  const out = recv(s, 150);
  assert.equal(out.map((x) => x.payload), []);
});

test.run();
