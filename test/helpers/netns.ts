// Network namespaces for tests that touch real interfaces. Each test creates its own namespace with a
// unique name and removes it afterwards; nothing here ever configures the machine's own interfaces.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { CLONE_NEWNET, O_CLOEXEC, O_RDONLY } from '../../src/phy/sys/constants.js';
import { loadLibc } from '../../src/phy/sys/libc.js';

let counter = 0;

export class Netns {
  private constructor(readonly name: string) {}

  /** Creates `smolt-<prefix>-<pid>-<n>` with its loopback up. */
  static create(prefix: string): Netns {
    const name = `smolt-${prefix}-${process.pid}-${counter++}`;
    execFileSync('ip', ['netns', 'add', name]);
    const ns = new Netns(name);
    ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a command inside the namespace and returns its stdout; throws with stderr on failure. */
  run(cmd: string, args: string[], input?: string | Uint8Array): string {
    try {
      return execFileSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
        encoding: 'utf8',
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`in netns ${this.name}: ${cmd} ${args.join(' ')}: ${err.stderr || err.message}`);
    }
  }

  /** Starts a long-running command inside the namespace (tcpdump, socat, ...). */
  spawn(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: 'pipe', ...options });
  }

  /** Path usable with setns(2) to enter the namespace. */
  get path(): string {
    return `/var/run/netns/${this.name}`;
  }

  destroy(): void {
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/**
 * Runs `fn` synchronously with the calling thread inside `ns` (setns(2)), then returns the thread to
 * the namespace it was in, even if `fn` throws. Descriptors opened meanwhile (a tap, a packet socket)
 * stay bound to `ns`, so a test opens its devices in its namespace without touching the host's.
 * `fn` must not await: only this thread moves, and only until `fn` returns.
 */
export function withNetns<R>(ns: Netns, fn: () => R): R {
  const libc = loadLibc();
  const original = libc.open('/proc/thread-self/ns/net', O_RDONLY | O_CLOEXEC);
  if (original < 0) throw new Error(`open /proc/thread-self/ns/net: errno ${libc.errno()}`);
  try {
    const target = libc.open(ns.path, O_RDONLY | O_CLOEXEC);
    if (target < 0) throw new Error(`open ${ns.path}: errno ${libc.errno()}`);
    try {
      if (libc.setns(target, CLONE_NEWNET) < 0) throw new Error(`setns into ${ns.name}: errno ${libc.errno()}`);
    } finally {
      libc.close(target);
    }
    try {
      return fn();
    } finally {
      if (libc.setns(original, CLONE_NEWNET) < 0) {
        // Staying in the test namespace would make every later test lie; stop the run instead.
        console.error(`setns back to the original namespace failed: errno ${libc.errno()}`);
        process.exit(70);
      }
    }
  } finally {
    libc.close(original);
  }
}
