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

test('float-like bit patterns (NaN payloads) are copied unchanged', () => {
  const source = new Uint8Array(64).fill(0xff);
  source[7] = 0x7f;
  const target = new Uint8Array(64);
  copyBytes(source, 0, target, 0, 64);
  assert.equal(target, source);
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

test.run();
