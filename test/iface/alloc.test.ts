// Allocation per packet through two interfaces (test/iface/alloc-measure.ts, in a fresh process): UDP
// datagrams of 64 and 1472 bytes and ICMP echo round trips allocate nothing per packet. What remains is
// the caller's timestamp, boxed once per poll (16 bytes over a burst of 32 packets: 0.5 bytes a packet).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('iface/alloc');
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('the packets were delivered', () => {
  assert.ok(figures.delivered, 'every datagram and echo reply arrived');
  assert.ok(figures.checked, 'nothing was dropped');
});

for (const name of ['udp64', 'udp1472', 'ping']) {
  test(`${name}: 0 bytes per packet beyond the caller's timestamp`, () => {
    assert.ok((figures[name] as number) < 1.5, `${figures[name]} bytes/packet`);
  });
}

test('every buffer in one ArrayBuffer (copies by copyWithin): 0 bytes per packet beyond the caller\'s timestamp', () => {
  assert.ok(figures.arenaDelivered, 'nothing dropped, echoes and datagrams moved');
  // bench/iface's measure() counts the whole timed loop (JIT work included), not the best of rounds.
  assert.ok((figures.arena as number) < 4, `${figures.arena} bytes/packet`);
});

test.run();
