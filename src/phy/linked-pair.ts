// Two in-memory Ethernet devices joined like the ends of a veth: what one transmits, the other
// receives, in order. For two interfaces in one process (tests, benchmarks), with no kernel and no clock.
// Each direction is a PacketBuffer (src/storage) of `capacity` frames allocated once; a frame is written
// straight into the peer's queue and read from there in place, so a frame costs no allocation and no copy
// beyond what the caller writes.
//
// A full direction behaves like a full NIC queue: transmit() returns null (the stack keeps the packet
// and tries later); only the reply token of a receive, which cannot refuse, loses a frame into a scratch
// buffer and counts it in `overflows`. To lose, corrupt or delay frames, wrap either end in a FaultInjector.
//
// Neither end can say when a frame arrives by itself (there is no descriptor to wait on): set
// `onReadable` to be told, synchronously, when a frame is queued for an end that had none waiting
// (edge-triggered, so a burst is one call). A Runner (src/runner) takes it as the cue to poll:
// `pair.b.onReadable = runnerB.wake`.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';

/** The shape of a LinkedPair: frame size, queue length, checksums, burst size, where its storage lives. */
export interface LinkedPairOptions {
  /** Largest frame in bytes, link header included, without FCS (a veth's MTU + 14). Default 1514. */
  maxTransmissionUnit?: number;
  /** Frames that may wait in each direction; a transmit beyond it finds no token. Default 64. */
  capacity?: number;
  /**
   * Checksums per end. Default: compute and verify all, so that corruption injected by a FaultInjector
   * is noticed; `ChecksumCapabilities.ignored()` makes the link behave like an offloading NIC.
   */
  checksum?: ChecksumCapabilities;
  /** Frames an interface may receive in one poll; null (default) for no limit. */
  maxBurstSize?: number | null;
  /**
   * Where each direction's frames are stored: called twice with a size in bytes, returns storage of at
   * least that size. Default: a new Uint8Array each. A program that keeps all its buffers in one
   * ArrayBuffer (an arena) passes views of it, so copies between its buffers are one copyWithin each.
   */
  allocate?: (bytes: number) => Uint8Array;
}

/** One end of a LinkedPair. */
export class LinkedDevice implements Device {
  /** Frames received at this end. */
  rxFrames = 0;
  /** Frames transmitted by this end into its peer's queue. */
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
  private readonly pair: RxPair;
  private readonly txToken: TxToken;

  /**
   * One end, with room for `capacity` frames of up to `mtu` bytes arriving, stored in `storage` (at least
   * `mtu * (capacity + 2)` bytes; default a new array); LinkedPair makes two and joins them (link), which
   * is the usual way to get one. `name` ("a", "b") is for messages.
   */
  constructor(
    mtu: number,
    capacity: number,
    caps: DeviceCapabilities,
    storage?: Uint8Array,
    /** "a" or "b" in a LinkedPair: names this end in error messages. */
    readonly name = 'end',
  ) {
    this.caps = caps;
    // capacity + 2 frames of room: with at most one padding run before the end of storage, a frame of
    // the MTU always fits while fewer than `capacity` frames wait (as Loopback).
    const size = mtu * (capacity + 2);
    if (storage !== undefined && storage.length < size) {
      throw new RangeError(`LinkedPair end ${name}: storage of ${storage.length} bytes is too small; give at least ${size} (mtu * (capacity + 2)).`);
    }
    this.queue = new PacketBuffer({ packets: capacity, payload: storage !== undefined ? storage.subarray(0, size) : size });
    this.scratch = new Uint8Array(mtu);
    // The tokens, made once: arrow functions inside the class, so their bodies stay private.
    this.txToken = {
      consume: <C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R => this.sendToPeer(length, ctx, f),
    };
    const rx: RxToken = {
      consume: <C, R>(ctx: C, f: FrameConsumer<C, R>): R => this.consumeHead(ctx, f),
    };
    this.pair = { rx, tx: this.txToken };
  }

  /** The other end. */
  get peer(): LinkedDevice {
    return this.peerDevice!;
  }

  /** Makes `peer` the end this one transmits to (LinkedPair joins its two ends both ways). */
  link(peer: LinkedDevice): void {
    this.peerDevice = peer;
  }

  /** Ethernet, the MTU and checksum capabilities the pair was made with. */
  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** Frames waiting to be received at this end. */
  get queued(): number {
    return this.queue.length;
  }

  /** The oldest frame the other end sent, with a token for a reply, or null when none waits. */
  receive(_timestamp: Instant): RxPair | null {
    if (this.queue.isEmpty()) return null;
    this.rxArmed = true;
    return this.pair;
  }

  /** A token to send one frame to the other end, or null when its queue is full. */
  transmit(_timestamp: Instant): TxToken | null {
    return this.peerDevice!.queue.isFull() ? null : this.txToken;
  }

  /** The receive token's body: show the oldest frame to `f`, then release it. */
  private consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error(`LinkedPair end ${this.name}: an RxToken was consumed twice or without receive()`);
    this.rxArmed = false;
    const q = this.queue;
    this.rxFrames++;
    // Released after f returns: the bytes stay valid for the whole callback.
    try {
      return f(ctx, q.payload.storage, q.headOffset(), q.headLength());
    } finally {
      q.dequeue();
    }
  }

  /** The transmit token's body: let `f` write the frame into the peer's queue. */
  private sendToPeer<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
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
  /** One end: what it transmits, `b` receives. */
  readonly a: LinkedDevice;
  /** The other end: what it transmits, `a` receives. */
  readonly b: LinkedDevice;

  /** Two ends joined both ways, each with its queue allocated here (or by `options.allocate`). */
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
    const size = mtu * (capacity + 2);
    const allocate = options.allocate;
    this.a = new LinkedDevice(mtu, capacity, caps(), allocate?.(size), 'a');
    this.b = new LinkedDevice(mtu, capacity, caps(), allocate?.(size), 'b');
    this.a.link(this.b);
    this.b.link(this.a);
  }
}
