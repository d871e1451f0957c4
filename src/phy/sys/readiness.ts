// smoltcp's phy_wait for Node: a promise that settles when a file descriptor becomes readable or a
// timeout elapses.
//
// Why a libuv poll handle (koffi.node.poll, i.e. uv_poll_t) and not a worker thread blocked in poll(2):
// - the descriptor joins the epoll set libuv already sleeps in, so waiting costs no thread, no busy
//   polling and nothing from libuv's threadpool (koffi's `.async` calls would occupy a threadpool slot
//   for as long as the wait lasts, starving fs and dns);
// - it is faster to wake: measured on the dev VM (2 vCPU, eventfd written from a timer, 200 waits) the
//   poll handle resolved the awaiting code after 16 us median / 107 us p99, a worker blocked in poll(2)
//   signalling through SharedArrayBuffer + Atomics.notify + Atomics.waitAsync after 57 us median /
//   4.5 ms p99 (the cross-thread wake-up goes through V8's foreground task queue);
// - closing is just closing the handle: no thread to stop, no eventfd to wake it, so the process exits.
// koffi marks its poll API as not yet documented; it is confined to this file so another mechanism can
// replace it without touching the drivers.
import koffi from 'koffi';
import type { Duration } from '../../time.js';

type PollHandle = ReturnType<typeof koffi.node.poll>;

export class ReadinessWaiter {
  private handle: PollHandle | null = null;
  private pending: Promise<void> | null = null;
  private resolvePending: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the armed timer fires, as performance.now() milliseconds; Infinity when no timer. */
  private timerDeadline = Infinity;
  private closed = false;
  // Created once so arming a wait allocates only the promise (and the timer when there is a timeout).
  private readonly readableOnly = { readable: true };
  private readonly capture = (resolve: () => void): void => {
    this.resolvePending = resolve;
  };
  private readonly onReadable = (): void => this.settle();
  private readonly onTimeout = (): void => {
    this.timer = null;
    this.settle();
  };

  constructor(private readonly fd: number) {}

  /**
   * Resolves when the descriptor is readable (or in error, so the next read reports it) or after
   * `timeout` microseconds; null waits without a deadline. Concurrent waits share one promise, which
   * settles at the earliest deadline any of them asked for. Never rejects.
   */
  wait(timeout: Duration | null): Promise<void> {
    if (this.closed || (timeout !== null && timeout <= 0)) return Promise.resolve();
    if (this.pending === null) {
      this.pending = new Promise<void>(this.capture);
      if (this.handle === null) {
        // The callback receives (status, events); readable or error, either way the reader must look.
        this.handle = koffi.node.poll(this.fd, this.readableOnly, this.onReadable);
      } else {
        this.handle.start(this.readableOnly, this.onReadable);
      }
    }
    if (timeout !== null) {
      // Round up so the caller never wakes before its deadline and spins on a sub-millisecond rest.
      const ms = Math.ceil(timeout / 1000);
      const deadline = performance.now() + ms;
      if (deadline < this.timerDeadline) {
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = setTimeout(this.onTimeout, ms);
        this.timerDeadline = deadline;
      }
    }
    return this.pending;
  }

  /**
   * Settles any pending wait and releases the poll handle (which must happen before the descriptor is
   * closed); later waits resolve at once.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.settle();
    if (this.handle !== null) {
      this.handle.close();
      this.handle = null;
    }
  }

  private settle(): void {
    if (this.handle !== null) this.handle.stop();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.timerDeadline = Infinity;
    const resolve = this.resolvePending;
    this.pending = null;
    this.resolvePending = null;
    if (resolve !== null) resolve();
  }
}
