// ESTABLISHED: data both ways, acceptability of segments and ACKs, RST, FIN, close and abort
// (RFC 9293 section 3.10.7.4).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TCP_RECV_FINISHED, TcpState } from '../../../src/socket/tcp/socket.js';
import { TcpError } from '../../../src/socket/tcp/errors.js';
import {
  LOCAL_ADDR, LOCAL_PORT, LOCAL_SEQ, TestEmitter, OTHER_ADDR, REMOTE_ADDR, REMOTE_PORT, REMOTE_SEQ, bytes, established, expectNothing,
  expectSent, expectState, ipFromPeer, peer, readAll, recv, seg, send, toRepr,
} from './harness.js';

const test = suite('socket/tcp/established');

const R = REMOTE_SEQ + 1; // the peer's next sequence number after the handshake
const L = LOCAL_SEQ + 1; // ours

test('recv: in-order data is acknowledged and readable, the window shrinks by what is unread', () => {
  const s = established();
  assert.is(send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcdef' })), null);
  expectSent(s, 0, [seg({ seq: L, ack: R + 6, window: 58 })]);
  assert.ok(s.canRecv());
  assert.is(s.recvQueue(), 6);
  assert.is(readAll(s), 'abcdef');
  assert.not.ok(s.canRecv());
});

test('recv: data across the 2^32 wrap of the peer\'s sequence numbers', () => {
  const s = established({}, { seq: 0xfffffffc });
  send(s, 0, peer({ seq: 0xfffffffd, ack: L, window: 64, payload: 'abcdef' }));
  expectSent(s, 0, [seg({ seq: L, ack: 3, window: 58 })]);
  assert.is(readAll(s), 'abcdef');
});

test('recv: peek leaves the data to read again', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcdef' }));
  const buf = new Uint8Array(4);
  assert.is(s.peek(buf), 4);
  assert.is(new TextDecoder().decode(buf), 'abcd');
  assert.is(s.recvQueue(), 6);
  assert.is(readAll(s), 'abcdef');
});

test('recv: data that wraps the ring buffer is read whole, by copy and through the zero-copy window', () => {
  const s = established({ rxSize: 16 });
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: '0123456789' }));
  assert.is(readAll(s), '0123456789');
  send(s, 0, peer({ seq: R + 10, ack: L, window: 64, payload: 'abcdefghij' }));
  // 6 bytes to the end of the storage, 4 from its start.
  assert.is(s.recvWindowOffset(), 10);
  assert.is(s.recvWindowLength(), 6);
  assert.is(new TextDecoder().decode(s.rxBuffer.storage.subarray(10, 16)), 'abcdef');
  s.commitRecv(6);
  assert.is(readAll(s), 'ghij');
  assert.throws(() => s.commitRecv(1), /commit at most recvWindowLength/);
});

test('recv: with nothing received yet recv returns 0', () => {
  const s = established();
  assert.is(s.recv(new Uint8Array(8)), 0);
});

test('send: data goes with PSH on its last segment, and the ACK frees the buffer', () => {
  const s = established();
  assert.is(s.send(bytes('abcdef')), 6);
  assert.is(s.sendQueue(), 6);
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'abcdef' })]);
  expectNothing(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 6, window: 64 }));
  assert.is(s.sendQueue(), 0);
  expectNothing(s, 10);
});

test('send: the send buffer takes what fits and says how much', () => {
  const s = established({ txSize: 8 });
  assert.is(s.send(bytes('0123456789')), 8);
  assert.not.ok(s.canSend());
  assert.is(s.send(bytes('x')), 0);
});

test('send: zero-copy through the send window', () => {
  const s = established();
  const off = s.sendWindowOffset();
  const room = s.sendWindowLength();
  assert.is(room, 64);
  s.txBuffer.storage.set(bytes('zero'), off);
  s.commitSend(4);
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'zero' })]);
  assert.throws(() => s.commitSend(1000), /sendWindowLength/);
  const w = s.sendWindow();
  assert.is(w.storage, s.txBuffer.storage);
  assert.is(w.length, 60);
});

test('send: more than the peer\'s window waits for the window to open', () => {
  const s = established({ txSize: 128, nagle: false }, {}, 16);
  s.send(bytes('a'.repeat(40)));
  expectSent(s, 0, [seg({ control: 'none', seq: L, ack: R, window: 64, payload: 'a'.repeat(16) })]);
  expectNothing(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 16, window: 16 }));
  expectSent(s, 10, [seg({ seq: L + 16, ack: R, window: 64, payload: 'a'.repeat(16) })]);
  send(s, 20, peer({ seq: R, ack: L + 32, window: 16 }));
  expectSent(s, 20, [seg({ control: 'psh', seq: L + 32, ack: R, window: 64, payload: 'a'.repeat(8) })]);
});

test('send: with Nagle, a second small write waits for the ACK of the first', () => {
  const s = established();
  s.send(bytes('abc'));
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'abc' })]);
  s.send(bytes('def'));
  expectNothing(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 3, window: 64 }));
  expectSent(s, 10, [seg({ control: 'psh', seq: L + 3, ack: R, window: 64, payload: 'def' })]);
});

test('send: without Nagle, a second small write goes at once', () => {
  const s = established({ nagle: false });
  s.send(bytes('abc'));
  recv(s, 0);
  s.send(bytes('def'));
  expectSent(s, 0, [seg({ control: 'psh', seq: L + 3, ack: R, window: 64, payload: 'def' })]);
  assert.not.ok(s.nagleEnabled());
});

test('send: our sequence numbers wrap past 2^32', () => {
  const s = established({ random: (() => { let i = 0; return () => (i++ === 0 ? 0xfffffffe : 0); })() });
  s.send(bytes('wrap'));
  expectSent(s, 0, [seg({ control: 'psh', seq: 0xffffffff, ack: R, window: 64, payload: 'wrap' })]);
  send(s, 10, peer({ seq: R, ack: 3, window: 64 }));
  assert.is(s.sendQueue(), 0);
});

test('send: the peer shrinking its window stops us at the new edge', () => {
  const s = established({ txSize: 128, nagle: false }, {}, 64);
  s.send(bytes('a'.repeat(20)));
  recv(s, 0);
  // The peer acknowledges 10 bytes and shrinks its window to 10: the edge stays at L+20.
  send(s, 10, peer({ seq: R, ack: L + 10, window: 10 }));
  s.send(bytes('b'.repeat(20)));
  expectNothing(s, 10);
  send(s, 20, peer({ seq: R, ack: L + 20, window: 10 }));
  expectSent(s, 20, [seg({ seq: L + 20, ack: R, window: 64, payload: 'b'.repeat(10) })]);
});

test('send: send() after close() is an error that says why', () => {
  const s = established();
  s.close();
  try {
    s.send(bytes('late'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TcpError);
    assert.match((e as Error).message, /cannot send in FIN-WAIT-1/);
  }
});

test('a segment without the ACK flag is dropped', () => {
  const s = established();
  assert.is(send(s, 0, peer({ seq: R, payload: 'abc' })), null);
  assert.is(s.recvQueue(), 0);
  expectNothing(s, 0);
});

test('an ACK of data never sent draws an ACK and the segment is dropped', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ seq: R, ack: L + 10, window: 64, payload: 'abc' })), seg({ seq: L, ack: R, window: 64 }));
  assert.is(s.recvQueue(), 0);
  expectState(s, TcpState.Established);
});

test('an ACK older than SND.UNA but within the window is a duplicate: ignored, data taken', () => {
  const s = established();
  s.send(bytes('abc'));
  recv(s, 0);
  send(s, 10, peer({ seq: R, ack: L + 3, window: 64 }));
  assert.is(send(s, 20, peer({ seq: R, ack: L + 1, window: 64, payload: 'xy' })), null);
  assert.is(readAll(s), 'xy');
});

test('an ACK far below SND.UNA (more than the largest window) draws a challenge ACK (RFC 5961 section 5.2)', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ seq: R, ack: L - 1000, window: 64, payload: 'x' })), seg({ seq: L, ack: R, window: 64 }));
  assert.is(s.recvQueue(), 0);
});

test('a segment beyond the receive window draws an ACK and is dropped', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ seq: R + 100, ack: L, window: 64, payload: 'far' })), seg({ seq: L, ack: R, window: 64 }));
  assert.is(s.recvQueue(), 0);
});

test('a segment entirely before RCV.NXT (a duplicate) draws an ACK', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcdef' }));
  recv(s, 0);
  assert.equal(send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'abc' })), seg({ seq: L, ack: R + 6, window: 58 }));
  assert.is(readAll(s), 'abcdef');
});

test('a segment overlapping what was received is trimmed at the front', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'abcdef' }));
  recv(s, 0);
  send(s, 10, peer({ seq: R + 3, ack: L, window: 64, payload: 'defghi' }));
  expectSent(s, 10, [seg({ seq: L, ack: R + 9, window: 55 })]);
  assert.is(readAll(s), 'abcdefghi');
});

test('a segment partly beyond the window is trimmed at the back', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(60) }));
  recv(s, 0);
  send(s, 10, peer({ seq: R + 60, ack: L, window: 64, payload: 'bcdefgh' }));
  expectSent(s, 10, [seg({ seq: L, ack: R + 64, window: 0 })]);
  assert.is(readAll(s), 'a'.repeat(60) + 'bcde');
});

test('a FIN cut off by the window edge is not taken', () => {
  const s = established();
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'a'.repeat(60) }));
  recv(s, 0);
  send(s, 10, peer({ control: 'fin', seq: R + 60, ack: L, window: 64, payload: 'bcdefgh' }));
  expectState(s, TcpState.Established);
  expectSent(s, 10, [seg({ seq: L, ack: R + 64, window: 0 })]);
});

test('a FIN is acknowledged and leads to CLOSE-WAIT; the data before it stays readable', () => {
  const s = established();
  send(s, 0, peer({ control: 'fin', seq: R, ack: L, window: 64, payload: 'bye' }));
  expectState(s, TcpState.CloseWait);
  expectSent(s, 0, [seg({ seq: L, ack: R + 4, window: 61 })]);
  assert.ok(s.mayRecv());
  assert.is(readAll(s), 'bye');
  assert.not.ok(s.mayRecv());
  assert.is(s.recv(new Uint8Array(4)), TCP_RECV_FINISHED);
  assert.ok(s.recvFinished());
  assert.ok(s.maySend());
});

test('a FIN after a hole is not taken: the missing data is acknowledged for', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ control: 'fin', seq: R + 3, ack: L, window: 64, payload: 'def' })), seg({ seq: L, ack: R, window: 64 }));
  expectState(s, TcpState.Established);
  expectNothing(s, 0);
  // The peer retransmits the hole and the FIN.
  send(s, 10, peer({ seq: R, ack: L, window: 64, payload: 'abc' }));
  send(s, 10, peer({ control: 'fin', seq: R + 3, ack: L, window: 64, payload: 'def' }));
  expectState(s, TcpState.CloseWait);
  assert.is(readAll(s), 'abcdef');
});

test('an RST at RCV.NXT resets the connection; the queues are flushed', () => {
  const s = established();
  s.send(bytes('pending'));
  send(s, 0, peer({ seq: R, ack: L, window: 64, payload: 'unread' }));
  assert.is(send(s, 0, peer({ control: 'rst', seq: R + 6, ack: L })), null);
  expectState(s, TcpState.Closed);
  assert.is(s.sendQueue(), 0);
  assert.is(s.recvQueue(), 0);
  expectNothing(s, 0);
  assert.not.ok(s.isOpen());
});

test('an RST without the ACK flag at RCV.NXT resets too', () => {
  const s = established();
  send(s, 0, peer({ control: 'rst', seq: R }));
  expectState(s, TcpState.Closed);
});

test('an RST in the window but not at RCV.NXT draws a challenge ACK (RFC 5961 section 3.2)', () => {
  const s = established();
  assert.equal(send(s, 0, peer({ control: 'rst', seq: R + 5 })), seg({ seq: L, ack: R, window: 64 }));
  expectState(s, TcpState.Established);
});

test('an RST outside the window is dropped silently', () => {
  const s = established();
  assert.is(send(s, 0, peer({ control: 'rst', seq: R + 1000 })), null);
  assert.is(send(s, 0, peer({ control: 'rst', seq: R - 1 })), null);
  expectState(s, TcpState.Established);
  expectNothing(s, 0);
});

test('close(): a FIN goes after the queued data, in the same segment', () => {
  const s = established();
  s.send(bytes('last'));
  s.close();
  expectState(s, TcpState.FinWait1);
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64, payload: 'last' })]);
});

test('close(): with nothing queued, a bare FIN', () => {
  const s = established();
  s.close();
  expectSent(s, 0, [seg({ control: 'fin', seq: L, ack: R, window: 64 })]);
  assert.ok(s.isOpen());
});

test('abort(): an RST with <SEQ=SND.NXT>, then CLOSED, queues dropped', () => {
  const s = established();
  s.send(bytes('dropped'));
  s.abort();
  expectState(s, TcpState.Closed);
  assert.is(s.sendQueue(), 0);
  assert.is(s.pollAt(0), 0);
  expectSent(s, 0, [seg({ control: 'rst', seq: L, ack: R })]);
  expectNothing(s, 0);
  assert.is(s.pollAt(0), null);
});

test('abort(): the RST waits while the emitter is busy', () => {
  const s = established();
  s.abort();
  const e = new TestEmitter();
  e.refuse = true;
  assert.not.ok(s.dispatch(0, e));
  e.refuse = false;
  assert.ok(s.dispatch(0, e));
  assert.is(e.sent[0]!.tcp.control, 'rst');
});

test('segments for another port or from another address are not accepted', () => {
  const s = established();
  assert.not.ok(s.accepts(ipFromPeer(), toRepr(peer({ seq: R, ack: L, dstPort: LOCAL_PORT + 1 }))));
  assert.not.ok(s.accepts(ipFromPeer(), toRepr(peer({ seq: R, ack: L, srcPort: REMOTE_PORT + 1 }))));
  assert.not.ok(s.accepts(ipFromPeer(OTHER_ADDR, LOCAL_ADDR), toRepr(peer({ seq: R, ack: L }))));
  assert.not.ok(s.accepts(ipFromPeer(REMOTE_ADDR, OTHER_ADDR), toRepr(peer({ seq: R, ack: L }))));
  assert.ok(s.accepts(ipFromPeer(REMOTE_ADDR, LOCAL_ADDR), toRepr(peer({ seq: R, ack: L }))));
});

test('the IP header of what we send: our address to theirs, the hop limit set', () => {
  const s = established({ hopLimit: 7 });
  s.send(bytes('a'));
  const e = new TestEmitter();
  s.dispatch(0, e);
  assert.is(e.sent[0]!.ip.srcAddr, LOCAL_ADDR);
  assert.is(e.sent[0]!.ip.dstAddr, REMOTE_ADDR);
  assert.is(e.sent[0]!.ip.hopLimit, 7);
  assert.is(s.hopLimitValue(), 7);
});

test('a hop limit of 0 is refused; null returns to the default 64', () => {
  const s = established();
  assert.throws(() => s.setHopLimit(0), /1 to 255/);
  s.setHopLimit(null);
  s.send(bytes('a'));
  const e = new TestEmitter();
  s.dispatch(0, e);
  assert.is(e.sent[0]!.ip.hopLimit, 64);
});

test.run();
