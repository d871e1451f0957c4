// npm's `prepare` step: runs on `npm install` in a clone, on a git or path install, and before
// `npm pack`. It builds dist/ (the compiled library and the bins' code) when TypeScript is at hand. An
// install without dev dependencies (npm install --omit=dev) has no compiler: it keeps the dist/ it
// has, or says how to build one, and never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
let hasTypeScript = true;
try {
  createRequire(import.meta.url).resolve('typescript/package.json');
} catch {
  hasTypeScript = false;
}
if (hasTypeScript) {
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exitCode = r.status ?? 1;
} else if (!existsSync(new URL('dist/src/index.js', root))) {
  console.warn('smoltcp-ts: dist/ is not built and TypeScript is not installed: run `npm install` (with dev dependencies) and `npm run build`.');
}
