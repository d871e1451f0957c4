// Allocation per segment of the TCP socket in steady state, measured in a fresh process
// (test/socket/tcp/alloc-measure.ts): two sockets moving bulk data with timestamps, SACK and window
// scaling, sequence numbers above 2^31. The goal is 0, held to the standard of test/helpers/alloc.ts: a clean
// round is under 0.1 byte per segment (a real allocation shows as 16 bytes or more in every round). Sequence
// numbers are int32 inside the socket (src/socket/tcp/seq.ts): as u32s, those of 2^31 or more were heap
// numbers whenever they crossed a call V8 did not inline (1.75 bytes a segment before).
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

test('bulk transfer allocates nothing per segment (a clean round: under 0.1 byte per segment)', () => {
  assert.ok((figures.bytesPerSegment as number) < 0.1, `${figures.bytesPerSegment} bytes/segment (rounds, bytes per step of ${Math.round((figures.segmentsPerRound as number) / (figures.stepsPerRound as number))} segments: ${figures.roundsBytesPerStep})`);
});

test.run();
