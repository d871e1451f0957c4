// Copies bytes between two Uint8Arrays without allocating. `dst.set(src.subarray(...))` allocates a
// view per call (about 100 bytes), and a byte-at-a-time loop runs at about 2 ns per byte in V8; this
// moves four bytes per step through DataViews that are cached per array (devices and writers reuse
// their buffers, so the views are made once). Int32 rather than Float64 moves: a NaN payload could be
// changed by a float round trip. Two views of one ArrayBuffer (a program that keeps its buffers in one,
// see LinkedPair's `allocate`) are copied with copyWithin on a cached view of the whole buffer: a memmove,
// about ten times faster than any loop here, overlap included, and nothing allocated per copy.

export class ByteCopier {
  private src: Uint8Array | null = null;
  private srcView: DataView | null = null;
  private dst: Uint8Array | null = null;
  private dstView: DataView | null = null;
  private wholeBuffer: ArrayBufferLike | null = null;
  private whole: Uint8Array | null = null;

  copy(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcOffset: number, length: number): void {
    if (src.buffer === dst.buffer) {
      const buffer = src.buffer;
      if (buffer !== this.wholeBuffer) {
        this.wholeBuffer = buffer;
        this.whole = new Uint8Array(buffer);
      }
      const from = src.byteOffset + srcOffset;
      this.whole!.copyWithin(dst.byteOffset + dstOffset, from, from + length);
      return;
    }
    if (length < 32) {
      for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i];
      return;
    }
    if (src !== this.src) {
      this.src = src;
      this.srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
    }
    if (dst !== this.dst) {
      this.dst = dst;
      this.dstView = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    }
    const from = this.srcView!;
    const to = this.dstView!;
    let i = 0;
    for (const last = length - 4; i <= last; i += 4) to.setInt32(dstOffset + i, from.getInt32(srcOffset + i, true), true);
    for (; i < length; i++) dst[dstOffset + i] = src[srcOffset + i];
  }
}
