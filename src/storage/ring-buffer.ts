// PLACEHOLDER until the iface branch's ring buffer lands (same API); take theirs on merge.
// A byte ring buffer over storage given at construction.

export class RingBuffer {
  readonly storage: Uint8Array;
  private readAt = 0;
  private used = 0;

  constructor(storage: Uint8Array) {
    this.storage = storage;
  }

  get capacity(): number {
    return this.storage.length;
  }

  get length(): number {
    return this.used;
  }

  get window(): number {
    return this.storage.length - this.used;
  }

  isEmpty(): boolean {
    return this.used === 0;
  }

  isFull(): boolean {
    return this.used === this.storage.length;
  }

  clear(): void {
    this.readAt = 0;
    this.used = 0;
  }

  contiguousWriteOffset(): number {
    const cap = this.storage.length;
    if (cap === 0) return 0;
    return (this.readAt + this.used) % cap;
  }

  contiguousWriteLength(): number {
    const cap = this.storage.length;
    if (cap === 0) return 0;
    const at = (this.readAt + this.used) % cap;
    const free = cap - this.used;
    return Math.min(free, cap - at);
  }

  commitEnqueue(n: number): void {
    this.used += n;
  }

  contiguousReadOffset(): number {
    return this.readAt;
  }

  contiguousReadLength(): number {
    return Math.min(this.used, this.storage.length - this.readAt);
  }

  commitDequeue(n: number): void {
    this.dequeueAllocated(n);
  }

  enqueueSlice(src: Uint8Array, off: number, len: number): number {
    const n = this.writeUnallocated(0, src, off, len);
    this.used += n;
    return n;
  }

  dequeueSlice(dst: Uint8Array, off: number, len: number): number {
    const n = this.readAllocated(0, dst, off, len);
    this.dequeueAllocated(n);
    return n;
  }

  readAllocated(offset: number, dst: Uint8Array, dstOff: number, len: number): number {
    const cap = this.storage.length;
    let n = Math.min(len, this.used - offset);
    if (n <= 0) return 0;
    let at = (this.readAt + offset) % cap;
    const first = Math.min(n, cap - at);
    dst.set(this.storage.subarray(at, at + first), dstOff);
    if (first < n) dst.set(this.storage.subarray(0, n - first), dstOff + first);
    return n;
  }

  writeUnallocated(offset: number, src: Uint8Array, srcOff: number, len: number): number {
    const cap = this.storage.length;
    const n = Math.min(len, cap - this.used - offset);
    if (n <= 0) return 0;
    const at = (this.readAt + this.used + offset) % cap;
    const first = Math.min(n, cap - at);
    this.storage.set(src.subarray(srcOff, srcOff + first), at);
    if (first < n) this.storage.set(src.subarray(srcOff + first, srcOff + n), 0);
    return n;
  }

  enqueueUnallocated(n: number): void {
    this.used += n;
  }

  dequeueAllocated(n: number): void {
    const cap = this.storage.length;
    this.used -= n;
    this.readAt = this.used === 0 ? 0 : (this.readAt + n) % cap;
  }
}
