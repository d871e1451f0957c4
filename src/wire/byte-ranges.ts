// Byte ranges (buffer, offset, length) as the reprs hold payloads. Copying between buffers without allocating: `target.set(source.subarray(...))` would create a
// view object per packet, so copies are a plain loop (or copyWithin inside one buffer, which allocates
// nothing and handles overlap).

// The view of the whole ArrayBuffer copyBytes last copied within (made again only when the buffer changes).
let wholeBuffer: ArrayBufferLike | null = null;
let whole: Uint8Array = new Uint8Array(0);

function wholeView(buffer: ArrayBufferLike): Uint8Array {
  if (buffer !== wholeBuffer) {
    wholeBuffer = buffer;
    whole = new Uint8Array(buffer);
  }
  return whole;
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
  for (let i = 0; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
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
