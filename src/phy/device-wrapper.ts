// The base of every middleware (FaultInjector, Tracer, PcapWriter): a device that wraps another and
// wraps its tokens, as smoltcp's middleware does. It hands out three reused tokens (the received
// frame, the reply token that comes with it, and a transmit token) and calls the subclass's hooks as
// frames pass: after a frame is received and before the layer above sees it, and after the layer
// above has written a frame that is about to go to the device below.
//
// Nothing is allocated per frame. A token keeps the caller's context and consumer in fields from the
// caller's consume() until the inner token calls back, and passes the inner token a module-level
// function with the token itself as its context, so there is no closure.

import type { DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import type { Instant } from '../time.js';

// Starting the timestamp field at null (never a number) keeps it an ordinary tagged field, so it
// stores the caller's number object as is; a field V8 had specialised for doubles would need a fresh
// heap number every time its value is passed to a call (a timestamp in microseconds does not fit a
// small integer).
const NO_TIMESTAMP = null as unknown as Instant;

/** A token of a DeviceWrapper: the inner device's token for the current frame, and the caller's. */
class WrapperToken<Inner> {
  /** The inner device's token this one wraps for the current frame. */
  inner: Inner | null = null;
  /** The timestamp the caller passed to receive() or transmit(). */
  timestamp: Instant = NO_TIMESTAMP;
  private ctx: unknown = null;
  private f: FrameConsumer<unknown, unknown> | null = null;

  constructor(readonly wrapper: DeviceWrapper) {}

  /** Remembers the caller's context and consumer until the inner token calls back. */
  hold<C, R>(ctx: C, f: FrameConsumer<C, R>): void {
    this.ctx = ctx;
    this.f = f as FrameConsumer<unknown, unknown>;
  }

  /** Hands out the held consumer once, so it is not retained. */
  take(): FrameConsumer<unknown, unknown> {
    const f = this.f!;
    this.f = null;
    return f;
  }

  /** Hands out the held context once, so it is not retained. */
  takeContext(): unknown {
    const ctx = this.ctx;
    this.ctx = null;
    return ctx;
  }
}

class WrapperRxToken extends WrapperToken<RxToken> implements RxToken {
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    this.hold(ctx, f);
    return this.inner!.consume(this, receiveThrough) as R;
  }
}

class WrapperTxToken extends WrapperToken<TxToken> implements TxToken {
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const wrapper = this.wrapper;
    if (wrapper.dropOnTransmit(length, this.timestamp)) return f(ctx, wrapper.junk(length), 0, length);
    this.hold(ctx, f);
    return this.inner!.consume(length, this, transmitThrough) as R;
  }
}

// The consumers passed to the inner tokens: everything they need is in their context argument.
function receiveThrough(token: WrapperRxToken, bytes: Uint8Array, offset: number, length: number): unknown {
  const ctx = token.takeContext();
  const f = token.take();
  token.wrapper.frameReceived(token.timestamp, bytes, offset, length);
  return f(ctx, bytes, offset, length);
}

function transmitThrough(token: WrapperTxToken, bytes: Uint8Array, offset: number, length: number): unknown {
  const ctx = token.takeContext();
  const result = token.take()(ctx, bytes, offset, length);
  token.wrapper.frameTransmitted(token.timestamp, bytes, offset, length);
  return result;
}

/**
 * A device that passes frames to and from `inner`, calling hooks on the way. Subclasses override the
 * hooks they need; the token plumbing is here once.
 */
export abstract class DeviceWrapper implements Device {
  private readonly rxToken: WrapperRxToken;
  private readonly pairTxToken: WrapperTxToken;
  private readonly txToken: WrapperTxToken;
  private readonly pair: RxPair;

  constructor(
    /** The device below this one. */
    readonly inner: Device,
  ) {
    this.rxToken = new WrapperRxToken(this);
    this.pairTxToken = new WrapperTxToken(this);
    this.txToken = new WrapperTxToken(this);
    this.pair = { rx: this.rxToken, tx: this.pairTxToken };
  }

  /** The capabilities of the device below, unchanged. */
  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }

  /**
   * The next frame from the device below that this middleware lets through, with a reply token; null when
   * the device below has none left. A frame the middleware drops does not end the call: null would end the
   * interface's poll with frames still queued below, and a device that says "readable" only when its
   * queue stops being empty (a LinkedPair end, a MessageDevice) would not say it again.
   */
  receive(timestamp: Instant): RxPair | null {
    let pair: RxPair | null;
    let rx: RxToken | null;
    do {
      pair = this.inner.receive(timestamp);
      if (pair === null) return null;
      rx = this.acceptReceived(pair.rx, timestamp);
    } while (rx === null);
    this.rxToken.inner = rx;
    this.rxToken.timestamp = timestamp;
    this.pairTxToken.inner = pair.tx;
    this.pairTxToken.timestamp = timestamp;
    return this.pair;
  }

  /** A token to send one frame through to the device below; null when that device cannot take one now. */
  transmit(timestamp: Instant): TxToken | null {
    const inner = this.inner.transmit(timestamp);
    if (inner === null) return null;
    this.txToken.inner = inner;
    this.txToken.timestamp = timestamp;
    return this.txToken;
  }

  /**
   * @internal Hook: given the inner device's received frame, returns the token to hand upwards (by
   * default `rx` itself), or null to drop the frame, in which case receive() returns null.
   */
  acceptReceived(rx: RxToken, _timestamp: Instant): RxToken | null {
    return rx;
  }

  /** @internal Hook: a received frame, before the layer above sees it. */
  frameReceived(_timestamp: Instant, _bytes: Uint8Array, _offset: number, _length: number): void {}

  /** @internal Hook: a frame the layer above has written, about to go to the device below. */
  frameTransmitted(_timestamp: Instant, _bytes: Uint8Array, _offset: number, _length: number): void {}

  /**
   * @internal Hook: whether a frame of `length` bytes about to be sent is lost before it reaches the
   * device below; the layer above then writes it into junk(length).
   */
  dropOnTransmit(_length: number, _timestamp: Instant): boolean {
    return false;
  }

  /** @internal A buffer for frames that dropOnTransmit dropped; only called when it returns true. */
  junk(length: number): Uint8Array {
    return new Uint8Array(length);
  }
}
