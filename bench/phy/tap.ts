// TapInterface against the kernel, and the same tap driven by the minimal C loop (tap_loop.c) in the
// same run, so the ratio says what the TypeScript driver (koffi calls, tokens, the JS loop) costs
// over bare read(2)/write(2) on this machine.
//
// Receive: in a namespace of its own, `blast packet` (blast.c) has the kernel send Ethernet/IPv4/UDP
// frames out of the tap as fast as it can through an AF_PACKET socket; the reader's rate counts from
// its first frame to its last. The tap's tx_dropped counter shows the source outpaced the reader.
// Transmit: the reader copies a prebuilt Ethernet/IPv4/UDP frame into the device's buffer and writes
// it, for a fixed time; the kernel takes each frame through its IPv4/UDP input (port 9, no listener).
// Allocation: v8.GCProfiler accounting, as in bench/wire/measure.ts, over the TypeScript loops only.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { Netns, disableIpv6, withNetns } from '../../test/helpers/netns.js';
import { unmetNeed } from '../../test/helpers/needs.js';

export interface TapBenchOptions {
  /** Seconds per measured round. */
  seconds?: number;
  /** Rounds per phase; the median round is reported. */
  rounds?: number;
  /** Ethernet frame length in bytes (UDP payload = length - 42). */
  frameLength?: number;
}

export interface DirectionResult {
  fps: number;
  gbps: number;
}

export interface TapBenchResult {
  frameLength: number;
  rx: DirectionResult;
  tx: DirectionResult;
  cRx: DirectionResult;
  cTx: DirectionResult;
  /** Frames the tap dropped because its reader (us, then C) was slower than the source: > 0 means the source outpaced the reader. */
  rxDroppedByTap: number;
  /** Heap bytes allocated per frame by the receive loop, readiness waits included. */
  rxBytesPerFrame: number;
  /** Readiness waits the receive loop made (each one a promise, a timer and a libuv callback). */
  rxWaits: number;
  rxFrames: number;
  /** Heap bytes per receive() call when a reader spins instead of waiting: the frame path alone. */
  receiveBytesPerCall: number;
  txBytesPerFrame: number;
  gcs: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const TAP_ADDRESS = '10.79.0.1';
const PEER_ADDRESS = '10.79.0.2';
const PEER_MAC = '02:00:00:00:00:02';

/** Why the tap benchmark cannot run here (not root, no tun, no cc...), or null. */
export function tapBenchSkipReason(): string | null {
  return unmetNeed(['root', 'cc']);
}

interface Allocation {
  bytes: number;
  gcs: number;
}

/** Runs `f` under GCProfiler; returns what it allocated and how many GCs ran. */
async function measureAllocation<R>(f: () => Promise<R>): Promise<[R, Allocation]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  const result = await f();
  const after = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const event of report.statistics) {
    freed += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  }
  return [result, { bytes: Math.max(0, after - before + freed), gcs: report.statistics.length }];
}

function readFrame(_ctx: null, bytes: Uint8Array, offset: number, length: number): number {
  return bytes[offset] + bytes[offset + length - 1];
}

let txSequence = 0;
let waits = 0;
function writeFrame(template: Uint8Array, bytes: Uint8Array, offset: number, length: number): void {
  bytes.set(template, offset);
  bytes[offset + length - 2] = txSequence >> 8;
  bytes[offset + length - 1] = txSequence;
}

interface Rate {
  frames: number;
  seconds: number;
}

/**
 * Reads until the source has been quiet for 100 ms after its first frame (or `limitSeconds` pass
 * without any), timing first frame to last like tap_loop.c.
 */
async function receiveRound(tap: TapInterface, limitSeconds: number): Promise<Rate & { sink: number }> {
  let frames = 0;
  let sink = 0;
  let first = 0;
  let last = 0;
  const limit = performance.now() + limitSeconds * 1000;
  let pair = tap.receive(0);
  for (;;) {
    if (pair !== null) {
      if (frames === 0) first = performance.now();
      sink = (sink + pair.rx.consume(null, readFrame)) & 0xffffff; // stays a small integer: no heap number
      frames++;
      pair = tap.receive(0);
      continue;
    }
    last = performance.now();
    waits++;
    await tap.waitReadable(100_000);
    pair = tap.receive(0);
    if (pair === null && (frames > 0 || performance.now() > limit)) break;
  }
  return { frames, seconds: (last - first) / 1000, sink };
}

/** Calls receive() without ever waiting, for `seconds`: isolates the frame path's allocation. */
async function spinRound(tap: TapInterface, seconds: number): Promise<{ calls: number; frames: number; sink: number }> {
  let calls = 0;
  let frames = 0;
  let sink = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1024; i++) {
      const pair = tap.receive(0);
      calls++;
      if (pair !== null) {
        sink = (sink + pair.rx.consume(null, readFrame)) & 0xffffff; // stays a small integer: no heap number
        frames++;
      }
    }
  }
  return { calls, frames, sink };
}

/** Writes frames for `seconds`. */
async function transmitRound(tap: TapInterface, template: Uint8Array, seconds: number): Promise<Rate> {
  let frames = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 1024; i++) {
      const token = tap.transmit(0);
      if (token === null) break;
      txSequence = frames & 0xffff;
      token.consume(template.length, template, writeFrame);
      frames++;
    }
    now = performance.now();
  }
  return { frames, seconds: (now - start) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function direction(fps: number, frameLength: number): DirectionResult {
  return { fps, gbps: (fps * frameLength * 8) / 1e9 };
}

/** A prebuilt Ethernet/IPv4/UDP frame from the peer to the tap's own address, UDP checksum 0 (none). */
function udpFrame(dstMac: Uint8Array, frameLength: number): Uint8Array {
  const frame = new Uint8Array(frameLength);
  frame.set(dstMac, 0);
  frame.set(PEER_MAC.split(':').map((h) => parseInt(h, 16)), 6);
  frame.set([0x08, 0x00], 12);
  const ip = new DataView(frame.buffer, 14);
  ip.setUint8(0, 0x45);
  ip.setUint16(2, frameLength - 14);
  ip.setUint8(8, 64);
  ip.setUint8(9, 17);
  frame.set(PEER_ADDRESS.split('.').map(Number), 14 + 12);
  frame.set(TAP_ADDRESS.split('.').map(Number), 14 + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.getUint16(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.setUint16(10, ~sum & 0xffff);
  const udp = new DataView(frame.buffer, 34);
  udp.setUint16(0, 12345);
  udp.setUint16(2, 9);
  udp.setUint16(4, frameLength - 34);
  return frame;
}

/** Starts `ip netns exec ns cmd...` and resolves with its stdout when it exits. */
function runInNetns(ns: Netns, cmd: string, args: string[], onStderrReady?: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns.name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (onStderrReady && err.includes('ready')) {
        const f = onStderrReady;
        onStderrReady = undefined;
        f();
      }
    });
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

function tapTxDropped(ns: Netns, name: string): number {
  const stats = JSON.parse(ns.run('ip', ['-s', '-j', 'link', 'show', name])) as Array<{ stats64: { tx: { dropped: number } } }>;
  return stats[0]!.stats64.tx.dropped;
}

export async function benchTap(options: TapBenchOptions = {}): Promise<TapBenchResult> {
  const seconds = options.seconds ?? 1;
  const rounds = options.rounds ?? 5;
  const frameLength = options.frameLength ?? 1514;
  const payload = frameLength - 42;
  const work = mkdtempSync(join(tmpdir(), 'smoltcp-bench-phy-'));
  const ns = Netns.create('bench');
  const name = `tpb${process.pid % 100000}`;
  try {
    const tapLoop = join(work, 'tap_loop');
    const blast = join(work, 'blast');
    execFileSync('cc', ['-O2', '-o', tapLoop, join(here, 'tap_loop.c')]);
    execFileSync('cc', ['-O2', '-o', blast, join(here, 'blast.c')]);

    ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
    disableIpv6(ns, name);
    ns.run('ip', ['addr', 'add', `${TAP_ADDRESS}/24`, 'dev', name]);
    ns.run('ip', ['link', 'set', name, 'up']);
    ns.run('ip', ['neigh', 'add', PEER_ADDRESS, 'lladdr', PEER_MAC, 'dev', name, 'nud', 'permanent']);
    const tapMac = withNetns(ns, () => interfaceHardwareAddress(name));
    const template = udpFrame(tapMac, frameLength);
    const frameFile = join(work, 'frame.bin');
    writeFileSync(frameFile, template);
    const blastArgs = ['packet', name, PEER_ADDRESS, String(payload), String(seconds)];

    const rx: number[] = [];
    const tx: number[] = [];
    const cRx: number[] = [];
    const cTx: number[] = [];
    let rxAlloc = 0;
    let rxFrames = 0;
    let txAlloc = 0;
    let txFrames = 0;
    let gcs = 0;
    // Warm-up: let TurboFan compile the TypeScript loops before anything is measured, so the code
    // and feedback it allocates are not charged to the frames.
    {
      const tap = withNetns(ns, () => new TapInterface(name));
      try {
        const warmSource = runInNetns(ns, blast, ['packet', name, PEER_ADDRESS, String(payload), '0.5']);
        await receiveRound(tap, 5);
        await warmSource;
        await transmitRound(tap, template, 0.3);
        await spinRound(tap, 0.3);
      } finally {
        tap.close();
      }
    }
    const droppedBefore = tapTxDropped(ns, name);
    waits = 0;
    for (let round = 0; round < rounds; round++) {
      // TypeScript receive
      const tap = withNetns(ns, () => new TapInterface(name));
      try {
        const source = runInNetns(ns, blast, blastArgs);
        const [rate, alloc] = await measureAllocation(() => receiveRound(tap, seconds + 5));
        await source;
        rx.push(rate.frames / rate.seconds);
        rxFrames += rate.frames;
        rxAlloc += alloc.bytes;
        gcs += alloc.gcs;
        // TypeScript transmit
        const [txRate, txAllocation] = await measureAllocation(() => transmitRound(tap, template, seconds));
        tx.push(txRate.frames / txRate.seconds);
        txFrames += txRate.frames;
        txAlloc += txAllocation.bytes;
        gcs += txAllocation.gcs;
      } finally {
        tap.close();
      }
      // C receive: start the source once the loop has attached the tap.
      let source: Promise<string> | null = null;
      const reader = runInNetns(ns, tapLoop, ['rx', name, String(seconds + 5)], () => {
        source = runInNetns(ns, blast, blastArgs);
      });
      const [frames, , elapsed] = (await reader).trim().split(' ').map(Number);
      await source;
      cRx.push(frames! / elapsed!);
      // C transmit
      const [txFramesC, , txElapsed] = (await runInNetns(ns, tapLoop, ['tx', name, String(seconds), frameFile]))
        .trim()
        .split(' ')
        .map(Number);
      cTx.push(txFramesC! / txElapsed!);
    }
    const rxWaits = waits;
    const tap = withNetns(ns, () => new TapInterface(name));
    let spin: { calls: number; frames: number };
    let spinAlloc: Allocation;
    try {
      const source = runInNetns(ns, blast, blastArgs);
      [spin, spinAlloc] = await measureAllocation(() => spinRound(tap, seconds));
      await source;
    } finally {
      tap.close();
    }
    if (spin.frames === 0) throw new Error('the spinning reader received nothing: the traffic source did not run');
    return {
      frameLength,
      rx: direction(median(rx), frameLength),
      tx: direction(median(tx), frameLength),
      cRx: direction(median(cRx), frameLength),
      cTx: direction(median(cTx), frameLength),
      rxDroppedByTap: tapTxDropped(ns, name) - droppedBefore,
      rxBytesPerFrame: rxAlloc / rxFrames,
      rxWaits,
      rxFrames,
      receiveBytesPerCall: spinAlloc.bytes / spin.calls,
      txBytesPerFrame: txAlloc / txFrames,
      gcs: gcs + spinAlloc.gcs,
    };
  } finally {
    ns.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

