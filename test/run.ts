// Test entry point: collects test/**/*.test.ts (optionally only paths containing one of the
// command-line arguments) and runs them in one uvu process, so c8 sees all of them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

// uvu/run's loop, with one guard added: when a suite's `before` hook throws, uvu's runner returns from its
// `finally` and the error is lost: the suite reports (0 / N) and the process exits 0. A suite whose tests did
// not all run (nor were skipped) fails here instead, so a broken fixture (a capture that timed out) cannot
// pass as green.
type Runner = () => Promise<[string | true, number, number, number]>;
const queue = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: (string | Runner)[][] };
queue.UVU_DEFER = 1;
const uvu = await import('uvu');
for (const [index, file] of files.entries()) {
  queue.UVU_INDEX = index;
  queue.UVU_QUEUE.push([relative(root, file)]);
  await import(pathToFileURL(file).href);
}
for (const group of queue.UVU_QUEUE) {
  for (let i = 1; i < group.length; i++) {
    const runner = group[i] as Runner;
    group[i] = async () => {
      const result = await runner();
      const [errors, ran, skipped, total] = result;
      if (errors === true && ran + skipped < total) {
        result[0] = `  FAIL  ${total - ran - skipped} of ${total} tests did not run: a before hook of the suite threw (uvu drops its error; run this file alone with a try/catch in the hook to see it)\n`;
      }
      return result;
    };
  }
}
await uvu.exec(false);
