// The large differential run of issue 8: `node --import tsx scripts/differential.ts [frames] [seed]` decodes
// random frames (a quarter damaged) with tshark, tcpdump and smoltcp-dump and prints how many schema fields
// and text lines agree, with the remaining differences grouped by field. bench/README.md records the figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDifferential } from '../test/dump/differential.js';

const frames = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'differential-'));
try {
  const r = await runDifferential(dir, frames, seed, [[], ['-v'], ['-e']]);
  const percent = (100 * r.fieldsEqual) / r.fieldsCompared;
  console.log(`frames=${r.frames} damaged=${r.damaged} seed=${seed}`);
  console.log(`json fields compared=${r.fieldsCompared} equal=${r.fieldsEqual} (${percent.toFixed(3)}%)`);
  for (const [field, n] of r.byField.slice(0, 30)) {
    const example = r.differences.find((d) => d.field === field)!;
    console.log(`  ${field}: ${n} (e.g. packet ${example.packet}: ours ${JSON.stringify(example.ours)}, tshark ${JSON.stringify(example.tshark)})`);
  }
  console.log(`text packets equal=${r.textCompared} skipped(generic)=${r.textSkipped} mismatches=${r.textMismatches.length}${r.textMismatches.length >= 10 ? '+' : ''}`);
  for (const m of r.textMismatches.slice(0, 30)) console.log(m);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
