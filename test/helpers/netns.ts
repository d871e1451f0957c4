// Network namespaces for tests that touch real interfaces. Each test creates its own namespace with a
// unique name and removes it afterwards; nothing here ever configures the machine's own interfaces.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { CLONE_NEWNET, O_CLOEXEC, O_RDONLY } from '../../src/phy/sys/constants.js';
import { loadLibc } from '../../src/phy/sys/libc.js';
import { waitUntil } from './child.js';

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

/** A tcpdump running in a namespace, capturing to memory. */
export interface Capture {
  /** The captured frames, once tcpdump has seen `count` of them (or was stopped). */
  readonly frames: Promise<Uint8Array[]>;
  stop(): void;
}

/**
 * Starts `tcpdump -i iface` in `ns` with a capture filter and resolves once it is listening, so a
 * frame sent afterwards is captured. Resolves `frames` after `count` frames or `timeoutMs`.
 */
export function startCapture(ns: Netns, iface: string, filter: string, count = 1, timeoutMs = 20_000): Promise<Capture> {
  const child = ns.spawn('tcpdump', ['-i', iface, '-n', '-U', '--immediate-mode', '-w', '-', '-c', String(count), filter]);
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  const stop = (): void => {
    child.kill('SIGINT');
  };
  const timer = setTimeout(stop, timeoutMs);
  const frames = new Promise<Uint8Array[]>((resolve) => {
    child.on('close', () => {
      clearTimeout(timer);
      resolve(parsePcap(Buffer.concat(chunks)));
    });
  });
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('listening on')) resolve({ frames, stop });
    });
    child.on('close', (code) => reject(new Error(`tcpdump on ${iface} exited (${code}) before listening: ${stderr}`)));
  });
}

/**
 * The frames in a pcap file that tcpdump (-U, --immediate-mode) may still be writing: a record cut short at
 * the end is left out, and a file not yet created holds none.
 */
export function pcapFileFrames(path: string): Uint8Array[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return parsePcap(data);
}

/** Whether `frame` is an Ethernet/IPv4/TCP segment with RST set, sent from `port`. */
export function isTcpResetFrom(frame: Uint8Array, port: number): boolean {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 6) return false;
  const tcp = 14 + (frame[14]! & 0x0f) * 4;
  if (frame.length < tcp + 14) return false;
  return ((frame[tcp]! << 8) | frame[tcp + 1]!) === port && (frame[tcp + 13]! & 0x04) !== 0;
}

/** Resolves once a socket in `ns` listens on `port` (`ss` lists it), instead of sleeping and hoping. */
export function waitForListener(ns: Netns, proto: 'tcp' | 'udp', port: number): Promise<void> {
  const listed = (): boolean => ns.run('ss', ['-Hln', proto === 'tcp' ? '-t' : '-u', 'sport', '=', `:${port}`]).trim().length > 0;
  return waitUntil(listed, `a ${proto} listener on port ${port} in ${ns.name}`);
}

/**
 * Resolves once `name` in `ns` is up with its queueing discipline attached. A tap gets its carrier when a
 * descriptor opens it, but the kernel swaps the "noop" qdisc, which drops everything sent, for the real one
 * later, from its link-watch work: a frame sent into the device before then is lost without an error.
 */
export function waitForLinkUp(ns: Netns, name: string): Promise<void> {
  const up = (): boolean => {
    const line = ns.run('ip', ['link', 'show', 'dev', name]);
    return /\bstate UP\b/.test(line) && !/\bqdisc noop\b/.test(line);
  };
  return waitUntil(up, `${name} up with a qdisc in ${ns.name}`);
}

/** The frames of a little-endian classic pcap stream, micro- or nanosecond (what tcpdump -w writes here). */
function parsePcap(data: Buffer): Uint8Array[] {
  const frames: Uint8Array[] = [];
  if (data.length < 24) return frames;
  if (data.readUInt32LE(0) !== 0xa1b2c3d4 && data.readUInt32LE(0) !== 0xa1b23c4d) throw new Error(`unexpected pcap magic ${data.readUInt32LE(0).toString(16)}`);
  let at = 24;
  while (at + 16 <= data.length) {
    const length = data.readUInt32LE(at + 8);
    if (at + 16 + length > data.length) break;
    frames.push(new Uint8Array(data.subarray(at + 16, at + 16 + length)));
    at += 16 + length;
  }
  return frames;
}

/**
 * Runs an ES module snippet in a fresh Node process inside `ns`, under `setpriv <setprivArgs>` (e.g.
 * `--bounding-set=-net_raw`) to see what a less privileged user meets. The snippet has `TapInterface` and
 * `RawSocket` in scope and may use top-level await.
 *
 * With `asUser`, the child loads its modules as root and only then becomes that user (setgroups, setgid,
 * setuid, which drops every capability) before running the snippet: a user such as nobody could not read a
 * checkout inside a 0700 directory (`mktemp -d`, many home directories), so it must not be the one to load it.
 */
export function runModuleInNetns(
  ns: Netns,
  setprivArgs: string[],
  body: string,
  asUser?: { uid: number; gid: number },
): { status: number | null; stdout: string; stderr: string } {
  const root = new URL('../../', import.meta.url).pathname;
  const becomeUser =
    asUser === undefined
      ? ''
      : `
    const { loadLibc } = await import(${JSON.stringify(root + 'src/phy/sys/libc.ts')});
    loadLibc();
    process.setgroups([]);
    process.setgid(${asUser.gid});
    process.setuid(${asUser.uid});`;
  const script = `
    const { TapInterface } = await import(${JSON.stringify(root + 'src/phy/tap-interface.ts')});
    const { RawSocket } = await import(${JSON.stringify(root + 'src/phy/raw-socket.ts')});
    ${becomeUser}
    ${body}`;
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const result = spawnSync('ip', ['netns', 'exec', ns.name, 'setpriv', ...setprivArgs, '--', ...node], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Turns IPv6 off on `iface` in `ns` (no router solicitations or MLD reports), so the only traffic on
 * it is what a test causes. Writes /proc/sys directly, which follows the calling thread's namespace,
 * rather than needing procps' sysctl. A kernel without IPv6 has nothing to turn off.
 */
export function disableIpv6(ns: Netns, iface: string): void {
  withNetns(ns, () => {
    try {
      writeFileSync(`/proc/sys/net/ipv6/conf/${iface}/disable_ipv6`, '1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  });
}
