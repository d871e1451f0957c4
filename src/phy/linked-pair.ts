// Two in-memory Ethernet devices joined like the ends of a veth: what one transmits, the other
// receives, in order. For two interfaces in one process (tests, benchmarks). Each direction is a
// PacketBuffer (src/storage) of `capacity` frames allocated once; a frame is written straight into the
// peer's queue and read from there in place, so a frame costs no allocation and no copy beyond what the
// caller writes. To lose, corrupt or delay frames, wrap either end in a FaultInjector.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';

export interface LinkedPairOptions {
  /** Largest frame in bytes, link header included. Default 1514 (an Ethernet MTU of 1500). */
  maxTransmissionUnit?: number;
  /** Frames that may wait in each direction; a transmit beyond it finds no token. Default 64. */
  capacity?: number;
  /**
   * Checksums per end. Default: compute and verify all, so that corruption injected by a FaultInjector
   * is noticed; `ChecksumCapabilities.ignored()` makes the link behave like an offloading NIC.
   */
  checksum?: ChecksumCapabilities;
  maxBurstSize?: number | null;
}

class LinkedRxToken implements RxToken {
  constructor(private readonly device: LinkedDevice) {}

  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return this.device.consumeHead(ctx, f);
  }
}

class LinkedTxToken implements TxToken {
  constructor(private readonly device: LinkedDevice) {}

  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    return this.device.sendToPeer(length, ctx, f);
  }
}

/** One end of a LinkedPair. */
export class LinkedDevice implements Device {
  /** Frames sent while the peer's queue was full (through the reply token of a receive): lost. */
  overflows = 0;
  /** Frames that arrived here and wait to be received. */
  readonly queue: PacketBuffer;
  private peerDevice: LinkedDevice | null = null;
  private readonly caps: DeviceCapabilities;
  private readonly scratch: Uint8Array;
  private rxArmed = false;
  private readonly pair: RxPair;
  private readonly txToken: LinkedTxToken;

  /** @internal Made by LinkedPair. */
  constructor(mtu: number, capacity: number, caps: DeviceCapabilities) {
    this.caps = caps;
    // capacity + 2 frames of room: with at most one padding run before the end of storage, a frame of
    // the MTU always fits while fewer than `capacity` frames wait (as Loopback).
    this.queue = new PacketBuffer({ packets: capacity, payload: mtu * (capacity + 2) });
    this.scratch = new Uint8Array(mtu);
    this.txToken = new LinkedTxToken(this);
    this.pair = { rx: new LinkedRxToken(this), tx: this.txToken };
  }

  /** The other end. */
  get peer(): LinkedDevice {
    return this.peerDevice!;
  }

  /** @internal */
  link(peer: LinkedDevice): void {
    this.peerDevice = peer;
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** Frames waiting to be received at this end. */
  get queued(): number {
    return this.queue.length;
  }

  receive(_timestamp: Instant): RxPair | null {
    if (this.queue.isEmpty()) return null;
    this.rxArmed = true;
    return this.pair;
  }

  transmit(_timestamp: Instant): TxToken | null {
    return this.peerDevice!.queue.isFull() ? null : this.txToken;
  }

  /** @internal The receive token's body: show the oldest frame to `f`, then release it. */
  consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error('LinkedDevice: an RxToken was consumed twice or without receive()');
    this.rxArmed = false;
    const q = this.queue;
    try {
      return f(ctx, q.payload.storage, q.headOffset(), q.headLength());
    } finally {
      q.dequeue();
    }
  }

  /** @internal The transmit token's body: let `f` write the frame into the peer's queue. */
  sendToPeer<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.caps.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`LinkedDevice: frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    const q = this.peerDevice!.queue;
    const at = q.enqueue(length);
    if (at < 0) {
      // Only through the reply token of a receive while the peer's queue is full.
      this.overflows++;
      return f(ctx, this.scratch, 0, length);
    }
    return f(ctx, q.payload.storage, at, length);
  }
}

/** Two devices joined like a veth: `a` transmits to `b` and `b` to `a`. */
export class LinkedPair {
  readonly a: LinkedDevice;
  readonly b: LinkedDevice;

  constructor(options: LinkedPairOptions = {}) {
    const mtu = options.maxTransmissionUnit ?? 1514;
    const capacity = options.capacity ?? 64;
    if (!Number.isInteger(mtu) || mtu < 14) throw new RangeError(`LinkedPair: maxTransmissionUnit must be an integer of at least 14 (an Ethernet header), got ${mtu}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LinkedPair: capacity must be a positive integer, got ${capacity}`);
    const caps = (): DeviceCapabilities => ({
      medium: 'ethernet',
      maxTransmissionUnit: mtu,
      maxBurstSize: options.maxBurstSize ?? null,
      checksum: options.checksum ?? ChecksumCapabilities.default(),
    });
    this.a = new LinkedDevice(mtu, capacity, caps());
    this.b = new LinkedDevice(mtu, capacity, caps());
    this.a.link(this.b);
    this.b.link(this.a);
  }
}
