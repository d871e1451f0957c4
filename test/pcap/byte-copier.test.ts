// ByteCopier and copyBytes agree with a plain reference copy for views of different buffers and of one
// buffer (the copyWithin path), at any byte offsets, overlapping in either direction, short and long.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteCopier } from '../../src/pcap/byte-copier.js';
import { copyBytes } from '../../src/wire/byte-ranges.js';

const test = suite('pcap/byte-copier');

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Copy = (dst: Uint8Array, dstOffset: number, src: Uint8Array, srcOffset: number, length: number) => void;
const copier = new ByteCopier();
const copies: [string, Copy][] = [
  ['ByteCopier', (d, dO, s, sO, n) => copier.copy(d, dO, s, sO, n)],
  ['copyBytes', (d, dO, s, sO, n) => copyBytes(s, sO, d, dO, n)],
];

for (const [name, copy] of copies) {
  test(`${name}: views of one buffer, overlapping either way, at any offsets`, () => {
    const next = random(name.length);
    const buffer = new ArrayBuffer(4096);
    const all = new Uint8Array(buffer);
    for (let round = 0; round < 2000; round++) {
      for (let i = 0; i < all.length; i++) all[i] = (i * 7 + round) & 0xff;
      // Two views at odd byte offsets into the same buffer.
      const a = new Uint8Array(buffer, 1 + Math.floor(next() * 100), 1500);
      const b = new Uint8Array(buffer, 3 + Math.floor(next() * 2000), 1500);
      const length = Math.floor(next() * 600);
      const srcOffset = Math.floor(next() * (1500 - length));
      const dstOffset = Math.floor(next() * (1500 - length));
      const [src, dst] = next() < 0.5 ? [a, b] : [b, a];
      const expected = all.slice();
      const from = src.byteOffset + srcOffset;
      expected.set(all.slice(from, from + length), dst.byteOffset + dstOffset);
      copy(dst, dstOffset, src, srcOffset, length);
      assert.equal(all, expected, `round ${round}: ${length} bytes from ${from} to ${dst.byteOffset + dstOffset}`);
    }
  });

  test(`${name}: a short copy one byte forward within one buffer is a memmove`, () => {
    const all = Uint8Array.from({ length: 64 }, (_, i) => i);
    const a = all.subarray(0, 40);
    const b = all.subarray(1, 41);
    copy(b, 0, a, 0, 20); // all[1..21) = old all[0..20)
    assert.equal(Array.from(all.subarray(0, 22)), [0, 0, ...Array.from({ length: 19 }, (_, i) => i + 1), 21]);
  });

  test(`${name}: views of different buffers`, () => {
    const next = random(name.length + 1);
    for (let round = 0; round < 500; round++) {
      const src = new Uint8Array(new ArrayBuffer(2100), 5, 2000).map((_, i) => i * 13 + round);
      const dst = new Uint8Array(new ArrayBuffer(2100), 7, 2000);
      const length = Math.floor(next() * 1500);
      const srcOffset = Math.floor(next() * (2000 - length));
      const dstOffset = Math.floor(next() * (2000 - length));
      copy(dst, dstOffset, src, srcOffset, length);
      assert.equal(dst.subarray(dstOffset, dstOffset + length), src.subarray(srcOffset, srcOffset + length));
      assert.is(dst[dstOffset - 1] ?? 0, 0, 'nothing written before');
      assert.is(dst[dstOffset + length] ?? 0, 0, 'nothing written after');
    }
  });
}

test.run();
