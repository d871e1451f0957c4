// Internal to the reprs: moving 48-bit MAC addresses between numbers and bytes without a double ever
// crossing a function call. A double passed to, or returned from, a function V8 does not inline is boxed
// (one allocation per call, STYLE.md), so addresses travel as a 16-bit and a 32-bit integer part.

/** Twelve bytes where a parse or an emit stages two addresses (they run one at a time, never nested). */
export const MAC_SCRATCH = new Uint8Array(12);

/**
 * Writes an address given as its top 16 bits and low 32 bits; the caller splits the double in place:
 * `writeMacParts(Math.floor(mac / 2 ** 32), mac % 2 ** 32 | 0, out, at)`.
 */
export function writeMacParts(high16: number, low32: number, out: Uint8Array, at: number): void {
  out[at] = high16 >>> 8;
  out[at + 1] = high16;
  out[at + 2] = low32 >>> 24;
  out[at + 3] = low32 >>> 16;
  out[at + 4] = low32 >>> 8;
  out[at + 5] = low32;
}

/** The top 16 bits of the address in `bytes[at, at + 6)`, a small integer. */
export function macHigh16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** The low 32 bits of the address in `bytes[at, at + 6)` as an int32: `>>> 0` it where it is consumed. */
export function macLow32(bytes: Uint8Array, at: number): number {
  return (bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!;
}
