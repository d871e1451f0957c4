// Every module under src/ loads by its own path and exports nothing undefined (an import cycle can leave a
// re-exported name undefined). The walk finds modules as they are added (src/storage, src/socket,
// src/iface), and it loads the barrels and type-only modules that no other test imports at run time, so
// the coverage floor (package.json "c8") measures all of src/ honestly.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('src modules');
const src = fileURLToPath(new URL('../src/', import.meta.url));

function modules(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) modules(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const all = modules(src);

test('the walk finds the modules of src/', () => {
  assert.ok(all.length > 20, `${all.length} modules`);
  assert.ok(all.includes(join(src, 'index.ts')), 'src/index.ts');
});

for (const path of all) {
  const name = relative(src, path);
  test(`src/${name} loads and exports nothing undefined`, async () => {
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const undefinedNames = Object.keys(module).filter((key) => module[key] === undefined);
    assert.equal(undefinedNames, [], `undefined exports of src/${name}`);
  });
}

test.run();
