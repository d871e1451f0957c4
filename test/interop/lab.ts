// A small lab for interop tests against the Linux kernel: a network namespace of the test's own with a
// tap in it (the kernel's side holds 10.78.N.1/24), our stack on the tap (10.78.N.2/24, default gateway
// 10.78.N.1) driven in this process by a Runner, a UDP echo socket on port 7, and the kernel's tools
// started as child processes in the namespace. close() stops the runner, closes the tap, kills every
// child and removes the namespaces, also when the test failed; nothing touches the machine's own
// interfaces.
import type { ChildProcess } from 'node:child_process';
import { Netns, disableIpv6, withNetns } from '../helpers/netns.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import type { Device } from '../../src/phy/device.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { Interface } from '../../src/iface/interface.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { parseIpv4 } from '../../src/wire/ipv4-address.js';
import { Runner } from '../../src/runner/runner.js';

let serial = 0;

export const OUR_MAC = '02:00:00:4c:41:42';
export const ECHO_PORT = 7;

export interface Lab {
  ns: Netns;
  tapName: string;
  /** The kernel's address on the tap and ours, dotted. */
  kernelAddr: string;
  ourAddr: string;
  /** The tap's own (kernel side) Ethernet address. */
  kernelMac: Uint8Array;
  tap: TapInterface;
  iface: Interface;
  sockets: SocketSet;
  /** Echoes every datagram back to its sender. */
  echo: UdpSocket;
  /** Datagrams the echo socket received, as copies (for tests that look at them). */
  echoed: Uint8Array[];
  runner: Runner;
  /** Extra work each turn, after the echo (a test's own sockets). */
  onTurn: (() => void) | null;
  /** Starts a tool in the namespace (or another one); it is killed on close(). */
  spawn(cmd: string, args: string[], ns?: Netns): ChildProcess;
  /** Namespaces the test made besides `ns`, removed on close(). */
  extraNamespaces: Netns[];
  close(): Promise<void>;
}

/** Creates the namespace, the tap and our stack, and starts the runner. */
export interface LabOptions {
  prefix?: string;
  /** Middleware over the tap (a Tracer, a FaultInjector): the runner polls it and waits on the tap. */
  wrap?: (tap: TapInterface) => Device;
}

export function openLab(options: LabOptions = {}): Lab {
  const n = (process.pid + serial++) % 200 + 20;
  const tapName = `ie${process.pid % 100000}x${serial}`;
  const ns = Netns.create(options.prefix ?? 'iface');
  const kernelAddr = `10.78.${n}.1`;
  const ourAddr = `10.78.${n}.2`;
  const children: ChildProcess[] = [];
  let tap: TapInterface | null = null;
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['addr', 'add', `${kernelAddr}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    let kernelMac: Uint8Array = new Uint8Array(0);
    tap = withNetns(ns, () => {
      kernelMac = interfaceHardwareAddress(tapName);
      return new TapInterface(tapName);
    });
    const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: [`${ourAddr}/24`], defaultGateway: kernelAddr });
    const sockets = new SocketSet(8);
    const echo = new UdpSocket({ rx: { packets: 32, payload: 131072 }, tx: { packets: 32, payload: 131072 } });
    echo.bind(ECHO_PORT);
    sockets.add(echo);
    const buf = new Uint8Array(65536);
    const from = new IpEndpoint();
    const echoed: Uint8Array[] = [];
    const lab: Lab = {
      ns, tapName, kernelAddr, ourAddr, kernelMac, tap, iface, sockets, echo, echoed,
      runner: null as unknown as Runner,
      onTurn: null,
      extraNamespaces: [],
      spawn(cmd, args, where = ns) {
        const child = where.spawn(cmd, args);
        children.push(child);
        return child;
      },
      async close() {
        stop.abort();
        try {
          await running;
        } finally {
          for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          tap!.close();
          for (const extra of lab.extraNamespaces) extra.destroy();
          ns.destroy();
        }
      },
    };
    const device = options.wrap ? options.wrap(tap) : tap;
    lab.runner = new Runner(iface, device, sockets, {
      waitOn: tap,
      onPoll: () => {
        for (;;) {
          if (!echo.canRecv()) break;
          const size = echo.peek(buf, 0, buf.length, from);
          if (!echo.canSend(size)) break; // the reply waits for room; the datagram stays queued
          echo.recv(buf, 0, buf.length, from);
          echoed.push(buf.slice(0, size));
          echo.send(buf, 0, size, from.addr, from.port);
        }
        lab.onTurn?.();
      },
    });
    const stop = new AbortController();
    const running = lab.runner.run(stop.signal);
    // A failure of the runner surfaces in close(); until then keep it from being an unhandled rejection.
    running.catch(() => {});
    return lab;
  } catch (e) {
    tap?.close();
    ns.destroy();
    throw e;
  }
}

/** Runs `fn` in a fresh lab and always cleans up. */
export async function withLab(fn: (lab: Lab) => Promise<void>, options?: LabOptions): Promise<void> {
  const lab = openLab(options);
  try {
    await fn(lab);
  } finally {
    await lab.close();
  }
}

/** Collects a child's stdout and stderr; `exit` resolves with the code (null for a signal). */
export function collect(child: ChildProcess): { stdout: () => Buffer; stderr: () => string; exit: Promise<number | null> } {
  const out: Buffer[] = [];
  let err = '';
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('close', (code) => resolve(code));
  });
  return { stdout: () => Buffer.concat(out), stderr: () => err, exit };
}

/** Resolves when `child` has written `length` bytes to stdout; rejects if it exits first or after `ms`. */
export function stdoutLength(child: ChildProcess, length: number, ms = 20_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    let err = '';
    const timer = setTimeout(() => reject(new Error(`timed out: ${got} of ${length} bytes on stdout; stderr: ${err}`)), ms);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= length) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) after ${got} of ${length} bytes on stdout; stderr: ${err}`));
    });
  });
}

/** Resolves once a UDP socket in `ns` is bound to `port` (ss lists it), instead of sleeping and hoping. */
export async function udpListening(ns: Netns, port: number, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (ns.run('ss', ['-Hlun', 'sport', '=', `:${port}`]).trim().length > 0) return;
    if (performance.now() > deadline) throw new Error(`no UDP socket on port ${port} in ${ns.name} after ${ms} ms`);
    await new Promise<void>((r) => setImmediate(r));
  }
}

export function addr(dotted: string): number {
  return parseIpv4(dotted);
}
