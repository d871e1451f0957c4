// Timestamps: the string API (TimestampFormatter.format) says what writeTo writes into the output block, in
// every style; time running backwards gives tcpdump's negative deltas (-ttt, -ttttt).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { TimestampFormatter, timestampStyleForCount } from '../../src/dump/timestamp.js';
import { TextSink } from '../../src/format/text-sink.js';
import { needs } from '../helpers/needs.js';
import { craftedFrames, writePcap } from './craft.js';
import { removeDir, runDump, tcpdump, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

const test = suite('dump timestamps');
let dir = '';
test.before(() => {
  dir = tempDir('dump-timestamps');
});
test.after(() => removeDir(dir));

test('format() returns what writeTo() writes, for every -t count', () => {
  const instants: [number, number][] = [[1_700_000_000, 5], [1_700_000_000, 999_999], [1_700_003_601, 0], [1_699_999_999, 123_456], [86_400 * 365, 1]];
  for (let count = 0; count <= 5; count++) {
    const style = timestampStyleForCount(count);
    // Two formatters fed the same instants: the delta styles keep state.
    const strings = new TimestampFormatter(style);
    const bytes = new TimestampFormatter(style);
    const sink = new TextSink(8);
    for (const [seconds, micros] of instants) {
      sink.reserve(64);
      bytes.writeTo(sink, seconds, micros);
      assert.is(sink.takeText(), strings.format(seconds, micros), `${style} ${seconds}.${micros}`);
    }
  }
  assert.is(new TimestampFormatter('unix').format(1_700_000_000, 42), '1700000000.000042 ');
  assert.is(new TimestampFormatter('date').format(1_700_000_000, 42), '2023-11-14 22:13:20.000042 ');
  assert.is(new TimestampFormatter('none').format(1_700_000_000, 42), '');
});

test('time running backwards: negative deltas as tcpdump prints them (-ttt, -ttttt)', async () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  const frames = craftedFrames({ mptcp: false }).slice(0, 4);
  const instants = [[1_700_000_010, 500_000], [1_700_000_009, 0], [1_700_000_009, 250_000], [1_699_996_000, 1]];
  const file = writePcap(join(dir, 'backwards.pcap'), frames.map((data, i) => ({ data, seconds: instants[i]![0], micros: instants[i]![1] })));
  for (const style of ['-ttt', '-ttttt', '-tttt', '-tt']) {
    const ours = await runDump(['-nn', style, '-r', file], dir);
    assert.is(ours.status, 0, ours.stderr);
    assert.is(ours.stdout, tcpdump([style, '-r', file]), style);
  }
});

test.run();
