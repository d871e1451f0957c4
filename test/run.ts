// Test entry point: collects test/**/*.test.ts (optionally only paths containing one of the
// command-line arguments) and runs them in one uvu process, so c8 sees all of them.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)));
const filters = process.argv.slice(2);

function collect(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = collect(root, []).filter(
  (f) => filters.length === 0 || filters.some((p) => f.includes(p)),
);
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const suites = files.map((file) => ({ name: relative(root, file), file }));
const { run } = await import('uvu/run');
await run(suites, { bail: false });
