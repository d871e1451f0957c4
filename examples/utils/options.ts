// The command-line options every example shares, as smoltcp's examples/utils.rs: fault injection and a
// pcap capture, and the middleware stack they build around a device. As in smoltcp the stack is
// FaultInjector(Tracer(PcapWriter(device))): the capture and the trace sit below the injector, so
// they show the frames as the wire saw them, including received frames the injector then drops.

import type { Device, WaitableDevice } from '../../src/phy/device.js';
import type { Duration } from '../../src/time.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { Loopback } from '../../src/phy/loopback.js';
import { PcapWriter } from '../../src/phy/pcap-writer.js';
import { Tracer, printingTraceCallback, type FrameFormat, type TraceCallback } from '../../src/phy/tracer.js';

export interface MiddlewareOptions {
  dropChance: number;
  corruptChance: number;
  sizeLimit: number;
  txRateLimit: number;
  rxRateLimit: number;
  /** Milliseconds. */
  shapingInterval: number;
  /** Capture file, or null for none. */
  pcap: string | null;
  /** The fault injector's seed: the one given, or a random one (print it to reproduce a run). */
  seed: number;
  /** Whether --seed was given. */
  seedGiven: boolean;
}

export const MIDDLEWARE_OPTIONS_HELP = `Fault injection and capture:
  --drop-chance PCT       drop PCT percent of the frames, each way (0-100, default 0)
  --corrupt-chance PCT    change one octet in PCT percent of the frames, each way (0-100, default 0)
  --size-limit BYTES      drop frames longer than BYTES (default 0: no limit)
  --tx-rate-limit N       send at most N frames per shaping interval (default 0: no limit)
  --rx-rate-limit N       receive at most N frames per shaping interval (default 0: no limit)
  --shaping-interval MS   refill the rate limits every MS milliseconds (needed with a rate limit)
  --pcap FILE             write every frame to FILE in libpcap format (open it with Wireshark)
  --seed N                seed for the random drops and corruption (default: random)
  --help                  show this help
A good start is --drop-chance 15 --corrupt-chance 15, or --tx-rate-limit 4 --shaping-interval 50.
`;

/** A mistake on the command line; `message` is meant for the user, without a stack trace. */
export class OptionError extends Error {
  override name = 'OptionError';
}

export interface ParsedMiddlewareOptions {
  options: MiddlewareOptions;
  /** Arguments that are not ours, in order (the example's own options and positionals). */
  rest: string[];
  /** --help or -h was given. */
  help: boolean;
}

type Kind = 'percent' | 'count' | 'millis' | 'seed';

const NUMERIC: Record<string, { key: keyof MiddlewareOptions; kind: Kind }> = {
  '--drop-chance': { key: 'dropChance', kind: 'percent' },
  '--corrupt-chance': { key: 'corruptChance', kind: 'percent' },
  '--size-limit': { key: 'sizeLimit', kind: 'count' },
  '--tx-rate-limit': { key: 'txRateLimit', kind: 'count' },
  '--rx-rate-limit': { key: 'rxRateLimit', kind: 'count' },
  '--shaping-interval': { key: 'shapingInterval', kind: 'millis' },
  '--seed': { key: 'seed', kind: 'seed' },
};

function parseValue(option: string, kind: Kind, text: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  switch (kind) {
    case 'percent':
      if (v >= 0 && v <= 100) return v;
      throw new OptionError(`${option}: expected a percentage from 0 to 100, got '${text}'`);
    case 'count':
      if (Number.isSafeInteger(v) && v >= 0) return v;
      throw new OptionError(`${option}: expected a whole number >= 0, got '${text}'`);
    case 'millis':
      if (v >= 0 && Number.isFinite(v)) return v;
      throw new OptionError(`${option}: expected a number of milliseconds >= 0, got '${text}'`);
    case 'seed':
      if (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
      throw new OptionError(`${option}: expected an integer from 0 to 4294967295, got '${text}'`);
  }
}

/**
 * Takes the shared options out of `args` (`--name value` or `--name=value`) and returns the rest.
 * Throws OptionError for a bad value or a missing one.
 */
export function parseMiddlewareOptions(args: readonly string[]): ParsedMiddlewareOptions {
  const options: MiddlewareOptions = {
    dropChance: 0,
    corruptChance: 0,
    sizeLimit: 0,
    txRateLimit: 0,
    rxRateLimit: 0,
    shapingInterval: 0,
    pcap: null,
    seed: 0,
    seedGiven: false,
  };
  const rest: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const numeric = NUMERIC[name];
    if (numeric === undefined && name !== '--pcap') {
      rest.push(arg);
      continue;
    }
    let value: string;
    if (name !== arg) {
      value = arg.slice(eq + 1);
    } else {
      if (i + 1 >= args.length) {
        const what = name === '--pcap' ? 'FILE' : 'a value';
        throw new OptionError(`${name} needs ${what}`);
      }
      value = args[++i];
    }
    if (name === '--pcap') {
      if (value === '') throw new OptionError('--pcap needs a FILE name');
      options.pcap = value;
    } else {
      (options[numeric.key] as number) = parseValue(name, numeric.kind, value);
      if (numeric.key === 'seed') options.seedGiven = true;
    }
  }
  if ((options.txRateLimit > 0 || options.rxRateLimit > 0) && options.shapingInterval === 0) {
    throw new OptionError(
      `--${options.txRateLimit > 0 ? 'tx' : 'rx'}-rate-limit needs --shaping-interval MS ` +
        '(frames are counted per interval, e.g. --shaping-interval 50)',
    );
  }
  if (!options.seedGiven) options.seed = Math.floor(Math.random() * 0x1_0000_0000);
  return { options, rest, help };
}

/**
 * For an example's main: parses the shared options, prints `usage` and the options' help and exits 0
 * on --help, or prints the mistake and exits 2 on a bad option (no stack trace).
 */
export function parseMiddlewareOptionsOrExit(args: readonly string[], usage: string): ParsedMiddlewareOptions {
  let parsed: ParsedMiddlewareOptions;
  try {
    parsed = parseMiddlewareOptions(args);
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    process.stderr.write(`error: ${e.message}\nTry --help for the options.\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${usage.trimEnd()}\n\n${MIDDLEWARE_OPTIONS_HELP}`);
    process.exit(0);
  }
  return parsed;
}

export interface MiddlewareSettings {
  /** The device is a loopback: every frame is both sent and received, so the capture keeps only 'tx'. */
  loopback?: boolean;
  /** How the printed trace shows a frame: the examples pass formatFrame (smoltcp-ts/format), tcpdump's line. */
  format?: FrameFormat;
  /** Trace frames: true to print them with `format`, a callback, or false. Default: true when `format` is given. */
  trace?: boolean | TraceCallback;
}

export interface MiddlewareStack {
  /** The top of the stack: hand this to the interface. */
  device: FaultInjector;
  faultInjector: FaultInjector;
  tracer: Tracer | null;
  pcapWriter: PcapWriter | null;
  /** Flushes and closes the capture file. Also done on process exit. */
  close(): void;
  /**
   * Waits for the device under the stack (smoltcp's phy_wait): its own `waitReadable` when it has one
   * (tap, raw socket); otherwise (a loopback) frames can only come from this process, so it resolves
   * at once when frames are queued and after `timeout` otherwise (null: never; the Runner's wake() or
   * stop ends its sleep).
   */
  waitReadable(timeout: Duration | null): Promise<void>;
}

/**
 * Builds FaultInjector(Tracer(PcapWriter(device))) from parsed options, leaving out the layers that
 * are not asked for. Wait for frames on the original device (its waitReadable), not on the stack.
 */
export function buildMiddleware(
  device: Device,
  options: MiddlewareOptions,
  settings: MiddlewareSettings = {},
): MiddlewareStack {
  let top: Device = device;
  let pcapWriter: PcapWriter | null = null;
  if (options.pcap !== null) {
    try {
      pcapWriter = new PcapWriter(top, options.pcap, { mode: settings.loopback ? 'tx' : 'both' });
    } catch (e) {
      throw new OptionError(`--pcap: cannot create ${options.pcap}: ${(e as Error).message}`);
    }
    top = pcapWriter;
  }
  let tracer: Tracer | null = null;
  const trace = settings.trace ?? settings.format !== undefined;
  if (trace !== false) {
    if (trace === true && settings.format === undefined) {
      throw new TypeError('buildMiddleware: trace: true prints frames with settings.format; pass one (formatFrame from smoltcp-ts/format)');
    }
    tracer = new Tracer(top, trace === true ? printingTraceCallback(settings.format!) : trace);
    top = tracer;
  }
  const faultInjector = new FaultInjector(top, options);
  let closed = false;
  // A capture must not lose its last batch when an example exits or is stopped with Ctrl-C. On a
  // signal the file is closed and, unless the example listens for the signal itself, the signal is
  // raised again so the process ends the way it would have.
  const onSignal = (signal: NodeJS.Signals): void => {
    close();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    process.off('exit', close);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (pcapWriter === null) return;
    pcapWriter.close();
    const error = pcapWriter.file.error;
    if (error !== null) {
      process.stderr.write(`warning: --pcap ${options.pcap}: writing failed (${error.message}); the capture is incomplete\n`);
    }
  };
  if (pcapWriter !== null) {
    process.on('exit', close);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const waitable = device as Partial<WaitableDevice>;
  const waitReadable = (timeout: Duration | null): Promise<void> => {
    if (typeof waitable.waitReadable === 'function') return waitable.waitReadable.call(device, timeout);
    if ((timeout !== null && timeout <= 0) || (device instanceof Loopback && device.queued > 0)) return Promise.resolve();
    // Nothing queued and no timer: nothing can arrive but what this process sends, and the Runner's
    // wake() or stop ends its sleep without this promise. Resolving at once would spin.
    if (timeout === null) return new Promise(() => undefined);
    return new Promise((resolve) => setTimeout(resolve, Math.ceil(timeout / 1000)));
  };
  return { device: faultInjector, faultInjector, tracer, pcapWriter, close, waitReadable };
}
