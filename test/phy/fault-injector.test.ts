// FaultInjector: observed drop and corruption rates over 10 000 frames with a fixed seed lie within
// 2 points of the setting, corruption changes exactly one octet, the size limit and the token
// buckets drop what they should (exactly N frames per interval), runs are reproducible from the seed,
// and what is dropped on receive was still consumed below.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { Loopback } from '../../src/phy/loopback.js';
import { Tracer } from '../../src/phy/tracer.js';

const test = suite('phy/fault-injector');

const FRAME = 100;

function fill(seq: number, bytes: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; i++) bytes[offset + i] = (seq + i) & 0xff;
}

/** Differences between the received frame and what fill(seq) wrote. */
function differences(seq: number, bytes: Uint8Array, offset: number, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if (bytes[offset + i] !== ((seq + i) & 0xff)) n++;
  return n;
}

/** Sends `count` frames through the injector's transmit path into a loopback; returns what arrived. */
function transmitMany(fi: FaultInjector, lo: Loopback, count: number): { arrived: number; changed: number } {
  let arrived = 0;
  let changed = 0;
  for (let seq = 0; seq < count; seq++) {
    fi.transmit(seq)!.consume(FRAME, seq, fill);
    const pair = lo.receive(seq);
    if (pair === null) continue;
    arrived++;
    const diff = pair.rx.consume(seq, differences);
    assert.ok(diff <= 1, 'corruption changes one octet');
    changed += diff;
  }
  return { arrived, changed };
}

/** Puts `count` frames into the loopback below and receives them through the injector. */
function receiveMany(fi: FaultInjector, lo: Loopback, count: number): { arrived: number; changed: number } {
  let arrived = 0;
  let changed = 0;
  for (let seq = 0; seq < count; seq++) {
    lo.transmit(seq)!.consume(FRAME, seq, fill);
    const pair = fi.receive(seq);
    assert.is(lo.queued, 0, 'the frame was consumed below, delivered or not');
    if (pair === null) continue;
    arrived++;
    const diff = pair.rx.consume(seq, differences);
    assert.ok(diff <= 1, 'corruption changes one octet');
    changed += diff;
  }
  return { arrived, changed };
}

const within2 = (observed: number, setting: number, what: string): void => {
  assert.ok(Math.abs(observed - setting) <= 2, `${what}: observed ${observed.toFixed(2)}%, set ${setting}%`);
};

test('drop chance: observed rate within 2 points over 10 000 frames each way', () => {
  for (const chance of [15, 50]) {
    const lo = new Loopback();
    const fi = new FaultInjector(lo, { dropChance: chance, seed: 42 });
    const tx = transmitMany(fi, lo, 10_000);
    within2(100 - tx.arrived / 100, chance, 'tx drops');
    assert.is(fi.txDropped, 10_000 - tx.arrived);
    assert.is(fi.txFrames, tx.arrived);
    const rx = receiveMany(fi, lo, 10_000);
    within2(100 - rx.arrived / 100, chance, 'rx drops');
    assert.is(fi.rxDropped, 10_000 - rx.arrived);
    assert.is(fi.rxFrames, rx.arrived);
    assert.is(tx.changed + rx.changed, 0);
  }
});

test('corrupt chance: observed rate within 2 points, one octet changed each time', () => {
  const lo = new Loopback();
  const fi = new FaultInjector(lo, { corruptChance: 15, seed: 7 });
  const tx = transmitMany(fi, lo, 10_000);
  assert.is(tx.arrived, 10_000);
  within2(tx.changed / 100, 15, 'tx corruption');
  assert.is(fi.txCorrupted, tx.changed);
  const rx = receiveMany(fi, lo, 10_000);
  within2(rx.changed / 100, 15, 'rx corruption');
  assert.is(fi.rxCorrupted, rx.changed);
});

test('the same seed gives the same run, another seed another one', () => {
  const pattern = (seed: number): string => {
    const lo = new Loopback();
    const fi = new FaultInjector(lo, { dropChance: 30, corruptChance: 30, seed });
    let s = '';
    for (let seq = 0; seq < 200; seq++) {
      fi.transmit(seq)!.consume(FRAME, seq, fill);
      const pair = lo.receive(seq);
      s += pair === null ? 'd' : pair.rx.consume(seq, differences) === 1 ? 'c' : '.';
    }
    return s;
  };
  assert.is(pattern(1234), pattern(1234));
  assert.is.not(pattern(1234), pattern(1235));
  assert.is(new FaultInjector(new Loopback(), { seed: 5 }).seed, 5);
});

test('a dropped received frame does not end receive(): the next queued frame comes out of the same call', () => {
  // An interface's poll stops at the first null; a null while frames still wait below would leave them
  // there, and an edge-triggered device (LinkedPair, MessageDevice) would not announce them again.
  const lo = new Loopback();
  const fi = new FaultInjector(lo, { sizeLimit: 64, seed: 1 });
  lo.transmit(0)!.consume(65, null, () => undefined);
  lo.transmit(0)!.consume(65, null, () => undefined);
  lo.transmit(0)!.consume(40, null, (_, bytes, offset) => (bytes[offset] = 7));
  const pair = fi.receive(0);
  assert.ok(pair !== null, 'the frame behind the two dropped ones');
  assert.is(pair!.rx.consume(null, (_, bytes, offset, length) => [bytes[offset], length]).join(), '7,40');
  assert.is(fi.rxTooLarge, 2);
  assert.is(fi.receive(0), null, 'and then nothing is left');
});

test('size limit: longer frames are dropped both ways, frames at the limit pass', () => {
  const lo = new Loopback();
  const fi = new FaultInjector(lo, { sizeLimit: 64, seed: 1 });
  let handed = 0;
  fi.transmit(0)!.consume(65, null, () => handed++);
  assert.is(handed, 1, 'the caller still gets a buffer to write into');
  assert.is(lo.queued, 0, 'but nothing reached the device');
  fi.transmit(0)!.consume(64, null, () => undefined);
  assert.is(lo.queued, 1);
  lo.receive(0)!.rx.consume(null, () => undefined);
  assert.is(fi.txTooLarge, 1);

  lo.transmit(0)!.consume(65, null, () => undefined);
  assert.is(fi.receive(0), null);
  lo.transmit(0)!.consume(64, null, () => undefined);
  assert.ok(fi.receive(0) !== null);
  assert.is(fi.rxTooLarge, 1);
});

test('tx rate limit: exactly N frames per shaping interval', () => {
  const lo = new Loopback({ capacity: 1000 });
  const fi = new FaultInjector(lo, { txRateLimit: 4, shapingInterval: 50, seed: 1 });
  const passedPerInterval: number[] = [];
  for (let interval = 0; interval < 5; interval++) {
    const before = lo.queued;
    // 10 frames spread over the 50 ms interval (timestamps in microseconds).
    for (let k = 0; k < 10; k++) fi.transmit(interval * 50_000 + k * 4_999)!.consume(FRAME, k, fill);
    passedPerInterval.push(lo.queued - before);
  }
  assert.equal(passedPerInterval, [4, 4, 4, 4, 4]);
  assert.is(fi.txRateLimited, 30);
});

test('rx rate limit: exactly N frames per shaping interval, the rest consumed and dropped', () => {
  const lo = new Loopback({ capacity: 1000 });
  const fi = new FaultInjector(lo, { rxRateLimit: 3, shapingInterval: 10, seed: 1 });
  const passedPerInterval: number[] = [];
  for (let interval = 0; interval < 4; interval++) {
    for (let k = 0; k < 8; k++) lo.transmit(0)!.consume(FRAME, k, fill);
    let passed = 0;
    for (let k = 0; k < 8; k++) {
      const pair = fi.receive(1_000_000 + interval * 10_000 + k * 1000);
      if (pair !== null) {
        pair.rx.consume(null, () => undefined);
        passed++;
      }
    }
    assert.is(lo.queued, 0);
    passedPerInterval.push(passed);
  }
  assert.equal(passedPerInterval, [3, 3, 3, 3]);
  assert.is(fi.rxRateLimited, 20);
});

test('received frames dropped by the injector are still seen by a tracer below it', () => {
  const lo = new Loopback({ capacity: 200 });
  const seen: string[] = [];
  const tracer = new Tracer(lo, (direction) => seen.push(direction));
  const fi = new FaultInjector(tracer, { dropChance: 50, seed: 3 });
  for (let k = 0; k < 100; k++) lo.transmit(0)!.consume(FRAME, k, fill);
  let delivered = 0;
  for (let k = 0; k < 100; k++) if (fi.receive(k) !== null) delivered++;
  assert.is(seen.length, 100);
  assert.ok(seen.every((d) => d === 'rx'));
  assert.is(delivered + fi.rxDropped, 100);
  assert.ok(fi.rxDropped > 20 && fi.rxDropped < 80);
});

test('the reply token of a received pair goes through the injector too', () => {
  const lo = new Loopback();
  const fi = new FaultInjector(lo, { seed: 9 });
  lo.transmit(0)!.consume(10, 1, fill);
  const pair = fi.receive(5)!;
  pair.rx.consume(null, () => undefined);
  pair.tx.consume(20, 2, fill);
  assert.is(fi.txFrames, 1);
  assert.is(lo.receive(5)!.rx.consume(2, differences), 0);
  assert.is(fi.capabilities(), lo.capabilities());
});

test('transmit() is null when the device below is full', () => {
  const lo = new Loopback({ capacity: 1 });
  const fi = new FaultInjector(lo, { seed: 1 });
  fi.transmit(0)!.consume(10, 0, fill);
  assert.is(fi.transmit(0), null);
  assert.is(fi.receive(0) === null, false);
  assert.is(fi.receive(0), null);
});

test('options out of range are refused with the option named', () => {
  const lo = new Loopback();
  assert.throws(() => new FaultInjector(lo, { dropChance: 101 }), /dropChance must be a percentage from 0 to 100, got 101/);
  assert.throws(() => new FaultInjector(lo, { corruptChance: -1 }), /corruptChance/);
  assert.throws(() => new FaultInjector(lo, { sizeLimit: 1.5 }), /sizeLimit must be a whole number/);
  assert.throws(() => new FaultInjector(lo, { txRateLimit: -2 }), /txRateLimit/);
  assert.throws(() => new FaultInjector(lo, { shapingInterval: NaN }), /shapingInterval/);
  assert.throws(() => new FaultInjector(lo, { seed: 0.5 }), /seed must be an integer/);
});

test.run();
