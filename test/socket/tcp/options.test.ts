// The negotiated options: timestamps and PAWS (RFC 7323), SACK both ways (RFC 2018, RFC 6675), window
// scaling (RFC 7323 section 2) and the MSS with options taking room from the payload (RFC 6691).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL, LOCAL_MSS, LOCAL_SEQ, REMOTE, REMOTE_SEQ, TestEmitter, bytes, established, expectNothing, expectSent, expectState,
  peer, readAll, recv, seg, send, socket, synReceived, type SocketOptions,
} from './harness.js';

const test = suite('socket/tcp/options');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

// Timestamps. The peer's clock starts at 1000; ours is milliseconds since 0 (offset 0 in the tests).

function withTimestamps(options: SocketOptions = {}) {
  const s = established({ timestamps: true, ...options }, { ts: [1000, 0] });
  return s;
}

test('timestamps: offered in a SYN-ACK when the SYN has them, then on every segment', () => {
  const s = synReceived({ timestamps: true }, { ts: [1000, 0] });
  expectSent(s, 7, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: R, window: 64, mss: LOCAL_MSS, ts: [7, 1000] })]);
  send(s, 8, peer({ seq: R, ack: L, window: 64, ts: [1001, 7] }));
  expectState(s, TcpState.Established);
  s.send(bytes('x'));
  expectSent(s, 20, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'x', ts: [20, 1001] })]);
});

test('timestamps: disabled locally, a server answers without them and ignores the peer\'s', () => {
  const s = synReceived({ timestamps: false }, { ts: [1000, 0] });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: R, window: 64, mss: LOCAL_MSS })]);
  send(s, 1, peer({ seq: R, ack: L, window: 64, ts: [1001, 0] }));
  s.send(bytes('x'));
  expectSent(s, 1, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'x' })]);
});

test('timestamps: not offered by the peer, a server sends none', () => {
  const s = synReceived({ timestamps: true });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: R, window: 64, mss: LOCAL_MSS })]);
});

test('timestamps: disabled locally, a client offers none', () => {
  const s = socket({ timestamps: false });
  s.connect(REMOTE, LOCAL);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS })]);
});

test('timestamps: a client whose SYN-ACK lacks them sends none after', () => {
  const s = socket({ timestamps: true });
  s.connect(REMOTE, LOCAL);
  expectSent(s, 3, [seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS, ts: [3, 0] })]);
  send(s, 5, peer({ control: 'syn', seq: REMOTE_SEQ, ack: L, window: 64 }));
  expectSent(s, 5, [seg({ seq: L, ack: R, window: 64 })]);
});

test('timestamps: a client whose SYN-ACK has them echoes the peer\'s value', () => {
  const s = socket({ timestamps: true });
  s.connect(REMOTE, LOCAL);
  recv(s, 3);
  send(s, 5, peer({ control: 'syn', seq: REMOTE_SEQ, ack: L, window: 64, ts: [500, 3] }));
  expectSent(s, 5, [seg({ seq: L, ack: R, window: 64, ts: [5, 500] })]);
});

test('timestamps: TS.Recent follows in-order segments and is echoed', () => {
  const s = withTimestamps();
  send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'ab', ts: [1010, 0] }));
  expectSent(s, 10, [seg({ seq: L, ack: R + 2, window: 62, ts: [10, 1010] })]);
});

test('PAWS: a segment with an older TSval is a duplicate: acknowledged and dropped', () => {
  const s = withTimestamps();
  send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'ab', ts: [1010, 0] }));
  recv(s, 10);
  assert.equal(
    send(s, 20, peer({ seq: R + 2, ack: L, window: 64, payload: 'cd', ts: [1005, 0] })),
    seg({ seq: L, ack: R + 2, window: 62, ts: [20, 1010] }),
  );
  assert.is(readAll(s), 'ab');
});

test('PAWS: TSval comparisons wrap modulo 2^32', () => {
  const s = established({ timestamps: true }, { ts: [0xfffffff0, 0] });
  // 0x10 is after 0xfffffff1 modulo 2^32: accepted.
  send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'ok', ts: [0x10, 0] }));
  assert.is(readAll(s), 'ok');
});

test('PAWS: an RST with an old TSval is still processed', () => {
  const s = withTimestamps();
  send(s, 10, peer({ control: 'rst', seq: R, ts: [1, 0] }));
  expectState(s, TcpState.Closed);
});

test('timestamps: once negotiated, a segment without them is dropped (RFC 7323 section 3.2)', () => {
  const s = withTimestamps();
  assert.is(send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'no' })), null);
  assert.is(s.recvQueue(), 0);
});

test('timestamps: the RTT is measured from the echo of our TSval', () => {
  const s = withTimestamps();
  s.send(bytes('x'));
  recv(s, 100);
  send(s, 180, peer({ seq: R, ack: L + 1, window: 64, ts: [1100, 100] }));
  // The handshake measured 0 ms; then 80 ms: SRTT = 7/8 * 0 + 1/8 * 80 = 10 ms.
  assert.is(s.rtt.srtt, 10_000);
});

test('timestamps: the option takes 12 bytes from each segment\'s payload', () => {
  const s = established({ timestamps: true, txSize: 1024, nagle: false }, { ts: [1000, 0], mss: 100 }, 1024);
  s.send(bytes('m'.repeat(200)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [88, 88, 24]);
});

test('MSS: our own path limits the segment size when it is smaller than the peer\'s MSS', () => {
  const s = established({ txSize: 1024, nagle: false }, { mss: 1460 }, 1024);
  s.send(bytes('n'.repeat(300)));
  const e = new TestEmitter();
  e.ipMtu = 140;
  s.dispatch(0, e);
  assert.equal(e.sent.map((x) => x.tcp.payload.length), [100, 100, 100]);
});

test('MSS: a tiny MSS with timestamps still makes progress', () => {
  const s = established({ timestamps: true, txSize: 1024, nagle: false }, { ts: [1000, 0], mss: 1 }, 1024);
  s.send(bytes('t'.repeat(60)));
  // The MSS is raised to 64; the timestamps leave 52 bytes.
  assert.equal(recv(s, 0).map((x) => x.payload.length), [52, 8]);
});

// SACK, receiving side.

function withSack(options: SocketOptions = {}) {
  return established({ sack: true, ...options }, { sackPermitted: true });
}

test('SACK: an out-of-order segment is acknowledged at once with a SACK block', () => {
  const s = withSack();
  assert.equal(send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'klm' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 10, R + 13]] }));
  expectNothing(s, 0);
});

test('SACK: the block of the most recent arrival comes first', () => {
  const s = withSack();
  send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'klm' }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: R + 20, ack: L, window: 64, payload: 'uvw' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 20, R + 23], [R + 10, R + 13]] }));
  expectNothing(s, 1);
  assert.equal(send(s, 2, peer({ seq: R + 5, ack: L, window: 64, payload: 'fg' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 5, R + 7], [R + 20, R + 23], [R + 10, R + 13]] }));
  expectNothing(s, 2);
});

test('SACK: blocks merge as the holes between them fill, and vanish once all is in order', () => {
  const s = withSack();
  send(s, 0, peer({ seq: R + 3, ack: L, window: 64, payload: 'def' }));
  send(s, 0, peer({ seq: R + 9, ack: L, window: 64, payload: 'jkl' }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: R + 6, ack: L, window: 64, payload: 'ghi' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 3, R + 12]] }));
  expectNothing(s, 1);
  assert.equal(send(s, 2, peer({ seq: R, ack: L, window: 64, payload: 'abc' })), seg({ seq: L, ack: R + 12, window: 52 }));
  expectNothing(s, 2);
  assert.is(readAll(s), 'abcdefghijkl');
});

test('SACK: at most three blocks are sent, with timestamps too', () => {
  const s = established({ sack: true, timestamps: true, rxSize: 256 }, { sackPermitted: true, ts: [1000, 0] });
  let reply = null;
  for (let i = 0; i < 4; i++) reply = send(s, i, peer({ seq: R + 10 + 10 * i, ack: L, window: 64, payload: 'xx', ts: [1001, 0] }));
  assert.equal(reply!.sack, [[R + 40, R + 42], [R + 30, R + 32], [R + 20, R + 22]].map(([a, b]) => [a! >>> 0, b! >>> 0]));
  expectNothing(s, 4);
});

test('SACK: blocks across the wrap of the sequence space', () => {
  const s = established({ sack: true }, { sackPermitted: true, seq: 0xfffffff0 });
  assert.equal(send(s, 0, peer({ seq: 0xfffffffe, ack: L, window: 64, payload: 'wxyz' })), seg({ seq: L, ack: 0xfffffff1, window: 64, sack: [[0xfffffffe, 2]] }));
  expectNothing(s, 0);
});

test('reassembly full: the segment at RCV.NXT is still taken, and the held ranges stay', () => {
  const s = established({ sack: true, reassemblyRanges: 2 }, { sackPermitted: true });
  send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'k' }));
  send(s, 0, peer({ seq: R + 20, ack: L, window: 64, payload: 'u' }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: R, ack: L, window: 64, payload: 'abc' })), seg({ seq: L, ack: R + 3, window: 61, sack: [[R + 20, R + 21], [R + 10, R + 11]] }));
  expectNothing(s, 1);
  assert.equal(send(s, 2, peer({ seq: R + 3, ack: L, window: 64, payload: 'defghij' })), seg({ seq: L, ack: R + 11, window: 53, sack: [[R + 20, R + 21]] }));
  expectNothing(s, 2);
  assert.is(readAll(s), 'abcdefghijk');
});

test('SACK: more holes than the assembler holds: the segment is dropped and acknowledged', () => {
  const s = established({ sack: true, reassemblyRanges: 2 }, { sackPermitted: true });
  send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'a' }));
  send(s, 0, peer({ seq: R + 20, ack: L, window: 64, payload: 'b' }));
  recv(s, 0);
  assert.equal(send(s, 1, peer({ seq: R + 30, ack: L, window: 64, payload: 'c' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 20, R + 21], [R + 10, R + 11]] }));
  expectNothing(s, 1);
});

// SACK, sending side: the scoreboard decides what is resent.

function sackBulk() {
  return established({ sack: true, txSize: 4096, nagle: false }, { sackPermitted: true, mss: 100 }, 4096);
}

function dupWithSack(t: number, s: ReturnType<typeof sackBulk>, ack: number, blocks: Array<[number, number]>) {
  send(s, t, peer({ seq: R, ack, window: 4096, sack: blocks }));
}

test('SACK recovery: only the holes are resent, SACKed segments are skipped', () => {
  const s = sackBulk();
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100) + 'D'.repeat(100)));
  assert.is(recv(s, 0).length, 4);
  send(s, 10, peer({ seq: R, ack: L + 100, window: 4096 }));
  s.send(bytes('E'.repeat(100) + 'F'.repeat(100)));
  assert.equal(recv(s, 10).map((x) => x.seq), [L + 400, L + 500]);
  // B and D lost; C, E and F arrive.
  dupWithSack(11, s, L + 100, [[L + 200, L + 300]]);
  dupWithSack(12, s, L + 100, [[L + 400, L + 500], [L + 200, L + 300]]);
  expectNothing(s, 12);
  dupWithSack(13, s, L + 100, [[L + 400, L + 600], [L + 200, L + 300]]);
  const resent = recv(s, 13);
  assert.equal(resent.map((x) => [x.seq - L, x.payload[0]]), [[100, 'B'], [300, 'D']]);
  send(s, 20, peer({ seq: R, ack: L + 600, window: 4096 }));
  expectNothing(s, 20);
  assert.is(s.sendQueue(), 0);
});

test('SACK recovery: a lost retransmission is sent again once data sent after it is SACKed', () => {
  const s = sackBulk();
  s.send(bytes('ABCDEFGHIJ'.split('').map((c) => c.repeat(100)).join('')));
  assert.equal(recv(s, 0).map((x) => x.seq - L), [0, 100, 200, 300]);
  // A is lost; limited transmit and the SACKed bytes leaving the pipe let E to H out.
  dupWithSack(10, s, L, [[L + 100, L + 200]]);
  dupWithSack(11, s, L, [[L + 100, L + 300]]);
  assert.equal(recv(s, 11).map((x) => x.seq - L), [400, 500, 600, 700]);
  // The third duplicate: recovery, A is retransmitted (SND.MAX is 800 then).
  dupWithSack(12, s, L, [[L + 100, L + 400]]);
  assert.equal(recv(s, 12).map((x) => x.seq - L), [0]);
  // E to H arrive, all sent before the retransmission: nothing to conclude; I and J go.
  dupWithSack(13, s, L, [[L + 100, L + 800]]);
  assert.equal(recv(s, 13).map((x) => x.seq - L), [800, 900]);
  // I, sent after the retransmission of A, arrives while A does not: A was lost again.
  dupWithSack(14, s, L, [[L + 100, L + 900]]);
  assert.equal(recv(s, 14).map((x) => x.seq - L)[0], 0);
});

test('tail loss probe (RFC 8985): the last segment is resent after 2 SRTT, long before the RTO', () => {
  const s = established({ sack: true, txSize: 4096, nagle: false, tailLossProbe: true }, { sackPermitted: true, mss: 100 }, 4096);
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100) + 'D'.repeat(100)));
  assert.equal(recv(s, 0).map((x) => x.seq - L), [0, 100, 200, 300]);
  // A and B acknowledged after 10 ms: SRTT 1.25 ms (after the handshake's sample of 0), so the probe
  // timeout is its 10 ms floor; the RTO is 200 ms.
  send(s, 10, peer({ seq: R, ack: L + 200, window: 4096 }));
  expectNothing(s, 19);
  const probe = recv(s, 20);
  assert.equal(probe.map((x) => [x.seq - L, x.payload.length, x.payload[0]]), [[300, 100, 'D']]);
  // One probe per tail: nothing more until the RTO.
  expectNothing(s, 100);
  // The probe's ACK (C and D arrived after all) ends the tail; nothing is left to send.
  send(s, 110, peer({ seq: R, ack: L + 400, window: 4096 }));
  expectNothing(s, 400);
  assert.is(s.sendQueue(), 0);
});

test('tail loss probe: off by default, the RTO resends from SND.UNA', () => {
  const s = sackBulk();
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100) + 'D'.repeat(100)));
  recv(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 200, window: 4096 }));
  expectNothing(s, 200);
  assert.equal(recv(s, 210).map((x) => x.seq - L), [200]);
});

test('SACK: after a timeout, SACKed data is not resent either', () => {
  const s = sackBulk();
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100)));
  recv(s, 0);
  dupWithSack(10, s, L, [[L + 100, L + 200]]);
  // Timeout: A is resent, B is skipped, C too (cwnd one segment; then C after the ACK).
  const first = recv(s, 300);
  assert.equal(first.map((x) => x.seq - L), [0]);
  send(s, 310, peer({ seq: R, ack: L + 100, window: 4096, sack: [[L + 100, L + 200]] }));
  // SND.UNA moved to B (SACKed, then cumulatively acknowledged later): C is next.
  send(s, 311, peer({ seq: R, ack: L + 200, window: 4096 }));
  assert.equal(recv(s, 311).map((x) => x.seq - L), [200]);
});

test('SACK: blocks at or below the cumulative ACK and beyond what was sent are ignored', () => {
  const s = sackBulk();
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100)));
  recv(s, 0);
  s.send(bytes('C'.repeat(100)));
  recv(s, 0);
  send(s, 9, peer({ seq: R, ack: L + 100, window: 4096 }));
  dupWithSack(10, s, L + 100, [[L, L + 100], [L + 500, L + 600]]);
  dupWithSack(11, s, L + 100, [[L, L + 100]]);
  dupWithSack(12, s, L + 100, [[L, L + 100]]);
  // Three duplicates: B is resent (nothing SACKed, so NewReno's way).
  assert.equal(recv(s, 12).map((x) => x.seq - L), [100]);
});

test('SACK: not used when the peer did not permit it', () => {
  const s = established({ sack: true, txSize: 4096, nagle: false }, { mss: 100 }, 4096);
  s.send(bytes('A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100) + 'D'.repeat(100)));
  recv(s, 0);
  for (let t = 10; t < 13; t++) dupWithSack(t, s, L, [[L + 100, L + 400]]);
  // Blocks ignored: NewReno retransmits A, and cwnd 200 + 300 against a flight of 400 lets nothing else out.
  assert.equal(recv(s, 12).map((x) => x.seq - L), [0]);
});

// Window scaling.

test('window scale: our announced window is shifted, and data fills the scaled window', () => {
  const s = established({ windowScaling: true, rxSize: 1 << 18 }, { ws: 0 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  // 256 KiB needs shift 3: (262144 - 3) >> 3.
  expectSent(s, 0, [seg({ seq: L, ack: R + 3, window: (262144 - 3) >> 3 })]);
});

test('window scale: a shift above 14 from the peer is used as 14', () => {
  const s = established({ windowScaling: true, txSize: 1 << 16, nagle: false }, { ws: 14 }, 0);
  // The peer's first ACK announced 0: nothing goes; then 1 << 14 bytes of window from a field of 1.
  s.send(bytes('w'.repeat(2000)));
  expectNothing(s, 0);
  send(s, 1, peer({ seq: R, ack: L, window: 1 }));
  assert.is(recv(s, 1).reduce((n, x) => n + x.payload.length, 0), 2000);
});

test.run();
