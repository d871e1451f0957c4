// Flow control: windows both ways, zero-window probes (RFC 9293 section 3.8.6.1), window updates and
// silly-window avoidance (3.8.6.2), delayed ACK (RFC 1122 section 4.2.3.2), out-of-order reassembly.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, expectState, ms, peer, readAll, recv, seg, send,
} from './harness.js';

const test = suite('socket/tcp/flow');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

// Receive window

test('window: a full receive buffer announces 0, and reading it all sends a window update', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 64, window: 0 })]);
  assert.is(readAll(s).length, 64);
  assert.is(s.pollAt(ms(0)), ms(0));
  expectSent(s, 0, [seg({ seq: L, ack: R + 64, window: 64 })]);
  expectNothing(s, 0);
});

test('window: reading less than half the buffer sends no update (receiver silly-window avoidance)', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  recv(s, 0);
  const buf = new Uint8Array(10);
  s.recv(buf);
  expectNothing(s, 0);
  const more = new Uint8Array(30);
  s.recv(more);
  // 40 bytes free now: at least half the buffer.
  expectSent(s, 0, [seg({ seq: L, ack: R + 64, window: 40 })]);
});

test('window: the window slides as data is read and more arrives', () => {
  const s = established();
  for (let i = 0; i < 4; i++) {
    send(s, i, peer({ seq: R + 40 * i, ack: L, window: 64, payload: String(i).repeat(40) }));
    expectSent(s, i, [seg({ seq: L, ack: R + 40 * (i + 1), window: 24 })]);
    assert.is(readAll(s), String(i).repeat(40));
    // 64 free again: the edge moves by 40 (at least half the buffer).
    expectSent(s, i, [seg({ seq: L, ack: R + 40 * (i + 1), window: 64 })]);
  }
});

test('window: data beyond a zero window is not taken, and the ACK says so', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  recv(s, 0);
  assert.is(send(s, 1, peer({ seq: R + 64, ack: L, window: 64, payload: 'b' })), null);
  expectSent(s, 1, [seg({ seq: L, ack: R + 64, window: 0 })]);
  assert.is(s.recvQueue(), 64);
});

test('window: a zero-window probe is answered with an ACK every time (no rate limit)', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  recv(s, 0);
  for (let t = 1; t < 30; t++) {
    send(s, t, peer({ seq: R + 64, ack: L, window: 64, payload: 'b' }));
    expectSent(s, t, [seg({ seq: L, ack: R + 64, window: 0 })]);
  }
});

test('window: a FIN at a zero window is taken (it needs no buffer space)', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  recv(s, 0);
  send(s, 1, peer({ control: 'fin', seq: R + 64, ack: L, window: 64 }));
  expectState(s, TcpState.CloseWait);
  expectSent(s, 1, [seg({ seq: L, ack: R + 65, window: 0 })]);
});

test('window: data in the buffer wraps around the ring and comes out in order', () => {
  const s = established({ rxSize: 20 });
  for (let i = 0; i < 5; i++) {
    send(s, i, peer({ seq: R + 13 * i, ack: L, window: 64, payload: 'abcdefghijklm' }));
    assert.is(readAll(s), 'abcdefghijklm');
    recv(s, i);
  }
});

test('send buffer: data wrapping the ring goes out as two segments at the wrap', () => {
  const s = established({ txSize: 20, nagle: false });
  s.send(bytes('0123456789abcdef'));
  recv(s, 0);
  send(s, 1, peer({ seq: R, ack: L + 16, window: 64 }));
  s.send(bytes('ghijklmn'));
  expectSent(s, 1, [
    seg({ seq: L + 16, ack: R, window: 64, payload: 'ghij' }),
    seg({ control: 'psh', seq: L + 20, ack: R, window: 64, payload: 'klmn' }),
  ]);
});

test('send: the peer\'s window fills exactly, then nothing until it opens', () => {
  const s = established({ txSize: 256, nagle: false }, {}, 32);
  s.send(bytes('f'.repeat(100)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [32]);
  expectNothing(s, 1);
  send(s, 2, peer({ seq: R, ack: L + 32, window: 64 }));
  assert.equal(recv(s, 2).map((x) => x.payload.length), [64]);
});

// Reassembly

test('reassembly: segments out of order are held and delivered when the hole fills', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ seq: R + 3, ack: L, window: 64, payload: 'def' })), seg({ seq: L, ack: R, window: 64 }));
  expectNothing(s, 0);
  assert.is(s.recvQueue(), 0);
  assert.equal(send(s, 1, peer({ seq: R, ack: L, window: 64, payload: 'abc' })), seg({ seq: L, ack: R + 6, window: 58 }));
  expectNothing(s, 1);
  assert.is(readAll(s), 'abcdef');
});

test('reassembly: duplicates and overlaps of held data change nothing', () => {
  const s = established();
  send(s, 0, peer({ seq: R + 4, ack: L, window: 64, payload: 'efgh' }));
  send(s, 0, peer({ seq: R + 6, ack: L, window: 64, payload: 'ghij' }));
  send(s, 0, peer({ seq: R + 4, ack: L, window: 64, payload: 'efgh' }));
  send(s, 1, peer({ seq: R, ack: L, window: 64, payload: 'abcdef' }));
  assert.is(readAll(s), 'abcdefghij');
});

test('reassembly: data across the wrap of the ring buffer and of the sequence space', () => {
  const s = established({ rxSize: 16 }, { seq: 0xfffffff8 });
  const r = 0xfffffff9;
  send(s, 0, peer({ seq: r, ack: L, window: 64, payload: '0123456789' }));
  assert.is(readAll(s), '0123456789');
  send(s, 1, peer({ seq: (r + 14) >>> 0, ack: L, window: 64, payload: 'efgh' }));
  send(s, 1, peer({ seq: (r + 10) >>> 0, ack: L, window: 64, payload: 'abcd' }));
  assert.is(readAll(s), 'abcdefgh');
});

// Zero-window probes

test('zero window: with data waiting and a zero window, a probe goes after the RTO', () => {
  const s = established({}, {}, 0);
  s.send(bytes('x'));
  expectNothing(s, 0);
  assert.is(s.pollAt(ms(0)), ms(200));
  expectNothing(s, 199);
  // The probe: an ACK with SEG.SEQ = SND.UNA-1, which the peer must answer with its window.
  expectSent(s, 200, [seg({ seq: L - 1, ack: R, window: 64 })]);
});

test('zero window: probes back off exponentially while the window stays closed', () => {
  const s = established({}, {}, 0);
  s.send(bytes('x'));
  recv(s, 0);
  expectSent(s, 200, [seg({ seq: L - 1, ack: R, window: 64 })]);
  send(s, 210, peer({ seq: R, ack: L, window: 0 }));
  expectNothing(s, 599);
  expectSent(s, 600, [seg({ seq: L - 1, ack: R, window: 64 })]);
  expectNothing(s, 1399);
  expectSent(s, 1400, [seg({ seq: L - 1, ack: R, window: 64 })]);
});

test('zero window: probes continue without any reply', () => {
  const s = established({}, {}, 0);
  s.send(bytes('x'));
  recv(s, 0);
  assert.is(recv(s, 200).length, 1);
  assert.is(recv(s, 600).length, 1);
  assert.is(recv(s, 1400).length, 1);
});

test('zero window: a window update ends probing and the data goes', () => {
  const s = established({}, {}, 0);
  s.send(bytes('data'));
  recv(s, 0);
  recv(s, 200);
  send(s, 250, peer({ seq: R, ack: L, window: 64 }));
  expectSent(s, 250, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'data' })]);
  send(s, 260, peer({ seq: R, ack: L + 4, window: 64 }));
  expectNothing(s, 5000);
});

test('zero window: entered when the window closes on an ACK of our data', () => {
  const s = established({ txSize: 128, nagle: false });
  s.send(bytes('a'.repeat(64)));
  recv(s, 0);
  s.send(bytes('b'.repeat(10)));
  send(s, 10, peer({ seq: R, ack: L + 64, window: 0 }));
  expectNothing(s, 10);
  expectSent(s, 210, [seg({ seq: L + 63, ack: R, window: 64 })]);
});

test('zero window: the probe is not held back by the congestion window', () => {
  const s = established({}, {}, 0);
  s.send(bytes('x'));
  recv(s, 0);
  assert.ok(s.congestionWindow() > 0);
  expectSent(s, 200, [seg({ seq: L - 1, ack: R, window: 64 })]);
});

// Delayed ACK

test('delayed ACK: data is acknowledged after the delay (10 ms by default)', () => {
  const s = established({ ackDelay: 10_000 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  expectNothing(s, 0);
  assert.is(s.pollAt(ms(0)), ms(10));
  expectNothing(s, 9);
  expectSent(s, 10, [seg({ seq: L, ack: R + 3, window: 61 })]);
});

test('delayed ACK: the delay runs from the first unacknowledged segment', () => {
  const s = established({ ackDelay: 10_000 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  send(s, 5, peer({ seq: R + 3, ack: L, window: 64, payload: 'def' }));
  expectNothing(s, 9);
  expectSent(s, 10, [seg({ seq: L, ack: R + 6, window: 58 })]);
});

test('delayed ACK: at least every second full-sized segment is acknowledged at once', () => {
  const s = established({ ackDelay: 100_000, rxSize: 8192 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'x'.repeat(1460) }));
  expectNothing(s, 0);
  send(s, 1, peer({ seq: R + 1460, ack: L, window: 64, payload: 'x'.repeat(1460) }));
  expectSent(s, 1, [seg({ seq: L, ack: R + 2920, window: 8192 - 2920 })]);
});

test('delayed ACK: with timestamps a full-sized segment holds MSS - 12 bytes, and the second is acknowledged at once', () => {
  const s = established({ ackDelay: 100_000, rxSize: 8192, timestamps: true }, { ts: [100, 0] });
  expectNothing(s, 0);
  send(s, 0, peer({ seq: R, ack: L, window: 64, ts: [101, 0], payload: 'x'.repeat(1448) }));
  expectNothing(s, 0);
  send(s, 1, peer({ seq: R + 1448, ack: L, window: 64, ts: [102, 0], payload: 'x'.repeat(1448) }));
  const sent = recv(s, 1);
  assert.is(sent.length, 1, 'one ACK for two 1448-byte segments at MSS 1460');
  assert.is(sent[0]!.ack, R + 2896);
});

test('delayed ACK: more than two segments\' worth at once is acknowledged at once too', () => {
  const s = established({ ackDelay: 100_000, rxSize: 8192 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'x'.repeat(3000) }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 3000, window: 8192 - 3000 })]);
});

test('delayed ACK: our data carries the ACK, and no separate ACK follows', () => {
  const s = established({ ackDelay: 10_000 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'req' }));
  s.send(bytes('resp'));
  expectSent(s, 1, [seg({ control: 'psh', seq: L, ack: R + 3, window: 61, payload: 'resp' })]);
  expectNothing(s, 20);
});

test('delayed ACK: out-of-order data is acknowledged at once', () => {
  const s = established({ ackDelay: 10_000 });
  assert.equal(send(s, 0, peer({ seq: R + 5, ack: L, window: 64, payload: 'late' })), seg({ seq: L, ack: R, window: 64 }));
  expectNothing(s, 0);
});

test('delayed ACK: a FIN is acknowledged at once', () => {
  const s = established({ ackDelay: 10_000 });
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'end' }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 4, window: 61 })]);
});

test('delayed ACK: a window update goes at once, even with an ACK delayed', () => {
  const s = established({ ackDelay: 10_000 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(64) }));
  recv(s, 10);
  send(s, 20, peer({ seq: R + 64, ack: L, window: 64, payload: '' }));
  readAll(s);
  expectSent(s, 20, [seg({ seq: L, ack: R + 64, window: 64 })]);
});

test('delayed ACK: out of range values are refused; 0 and null send ACKs at once', () => {
  const s = established({ ackDelay: 10_000 });
  assert.throws(() => s.setAckDelay(600_000), /0 to 500 ms/);
  assert.throws(() => s.setAckDelay(-1), /0 to 500 ms/);
  s.setAckDelay(null);
  assert.is(s.ackDelayValue(), 0);
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 3, window: 61 })]);
});

// Nagle and PSH

test('Nagle: the last piece of a write goes when everything before it is acknowledged', () => {
  const s = established({ txSize: 256 }, { mss: 100 }, 256);
  s.send(bytes('n'.repeat(240)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [100, 100]);
  send(s, 10, peer({ seq: R, ack: L + 100, window: 256 }));
  expectNothing(s, 10);
  send(s, 11, peer({ seq: R, ack: L + 200, window: 256 }));
  assert.equal(recv(s, 11).map((x) => [x.control, x.payload.length]), [['psh', 40]]);
});

test('Nagle: a closing socket sends its last small segment with the FIN without waiting', () => {
  const s = established({ txSize: 256 }, { mss: 100 }, 256);
  s.send(bytes('n'.repeat(140)));
  s.close();
  assert.equal(recv(s, 0).map((x) => [x.control, x.payload.length]), [['none', 100], ['fin', 40]]);
});

test('PSH: data from the peer with PSH is received like any other', () => {
  const s = established();
  send(s, 0, peer({ control: 'psh', seq: R, ack: L, window: 64, payload: 'pushed' }));
  assert.is(readAll(s), 'pushed');
});

test.run();
