// The package's entries (package.json "exports"), checked on the sources: each entry has a module and
// declarations, a name means one thing across all entries (a name exported by two entries is the same
// binding), the root re-exports the portable layers and not the Linux drivers, and internals stay out.
// Type-only names are covered by the compiler: src/index.ts re-exports every portable entry with
// `export *`, which fails to compile (TS2308) when two of them export one name.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};

const test = suite('package/exports');

interface Entry {
  subpath: string;
  source: string;
  conditions: Record<string, string>;
}

const entries: Entry[] = Object.entries(pkg.exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, target]) => {
    const conditions = target as Record<string, string>;
    // ./dist/src/wire/index.js is built from src/wire/index.ts.
    const source = conditions.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
    return { subpath, source, conditions };
  });

async function load(entry: Entry): Promise<Record<string, unknown>> {
  return import(pathToFileURL(join(ROOT, entry.source)).href);
}

test('every entry has types, import and default conditions over a module in the tree', () => {
  assert.equal(
    entries.map((e) => e.subpath),
    ['.', './time', './wire', './phy', './phy/linux', './pcap', './format', './storage', './socket', './iface', './runner', './stack'],
  );
  for (const { subpath, source, conditions } of entries) {
    assert.equal(Object.keys(conditions), ['types', 'import', 'default'], subpath);
    assert.is(conditions.types, conditions.import.replace(/\.js$/, '.d.ts'), subpath);
    assert.is(conditions.default, conditions.import, subpath);
    assert.ok(existsSync(join(ROOT, source)), `${subpath}: ${source}`);
  }
});

test('a name exported by two entries is the same binding', async () => {
  const owner = new Map<string, { subpath: string; value: unknown }>();
  for (const entry of entries) {
    for (const [name, value] of Object.entries(await load(entry))) {
      const first = owner.get(name);
      if (first === undefined) owner.set(name, { subpath: entry.subpath, value });
      else assert.ok(first.value === value, `${name} means different things in ${first.subpath} and ${entry.subpath}`);
    }
  }
});

test('the root is the portable layers together, without the Linux drivers and the Node runner', async () => {
  const root = await load(entries[0]);
  const portable = new Set<string>();
  for (const entry of entries.filter((e) => !['.', './phy/linux', './runner'].includes(e.subpath))) {
    for (const name of Object.keys(await load(entry))) portable.add(name);
  }
  assert.equal(Object.keys(root).sort(), [...portable].sort());
  for (const name of ['TapInterface', 'RawSocket', 'PhyError', 'FdDevice']) assert.not.ok(name in root, name);
  const linux = await load(entries.find((e) => e.subpath === './phy/linux')!);
  assert.equal(Object.keys(linux).sort(), ['FdDevice', 'PhyError', 'RawSocket', 'TapInterface']);
  assert.not.ok('Runner' in root, 'Runner');
  const runner = await load(entries.find((e) => e.subpath === './runner')!);
  assert.equal(Object.keys(runner), ['Runner']);
});

test('internals stay internal; LinkType and one checksum fold are public', async () => {
  const root = await load(entries[0]);
  const all = new Set<string>();
  for (const entry of entries) for (const name of Object.keys(await load(entry))) all.add(name);
  for (const name of [
    'EMPTY_BYTES', 'dataViewOf', 'checksumSumData', 'foldSum', 'HEX_BYTE', 'Ipv4TextCache', 'MacTextCache',
    'ipv4FinalDestination', 'copyBytes', 'sameBytes', 'requireViewInBuffer', 'MAC_SCRATCH', 'ByteCopier',
    'PCAP_MAGIC_MICROS', 'MAX_RECORD_LENGTH', 'DeviceWrapper', 'parseMiddlewareOptions', 'buildMiddleware',
    'OptionError', 'MIDDLEWARE_OPTIONS_HELP', 'tapSetupHint',
    // Byte offsets are the generator's business and the views': the <Name>Field tables stay internal.
    'ArpField', 'EthernetField', 'Icmpv4Field', 'Ipv4Field', 'TcpField', 'UdpField',
  ]) {
    assert.not.ok(all.has(name), name);
  }
  assert.not.ok([...all].some((name) => name.startsWith('PACKET_')), 'PACKET_* constants');
  for (const name of ['LinkType', 'checksumFold', 'checksumSum', 'pseudoHeaderSum', 'internetChecksum']) {
    assert.ok(name in root, name);
  }
});

test.run();
