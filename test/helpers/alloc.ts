// Counting the bytes a warmed-up loop allocates, for the allocation tests (test/*/alloc*.ts). The figures are
// taken in a fresh process without c8's coverage counters: the counters change what V8 optimises, and in the
// test runner's own process the JIT feedback other suites leave behind (other byte sources, fuzzed frames)
// says nothing about a program that only sends and receives packets.
import { execFileSync } from 'node:child_process';
import v8 from 'node:v8';

/**
 * Bytes allocated per iteration of `body` once optimised: heap growth plus what every GC freed, the least of
 * up to `rounds` measured rounds after warm-up. A round can include one-off work of the JIT (on-stack
 * replacement, recompilation, code objects), and on a loaded machine V8's concurrent compiler can finish late,
 * so the unoptimised code (which boxes doubles) may run for several rounds: measuring stops once a round is
 * clean (under 0.1 byte per iteration), and a real allocation shows in every round as at least 16 bytes.
 * Each round's figure is appended to `trace`, if given, for the message of a failing test.
 */
export function bytesPer(iterations: number, body: (n: number) => void, rounds = 8, trace?: number[]): number {
  body(iterations);
  body(iterations);
  let best = Infinity;
  for (let round = 0; round < rounds && best >= 0.1; round++) {
    const profiler = new v8.GCProfiler();
    profiler.start();
    const before = v8.getHeapStatistics().used_heap_size;
    body(iterations);
    const after = v8.getHeapStatistics().used_heap_size;
    const report = profiler.stop();
    let freed = 0;
    for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    const figure = (after - before + freed) / iterations;
    trace?.push(Math.round(figure * 100) / 100);
    best = Math.min(best, figure);
  }
  return best;
}

/** Runs a measuring script (which prints its figures as one JSON object) in a fresh Node without coverage. */
export function measureInFreshProcess(script: URL): Record<string, number | boolean | string> {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  const out = execFileSync(process.execPath, ['--import', 'tsx', script.pathname], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  return JSON.parse(out) as Record<string, number | boolean | string>;
}
