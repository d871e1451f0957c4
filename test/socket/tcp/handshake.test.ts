// Opening a connection: CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED and the three-way handshake
// (RFC 9293 sections 3.5 and 3.10.7.1 to 3.10.7.3).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TcpError } from '../../../src/socket/tcp/errors.js';
import { TcpState } from '../../../src/socket/tcp/socket.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import {
  LOCAL, LOCAL_ADDR, LOCAL_MSS, LOCAL_PORT, LOCAL_SEQ, OTHER_ADDR, REMOTE, REMOTE_ADDR, REMOTE_PORT, REMOTE_SEQ,
  TestEmitter, bytes, established, expectNothing, expectSent, expectState, ipFromPeer, listening, ms, peer, readAll, recv,
  seg, send, socket, synReceived, synSent, toRepr,
} from './harness.js';

const test = suite('socket/tcp/handshake');

const SYN = peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 });

// CLOSED

test('closed: a new socket is CLOSED, accepts nothing and has nothing to send', () => {
  const s = socket();
  expectState(s, TcpState.Closed);
  assert.not.ok(s.isOpen());
  assert.not.ok(s.isActive());
  assert.not.ok(s.accepts(ipFromPeer(), toRepr(SYN)));
  assert.is(s.pollAt(0), null);
  expectNothing(s, 0);
});

test('closed: close() on a closed socket is a no-op', () => {
  const s = socket();
  s.close();
  expectState(s, TcpState.Closed);
});

test('closed: after listen() and close(), the socket no longer accepts a SYN', () => {
  const s = listening();
  s.close();
  expectState(s, TcpState.Closed);
  assert.not.ok(s.accepts(ipFromPeer(), toRepr(SYN)));
});

test('closed: the reply for a port nobody listens on is <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> for a SYN', () => {
  const ip = ipFromPeer();
  const outIp = ipFromPeer(0, 0);
  const out = new TcpRepr();
  assert.ok(TcpSocket_rstReply(ip, SYN, outIp, out));
  assert.equal(outIp.srcAddr, LOCAL_ADDR);
  assert.equal(outIp.dstAddr, REMOTE_ADDR);
});

import { TcpSocket } from '../../../src/socket/tcp/socket.js';
import { fromRepr } from './harness.js';
function TcpSocket_rstReply(ip: ReturnType<typeof ipFromPeer>, s: ReturnType<typeof peer>, outIp: ReturnType<typeof ipFromPeer>, out: TcpRepr): boolean {
  const ok = TcpSocket.rstReply(ip, toRepr(s), outIp, out);
  if (ok) {
    const r = fromRepr(out);
    if (s.ack === null) assert.equal(r, seg({ control: 'rst', seq: 0, ack: s.seq + 1 + s.payload.length - (s.control === 'syn' ? 0 : 1) }));
  }
  return ok;
}

test('closed: the reply for a stray ACK is <SEQ=SEG.ACK><CTL=RST>, and an RST gets none', () => {
  const out = new TcpRepr();
  const outIp = ipFromPeer(0, 0);
  assert.ok(TcpSocket.rstReply(ipFromPeer(), toRepr(peer({ seq: 5, ack: 77, payload: 'ab' })), outIp, out));
  assert.equal(fromRepr(out), seg({ control: 'rst', seq: 77 }));
  assert.not.ok(TcpSocket.rstReply(ipFromPeer(), toRepr(peer({ control: 'rst', seq: 5 })), outIp, out));
  assert.ok(TcpSocket.rstReply(ipFromPeer(), toRepr(peer({ seq: 5, payload: 'abc' })), outIp, out));
  assert.equal(fromRepr(out), seg({ control: 'rst', seq: 0, ack: 8 }));
});

// LISTEN

test('listen: a listening socket sends nothing and needs no poll', () => {
  const s = listening();
  assert.ok(s.isOpen());
  assert.ok(s.isListening());
  assert.not.ok(s.isActive());
  assert.is(s.pollAt(0), null);
  expectNothing(s, 0);
});

test('listen: port 0 is refused with a message that says what to pass', () => {
  const s = socket();
  try {
    s.listen(0);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TcpError);
    assert.is((e as TcpError).code, 'Unaddressable');
    assert.match((e as Error).message, /port/);
  }
});

test('listen: listening again on the same endpoint is a no-op, on another is an error', () => {
  const s = listening();
  s.listen(LOCAL_PORT);
  expectState(s, TcpState.Listen);
  assert.throws(() => s.listen(81), /close or abort it first/);
});

test('listen: close() returns to CLOSED at once', () => {
  const s = listening();
  s.close();
  expectState(s, TcpState.Closed);
  expectNothing(s, 0);
});

test('listen: a SYN is answered by a SYN-ACK from dispatch, and the socket is SYN-RECEIVED', () => {
  const s = listening();
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64, mss: 1400 })), null);
  expectState(s, TcpState.SynReceived);
  assert.is(s.pollAt(0), 0);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS })]);
  expectNothing(s, 0);
  assert.equal(s.remoteEndpoint(), REMOTE);
  assert.equal(s.localEndpoint(), LOCAL);
});

test('listen: an RST is ignored', () => {
  const s = listening();
  assert.is(send(s, 0, peer({ control: 'rst', seq: REMOTE_SEQ })), null);
  expectState(s, TcpState.Listen);
  expectNothing(s, 0);
});

test('listen: an ACK is answered with <SEQ=SEG.ACK><CTL=RST> and the socket keeps listening', () => {
  const s = listening();
  assert.equal(send(s, 0, peer({ seq: REMOTE_SEQ, ack: 1234 })), seg({ control: 'rst', seq: 1234 }));
  expectState(s, TcpState.Listen);
});

test('listen: a SYN with an ACK is answered with an RST, not taken', () => {
  const s = listening();
  assert.equal(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: 999 })), seg({ control: 'rst', seq: 999 }));
  expectState(s, TcpState.Listen);
});

test('listen: a segment with neither SYN, ACK nor RST is dropped silently', () => {
  const s = listening();
  assert.is(send(s, 0, peer({ seq: REMOTE_SEQ, payload: 'x' })), null);
  expectState(s, TcpState.Listen);
  expectNothing(s, 0);
});

test('listen: a socket bound to an address accepts only segments to it; one on 0 takes any', () => {
  const s = socket();
  s.listen(new IpEndpoint(LOCAL_ADDR, LOCAL_PORT));
  const syn = toRepr(SYN);
  assert.ok(s.accepts(ipFromPeer(REMOTE_ADDR, LOCAL_ADDR), syn));
  assert.not.ok(s.accepts(ipFromPeer(REMOTE_ADDR, OTHER_ADDR), syn));
  const any = listening();
  assert.ok(any.accepts(ipFromPeer(REMOTE_ADDR, OTHER_ADDR), syn));
});

test('listen: a segment to another port is not accepted', () => {
  const s = listening();
  assert.not.ok(s.accepts(ipFromPeer(), toRepr(peer({ control: 'syn', seq: 1, dstPort: LOCAL_PORT + 1 }))));
});

test('listen: the SYN-ACK offers SACK when the SYN did and SACK is enabled, not otherwise', () => {
  const on = synReceived({ sack: true }, { sackPermitted: true });
  expectSent(on, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS, sackPermitted: true })]);
  const off = synReceived({ sack: false }, { sackPermitted: true });
  expectSent(off, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS })]);
  const notAsked = synReceived({ sack: true });
  expectSent(notAsked, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS })]);
});

test('listen: with a 1 MiB receive buffer the SYN-ACK scales by 5 and announces 65535 unscaled', () => {
  const s = synReceived({ windowScaling: true, rxSize: 1 << 20 }, { ws: 0 });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 65535, mss: LOCAL_MSS, ws: 5 })]);
});

test('listen: a window-scale buffer that fits 16 bits uses shift 0', () => {
  const s = synReceived({ windowScaling: true, rxSize: 65535 }, { ws: 7 });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 65535, mss: LOCAL_MSS, ws: 0 })]);
});

test('listen: a tiny MSS from the peer is raised to 64 bytes so data still flows', () => {
  const s = established({ txSize: 256, nagle: false }, { mss: 10 }, 256);
  s.send(bytes('a'.repeat(100)));
  const sent = recv(s, 0);
  assert.equal(sent.map((x) => x.payload.length), [64, 36]);
});

test('listen: an MSS of 0 is ignored and 536 used', () => {
  const s = established({ txSize: 2048 }, { mss: 0 }, 2048);
  s.setNagleEnabled(false);
  s.send(bytes('a'.repeat(600)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [536, 64]);
});

test('listen: without an MSS option the peer gets segments of 536 bytes', () => {
  const s = established({ txSize: 2048, nagle: false }, {}, 2048);
  s.send(bytes('b'.repeat(1100)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [536, 536, 28]);
});

// SYN-RECEIVED

test('syn-received: the ACK of our SYN makes the connection ESTABLISHED', () => {
  const s = established();
  assert.ok(s.isActive());
  assert.ok(s.maySend());
  assert.ok(s.canSend());
  assert.not.ok(s.canRecv());
  assert.equal(s.remoteEndpoint(), REMOTE);
  expectNothing(s, 0);
});

test('syn-received: an ACK beyond our SYN is answered with <SEQ=SEG.ACK><CTL=RST>', () => {
  const s = synReceived();
  recv(s, 0);
  assert.equal(send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 10, window: 64 })), seg({ control: 'rst', seq: LOCAL_SEQ + 10 }));
  expectState(s, TcpState.SynReceived);
});

test('syn-received: an ACK of less than our SYN is answered with an RST', () => {
  const s = synReceived();
  recv(s, 0);
  assert.equal(send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ, window: 64 })), seg({ control: 'rst', seq: LOCAL_SEQ }));
  expectState(s, TcpState.SynReceived);
});

test('syn-received: an RST at RCV.NXT returns a passively opened socket to LISTEN', () => {
  const s = synReceived();
  recv(s, 0);
  assert.is(send(s, 0, peer({ control: 'rst', seq: REMOTE_SEQ + 1 })), null);
  expectState(s, TcpState.Listen);
  expectNothing(s, 0);
  // And it can take the next SYN.
  assert.is(send(s, 1, SYN), null);
  expectState(s, TcpState.SynReceived);
});

test('syn-received: the peer SYN again (our SYN-ACK was lost) draws the SYN-ACK again', () => {
  const s = synReceived();
  const synAck = seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS });
  expectSent(s, 0, [synAck]);
  assert.is(send(s, 100, SYN), null);
  expectSent(s, 100, [synAck]);
});

test('syn-received: the SYN-ACK is retransmitted after the initial RTO of 1 s, then 2 s later', () => {
  const s = synReceived();
  const synAck = seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS });
  expectSent(s, 0, [synAck]);
  assert.is(s.pollAt(ms(0)), ms(1000));
  expectNothing(s, 999);
  expectSent(s, 1000, [synAck]);
  assert.is(s.pollAt(ms(1000)), ms(3000));
  expectSent(s, 3000, [synAck]);
});

test('syn-received: after six unanswered SYN-ACK retransmissions a passive socket returns to LISTEN', () => {
  const s = synReceived({ synRetries: 2 });
  recv(s, 0);
  recv(s, 1000);
  recv(s, 3000);
  expectState(s, TcpState.SynReceived);
  expectNothing(s, 7000);
  expectState(s, TcpState.Listen);
});

test('syn-received: a FIN with the ACK leads to CLOSE-WAIT and is acknowledged', () => {
  const s = synReceived();
  recv(s, 0);
  assert.is(send(s, 0, peer({ control: 'fin', seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 64 })), null);
  expectState(s, TcpState.CloseWait);
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 2, window: 64 })]);
});

test('syn-received: close() before the ACK sends the FIN once the handshake completes', () => {
  const s = synReceived();
  recv(s, 0);
  s.close();
  expectState(s, TcpState.SynReceived);
  expectNothing(s, 0);
  send(s, 10, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 64 }));
  expectState(s, TcpState.FinWait1);
  expectSent(s, 10, [seg({ control: 'fin', seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64 })]);
});

test('syn-received: with window scaling negotiated the peer window is scaled from its first ACK', () => {
  const s = synReceived({ windowScaling: true, txSize: 1024 }, { ws: 2 });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS, ws: 0 })]);
  send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 10 }));
  s.setNagleEnabled(false);
  s.send(bytes('x'.repeat(100)));
  // 10 << 2 = 40 bytes of window.
  assert.equal(recv(s, 0).map((x) => x.payload.length), [40]);
});

test('syn-received: without the peer offering window scaling, neither side scales', () => {
  const s = synReceived({ windowScaling: true, txSize: 1024, rxSize: 1 << 20 });
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 65535, mss: LOCAL_MSS })]);
  send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 10 }));
  s.setNagleEnabled(false);
  s.send(bytes('x'.repeat(100)));
  assert.equal(recv(s, 0).map((x) => x.payload.length), [10]);
});

test('syn-received: data in the completing ACK is received', () => {
  const s = synReceived();
  recv(s, 0);
  send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 64, payload: 'hello' }));
  expectState(s, TcpState.Established);
  assert.is(readAll(s), 'hello');
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 6, window: 59 })]);
});

// SYN-SENT

test('connect: the SYN carries our MSS and the window of the receive buffer', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL);
  expectState(s, TcpState.SynSent);
  assert.ok(s.isActive());
  assert.is(s.pollAt(0), 0);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS })]);
  expectNothing(s, 0);
});

test('connect: a SYN offers window scaling, SACK and timestamps when enabled', () => {
  const s = socket({ windowScaling: true, sack: true, timestamps: true });
  s.connect(REMOTE, LOCAL);
  expectSent(s, 5, [seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS, ws: 0, sackPermitted: true, ts: [5, 0] })]);
});

test('connect: the MSS follows the emitter\'s MTU', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL);
  const e = new TestEmitter();
  e.ipMtu = 9000;
  s.dispatch(0, e);
  assert.is(e.sent[0]!.tcp.mss, 8960);
  assert.is(e.sent[0]!.ip.dstAddr, REMOTE_ADDR);
  assert.is(e.sent[0]!.ip.hopLimit, 64);
});

test('connect: invalid endpoints are refused with a message that says what to pass', () => {
  const s = socket();
  assert.throws(() => s.connect(new IpEndpoint(REMOTE_ADDR, 0), LOCAL), /remote address and port/);
  assert.throws(() => s.connect(new IpEndpoint(0, 80), LOCAL), /remote address and port/);
  assert.throws(() => s.connect(REMOTE, new IpEndpoint(LOCAL_ADDR, 0)), /local port/);
  assert.throws(() => s.connect(new IpEndpoint(0xffffffff, 80), LOCAL), /unicast/);
  assert.throws(() => s.connect(new IpEndpoint(0xe0000001, 80), LOCAL), /unicast/);
  expectState(s, TcpState.Closed);
});

test('connect: connecting an open socket is an error', () => {
  const s = synSent();
  assert.throws(() => s.connect(REMOTE, LOCAL), /connect\(\) needs a closed socket/);
});

test('connect: from an unspecified address, the SYN leaves with source 0 and the SYN-ACK teaches the address', () => {
  const s = socket();
  s.connect(REMOTE, LOCAL_PORT);
  const e = new TestEmitter();
  s.dispatch(0, e);
  assert.is(e.sent[0]!.ip.srcAddr, 0);
  assert.is(s.localEndpoint()!.addr, 0);
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64 }));
  expectState(s, TcpState.Established);
  assert.equal(s.localEndpoint(), LOCAL);
});

test('syn-sent: a SYN-ACK completes the handshake and is acknowledged', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64, mss: 1400 })), null);
  expectState(s, TcpState.Established);
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64 })]);
});

test('syn-sent: data queued before the handshake goes with the first ACK', () => {
  const s = synSent();
  assert.is(s.send(bytes('early')), 5);
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64 }));
  expectSent(s, 0, [seg({ control: 'psh', seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64, payload: 'early' })]);
});

test('syn-sent: an ACK that is not for our SYN is answered with <SEQ=SEG.ACK><CTL=RST>', () => {
  const s = synSent();
  assert.equal(send(s, 0, peer({ seq: REMOTE_SEQ, ack: LOCAL_SEQ + 5 })), seg({ control: 'rst', seq: LOCAL_SEQ + 5 }));
  expectState(s, TcpState.SynSent);
});

test('syn-sent: an ACK equal to our ISS does not acknowledge the SYN and draws an RST', () => {
  const s = synSent();
  assert.equal(send(s, 0, peer({ seq: REMOTE_SEQ, ack: LOCAL_SEQ })), seg({ control: 'rst', seq: LOCAL_SEQ }));
  expectState(s, TcpState.SynSent);
});

test('syn-sent: a SYN-ACK that does not acknowledge the SYN draws an RST and changes nothing', () => {
  const s = synSent();
  assert.equal(
    send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ, window: 64 })),
    seg({ control: 'rst', seq: LOCAL_SEQ }),
  );
  expectState(s, TcpState.SynSent);
});

test('syn-sent: an ACK without SYN that acknowledges our SYN is dropped', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1 })), null);
  expectState(s, TcpState.SynSent);
});

test('syn-sent: an RST with an acceptable ACK refuses the connection', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'rst', seq: 0, ack: LOCAL_SEQ + 1 })), null);
  expectState(s, TcpState.Closed);
  expectNothing(s, 0);
});

test('syn-sent: an RST without ACK is dropped', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'rst', seq: REMOTE_SEQ })), null);
  expectState(s, TcpState.SynSent);
});

test('syn-sent: an RST with a bad ACK is dropped without a reply', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'rst', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 7 })), null);
  expectState(s, TcpState.SynSent);
});

test('syn-sent: close() returns to CLOSED without sending anything', () => {
  const s = synSent();
  s.close();
  expectState(s, TcpState.Closed);
  expectNothing(s, 0);
});

test('syn-sent: the SYN is retransmitted with exponential backoff: 1 s, 2 s, 4 s', () => {
  const s = synSent();
  const syn = seg({ control: 'syn', seq: LOCAL_SEQ, window: 64, mss: LOCAL_MSS });
  expectNothing(s, 999);
  expectSent(s, 1000, [syn]);
  expectNothing(s, 2999);
  expectSent(s, 3000, [syn]);
  expectSent(s, 7000, [syn]);
  assert.is(s.pollAt(ms(7000)), ms(15000));
});

test('syn-sent: after synRetries unanswered retransmissions the connection attempt ends', () => {
  const s = synSent({ synRetries: 1 });
  recv(s, 1000);
  expectState(s, TcpState.SynSent);
  expectNothing(s, 3000);
  expectState(s, TcpState.Closed);
});

test('syn-sent: a user timeout ends the attempt without an RST', () => {
  const s = synSent({ timeout: 2_500_000 });
  recv(s, 1000);
  assert.is(s.pollAt(ms(1000)), ms(2500));
  expectNothing(s, 2500);
  expectState(s, TcpState.Closed);
});

test('syn-sent: a SYN without ACK is a simultaneous open: SYN-RECEIVED, and our SYN goes again with the ACK', () => {
  const s = synSent();
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 })), null);
  expectState(s, TcpState.SynReceived);
  expectSent(s, 0, [seg({ control: 'syn', seq: LOCAL_SEQ, ack: REMOTE_SEQ + 1, window: 64, mss: LOCAL_MSS })]);
  send(s, 0, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 1, window: 64 }));
  expectState(s, TcpState.Established);
});

test('syn-sent: simultaneous open, the peer\'s SYN-ACK completes it too', () => {
  const s = synSent();
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 }));
  recv(s, 0);
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64 }));
  // Our SYN-ACK crossed theirs: their SYN-ACK repeats a SYN already taken; the ACK in it completes the open.
  assert.ok(s.state === TcpState.Established || s.state === TcpState.SynReceived);
});

test('syn-sent: an RST in SYN-RECEIVED after a simultaneous open refuses the connection', () => {
  const s = synSent();
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64 }));
  recv(s, 0);
  send(s, 0, peer({ control: 'rst', seq: REMOTE_SEQ + 1 }));
  expectState(s, TcpState.Closed);
});

test('syn-sent: SACK is used only when the SYN-ACK permits it', () => {
  const yes = synSent({ sack: true });
  send(yes, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64, sackPermitted: true }));
  recv(yes, 0);
  assert.equal(send(yes, 0, peer({ seq: REMOTE_SEQ + 5, ack: LOCAL_SEQ + 1, window: 64, payload: 'late' })), seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64, sack: [[REMOTE_SEQ + 5, REMOTE_SEQ + 9]] }));
  expectNothing(yes, 0);
  const no = synSent({ sack: true });
  send(no, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 64 }));
  recv(no, 0);
  assert.equal(send(no, 0, peer({ seq: REMOTE_SEQ + 5, ack: LOCAL_SEQ + 1, window: 64, payload: 'late' })), seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 64 }));
  expectNothing(no, 0);
});

test('syn-sent: window scaling is used when the SYN-ACK carries it, the SYN itself unscaled', () => {
  const s = synSent({ windowScaling: true, rxSize: 1 << 20, txSize: 4096 });
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 100, ws: 3 }));
  // Our receive window: 1 MiB >> 5.
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: (1 << 20) >> 5 })]);
  s.setNagleEnabled(false);
  s.send(bytes('y'.repeat(1000)));
  // The SYN-ACK's window (100) is not scaled.
  assert.equal(recv(s, 0).map((x) => x.payload.length), [100]);
  send(s, 1, peer({ seq: REMOTE_SEQ + 1, ack: LOCAL_SEQ + 101, window: 100 }));
  // Now 100 << 3 = 800 bytes: one full segment; the 264 left of the window are less than half the
  // largest window with data in flight, so silly-window avoidance holds them.
  assert.equal(recv(s, 1).map((x) => x.payload.length), [536]);
});

test('syn-sent: without window scaling in the SYN-ACK, our window is capped at 65535 unscaled', () => {
  const s = synSent({ windowScaling: true, rxSize: 1 << 20 });
  send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 100 }));
  expectSent(s, 0, [seg({ seq: LOCAL_SEQ + 1, ack: REMOTE_SEQ + 1, window: 65535 })]);
});

test('syn-sent: a tiny MSS in the SYN-ACK is raised to 64, a zero one ignored', () => {
  const tiny = synSent({ txSize: 256 });
  send(tiny, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 256, mss: 1 }));
  recv(tiny, 0);
  tiny.setNagleEnabled(false);
  tiny.send(bytes('z'.repeat(100)));
  assert.equal(recv(tiny, 0).map((x) => x.payload.length), [64, 36]);
  const zero = synSent({ txSize: 1024 });
  send(zero, 0, peer({ control: 'syn', seq: REMOTE_SEQ, ack: LOCAL_SEQ + 1, window: 1024, mss: 0 }));
  recv(zero, 0);
  zero.setNagleEnabled(false);
  zero.send(bytes('z'.repeat(600)));
  assert.equal(recv(zero, 0).map((x) => x.payload.length), [536, 64]);
});

test('three-way handshake, passive and active sockets against each other', () => {
  const client = socket({ random: () => 5000 });
  const server = listening({ random: () => 9000 });
  client.connect(new IpEndpoint(LOCAL_ADDR, LOCAL_PORT), new IpEndpoint(REMOTE_ADDR, REMOTE_PORT));
  const pump = (from: typeof client, to: typeof client, fromAddr: number, toAddr: number): number => {
    const e = new TestEmitter();
    from.dispatch(0, e);
    for (const x of e.sent) {
      const reply = to.process(0, ipFromPeer(fromAddr, toAddr), toRepr(x.tcp));
      assert.is(reply, null);
    }
    return e.sent.length;
  };
  assert.is(pump(client, server, REMOTE_ADDR, LOCAL_ADDR), 1);
  assert.is(pump(server, client, LOCAL_ADDR, REMOTE_ADDR), 1);
  expectState(client, TcpState.Established);
  assert.is(pump(client, server, REMOTE_ADDR, LOCAL_ADDR), 1);
  expectState(server, TcpState.Established);
  client.send(bytes('ping'));
  pump(client, server, REMOTE_ADDR, LOCAL_ADDR);
  assert.is(readAll(server), 'ping');
});

test.run();
