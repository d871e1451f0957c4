// Two in-memory Ethernet devices joined like the two ends of a veth: what one end transmits, the other
// receives, in order. Two interfaces in one process talk over it, for tests and benchmarks, with no
// kernel and no clock. Each direction is a bounded PacketBuffer (src/storage) of `capacity` frames
// allocated at construction; a frame is written straight into the slot reserved for it in the peer's
// queue and read there in place, so after construction the pair allocates nothing per frame and copies
// nothing beyond what the caller writes.
//
// A full direction behaves like a full NIC queue: transmit() returns null (the stack keeps the packet
// and tries later); only the reply token of a receive, which cannot refuse, loses a frame into a scratch
// buffer and counts it in `overflows`. To lose, corrupt or rate-limit frames, wrap either end in a
// FaultInjector (src/phy/fault-injector.ts).
//
// Neither end can say when a frame arrives by itself (there is no descriptor to wait on): set
// `onReadable` to be told, synchronously, when a frame is queued for an end that had none waiting
// (edge-triggered, so a burst is one call). A Runner (src/runner) takes it as the cue to poll:
// `pair.b.onReadable = runnerB.wake`.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';

export interface LinkedPairOptions {
  /** Largest frame in bytes, Ethernet header included, without FCS (a veth's MTU + 14). Default 1514. */
  maxTransmissionUnit?: number;
  /** Frames that may wait in each direction; a transmit beyond it finds no token. Default 64. */
  capacity?: number;
  /** Frames one poll takes from an end; null (default) for no limit. */
  maxBurstSize?: number | null;
  /**
   * Checksums per end. Default: compute and verify all, so that corruption injected by a FaultInjector
   * is noticed; `ChecksumCapabilities.ignored()` makes the link behave like an offloading NIC.
   */
  checksum?: ChecksumCapabilities;
  /**
   * Where each direction's frames are stored: called twice with a size in bytes, returns storage of at
   * least that size. Default: a new Uint8Array each. A program that keeps all its buffers in one
   * ArrayBuffer (an arena) passes views of it, so copies between its buffers are one copyWithin each.
   */
  allocate?: (bytes: number) => Uint8Array;
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

/** One end of a LinkedPair: a Device whose frames go to its peer. */
export class LinkedDevice implements Device {
  /** Frames received and transmitted by this end. */
  rxFrames = 0;
  txFrames = 0;
  /** Frames sent while the peer's queue was full (through the reply token of a receive): lost. */
  overflows = 0;
  /**
   * Called when a frame is queued for this end while none was waiting (so at most once until this end
   * receives again), from inside the peer's transmit. Keep it short: e.g. a runner's `wake`.
   */
  onReadable: (() => void) | null = null;
  /** Frames that arrived here and wait to be received. */
  readonly queue: PacketBuffer;
  private peerDevice: LinkedDevice | null = null;
  private readonly caps: DeviceCapabilities;
  private readonly scratch: Uint8Array;
  /** Whether the head of `queue` was handed out by receive() and not yet consumed. */
  private rxArmed = false;
  private readonly txToken: LinkedTxToken;
  private readonly pair: RxPair;

  /** @internal Made by LinkedPair. */
  constructor(
    /** "a" or "b", for messages. */
    readonly name: string,
    caps: DeviceCapabilities,
    capacity: number,
    allocate: ((bytes: number) => Uint8Array) | null,
  ) {
    const mtu = caps.maxTransmissionUnit;
    this.caps = caps;
    // capacity + 2 frames of the MTU: at most one padding run (less than a frame) sits before the end of
    // storage, so a frame of the MTU always fits while fewer than `capacity` frames wait (as Loopback).
    const size = mtu * (capacity + 2);
    this.queue = new PacketBuffer({ packets: capacity, payload: allocate !== null ? allocate(size).subarray(0, size) : size });
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

  /** @internal The receive token's body: show the oldest frame to `f`, then free its slot. */
  consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error(`LinkedPair end ${this.name}: an RxToken was consumed twice or without receive()`);
    this.rxArmed = false;
    const q = this.queue;
    const length = q.headLength();
    const offset = q.headOffset();
    this.rxFrames++;
    // Released after f returns: the bytes stay valid for the whole callback.
    try {
      return f(ctx, q.payload.storage, offset, length);
    } finally {
      q.dequeue();
    }
  }

  /** @internal The transmit token's body: let `f` fill a slot of the peer's queue. */
  sendToPeer<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.caps.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`LinkedPair end ${this.name}: a frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    const peer = this.peerDevice!;
    const q = peer.queue;
    const wasEmpty = q.isEmpty();
    const at = q.enqueue(length);
    if (at < 0) {
      // Only through the reply token of a receive while the peer's queue is full: lost on the wire.
      this.overflows++;
      return f(ctx, this.scratch, 0, length);
    }
    this.txFrames++;
    const result = f(ctx, q.payload.storage, at, length);
    if (wasEmpty && peer.onReadable !== null) peer.onReadable();
    return result;
  }
}

/** Two devices joined like a veth: `a` transmits to `b` and `b` to `a`. */
export class LinkedPair {
  readonly a: LinkedDevice;
  readonly b: LinkedDevice;

  constructor(options: LinkedPairOptions = {}) {
    const mtu = options.maxTransmissionUnit ?? 1514;
    const capacity = options.capacity ?? 64;
    if (!Number.isInteger(mtu) || mtu < 14) {
      throw new RangeError(`LinkedPair: maxTransmissionUnit must be an integer of at least 14 (an Ethernet header), got ${mtu}; e.g. 1514 for a 1500-byte IP MTU.`);
    }
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LinkedPair: capacity must be a positive integer (frames queued per direction), got ${capacity}.`);
    }
    const burst = options.maxBurstSize ?? null;
    if (burst !== null && !(Number.isInteger(burst) && burst >= 1)) {
      throw new RangeError(`LinkedPair: maxBurstSize must be a positive integer or null, got ${burst}.`);
    }
    const checksum = options.checksum ?? ChecksumCapabilities.default();
    // One capabilities object per end, so a caller changing one end's leaves the other alone.
    const caps = (): DeviceCapabilities => ({ medium: 'ethernet', maxTransmissionUnit: mtu, maxBurstSize: burst, checksum });
    const allocate = options.allocate ?? null;
    this.a = new LinkedDevice('a', caps(), capacity, allocate);
    this.b = new LinkedDevice('b', caps(), capacity, allocate);
    this.a.link(this.b);
    this.b.link(this.a);
  }
}
