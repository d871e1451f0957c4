// Byte ranges (buffer, offset, length) as the reprs hold payloads, and the one byte copier of the project
// (reprs, the ring buffers, the pcap writer, the fault injector). Copying between buffers without
// allocating: `target.set(source.subarray(...))` would create a view object per packet (about 100 bytes),
// and a byte-at-a-time loop runs at about 2 ns per byte in V8. So:
// - short copies are a plain loop;
// - copies inside one ArrayBuffer use copyWithin on a view of the whole buffer (a memmove, overlap
//   included, nothing allocated once the view is made);
// - a whole source array goes through TypedArray set (a memmove too, with no view to make);
// - long copies between two ArrayBuffers move the source's whole 4 KiB blocks with TypedArray set from
//   views of those blocks, each made the first time its block is read and kept beside the source's
//   ArrayBuffer (so a program that reuses its buffers, as devices, sockets and the examples do, allocates
//   nothing after the first copies: about 100 bytes of view per 4 KiB, 2.5 %, freed with the buffer);
//   measured on 64 KiB, ten times the four-byte loop;
// - the rest (the ends of a long copy, copies of 32 bytes to 8 KiB) moves four bytes a step through the
//   DataViews the runtime keeps per array (dataViewOf), little-endian, so that no byte swap is done.
//
// Four bytes a step, never eight as Float64, though that is faster: a double's bits survive a load and
// store only if the engine never quietens a signalling NaN, and Chromium's V8 does (bit 51 of such a group
// of random bytes was set in transit, so a 10 MiB transfer in the browser demo arrived with a different
// SHA-256). Node's V8 kept the bits, which is why test/wire/byte-ranges.test.ts checks every NaN class
// and test/browser checks the bytes in a page.

import { dataViewOf } from '../../generated/runtime.js';

// The view of the whole ArrayBuffer copyBytes last copied within (made again only when the buffer changes;
// it keeps that one buffer reachable). Measured (Node 20, 64 to 9000 bytes, a loaded machine): 1.1 to 1.4 times
// the time of `target.set(source.subarray(...))`, which handles overlap too but allocates a 96-byte view per
// copy, and 8 to 40 times faster than the Int32 loop for a frame or more; so a program with every buffer in one
// ArrayBuffer (LinkedPair's `allocate`, bench/iface's arena) copies at memmove speed with nothing allocated.
let wholeBuffer: ArrayBufferLike | null = null;
let whole: Uint8Array = new Uint8Array(0);

function wholeView(buffer: ArrayBufferLike): Uint8Array {
  if (buffer !== wholeBuffer) {
    wholeBuffer = buffer;
    whole = new Uint8Array(buffer);
  }
  return whole;
}

/** Bytes per cached view of a source buffer's block (see copyBytes). */
const BLOCK = 4096;

// Per source ArrayBuffer, the views of its blocks made so far (null: not yet); a WeakMap, so that the views
// go when their buffer goes.
const blockViews = new WeakMap<ArrayBufferLike, (Uint8Array | null)[]>();

function blocksOf(buffer: ArrayBufferLike): (Uint8Array | null)[] {
  let blocks = blockViews.get(buffer);
  if (blocks === undefined) {
    blocks = new Array<Uint8Array | null>(Math.floor(buffer.byteLength / BLOCK)).fill(null);
    blockViews.set(buffer, blocks);
  }
  return blocks;
}

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
    // Two views of one ArrayBuffer (a program that keeps all its buffers in one): copyWithin on a view
    // of the whole buffer is a memmove, overlap included, and allocates nothing once the view is made.
    const whole = wholeView(source.buffer);
    const from = source.byteOffset + sourceOffset;
    whole.copyWithin(target.byteOffset + targetOffset, from, from + length);
    return;
  }
  if (length < 32) {
    for (let i = 0; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
    return;
  }
  if (sourceOffset === 0 && length === source.length) {
    // The whole source (an application's chunk handed to send(), say): TypedArray set is a memmove and,
    // given the array itself, needs no view, so it allocates nothing.
    target.set(source, targetOffset);
    return;
  }
  // Ranges outside either array go to the loop, which reports them as a plain copy would (RangeError).
  if (length < 2 * BLOCK || !(sourceOffset >= 0 && sourceOffset + length <= source.length && targetOffset >= 0 && targetOffset + length <= target.length)) {
    copyWords(source, sourceOffset, target, targetOffset, length);
    return;
  }
  // The source's whole blocks between the ends, each with TypedArray set from its cached view.
  const blocks = blocksOf(source.buffer);
  const base = source.byteOffset;
  const start = base + sourceOffset;
  const end = start + length;
  let p = Math.ceil(start / BLOCK) * BLOCK;
  const head = p - start;
  if (head > 0) copyWords(source, sourceOffset, target, targetOffset, head);
  let q = targetOffset + head;
  for (; p + BLOCK <= end; p += BLOCK, q += BLOCK) {
    const k = p / BLOCK;
    let view = blocks[k];
    if (view === null || view === undefined) {
      // undefined: a growable buffer that grew since its array of views was made.
      view = new Uint8Array(source.buffer, p, BLOCK);
      blocks[k] = view;
    }
    target.set(view, q);
  }
  if (p < end) copyWords(source, p - base, target, q, end - p);
}

/** copyBytes between two ArrayBuffers, four bytes a step, little-endian (no byte swap on x86 or Arm). */
function copyWords(source: Uint8Array, sourceOffset: number, target: Uint8Array, targetOffset: number, length: number): void {
  const from = dataViewOf(source);
  const to = dataViewOf(target);
  let i = 0;
  // Four four-byte moves an iteration, from two positions computed once: the loop's own overhead is small.
  for (const last = length - 16; i <= last; i += 16) {
    const p = sourceOffset + i;
    const q = targetOffset + i;
    to.setInt32(q, from.getInt32(p, true), true);
    to.setInt32(q + 4, from.getInt32(p + 4, true), true);
    to.setInt32(q + 8, from.getInt32(p + 8, true), true);
    to.setInt32(q + 12, from.getInt32(p + 12, true), true);
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
