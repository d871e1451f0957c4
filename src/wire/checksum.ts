// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit words.
// The generated runtime holds the primitives every view uses; this module re-exports them and adds
// what header rewriting and scattered buffers need: combining partial sums (RFC 1071 §2) and updating
// a checksum incrementally when one field changes (RFC 1624).
//
// Vocabulary: a *sum* is an accumulator as checksumSum returns it (not folded, not complemented); a
// *checksum* is the 16-bit value that goes on the wire (checksumFold of a sum).

import { checksumFold, checksumSum, pseudoHeaderSum } from '../../generated/runtime.js';

export { checksumFold, checksumSum, pseudoHeaderSum };

/**
 * Folds a sum to 16 bits with end-around carry, without complementing it: checksumFold's value before
 * its complement (0 stays 0, a non-zero multiple of 0xffff folds to 0xffff). One fold, the runtime's.
 */
export function foldSum(sum: number): number {
  return 0xffff - checksumFold(sum);
}

/**
 * Combines the sums of two blocks into the sum of both, as RFC 1071 §2 (B) allows because the ones'
 * complement sum is associative. `secondStartsOdd` says the second block starts at an odd byte offset
 * of the whole, in which case its sum is byte-swapped (§2 (B), "byte order independence").
 */
export function combineSums(first: number, second: number, secondStartsOdd = false): number {
  let b = foldSum(second);
  if (secondStartsOdd) b = ((b & 0xff) << 8) | (b >>> 8);
  return foldSum(foldSum(first) + b);
}

/** The checksum of `bytes[offset, offset + length)` alone (RFC 1071), ready for the wire. */
export function internetChecksum(bytes: Uint8Array, offset: number, length: number): number {
  return checksumFold(checksumSum(bytes, offset, length, 0));
}

/**
 * Updates a checksum after a 16-bit word changed from `oldWord` to `newWord`, without reading the rest
 * of the data: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'). Unlike RFC 1141's formula it agrees with a
 * computation from scratch in the corner case where that one yields 0xffff instead of 0x0000 (RFC 1624 §3).
 */
export function updateChecksum16(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** updateChecksum16 for a 32-bit field (an IPv4 address, a sequence number), as two 16-bit words. */
export function updateChecksum32(checksum: number, oldValue: number, newValue: number): number {
  const sum =
    (~checksum & 0xffff) +
    (~(oldValue >>> 16) & 0xffff) +
    (~oldValue & 0xffff) +
    ((newValue >>> 16) & 0xffff) +
    (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/**
 * Sum of the IPv6 pseudo-header (RFC 8200 section 8.1): source address, destination address (the final
 * one when a Routing header is present), upper-layer packet length and next header value, the addresses
 * read in place at src[srcAt, srcAt + 16) and dst[dstAt, dstAt + 16). Pass it as `initial` to checksumSum.
 */
export function ipv6PseudoHeaderSum(src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number, protocol: number, length: number): number {
  let sum = protocol + (length >>> 16) + (length & 0xffff);
  for (let i = 0; i < 16; i += 2) sum += ((src[srcAt + i]! << 8) | src[srcAt + i + 1]!) + ((dst[dstAt + i]! << 8) | dst[dstAt + i + 1]!);
  return sum;
}
