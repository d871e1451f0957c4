// ICMP errors about a connection's segments (RFC 1122 section 4.2.3.9, RFC 5461, RFC 5927): during the
// handshake they end the attempt, as Linux does; on a synchronized connection they are soft errors, given
// as the end cause only if the connection then times out; an error quoting a segment not in flight is
// not believed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TCP_RECV_RESET, TcpState } from '../../../src/socket/tcp/socket.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import {
  LOCAL_SEQ, REMOTE_SEQ, bytes, established, expectNothing, expectSent, expectState, recv, seg, synReceived, synSent,
} from './harness.js';

const test = suite('socket/tcp/icmp-errors');

const R = REMOTE_SEQ + 1;
const L = LOCAL_SEQ + 1;
// The socket ignores how the interface names the connection; a listener uses it to find the connection.
const ip = new Ipv4Repr();
const tcp = new TcpRepr();

test('SYN-SENT: host unreachable about the SYN ends the attempt at once, with that cause and nothing sent', () => {
  const s = synSent();
  s.icmpError(ip, tcp, LOCAL_SEQ, 'host-unreachable');
  expectState(s, TcpState.Closed);
  assert.is(s.endCause, 'host-unreachable');
  expectNothing(s, 5000);
});

test('SYN-SENT: net unreachable and port unreachable (refused) end it with their causes', () => {
  for (const cause of ['net-unreachable', 'refused'] as const) {
    const s = synSent();
    s.icmpError(ip, tcp, LOCAL_SEQ, cause);
    expectState(s, TcpState.Closed);
    assert.is(s.endCause, cause);
  }
});

test('SYN-SENT: an error quoting another sequence number than the SYN is not believed (RFC 5927 section 4.1)', () => {
  const s = synSent();
  s.icmpError(ip, tcp, LOCAL_SEQ + 1, 'host-unreachable');
  s.icmpError(ip, tcp, LOCAL_SEQ - 1, 'host-unreachable');
  expectState(s, TcpState.SynSent);
  assert.is(s.endCause, 'none');
});

test('SYN-RECEIVED from listen(): an error about the SYN-ACK sends the socket back to LISTEN', () => {
  const s = synReceived();
  recv(s, 0);
  s.icmpError(ip, tcp, LOCAL_SEQ, 'host-unreachable');
  expectState(s, TcpState.Listen);
});

test('ESTABLISHED: an error about data in flight is a soft error: the connection goes on and a later ACK is taken', () => {
  const s = established();
  s.send(bytes('abc'));
  expectSent(s, 0, [seg({ control: 'psh', seq: L, ack: R, window: 64, payload: 'abc' })]);
  s.icmpError(ip, tcp, L, 'net-unreachable');
  expectState(s, TcpState.Established);
  assert.is(s.endCause, 'none');
});

test('ESTABLISHED: after a soft error, the user timeout ends the connection with the error as its cause', () => {
  const s = established({ timeout: 1_000_000 });
  s.send(bytes('abc'));
  recv(s, 0);
  s.icmpError(ip, tcp, L + 1, 'host-unreachable');
  expectSent(s, 1000, [seg({ control: 'rst', seq: L + 3, ack: R })]);
  expectState(s, TcpState.Closed);
  assert.is(s.endCause, 'host-unreachable');
  assert.is(s.recv(new Uint8Array(8)), TCP_RECV_RESET);
});

test('ESTABLISHED: errors quoting acknowledged data, unsent data or an idle connection are not believed', () => {
  const s = established({ timeout: 1_000_000 });
  s.icmpError(ip, tcp, L, 'host-unreachable'); // nothing in flight
  s.send(bytes('abc'));
  recv(s, 0);
  s.icmpError(ip, tcp, L - 1, 'host-unreachable'); // before SND.UNA
  s.icmpError(ip, tcp, L + 3, 'host-unreachable'); // SND.MAX: not sent yet
  recv(s, 1000);
  expectState(s, TcpState.Closed);
  assert.is(s.endCause, 'timeout');
});

test('CLOSED and LISTEN sockets ignore ICMP errors', () => {
  const s = synSent();
  s.abort();
  recv(s, 0);
  s.icmpError(ip, tcp, LOCAL_SEQ, 'host-unreachable');
  assert.is(s.endCause, 'aborted');
  const l = synReceived();
  l.abort();
  l.listen(80);
  l.icmpError(ip, tcp, LOCAL_SEQ, 'host-unreachable');
  expectState(l, TcpState.Listen);
});

test.run();
