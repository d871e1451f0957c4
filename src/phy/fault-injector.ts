// Middleware that makes a device misbehave on purpose, after smoltcp's FaultInjector, so examples and
// tests can show how the stack copes with loss, corruption, oversized frames and a slow link. It wraps
// any device; the options map 1:1 to the examples' --drop-chance, --corrupt-chance, --size-limit,
// --tx-rate-limit, --rx-rate-limit and --shaping-interval.
//
// Received frames are taken from the inner device when receive() is called and copied into one
// preallocated buffer, as in smoltcp: only then is the length known for the size limit, and a frame
// dropped here has still been consumed below, so a PcapWriter or Tracer under the injector records it.
// A transmitted frame that is dropped is written into a scratch buffer and never reaches the device
// below (it was lost "on the wire"). Randomness comes from a seeded xorshift32, time from the
// timestamps passed to receive/transmit: runs are reproducible and nothing reads the clock.

import type { Device, FrameConsumer, RxToken } from './device.js';
import { DeviceWrapper } from './device-wrapper.js';
import type { Instant } from '../time.js';
import { copyBytes } from '../wire/byte-ranges.js';

/** How a FaultInjector misbehaves; every fault is off (0) by default. */
export interface FaultInjectorOptions {
  /** Percent (0-100) of frames, each way, dropped at random. */
  dropChance?: number;
  /** Percent (0-100) of frames, each way, in which one random octet is changed. */
  corruptChance?: number;
  /** Frames longer than this many bytes are dropped; 0 for no limit. */
  sizeLimit?: number;
  /** Frames sent per shaping interval (token bucket size); 0 for no limit. */
  txRateLimit?: number;
  /** Frames received per shaping interval; 0 for no limit. */
  rxRateLimit?: number;
  /** Token bucket refill interval in milliseconds. */
  shapingInterval?: number;
  /** PRNG seed (any 32-bit integer); random when omitted. */
  seed?: number;
}

function checkPercent(name: string, v: number): number {
  if (!(v >= 0 && v <= 100)) throw new RangeError(`FaultInjector: ${name} must be a percentage from 0 to 100, got ${v}`);
  return v;
}

function checkCount(name: string, v: number): number {
  if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`FaultInjector: ${name} must be a whole number >= 0, got ${v}`);
  return v;
}

// One splitmix32 step turns neighbouring seeds into unrelated, nonzero xorshift states.
function mixSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z = (z ^ (z >>> 16)) | 0;
  return z === 0 ? 0x2545f491 : z;
}

/** Hands out the received frame the injector copied into its buffer. */
class FaultRxToken implements RxToken {
  constructor(private readonly injector: FaultInjector) {}

  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return f(ctx, this.injector.rxBuffer, 0, this.injector.rxLength);
  }
}

// A module-level function rather than a closure: it finds everything it needs in its context argument.
function copyIn(fi: FaultInjector, bytes: Uint8Array, offset: number, length: number): number {
  if (length > fi.rxBuffer.length) return -1;
  copyBytes(bytes, offset, fi.rxBuffer, 0, length);
  return length;
}

/**
 * Middleware that makes the device it wraps misbehave on purpose (smoltcp's FaultInjector): random
 * drops and corruption, a size limit and rate limits, each way, reproducible from `seed`. The settings
 * may be changed between polls; the counters say what happened to each frame.
 */
export class FaultInjector extends DeviceWrapper {
  /** Percent (0-100) of frames, each way, dropped at random. */
  dropChance: number;
  /** Percent (0-100) of frames, each way, in which one random octet is changed. */
  corruptChance: number;
  /** Frames longer than this many bytes are dropped; 0 for no limit. */
  sizeLimit: number;
  /** Frames sent per shaping interval; 0 for no limit. */
  txRateLimit: number;
  /** Frames received per shaping interval; 0 for no limit. */
  rxRateLimit: number;
  /** Milliseconds. */
  shapingInterval: number;
  /** The PRNG seed in use, as a uint32: pass it as the `seed` option to repeat a run. */
  readonly seed: number;

  /** Received frames passed up to the layer above (corrupted ones included). */
  rxFrames = 0;
  /** Received frames dropped at random (dropChance). */
  rxDropped = 0;
  /** Received frames dropped for being longer than sizeLimit or than the inner device's MTU. */
  rxTooLarge = 0;
  /** Received frames dropped because rxRateLimit frames had already come in this shaping interval. */
  rxRateLimited = 0;
  /** Received frames passed up with one octet changed (corruptChance). */
  rxCorrupted = 0;
  /** Frames passed on to the device below (corrupted ones included). */
  txFrames = 0;
  /** Frames to send dropped at random (dropChance). */
  txDropped = 0;
  /** Frames to send dropped for being longer than sizeLimit. */
  txTooLarge = 0;
  /** Frames to send dropped because txRateLimit frames had already gone out this shaping interval. */
  txRateLimited = 0;
  /** Frames passed on to the device below with one octet changed (corruptChance). */
  txCorrupted = 0;

  /** @internal The received frame, copied out of the inner device. */
  rxBuffer: Uint8Array;
  /** @internal */
  rxLength = 0;
  private junkBuffer: Uint8Array;
  private rng: number;
  private refilledAt = -Infinity;
  private txBucket = 0;
  private rxBucket = 0;
  private readonly bufferToken: FaultRxToken;

  /**
   * Wraps `inner`. Throws a RangeError for a chance outside 0-100, a limit that is not a whole number
   * >= 0, a negative or infinite shapingInterval, or a seed that is not an integer.
   */
  constructor(inner: Device, options: FaultInjectorOptions = {}) {
    super(inner);
    this.dropChance = checkPercent('dropChance', options.dropChance ?? 0);
    this.corruptChance = checkPercent('corruptChance', options.corruptChance ?? 0);
    this.sizeLimit = checkCount('sizeLimit', options.sizeLimit ?? 0);
    this.txRateLimit = checkCount('txRateLimit', options.txRateLimit ?? 0);
    this.rxRateLimit = checkCount('rxRateLimit', options.rxRateLimit ?? 0);
    const interval = options.shapingInterval ?? 0;
    if (!(interval >= 0 && Number.isFinite(interval))) {
      throw new RangeError(`FaultInjector: shapingInterval must be a number of milliseconds >= 0, got ${interval}`);
    }
    this.shapingInterval = interval;
    const seed = options.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
    if (!Number.isInteger(seed)) throw new RangeError(`FaultInjector: seed must be an integer, got ${seed}`);
    this.seed = seed >>> 0;
    this.rng = mixSeed(this.seed);
    const mtu = inner.capabilities().maxTransmissionUnit;
    this.rxBuffer = new Uint8Array(mtu);
    this.junkBuffer = new Uint8Array(mtu);
    this.bufferToken = new FaultRxToken(this);
  }

  /** @internal Takes the frame from the device below into rxBuffer, then drops, limits or corrupts it. */
  override acceptReceived(rx: RxToken, timestamp: Instant): RxToken | null {
    const length = rx.consume(this, copyIn);
    // A dropped frame returns null here; DeviceWrapper.receive then goes on to the next one.
    if (length < 0 || (this.sizeLimit > 0 && length > this.sizeLimit)) {
      this.rxTooLarge++;
      return null;
    }
    if (this.maybe(this.dropChance)) {
      this.rxDropped++;
      return null;
    }
    if (this.rxRateLimit > 0 && !this.takeToken(timestamp, false)) {
      this.rxRateLimited++;
      return null;
    }
    if (this.maybe(this.corruptChance)) {
      this.corrupt(this.rxBuffer, 0, length);
      this.rxCorrupted++;
    }
    this.rxLength = length;
    this.rxFrames++;
    return this.bufferToken;
  }

  /** @internal Decides whether a frame of `length` bytes about to be sent is lost. */
  override dropOnTransmit(length: number, timestamp: Instant): boolean {
    if (this.maybe(this.dropChance)) {
      this.txDropped++;
      return true;
    }
    if (this.sizeLimit > 0 && length > this.sizeLimit) {
      this.txTooLarge++;
      return true;
    }
    if (this.txRateLimit > 0 && !this.takeToken(timestamp, true)) {
      this.txRateLimited++;
      return true;
    }
    this.txFrames++;
    return false;
  }

  /** @internal Changes one octet of a frame that is being sent, by chance. */
  override frameTransmitted(_timestamp: Instant, bytes: Uint8Array, offset: number, length: number): void {
    if (this.maybe(this.corruptChance)) {
      this.corrupt(bytes, offset, length);
      this.txCorrupted++;
    }
  }

  /** @internal A buffer for frames that are dropped on transmit. */
  override junk(length: number): Uint8Array {
    if (length > this.junkBuffer.length) this.junkBuffer = new Uint8Array(length);
    return this.junkBuffer;
  }

  // xorshift32 (Marsaglia 2003), as smoltcp's fault injector uses. Results are reduced inside these
  // methods so no uint32 >= 2^31 leaves them (it would be boxed).
  private below(n: number): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return (x >>> 0) % n;
  }

  private maybe(percent: number): boolean {
    // Resolution of 1/10000 of a percent, so fractional chances such as 0.5 work.
    return this.below(1_000_000) < percent * 10_000;
  }

  private corrupt(bytes: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    const at = offset + this.below(length);
    bytes[at] ^= 1 + this.below(255); // a nonzero mask: the octet always changes
  }

  // Both buckets refill together once a shaping interval has passed since the last refill.
  private takeToken(timestamp: Instant, tx: boolean): boolean {
    // An interval of 0 refills on every new timestamp (1 microsecond), as smoltcp's strict comparison does.
    const interval = this.shapingInterval > 0 ? this.shapingInterval * 1000 : 1;
    if (timestamp - this.refilledAt >= interval) {
      this.txBucket = this.txRateLimit;
      this.rxBucket = this.rxRateLimit;
      this.refilledAt = timestamp;
    }
    if (tx) {
      if (this.txBucket === 0) return false;
      this.txBucket--;
    } else {
      if (this.rxBucket === 0) return false;
      this.rxBucket--;
    }
    return true;
  }
}
