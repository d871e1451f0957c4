// Timing and allocation measurement for one benchmark round.
//
// Bytes allocated: V8 exposes no cumulative "bytes allocated" counter to JavaScript, and the used
// heap size alone is wrong as soon as a GC frees memory during the loop. v8.GCProfiler records the
// heap statistics before and after every GC that happens while it runs, so
//   allocated = usedHeap(after loop) - usedHeap(before loop) + sum over GCs of (usedBefore - usedAfter)
// counts every byte the loop allocated, whether it was collected or not. The profiler adds no work
// to the loop unless a GC happens. The estimate is exact to the allocation: the control loop in
// index.ts allocates one `new Array(6)` per packet (96 bytes with Node's default 64-bit tagged
// pointers: 32 for the JSArray plus 16 + 6 x 8 for its elements) and reports 96.0 bytes/packet.
// GC count: the number of GCs (scavenges included) the profiler saw during the timed loop.
import v8 from 'node:v8';

export interface RoundResult {
  nanoseconds: number;
  packets: number;
  bytesAllocated: number;
  gcs: number;
}

/** Runs `loop(packets)` once, timed, with allocation and GC accounting. */
export function measureRound(loop: (packets: number) => number, packets: number, keep: { sink: number }): RoundResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc(); // Start from a clean young generation so leftovers of the last round are not charged here.
  const profiler = new v8.GCProfiler();
  profiler.start();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  const start = process.hrtime.bigint();
  keep.sink += loop(packets);
  const end = process.hrtime.bigint();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const event of report.statistics) {
    freed += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  }
  return {
    nanoseconds: Number(end - start),
    packets,
    // getHeapStatistics() itself allocates its result object (a few hundred bytes, once per
    // round): negligible over a million packets, and it rounds to 0.0 bytes/packet.
    bytesAllocated: Math.max(0, usedAfter - usedBefore + freed),
    gcs: report.statistics.length,
  };
}

export interface Summary {
  bestPacketsPerSecond: number;
  medianPacketsPerSecond: number;
  bytesPerPacket: number;
  gcs: number;
  rounds: number;
}

export function summarize(rounds: RoundResult[]): Summary {
  const rates = rounds.map((r) => (r.packets * 1e9) / r.nanoseconds).sort((a, b) => a - b);
  let bytes = 0;
  let packets = 0;
  let gcs = 0;
  for (const r of rounds) {
    bytes += r.bytesAllocated;
    packets += r.packets;
    gcs += r.gcs;
  }
  return {
    bestPacketsPerSecond: rates[rates.length - 1]!,
    medianPacketsPerSecond: rates[Math.floor(rates.length / 2)]!,
    bytesPerPacket: bytes / packets,
    gcs,
    rounds: rounds.length,
  };
}
