// A queue of packets over two fixed rings, as smoltcp's storage::PacketBuffer: a metadata ring (one slot
// per packet: its size and a few int32 words its owner defines, e.g. a UDP socket's remote address and
// port) and a payload RingBuffer. A packet's bytes are always contiguous in the payload storage, so it
// can be handed out as (offset, length) and parsed or written in place: when a packet does not fit
// between the write position and the end of the storage, that tail is queued as padding (a slot of its
// own that dequeue skips) and the packet starts at offset 0.
//
// Nothing is allocated after construction: sizes and metadata live in typed arrays.

import { copyBytes } from '../wire/byte-ranges.js';
import { RingBuffer } from './ring-buffer.js';
import { StorageError, checkCapacity } from './errors.js';

export interface PacketBufferOptions {
  /** How many packets may be queued at once (the metadata ring's capacity; one more slot is kept for padding). */
  packets: number;
  /** The payload storage (used as given) or its size in bytes. */
  payload: Uint8Array | number;
  /** int32 words of metadata per packet, defined by the owner (0: none). */
  metadataWords?: number;
}

export class PacketBuffer {
  /** How many packets may be queued at once. */
  readonly packetCapacity: number;
  /** The payload ring; packets are `payload.storage[offset, offset + length)`. */
  readonly payload: RingBuffer;
  /** Words of metadata per packet. */
  readonly metadataWords: number;
  /**
   * The metadata of every slot, `metadataWords` int32 words per slot: slot s owns
   * `metadata[s * metadataWords, (s + 1) * metadataWords)`. Store u32 values as `value | 0` and read
   * them back with `>>> 0`.
   */
  readonly metadata: Int32Array;
  /** Slots: packets plus at most one padding entry (the queued bytes cross the end of storage once). */
  private readonly slots: number;
  /** Per slot: the packet's size in bytes, or -(padding size) - 1 for padding. */
  private readonly sizes: Int32Array;
  private head = 0;
  /** Slots in use, padding included. */
  private used = 0;
  /** Packets queued, padding excluded. */
  private packets = 0;

  constructor(options: PacketBufferOptions) {
    checkCapacity('PacketBuffer packets', options.packets);
    const words = options.metadataWords ?? 0;
    checkCapacity('PacketBuffer metadataWords', words);
    this.packetCapacity = options.packets;
    this.payload = new RingBuffer(options.payload);
    this.metadataWords = words;
    this.slots = options.packets + 1;
    this.sizes = new Int32Array(this.slots);
    this.metadata = new Int32Array(this.slots * words);
  }

  /** Packets queued. */
  get length(): number {
    return this.packets;
  }

  /** Payload bytes the whole storage holds: no packet can be larger. */
  get payloadCapacity(): number {
    return this.payload.capacity;
  }

  isEmpty(): boolean {
    return this.packets === 0;
  }

  /** No packet slot is free (payload room aside). */
  isFull(): boolean {
    return this.packets === this.packetCapacity;
  }

  /** Drops every packet. */
  clear(): void {
    this.head = 0;
    this.used = 0;
    this.packets = 0;
    this.payload.clear();
  }

  /** Whether a packet of `size` bytes can be enqueued now. */
  canEnqueue(size: number): boolean {
    return this.placement(size) >= 0;
  }

  /**
   * Reserves a packet of `size` bytes and returns the offset in `payload.storage` where its bytes go
   * (write them before dequeuing it), or -1 when there is no room now. The new packet's metadata slot
   * is `lastSlot()`. A size larger than payloadCapacity never fits: check with payloadCapacity first.
   */
  enqueue(size: number): number {
    const padding = this.placement(size);
    if (padding < 0) return -1;
    if (this.packets === 0) {
      // Empty: start both rings over, so the packet gets the longest contiguous run.
      this.head = 0;
      this.used = 0;
      this.payload.clear();
    } else if (padding > 0) {
      this.sizes[this.slotAt(this.used)] = -padding - 1;
      this.used++;
      this.payload.enqueueUnallocated(padding);
    }
    const offset = this.payload.contiguousWriteOffset();
    this.sizes[this.slotAt(this.used)] = size;
    this.used++;
    this.packets++;
    this.payload.enqueueUnallocated(size);
    return size === 0 ? 0 : offset;
  }

  /** Copies `src[offset, offset + length)` in as one packet; its metadata slot, or -1 when there is no room. */
  enqueueSlice(src: Uint8Array, offset: number, length: number): number {
    const at = this.enqueue(length);
    if (at < 0) return -1;
    copyBytes(src, offset, this.payload.storage, at, length);
    return this.lastSlot();
  }

  /** The metadata slot of the packet enqueued last (index into `metadata` by `* metadataWords`). */
  lastSlot(): number {
    return this.slotAt(this.used - 1);
  }

  /** The metadata slot of the oldest packet, or -1 when empty. */
  headSlot(): number {
    if (this.packets === 0) return -1;
    this.skipPadding();
    return this.head;
  }

  /** Offset in `payload.storage` of the oldest packet's bytes (call when not empty). */
  headOffset(): number {
    this.skipPadding();
    return this.payload.contiguousReadOffset();
  }

  /** Size of the oldest packet, or -1 when empty. */
  headLength(): number {
    if (this.packets === 0) return -1;
    this.skipPadding();
    return this.sizes[this.head];
  }

  /** Removes the oldest packet. */
  dequeue(): void {
    if (this.packets === 0) {
      throw new StorageError('ERR_STORAGE_PACKET', 'PacketBuffer.dequeue: the buffer is empty; check isEmpty() before dequeuing.');
    }
    this.skipPadding();
    this.payload.dequeueAllocated(this.sizes[this.head]);
    this.releaseHead();
    this.packets--;
  }

  /**
   * Copies the oldest packet into `dst` at `offset` (at most `length` bytes) and removes it. Returns the
   * packet's size, which is more than was copied when `dst` was too short; -1 when empty.
   */
  dequeueInto(dst: Uint8Array, offset: number, length: number): number {
    const size = this.peekInto(dst, offset, length);
    if (size >= 0) this.dequeue();
    return size;
  }

  /** Like dequeueInto, without removing the packet. */
  peekInto(dst: Uint8Array, offset: number, length: number): number {
    const size = this.headLength();
    if (size < 0) return -1;
    const at = this.payload.contiguousReadOffset();
    const n = size < length ? size : length;
    copyBytes(this.payload.storage, at, dst, offset, n);
    return size;
  }

  private slotAt(index: number): number {
    const slot = this.head + index;
    return slot >= this.slots ? slot - this.slots : slot;
  }

  private releaseHead(): void {
    this.head = this.head + 1 === this.slots ? 0 : this.head + 1;
    this.used--;
  }

  private skipPadding(): void {
    const size = this.sizes[this.head];
    if (size < 0 && this.used > 0) {
      this.payload.dequeueAllocated(-size - 1);
      this.releaseHead();
    }
  }

  /** Padding needed before a packet of `size` bytes (0 or more), or -1 when it cannot be placed now. */
  private placement(size: number): number {
    if (!(size >= 0) || size > this.payload.capacity || this.packets === this.packetCapacity) return -1;
    if (this.packets === 0) return 0;
    const ring = this.payload;
    const run = ring.contiguousWriteLength();
    if (size <= run) return 0;
    // The run ends at the end of storage (not at the read position): pad it, start again at 0, where
    // the free run goes up to the read position. One padding entry at a time: the queued bytes cross
    // the end of storage at most once.
    const writeAt = ring.contiguousWriteOffset();
    if (writeAt + run !== ring.capacity || this.used === this.slots) return -1;
    return size <= ring.window - run && size <= ring.contiguousReadOffset() ? run : -1;
  }
}
