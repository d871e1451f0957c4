// Byte ranges (buffer, offset, length) as the reprs hold payloads, and the one byte copier of the project
// (reprs, the pcap writer, the fault injector). Copying between buffers without allocating:
// `target.set(source.subarray(...))` would create a view object per packet (about 100 bytes), and a
// byte-at-a-time loop runs at about 2 ns per byte in V8; so short copies are a plain loop, longer ones move
// four bytes per step through the DataViews the runtime keeps per array (dataViewOf: made once per buffer,
// and devices, writers and reprs reuse their buffers), and copies inside one buffer use copyWithin, which
// allocates nothing and handles overlap. Int32 rather than Float64 moves: a NaN payload could be changed by
// a float round trip.

import { dataViewOf } from '../../generated/runtime.js';

/** Copies `source[sourceOffset, +length)` to `target[targetOffset, ...)`; a no-op when both are the same bytes. */
export function copyBytes(
  source: Uint8Array,
  sourceOffset: number,
  target: Uint8Array,
  targetOffset: number,
  length: number,
): void {
  if (source === target) {
    if (sourceOffset !== targetOffset) target.copyWithin(targetOffset, sourceOffset, sourceOffset + length);
    return;
  }
  if (source.buffer === target.buffer) {
    // Two views of one ArrayBuffer may overlap: let the engine handle it. This allocates one view, but
    // only in this unusual case.
    target.set(source.subarray(sourceOffset, sourceOffset + length), targetOffset);
    return;
  }
  if (length < 32) {
    for (let i = 0; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
    return;
  }
  const from = dataViewOf(source);
  const to = dataViewOf(target);
  let i = 0;
  // Four words an iteration: the loop's own overhead halves (1448-byte copies 1.4-1.6 -> 1.8-3.4 GB/s).
  for (const last = length - 16; i <= last; i += 16) {
    to.setInt32(targetOffset + i, from.getInt32(sourceOffset + i, true), true);
    to.setInt32(targetOffset + i + 4, from.getInt32(sourceOffset + i + 4, true), true);
    to.setInt32(targetOffset + i + 8, from.getInt32(sourceOffset + i + 8, true), true);
    to.setInt32(targetOffset + i + 12, from.getInt32(sourceOffset + i + 12, true), true);
  }
  for (const last = length - 4; i <= last; i += 4) to.setInt32(targetOffset + i, from.getInt32(sourceOffset + i, true), true);
  for (; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
}

/** Whether two byte ranges hold the same bytes (a null buffer counts as unknown contents: equal only to itself). */
export function sameBytes(
  a: Uint8Array | null,
  aOffset: number,
  aLength: number,
  b: Uint8Array | null,
  bOffset: number,
  bLength: number,
): boolean {
  if (aLength !== bLength) return false;
  if (a === null || b === null) return a === b && aOffset === bOffset;
  for (let i = 0; i < aLength; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/**
 * Throws when a view given to emit claims bytes its buffer does not have: writes there would vanish
 * silently (a Uint8Array ignores out-of-range stores), which is a caller bug worth a clear message.
 */
export function requireViewInBuffer(view: { bytes: Uint8Array; offset: number; length: number }, what: string): void {
  if (view.offset < 0 || view.offset + view.length > view.bytes.length) {
    throw new RangeError(
      `the ${what} view given to emit covers bytes ${view.offset} to ${view.offset + view.length}, but its buffer has ${view.bytes.length}`,
    );
  }
}

/**
 * The repr contract's one rule for emit (see src/wire/index.ts): the view must lie in its buffer and
 * hold at least `needed` (the repr's bufferLength()) bytes. A shorter view is a caller bug: RangeError.
 */
export function requireEmitRoom(view: { bytes: Uint8Array; offset: number; length: number }, needed: number, what: string): void {
  requireViewInBuffer(view, what);
  if (view.length < needed) {
    throw new RangeError(`this ${what} repr emits ${needed} bytes (its bufferLength()), but the view given to emit has ${view.length}`);
  }
}
