// Benchmark dispatcher: `npm run bench -- NAME [args]` runs bench/NAME/index.ts in a fresh Node
// process with --expose-gc (benchmarks force a GC between rounds); with no name it lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(benchDir, entry.name, 'index.ts')))
  .map((entry) => entry.name)
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  console.log('usage: npm run bench -- NAME [options]');
  console.log(`benchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(name === undefined ? 0 : 0);
}
if (!available.includes(name)) {
  console.error(`bench: no benchmark named "${name}"; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(benchDir, name, 'index.ts'), ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
