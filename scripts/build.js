// `npm run build`: a fresh dist/ (so no output of a moved or deleted source is left to be packed), the
// TypeScript compiled by tsc -p tsconfig.build.json, and the generator's handlebars templates and runtime
// source copied beside the compiled generator, which reads them from there as generator/*.ts do.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
const typescript = dirname(createRequire(import.meta.url).resolve('typescript/package.json'));
const tsc = join(typescript, 'bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const dir of ['templates', 'runtime']) {
  cpSync(new URL(`generator/${dir}`, root), new URL(`dist/generator/${dir}`, root), { recursive: true });
}
