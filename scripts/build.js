// `npm run build`: a fresh dist/ (so no output of a moved or deleted source is left to be packed), the
// TypeScript compiled by tsc -p tsconfig.build.json, and the generator's handlebars templates and runtime
// source copied beside the compiled generator, which reads them from there as generator/*.ts do.
//
// Then smoltcp-dump's compiled modules are bundled into one CommonJS file, dist/bin/smoltcp-dump.cjs, which
// bin/smoltcp-dump.js loads. A tool that decodes a capture in a few hundred milliseconds spends a large part of
// them starting: one file instead of some sixty ESM modules saves the loader's per-module work (resolve, read,
// link) and the ESM facades of Node's built-ins (importing `node:fs` from ESM loads fs/promises, readline and
// the streams just to list its exports), about 40 ms a run (bench/README.md, dump). Packages stay outside the
// bundle (koffi finds its native addon relative to its own files).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
const require = createRequire(import.meta.url);
const typescript = dirname(require.resolve('typescript/package.json'));
const tsc = join(typescript, 'bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const dir of ['templates', 'runtime']) {
  cpSync(new URL(`generator/${dir}`, root), new URL(`dist/generator/${dir}`, root), { recursive: true });
}

const { buildSync } = require('esbuild');
buildSync({
  absWorkingDir: new URL('.', root).pathname,
  entryPoints: ['dist/src/dump/main.js'],
  outfile: 'dist/bin/smoltcp-dump.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  // Whitespace only: names stay readable in a profile or a stack trace, and statements where the source map
  // (through tsc's maps, to src/*.ts) says, for coverage of the tests that run the bin.
  minifyWhitespace: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
