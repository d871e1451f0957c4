// What a middleware token (Tracer, FaultInjector) keeps while it passes a frame through: the inner
// device's token, the caller's timestamp, and the caller's context and consumer, held in fields from
// the caller's consume() until the inner token calls back. The middleware passes a module-level
// function and the token itself to the inner token, so wrapping allocates nothing per frame.
import type { FrameConsumer } from './device.js';
import type { Instant } from '../time.js';

// Starting the timestamp field at null (never a number) keeps it an ordinary tagged field, so it
// stores the caller's number object as is; a field V8 had specialised for doubles would need a fresh
// heap number every time its value is passed to a call (a timestamp in microseconds does not fit a
// small integer).
const NO_TIMESTAMP = null as unknown as Instant;

export class WrapperToken<Inner> {
  /** The inner device's token this one wraps for the current frame. */
  inner: Inner | null = null;
  /** The timestamp the caller passed to receive() or transmit(). */
  timestamp: Instant = NO_TIMESTAMP;
  private ctx: unknown = null;
  private f: FrameConsumer<unknown, unknown> | null = null;

  /** @internal Remembers the caller's context and consumer until the inner token calls back. */
  hold<C, R>(ctx: C, f: FrameConsumer<C, R>): void {
    this.ctx = ctx;
    this.f = f as FrameConsumer<unknown, unknown>;
  }

  /** @internal Hands out the held consumer once, so it is not retained. */
  take(): FrameConsumer<unknown, unknown> {
    const f = this.f!;
    this.f = null;
    return f;
  }

  /** @internal Hands out the held context once, so it is not retained. */
  takeContext(): unknown {
    const ctx = this.ctx;
    this.ctx = null;
    return ctx;
  }
}
