// The poll loop a program runs around an Interface (smoltcp's examples: poll, then phy_wait for as long
// as poll_delay says), as one object: `await new Runner(iface, device, sockets, { onPoll }).run(signal)`.
//
// Each turn polls the interface with the current time, calls the program's `onPoll` (read what the
// sockets received, queue replies), asks `pollDelay` how long the interface can sleep and then waits for
// the first of: a frame (the device's waitReadable, for a tap or a raw socket), the delay, a `wake()`
// (the program queued something, or a LinkedPair end's onReadable), or the AbortSignal. There is no busy
// loop (a turn with nothing to do sleeps until one of those) and no fixed sleep (the only timer is the
// interface's own deadline). When poll has more to do at once (delay 0), the next turn waits for the event
// loop to go round once (setImmediate), so the program's other work, and a second runner on the peer of a
// LinkedPair, keep running.
//
// Why here, in src/runner and not in the portable core or in src/phy: it owns an event-loop policy
// (timers, promises, the clock), which the core leaves to its caller so that everything in it stays
// deterministic, and it is about driving an interface rather than about a device. It imports nothing
// from `node:`: setTimeout, setImmediate (when present), AbortSignal and performance are all it uses, so
// it also runs in Deno or Bun (test/portability bundles it for the browser too).

import type { Device, WaitableDevice } from '../phy/device.js';
import type { Interface } from '../iface/interface.js';
import type { SocketSet } from '../socket/socket-set.js';
import { MICROS_PER_MILLI, now as wallClock, type Duration, type Instant } from '../time.js';

/** What a Runner does between polls, what it waits on for frames, and which clock it reads. */
export interface RunnerOptions {
  /**
   * The application's turn, after every poll, with its time and whether the poll changed anything: read
   * from and write to the sockets. What it queues goes out at once (pollDelay says 0, the runner polls
   * again after one turn of the event loop). An exception thrown here rejects run().
   */
  onPoll?: (now: Instant, changed: boolean) => void;
  /**
   * What to wait on for frames: by default the device itself when it has waitReadable (TapInterface,
   * RawSocket), else nothing (the runner then wakes on wake(), the interface's deadline or the abort).
   * Give the tap here when the device polled is middleware over it (a FaultInjector, a PcapWriter).
   */
  waitOn?: WaitableDevice | null;
  /** The clock, in microseconds. Default: the wall clock (src/time.ts now()). */
  clock?: () => Instant;
}

const enum WakeReason {
  None,
  Readable,
  Timer,
  Explicit,
  Abort,
}

function isWaitable(device: Device): device is WaitableDevice {
  return typeof (device as Partial<WaitableDevice>).waitReadable === 'function';
}

// setImmediate runs after pending I/O callbacks (a LinkedPair peer's runner, a socket's data). A browser
// has none, and its setTimeout(f, 0) waits at least 4 ms once timers nest five deep (the HTML standard's
// clamp), which a busy runner's turns do: a posted message is the browser's setImmediate (a task, after the
// frames and input already queued, never clamped). Elsewhere without setImmediate (Deno), a zero timeout.
/** Runs `f` on a later turn of the event loop. */
export type NextTurn = (f: () => void) => void;

/** The next-turn scheduler of a browser page or worker (a MessageChannel), or null elsewhere. */
export function browserNextTurn(): NextTurn | null {
  const g = globalThis as { window?: unknown; WorkerGlobalScope?: unknown; MessageChannel?: new () => MessageChannel };
  if ((g.window === undefined && g.WorkerGlobalScope === undefined) || typeof g.MessageChannel !== 'function') return null;
  // Made on first use; the page keeps it. Turns are queued in order and run one per message.
  let channel: MessageChannel | null = null;
  const turns: (() => void)[] = [];
  const runOne = (): void => {
    const f = turns.shift();
    if (f !== undefined) f();
  };
  return (f) => {
    if (channel === null) {
      channel = new g.MessageChannel!();
      channel.port1.onmessage = runOne;
      // A port with a listener keeps a Node or Deno process alive; a page does not care.
      (channel.port1 as { unref?: () => void }).unref?.();
    }
    turns.push(f);
    channel.port2.postMessage(0);
  };
}

const nextTurn: NextTurn =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (f) => {
        (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(f);
      }
    : browserNextTurn() ??
      ((f) => {
        setTimeout(f, 0);
      });

/** Polls an interface whenever there is something to do, from the event loop, until stopped. */
export class Runner {
  /** poll() calls. */
  polls = 0;
  /** Times the runner went to sleep (waited for a frame, a deadline, a wake() or the abort). */
  sleeps = 0;
  /** Sleeps a frame ended (the device or `waitOn` became readable). */
  readableWakes = 0;
  /** Sleeps the interface's deadline (pollDelay) ended. */
  timerWakes = 0;
  /** Sleeps wake() ended or skipped, and turns that went on at once because poll had more to do. */
  explicitWakes = 0;
  private readonly waitOn: WaitableDevice | null;
  private readonly onPoll: ((now: Instant, changed: boolean) => void) | null;
  private readonly clock: () => Instant;
  private running = false;
  /** A wake() that came while the runner was not waiting: the next wait returns at once. */
  private woken = false;
  private settleWait: ((reason: WakeReason) => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The instant the armed timer is for. */
  private timerAt = 0;
  private failure: unknown = null;
  /** Whether a waitReadable() of ours has not settled yet. */
  private readablePending = false;
  // Made once, so a turn allocates only its promise (and a timer when there is a deadline).
  private readonly captureSettle = (resolve: (reason: WakeReason) => void): void => {
    this.settleWait = resolve;
  };
  private readonly onTimer = (): void => {
    this.timer = null;
    this.settle(WakeReason.Timer);
  };
  private readonly onReadable = (): void => {
    this.readablePending = false;
    this.settle(WakeReason.Readable);
  };
  private readonly onWaitFailed = (error: unknown): void => {
    this.readablePending = false;
    this.failure = error;
    this.settle(WakeReason.Abort);
  };
  private readonly onAbort = (): void => this.settle(WakeReason.Abort);
  private readonly onNextTurn = (): void => this.settle(WakeReason.Explicit);

  /** A runner for `iface` on `device` with `sockets`; run() starts it. */
  constructor(
    /** The interface it polls. */
    readonly iface: Interface,
    /** The device it polls the interface with; a WaitableDevice (a tap) lets it sleep until a frame comes. */
    readonly device: Device,
    /** The sockets it polls the interface with. */
    readonly sockets: SocketSet,
    options: RunnerOptions = {},
  ) {
    this.waitOn = options.waitOn !== undefined ? options.waitOn : isWaitable(device) ? device : null;
    this.onPoll = options.onPoll ?? null;
    this.clock = options.clock ?? wallClock;
  }

  /**
   * Asks for a poll soon: after queueing data on a socket, or when a frame arrived on a device the runner
   * cannot wait on (a LinkedPair end: `pair.b.onReadable = runner.wake`). Cheap and safe to call at any
   * time, also before run() or from inside onPoll.
   */
  readonly wake = (): void => {
    if (this.settleWait !== null) this.settle(WakeReason.Explicit);
    else this.woken = true;
  };

  /**
   * Polls until `signal` aborts, then resolves (after the turn in progress). Rejects when poll() throws
   * (a programmer mistake: a device of the wrong medium) or the device went away (waitReadable
   * rejected, e.g. ERR_PHY_DEVICE_GONE). A pending waitReadable keeps a tap's poll handle open after the
   * runner stops: close the device when done with it.
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error('Runner.run: this runner is already running; abort the first run() before starting another.');
    if (signal?.aborted) return;
    this.running = true;
    this.failure = null;
    signal?.addEventListener('abort', this.onAbort);
    try {
      for (;;) {
        const t = this.clock();
        const changed = this.iface.poll(t, this.device, this.sockets);
        this.polls++;
        if (this.onPoll !== null) this.onPoll(t, changed);
        if (signal?.aborted) return;
        const before = this.clock();
        const delay = this.iface.pollDelay(before, this.sockets);
        const reason = await this.wait(delay, before);
        if (this.failure !== null) throw this.failure;
        if (reason === WakeReason.Abort || signal?.aborted) return;
      }
    } finally {
      signal?.removeEventListener('abort', this.onAbort);
      this.clearTimer();
      this.settleWait = null;
      this.running = false;
    }
  }

  /** Waits for a frame, `delay` after `now` (null: no deadline), a wake() or the abort; says which came first. */
  private wait(delay: Duration | null, now: Instant): Promise<WakeReason> {
    if (this.woken) {
      this.woken = false;
      this.explicitWakes++;
      return Promise.resolve(WakeReason.Explicit);
    }
    this.sleeps++;
    const turn = new Promise<WakeReason>(this.captureSettle);
    if (delay === 0) {
      // More to do at once: one trip round the event loop first, so nothing else starves.
      nextTurn(this.onNextTurn);
      return turn;
    }
    if (this.waitOn !== null && !this.readablePending) {
      // One readiness wait at a time: it outlives a turn that a timer or wake() ended, and its
      // resolution is still news (a frame is there) for whichever turn is waiting then.
      this.readablePending = true;
      this.waitOn.waitReadable(null).then(this.onReadable, this.onWaitFailed);
    }
    // Rounded up so the next poll never comes before the deadline and finds nothing to do. A timer
    // already armed for an earlier instant stays: it only costs a poll that finds the deadline moved.
    if (delay !== null) {
      const at = now + delay;
      if (this.timer === null || at < this.timerAt) {
        this.clearTimer();
        this.timerAt = at;
        this.timer = setTimeout(this.onTimer, Math.ceil(delay / MICROS_PER_MILLI));
      }
    }
    return turn;
  }

  private settle(reason: WakeReason): void {
    const settle = this.settleWait;
    if (settle === null) return;
    this.settleWait = null;
    if (reason === WakeReason.Abort) this.clearTimer();
    if (reason === WakeReason.Readable) this.readableWakes++;
    else if (reason === WakeReason.Timer) this.timerWakes++;
    else if (reason === WakeReason.Explicit) this.explicitWakes++;
    settle(reason);
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
