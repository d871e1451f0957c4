// A byte ring buffer of fixed capacity, as smoltcp's storage::RingBuffer<u8>: the socket buffers of
// UDP, ICMP, raw and TCP sockets sit on it. Bytes are queued at the write position (read position +
// length, modulo the capacity) and taken from the read position.
//
// Three ways in and out, none of which allocates:
// - copying: enqueueSlice/dequeueSlice move as much as fits or is queued, wrapping around;
// - zero-copy: contiguousWriteOffset/Length give the free run at the write position in `storage`, the
//   caller writes there and commitEnqueue(n); contiguousReadOffset/Length + commitDequeue(n) likewise;
// - random access for TCP: readAllocated reads queued bytes some way past the read position without
//   dequeuing them (retransmission), writeUnallocated writes into free space some way past the write
//   position without queuing it (out-of-order segments), enqueueUnallocated/dequeueAllocated then move
//   the positions.
//
// (A long copy out to another ArrayBuffer makes a view of each 4 KiB block of the storage the first time
// that block is copied, and keeps it: see copyBytes. Nothing after that.)
//
// The positions never jump behind the caller's back (smoltcp rewinds an empty ring to offset 0 on
// enqueue; that would lose bytes placed by writeUnallocated). clear() rewinds explicitly.

// The project's one byte copier: it lives beside the reprs but knows nothing of any protocol.
import { copyBytes } from '../wire/byte-ranges.js';
import { StorageError, checkCapacity } from './errors.js';

/** A byte ring of fixed capacity: copying, zero-copy and random-access calls, none of which allocates. */
export class RingBuffer {
  /** The bytes, owned by the buffer from construction on; zero-copy callers write and read here. */
  readonly storage: Uint8Array;
  /** Size of `storage` in bytes. */
  readonly capacity: number;
  private readAt = 0;
  private queued = 0;

  /** A buffer over `storage` (used as given, not copied) or over a new array of `storage` bytes. */
  constructor(storage: Uint8Array | number) {
    if (typeof storage === 'number') {
      checkCapacity('RingBuffer', storage);
      storage = new Uint8Array(storage);
    }
    this.storage = storage;
    this.capacity = storage.length;
  }

  /** Bytes queued. */
  get length(): number {
    return this.queued;
  }

  /** Free bytes: how many more can be enqueued. */
  get window(): number {
    return this.capacity - this.queued;
  }

  /** No byte is queued. */
  isEmpty(): boolean {
    return this.queued === 0;
  }

  /** No byte is free. */
  isFull(): boolean {
    return this.queued === this.capacity;
  }

  /** Drops everything queued and rewinds both positions to offset 0. */
  clear(): void {
    this.readAt = 0;
    this.queued = 0;
  }

  /** Offset in `storage` of the read position. */
  contiguousReadOffset(): number {
    return this.readAt;
  }

  /** Queued bytes from the read position up to the end of `storage` or of the queued data. */
  contiguousReadLength(): number {
    const toEnd = this.capacity - this.readAt;
    return this.queued < toEnd ? this.queued : toEnd;
  }

  /** Offset in `storage` of the write position (where the next enqueued byte goes). */
  contiguousWriteOffset(): number {
    return this.wrap(this.readAt + this.queued);
  }

  /** Free bytes from the write position up to the end of `storage` or the read position. */
  contiguousWriteLength(): number {
    if (this.queued === this.capacity) return 0;
    const writeAt = this.wrap(this.readAt + this.queued);
    return writeAt >= this.readAt ? this.capacity - writeAt : this.readAt - writeAt;
  }

  /** Queues `n` bytes written at contiguousWriteOffset(); `n` at most contiguousWriteLength(). */
  commitEnqueue(n: number): void {
    if (!(n >= 0 && n <= this.contiguousWriteLength())) {
      throw new StorageError(
        'ERR_STORAGE_OVERCOMMIT',
        `RingBuffer.commitEnqueue(${n}): only ${this.contiguousWriteLength()} contiguous bytes are free; commit at most contiguousWriteLength() bytes.`,
      );
    }
    this.queued += n;
  }

  /** Releases `n` bytes read at contiguousReadOffset(); `n` at most contiguousReadLength(). */
  commitDequeue(n: number): void {
    if (!(n >= 0 && n <= this.contiguousReadLength())) {
      throw new StorageError(
        'ERR_STORAGE_UNDERFLOW',
        `RingBuffer.commitDequeue(${n}): only ${this.contiguousReadLength()} contiguous bytes are queued; commit at most contiguousReadLength() bytes.`,
      );
    }
    this.advanceRead(n);
  }

  /** Copies up to `length` bytes of `src` from `offset` in, as many as fit; returns how many. */
  enqueueSlice(src: Uint8Array, offset: number, length: number): number {
    const n = this.writeAt(0, src, offset, length);
    this.queued += n;
    return n;
  }

  /** Copies up to `length` queued bytes out into `dst` at `offset` and dequeues them; returns how many. */
  dequeueSlice(dst: Uint8Array, offset: number, length: number): number {
    const n = this.readFrom(0, dst, offset, length);
    this.advanceRead(n);
    return n;
  }

  /**
   * Copies up to `length` queued bytes, starting `offset` bytes past the read position, into `dst` at
   * `dstOffset`, without dequeuing them; returns how many (0 when `offset` is at or past the end).
   */
  readAllocated(offset: number, dst: Uint8Array, dstOffset: number, length: number): number {
    return this.readFrom(offset, dst, dstOffset, length);
  }

  /**
   * Copies up to `length` bytes of `src` from `srcOffset` into the free space starting `offset` bytes
   * past the write position, without queuing them; returns how many fit (0 when `offset` is at or past
   * the window). enqueueUnallocated later makes them part of the queue.
   */
  writeUnallocated(offset: number, src: Uint8Array, srcOffset: number, length: number): number {
    return this.writeAt(offset, src, srcOffset, length);
  }

  /** Queues the `n` free bytes at the write position as they are (written by writeUnallocated). */
  enqueueUnallocated(n: number): void {
    if (!(n >= 0 && n <= this.capacity - this.queued)) {
      throw new StorageError(
        'ERR_STORAGE_OVERCOMMIT',
        `RingBuffer.enqueueUnallocated(${n}): only ${this.capacity - this.queued} bytes are free; enqueue at most window bytes.`,
      );
    }
    this.queued += n;
  }

  /** Drops the `n` oldest queued bytes (acknowledged data, for TCP). */
  dequeueAllocated(n: number): void {
    if (!(n >= 0 && n <= this.queued)) {
      throw new StorageError(
        'ERR_STORAGE_UNDERFLOW',
        `RingBuffer.dequeueAllocated(${n}): only ${this.queued} bytes are queued; dequeue at most length bytes.`,
      );
    }
    this.advanceRead(n);
  }

  private wrap(position: number): number {
    return position >= this.capacity ? position - this.capacity : position;
  }

  private advanceRead(n: number): void {
    this.readAt = this.wrap(this.readAt + n);
    this.queued -= n;
  }

  /** Copies into free space `offset` bytes past the write position, in at most two runs. */
  private writeAt(offset: number, src: Uint8Array, srcOffset: number, length: number): number {
    const room = this.capacity - this.queued - offset;
    if (!(offset >= 0) || !(room > 0) || !(length > 0)) return 0;
    const n = length < room ? length : room;
    const at = this.wrap(this.wrap(this.readAt + this.queued) + offset);
    const first = this.capacity - at < n ? this.capacity - at : n;
    copyBytes(src, srcOffset, this.storage, at, first);
    if (first < n) copyBytes(src, srcOffset + first, this.storage, 0, n - first);
    return n;
  }

  /** Copies queued bytes from `offset` past the read position, in at most two runs. */
  private readFrom(offset: number, dst: Uint8Array, dstOffset: number, length: number): number {
    const available = this.queued - offset;
    if (!(offset >= 0) || !(available > 0) || !(length > 0)) return 0;
    const n = length < available ? length : available;
    const at = this.wrap(this.readAt + offset);
    const first = this.capacity - at < n ? this.capacity - at : n;
    copyBytes(this.storage, at, dst, dstOffset, first);
    if (first < n) copyBytes(this.storage, 0, dst, dstOffset + first, n - first);
    return n;
  }
}
