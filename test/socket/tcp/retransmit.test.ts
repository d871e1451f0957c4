// Reliability: the retransmission timer (RFC 6298), fast retransmit and NewReno recovery (RFC 5681,
// RFC 6582), congestion control limiting what is in flight.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, expectState, ms, peer, recv, seg, send, synReceived,
  type SocketOptions,
} from './harness.js';

const test = suite('socket/tcp/retransmit');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

/** ESTABLISHED with a peer MSS of 100, windows of 4096, Nagle off: four segments fit the initial window of 400. */
function bulk(options: SocketOptions = {}) {
  return established({ txSize: 4096, nagle: false, ...options }, { mss: 100 }, 4096);
}

function data(seq: number, text: string, psh = false) {
  return seg({ control: psh ? 'psh' : 'none', seq, ack: R, window: 64, payload: text });
}

const A = 'a'.repeat(100);
const B = 'b'.repeat(100);
const C = 'c'.repeat(100);
const D = 'd'.repeat(100);

function sendFour(s: ReturnType<typeof bulk>, t = 0) {
  s.send(bytes(A + B + C + D));
  expectSent(s, t, [data(L, A), data(L + 100, B), data(L + 200, C), data(L + 300, D, true)]);
}

test('timer: unacknowledged data is sent again after the RTO', () => {
  const s = established();
  s.send(bytes('abc'));
  expectSent(s, 0, [data(L, 'abc', true)]);
  assert.is(s.pollAt(0), ms(200));
  expectNothing(s, 199);
  expectSent(s, 200, [data(L, 'abc', true)]);
});

test('timer: each retransmission doubles the RTO', () => {
  const s = established();
  s.send(bytes('abc'));
  recv(s, 0);
  expectSent(s, 200, [data(L, 'abc', true)]);
  expectNothing(s, 599);
  expectSent(s, 600, [data(L, 'abc', true)]);
  expectNothing(s, 1399);
  expectSent(s, 1400, [data(L, 'abc', true)]);
  assert.is(s.pollAt(ms(1400)), ms(3000));
});

test('timer: an ACK of everything stops the timer', () => {
  const s = established();
  s.send(bytes('abc'));
  recv(s, 0);
  send(s, 50, peer({ seq: R, ack: L + 3, window: 64 }));
  assert.is(s.pollAt(ms(50)), null);
  expectNothing(s, 5000);
});

test('timer: a partial ACK restarts the timer from its arrival', () => {
  const s = bulk();
  sendFour(s);
  send(s, 150, peer({ seq: R, ack: L + 100, window: 4096 }));
  // RTO 200 ms (the handshake measured 0, and the ACK at 150 ms sampled 150 ms: 150 + 4 * 75 = 450).
  const at = s.pollAt(ms(150))!;
  assert.ok(at > ms(150) + ms(199), `restarted from 150 ms, got ${at}`);
});

test('timer: after a timeout only one segment goes (the congestion window is one segment), then slow start', () => {
  const s = bulk();
  sendFour(s);
  expectSent(s, 200, [data(L, A)]);
  send(s, 210, peer({ seq: R, ack: L + 100, window: 4096 }));
  // cwnd grows by one segment: two go, the rest of the lost flight.
  expectSent(s, 210, [data(L + 100, B), data(L + 200, C)]);
  send(s, 220, peer({ seq: R, ack: L + 300, window: 4096 }));
  expectSent(s, 220, [data(L + 300, D, true)]);
});

test('timer: an ACK beyond what was retransmitted moves past it without resending', () => {
  const s = bulk();
  sendFour(s);
  expectSent(s, 200, [data(L, A)]);
  // The originals arrived after all.
  send(s, 210, peer({ seq: R, ack: L + 400, window: 4096 }));
  expectNothing(s, 210);
  assert.is(s.sendQueue(), 0);
});

test('timer: after a timeout, an ACK without data carries SND.MAX, so a peer that got more than we know accepts it', () => {
  const s = bulk({ ackDelay: 0 });
  sendFour(s);
  // The timeout goes back to SND.UNA (SND.NXT = L + 100 after the resend) ...
  expectSent(s, 200, [data(L, A)]);
  // ... while the peer had all four: its data segment's ACK was lost, so this one acknowledges nothing new
  // of ours (ACK = SND.UNA) and carries data. Our ACK of it has SEQ = SND.MAX = L + 400, at the peer's
  // RCV.NXT; with SND.NXT it would lie below it, unacceptable (RFC 9293 section 3.10.7.4), and be dropped.
  send(s, 210, peer({ control: 'psh', seq: R, ack: L, window: 4096, payload: 'x' }));
  expectSent(s, 210, [seg({ seq: L + 400, ack: R + 1, window: 63 })]);
});

test('timer: data queued during retransmission follows the retransmitted data', () => {
  const s = established({ nagle: false });
  s.send(bytes('abc'));
  recv(s, 0);
  expectSent(s, 200, [data(L, 'abc', true)]);
  s.send(bytes('def'));
  send(s, 210, peer({ seq: R, ack: L + 3, window: 64 }));
  expectSent(s, 210, [data(L + 3, 'def', true)]);
});

test('timer: a FIN is retransmitted with the data before it', () => {
  const s = established();
  s.send(bytes('abc'));
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64, payload: 'abc' })]);
  expectSent(s, 200, [seg({ control: 'fin', seq: L, ack: R, window: 64, payload: 'abc' })]);
  send(s, 210, peer({ seq: R, ack: L + 4, window: 64 }));
  expectState(s, TcpState.FinWait2);
});

test('timer: the SYN-ACK retransmitted, then data once the handshake completes', () => {
  const s = synReceived();
  recv(s, 0);
  recv(s, 1000);
  s.send(bytes('hi'));
  send(s, 1010, peer({ seq: R, ack: L, window: 64 }));
  expectSent(s, 1010, [data(L, 'hi', true)]);
});

test('timer: Karn: the ACK of a retransmitted segment gives no RTT sample and the backoff stays', () => {
  const s = established();
  s.send(bytes('abc'));
  recv(s, 0);
  recv(s, 200);
  // Acknowledged 900 ms after the first transmission: not measured.
  send(s, 900, peer({ seq: R, ack: L + 3, window: 64 }));
  assert.is(s.rtt.srtt, 0);
  s.send(bytes('def'));
  recv(s, 900);
  // RTO still 400 ms (backed off once); the next sample clears it.
  assert.is(s.pollAt(ms(900)), ms(1300));
  send(s, 950, peer({ seq: R, ack: L + 6, window: 64 }));
  assert.is(s.rtt.backoffCount, 0);
});

test('timer: the original mode starts at 100 ms and doubles', () => {
  const s = established({ rto: { mode: 'original' } });
  s.send(bytes('abc'));
  recv(s, 0);
  assert.is(s.pollAt(0), ms(100));
  expectSent(s, 100, [data(L, 'abc', true)]);
  assert.is(s.pollAt(ms(100)), ms(300));
  expectSent(s, 300, [data(L, 'abc', true)]);
  assert.is(s.pollAt(ms(300)), ms(700));
});

test('timer: the minimum RTO is configurable', () => {
  const s = established({ rto: { min: 50_000 } });
  s.send(bytes('abc'));
  recv(s, 0);
  assert.is(s.pollAt(0), ms(50));
});

test('congestion: the initial window limits what is in flight (RFC 5681: 4 segments of 100 bytes)', () => {
  const s = bulk();
  s.send(bytes(A + B + C + D + 'e'.repeat(100)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [100, 100, 100, 100]);
  assert.is(s.congestionWindow(), 400);
  // Each ACK in slow start opens one more segment.
  send(s, 10, peer({ seq: R, ack: L + 100, window: 4096 }));
  assert.equal(recv(s, 10).map((x) => x.payload.length), [100]);
});

test('congestion: the algorithm can be chosen and queried', () => {
  const s = bulk({ congestion: 'cubic' });
  assert.is(s.congestionControl().name, 'cubic');
  s.setCongestionControl('none');
  assert.is(s.congestionControl().name, 'none');
  s.setCongestionControl('newreno');
  assert.is(s.congestionControl().name, 'newreno');
  assert.throws(() => s.setCongestionControl('bbr' as never), /unknown congestion control/);
});

test('congestion: with none, only the peer window limits', () => {
  const s = established({ txSize: 4096, nagle: false, congestion: 'none' }, { mss: 100 }, 4096);
  s.send(bytes('x'.repeat(1000)));
  assert.is(recv(s, 0).length, 10);
});

test('fast retransmit: the third duplicate ACK resends the first unacknowledged segment', () => {
  const s = bulk();
  sendFour(s);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  send(s, 10, dup);
  send(s, 11, dup);
  expectNothing(s, 11);
  send(s, 12, dup);
  expectSent(s, 12, [data(L, A)]);
});

test('fast retransmit: duplicates that carry data or change the window are not counted', () => {
  const s = bulk();
  sendFour(s);
  send(s, 10, peer({ seq: R, ack: L, window: 4096 }));
  send(s, 11, peer({ seq: R, ack: L, window: 4000 }));
  send(s, 12, peer({ seq: R, ack: L, window: 4000, payload: 'x' }));
  recv(s, 12); // the ACK of the byte received
  send(s, 13, peer({ seq: R + 1, ack: L, window: 4000 }));
  expectNothing(s, 13);
  send(s, 14, peer({ seq: R + 1, ack: L, window: 4000 }));
  send(s, 15, peer({ seq: R + 1, ack: L, window: 4000 }));
  expectSent(s, 15, [seg({ seq: L, ack: R + 1, window: 63, payload: A })]);
});

test('fast retransmit: not limited by the congestion window', () => {
  const s = bulk();
  sendFour(s);
  assert.is(s.congestionWindow(), 400);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  for (let t = 10; t < 13; t++) send(s, t, dup);
  // cwnd is now ssthresh + 3 segments (200 + 300), the flight 400: the retransmission goes regardless.
  expectSent(s, 12, [data(L, A)]);
});

test('fast recovery (NewReno): a partial ACK resends the next hole at once', () => {
  const s = bulk();
  sendFour(s);
  const dup = peer({ seq: R, ack: L + 100, window: 4096 });
  send(s, 10, peer({ seq: R, ack: L + 100, window: 4096 }));
  recv(s, 10);
  for (let t = 11; t < 14; t++) send(s, t, dup);
  expectSent(s, 13, [data(L + 100, B)]);
  // B arrives; C was lost too: the ACK is partial.
  send(s, 20, peer({ seq: R, ack: L + 200, window: 4096 }));
  expectSent(s, 20, [data(L + 200, C)]);
  send(s, 30, peer({ seq: R, ack: L + 500, window: 4096 }));
  expectNothing(s, 30);
});

test('fast recovery: the full ACK ends it with the window halved (ssthresh)', () => {
  const s = bulk();
  sendFour(s);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  for (let t = 10; t < 13; t++) send(s, t, dup);
  recv(s, 12);
  send(s, 20, peer({ seq: R, ack: L + 400, window: 4096 }));
  assert.is(s.congestionWindow(), 200);
  assert.is(s.congestionControl().ssthresh, 200);
});

test('fast recovery: further duplicates inflate the window and let new data out', () => {
  const s = bulk();
  s.send(bytes(A + B + C + D + 'e'.repeat(300)));
  recv(s, 0);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  for (let t = 10; t < 13; t++) send(s, t, dup);
  // The retransmission, and with cwnd = ssthresh + 3 segments = 500 against 400 in flight, one new segment.
  assert.equal(recv(s, 12).map((x) => x.seq), [L, L + 400]);
  // Each further duplicate inflates cwnd by a segment: one more new segment.
  send(s, 13, dup);
  assert.equal(recv(s, 13).map((x) => x.seq), [L + 500]);
});

test('fast retransmit: a duplicate ACK counter resets on new data acknowledged', () => {
  const s = bulk();
  sendFour(s);
  const dup0 = peer({ seq: R, ack: L, window: 4096 });
  send(s, 10, dup0);
  send(s, 11, dup0);
  send(s, 12, peer({ seq: R, ack: L + 100, window: 4096 }));
  const dup1 = peer({ seq: R, ack: L + 100, window: 4096 });
  send(s, 13, dup1);
  // The two earlier duplicates do not count: one is not enough, even for early retransmit below.
  expectNothing(s, 13);
});

test('early retransmit (RFC 5827): with three segments in flight and nothing new to send, two duplicates suffice', () => {
  const s = bulk();
  s.send(bytes(A + B + C));
  recv(s, 0);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  send(s, 10, dup);
  expectNothing(s, 10);
  send(s, 11, dup);
  expectSent(s, 11, [data(L, A)]);
});

test('early retransmit: two segments in flight, one duplicate suffices', () => {
  const s = bulk();
  s.send(bytes(A + B));
  recv(s, 0);
  send(s, 10, peer({ seq: R, ack: L, window: 4096 }));
  expectSent(s, 10, [data(L, A)]);
});

test('limited transmit (RFC 3042): each of the first two duplicates lets one new segment out', () => {
  const s = bulk();
  s.send(bytes(A + B + C + D + 'e'.repeat(100) + 'f'.repeat(100) + 'g'.repeat(100)));
  assert.is(recv(s, 0).length, 4);
  const dup = peer({ seq: R, ack: L, window: 4096 });
  send(s, 10, dup);
  assert.equal(recv(s, 10).map((x) => x.seq - L), [400]);
  send(s, 11, dup);
  assert.equal(recv(s, 11).map((x) => x.seq - L), [500]);
  send(s, 12, dup);
  assert.equal(recv(s, 12).map((x) => x.seq - L), [0]);
});

test('fast retransmit: duplicate ACKs with nothing outstanding are not counted', () => {
  const s = bulk();
  for (let t = 0; t < 5; t++) send(s, t, peer({ seq: R, ack: L, window: 4096 }));
  expectNothing(s, 5);
});

test.run();
