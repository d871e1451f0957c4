// Test entry point: collects test/**/*.test.ts (optionally only paths containing one of the
// command-line arguments) and runs them in one uvu process, so c8 sees all of them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
// The bins (smoltcp-dump, smoltcp-gen) that tests run as child processes execute dist/: rebuild it
// when a source is newer, so a test never exercises stale JavaScript.
const project = resolve(root, '..');
const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
const built = join(project, 'dist/src/index.js');
const sourcesChanged = Math.max(...['src', 'generated', 'generator'].map((d) => newest(join(project, d))));
if (!existsSync(built) || statSync(built).mtimeMs < sourcesChanged) {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: project, stdio: 'inherit' });
}

const suites = files.map((file) => ({ name: relative(root, file), file }));
const { run } = await import('uvu/run');
await run(suites, { bail: false });
