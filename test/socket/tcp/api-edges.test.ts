// The edges of the socket's API and of a few rarely taken paths: construction without buffers, a
// CLOSED socket given a segment, TIME-WAIT's length set after construction, a second SYN in
// SYN-RECEIVED, the listener's answers on its port when not for a connection.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpError } from '../../../src/socket/tcp/errors.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import {
  LOCAL_PORT, LOCAL_SEQ, REMOTE_SEQ, established, expectNothing, expectState, ipFromPeer, ms, peer, recv, seg, send, socket, synReceived, toRepr,
} from './harness.js';

const test = suite('socket/tcp/api-edges');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;

test('a socket without its two ring buffers is refused with a TcpError that says what to pass', () => {
  assert.throws(
    () => new TcpSocket({} as never),
    (e: unknown) => e instanceof TcpError && e.code === 'InvalidConfig' && /pass two RingBuffers/.test(e.message),
  );
});

test('a CLOSED socket takes no segment: accepts() says no and process() answers nothing', () => {
  const s = socket();
  const syn = toRepr(peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 }));
  assert.not.ok(s.accepts(ipFromPeer(), syn));
  assert.is(s.process(0, ipFromPeer(), syn), null);
  expectState(s, TcpState.Closed);
});

test('setTimeWait changes how long the next TIME-WAIT lasts', () => {
  const s = established();
  s.setTimeWait(3_000_000);
  s.close();
  recv(s, 0);
  send(s, 0, peer({ control: 'fin', seq: R, ack: L + 1, window: 64 }));
  expectState(s, TcpState.TimeWait);
  assert.equal(recv(s, 0), [seg({ seq: L + 1, ack: R + 1, window: 64 })]);
  assert.is(s.pollAt(ms(1)), ms(3000));
  recv(s, 3000);
  expectState(s, TcpState.Closed);
});

test('syn_received_second_syn_in_window: a SYN with another ISN inside the window returns a passive open to LISTEN', () => {
  const s = synReceived();
  recv(s, 0);
  assert.is(send(s, 1, peer({ control: 'syn', seq: R + 5, window: 64 })), null);
  expectState(s, TcpState.Listen);
  expectNothing(s, 2);
});

test('listener: on its port, an RST is ignored, an ACK is reset, a bare segment is dropped', () => {
  const l = new TcpListener({ pool: [socket()] });
  l.listen(LOCAL_PORT);
  assert.is(send(l, 0, peer({ control: 'rst', seq: R })), null);
  assert.equal(send(l, 0, peer({ seq: R, ack: L, window: 64 })), seg({ control: 'rst', seq: L, ack: null, window: 0 }));
  assert.is(send(l, 0, peer({ seq: R, window: 64, payload: 'x' })), null);
  assert.is(l.freeCount(), 1);
});

test.run();
