// The examples' shared options: every option in both spellings, other arguments left in order,
// mistakes reported as one sentence (no stack trace, exit code 2), and the middleware stack built
// in smoltcp's order with the capture below the fault injector.
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { Loopback } from '../../src/phy/loopback.js';
import {
  MIDDLEWARE_OPTIONS_HELP,
  OptionError,
  buildMiddleware,
  parseMiddlewareOptions,
} from '../../examples/utils/options.js';
import { PcapWriter } from '../../src/phy/pcap-writer.js';
import { Tracer } from '../../src/phy/tracer.js';
import { formatFrame } from '../../src/format/index.js';
import { tcpdumpFrames, tempDir } from '../pcap/support.js';

const test = suite('examples/utils/options');
const tmp = tempDir('options');
test.after(() => tmp.remove());

test('every option, as --name value and --name=value, and the rest kept in order', () => {
  const { options, rest, help } = parseMiddlewareOptions([
    'tap0', '--drop-chance', '15', '--corrupt-chance=2.5', '-v', '--size-limit', '1000',
    '--tx-rate-limit', '4', '--rx-rate-limit=5', '--shaping-interval', '50', '--pcap', 'x.pcap', '--seed=99', '10.0.0.1',
  ]);
  assert.equal(options, {
    dropChance: 15,
    corruptChance: 2.5,
    sizeLimit: 1000,
    txRateLimit: 4,
    rxRateLimit: 5,
    shapingInterval: 50,
    pcap: 'x.pcap',
    seed: 99,
    seedGiven: true,
  });
  assert.equal(rest, ['tap0', '-v', '10.0.0.1']);
  assert.is(help, false);
});

test('defaults: no faults, no capture, a random seed', () => {
  const a = parseMiddlewareOptions([]);
  assert.equal({ ...a.options, seed: 0 }, {
    dropChance: 0, corruptChance: 0, sizeLimit: 0, txRateLimit: 0, rxRateLimit: 0, shapingInterval: 0, pcap: null, seed: 0, seedGiven: false,
  });
  assert.ok(Number.isInteger(a.options.seed) && a.options.seed >= 0 && a.options.seed <= 0xffffffff);
  assert.is(parseMiddlewareOptions(['--help']).help, true);
  assert.is(parseMiddlewareOptions(['-h']).help, true);
  assert.equal(parseMiddlewareOptions(['a', '--', '--drop-chance', '5']).rest, ['a', '--', '--drop-chance', '5']);
});

test('mistakes say which option and what was expected', () => {
  const cases: [string[], string][] = [
    [['--drop-chance', 'abc'], "--drop-chance: expected a percentage from 0 to 100, got 'abc'"],
    [['--corrupt-chance=150'], "--corrupt-chance: expected a percentage from 0 to 100, got '150'"],
    [['--size-limit', '-1'], "--size-limit: expected a whole number >= 0, got '-1'"],
    [['--tx-rate-limit', '2.5', '--shaping-interval', '5'], "--tx-rate-limit: expected a whole number >= 0, got '2.5'"],
    [['--shaping-interval', 'soon'], "--shaping-interval: expected a number of milliseconds >= 0, got 'soon'"],
    [['--seed', '-3'], "--seed: expected an integer from 0 to 4294967295, got '-3'"],
    [['--drop-chance='], "--drop-chance: expected a percentage from 0 to 100, got ''"],
    [['--drop-chance'], '--drop-chance needs a value'],
    [['--pcap'], '--pcap needs FILE'],
    [['--pcap='], '--pcap needs a FILE name'],
    [['--rx-rate-limit', '4'], '--rx-rate-limit needs --shaping-interval MS (frames are counted per interval, e.g. --shaping-interval 50)'],
  ];
  for (const [args, message] of cases) {
    try {
      parseMiddlewareOptions(args);
      assert.unreachable(`${args.join(' ')} was accepted`);
    } catch (e) {
      assert.instance(e, OptionError);
      assert.is((e as Error).message, message);
    }
  }
});

test('the stack is FaultInjector(Tracer(PcapWriter(device))), configured from the options', () => {
  if (!needs('phy/options vs tcpdump', ['tcpdump'])) return;
  const lo = new Loopback();
  const path = tmp.path('stack.pcap');
  const { options } = parseMiddlewareOptions(['--pcap', path, '--seed', '5', '--size-limit', '1000']);
  const traced: string[] = [];
  const stack = buildMiddleware(lo, options, { loopback: true, trace: (d) => traced.push(d) });
  assert.instance(stack.device, FaultInjector);
  assert.is(stack.device, stack.faultInjector);
  assert.is(stack.faultInjector.inner, stack.tracer);
  assert.instance(stack.tracer, Tracer);
  assert.is(stack.tracer!.inner, stack.pcapWriter);
  assert.instance(stack.pcapWriter, PcapWriter);
  assert.is(stack.pcapWriter!.inner, lo);
  assert.is(stack.pcapWriter!.mode, 'tx', 'a loopback captures each frame once');
  assert.is(stack.faultInjector.seed, 5);
  assert.is(stack.faultInjector.sizeLimit, 1000);
  stack.device.transmit(0)!.consume(60, null, () => undefined);
  stack.device.receive(1)!.rx.consume(null, () => undefined);
  stack.close();
  stack.close();
  assert.equal(traced, ['tx', 'rx']);
  assert.is(tcpdumpFrames(path).length, 1);
});

test('without --pcap and with tracing off, only the fault injector wraps the device', () => {
  const lo = new Loopback();
  const stack = buildMiddleware(lo, parseMiddlewareOptions([]).options, { trace: false });
  assert.is(stack.tracer, null);
  assert.is(stack.pcapWriter, null);
  assert.is(stack.faultInjector.inner, lo);
  const traced = buildMiddleware(lo, parseMiddlewareOptions(['--pcap', tmp.path('both.pcap')]).options, { format: formatFrame });
  assert.instance(traced.tracer, Tracer);
  assert.is(traced.pcapWriter!.mode, 'both');
  traced.close();
});

test('waitReadable: the driver\'s own wait when it has one, else queued frames or the timeout', async () => {
  const calls: (number | null)[] = [];
  const lo = new Loopback();
  const waitable = Object.assign(new Loopback(), {
    waitReadable(timeout: number | null): Promise<void> {
      calls.push(timeout);
      return Promise.resolve();
    },
  });
  const options = parseMiddlewareOptions([]).options;
  await buildMiddleware(waitable, options, { trace: false }).waitReadable(5_000);
  assert.equal(calls, [5_000]);

  const stack = buildMiddleware(lo, options, { trace: false });
  const t0 = performance.now();
  await stack.waitReadable(30_000);
  assert.ok(performance.now() - t0 >= 25, 'an empty loopback waits for the timeout');
  lo.transmit(0)!.consume(60, null, () => undefined);
  const ready = await Promise.race([stack.waitReadable(5_000_000).then(() => 'ready'), new Promise((r) => setImmediate(() => r('next turn')))]);
  assert.is(ready, 'ready', 'a queued frame is ready at once, before the event loop turns');
  await stack.waitReadable(null);
});

test('a capture file that cannot be created is an OptionError', () => {
  const { options } = parseMiddlewareOptions(['--pcap', tmp.path('no/such/dir/x.pcap')]);
  assert.throws(() => buildMiddleware(new Loopback(), options), (e: unknown) => e instanceof OptionError && /^--pcap: cannot create /.test((e as Error).message));
});

function runExample(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const module = new URL('../../examples/utils/options.ts', import.meta.url).pathname;
  const script = `
    import { parseMiddlewareOptionsOrExit } from ${JSON.stringify(module)};
    const { options, rest } = parseMiddlewareOptionsOrExit(process.argv.slice(1), 'usage: example [options] IFACE');
    console.log(JSON.stringify({ drop: options.dropChance, rest }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url).pathname,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an example exits 2 with one sentence for a bad option, 0 with the help text for --help', () => {
  const bad = runExample(['--drop-chance', 'lots']);
  assert.is(bad.status, 2);
  assert.is(bad.stderr, "error: --drop-chance: expected a percentage from 0 to 100, got 'lots'\nTry --help for the options.\n");
  assert.is(bad.stdout, '');
  const help = runExample(['--help']);
  assert.is(help.status, 0);
  assert.is(help.stdout, `usage: example [options] IFACE\n\n${MIDDLEWARE_OPTIONS_HELP}`);
  const ok = runExample(['--drop-chance', '3', 'tap0']);
  assert.is(ok.status, 0);
  assert.equal(JSON.parse(ok.stdout), { drop: 3, rest: ['tap0'] });
});

test('a capture keeps its last frames when the example is stopped with Ctrl-C', async () => {
  if (!needs('phy/options vs tcpdump', ['tcpdump'])) return;
  const path = tmp.path('sigint.pcap');
  const module = (path: string) => JSON.stringify(new URL(`../../${path}.ts`, import.meta.url).pathname);
  const script = `
    import { buildMiddleware, parseMiddlewareOptions } from ${module('examples/utils/options')};
    import { Loopback } from ${module('src/phy/loopback')};
    const stack = buildMiddleware(new Loopback(), parseMiddlewareOptions(process.argv.slice(1)).options, { trace: false });
    for (let i = 0; i < 3; i++) stack.device.transmit(1_000_000 + i)!.consume(60, null, () => undefined);
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script.replace(/!\./g, '.'), '--', '--pcap', path], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => (c.toString().includes('ready') ? resolve() : undefined));
    child.on('close', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  child.kill('SIGINT');
  assert.is(await closed, 'SIGINT', 'the process still ends by the signal');
  assert.is(tcpdumpFrames(path).length, 3);
});

test.run();
