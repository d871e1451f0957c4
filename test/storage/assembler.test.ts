// The out-of-order assembler: one situation per test, the ranges it holds afterwards.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Assembler } from '../../src/storage/assembler.js';

const test = suite('storage/assembler');

function filled(capacity: number, ranges: Array<[number, number]>): Assembler {
  const a = new Assembler(capacity);
  for (const [start, end] of ranges) assert.ok(a.add(start, end - start));
  return a;
}

test('a new assembler is empty and has nothing at the front', () => {
  const a = new Assembler(4);
  assert.ok(a.isEmpty());
  assert.is(a.removeFront(), 0);
  assert.is(a.capacity, 4);
  assert.is(a.totalLength(), 0);
  assert.is(a.highestEnd(), 0);
});

test('a capacity below one is refused with a message that says what to pass', () => {
  assert.throws(() => new Assembler(0), /at least one range/);
  assert.throws(() => new Assembler(1.5), /positive integer/);
});

test('data at the front comes out at once', () => {
  const a = filled(4, [[0, 10]]);
  assert.is(a.removeFront(), 10);
  assert.ok(a.isEmpty());
});

test('a range after a hole waits until the hole is filled', () => {
  const a = filled(4, [[10, 20]]);
  assert.is(a.removeFront(), 0);
  assert.ok(a.add(0, 10));
  assert.equal(a.toArray(), [[0, 20]]);
  assert.is(a.removeFront(), 20);
});

test('removing the front re-bases the ranges behind it', () => {
  const a = filled(4, [[0, 4], [8, 12]]);
  assert.is(a.removeFront(), 4);
  assert.equal(a.toArray(), [[4, 8]]);
});

test('ranges are kept sorted whatever the order of arrival', () => {
  const a = filled(4, [[30, 40], [10, 15], [20, 25]]);
  assert.equal(a.toArray(), [[10, 15], [20, 25], [30, 40]]);
});

test('adjacent ranges merge', () => {
  const a = filled(4, [[10, 20], [20, 30], [5, 10]]);
  assert.equal(a.toArray(), [[5, 30]]);
});

test('an overlapping range merges with what it overlaps', () => {
  const a = filled(4, [[10, 20], [15, 25]]);
  assert.equal(a.toArray(), [[10, 25]]);
});

test('a range spanning several ranges merges them all into one', () => {
  const a = filled(4, [[10, 12], [14, 16], [18, 20], [30, 32]]);
  assert.ok(a.add(11, 8));
  assert.equal(a.toArray(), [[10, 20], [30, 32]]);
  assert.is(a.contigCount, 2);
});

test('a duplicate of held data changes nothing', () => {
  const a = filled(4, [[10, 20]]);
  assert.ok(a.add(12, 3));
  assert.equal(a.toArray(), [[10, 20]]);
});

test('a range that needs a slot more than the capacity is refused and changes nothing', () => {
  const a = filled(2, [[10, 12], [20, 22]]);
  assert.not.ok(a.add(30, 2));
  assert.not.ok(a.add(15, 2));
  assert.equal(a.toArray(), [[10, 12], [20, 22]]);
  // One that merges needs no slot and is taken.
  assert.ok(a.add(12, 8));
  assert.equal(a.toArray(), [[10, 22]]);
});

test('a full assembler still takes the range that fills the front hole', () => {
  const a = filled(1, [[5, 10]]);
  assert.ok(a.add(0, 5));
  assert.is(a.removeFront(), 10);
});

test('an empty range is a no-op', () => {
  const a = filled(1, [[5, 10]]);
  assert.ok(a.add(20, 0));
  assert.equal(a.toArray(), [[5, 10]]);
});

test('advance forgets what falls before the new front and trims what straddles it', () => {
  const a = filled(4, [[2, 4], [6, 10], [12, 14]]);
  a.advance(8);
  assert.equal(a.toArray(), [[0, 2], [4, 6]]);
  a.advance(0);
  assert.equal(a.toArray(), [[0, 2], [4, 6]]);
  a.advance(100);
  assert.ok(a.isEmpty());
});

test('queries: coverage, containment, the highest end, the range holding an offset', () => {
  const a = filled(4, [[10, 20], [30, 40]]);
  assert.is(a.totalLength(), 20);
  assert.is(a.highestEnd(), 40);
  assert.is(a.coveredBetween(15, 35), 10);
  assert.is(a.coveredBetween(0, 10), 0);
  assert.ok(a.contains(12, 8));
  assert.not.ok(a.contains(18, 4));
  assert.is(a.indexContaining(35), 1);
  assert.is(a.indexContaining(25), -1);
  assert.is(a.contigStart(1), 30);
  assert.is(a.contigEnd(1), 40);
  a.clear();
  assert.ok(a.isEmpty());
});

test('random arrivals end as one range at the front, the same as a byte map says', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const a = new Assembler(8);
    const map = new Uint8Array(80);
    for (let k = 0; k < 30; k++) {
      const off = rand(60);
      const len = 1 + rand(6);
      const before = a.toArray();
      if (a.add(off, len)) {
        for (let i = off; i < off + len; i++) map[i] = 1;
      } else {
        assert.equal(a.toArray(), before);
      }
      // The ranges match the byte map exactly.
      const expected: Array<[number, number]> = [];
      for (let i = 0; i < 80; i++) {
        if (map[i] && (i === 0 || !map[i - 1])) expected.push([i, i]);
        if (map[i]) expected[expected.length - 1]![1] = i + 1;
      }
      assert.equal(a.toArray(), expected);
    }
  }
});

test('removeLast forgets the highest range only, and makes room for a range below it', () => {
  const a = new Assembler(2);
  a.removeLast();
  assert.ok(a.isEmpty(), 'nothing to forget when empty');
  a.add(10, 5);
  a.add(30, 5);
  assert.not.ok(a.add(20, 2), 'full: a third range is refused');
  a.removeLast();
  assert.equal(a.toArray(), [[10, 15]]);
  assert.ok(a.add(20, 2));
  assert.equal(a.toArray(), [[10, 15], [20, 22]]);
});

test.run();
