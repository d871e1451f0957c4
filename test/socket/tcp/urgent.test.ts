// Urgent data (RFC 9293 sections 3.8.5 and 3.10.7.4 step six, RFC 6093): the Urgent Pointer points at
// the byte after the urgent data; the data stays inline, in order, never lost or read twice, and
// urgentOffset()/atUrgentMark() tell the application where it ends. sendUrgent() sends it as Linux's
// MSG_OOB does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import { LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectSent, expectState, peer, readAll, recv, seg, send } from './harness.js';

const test = suite('socket/tcp/urgent');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

function readN(s: ReturnType<typeof established>, n: number): string {
  const buf = new Uint8Array(n);
  const got = s.recv(buf);
  return new TextDecoder().decode(buf.subarray(0, got));
}

test('established_urg_inline: URG data is acknowledged and read in sequence; the mark is at its last byte', () => {
  const s = established();
  assert.is(s.urgentOffset(), -1, 'nothing urgent yet');
  send(s, 0, peer({ control: 'psh', seq: R, ack: L, window: 64, payload: 'ab!', urg: 3 }));
  expectSent(s, 0, [seg({ seq: L, ack: R + 3, window: 61 })]);
  assert.is(s.urgentOffset(), 2, "two bytes before the urgent '!'");
  assert.not.ok(s.atUrgentMark());
  assert.is(readN(s, 2), 'ab');
  assert.ok(s.atUrgentMark(), "the next byte read is the urgent '!'");
  assert.is(readN(s, 8), '!');
  assert.is(s.urgentOffset(), -1, 'read past: no urgent data pending');
  assert.is(s.recv(new Uint8Array(4)), 0, 'the urgent byte is not delivered a second time');
});

test('established_urg_ahead_of_data: a pointer past the segment marks data still to come', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'ab', urg: 5 }));
  assert.is(s.urgentOffset(), 4);
  send(s, 1, peer({ seq: R + 2, ack: L, window: 64, payload: 'cde' }));
  assert.is(s.urgentOffset(), 4, 'the mark does not move with later data');
  assert.is(readAll(s), 'abcde');
  assert.is(s.urgentOffset(), -1);
});

test('established_urg_duplicate: a retransmitted URG segment after the data was read signals nothing and adds no byte', () => {
  const s = established();
  send(s, 0, peer({ control: 'psh', seq: R, ack: L, window: 64, payload: 'x!', urg: 2 }));
  recv(s, 0);
  assert.is(readAll(s), 'x!');
  assert.equal(send(s, 1, peer({ control: 'psh', seq: R, ack: L, window: 64, payload: 'x!', urg: 2 })), seg({ seq: L, ack: R + 2, window: 62 }));
  assert.is(s.urgentOffset(), -1);
  assert.is(s.recvQueue(), 0);
});

test('established_urg_later_mark: a second urgent byte moves the mark forward (one mark, as BSD and Linux keep)', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a!', urg: 2 }));
  send(s, 0, peer({ seq: R + 2, ack: L, window: 64, payload: 'b?', urg: 2 }));
  assert.is(s.urgentOffset(), 3);
  // An older pointer arriving late (a reordered segment) does not move it back.
  send(s, 1, peer({ seq: R + 1, ack: L, window: 64, payload: '!b', urg: 1 }));
  assert.is(s.urgentOffset(), 3);
  assert.is(readAll(s), 'a!b?');
});

test('established_urg_out_of_order: URG on a segment past a hole marks its byte; the data arrives in order once the hole fills', () => {
  const s = established();
  send(s, 0, peer({ seq: R + 2, ack: L, window: 64, payload: 'c!', urg: 2 }));
  assert.is(s.urgentOffset(), 3);
  assert.is(s.recvQueue(), 0, 'nothing readable before the hole fills');
  send(s, 1, peer({ seq: R, ack: L, window: 64, payload: 'ab' }));
  assert.is(readN(s, 3), 'abc');
  assert.ok(s.atUrgentMark());
  assert.is(readAll(s), '!');
});

test('established_urg_zero_pointer: an Urgent Pointer of 0 points before the segment and signals nothing', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'ab', urg: 0 }));
  assert.is(s.urgentOffset(), -1);
  assert.is(readAll(s), 'ab');
});

test('close_wait_urg_ignored: after the peer\'s FIN a URG is ignored (RFC 9293 step six)', () => {
  const s = established();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64 }));
  expectState(s, TcpState.CloseWait);
  send(s, 1, peer({ seq: R + 1, ack: L, window: 64, urg: 5 }));
  assert.is(s.urgentOffset(), -1);
});

test('urgent mark via the zero-copy window: commitRecv past the mark clears it', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'ab!c', urg: 3 }));
  s.commitRecv(2);
  assert.ok(s.atUrgentMark());
  s.commitRecv(2);
  assert.is(s.urgentOffset(), -1);
});

test('a reset flushes pending urgent data with the rest', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'ab!', urg: 3 }));
  send(s, 1, peer({ control: 'rst', seq: R + 3 }));
  assert.is(s.urgentOffset(), -1);
});

test('send_urgent: the segments before the end of urgent data carry URG pointing past it, until it is acknowledged', () => {
  const s = established();
  assert.is(s.send(bytes('ab')), 2);
  assert.is(s.sendUrgent(bytes('!')), 1);
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'ab!', urg: 3 })]);
  // More data after it, sent before the ACK: the pointer still counts from each segment's start.
  s.setNagleEnabled(false);
  send(s, 1, peer({ seq: R, ack: L + 2, window: 64 }));
  s.send(bytes('cd'));
  expectSent(s, 1, [seg({ control: 'psh', seq: L + 3, ack: R, window: 64, payload: 'cd' })]);
  // The first segment is resent after a timeout with the pointer relative to where it starts now.
  const resent = recv(s, 2000);
  assert.equal(resent[0], seg({ seq: L + 2, ack: R, window: 64, payload: '!cd', control: 'psh', urg: 1 }));
  send(s, 2001, peer({ seq: R, ack: L + 5, window: 64 }));
  s.send(bytes('e'));
  expectSent(s, 2001, [seg({ control: 'psh', seq: L + 5, ack: R, window: 64, payload: 'e' })]);
});

test.run();
