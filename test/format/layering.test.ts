// The printer is a layer of its own: the wire layer and phy (the Tracer takes a formatter) do not import it,
// so a program that parses packets or drives a device never loads the tcpdump printer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

for (const layer of ['src/wire', 'src/phy', 'generated']) {
  test(`${layer} imports nothing of src/format`, () => {
    const offenders = sources(layer).filter((file) => /(from|import)\s*'[^']*\/format\//.test(readFileSync(file, 'utf8')));
    assert.equal(offenders, []);
  });
}

test('src/format imports no device (phy) and no CLI (dump)', () => {
  const offenders = sources('src/format').filter((file) => /from '\.\.\/(phy|dump|pcap)\//.test(readFileSync(file, 'utf8')));
  assert.equal(offenders, []);
});

test.run();
