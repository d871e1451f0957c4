// Edges of the datagram sockets' APIs not reached elsewhere: a bad port for the ICMP socket's UDP
// binding, a raw socket whose transmit buffer is full, the UDP socket's bound address.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SocketError } from '../../src/socket/errors.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { RawIpSocket } from '../../src/socket/raw-ip.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { NewReno } from '../../src/socket/tcp/congestion/newreno.js';

const test = suite('socket/socket-edges');

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, SocketError);
    return (e as SocketError).code;
  }
  throw new Error('expected a SocketError');
}

test('icmp: bindUdpPort refuses a port outside 1 to 65535 and says what to give', () => {
  const s = new IcmpSocket();
  for (const port of [0, 65536, 1.5]) assert.is(code(() => s.bindUdpPort(port)), 'ERR_SOCKET_BAD_PORT');
  s.bindUdpPort(5353);
});

test('raw: a packet beyond the free room of the transmit buffer is refused with ERR_SOCKET_BUFFER_FULL', () => {
  const s = new RawIpSocket({ protocol: 253, tx: { packets: 1, payload: 100 } });
  const packet = new Uint8Array(24);
  packet.set([0x45, 0, 0, 24, 0, 0, 0, 0, 64, 253, 0, 0, 192, 168, 69, 1, 192, 168, 69, 2]);
  s.send(packet, 0, 24);
  assert.not.ok(s.canSend(24));
  try {
    s.send(packet, 0, 24);
    assert.unreachable('the second packet has no slot');
  } catch (e) {
    assert.instance(e, SocketError);
    assert.is((e as SocketError).code, 'ERR_SOCKET_BUFFER_FULL');
    assert.match((e as Error).message, /poll the interface to send what is queued/);
  }
});

test('udp: addr is the address bound to, 0 for any', () => {
  const any = new UdpSocket();
  any.bind(6969);
  assert.is(any.addr, 0);
  const one = new UdpSocket();
  one.bind(6970, 0xc0a84501);
  assert.is(one.addr, 0xc0a84501);
});

test('newreno: after setMss, slow start grows by at most the new SMSS per ACK (RFC 5681 equation 2)', () => {
  const cc = new NewReno();
  cc.init(0, 1000);
  const before = cc.cwnd;
  cc.setMss(500);
  cc.onAck(0, 4000, 0);
  assert.is(cc.cwnd - before, 500);
});

test.run();
