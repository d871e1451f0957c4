// Allocation per call of the storage buffers, printed as JSON for test/storage/alloc.test.ts, which runs
// this in a fresh process.
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { bytesPer } from '../helpers/bytes-per.js';

const results: Record<string, number | boolean> = {};

{
  const rb = new RingBuffer(4096);
  const src = new Uint8Array(1500);
  const dst = new Uint8Array(1500);
  results.ringBuffer = bytesPer(100_000, (n) => {
    for (let i = 0; i < n; i++) {
      rb.enqueueSlice(src, 0, 1000 + (i % 500));
      rb.writeUnallocated(7, src, 0, 100);
      rb.readAllocated(3, dst, 0, 40);
      rb.dequeueSlice(dst, 0, 1500);
    }
  });
}

process.stdout.write(JSON.stringify(results));
