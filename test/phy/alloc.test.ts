// Allocation per frame, measured with V8's GC profiler in a fresh process (test/phy/alloc-measure.ts):
// Loopback, a LinkedPair, the full middleware stack (FaultInjector over Tracer over PcapWriter over Loopback) and
// the pcap reader must allocate nothing per frame once optimised. A real allocation per frame costs
// at least 16 bytes (one boxed number); the limits leave room only for per-run bookkeeping.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('phy/alloc');
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('Loopback: 0 bytes per frame', () => {
  assert.ok((figures.loopback as number) < 0.5, `${figures.loopback} bytes/frame`);
});

test('LinkedPair, both directions, onReadable set: 0 bytes per frame', () => {
  assert.ok(figures.linkedPairExercised, 'frames crossed both ways and onReadable fired');
  assert.ok((figures.linkedPair as number) < 0.5, `${figures.linkedPair} bytes/frame`);
});

test('FaultInjector over Tracer over PcapWriter over Loopback: 0 bytes per frame', () => {
  assert.ok(figures.stackExercised, 'the stack traced, dropped and corrupted frames');
  // 0.25 bytes for the caller's timestamp, and each 256 KiB batch written costs a little bookkeeping.
  assert.ok((figures.stack as number) < 1.5, `${figures.stack} bytes/frame`);
});

test('PcapReader: 0 bytes per record', () => {
  assert.ok(figures.pcapRead && figures.pcapngRead, 'both files were read');
  // Opening the file and the 512 KiB buffer are per file, not per record.
  assert.ok((figures.pcap as number) < 2, `pcap: ${figures.pcap} bytes/record`);
  assert.ok((figures.pcapng as number) < 2, `pcapng: ${figures.pcapng} bytes/record`);
});

test.run();
