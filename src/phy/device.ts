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

export interface RxToken {
  /** Hands the received frame to `f` and releases it. Call at most once per token. */
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R;
}

export interface TxToken {
  /**
   * Hands `f` a writable region of exactly `length` bytes, then transmits what `f` wrote.
   * Call at most once per token.
   */
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R;
}

/** A received frame together with a token to send an immediate reply (e.g. an ARP reply). */
export interface RxPair {
  readonly rx: RxToken;
  readonly tx: TxToken;
}

export interface Device {
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
  waitReadable(timeout: Duration | null): Promise<void>;
}
