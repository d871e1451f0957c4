// Allocation per call of the storage buffers, printed as JSON for test/storage/alloc.test.ts, which runs
// this in a fresh process.
import { PacketBuffer } from '../../src/storage/packet-buffer.js';
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { bytesPer } from '../helpers/alloc.js';

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

{
  // Long copies out to another ArrayBuffer go through the ring's cached block views (TypedArray set):
  // each block's view is made once, on its first copy (the warm-up rounds), and nothing after that.
  const rb = new RingBuffer(1 << 20);
  const src = new Uint8Array(65536).fill(3);
  const dst = new Uint8Array(65536);
  results.ringBufferLongCopies = bytesPer(20_000, (n) => {
    for (let i = 0; i < n; i++) {
      rb.enqueueSlice(src, 0, 40_000 + (i % 25_000));
      rb.dequeueSlice(dst, 0, 65536);
    }
  });
}

{
  const pb = new PacketBuffer({ packets: 16, payload: 8192, metadataWords: 2 });
  const src = new Uint8Array(1500);
  const dst = new Uint8Array(1500);
  results.packetBuffer = bytesPer(100_000, (n) => {
    for (let i = 0; i < n; i++) {
      const slot = pb.enqueueSlice(src, 0, 100 + (i % 1400));
      pb.metadata[slot * 2] = 0xc0a80001 | 0;
      const at = pb.enqueue(i % 700);
      if (at >= 0) src[0] = pb.payload.storage[at];
      pb.dequeueInto(dst, 0, 1500);
      pb.dequeueInto(dst, 0, 1500);
    }
  });
}

process.stdout.write(JSON.stringify(results));
