// The portable core (src/time.ts, src/wire, src/storage, src/socket, src/iface) bundles for the browser
// platform with nothing Node-only in it: no node: builtin, no native package (koffi), no Node global
// (process, Buffer, ...). A finding names the module that brought it. The check itself is shown to catch
// a module that imports node:fs and one that only reads process and Buffer.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeOnlyFindings } from './bundle-check.js';

const test = suite('portability/browser-bundle');
const root = fileURLToPath(new URL('../../', import.meta.url));

const CORE_DIRS = ['src/wire', 'src/storage', 'src/socket', 'src/iface'];

function coreEntries(): string[] {
  const entries = ['./src/time.ts'];
  for (const dir of CORE_DIRS) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name.endsWith('.ts')) entries.push(`./${dir}/${name}`);
    }
  }
  return entries;
}

test('time, wire, storage, socket and iface bundle for the browser with nothing Node-only', async () => {
  const entries = coreEntries();
  assert.ok(entries.some((e) => e.includes('src/iface/interface.ts')), 'the interface is among the entries');
  const { findings, modules } = await nodeOnlyFindings(root, entries);
  assert.equal(findings, [], `Node-only code in the portable core:\n${findings.map((f) => `  ${f.module}: ${f.what}`).join('\n')}`);
  assert.ok(modules.includes('src/iface/interface.ts') && modules.some((m) => m.startsWith('generated/')), 'the bundle holds the core and the generated views');
});

test('the check names the module that imports a Node builtin or reads a Node global', async () => {
  const { findings } = await nodeOnlyFindings(root, ['./src/time.ts', './test/portability/fixtures/node-only.ts', './test/portability/fixtures/uses-global.ts']);
  const lines = findings.map((f) => `${f.module}: ${f.what}`).sort();
  assert.equal(lines, [
    'test/portability/fixtures/node-only.ts: global Buffer',
    'test/portability/fixtures/node-only.ts: global process',
    'test/portability/fixtures/node-only.ts: import node:fs',
    'test/portability/fixtures/uses-global.ts: global Buffer',
    'test/portability/fixtures/uses-global.ts: global process',
  ]);
});

test('the runner and the linked pair are portable too (web-standard timers only)', async () => {
  const { findings } = await nodeOnlyFindings(root, ['./src/runner/runner.ts', './src/phy/linked-pair.ts']);
  assert.equal(findings.map((f) => `${f.module}: ${f.what}`), []);
});

test.run();
