// LinkedPair: what one end transmits the other receives, in order and byte for byte; each direction is
// bounded; misuse is refused; a FaultInjector wraps an end; two interfaces ping over it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../../src/iface/interface.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { LinkedPair, type LinkedDevice } from '../../src/phy/linked-pair.js';
import type { Device } from '../../src/phy/device.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { echoRequest } from '../iface/support.js';

const test = suite('phy/linked-pair');

function send(device: Device, data: number[]): boolean {
  const tx = device.transmit(0);
  if (tx === null) return false;
  tx.consume(data.length, data, (d, bytes, offset, length) => {
    for (let i = 0; i < length; i++) bytes[offset + i] = d[i];
  });
  return true;
}

function recv(device: Device): number[] | null {
  const pair = device.receive(0);
  if (pair === null) return null;
  return pair.rx.consume(null, (_c, bytes, offset, length) => Array.from(bytes.subarray(offset, offset + length)));
}

test('frames cross in order both ways, each end hears only the other', () => {
  const { a, b } = new LinkedPair({ capacity: 3, maxTransmissionUnit: 100 });
  assert.is(a.peer, b);
  for (let round = 0; round < 10; round++) {
    const frames = [[round, 1], [round], Array.from({ length: 100 }, (_, i) => (i + round) & 0xff)];
    for (const f of frames) assert.ok(send(a, f));
    assert.ok(send(b, [9, round]));
    assert.is(recv(a)?.join(), [9, round].join());
    assert.is(recv(a), null, 'a does not hear itself');
    assert.is(b.queued, 3);
    for (const f of frames) assert.equal(recv(b), f);
    assert.is(recv(b), null);
  }
});

test('a full direction refuses a transmit token; the reply token of a receive overflows instead', () => {
  const { a, b } = new LinkedPair({ capacity: 2, maxTransmissionUnit: 64 });
  assert.ok(send(a, [1]));
  assert.ok(send(a, [2]));
  assert.is(a.transmit(0), null);
  assert.ok(send(b, [3]));
  send(b, [4]);
  const pair = a.receive(0)!;
  pair.rx.consume(null, () => {
    // a's outgoing direction (to b) is full: the reply is lost and counted.
    pair.tx.consume(10, null, () => {});
  });
  assert.is((a as LinkedDevice).overflows, 1);
});

test('misuse: oversized frames, double consume, bad options', () => {
  const { a } = new LinkedPair({ maxTransmissionUnit: 64 });
  assert.throws(() => a.transmit(0)!.consume(65, null, () => {}), /does not fit the MTU of 64/);
  send(a.peer, [1]);
  const pair = a.receive(0)!;
  pair.rx.consume(null, () => {});
  assert.throws(() => pair.rx.consume(null, () => {}), /consumed twice/);
  assert.throws(() => new LinkedPair({ capacity: 0 }), /capacity/);
  assert.throws(() => new LinkedPair({ maxTransmissionUnit: 10 }), /maxTransmissionUnit/);
});

test('two interfaces ping over the pair, through a FaultInjector on one end', () => {
  const pair = new LinkedPair();
  const lossy = new FaultInjector(pair.a, { dropChance: 0, corruptChance: 0, seed: 1 });
  const A = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const B = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['192.168.69.2/24'] });
  const socketsA = new SocketSet(1);
  const socketsB = new SocketSet(1);
  const ping = new IcmpSocket();
  ping.bindIdent(7);
  socketsA.add(ping);
  const request = echoRequest(7, 1, new Uint8Array(32).fill(5));
  ping.send(request, 0, request.length, 0xc0a84502);
  for (let t = 0; t < 5; t++) {
    A.poll(t, lossy, socketsA);
    B.poll(t, pair.b, socketsB);
  }
  const out = new Uint8Array(100);
  const from = new IpEndpoint();
  assert.is(ping.recv(out, 0, 100, from), request.length, 'the first echo request is answered (it waited for ARP)');
  assert.is(from.addr, 0xc0a84502);
  assert.is(out[0], 0, 'an echo reply');
});

test.run();
