// Allocation per segment of the TCP socket in steady state, measured in a fresh process
// (test/socket/tcp/alloc-measure.ts): two sockets moving bulk data with timestamps, SACK and window
// scaling, sequence numbers above 2^31. The goal is 0, held to the standard of test/helpers/alloc.ts: a clean
// round is under 0.1 byte per segment (a real allocation shows as 16 bytes or more in every round). Sequence
// numbers are int32 inside the socket (src/socket/tcp/seq.ts): as u32s, those of 2^31 or more were heap
// numbers whenever they crossed a call V8 did not inline (1.75 bytes a segment before). Measured twice: with
// small instants, and with a real clock's (microseconds since the epoch, doubles the socket's deadlines and
// RTT samples are derived from).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../../helpers/alloc.js';

const test = suite('socket/tcp/alloc');
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('the measured connections are established and move segments', () => {
  assert.ok(figures.established);
  assert.ok((figures.segmentsPerRound as number) > 10_000, `${figures.segmentsPerRound} segments`);
  assert.ok(figures.epochestablished);
  assert.ok((figures.epochsegmentsPerRound as number) > 10_000, `${figures.epochsegmentsPerRound} segments`);
});

test('bulk transfer allocates nothing per segment (a clean round: under 0.1 byte per segment)', () => {
  assert.ok((figures.bytesPerSegment as number) < 0.1, `${figures.bytesPerSegment} bytes/segment (rounds, bytes per step of ${Math.round((figures.segmentsPerRound as number) / (figures.stepsPerRound as number))} segments: ${figures.roundsBytesPerStep})`);
});

test("with a real clock's instants (µs since the epoch, above 2^31, read every 16th step): still nothing per segment", () => {
  // The caller's own heap number per clock read (16 bytes every 16 steps of about 46 segments) is included.
  assert.ok((figures.epochbytesPerSegment as number) < 0.1, `${figures.epochbytesPerSegment} bytes/segment (rounds, bytes per step: ${figures.epochroundsBytesPerStep})`);
});

test.run();
