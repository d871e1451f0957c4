// copyBytes, the one byte copier (reprs, the pcap writer, the fault injector): every length and alignment
// copies exactly the range, between buffers and within one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyBytes } from '../../src/wire/byte-ranges.js';

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + seed) & 0xff);
}

test('copies exactly the range between two buffers, short and long, at any alignment', () => {
  for (const length of [0, 1, 3, 4, 31, 32, 33, 63, 100, 1514]) {
    for (const [from, to] of [[0, 0], [1, 3], [3, 2], [5, 0]] as const) {
      const source = pattern(length + 8, 11);
      const target = pattern(length + 8, 200);
      const expected = target.slice();
      expected.set(source.subarray(from, from + length), to);
      copyBytes(source, from, target, to, length);
      assert.equal(target, expected, `length ${length}, ${from} -> ${to}`);
    }
  }
});

test('a whole source array (the TypedArray set path) lands at the offset, nothing around it touched', () => {
  for (const length of [32, 33, 1514, 65536]) {
    const source = pattern(length, 5);
    const target = pattern(length + 16, 99);
    const expected = target.slice();
    expected.set(source, 7);
    copyBytes(source, 0, target, 7, length);
    assert.equal(target, expected, `length ${length}`);
  }
});

test('float-like bit patterns (NaN payloads) are copied unchanged', () => {
  const source = new Uint8Array(64).fill(0xff);
  source[7] = 0x7f;
  const target = new Uint8Array(64);
  copyBytes(source, 0, target, 0, 64);
  assert.equal(target, source);
});

test('every NaN class (signalling, quiet, payloads, both signs) keeps its bits through the eight-byte moves, before and after V8 optimises the copier', () => {
  // copyBytes moves eight bytes as a Float64: a float round trip that quietened a signalling NaN or
  // dropped a payload would corrupt data. Thousands of rounds, so the copy runs interpreted, baseline
  // and optimised; every alignment of the patterns against the eight-byte steps.
  const patterns: [number, number][] = [
    [0x7ff00000, 0x00000001], // signalling NaN, smallest payload
    [0x7ff40000, 0x00000000], // signalling NaN, high payload bit
    [0x7ff80000, 0x00000000], // the quiet NaN V8 makes itself
    [0x7ff80000, 0x00000001], // quiet NaN with a payload
    [0xfff00000, 0x12345678], // negative signalling NaN
    [0xffffffff, 0xffffffff], // all ones
    [0x7ff00000, 0x00000000], // +infinity
    [0x80000000, 0x00000000], // -0
    [0x00000000, 0x00000001], // smallest subnormal
  ];
  const source = new Uint8Array(264);
  const target = new Uint8Array(264);
  const view = new DataView(source.buffer);
  for (let round = 0; round < 4000; round++) {
    const shift = round % 8;
    source.fill(0);
    for (let k = 0; k + shift + 8 <= 256; k += 8) {
      const [high, low] = patterns[(k / 8 + round) % patterns.length]!;
      view.setUint32(shift + k, low, true);
      view.setUint32(shift + k + 4, high, true);
    }
    target.fill(0xa5);
    copyBytes(source, shift, target, 8 - shift, 256);
    for (let i = 0; i < 256; i++) {
      if (target[8 - shift + i] !== source[shift + i]) assert.unreachable(`round ${round}: byte ${i} changed from ${source[shift + i]} to ${target[8 - shift + i]}`);
    }
  }
});

test('within one buffer, overlapping ranges copy as memmove does', () => {
  const bytes = pattern(100, 1);
  const expected = bytes.slice();
  expected.copyWithin(10, 0, 80);
  copyBytes(bytes, 0, bytes, 10, 80);
  assert.equal(bytes, expected);
});

// A seeded generator (mulberry32), so a failure names a round that replays.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('views of one ArrayBuffer (the copyWithin path): overlapping either way, at any offsets, as memmove', () => {
  const next = random(7);
  const buffer = new ArrayBuffer(4096);
  const all = new Uint8Array(buffer);
  for (let round = 0; round < 2000; round++) {
    for (let i = 0; i < all.length; i++) all[i] = (i * 7 + round) & 0xff;
    // Two views at odd byte offsets into the same buffer, often overlapping.
    const a = new Uint8Array(buffer, 1 + Math.floor(next() * 100), 1500);
    const b = new Uint8Array(buffer, 3 + Math.floor(next() * 2000), 1500);
    const length = Math.floor(next() * 600);
    const sourceOffset = Math.floor(next() * (1500 - length));
    const targetOffset = Math.floor(next() * (1500 - length));
    const [source, target] = next() < 0.5 ? [a, b] : [b, a];
    const expected = all.slice();
    const from = source.byteOffset + sourceOffset;
    expected.set(all.slice(from, from + length), target.byteOffset + targetOffset);
    copyBytes(source, sourceOffset, target, targetOffset, length);
    assert.equal(all, expected, `round ${round}: ${length} bytes from ${from} to ${target.byteOffset + targetOffset}`);
  }
});

test('a short copy one byte forward between two views of one buffer is a memmove (a forward loop would smear byte 0)', () => {
  const all = Uint8Array.from({ length: 64 }, (_, i) => i);
  copyBytes(all.subarray(0, 40), 0, all.subarray(1, 41), 0, 20); // all[1..21) = old all[0..20)
  assert.equal(Array.from(all.subarray(0, 22)), [0, 0, ...Array.from({ length: 19 }, (_, i) => i + 1), 21]);
});

test('the cached whole-buffer view follows a change of ArrayBuffer', () => {
  for (let k = 0; k < 3; k++) {
    const all = Uint8Array.from({ length: 32 + k }, (_, i) => i + k);
    copyBytes(all.subarray(0, 8), 0, all.subarray(16), 0, 8);
    assert.equal(Array.from(all.subarray(16, 24)), Array.from({ length: 8 }, (_, i) => i + k));
  }
});

test('views of different buffers at odd offsets: the range and nothing around it', () => {
  const next = random(8);
  for (let round = 0; round < 500; round++) {
    const source = new Uint8Array(new ArrayBuffer(2100), 5, 2000).map((_, i) => i * 13 + round);
    const target = new Uint8Array(new ArrayBuffer(2100), 7, 2000);
    const length = Math.floor(next() * 1500);
    const sourceOffset = Math.floor(next() * (2000 - length));
    const targetOffset = Math.floor(next() * (2000 - length));
    copyBytes(source, sourceOffset, target, targetOffset, length);
    assert.equal(target.subarray(targetOffset, targetOffset + length), source.subarray(sourceOffset, sourceOffset + length));
    assert.is(target[targetOffset - 1] ?? 0, 0, 'nothing written before');
    assert.is(target[targetOffset + length] ?? 0, 0, 'nothing written after');
  }
});

test("long copies between buffers (the source's cached 4 KiB block views): every length and alignment around the blocks, the range and nothing around it", () => {
  const next = random(9);
  // One source buffer for every round, seen through views at odd offsets, so that later rounds reuse the
  // block views earlier ones made; its bytes change between rounds, which the views must show.
  const sourceBuffer = new ArrayBuffer(64 * 1024 + 300);
  for (let round = 0; round < 300; round++) {
    const viewOffset = Math.floor(next() * 200);
    const source = new Uint8Array(sourceBuffer, viewOffset, 64 * 1024).map((_, i) => (i * 29 + round * 7) & 0xff);
    const target = new Uint8Array(new ArrayBuffer(64 * 1024 + 64), 3, 64 * 1024);
    const length = round < 20 ? 8192 + round - 10 : 8192 + Math.floor(next() * (56 * 1024));
    const sourceOffset = Math.floor(next() * (64 * 1024 - length));
    const targetOffset = Math.floor(next() * (64 * 1024 - length));
    copyBytes(source, sourceOffset, target, targetOffset, length);
    assert.equal(target.subarray(targetOffset, targetOffset + length), source.subarray(sourceOffset, sourceOffset + length), `round ${round}`);
    assert.is(target[targetOffset - 1] ?? 0, 0, 'nothing written before');
    assert.is(target[targetOffset + length] ?? 0, 0, 'nothing written after');
  }
});

test('a long copy past either end throws a RangeError, as a plain copy would', () => {
  const source = new Uint8Array(20_000);
  const target = new Uint8Array(20_000);
  assert.throws(() => copyBytes(source, 12_000, target, 0, 10_000), RangeError);
  assert.throws(() => copyBytes(source, 0, target, 12_000, 10_000), RangeError);
});

test.run();
