import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  checksumFold,
  checksumSum,
  combineSums,
  foldSum,
  internetChecksum,
  pseudoHeaderSum,
  updateChecksum16,
  updateChecksum32,
} from '../../src/wire/checksum.js';
import { fromHex } from './support/hex.js';

const test = suite('wire/checksum');

/** RFC 1071 by the book: 16-bit words, end-around carry after every addition, then complement. */
function reference(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return ~sum & 0xffff;
}

test('RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
  const bytes = fromHex('0001f203f4f5f6f7');
  assert.is(foldSum(checksumSum(bytes, 0, 8)), 0xddf2);
  assert.is(internetChecksum(bytes, 0, 8), ~0xddf2 & 0xffff);
});

test('an IPv4 header with its checksum sums to zero (the smoltcp vector)', () => {
  const header = fromHex('4500001e010262031a01d56e1112131421222324');
  assert.is(internetChecksum(header, 0, 20), 0);
  header[10] = 0;
  header[11] = 0;
  assert.is(internetChecksum(header, 0, 20), 0xd56e);
});

test('checksum equals the by-the-book reference for random data (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      assert.is(internetChecksum(bytes, 0, bytes.length), reference(bytes));
    }),
  );
});

test('long ranges (the eight-byte little-endian path): the reference at every offset and length, with all-zero, all-ones and summing-to-0xffff data', () => {
  // checksumSum takes a wide path from 256 bytes on; its residue must equal the word-by-word sum's, including
  // the cases where the residue is 0 modulo 0xffff (the header of a correct packet, all ones) but the data is not zero.
  const lengths = [256, 257, 263, 264, 1448, 1449, 9000, 65535, 65536];
  for (const length of lengths) {
    for (const offset of [0, 1, 3]) {
      const buffer = new Uint8Array(offset + length);
      const data = buffer.subarray(offset);
      assert.is(internetChecksum(buffer, offset, length), reference(data), `zeros ${length} at ${offset}`);
      data.fill(0xff);
      assert.is(internetChecksum(buffer, offset, length), reference(data), `ones ${length} at ${offset}`);
      for (let i = 0; i < length; i++) data[i] = (i * 131 + length) & 0xff;
      assert.is(internetChecksum(buffer, offset, length), reference(data), `pattern ${length} at ${offset}`);
      // Put the checksum in the first two bytes: the whole then sums to 0xffff (verifies as 0).
      data[0] = 0;
      data[1] = 0;
      const field = reference(data);
      data[0] = field >>> 8;
      data[1] = field & 0xff;
      assert.is(internetChecksum(buffer, offset, length), 0, `verifies ${length} at ${offset}`);
    }
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 256, maxLength: 4000 }), fc.nat(0xffff), (bytes, initial) =>
      checksumFold(checksumSum(bytes, 0, bytes.length, initial)) === checksumFold(checksumSum(bytes.subarray(0, 200), 0, 200, initial) + checksumSum(bytes, 200, bytes.length - 200)),
    ),
  );
});

test('combineSums: split anywhere, even or odd, gives the same checksum (RFC 1071 section 2)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.nat(), (bytes, cut) => {
      const at = cut % (bytes.length + 1);
      const first = checksumSum(bytes, 0, at);
      const second = checksumSum(bytes, at, bytes.length - at);
      const whole = combineSums(first, second, (at & 1) === 1);
      assert.is(checksumFold(whole), reference(bytes));
    }),
  );
});

test('pseudo-header sum matches the pseudo-header laid out as bytes (RFC 768)', () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 255 }), fc.nat({ max: 0xffff }), (src, dst, proto, len) => {
      const bytes = new Uint8Array(12);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, src);
      view.setUint32(4, dst);
      view.setUint8(9, proto);
      view.setUint16(10, len);
      assert.is(checksumFold(pseudoHeaderSum(src, dst, proto, len)), reference(bytes));
    }),
  );
});

test('updateChecksum16/32 agree with recomputing from scratch (RFC 1624)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), fc.nat(), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff_ffff }), (data, where, word, value) => {
      const bytes = data.length % 2 === 0 ? data : data.subarray(0, data.length - 1);
      if (bytes.every((b) => b === 0)) bytes[0] = 1; // all-zero data is the one case with two encodings of zero
      const before = internetChecksum(bytes, 0, bytes.length);
      const at = (where % (bytes.length / 2)) * 2;
      const old16 = (bytes[at]! << 8) | bytes[at + 1]!;
      bytes[at] = word >>> 8;
      bytes[at + 1] = word & 0xff;
      if (!bytes.every((b) => b === 0)) {
        assert.is(updateChecksum16(before, old16, word), internetChecksum(bytes, 0, bytes.length));
      }
      if (bytes.length >= 8 && !bytes.every((b) => b === 0)) {
        const before32 = internetChecksum(bytes, 0, bytes.length);
        const at32 = at >= bytes.length - 2 ? 0 : at; // keep the 32-bit field word-aligned and inside
        const old32 = ((bytes[at32]! << 24) | (bytes[at32 + 1]! << 16) | (bytes[at32 + 2]! << 8) | bytes[at32 + 3]!) >>> 0;
        new DataView(bytes.buffer, bytes.byteOffset).setUint32(at32, value);
        if (!bytes.every((b) => b === 0)) {
          assert.is(updateChecksum32(before32, old32, value), internetChecksum(bytes, 0, bytes.length));
        }
      }
    }),
  );
});

test('RFC 1624 section 4 example: a header word 0x5555 becoming 0x3285 under checksum 0xdd2f', () => {
  // "HC = 0xDD2F, m = 0x5555, m' = 0x3285 ... HC' = 0x0000" per eqn. 3.
  assert.is(updateChecksum16(0xdd2f, 0x5555, 0x3285), 0x0000);
});

test('foldSum handles sums wider than 32 bits', () => {
  assert.is(foldSum(0x1_0000_0000), 1);
  assert.is(foldSum(0xffff), 0xffff);
  assert.is(foldSum(0x1_ffff), 1);
});

test.run();
