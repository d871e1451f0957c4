// Allocation per segment of the TCP socket in steady state, measured in a fresh process
// (test/socket/tcp/alloc-measure.ts): two sockets moving bulk data with timestamps, SACK and window
// scaling. The goal is 0; what remains (about 1.7 bytes a segment, one heap number every seven or so
// segments, where a sequence number above 2^31 crosses a call V8 does not inline) is pinned here so it
// cannot grow unnoticed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../../helpers/alloc.js';

const test = suite('socket/tcp/alloc');
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('the measured connection is established and moves segments', () => {
  assert.ok(figures.established);
  assert.ok((figures.segmentsPerRound as number) > 10_000, `${figures.segmentsPerRound} segments`);
});

test('bulk transfer allocates under 2.5 bytes per segment (no object, string or closure per segment)', () => {
  assert.ok((figures.bytesPerSegment as number) < 2.5, `${figures.bytesPerSegment} bytes/segment`);
});

test.run();
