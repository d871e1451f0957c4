// The differential test of issue 8 at npm-test size: random frames from a fixed seed, a quarter damaged, through
// tshark and `smoltcp-dump --json` (every field of our schema compared) and through tcpdump and our text
// printer (packet by packet). scripts/differential.ts runs the same with many more frames (bench/README.md).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import { removeDir, tempDir } from './helpers.js';
import { differentialRecords, runDifferential } from './differential.js';

process.env.TZ = 'UTC';

const test = suite('differential: random and damaged frames against tshark and tcpdump');
let dir = '';
test.before(() => {
  dir = tempDir('dump-differential');
});
test.after(() => removeDir(dir));

test('the generator is deterministic and damages about a quarter of the frames', () => {
  const a = differentialRecords(400, 8);
  const b = differentialRecords(400, 8);
  assert.equal(a.records.map((r) => Buffer.from(r.data).toString('hex')), b.records.map((r) => Buffer.from(r.data).toString('hex')));
  assert.ok(a.damaged > 70 && a.damaged < 130, `damaged ${a.damaged} of 400`);
});

test('at least 99.9 % of the schema fields equal tshark; every text line equals tcpdump', async () => {
  if (!needs('differential test', ['tshark', 'tcpdump'])) return;
  const r = await runDifferential(dir, 2000, 8, [[], ['-e']]);
  const percent = (100 * r.fieldsEqual) / r.fieldsCompared;
  const summary = r.byField.slice(0, 10).map(([field, n]) => `${field}: ${n}`).join(', ');
  assert.ok(r.fieldsCompared > 30000, `compared only ${r.fieldsCompared} fields`);
  assert.ok(percent >= 99.9, `${percent.toFixed(3)} % equal; differing: ${summary}`);
  assert.equal(r.textMismatches, [], r.textMismatches.join('\n'));
  assert.ok(r.textCompared > 3500, `compared only ${r.textCompared} packets`);
});

test.run();
