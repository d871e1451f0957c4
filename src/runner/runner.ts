// Drives an Interface from Node's event loop (the loop of smoltcp's examples: poll, then phy_wait for
// poll_delay): poll, give the application its turn, then sleep until the device has a frame
// (WaitableDevice.waitReadable), the interface's next timer (pollDelay) or wake(), whichever comes
// first. No busy loop and no fixed sleep; an AbortSignal stops it cleanly. Outside the portable core: it
// uses Node's timers and the clock.

import type { Interface } from '../iface/interface.js';
import type { Device, WaitableDevice } from '../phy/device.js';
import type { SocketSet } from '../socket/socket-set.js';
import { MICROS_PER_MILLI, now as wallClock, type Duration, type Instant } from '../time.js';

export interface RunnerOptions {
  /**
   * The application's turn, after every poll: read from and write to the sockets. What it queues is
   * sent at once (the runner polls again without sleeping when pollDelay says 0).
   */
  onPoll?: (now: Instant) => void;
  /** The clock, in microseconds; default the wall clock (src/time.ts now()). */
  clock?: () => Instant;
}

function isWaitable(device: Device): device is WaitableDevice {
  return typeof (device as Partial<WaitableDevice>).waitReadable === 'function';
}

export class Runner {
  /** Polls done. */
  polls = 0;
  /** Times the runner went to sleep. */
  sleeps = 0;
  private readonly onPoll: ((now: Instant) => void) | null;
  private readonly clock: () => Instant;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private running = false;

  constructor(
    readonly iface: Interface,
    readonly device: Device,
    readonly sockets: SocketSet,
    options: RunnerOptions = {},
  ) {
    this.onPoll = options.onPoll ?? null;
    this.clock = options.clock ?? wallClock;
  }

  /**
   * Makes a sleeping runner poll now: call it when the application queued data from outside onPoll
   * (a timer, another socket), or when a frame was put in an in-memory device nobody can wait on.
   */
  wake(): void {
    this.woken = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    if (wakeUp !== null) wakeUp();
  }

  /**
   * Runs until `signal` aborts (then resolves) or the device fails for good (then rejects with the
   * device's error, e.g. PhyError ERR_PHY_DEVICE_GONE). An exception thrown by onPoll rejects too.
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error('Runner.run: this runner is already running; create one runner per interface and device.');
    this.running = true;
    try {
      while (!signal?.aborted) {
        const now = this.clock();
        this.woken = false;
        this.iface.poll(now, this.device, this.sockets);
        this.polls++;
        if (this.onPoll !== null) this.onPoll(now);
        if (signal?.aborted) break;
        const delay = this.iface.pollDelay(this.clock(), this.sockets);
        if (delay === 0 || this.woken) {
          // More to do at once: let other callbacks run first, then poll again.
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        this.sleeps++;
        await this.sleep(delay, signal);
      }
    } finally {
      this.running = false;
      this.wakeUp = null;
    }
  }

  /** Until the device is readable, `delay` passes, wake() or the abort; rejects if the device fails. */
  private sleep(delay: Duration | null, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let done = false;
      const finish = (error?: unknown): void => {
        if (done) return;
        done = true;
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wakeUp = null;
        if (error !== undefined) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wakeUp = () => finish();
      if (isWaitable(this.device)) {
        // The device's own wait covers the timeout as well; a settled wait after the abort is ignored.
        this.device.waitReadable(delay).then(
          () => finish(),
          (error: unknown) => finish(error ?? new Error('waitReadable rejected')),
        );
      } else if (delay !== null) {
        timer = setTimeout(() => finish(), Math.ceil(delay / MICROS_PER_MILLI));
      }
    });
  }
}
