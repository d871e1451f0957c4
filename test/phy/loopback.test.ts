// Loopback: frames come back in order with their bytes, the ring is bounded, the reply token of a
// receive loops back too, and misuse (double consume, oversized frame) is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ChecksumCapabilities } from '../../src/phy/capabilities.js';
import { Loopback } from '../../src/phy/loopback.js';

const test = suite('phy/loopback');

function send(lo: Loopback, data: number[]): boolean {
  const tx = lo.transmit(0);
  if (tx === null) return false;
  tx.consume(data.length, data, (d, bytes, offset, length) => {
    for (let i = 0; i < length; i++) bytes[offset + i] = d[i];
  });
  return true;
}

function recv(lo: Loopback): number[] | null {
  const pair = lo.receive(0);
  if (pair === null) return null;
  return pair.rx.consume(null, (_c, bytes, offset, length) => Array.from(bytes.subarray(offset, offset + length)));
}

test('nothing to receive from a new loopback', () => {
  const lo = new Loopback();
  assert.is(lo.receive(0), null);
  assert.is(lo.queued, 0);
});

test('frames come back first in, first out, with their exact bytes and lengths', () => {
  const lo = new Loopback({ capacity: 4, maxTransmissionUnit: 100 });
  // Many rounds so the ring wraps around several times.
  for (let round = 0; round < 10; round++) {
    const sent = [[round, 1, 2], [round, 9], Array.from({ length: 100 }, (_, i) => (i + round) & 0xff)];
    for (const f of sent) assert.ok(send(lo, f));
    assert.is(lo.queued, 3);
    for (const f of sent) assert.equal(recv(lo), f);
    assert.is(recv(lo), null);
  }
});

test('the ring is bounded: transmit() says no when every slot is taken', () => {
  const lo = new Loopback({ capacity: 3 });
  assert.ok(send(lo, [1]));
  assert.ok(send(lo, [2]));
  assert.ok(send(lo, [3]));
  assert.is(lo.transmit(0), null);
  assert.equal(recv(lo), [1]);
  assert.ok(send(lo, [4]));
  assert.equal([recv(lo), recv(lo), recv(lo), recv(lo)], [[2], [3], [4], null]);
});

test('the reply token of a receive loops back, also from inside the receive', () => {
  const lo = new Loopback({ capacity: 2 });
  send(lo, [7, 7]);
  const pair = lo.receive(0)!;
  pair.rx.consume(pair.tx, (tx, bytes, offset, length) => {
    assert.equal(Array.from(bytes.subarray(offset, offset + length)), [7, 7]);
    tx.consume(3, null, (_c, out, at) => {
      out[at] = 8;
      out[at + 1] = 9;
      out[at + 2] = 10;
    });
  });
  assert.equal(recv(lo), [8, 9, 10]);
  assert.is(lo.overflows, 0);
});

test('a reply while the ring is full is lost and counted', () => {
  const lo = new Loopback({ capacity: 1 });
  send(lo, [1]);
  const pair = lo.receive(0)!;
  let written = false;
  pair.rx.consume(null, () => {
    pair.tx.consume(2, null, (_c, out, at) => {
      out[at] = 5;
      written = true;
    });
  });
  assert.ok(written, 'the reply was handed a buffer');
  assert.is(lo.overflows, 1);
  assert.is(recv(lo), null);
});

test('an RxToken consumed twice is a programming error', () => {
  const lo = new Loopback();
  send(lo, [1]);
  send(lo, [2]);
  const pair = lo.receive(0)!;
  pair.rx.consume(null, () => undefined);
  assert.throws(() => pair.rx.consume(null, () => undefined), /consumed twice/);
  assert.equal(recv(lo), [2], 'the second frame was not lost');
});

test('a frame longer than the MTU is refused', () => {
  const lo = new Loopback({ maxTransmissionUnit: 64 });
  assert.throws(() => lo.transmit(0)!.consume(65, null, () => undefined), /65 bytes does not fit the MTU of 64/);
  assert.is(lo.queued, 0);
  assert.throws(() => new Loopback({ capacity: 0 }), RangeError);
  assert.throws(() => new Loopback({ maxTransmissionUnit: 1.5 }), RangeError);
});

test('the consumer result is returned through the tokens', () => {
  const lo = new Loopback();
  assert.is(lo.transmit(0)!.consume(4, 'ctx', (c, _b, _o, length) => `${c}:${length}`), 'ctx:4');
  assert.is(lo.receive(0)!.rx.consume(10, (c, _b, _o, length) => c + length), 14);
});

test('capabilities: Ethernet, the MTU, checksums as configured', () => {
  const caps = new Loopback({ maxTransmissionUnit: 9000 }).capabilities();
  assert.is(caps.medium, 'ethernet');
  assert.is(caps.maxTransmissionUnit, 9000);
  assert.is(caps.maxBurstSize, null);
  assert.is(caps.checksum.tcp, 'both');
  const ignored = new Loopback({ checksum: ChecksumCapabilities.ignored(), maxBurstSize: 4 }).capabilities();
  assert.is(ignored.checksum.ipv4, 'none');
  assert.is(ignored.maxBurstSize, 4);
});

test.run();
