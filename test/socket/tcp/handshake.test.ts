// Opening a connection: LISTEN, SYN-RECEIVED, SYN-SENT and the three-way handshake (RFC 9293 section 3.5).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL, LOCAL_MSS, LOCAL_PORT, LOCAL_SEQ, REMOTE, REMOTE_PORT, REMOTE_SEQ, established, expectNothing, expectSent,
  expectState, listening, peer, recv, seg, send, socket, synReceived, synSent,
} from './harness.js';

const test = suite('socket/tcp/handshake');

test('listen: a SYN is answered by a SYN-ACK from dispatch, and the socket is SYN-RECEIVED', () => {
  const s = listening();
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64, mss: 1400 })), null);
  expectState(s, TcpState.SynReceived);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS })]);
  expectNothing(s, 0);
});

test('three-way handshake: the ACK of our SYN-ACK makes the connection ESTABLISHED', () => {
  const s = established();
  assert.ok(s.isActive());
  assert.ok(s.maySend());
  assert.equal(s.remoteEndpoint(), REMOTE);
  assert.equal(s.localEndpoint(), LOCAL);
  expectNothing(s, 0);
});

test('connect: the SYN carries our MSS and the window of the receive buffer', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL);
  expectState(s, TcpState.SynSent);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS })]);
});

test('syn-sent: a SYN-ACK completes the handshake and is acknowledged', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64, mss: 1400 })), null);
  expectState(s, TcpState.Established);
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64 })]);
});

test.run();
