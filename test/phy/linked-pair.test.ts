// LinkedPair: what one end transmits the other receives, in order and byte for byte, each direction is
// bounded like a NIC queue, onReadable fires once per burst, a FaultInjector makes one end lossy, and two
// Interfaces talk over it (ARP, then UDP) without the first datagram being lost.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import type { Device } from '../../src/phy/device.js';
import { Interface } from '../../src/iface/interface.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
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

test('a new pair has nothing to receive on either end', () => {
  const pair = new LinkedPair();
  assert.is(pair.a.receive(0), null);
  assert.is(pair.b.receive(0), null);
  assert.is(pair.a.peer, pair.b);
  assert.is(pair.b.peer, pair.a);
});

test('frames cross in both directions, first in first out, with their exact bytes', () => {
  const pair = new LinkedPair({ capacity: 4, maxTransmissionUnit: 100 });
  for (let round = 0; round < 20; round++) {
    const ab = [[round, 1, 2], [round], Array.from({ length: 100 }, (_, i) => (i * 3 + round) & 0xff)];
    const ba = [Array.from({ length: 60 + round }, (_, i) => (i + round) & 0xff), [0xff, round]];
    for (const f of ab) assert.ok(send(pair.a, f));
    for (const f of ba) assert.ok(send(pair.b, f));
    assert.is(pair.b.queued, 3);
    assert.is(pair.a.queued, 2);
    for (const f of ba) assert.equal(recv(pair.a), f);
    for (const f of ab) assert.equal(recv(pair.b), f);
    assert.is(recv(pair.a), null, 'a does not hear itself');
    assert.is(recv(pair.b), null);
  }
  assert.is(pair.a.txFrames, 60);
  assert.is(pair.b.rxFrames, 60);
  assert.is(pair.b.txFrames, 40);
  assert.is(pair.a.rxFrames, 40);
});

test('each direction is bounded: transmit() says no while the peer has `capacity` frames waiting', () => {
  const pair = new LinkedPair({ capacity: 2 });
  assert.ok(send(pair.a, [1]));
  assert.ok(send(pair.a, [2]));
  assert.is(pair.a.transmit(0), null, 'a -> b is full');
  assert.ok(pair.b.transmit(0) !== null, 'b -> a is independent');
  assert.equal(recv(pair.b), [1]);
  assert.ok(send(pair.a, [3]));
  assert.equal([recv(pair.b), recv(pair.b), recv(pair.b)], [[2], [3], null]);
});

test('a reply sent from inside a receive goes to the peer; one that finds it full is lost and counted', () => {
  const pair = new LinkedPair({ capacity: 1 });
  send(pair.b, [9]);
  send(pair.a, [5]); // a -> b now full
  const rx = pair.a.receive(0)!;
  rx.rx.consume(rx.tx, (tx, bytes, offset, length) => {
    assert.equal(Array.from(bytes.subarray(offset, offset + length)), [9]);
    tx.consume(2, null, (_c, out, at) => {
      out[at] = 1;
      out[at + 1] = 2;
    });
  });
  assert.is(pair.a.overflows, 1);
  assert.equal(recv(pair.b), [5]);
  assert.is(recv(pair.b), null, 'the overflowing reply never arrived');
});

test('the MTU is the largest frame; a larger one is a programmer mistake; capabilities say so', () => {
  const pair = new LinkedPair({ maxTransmissionUnit: 9014, maxBurstSize: 4 });
  const caps = pair.a.capabilities();
  assert.is(caps.maxTransmissionUnit, 9014);
  assert.is(caps.maxBurstSize, 4);
  assert.is(caps.medium, 'ethernet');
  assert.ok(pair.b.capabilities() !== caps, 'each end has its own capabilities object');
  assert.ok(send(pair.a, new Array(9014).fill(7)));
  assert.is(recv(pair.b)!.length, 9014);
  assert.throws(() => pair.a.transmit(0)!.consume(9015, null, () => 0), (e: Error) => e instanceof RangeError && /9015 bytes/.test(e.message));
  assert.throws(() => new LinkedPair({ maxTransmissionUnit: 10 }), /at least 14/);
  assert.throws(() => new LinkedPair({ capacity: 0 }), /capacity/);
  assert.throws(() => new LinkedPair({ maxBurstSize: 0 }), /maxBurstSize/);
});

test('allocate: each direction stores its frames in the storage the caller hands out', () => {
  const arena = new Uint8Array(2 * 1514 * 6);
  let used = 0;
  const sizes: number[] = [];
  const pair = new LinkedPair({
    capacity: 4,
    allocate: (size) => {
      sizes.push(size);
      const view = arena.subarray(used, used + size);
      used += size;
      return view;
    },
  });
  assert.equal(sizes, [1514 * 6, 1514 * 6], 'capacity + 2 frames of the MTU per direction');
  send(pair.a, [0xab, 0xcd]);
  send(pair.b, [0xef]);
  assert.is(arena[1514 * 6], 0xab, "a -> b lands in b's storage, the second allocation");
  assert.is(arena[0], 0xef, "b -> a lands in a's storage, the first");
  assert.equal(recv(pair.b), [0xab, 0xcd]);
});

test('an RxToken consumed twice is refused', () => {
  const pair = new LinkedPair();
  send(pair.a, [1]);
  const rx = pair.b.receive(0)!.rx;
  rx.consume(null, () => 0);
  assert.throws(() => rx.consume(null, () => 0), /consumed twice/);
});

test('onReadable fires once when frames start waiting for an end, again only after it received', () => {
  const pair = new LinkedPair();
  let calls = 0;
  pair.b.onReadable = () => calls++;
  send(pair.a, [1]);
  send(pair.a, [2]);
  assert.is(calls, 1, 'edge-triggered: a burst is one call');
  recv(pair.b);
  send(pair.a, [3]);
  assert.is(calls, 1, 'still one frame waiting, no new edge');
  recv(pair.b);
  recv(pair.b);
  send(pair.a, [4]);
  assert.is(calls, 2);
  send(pair.b, [1]);
  assert.is(calls, 2, "the other end's queue does not call it");
});

test('a FaultInjector over end a drops what a sends and receives; b is untouched', () => {
  const pair = new LinkedPair();
  const fi = new FaultInjector(pair.a, { dropChance: 100, seed: 1 });
  for (let i = 0; i < 5; i++) send(fi, [i]);
  assert.is(pair.b.queued, 0, 'dropped on the way out');
  for (let i = 0; i < 5; i++) send(pair.b, [i]);
  assert.is(pair.a.queued, 5);
  for (let i = 0; i < 5; i++) assert.is(recv(fi), null);
  assert.is(pair.a.queued, 0, 'taken off the wire, then dropped');
  assert.is(fi.txDropped, 5);
  assert.is(fi.rxDropped, 5);
});

function twoStacks(pair: LinkedPair) {
  const ifA = new Interface({ hardwareAddr: '02:00:00:00:00:0a', addresses: ['10.9.0.1/24'] });
  const ifB = new Interface({ hardwareAddr: '02:00:00:00:00:0b', addresses: ['10.9.0.2/24'] });
  const setA = new SocketSet(4);
  const setB = new SocketSet(4);
  const udpA = new UdpSocket();
  const udpB = new UdpSocket();
  udpA.bind(1000);
  udpB.bind(2000);
  setA.add(udpA);
  setB.add(udpB);
  return { ifA, ifB, setA, setB, udpA, udpB };
}

test('two interfaces over the pair: ARP resolves and the first datagram arrives, both ways', () => {
  const pair = new LinkedPair();
  const { ifA, ifB, setA, setB, udpA, udpB } = twoStacks(pair);
  const payload = Uint8Array.from({ length: 200 }, (_, i) => i);
  udpA.send(payload, 0, payload.length, Ipv4Address.from('10.9.0.2').value, 2000);
  for (let i = 0; i < 10 && !udpB.canRecv(); i++) {
    ifA.poll(i, pair.a, setA);
    ifB.poll(i, pair.b, setB);
  }
  const buf = new Uint8Array(512);
  const from = new IpEndpoint();
  assert.is(udpB.recv(buf, 0, buf.length, from), 200);
  assert.equal(buf.subarray(0, 200), payload);
  assert.is(from.addr, Ipv4Address.from('10.9.0.1').value);
  assert.is(from.port, 1000);
  udpB.send(buf, 0, 10, from.addr, from.port);
  ifB.poll(20, pair.b, setB);
  ifA.poll(20, pair.a, setA);
  assert.is(udpA.recv(buf, 0, buf.length, from), 10, 'the reply needs no ARP: B learned A from its request');
  assert.is(ifA.counters.rxDropped() + ifB.counters.rxDropped(), 0);
});

test('with 9000-byte frames a 8000-byte datagram crosses unfragmented; with 1514 it is fragmented and reassembled', () => {
  for (const [mtu, fragments] of [[9014, 0], [1514, 6]] as const) {
    const pair = new LinkedPair({ maxTransmissionUnit: mtu });
    const { ifA, ifB, setA, setB, udpA, udpB } = twoStacks(pair);
    const payload = Uint8Array.from({ length: 8000 }, (_, i) => (i * 7) & 0xff);
    udpA.send(payload, 0, payload.length, Ipv4Address.from('10.9.0.2').value, 2000);
    for (let i = 0; i < 10 && !udpB.canRecv(); i++) {
      ifA.poll(i, pair.a, setA);
      ifB.poll(i, pair.b, setB);
    }
    const buf = new Uint8Array(9000);
    assert.is(udpB.recv(buf, 0, buf.length), 8000, `MTU ${mtu}`);
    assert.equal(buf.subarray(0, 8000), payload);
    assert.is(ifA.counters.txFragments, fragments, `MTU ${mtu}`);
  }
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

