// An in-memory device whose transmitted frames come back on receive, like smoltcp's Loopback, but
// bounded: a PacketBuffer (src/storage) of `capacity` frames, allocated once. Sending writes straight
// into the frame reserved in the packet buffer and receiving hands out its bytes in place, so a frame
// costs no allocation and no copy beyond what the caller writes.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import type { Instant } from '../time.js';
import { PacketBuffer } from '../storage/packet-buffer.js';

export interface LoopbackOptions {
  /** Largest frame in bytes (slot size). Default 1514: an Ethernet frame without FCS. */
  maxTransmissionUnit?: number;
  /** How many frames may wait to be received. Default 64. */
  capacity?: number;
  /** Default: compute and verify every checksum, so corruption injected above is noticed. */
  checksum?: ChecksumCapabilities;
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

export class Loopback implements Device {
  readonly maxTransmissionUnit: number;
  readonly capacity: number;
  /** Frames sent while every slot was full (a reply from inside a receive); they were discarded. */
  overflows = 0;
  private readonly caps: DeviceCapabilities;
  /**
   * The queued frames. Its payload storage holds capacity + 2 frames of the MTU: with at most one
   * padding run (less than an MTU) before the end of storage, a frame of the MTU always fits while
   * fewer than `capacity` frames are queued.
   */
  private readonly frames: PacketBuffer;
  /** Where a frame sent while every slot is full is written, then lost. */
  private readonly scratch: Uint8Array;
  /** Whether the frame at `head` was handed out by receive() and not yet consumed. */
  private rxArmed = false;
  private readonly rxToken: LoopbackRxToken;
  private readonly txToken: LoopbackTxToken;
  private readonly pair: RxPair;

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
    this.frames = new PacketBuffer({ packets: capacity, payload: mtu * (capacity + 2) });
    this.scratch = new Uint8Array(mtu);
    this.rxToken = new LoopbackRxToken(this);
    this.txToken = new LoopbackTxToken(this);
    this.pair = { rx: this.rxToken, tx: this.txToken };
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** Frames waiting to be received. */
  get queued(): number {
    return this.frames.length;
  }

  receive(_timestamp: Instant): RxPair | null {
    if (this.frames.isEmpty()) return null;
    this.rxArmed = true;
    return this.pair;
  }

  transmit(_timestamp: Instant): TxToken | null {
    if (this.frames.isFull()) return null;
    return this.txToken;
  }

  /** @internal The receive token's body: show the oldest frame to `f`, then free its slot. */
  consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error('Loopback: an RxToken was consumed twice or without receive()');
    this.rxArmed = false;
    const frames = this.frames;
    const length = frames.headLength();
    const offset = frames.headOffset();
    // Released after f returns, so a reply sent from inside f cannot take these bytes.
    try {
      return f(ctx, frames.payload.storage, offset, length);
    } finally {
      frames.dequeue();
    }
  }

  /** @internal The transmit token's body: let `f` fill the next free slot and queue it. */
  enqueue<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`Loopback: frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    // Reserve before calling f, so a frame sent from inside f takes the next one.
    const offset = this.frames.enqueue(length);
    if (offset < 0) {
      // Only reachable through the reply token of a receive while the ring is full: the frame is
      // written to scratch and lost, as a full transmit queue would lose it.
      this.overflows++;
      return f(ctx, this.scratch, 0, length);
    }
    return f(ctx, this.frames.payload.storage, offset, length);
  }
}
