// The browser demo's pieces that need no browser, in Node: the transfer itself (examples/browser/demo.ts)
// and its live trace (FrameTrace), which keeps only each frame's first SNAP_LENGTH bytes and formats the
// frames still in its ring when the page paints. The lines must be what the whole frames would give.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { demoData, runDemo } from '../../examples/browser/demo.js';
import { FrameTrace, SNAP_LENGTH } from '../../examples/browser/frame-trace.js';
import { FrameFormatter } from '../../src/format/index.js';
import type { FrameDirection } from '../../src/phy/tracer.js';
import { TRACE_LINE } from './trace-line.js';

const test = suite('browser/frame-trace');

test('the demo moves its data between two stacks in Node too, byte for byte', async () => {
  const result = await runDemo({ bytes: (1 << 20) + 3 });
  assert.is(result.received.length, result.sent.length);
  assert.ok(Buffer.from(result.received).equals(Buffer.from(result.sent)), 'received what was sent');
  assert.ok(result.seconds > 0);
});

test('demoData is the same pseudo-random bytes for the same size, of the size asked for', () => {
  const a = demoData(1001);
  assert.is(a.length, 1001);
  assert.equal(demoData(1001), a);
  assert.ok(new Set(a.subarray(0, 256)).size > 100, 'not a constant fill');
});

test('the ring formats the last frames from their headers as tcpdump would the whole frames', async () => {
  const trace = new FrameTrace(32);
  const whole = new FrameFormatter();
  const expected: string[] = [];
  let longest = 0;
  const both = (direction: FrameDirection, timestamp: number, bytes: Uint8Array, offset: number, length: number): void => {
    trace.callback(direction, timestamp, bytes, offset, length);
    longest = Math.max(longest, length);
    expected.push(`${direction === 'rx' ? '<-' : '->'} ${whole.format(bytes, offset, length)}`);
  };
  await runDemo({ bytes: 300_000, trace: both });
  assert.ok(longest > SNAP_LENGTH, 'full segments were cut to the snap length');
  assert.is(trace.frames, expected.length);
  const lines = trace.lines();
  assert.is(lines.length, 32, 'one line per slot of the ring');
  assert.is(trace.skipped, expected.length - 32, 'the frames overwritten before the paint are counted');
  assert.equal(lines.map((l) => l.replace(/^\[[ \d.]+s\] /, '')), expected.slice(-32));
  for (const line of lines) assert.match(line, TRACE_LINE);
  assert.equal(trace.lines(), [], 'nothing new since the last call');
});

test('the first lines start at 0 s and show the handshake', async () => {
  const trace = new FrameTrace(4096);
  await runDemo({ bytes: 1000, trace: trace.callback });
  const lines = trace.lines();
  assert.is(trace.skipped, 0);
  assert.match(lines[0]!, /^\[ {5}0\.000s\] -> ARP, Request who-has 10\.0\.0\.2 tell 10\.0\.0\.1, length 28$/);
  assert.ok(lines.some((l) => /-> IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.5000: Flags \[S\]/.test(l)), 'the SYN');
  for (const line of lines) assert.match(line, TRACE_LINE);
});

test.run();
