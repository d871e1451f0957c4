// Reassembly when the holes outnumber the assembler's slots, and SACK reneging seen from the sender
// (RFC 2018 section 8): the receiver keeps the data nearest RCV.NXT, and a sender whose peer discarded
// SACKed data sends it again instead of skipping it for ever. And RACK's reordering window (RFC 8985
// section 6.2), which starts recovery where a small flight cannot draw three duplicate ACKs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, ms, peer, readAll, recv, seg, send } from './harness.js';

const test = suite('socket/tcp/reassembly-sack');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

test('reassembly_full_keeps_nearest: with every slot taken, a segment below the highest range evicts that range', () => {
  const s = established({ reassemblyRanges: 2, sack: true }, { sackPermitted: true });
  send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'k' }));
  assert.equal(send(s, 0, peer({ seq: R + 20, ack: L, window: 64, payload: 'u' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 20, R + 21], [R + 10, R + 11]] }));
  // Both slots are taken; R+5 lies below the highest range, which is given up for it.
  assert.equal(send(s, 1, peer({ seq: R + 5, ack: L, window: 64, payload: 'f' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 5, R + 6], [R + 10, R + 11]] }));
  // Above the highest range a segment that needs a slot is still dropped.
  assert.equal(send(s, 2, peer({ seq: R + 30, ack: L, window: 64, payload: 'z' })), seg({ seq: L, ack: R, window: 64, sack: [[R + 5, R + 6], [R + 10, R + 11]] }));
  // The sender fills everything: the stream is whole and in order.
  send(s, 3, peer({ seq: R, ack: L, window: 64, payload: 'abcdefghijklmnopqrstuvwxyz0123' }));
  assert.is(readAll(s), 'abcdefghijklmnopqrstuvwxyz0123');
});

test('sack_reneging: a cumulative ACK that stops where SACKed data starts clears the scoreboard, so a timeout resends that data', () => {
  const s = established({ sack: true }, { sackPermitted: true });
  s.send(bytes('0123456789abcdefghijklmnopqrst'));
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: '0123456789abcdefghijklmnopqrst' })]);
  // The peer SACKs bytes 10..30, then acknowledges only up to 10: it discarded what it SACKed.
  send(s, 10, peer({ seq: R, ack: L, window: 64, sack: [[L + 10, L + 30]] }));
  send(s, 20, peer({ seq: R, ack: L + 10, window: 64 }));
  const at = s.pollAt(20_000)! / 1000;
  expectSent(s, at, [seg({ control: 'psh', seq: L + 10, ack: R, window: 64, payload: 'abcdefghijklmnopqrst' })]);
  send(s, at + 1, peer({ seq: R, ack: L + 30, window: 64 }));
  assert.is(s.sendQueue(), 0);
  recv(s, at + 2);
});

test('rack_reorder_window: one SACKed segment past a loss in a 3-segment flight starts recovery a reordering window later', () => {
  for (const rack of [true, false]) {
    const s = established({ sack: true, rackReorderWindow: rack, txSize: 256 }, { sackPermitted: true, mss: 64 }, 256);
    const text = 'a'.repeat(64) + 'b'.repeat(64) + 'c'.repeat(64);
    s.send(bytes(text));
    assert.is(recv(s, 0).length, 3, 'three segments of 64 bytes');
    // The first is lost; the peer SACKs the second: one duplicate ACK, not enough for fast retransmit.
    send(s, 10, peer({ seq: R, ack: L, window: 256, sack: [[L + 64, L + 128]] }));
    if (rack) {
      assert.is(s.pollAt(ms(10)), ms(11), 'a quarter SRTT, at least 1 ms');
      expectSent(s, 11, [seg({ seq: L, ack: R, window: 64, payload: 'a'.repeat(64) })]);
    } else {
      assert.ok(s.pollAt(ms(10))! >= ms(200), 'without RACK only the retransmission timer is left');
      expectNothing(s, 11);
    }
  }
});

test.run();
