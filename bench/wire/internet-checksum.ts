// A hand-written Internet checksum (RFC 1071) used by the corpus builder and by the DataView
// decoder, independent of generated/runtime.ts so that the benchmark's upper bound and the frames'
// correctness do not depend on the code under test.

/**
 * Ones-complement sum of bytes[offset, offset+length) read as big-endian 16-bit words, plus
 * `initial`, not folded. A trailing odd byte is padded with zero (RFC 1071 section 4.1).
 * The accumulator is a double: 64 KiB of words sums to < 2^32, far below 2^53, so no carry is lost.
 */
export function sumWords(view: DataView, offset: number, length: number, initial: number): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  // Four bytes per step: adding the two halves of a 32-bit read is the same as adding two words.
  const end4 = end - 3;
  for (; i < end4; i += 4) {
    const word = view.getUint32(i);
    sum += (word >>> 16) + (word & 0xffff);
  }
  if (i + 1 < end) {
    sum += view.getUint16(i);
    i += 2;
  }
  if (i < end) sum += view.getUint8(i) << 8;
  return sum;
}

/** Folds a sum to 16 bits with end-around carry and complements it (RFC 1071 section 4.1). */
export function foldComplement(sum: number): number {
  // Two 16-bit folds suffice for sums below 2^32; the first one is done in double arithmetic
  // because the sum may be >= 2^31 and `& 0xffff` on it is still exact (ToInt32 keeps low bits).
  let folded = (sum & 0xffff) + Math.floor(sum / 0x10000);
  folded = (folded & 0xffff) + (folded >>> 16);
  folded = (folded & 0xffff) + (folded >>> 16);
  return ~folded & 0xffff;
}

/** Sum of the IPv4 pseudo-header (RFC 9293 section 3.1, RFC 768) for `src`/`dst` as u32 numbers. */
export function pseudoHeaderWords(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
