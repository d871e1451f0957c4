// What the TCP tests against the Linux kernel share: a namespace with a tap whose kernel side has an
// address and our MAC as a permanent neighbour, our Interface on the tap (optionally behind a device
// wrapper: a fault injector, a segment dropper), the loop that polls it while the kernel works, and the
// two socat transfers (a kernel client into our listener, our client into a kernel server), each checked
// by SHA-256. Everything it starts is stopped by close(), which also removes the namespace.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, withNetns, type Capture } from '../../helpers/netns.js';
import { Interface } from '../../../src/iface/interface.js';
import type { Device } from '../../../src/phy/device.js';
import { TapInterface } from '../../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../../src/phy/sys/interface.js';
import { SocketSet } from '../../../src/socket/socket-set.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import type { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TCP_RECV_FINISHED, TcpState, type TcpSocket } from '../../../src/socket/tcp/socket.js';
import { now as clock } from '../../../src/time.js';

/** Our MAC on every test tap; the kernel learns it as a permanent neighbour. */
const OUR_MAC = '02:00:00:00:00:02';

/** The shape of a kernel tap: names, addresses, MTU, the tap's offload, and what sits between tap and interface. */
export interface KernelTapOptions {
  /** A short tag for the namespace and the tap's name (at most 3 characters: names are 15 at most). */
  tag: string;
  /** The /24 both ends live in, as its first three octets ('10.79.80'): the kernel is .1, we are .2. */
  subnet: string;
  /** The tap's MTU (the interface takes it from the device). Default: the kernel's 1500. */
  mtu?: number;
  /** Open the tap with a virtio-net header and checksum offload. */
  checksumOffload?: boolean;
  /** Wraps the tap before the interface sees it (a FaultInjector, a test's own dropper). */
  wrap?: (tap: TapInterface) => Device;
  /** Slots of the socket set. Default 8. */
  sockets?: number;
}

/** A namespace, its tap, our interface on it, and what the test started there. */
export class KernelTap {
  readonly kernelIp: string;
  readonly ourIp: string;
  readonly kernelAddr: number;
  readonly ourAddr: number;
  readonly tapName: string;
  readonly ns: Netns;
  readonly tap: TapInterface;
  readonly device: Device;
  readonly iface: Interface;
  readonly sockets: SocketSet;
  /** A temporary directory for the transfers' files, removed by close(). */
  readonly dir: string;
  private readonly kernelMac: number;
  private readonly children: ChildProcess[] = [];
  private readonly captures: Capture[] = [];
  private static serial = 0;

  constructor(options: KernelTapOptions) {
    const n = KernelTap.serial++;
    this.tapName = `t${options.tag}${process.pid % 10000}x${n}`;
    this.kernelIp = `${options.subnet}.1`;
    this.ourIp = `${options.subnet}.2`;
    this.kernelAddr = ipValue(this.kernelIp);
    this.ourAddr = ipValue(this.ourIp);
    this.ns = Netns.create(`tcp${options.tag}`);
    try {
      const ns = this.ns;
      ns.run('ip', ['tuntap', 'add', 'name', this.tapName, 'mode', 'tap']);
      disableIpv6(ns, this.tapName);
      if (options.mtu !== undefined) ns.run('ip', ['link', 'set', this.tapName, 'mtu', String(options.mtu)]);
      ns.run('ip', ['addr', 'add', `${this.kernelIp}/24`, 'dev', this.tapName]);
      ns.run('ip', ['link', 'set', this.tapName, 'up']);
      // Static neighbours both ways (the kernel's here, ours in drive()): ARP has no checksum, so a
      // corrupted ARP frame would teach a wrong address and stall a transfer for reasons not TCP's.
      ns.run('ip', ['neigh', 'replace', this.ourIp, 'lladdr', OUR_MAC, 'dev', this.tapName, 'nud', 'permanent']);
      this.kernelMac = withNetns(ns, () => interfaceHardwareAddress(this.tapName)).reduce((v, b) => v * 256 + b, 0);
      this.tap = withNetns(ns, () => new TapInterface(this.tapName, { checksumOffload: options.checksumOffload ?? false }));
      this.device = options.wrap?.(this.tap) ?? this.tap;
      this.iface = new Interface({ hardwareAddr: OUR_MAC, addresses: [`${this.ourIp}/24`] });
      this.sockets = new SocketSet(options.sockets ?? 8);
      this.dir = mkdtempSync(join(tmpdir(), 'smoltcp-tcp-'));
    } catch (e) {
      this.ns.destroy();
      throw e;
    }
  }

  /** Starts a command in the namespace; close() kills it if it is still running. */
  spawn(cmd: string, args: string[]): ChildProcess {
    const child = this.ns.spawn(cmd, args);
    this.children.push(child);
    return child;
  }

  /** Keeps a capture for close() to stop. */
  track(capture: Capture): Capture {
    this.captures.push(capture);
    return capture;
  }

  /**
   * Polls the interface until `done()` says so: `step()` runs after each poll (the application), and the
   * loop sleeps in waitReadable until a frame arrives or the interface's next timer. Fails after `limitMs`
   * with `what()`, which says how far it got.
   */
  async drive(step: () => void, done: () => boolean, limitMs: number, what: () => string): Promise<void> {
    const deadline = performance.now() + limitMs;
    while (!done()) {
      this.iface.neighbors.fill(this.kernelAddr, this.kernelMac, clock());
      this.iface.poll(clock(), this.device, this.sockets);
      step();
      this.iface.poll(clock(), this.device, this.sockets);
      if (done()) break;
      if (performance.now() > deadline) throw new Error(`${what()}: not done after ${limitMs} ms`);
      const delay = this.iface.pollDelay(clock(), this.sockets);
      if (delay !== 0) await this.tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
    }
  }

  /**
   * A kernel client (socat, with `socatOptions` such as a larger block size) sends `data` to `listener`,
   * which must listen on port 8080; we read it all, close, and check length and SHA-256.
   */
  async receiveFromSocat(listener: TcpListener, data: Uint8Array, limitMs: number, socatOptions: string[] = []): Promise<void> {
    const file = join(this.dir, 'in.bin');
    writeFileSync(file, data);
    const client = this.spawn('socat', ['-u', ...socatOptions, `OPEN:${file}`, `TCP:${this.ourIp}:8080`]);
    const stderr = output(client);
    const hash = createHash('sha256');
    const buf = new Uint8Array(65536);
    let conn: TcpSocket | null = null;
    let received = 0;
    let finished = false;
    await this.drive(
      () => {
        conn ??= listener.accept();
        if (conn === null) return;
        for (;;) {
          const n = conn.recv(buf);
          if (n === TCP_RECV_FINISHED) {
            finished = true;
            conn.close();
            break;
          }
          if (n <= 0) break;
          hash.update(buf.subarray(0, n));
          received += n;
        }
      },
      () => finished && client.exitCode !== null,
      limitMs,
      () => `kernel to us, ${received} of ${data.length} bytes, socat ${client.exitCode === null ? 'running' : `exited ${client.exitCode}: ${stderr()}`}`,
    );
    assert.is(await exited(client), 0, `socat: ${stderr()}`);
    assert.is(received, data.length);
    assert.is(hash.digest('hex'), sha256(data));
  }

  /**
   * Our `socket` connects to a kernel server (socat on port 9090, with `socatOptions`) and sends `data`,
   * then closes; the file socat wrote must be equal. A refused attempt (socat not listening yet) is
   * retried from the next port.
   */
  async sendToSocat(socket: TcpSocket, data: Uint8Array, limitMs: number, socatOptions: string[] = []): Promise<void> {
    const out = join(this.dir, 'out.bin');
    const server = this.spawn('socat', ['-u', ...socatOptions, `TCP-LISTEN:9090,bind=${this.kernelIp},reuseaddr`, `CREATE:${out}`]);
    const stderr = output(server);
    const size = data.length;
    let port = 40000;
    let sent = 0;
    let closed = false;
    const connect = (): void => socket.connect(new IpEndpoint(this.kernelAddr, 9090), new IpEndpoint(this.ourAddr, port++));
    connect();
    await this.drive(
      () => {
        if (socket.state === TcpState.Closed && !closed) connect();
        if (socket.maySend() && sent < size) sent += socket.send(data, sent, size - sent);
        if (sent === size && !closed && socket.state === TcpState.Established) {
          socket.close();
          closed = true;
        }
      },
      () => closed && server.exitCode !== null,
      limitMs,
      () => `us to kernel, ${sent} of ${size} bytes queued, state ${TcpState[socket.state]}, socat ${server.exitCode === null ? 'running' : `exited ${server.exitCode}: ${stderr()}`}`,
    );
    assert.is(await exited(server), 0, `socat: ${stderr()}`);
    const got = readFileSync(out);
    assert.is(got.length, size);
    assert.is(sha256(got), sha256(data));
  }

  /** Stops what the test started, closes the tap, removes the namespace and the directory. */
  close(): void {
    for (const c of this.captures) c.stop();
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    this.tap.close();
    this.ns.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A dotted IPv4 address as the number the sockets take. */
export function ipValue(text: string): number {
  return text.split('.').reduce((v, part) => v * 256 + Number(part), 0);
}

/** Resolves with the exit code once `child` has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

/** Collects what `child` writes to stdout and stderr; the function returns it so far. */
export function output(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return () => out;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
