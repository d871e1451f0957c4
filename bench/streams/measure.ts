// Timing and allocation accounting for bench/streams: v8.GCProfiler around the measured part (heap growth
// plus what every GC freed), as bench/tcp and bench/iface measure.
import v8 from 'node:v8';

export interface Run {
  bytes: number;
  seconds: number;
  /** Frames received by either side in the measured part. */
  segments: number;
  /** Bytes allocated in the measured part. */
  allocated: number;
  gcs: number;
}

function start(): () => { allocated: number; gcs: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  return () => {
    const after = v8.getHeapStatistics().used_heap_size;
    const report = profiler.stop();
    let freed = 0;
    for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    return { allocated: Math.max(0, after - before + freed), gcs: report.statistics.length };
  };
}

/** Times `body` (synchronous) and counts what it allocates. */
export function measure(body: () => { bytes: number; segments: number }): Run {
  const stop = start();
  const t0 = performance.now();
  const { bytes, segments } = body();
  const seconds = (performance.now() - t0) / 1000;
  return { bytes, segments, seconds, ...stop() };
}

/** Times `body` (asynchronous) and counts what it allocates. */
export async function measureAsync(body: () => Promise<{ bytes: number; segments: number }>): Promise<Run> {
  const stop = start();
  const t0 = performance.now();
  const { bytes, segments } = await body();
  const seconds = (performance.now() - t0) / 1000;
  return { bytes, segments, seconds, ...stop() };
}

export const gbps = (r: { bytes: number; seconds: number }): number => (r.bytes * 8) / r.seconds / 1e9;
export const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
