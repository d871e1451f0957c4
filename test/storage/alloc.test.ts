// Allocation per call of the storage buffers, measured in a fresh process (test/storage/alloc-measure.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('storage/alloc');
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('RingBuffer: copying in, out and at offsets allocates 0 bytes per call', () => {
  assert.ok((figures.ringBuffer as number) < 0.5, `${figures.ringBuffer} bytes/round`);
});

test('RingBuffer: long copies out to another ArrayBuffer (cached block views, TypedArray set) allocate 0 bytes per call', () => {
  assert.ok((figures.ringBufferLongCopies as number) < 0.5, `${figures.ringBufferLongCopies} bytes/round`);
});

test('PacketBuffer: copying and zero-copy enqueue, dequeue with metadata allocate 0 bytes per packet', () => {
  assert.ok((figures.packetBuffer as number) < 0.5, `${figures.packetBuffer} bytes/round`);
});

test.run();
