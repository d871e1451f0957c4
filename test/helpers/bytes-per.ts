// Bytes allocated per iteration of a loop, measured with V8's GC profiler (heap growth plus what every
// GC freed): the least of up to eight rounds after warm-up, stopping at the first clean round, since a
// round can include one-off work of the JIT. Run it in a fresh process without coverage counters
// (see runAllocMeasure): JIT feedback from other suites says nothing about the code measured.
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';

export function bytesPer(iterations: number, body: (n: number) => void): number {
  body(iterations);
  body(iterations);
  let best = Infinity;
  for (let round = 0; round < 8 && best >= 0.1; round++) {
    const profiler = new v8.GCProfiler();
    profiler.start();
    const before = v8.getHeapStatistics().used_heap_size;
    body(iterations);
    const after = v8.getHeapStatistics().used_heap_size;
    const report = profiler.stop();
    let freed = 0;
    for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    best = Math.min(best, (after - before + freed) / iterations);
  }
  return best;
}

/** Runs a measuring script in a fresh Node process without c8's counters; returns its JSON output. */
export function runAllocMeasure(script: string): Record<string, number | boolean> {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', env }));
}
