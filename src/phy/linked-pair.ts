// Two in-memory Ethernet devices joined like the two ends of a veth: what one end transmits, the other
// receives. Two interfaces in one process talk over it, for tests and benchmarks, with no kernel and no
// clock. Each direction is a bounded PacketBuffer (src/storage) of `capacity` frames allocated at
// construction; a frame is written straight into the slot reserved for it and read in place on the
// other side, so after construction the pair allocates nothing per frame.
//
// A full direction behaves like a full NIC queue: transmit() returns null (the stack keeps the packet
// and tries later); only the reply token of a receive, which cannot refuse, loses a frame into a
// scratch buffer and counts it in `overflows`. A FaultInjector (src/phy/fault-injector.ts) on either end
// makes that end lossy: pass `faults: { a: {...}, b: {...} }`.
//
// Neither end can say when a frame arrives by itself (there is no descriptor to wait on): set
// `onReadable` to be told, synchronously, when a frame is queued for an end that had none waiting
// (edge-triggered, so a poll loop calls it at most once per burst). The runner (src/runner) takes it
// as the cue to poll.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import { FaultInjector, type FaultInjectorOptions } from './fault-injector.js';
import { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';

export interface LinkedPairOptions {
  /** Largest frame in bytes, Ethernet header included, without FCS (a veth's MTU + 14). Default 1514. */
  maxTransmissionUnit?: number;
  /** Frames that may wait in each direction. Default 64. */
  capacity?: number;
  /** Frames one poll takes from an end; null (default) for no limit. */
  maxBurstSize?: number | null;
  /** Which checksums the stacks compute and verify. Default: all of them. */
  checksum?: ChecksumCapabilities;
  /**
   * Where each direction's frames are stored: called twice with a size in bytes, returns storage of at
   * least that size. Default: a new Uint8Array each. Programs that place all their buffers in one
   * ArrayBuffer (an arena) pass views of it, so copies between buffers can be one copyWithin.
   */
  allocate?: (bytes: number) => Uint8Array;
  /** A FaultInjector over end `a`, end `b` or both, with these options (seed them for reproducible runs). */
  faults?: { a?: FaultInjectorOptions; b?: FaultInjectorOptions };
}

class LinkedRxToken implements RxToken {
  constructor(private readonly end: LinkedEnd) {}

  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return this.end.consumeHead(ctx, f);
  }
}

class LinkedTxToken implements TxToken {
  constructor(private readonly end: LinkedEnd) {}

  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    return this.end.send(length, ctx, f);
  }
}

/** One end of a LinkedPair: a Device whose frames go to its peer. */
export class LinkedEnd implements Device {
  /** Frames received and transmitted by this end. */
  rxFrames = 0;
  txFrames = 0;
  /** Frames lost because the reply token of a receive found the peer's queue full. */
  overflows = 0;
  /**
   * Called when a frame is queued for this end while none was waiting (so at most once until this end
   * receives again), from inside the peer's transmit. Keep it short: e.g. a runner's `wake`.
   */
  onReadable: (() => void) | null = null;
  /** @internal The end frames transmitted here go to. */
  peer!: LinkedEnd;
  /** @internal The frames waiting for this end to receive them. */
  readonly incoming: PacketBuffer;
  private readonly caps: DeviceCapabilities;
  private readonly scratch: Uint8Array;
  /** Whether the head of `incoming` was handed out by receive() and not yet consumed. */
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
    // storage, so a frame of the MTU always fits while fewer than `capacity` frames are queued.
    const size = mtu * (capacity + 2);
    this.incoming = new PacketBuffer({ packets: capacity, payload: allocate !== null ? allocate(size).subarray(0, size) : size });
    this.scratch = new Uint8Array(mtu);
    this.txToken = new LinkedTxToken(this);
    this.pair = { rx: new LinkedRxToken(this), tx: this.txToken };
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** Frames waiting to be received by this end. */
  get queued(): number {
    return this.incoming.length;
  }

  receive(_timestamp: Instant): RxPair | null {
    if (this.incoming.isEmpty()) return null;
    this.rxArmed = true;
    return this.pair;
  }

  transmit(_timestamp: Instant): TxToken | null {
    return this.peer.incoming.isFull() ? null : this.txToken;
  }

  /** @internal The receive token's body: show the oldest frame to `f`, then free its slot. */
  consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error(`LinkedPair end ${this.name}: an RxToken was consumed twice or without receive()`);
    this.rxArmed = false;
    const frames = this.incoming;
    const length = frames.headLength();
    const offset = frames.headOffset();
    this.rxFrames++;
    // Released after f returns: the bytes stay valid for the whole callback.
    try {
      return f(ctx, frames.payload.storage, offset, length);
    } finally {
      frames.dequeue();
    }
  }

  /** @internal The transmit token's body: let `f` fill a slot of the peer's queue. */
  send<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.caps.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`LinkedPair end ${this.name}: a frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    const peer = this.peer;
    const queue = peer.incoming;
    const wasEmpty = queue.isEmpty();
    const offset = queue.enqueue(length);
    if (offset < 0) {
      // Only through the reply token of a receive while the peer's queue is full: lost on the wire.
      this.overflows++;
      return f(ctx, this.scratch, 0, length);
    }
    this.txFrames++;
    const result = f(ctx, queue.payload.storage, offset, length);
    if (wasEmpty && peer.onReadable !== null) peer.onReadable();
    return result;
  }
}

/** Two devices joined like a veth pair: `a` transmits to `b` and `b` to `a`. */
export class LinkedPair {
  /** The devices to poll: the ends, or a FaultInjector over an end when `faults` asked for one. */
  readonly a: Device;
  readonly b: Device;
  /** The ends themselves (queues, counters, onReadable), under any FaultInjector. */
  readonly endA: LinkedEnd;
  readonly endB: LinkedEnd;

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
    // One capabilities object per end, so a caller changing one end's checksums leaves the other alone.
    const caps = (): DeviceCapabilities => ({ medium: 'ethernet', maxTransmissionUnit: mtu, maxBurstSize: burst, checksum });
    const allocate = options.allocate ?? null;
    this.endA = new LinkedEnd('a', caps(), capacity, allocate);
    this.endB = new LinkedEnd('b', caps(), capacity, allocate);
    this.endA.peer = this.endB;
    this.endB.peer = this.endA;
    const faults = options.faults ?? {};
    this.a = faults.a !== undefined ? new FaultInjector(this.endA, faults.a) : this.endA;
    this.b = faults.b !== undefined ? new FaultInjector(this.endB, faults.b) : this.endB;
  }
}
