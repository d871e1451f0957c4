// The reprs' parseInto and emit run per packet, so they must allocate nothing (GUIDE: "no garbage in the hot
// path"). test/wire/alloc-measure.ts counts what the warmed-up loops allocate, in a fresh process without
// c8's coverage counters (test/helpers/alloc.ts), until a round is clean. A single boxed number per packet
// would show as 16 bytes per packet; the bound leaves room only for per-round bookkeeping (a few kB a round
// of 400 000 packets), not for any allocation per packet.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { measureInFreshProcess } from '../helpers/alloc.js';

const test = suite('wire/allocation');
const CLEAN = 0.1;
let figures: Record<string, number | boolean | string> = {};

test.before(() => {
  figures = measureInFreshProcess(new URL('./alloc-measure.ts', import.meta.url));
});

test('parsing a kernel capture (ARP, ICMP, UDP, TCP) into reused reprs allocates nothing per frame', () => {
  assert.is(figures.kernelFrames, 21);
  assert.is(figures.kernelTcpFrames, 10, 'the capture holds TCP with random sequence numbers and SYN options');
  assert.is(figures.parseErrors, 0);
  assert.ok((figures.parseKernel as number) < CLEAN, `${figures.parseKernel} bytes per frame (rounds: ${figures.parseKernelRounds})`);
});

test('parsing TCP segments with every option, sequence numbers and timestamps >= 2^31 allocates nothing per segment', () => {
  assert.ok((figures.tcpParsed as number) > 800_000, `parsed ${figures.tcpParsed} segments`);
  assert.ok((figures.tcpOptionsParsed as number) > 400_000, 'SYN options, timestamps and SACK blocks were parsed');
  assert.ok((figures.parseTcp as number) < CLEAN, `${figures.parseTcp} bytes per segment (rounds: ${figures.parseTcpRounds})`);
});

test('emitting Ethernet, IPv4, TCP with options (MSS, window scale, SACK, timestamps) and ARP allocates nothing per frame', () => {
  assert.ok(figures.emitRoundTrip, 'the emitted SYN parses back to the repr it came from');
  assert.ok((figures.emit as number) < CLEAN, `${figures.emit} bytes per frame (rounds: ${figures.emitRounds})`);
});

test.run();
