// Backpressure end to end keeps memory flat: 1 GiB through the streams API into a reader slower than the
// writer (test/stack/memory-measure.ts, in a fresh process without coverage). The heap after a full GC
// is sampled at every 64 MiB read; buffering instead of pushing back would grow it by hundreds of MiB.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('stack/memory');
let figures: Record<string, unknown> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./memory-measure.ts', import.meta.url));
});

test('1 GiB arrives whole', () => {
  assert.is(figures.received, 1 << 30);
});

test('the slow reader pushed back: its ring filled (the window closed) and the writer waited', () => {
  assert.ok(figures.windowClosed, 'the reader ring was full at some point');
  assert.ok((figures.writesThatWaited as number) > 0, 'writes waited for room');
});

test('the heap stays flat over the transfer (within 4 MiB across all 16 samples)', () => {
  const heap = figures.heapAtMarks as number[];
  assert.is(heap.length, 16);
  const spread = Math.max(...heap) - Math.min(...heap);
  assert.ok(spread < 4 << 20, `heap after GC at each 64 MiB: ${heap.map((h) => (h / 1048576).toFixed(1)).join(', ')} MiB`);
});

test.run();
