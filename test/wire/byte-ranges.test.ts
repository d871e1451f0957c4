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

test.run();
