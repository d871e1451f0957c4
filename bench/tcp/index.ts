// `npm run bench -- tcp [--bytes N] [--tap-bytes N] [--kernel-bytes N] [--mtu M] [--tap-mtu M] [--limit S] [--parts loop,tap,kernel]`:
// TCP throughput in one run, with bytes allocated and GCs per segment for our stack:
// - loopback: two of our interfaces in one process over a LinkedPair, a client sending `--bytes`
//   (default 1 GiB) to a server, with 64 KiB and with 4 MiB socket buffers: first at MTU `--mtu` (default
//   1500) with every checksum computed and verified, then at MTU 65535 with checksums ignored (the kernel's
//   loopback has a 64 KiB MTU and no checksums: the like-for-like), with separate buffers, with the stack's
//   buffers (the pair's queues, the sockets' rings) in one ArrayBuffer, and with every buffer in one;
// - tap: our stack on a tap in a namespace this benchmark creates, against the kernel (bench/tcp/pump.c,
//   compiled with cc on every run): "reader" is the kernel reading what we send, "writer" the kernel
//   writing to us (`--tap-bytes`, default 1 GiB as the kernel references move: 256 MiB took about 0.1 s
//   and measured mostly V8's warm-up on the tap's paths; the tap's and our MTU `--tap-mtu`, default 65521,
//   the largest Linux gives a tap), the stack's buffers in one ArrayBuffer, without and with the tap's
//   checksum offload (a virtio-net header, TUN_F_CSUM), allocation profiled by quarters as in the loops;
// - references: the kernel to itself between two namespaces over a veth (same MTU as the tap), run just
//   before and just after the tap parts, the kernel over the loopback of a namespace, just before and just
//   after the MTU 65535 loops (each ratio takes the mean of the two), and Node's `net` over 127.0.0.1 in a
//   namespace (`--kernel-bytes`, default 1 GiB).
// Each part stops after `--limit` seconds (default 60) whatever it moved; `--parts` runs some of them.
// Ends with one line:
//   bench tcp: loopback_gbps=.. tap_reader_gbps=.. tap_writer_gbps=.. kernel_veth_gbps=.. kernel_lo_gbps=.. node_net_gbps=.. bytes_per_segment=.. gcs=..
// loopback_gbps is the lower of the two buffer sizes at MTU 65535, checksums ignored, the stack's buffers in
// one ArrayBuffer; the tap figures are those with checksum offload; bytes_per_segment is the worst of the
// in-process loops in steady state (the least of four quarters of the measured part) less the benchmark's
// own clock reads (on the tap, readiness waits allocate; their count is printed), gcs the sum over all
// our measured parts.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { Device, RxPair, TxToken } from '../../src/phy/device.js';
import type { DeviceCapabilities } from '../../src/phy/capabilities.js';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { ChecksumCapabilities } from '../../src/phy/capabilities.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { TcpSocket, TcpState } from '../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { now as clock } from '../../src/time.js';
import { Netns, disableIpv6, withNetns } from '../../test/helpers/netns.js';
import { unmetNeed } from '../../test/helpers/needs.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench tcp: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

const GiB = 1 << 30;
const MiB = 1 << 20;
const loopBytes = option('bytes', GiB);
const tapBytes = option('tap-bytes', 1024 * MiB);
const kernelBytes = option('kernel-bytes', GiB);
const loopMtu = option('mtu', 1500);
const tapMtu = option('tap-mtu', 65521);
const limitSeconds = option('limit', 60);
function words(name: string, fallback: string): string[] {
  const at = process.argv.indexOf(`--${name}`);
  return (at < 0 ? fallback : process.argv[at + 1] ?? '').split(',');
}
/** `--parts loop,tap,kernel`: which parts to run (default all); for profiling one of them. */
const parts = words('parts', 'loop,tap,kernel');
const here = fileURLToPath(new URL('.', import.meta.url));

/** Counts the frames received: every segment either side sends is received once by the other. */
class Counting implements Device {
  frames = 0;
  constructor(readonly inner: Device) {}
  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }
  receive(timestamp: number): RxPair | null {
    const pair = this.inner.receive(timestamp);
    if (pair !== null) this.frames++;
    return pair;
  }
  transmit(timestamp: number): TxToken | null {
    return this.inner.transmit(timestamp);
  }
}

interface Run {
  bytes: number;
  seconds: number;
  segments: number;
  allocated: number;
  gcs: number;
  /** In-process loops: bytes allocated per segment in the least of the measured part's four quarters (steady state). */
  steady?: number;
  /** Of which the benchmark's own clock reads (performance.now(), 16 bytes each), per segment in that quarter. */
  steadyClock?: number;
  /** Readiness waits (waitReadable) in the measured part; each allocates about 950 bytes (a promise, a timer, libuv's callback). */
  waits?: number;
  /** Tap runs: readiness waits and clock reads per segment in the steady-state quarter. */
  steadyWaits?: number;
  steadyReads?: number;
}

let waits = 0;
/** The tap runs' clock reads in drive() (clock(): performance.now(), a heap number each). */
let tapClockReads = 0;

const gbps = (r: { bytes: number; seconds: number }): number => (r.bytes * 8) / r.seconds / 1e9;
const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/**
 * What a profiled window allocates by itself (the profiler, the heap statistics read at each end): the
 * least of a few empty windows, measured once and taken off every window's figure.
 */
let profilerOwn = 0;

function calibrateProfiler(): void {
  let least = Infinity;
  for (let i = 0; i < 8; i++) {
    const stop = startProfile(false);
    least = Math.min(least, stop().allocated);
  }
  profilerOwn = least;
}

function startProfile(collect = true): () => { allocated: number; gcs: number } {
  if (collect) (globalThis as { gc?: () => void }).gc?.();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  return () => {
    const after = v8.getHeapStatistics().used_heap_size;
    const report = profiler.stop();
    let freed = 0;
    for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    return { allocated: Math.max(0, after - before + freed - profilerOwn), gcs: report.statistics.length };
  };
}

/**
 * Allocation by quarters of a tap run, as the loops measure theirs: `mark(progress)` closes a quarter once
 * the run's progress passes it. A one-off of the JIT lands in one quarter; what the per-segment path
 * allocates shows in every one. `steady` is the least quarter's bytes per segment, with the readiness
 * waits and clock reads per segment of that quarter (the driver's and the application's, not the stack's).
 */
class QuarterProfile {
  steady = Infinity;
  steadyWaits = 0;
  steadyReads = 0;
  private quarter = 0;
  private segments0 = 0;
  private waits0 = 0;
  private reads0 = 0;
  private stop: () => { allocated: number; gcs: number } = () => ({ allocated: 0, gcs: 0 });

  constructor(
    private readonly total: number,
    private readonly segments: () => number,
  ) {
    this.open();
  }

  mark(progress: number): void {
    if (this.quarter >= 4 || progress < ((this.quarter + 1) * this.total) / 4) return;
    const p = this.stop();
    const segments = this.segments() - this.segments0;
    if (segments > 0 && p.allocated / segments < this.steady) {
      this.steady = p.allocated / segments;
      this.steadyWaits = (waits - this.waits0) / segments;
      this.steadyReads = (tapClockReads - this.reads0) / segments;
    }
    if (++this.quarter < 4) this.open();
  }

  private open(): void {
    this.segments0 = this.segments();
    this.waits0 = waits;
    this.reads0 = tapClockReads;
    this.stop = startProfile(false);
  }
}

/** Views of one ArrayBuffer of `size` bytes, 8-byte aligned: where a run keeps the stack's buffers. */
function arena(size: number): (bytes: number) => Uint8Array {
  const storage = new Uint8Array(size);
  let used = 0;
  return (bytes: number): Uint8Array => {
    const at = used;
    used = (at + bytes + 7) & ~7;
    if (used > size) throw new Error('bench tcp: the arena is too small');
    return storage.subarray(at, at + bytes);
  };
}

function newSocket(size: number, allocate: (bytes: number) => Uint8Array = (n) => new Uint8Array(n)): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(allocate(size)), txBuffer: new RingBuffer(allocate(size)) });
}

/**
 * Where a loopback run keeps its buffers: every one its own ArrayBuffer ('separate', what `new RingBuffer(n)`
 * and LinkedPair's defaults give); the stack's (the pair's queues and the sockets' rings) in one ArrayBuffer
 * and the application's apart ('stack'); or all of them in one ('all'). copyBytes is a memmove (copyWithin)
 * between two views of one ArrayBuffer and an eight-byte loop between two ArrayBuffers.
 */
type Placement = 'separate' | 'stack' | 'all';

interface LoopConfig {
  /** IP MTU of the pair. */
  mtu: number;
  /** Checksums computed and verified (the default), or ignored as by an offloading NIC or the kernel's loopback. */
  checksums: 'computed' | 'ignored';
  placement: Placement;
}

function describeLoop(c: LoopConfig): string {
  const where = c.placement === 'separate' ? 'separate buffers' : c.placement === 'stack' ? "the stack's buffers in one ArrayBuffer" : 'every buffer in one ArrayBuffer';
  return `MTU ${c.mtu}, checksums ${c.checksums}, ${where}`;
}

/**
 * Two interfaces over a LinkedPair; A sends `total` bytes to B. The application's turn copies into A's
 * send buffer and out of B's receive buffer (64 KiB at a time), between the two interfaces' polls.
 * A warm-up of 64 MiB (or an eighth of `total`) runs before the measured part.
 */
function loopback(bufferSize: number, total: number, c: LoopConfig): Run {
  const capacity = c.mtu > 9000 ? 64 : 512;
  const frame = c.mtu + 14;
  const arena = new Uint8Array(c.placement === 'separate' ? 0 : 4 * bufferSize + 2 * frame * (capacity + 2) + 2 * 65536 + 64);
  let used = 0;
  const fromArena = (size: number): Uint8Array => {
    const at = used;
    used = (at + size + 7) & ~7;
    return arena.subarray(at, at + size);
  };
  const stackBuffer = c.placement === 'separate' ? (size: number) => new Uint8Array(size) : fromArena;
  const appBuffer = c.placement === 'all' ? fromArena : (size: number) => new Uint8Array(size);
  const pair = new LinkedPair({
    capacity,
    maxTransmissionUnit: frame,
    checksum: c.checksums === 'ignored' ? ChecksumCapabilities.ignored() : ChecksumCapabilities.default(),
    allocate: stackBuffer,
  });
  const devA = new Counting(pair.a);
  const devB = new Counting(pair.b);
  const ifaceA = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const ifaceB = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['192.168.69.2/24'] });
  const socketsA = new SocketSet(2);
  const socketsB = new SocketSet(2);
  const newLoopSocket = (): TcpSocket => new TcpSocket({ rxBuffer: new RingBuffer(stackBuffer(bufferSize)), txBuffer: new RingBuffer(stackBuffer(bufferSize)) });
  const a = newLoopSocket();
  const b = newLoopSocket();
  socketsA.add(a);
  socketsB.add(b);
  b.listen(5000);
  a.connect(new IpEndpoint(0xc0a84502, 5000), new IpEndpoint(0xc0a84501, 40000));
  const chunk = appBuffer(65536).fill(0x5a);
  const sink = appBuffer(65536);
  let received = 0;
  // Instants from 0 (small integers), as bench iface does, read from the clock every 16th turn: an epoch
  // instant is a double the caller boxes per turn, and performance.now() returns a fresh heap number per
  // call (16 bytes, counted in `clockReads`); both are the benchmark's allocation, not the stack's, which is
  // what this loop measures. The byte count of one call starts at 0 and stays a small integer: past 2^30
  // (V8's small-integer limit) a count kept in a local became a heap number per recv() in the optimised
  // loop (about 13 bytes a segment at MTU 65535 in every round after the first GiB).
  const epoch = performance.now();
  let clockReads = 0;
  const pump = (bytes: number, deadline: number): void => {
    let i = 0;
    let got = 0;
    let t = 0;
    let reads = 0;
    while (got < bytes) {
      if ((i & 15) === 0) {
        t = ((performance.now() - epoch) * 1000) | 0;
        reads++;
      }
      if (a.maySend()) a.send(chunk, 0, chunk.length);
      ifaceA.poll(t, devA, socketsA);
      ifaceB.poll(t, devB, socketsB);
      for (;;) {
        const n = b.recv(sink, 0, sink.length);
        if (n <= 0) break;
        got += n;
      }
      if ((++i & 255) === 0 && performance.now() > deadline) break;
    }
    received += got;
    clockReads += reads;
  };
  // A warm-up of a quarter of the run (at most 256 MiB, at least 1 MiB): at MTU 65535, 64 MiB is only
  // about a thousand segments, and V8 was still optimising (and allocating for it) well into the run.
  const warm = Math.min(256 * MiB, Math.max(MiB, total / 4));
  pump(warm, performance.now() + limitSeconds * 1000);
  const startBytes = received;
  const startFrames = devA.frames + devB.frames;
  // Allocation in steady state: the measured part runs as four quarters, each profiled; a one-off of the
  // JIT (a late recompilation, its code and feedback) lands in one quarter, what the per-segment path
  // allocates shows in every one. The figure is the least quarter's, as test/helpers/alloc.ts takes the
  // least of its rounds; the whole run's is kept beside it.
  const deadline = performance.now() + limitSeconds * 1000;
  const start = performance.now();
  let allocated = 0;
  let gcs = 0;
  let steady = Infinity;
  let steadyClock = 0;
  for (let q = 0; q < 4; q++) {
    const qBytes = received;
    const qFrames = devA.frames + devB.frames;
    const qReads = clockReads;
    const stop = startProfile(q === 0);
    pump(Math.ceil(total / 4), deadline);
    const p = stop();
    allocated += p.allocated;
    gcs += p.gcs;
    const frames = devA.frames + devB.frames - qFrames;
    if (frames > 0 && p.allocated / frames < steady) {
      steady = p.allocated / frames;
      steadyClock = ((clockReads - qReads) * 16) / frames;
    }
    if (received - qBytes < Math.ceil(total / 4)) break;
  }
  const seconds = (performance.now() - start) / 1000;
  return { bytes: received - startBytes, seconds, segments: devA.frames + devB.frames - startFrames, allocated, gcs, steady, steadyClock };
}

function compile(dir: string): string {
  const out = join(dir, 'pump');
  execFileSync('cc', ['-O2', '-o', out, join(here, 'pump.c')]);
  return out;
}

function exited(child: ChildProcess, limitMs: number): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${child.spawnargs.slice(3).join(' ')}: exit ${code}: ${err.trim()}`));
    });
  });
}

/** "BYTES SECONDS" on the last line of a pump's output. */
function pumpResult(out: string): { bytes: number; seconds: number } {
  const last = out.trim().split('\n').pop()!.split(' ');
  return { bytes: Number(last[0]), seconds: Number(last[1]) };
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const on = (c: Buffer): void => {
      if (c.toString().includes('listening')) {
        child.stdout!.off('data', on);
        resolve();
      }
    };
    child.stdout!.on('data', on);
  });
}

/** The kernel's TCP from one namespace to another over a veth of MTU `mtu`. */
async function kernelVeth(pump: string, mtu: number): Promise<{ bytes: number; seconds: number }> {
  const one = Netns.create('btcp');
  const two = Netns.create('btcp');
  try {
    one.run('ip', ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', two.name]);
    for (const [ns, dev, ip] of [[one, 'va', '10.78.0.1'], [two, 'vb', '10.78.0.2']] as const) {
      disableIpv6(ns, dev);
      ns.run('ip', ['link', 'set', dev, 'mtu', String(mtu)]);
      ns.run('ip', ['addr', 'add', `${ip}/24`, 'dev', dev]);
      ns.run('ip', ['link', 'set', dev, 'up']);
    }
    const server = two.spawn(pump, ['recv', '10.78.0.2', '7000']);
    const done = exited(server, limitSeconds * 1000);
    await listening(server);
    await exited(one.spawn(pump, ['send', '10.78.0.2', '7000', String(kernelBytes)]), limitSeconds * 1000);
    return pumpResult(await done);
  } finally {
    one.destroy();
    two.destroy();
  }
}

/** The kernel's TCP over a namespace's loopback (MTU 65536). */
async function kernelLoopback(pump: string): Promise<{ bytes: number; seconds: number }> {
  const ns = Netns.create('btcp');
  try {
    const server = ns.spawn(pump, ['recv', '127.0.0.1', '7000']);
    const done = exited(server, limitSeconds * 1000);
    await listening(server);
    await exited(ns.spawn(pump, ['send', '127.0.0.1', '7000', String(kernelBytes)]), limitSeconds * 1000);
    return pumpResult(await done);
  } finally {
    ns.destroy();
  }
}

/** Node's net over 127.0.0.1, server and client in one Node process in a namespace (bench/tcp/node-net.ts). */
async function nodeNet(): Promise<{ bytes: number; seconds: number }> {
  const ns = Netns.create('btcp');
  try {
    const child = ns.spawn(process.execPath, ['--import', 'tsx', join(here, 'node-net.ts'), String(kernelBytes)]);
    return pumpResult(await exited(child, limitSeconds * 1000 + 10_000));
  } finally {
    ns.destroy();
  }
}

interface Tap {
  /** The stack's buffers (the tap's and the socket's) come from here: one ArrayBuffer. */
  allocate: (bytes: number) => Uint8Array;
  ns: Netns;
  tap: TapInterface;
  dev: Counting;
  iface: Interface;
  sockets: SocketSet;
  kernelMac: number;
}

/** The socket buffers' size on the tap. */
const TAP_BUFFER = 4 * MiB;
const KERNEL_IP = '10.77.0.1';
const OUR_IP = '10.77.0.2';
const KERNEL_ADDR = 0x0a4d0001;
const OUR_ADDR = 0x0a4d0002;

function tapSetUp(checksumOffload: boolean): Tap {
  const ns = Netns.create('btcp');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', 'btap', 'mode', 'tap']);
    disableIpv6(ns, 'btap');
    ns.run('ip', ['link', 'set', 'btap', 'mtu', String(tapMtu)]);
    ns.run('ip', ['addr', 'add', `${KERNEL_IP}/24`, 'dev', 'btap']);
    ns.run('ip', ['link', 'set', 'btap', 'up']);
    ns.run('ip', ['neigh', 'replace', OUR_IP, 'lladdr', '02:00:00:00:00:02', 'dev', 'btap', 'nud', 'permanent']);
    const kernelMac = withNetns(ns, () => interfaceHardwareAddress('btap')).reduce((v, b) => v * 256 + b, 0);
    const allocate = arena(2 * (tapMtu + 28) + 2 * TAP_BUFFER + 64);
    const tap = withNetns(ns, () => new TapInterface('btap', { allocate, checksumOffload }));
    const iface = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: [`${OUR_IP}/24`] });
    iface.neighbors.fill(KERNEL_ADDR, kernelMac, clock());
    return { allocate, ns, tap, dev: new Counting(tap), iface, sockets: new SocketSet(2), kernelMac };
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

/**
 * Polls until `done()`, the application's `step()` between two polls, sleeping in waitReadable when the
 * interface has nothing to do before its next timer. Stops at `deadline` (performance.now()).
 */
async function drive(s: Tap, step: () => void, done: () => boolean, deadline: number): Promise<void> {
  let i = 0;
  while (!done()) {
    const t = clock();
    s.iface.poll(t, s.dev, s.sockets);
    step();
    s.iface.poll(t, s.dev, s.sockets);
    if ((++i & 63) === 0) {
      s.iface.neighbors.fill(KERNEL_ADDR, s.kernelMac, t);
      if (performance.now() > deadline) return;
    }
    tapClockReads += 2;
    const delay = s.iface.pollDelay(clock(), s.sockets);
    if (delay !== 0) {
      waits++;
      await s.tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
    }
  }
}

/** The kernel reads what we send: our client to `pump recv`. Timed from Established to the last ACK. */
async function tapReader(pump: string, bufferSize: number, offload: boolean): Promise<Run> {
  const s = tapSetUp(offload);
  try {
    const server = s.ns.spawn(pump, ['recv', KERNEL_IP, '7000']);
    const done = exited(server, limitSeconds * 1000 + 10_000);
    await listening(server);
    const socket = newSocket(bufferSize, s.allocate);
    s.sockets.add(socket);
    socket.connect(new IpEndpoint(KERNEL_ADDR, 7000), new IpEndpoint(OUR_ADDR, 40000));
    const chunk = new Uint8Array(65536).fill(0x5a);
    const deadline = performance.now() + limitSeconds * 1000;
    await drive(s, () => {}, () => socket.state === TcpState.Established, deadline);
    let sent = 0;
    let closed = false;
    const stop = startProfile();
    const frames = s.dev.frames;
    const waitsBefore = waits;
    // Segments: ours out (about bytes / MSS) and the kernel's ACKs in, which we count.
    const mss = tapMtu - 40;
    const quarters = new QuarterProfile(tapBytes, () => s.dev.frames + Math.ceil((sent - socket.sendQueue()) / mss));
    const start = performance.now();
    await drive(
      s,
      () => {
        while (socket.maySend() && sent < tapBytes) {
          const n = socket.send(chunk, 0, Math.min(chunk.length, tapBytes - sent));
          if (n === 0) break;
          sent += n;
        }
        quarters.mark(sent - socket.sendQueue());
        if (sent >= tapBytes && !closed) {
          socket.close();
          closed = true;
        }
      },
      () => closed && socket.sendQueue() === 0 && socket.state !== TcpState.FinWait1,
      deadline,
    );
    const seconds = (performance.now() - start) / 1000;
    const { allocated, gcs } = stop();
    const waited = waits - waitsBefore;
    const acked = sent - socket.sendQueue();
    if (!closed) socket.abort();
    await drive(s, () => {}, () => true, deadline);
    await done.catch(() => '');
    return {
      bytes: acked, seconds, segments: s.dev.frames - frames + Math.ceil(acked / mss), allocated, gcs, waits: waited,
      steady: quarters.steady, steadyWaits: quarters.steadyWaits, steadyReads: quarters.steadyReads,
    };
  } finally {
    s.tap.close();
    s.ns.destroy();
  }
}

/** The kernel writes to us: `pump send` to our listening socket. Timed from the first byte to the FIN. */
async function tapWriter(pump: string, bufferSize: number, offload: boolean): Promise<Run> {
  const s = tapSetUp(offload);
  try {
    const socket = newSocket(bufferSize, s.allocate);
    s.sockets.add(socket);
    socket.listen(7000);
    const client = s.ns.spawn(pump, ['send', OUR_IP, '7000', String(tapBytes)]);
    const done = exited(client, limitSeconds * 1000 + 10_000);
    const sink = new Uint8Array(65536);
    const deadline = performance.now() + limitSeconds * 1000;
    let received = 0;
    let finished = false;
    const read = (): void => {
      for (;;) {
        const n = socket.recv(sink, 0, sink.length);
        if (n === -1) {
          finished = true;
          socket.close();
          return;
        }
        if (n === 0) return;
        received += n;
      }
    };
    await drive(s, read, () => received > 0 || finished, deadline);
    const first = received;
    const stop = startProfile();
    const frames = s.dev.frames;
    const waitsBefore = waits;
    // Segments: the kernel's in, which we count, and our ACKs out (about one every second segment).
    const quarters = new QuarterProfile(tapBytes - first, () => s.dev.frames + Math.ceil((received - first) / (tapMtu - 40) / 2));
    const start = performance.now();
    await drive(
      s,
      () => {
        read();
        quarters.mark(received - first);
      },
      () => finished,
      deadline,
    );
    const seconds = (performance.now() - start) / 1000;
    const { allocated, gcs } = stop();
    const waited = waits - waitsBefore;
    const ackEstimate = Math.ceil((received - first) / (tapMtu - 40) / 2);
    await drive(s, () => {}, () => socket.state === TcpState.Closed || socket.state === TcpState.TimeWait || performance.now() > deadline, deadline);
    await done.catch(() => '');
    return {
      bytes: received - first, seconds, segments: s.dev.frames - frames + ackEstimate, allocated, gcs, waits: waited,
      steady: quarters.steady, steadyWaits: quarters.steadyWaits, steadyReads: quarters.steadyReads,
    };
  } finally {
    s.tap.close();
    s.ns.destroy();
  }
}

function describe(name: string, r: Run): string {
  return `${name}: ${(r.bytes / MiB).toFixed(0)} MiB in ${r.seconds.toFixed(2)} s, ${fmt(gbps(r))} Gbit/s, ${r.segments} segments, ${(r.allocated / Math.max(1, r.segments)).toFixed(2)} bytes/segment${r.steady === undefined ? '' : r.steadyClock !== undefined ? ` (steady state ${r.steady.toFixed(2)}, of which the benchmark's clock reads ${r.steadyClock.toFixed(2)})` : ` (steady state ${fmt(r.steady)}, with ${fmt(r.steadyWaits!)} readiness waits and ${fmt(r.steadyReads!)} clock reads a segment)`}, ${r.gcs} GCs${r.waits === undefined ? '' : `, ${r.waits} readiness waits (${(r.waits / Math.max(1, r.segments)).toFixed(2)} a segment)`}`;
}

async function main(): Promise<void> {
  calibrateProfiler();
  console.log(`a profiled window allocates ${profilerOwn} bytes by itself (the least of 8 empty ones), taken off every figure below`);
  const ours: Run[] = [];
  const none: Run = { bytes: 0, seconds: NaN, segments: 0, allocated: 0, gcs: 0 };
  // The like-for-like of the kernel's loopback (MTU 65536, no checksums): MTU 65535, checksums ignored.
  const large: Record<Placement, { k64: Run; m4: Run }> = {
    separate: { k64: none, m4: none },
    stack: { k64: none, m4: none },
    all: { k64: none, m4: none },
  };
  let reader = NaN;
  let plainReader = NaN;
  let plainWriter = NaN;
  let writer = NaN;
  let nodeGbps = NaN;
  const skip = unmetNeed(['root', 'cc']);
  if (skip !== null) console.log(`tap and kernel references: n/a (${skip})`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-tcp-'));
  const pump = skip === null ? compile(dir) : null;
  const kernel = pump !== null && parts.includes('kernel');
  // Each kernel reference runs just before and just after the part of ours it is compared with, and the
  // ratio takes their mean: the machine is shared, and a load spike a minute away would otherwise land
  // on one side of a ratio only.
  const los: number[] = [];
  const veths: number[] = [];
  const loopbackReference = async (): Promise<void> => {
    if (!kernel) return;
    const l = await kernelLoopback(pump!);
    los.push(gbps(l));
    console.log(`kernel over a namespace's loopback: ${(l.bytes / MiB).toFixed(0)} MiB in ${l.seconds.toFixed(2)} s, ${fmt(gbps(l))} Gbit/s`);
  };
  const vethReference = async (): Promise<void> => {
    if (!kernel) return;
    const v = await kernelVeth(pump!, tapMtu);
    veths.push(gbps(v));
    console.log(`kernel to kernel over a veth between two namespaces, MTU ${tapMtu}: ${(v.bytes / MiB).toFixed(0)} MiB in ${v.seconds.toFixed(2)} s, ${fmt(gbps(v))} Gbit/s`);
  };
  try {
    if (parts.includes('loop')) {
      for (const checksums of ['computed', 'ignored'] as const) {
        if (checksums === 'ignored' && loopMtu === 1500) continue;
        const c: LoopConfig = { mtu: loopMtu, checksums: checksums, placement: 'separate' };
        for (const size of [64 << 10, 4 * MiB]) {
          const r = loopback(size, loopBytes, c);
          console.log(describe(`loopback, ${size === 4 * MiB ? '4 MiB' : '64 KiB'} buffers, ${describeLoop(c)}`, r));
          ours.push(r);
        }
      }
      await loopbackReference();
      for (const placement of ['separate', 'stack', 'all'] as const) {
        const c: LoopConfig = { mtu: 65535, checksums: 'ignored', placement };
        const k64 = loopback(64 << 10, loopBytes, c);
        console.log(describe(`loopback, 64 KiB buffers, ${describeLoop(c)}`, k64));
        const m4 = loopback(4 * MiB, loopBytes, c);
        console.log(describe(`loopback, 4 MiB buffers, ${describeLoop(c)}`, m4));
        large[placement] = { k64, m4 };
        ours.push(k64, m4);
      }
    }
    await loopbackReference();
    if (pump !== null && parts.includes('tap')) {
      await vethReference();
      // Without and with the tap's checksum offload (virtio-net header, TUN_F_CSUM); the summary
      // line takes the offloaded figures, which are the configuration the goal is measured with.
      for (const offload of [false, true]) {
        const how = offload ? 'checksum offload (virtio-net header)' : 'checksums computed';
        const r = await tapReader(pump, TAP_BUFFER, offload);
        console.log(describe(`tap, the kernel reading from us, 4 MiB buffers, MTU ${tapMtu}, ${how}`, r));
        const w = await tapWriter(pump, TAP_BUFFER, offload);
        console.log(describe(`tap, the kernel writing to us, 4 MiB buffers, MTU ${tapMtu}, ${how}`, w));
        ours.push(r, w);
        if (offload) {
          reader = gbps(r);
          writer = gbps(w);
        } else {
          plainReader = gbps(r);
          plainWriter = gbps(w);
        }
      }
    }
    await vethReference();
    if (kernel) {
      const n = await nodeNet();
      nodeGbps = gbps(n);
      console.log(`Node net over 127.0.0.1 (in a namespace): ${(n.bytes / MiB).toFixed(0)} MiB in ${n.seconds.toFixed(2)} s, ${fmt(nodeGbps)} Gbit/s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const lo = mean(los);
  const veth = mean(veths);
  // The headline in-process figure: MTU 65535, checksums ignored (what the kernel's loopback does), the
  // stack's buffers in one ArrayBuffer and the application's apart, the lower of the two buffer sizes.
  const loopGbps = Math.min(gbps(large.stack.k64), gbps(large.stack.m4));
  const ratio = (p: Placement): string => `${fmt(gbps(large[p].k64) / lo)} / ${fmt(gbps(large[p].m4) / lo)}`;
  console.log(
    `ratios (goals >= 0.5; each kernel figure the mean of its runs before and after ours): tap reader / kernel veth ${fmt(reader / veth)}, tap writer / kernel veth ${fmt(writer / veth)} (checksums computed: ${fmt(plainReader / veth)}, ${fmt(plainWriter / veth)}); ` +
      `in-process (MTU 65535, checksums ignored; 64 KiB / 4 MiB buffers) / kernel loopback: stack's buffers in one ArrayBuffer ${ratio('stack')}, separate buffers ${ratio('separate')}, every buffer in one ArrayBuffer ${ratio('all')}`,
  );
  // The stack's own path: the in-process loops in steady state (the least of four quarters), less the
  // benchmark's own clock reads (performance.now(), 16 bytes each, counted). On the tap each readiness wait
  // allocates its promise and timer (printed above with the number of waits), the driver's cost.
  const loops = ours.filter((r) => r.steadyClock !== undefined);
  const bytesPerSegment = loops.length === 0 ? NaN : Math.max(...loops.map((r) => r.steady! - r.steadyClock!));
  const gcs = ours.reduce((sum, r) => sum + r.gcs, 0);
  console.log(
    `bench tcp: loopback_gbps=${fmt(loopGbps)} tap_reader_gbps=${fmt(reader)} tap_writer_gbps=${fmt(writer)} kernel_veth_gbps=${fmt(veth)} kernel_lo_gbps=${fmt(lo)} node_net_gbps=${fmt(nodeGbps)} bytes_per_segment=${fmt(bytesPerSegment)} gcs=${gcs}`,
  );
}

await main();
