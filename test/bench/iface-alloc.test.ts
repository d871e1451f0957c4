// The interface's per-packet path allocates nothing: two interfaces over a LinkedPair exchanging echo
// requests and replies and UDP datagrams, measured with V8's GC profiler in a fresh process
// (iface-alloc-measure.ts). A real allocation per packet is 16 bytes or more (one heap number); the
// limit leaves room only for the caller's timestamp, one per poll of 32 packets.
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runAllocMeasure } from '../helpers/bytes-per.js';

const test = suite('bench/iface-alloc');
let figures: Record<string, number | boolean> = {};

test.before(() => {
  figures = runAllocMeasure(fileURLToPath(new URL('./iface-alloc-measure.ts', import.meta.url)));
});

test('nothing was lost between the two stacks', () => {
  assert.is(figures.dropped, 0);
});

test('ICMP echo: 0 bytes per round trip beyond the per-poll timestamp', () => {
  assert.ok((figures.icmp as number) < 4, `${figures.icmp} bytes per round trip`);
});

test('UDP 64 and 1472 bytes: 0 bytes per datagram beyond the per-poll timestamp', () => {
  assert.ok((figures.udp64 as number) < 4, `${figures.udp64} bytes per 64-byte datagram`);
  assert.ok((figures.udp1472 as number) < 4, `${figures.udp1472} bytes per 1472-byte datagram`);
});

test.run();
