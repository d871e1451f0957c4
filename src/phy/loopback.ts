// An in-memory device whose transmitted frames come back on receive, like smoltcp's Loopback, but
// bounded: a ring of `capacity` slots of `maxTransmissionUnit` bytes each, allocated once. Sending
// writes straight into the next free slot and receiving hands out a view of the oldest one, so a frame
// costs no allocation and no copy beyond what the caller writes.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import type { Instant } from '../time.js';

/** Options of a Loopback. */
export interface LoopbackOptions {
  /** Largest frame in bytes (slot size). Default 1514: an Ethernet frame without FCS. */
  maxTransmissionUnit?: number;
  /** How many frames may wait to be received. Default 64. */
  capacity?: number;
  /** Default: compute and verify every checksum, so corruption injected above is noticed. */
  checksum?: ChecksumCapabilities;
  /** How many frames the interface may send or receive in one poll; null (default) for no limit. */
  maxBurstSize?: number | null;
}

class LoopbackRxToken implements RxToken {
  constructor(private readonly device: Loopback) {}

  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return this.device.consumeHead(ctx, f);
  }
}

class LoopbackTxToken implements TxToken {
  constructor(private readonly device: Loopback) {}

  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    return this.device.enqueue(length, ctx, f);
  }
}

/**
 * An in-memory device whose sent frames come back on receive, oldest first (smoltcp's Loopback), with
 * room for `capacity` frames allocated once: a frame costs no allocation.
 */
export class Loopback implements Device {
  /** Largest frame in bytes. */
  readonly maxTransmissionUnit: number;
  /** How many frames may wait to be received. */
  readonly capacity: number;
  /** Frames sent while every slot was full (a reply from inside a receive); they were discarded. */
  overflows = 0;
  private readonly caps: DeviceCapabilities;
  /** All slots, back to back: slot i is slab[i * mtu, (i + 1) * mtu). The last slot is scratch. */
  private readonly slab: Uint8Array;
  private readonly lengths: Int32Array;
  private head = 0;
  private count = 0;
  /** Whether the frame at `head` was handed out by receive() and not yet consumed. */
  private rxArmed = false;
  private readonly rxToken: LoopbackRxToken;
  private readonly txToken: LoopbackTxToken;
  private readonly pair: RxPair;

  /** Allocates the ring; throws a RangeError if maxTransmissionUnit or capacity is not a positive integer. */
  constructor(options: LoopbackOptions = {}) {
    const mtu = options.maxTransmissionUnit ?? 1514;
    const capacity = options.capacity ?? 64;
    if (!Number.isInteger(mtu) || mtu < 1) throw new RangeError(`Loopback: maxTransmissionUnit must be a positive integer, got ${mtu}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Loopback: capacity must be a positive integer, got ${capacity}`);
    this.maxTransmissionUnit = mtu;
    this.capacity = capacity;
    this.caps = {
      medium: 'ethernet',
      maxTransmissionUnit: mtu,
      maxBurstSize: options.maxBurstSize ?? null,
      checksum: options.checksum ?? ChecksumCapabilities.default(),
    };
    this.slab = new Uint8Array(mtu * (capacity + 1));
    this.lengths = new Int32Array(capacity);
    this.rxToken = new LoopbackRxToken(this);
    this.txToken = new LoopbackTxToken(this);
    this.pair = { rx: this.rxToken, tx: this.txToken };
  }

  /** Ethernet frames of up to maxTransmissionUnit bytes, with the burst size and checksums of the options. */
  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** Frames waiting to be received. */
  get queued(): number {
    return this.count;
  }

  /** The oldest frame sent and not yet received, or null when there is none. */
  receive(_timestamp: Instant): RxPair | null {
    if (this.count === 0) return null;
    this.rxArmed = true;
    return this.pair;
  }

  /** A token that queues one frame, or null when `capacity` frames are already waiting. */
  transmit(_timestamp: Instant): TxToken | null {
    if (this.count === this.capacity) return null;
    return this.txToken;
  }

  /** @internal The receive token's body: show the oldest frame to `f`, then free its slot. */
  consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error('Loopback: an RxToken was consumed twice or without receive()');
    this.rxArmed = false;
    const slot = this.head;
    try {
      return f(ctx, this.slab, slot * this.maxTransmissionUnit, this.lengths[slot]);
    } finally {
      this.head = slot + 1 === this.capacity ? 0 : slot + 1;
      this.count--;
    }
  }

  /** @internal The transmit token's body: let `f` fill the next free slot and queue it. */
  enqueue<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`Loopback: frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    if (this.count === this.capacity) {
      // Only reachable through the reply token of a receive while the ring is full: the frame is
      // written to the scratch slot and lost, as a full transmit queue would lose it.
      this.overflows++;
      return f(ctx, this.slab, this.capacity * mtu, length);
    }
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    // Reserve before calling f, so a frame sent from inside f takes the next slot.
    this.lengths[slot] = length;
    this.count++;
    return f(ctx, this.slab, slot * mtu, length);
  }
}
