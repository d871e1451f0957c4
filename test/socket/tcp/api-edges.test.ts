// The edges of the socket's API and of a few rarely taken paths: construction without buffers, a
// CLOSED socket given a segment, TIME-WAIT's length set after construction, a second SYN in
// SYN-RECEIVED, the listener's answers on its port when not for a connection.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpError } from '../../../src/socket/tcp/errors.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { NewReno } from '../../../src/socket/tcp/congestion/newreno.js';
import {
  LOCAL, LOCAL_PORT, LOCAL_SEQ, REMOTE, REMOTE_SEQ, TestEmitter, established, expectNothing, expectState, ipFromPeer, ms, peer, recv, seg, send,
  socket, synReceived, toRepr,
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

test('settings are checked: a user timeout of 0 and an unknown congestion control are refused; an instance of your own is used', () => {
  const s = socket();
  assert.throws(() => s.setTimeout(0), (e: unknown) => e instanceof TcpError && e.code === 'InvalidConfig' && /or null for none/.test(e.message));
  s.setTimeout(null);
  assert.throws(() => s.setCongestionControl('bbr' as never), (e: unknown) => e instanceof TcpError && /pass 'newreno', 'cubic', 'none' or an object/.test(e.message));
  const mine = new NewReno();
  s.setCongestionControl(mine);
  assert.is(s.congestionControl(), mine);
});

test('endpoints: null before there is one, then the connection\'s, written into the object given', () => {
  const s = socket();
  assert.is(s.localEndpoint(), null);
  assert.is(s.remoteEndpoint(), null);
  assert.is(s.sendWindowLength(), 0, 'a closed socket offers no room to write');
  s.connect(REMOTE, LOCAL);
  const out = new IpEndpoint();
  assert.is(s.remoteEndpoint(out), out);
  assert.equal([out.addr, out.port], [REMOTE.addr, REMOTE.port]);
  assert.equal([s.localEndpoint()!.addr, s.localEndpoint()!.port], [LOCAL.addr, LOCAL.port]);
});

test('endTimeWait outside TIME-WAIT changes nothing', () => {
  const s = established();
  s.endTimeWait();
  expectState(s, TcpState.Established);
});

test('an MTU beyond what the MSS option can state announces 65535', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL);
  const emitter = new TestEmitter();
  emitter.ipMtu = 100_000;
  s.dispatch(0, emitter);
  assert.is(emitter.sent[0]!.tcp.mss, 65535);
});

test('send_urgent_far: urgent data ending more than 65535 bytes past a segment caps the Urgent Pointer at 65535', () => {
  const s = established({ txSize: 1 << 17 });
  assert.is(s.sendUrgent(new Uint8Array(70_000)), 70_000);
  const [first] = recv(s, 0);
  assert.is(first!.seq, L);
  assert.is(first!.urg, 0xffff);
});

test.run();
