// Running the examples as the user would, inside a namespace a test creates: a tap (or veth) set up on the
// kernel's side, the example started as a child process in the namespace, its output awaited (never a
// fixed sleep), and everything killed and removed afterwards, also when a test fails.
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Netns, disableIpv6 } from '../helpers/netns.js';
import { waitForExit } from '../helpers/child.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A namespace with `tap0` up at 192.168.69.100/24, as the README's setup; optionally a static neighbour. */
export function tapNamespace(prefix: string, neighbor?: { ip: string; mac: string }): Netns {
  const ns = Netns.create(prefix);
  try {
    ns.run('ip', ['tuntap', 'add', 'name', 'tap0', 'mode', 'tap']);
    disableIpv6(ns, 'tap0');
    ns.run('ip', ['link', 'set', 'tap0', 'up']);
    ns.run('ip', ['addr', 'add', '192.168.69.100/24', 'dev', 'tap0']);
    if (neighbor !== undefined) {
      ns.run('ip', ['neigh', 'replace', neighbor.ip, 'lladdr', neighbor.mac, 'dev', 'tap0', 'nud', 'permanent']);
    }
    return ns;
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

/** An example running in a namespace, with everything it printed. */
export class ExampleRun {
  output = '';
  private readonly waiters: { marker: string | RegExp; resolve: () => void }[] = [];

  constructor(readonly name: string, readonly child: ChildProcess) {
    const take = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.has(this.waiters[i]!.marker)) this.waiters.splice(i, 1)[0]!.resolve();
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
  }

  has(marker: string | RegExp): boolean {
    return typeof marker === 'string' ? this.output.includes(marker) : marker.test(this.output);
  }

  /** Resolves once the example printed `marker`; rejects if it exits first or after `ms`. */
  waitFor(marker: string | RegExp, ms = 60_000): Promise<void> {
    if (this.has(marker)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${marker}" after ${ms} ms; it printed:\n${this.tail()}`)), ms);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        if (this.has(marker)) resolve();
        else reject(new Error(`${this.name} exited (${code}) before printing "${marker}":\n${this.tail()}`));
      };
      this.child.once('exit', onExit);
      this.waiters.push({
        marker,
        resolve: () => {
          clearTimeout(timer);
          this.child.off('exit', onExit);
          resolve();
        },
      });
    });
  }

  /** The exit code, once it exits on its own (rejects after `ms`). */
  async exited(ms = 60_000): Promise<number | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still running after ${ms} ms:\n${this.tail()}`)), ms);
    });
    try {
      return await Promise.race([waitForExit(this.child), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines printed, for failure messages. */
  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Stops the example as Ctrl-C would (SIGTERM: it flushes its capture) and resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited();
  }

  /** Kills the example (if still running) and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await waitForExit(this.child);
    }
  }
}

/** Starts `npx tsx examples/NAME.ts ARGS` in `ns` (node with tsx's loader, from the repository's root). */
export function startExample(ns: Netns, name: string, args: string[]): ExampleRun {
  const child = ns.spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], { cwd: ROOT });
  return new ExampleRun(name, child);
}

/** Runs a shell command line in `ns` and resolves with its stdout (rejects with stderr on failure). */
export function shellIn(ns: Netns, script: string, input?: string, ms = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = ns.spawn('sh', ['-c', script]);
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`in ${ns.name}: ${script}: exit ${code ?? signal}: ${err}`));
    });
    child.stdin!.end(input);
  });
}
