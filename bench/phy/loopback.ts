// Frames per second through Loopback with 1514-byte frames: transmit (write a byte), receive (read a
// byte). Also the bytes the heap grew by per frame (allocation, counting what GCs reclaimed) and the
// number of GCs during the measurement; the goal is >= 5 million frames/s and 0 bytes/frame.

import v8 from 'node:v8';
import { Loopback } from '../../src/phy/loopback.js';

const FRAME = 1514;

export interface LoopbackBenchResult {
  fps: number;
  gbps: number;
  bytesPerFrame: number;
  gcs: number;
}

function writeFrame(seq: number, bytes: Uint8Array, offset: number, _length: number): void {
  bytes[offset] = seq;
}

function readFrame(_ctx: null, bytes: Uint8Array, offset: number, length: number): number {
  return bytes[offset] + bytes[offset + length - 1];
}

// One poll's worth of frames, like an interface: one timestamp (a number the caller already holds,
// microseconds since the epoch, so not a small integer) for a burst of frames.
function burst(lo: Loopback, now: number, count: number): number {
  let sink = 0;
  for (let i = 0; i < count; i++) {
    const tx = lo.transmit(now);
    if (tx === null) throw new Error('loopback full');
    tx.consume(FRAME, i & 0xff, writeFrame);
    const pair = lo.receive(now);
    if (pair === null) throw new Error('loopback empty');
    sink += pair.rx.consume(null, readFrame);
  }
  return sink;
}

const T0 = 1_764_547_200_000_000;

function run(lo: Loopback, frames: number): number {
  let sink = 0;
  for (let b = 0; b < frames / 64; b++) sink = (sink + burst(lo, T0 + b * 10, 64)) | 0;
  return sink;
}

/** Runs for about `seconds` seconds (after warm-up) and reports throughput and allocation. */
export async function benchLoopback(seconds = 2): Promise<LoopbackBenchResult> {
  const lo = new Loopback({ maxTransmissionUnit: FRAME, capacity: 64 });
  const batch = 1_000_000;
  for (let i = 0; i < 5; i++) run(lo, batch); // let TurboFan optimise run() and the callbacks

  // GCProfiler reports the heap before and after every GC, so allocation = growth + what GCs freed.
  const profiler = new v8.GCProfiler();
  profiler.start();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  let frames = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds * 1e9) {
    sink += run(lo, batch);
    frames += batch;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const gc of report.statistics) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  }
  if (sink === -1) console.log(sink); // keep the reads observable
  const fps = frames / (elapsed / 1e9);
  // Measurement itself (hrtime bigints, heap statistics objects) allocates a few KB per batch; this
  // is spread over a million frames and rounds to 0 when the frame path allocates nothing.
  const bytesPerFrame = Math.max(0, (heapAfter - heapBefore + freed) / frames);
  return {
    fps,
    gbps: (fps * FRAME * 8) / 1e9,
    bytesPerFrame: Math.round(bytesPerFrame * 100) / 100,
    gcs: report.statistics.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLoopback();
  console.log(
    `bench phy loopback: fps=${Math.round(r.fps)} gbps=${r.gbps.toFixed(1)} bytes_per_frame=${r.bytesPerFrame} gcs=${r.gcs}`,
  );
}
