// The IPv6 views and reprs run per packet, so they must allocate nothing (GUIDE: "no garbage in the hot path"):
// test/wire/alloc-measure-ipv6.ts counts what the warmed-up loops allocate, in a fresh process without c8.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('wire/allocation-ipv6');
const CLEAN = 0.1;
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure-ipv6.ts', import.meta.url));
});

test('parsing IPv6 frames with ICMPv6 (echo, errors, NDP with options) into reused reprs allocates nothing per frame', () => {
  assert.ok((figures.frames as number) >= 20, `${figures.frames} frames`);
  assert.is(figures.parseErrors, 0);
  assert.ok((figures.icmpParsed as number) > 800_000, `parsed ${figures.icmpParsed} messages`);
  assert.ok((figures.parse as number) < CLEAN, `${figures.parse} bytes per frame (rounds: ${figures.parseRounds})`);
});

test('emitting IPv6 with a neighbour solicitation or an echo reply allocates nothing per frame', () => {
  assert.ok(figures.emitRoundTrip, 'the emitted solicitation parses back to the repr it came from');
  assert.ok((figures.emit as number) < CLEAN, `${figures.emit} bytes per frame (rounds: ${figures.emitRounds})`);
});

test.run();
