// `npm run build`: a fresh dist/ (so no output of a moved or deleted source is left to be packed), the
// TypeScript compiled by tsc -p tsconfig.build.json, and the generator's handlebars templates and runtime
// source copied beside the compiled generator, which reads them from there as generator/*.ts do.
//
// Then smoltcp-dump's compiled modules are bundled into one CommonJS file, dist/bin/smoltcp-dump.cjs, which
// bin/smoltcp-dump.js loads. A tool that decodes a capture in a few hundred milliseconds spends a large part of
// them starting: one file instead of some sixty ESM modules saves the loader's per-module work (resolve, read,
// link) and the ESM facades of Node's built-ins (importing `node:fs` from ESM loads fs/promises, readline and
// the streams just to list its exports), about 40 ms a run (bench/README.md, dump). Packages stay outside the
// bundle (koffi finds its native addon relative to its own files). Last, the bundle's V8 code cache is made
// (scripts/code-cache.cjs): the bin compiles the bundle from it rather than from its source.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const bundle = buildSync({
  absWorkingDir: new URL('.', root).pathname,
  entryPoints: ['dist/src/dump/main.js'],
  outfile: 'dist/bin/smoltcp-dump.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  // `import('node:net')` becomes a require() in a promise: bin/load-built.js compiles the bundle with vm.Script,
  // where import() would need Node's experimental vm modules.
  supported: { 'dynamic-import': false },
  // Whitespace only: names stay readable in a profile or a stack trace, and statements where the source map
  // (through tsc's maps, to src/*.ts) says, for coverage of the tests that run the bin.
  minifyWhitespace: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  write: false,
});
for (const output of bundle.outputFiles) {
  let text = output.text;
  if (output.path.endsWith('.cjs')) {
    // The build id that names the bundle's code caches (bin/load-built.js): a hash of the text, on a line of
    // its own after the code and before the source map's comment, so that no mapped line moves.
    const at = text.lastIndexOf('//# sourceMappingURL=');
    const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
    text = `${text.slice(0, at)}// build ${id}\n${text.slice(at)}`;
  }
  mkdirSync(dirname(output.path), { recursive: true });
  writeFileSync(output.path, text);
}

// The code cache of the bundle, made by running it as the bin does (with the bin's Node flags, which V8's
// cache depends on) on a small capture: see scripts/code-cache.cjs.
const binFlags = /^#!.*\bnode((?: --[\w-]+=?\S*)*)\s*$/m.exec(readFileSync(new URL('bin/smoltcp-dump.js', root), 'latin1'));
if (binFlags === null) throw new Error('bin/smoltcp-dump.js: no `#!/usr/bin/env -S node FLAGS` line to read the flags from');
const env = { ...process.env };
// Coverage of this run is not coverage of the tests (and under it the bin would not use a cache).
// Empty, not deleted: Node hands its own NODE_V8_COVERAGE to a child whose env does not set it.
env.NODE_V8_COVERAGE = '';
const warm = spawnSync(process.execPath, [...binFlags[1].trim().split(/\s+/), join(new URL('.', root).pathname, 'scripts/code-cache.cjs')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (warm.status !== 0) process.exit(warm.status ?? 1);
