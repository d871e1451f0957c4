// The device abstraction, modelled on smoltcp's tokens. A device hands out tokens instead of buffers:
// the stack parses a received frame in place and serialises an outgoing one straight into the device's
// memory. Tokens are objects the device reuses and the consumer callbacks receive a caller-chosen
// context argument, so a poll loop that passes a long-lived function allocates nothing per frame.

import type { DeviceCapabilities } from './capabilities.js';
import type { Duration, Instant } from '../time.js';

/**
 * Called with one frame: `bytes[offset, offset + length)`. The bytes belong to the device and are
 * valid only until the callback returns.
 */
export type FrameConsumer<C, R> = (ctx: C, bytes: Uint8Array, offset: number, length: number) => R;

/** One received frame, handed out by Device.receive(); `consume` shows it to a callback. */
export interface RxToken {
  /** Hands the received frame to `f` and releases it. Call at most once per token. */
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R;
}

/** Room for one frame to send, handed out by Device.transmit(); `consume` lets a callback write it. */
export interface TxToken {
  /**
   * Hands `f` a writable region of exactly `length` bytes, then transmits what `f` wrote.
   * Call at most once per token.
   */
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R;
}

/** A received frame together with a token to send an immediate reply (e.g. an ARP reply). */
export interface RxPair {
  /** The received frame. */
  readonly rx: RxToken;
  /** A token to send one frame while handling the received one, e.g. its reply. */
  readonly tx: TxToken;
}

/**
 * A network device as the stack sees it (smoltcp's Device): it hands out tokens for a received frame
 * and for room to send one, and never blocks.
 */
export interface Device {
  /** What the device can do: framing, largest frame, burst size, and which checksums the stack handles. */
  capabilities(): DeviceCapabilities;
  /** A received frame and a reply token, or null when nothing is waiting. Never blocks. */
  receive(timestamp: Instant): RxPair | null;
  /** A token to send one frame, or null when the device cannot take one now. Never blocks. */
  transmit(timestamp: Instant): TxToken | null;
}

/**
 * A device backed by an OS file descriptor can say when a frame is ready (smoltcp's phy_wait).
 * `waitReadable` resolves when a frame can be received or `timeout` elapses (null: no timeout),
 * without blocking Node's event loop, without busy polling and without libuv's threadpool.
 */
export interface WaitableDevice extends Device {
  /** Resolves when a frame can be received or after `timeout` microseconds (null: no timeout). */
  waitReadable(timeout: Duration | null): Promise<void>;
}
