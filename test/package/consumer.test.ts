// The package as a user gets it: `npm pack` once, the tarball installed into a fresh CommonJS project
// and a fresh ESM project in a temporary directory, with plain Node (no tsx) and the project's tsc.
// Each layer's entry loads from require() and import, type-checks under `nodenext` and `bundler`
// resolution, loads no native addon unless a Linux driver is imported, and the install stays small.
// smoltcp-gen asks for its toolchain by name, and once it is installed its output runs in both projects.
// Installing needs the npm registry (koffi, and the generator's toolchain); npm's cache makes it quick.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TSC = join(ROOT, 'node_modules/.bin/tsc');
/** A quarter of the 41 MB a consumer install took when the generator's toolchain was a dependency. */
const INSTALL_BUDGET_KB = (41 * 1024) / 4;

const test = suite('package/consumer');
let dir = '';
let cjs = '';
let esm = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Run {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function npm(args: string[], cwd: string): void {
  const r = run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], cwd);
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} failed:\n${r.stderr}`);
}

function project(name: string, type: 'commonjs' | 'module'): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeFileSync(join(path, 'package.json'), JSON.stringify({ name, private: true, type }, null, 2));
  return path;
}

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'smoltcp-consumer-'));
  // `npm pack` runs prepare, which builds dist/.
  npm(['pack', '--pack-destination', dir], ROOT);
  const tarball = join(dir, readdirSync(dir).find((n) => n.endsWith('.tgz'))!);
  cjs = project('cjs', 'commonjs');
  esm = project('esm', 'module');
  npm(['install', tarball], cjs);
  npm(['install', tarball], esm);
});

test.after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

// An ARP request from 10.0.0.1 for 10.0.0.2, as Linux sends it.
const ARP_HEX = 'ffffffffffff020000000001080600010800060400010200000000010a000001000000000000' + '0a000002';
const ARP_LINE = 'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28';

test('a CommonJS project require()s every entry and parses a frame', () => {
  writeFileSync(
    join(cjs, 'use.js'),
    `
const { EthernetFrame, EtherType, ArpPacket, ArpRepr, WireError, formatIpv4 } = require('smoltcp-ts/wire');
const { formatFrame } = require('smoltcp-ts/format');
const root = require('smoltcp-ts');
const bytes = Uint8Array.from(Buffer.from('${ARP_HEX}', 'hex'));
const frame = new EthernetFrame().init(bytes, 0, bytes.length);
if (frame.check() !== WireError.Ok || frame.etherType !== EtherType.Arp) throw new Error('not an ARP frame');
const arp = new ArpPacket().init(bytes, 14, bytes.length - 14);
const repr = ArpRepr.parse(arp);
if (!(repr instanceof ArpRepr)) throw new Error('ARP did not parse');
console.log(formatIpv4(repr.sourceProtocolAddr), formatIpv4(repr.targetProtocolAddr));
console.log(formatFrame(bytes));
console.log(root.EthernetFrame === EthernetFrame, typeof require('smoltcp-ts/pcap').PcapReader,
  typeof require('smoltcp-ts/phy').Loopback, typeof require('smoltcp-ts/time').now);
`,
  );
  const r = run(process.execPath, ['use.js'], cjs);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `10.0.0.1 10.0.0.2\n${ARP_LINE}\ntrue function function function\n`);
});

test('an ESM project imports every entry and parses a frame', () => {
  writeFileSync(
    join(esm, 'use.js'),
    `
import { EthernetFrame, Ipv4Packet, TcpPacket, WireError, formatFrame, LinkType } from 'smoltcp-ts';
import { TcpRepr } from 'smoltcp-ts/wire';
import { FaultInjector, Loopback } from 'smoltcp-ts/phy';
import { TapInterface, RawSocket, PhyError } from 'smoltcp-ts/phy/linux';
const bytes = Uint8Array.from(Buffer.from('${ARP_HEX}', 'hex'));
const frame = new EthernetFrame().init(bytes, 0, bytes.length);
console.log(frame.check() === WireError.Ok, formatFrame(bytes));
console.log(typeof Ipv4Packet, typeof TcpPacket, typeof TcpRepr, typeof FaultInjector, typeof Loopback,
  typeof TapInterface, typeof RawSocket, typeof PhyError, LinkType.Ethernet);
`,
  );
  const r = run(process.execPath, ['use.js'], esm);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `true ${ARP_LINE}\nfunction function function function function function function function 1\n`);
});

test('koffi (a native addon) is loaded only when smoltcp-ts/phy/linux is imported', () => {
  // Every native addon goes through process.dlopen: record what is opened.
  const script = (specifiers: string[]) => `
const opened = [];
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) { opened.push(filename); return dlopen.call(this, module, filename, ...rest); };
${specifiers.map((s) => `await import('${s}');`).join('\n')}
console.log(JSON.stringify(opened));
`;
  const portable = ['smoltcp-ts', 'smoltcp-ts/wire', 'smoltcp-ts/phy', 'smoltcp-ts/pcap', 'smoltcp-ts/format', 'smoltcp-ts/time'];
  writeFileSync(join(esm, 'portable.js'), script(portable));
  writeFileSync(join(esm, 'linux.js'), script(['smoltcp-ts/phy/linux']));
  const quiet = run(process.execPath, ['portable.js'], esm);
  assert.is(quiet.stderr, '');
  assert.equal(JSON.parse(quiet.stdout), [], 'no native addon for the portable entries');
  const linux = run(process.execPath, ['linux.js'], esm);
  assert.is(linux.stderr, '');
  const opened = JSON.parse(linux.stdout) as string[];
  assert.ok(opened.length === 1 && /koffi/.test(opened[0]), `the Linux drivers load koffi: ${linux.stdout}`);
});

test(`a consumer install without the generator's toolchain is at most ${INSTALL_BUDGET_KB} KB`, () => {
  const kb = Number(execFileSync('du', ['-sk', 'node_modules'], { cwd: cjs, encoding: 'utf8' }).split('\t')[0]);
  console.log(`  consumer install: ${(kb / 1024).toFixed(1)} MB of node_modules`);
  assert.ok(kb > 0 && kb <= INSTALL_BUDGET_KB, `${kb} KB`);
  const installed = readdirSync(join(cjs, 'node_modules'));
  for (const name of ['ts-morph', 'handlebars', 'yaml', 'tsx', 'typescript']) assert.not.ok(installed.includes(name), name);
});

test('smoltcp-dump runs from the install with plain Node, and its first run leaves a code cache for the next', () => {
  const capture = join(ROOT, 'test/wire/fixtures/linux-kernel.pcap');
  // The package ships no code cache (V8 takes one only from the same Node version): the first run writes one.
  const bin = join(cjs, 'node_modules/smoltcp-ts/dist/bin');
  const caches = (): string[] => readdirSync(bin).filter((f) => f.endsWith('.cache'));
  assert.equal(caches(), []);
  // Without coverage, under which the bin leaves the cache alone.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  // Empty, not deleted: Node hands its own NODE_V8_COVERAGE to a child whose env does not set it.
  env.NODE_V8_COVERAGE = '';
  const dump = (): string => {
    const r = spawnSync('npx', ['--no-install', 'smoltcp-dump', '-tt', '-c', '1', '-r', capture], { cwd: cjs, encoding: 'utf8', env });
    assert.is(r.stderr, '');
    return r.stdout;
  };
  assert.match(dump(), /^\d+\.\d{6} ARP, Request who-has 10\.81\.0\.2 tell 10\.81\.0\.1, length 28\n$/);
  const written = caches();
  assert.is(written.length, 1);
  const inode = statSync(join(bin, written[0]!)).ino;
  assert.match(dump(), /ARP, Request who-has 10\.81\.0\.2/);
  // V8 took the cache: one it rejects is written again.
  assert.equal(caches(), written);
  assert.is(statSync(join(bin, written[0]!)).ino, inode);
});

test('the tarball ships compiled JavaScript for current sources only', () => {
  const installed = join(cjs, 'node_modules/smoltcp-ts');
  const compiled = (readdirSync(join(installed, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
  assert.ok(compiled.includes(join('src', 'index.js')) && compiled.includes(join('generator', 'main.js')));
  for (const file of compiled) assert.ok(existsSync(join(ROOT, file.replace(/\.js$/, '.ts'))), `dist/${file} has no source`);
});

const CONSUMER_TS = `
import { EthernetFrame, WireError, formatFrame, type Instant } from 'smoltcp-ts';
import { TcpRepr, type TcpReprFields } from 'smoltcp-ts/wire';
import { Loopback, type Device } from 'smoltcp-ts/phy';
import { PcapFileWriter, LinkType } from 'smoltcp-ts/pcap';
import { millis } from 'smoltcp-ts/time';
import type { TapInterface } from 'smoltcp-ts/phy/linux';
const error: WireError = new EthernetFrame().init(new Uint8Array(60), 0, 60).check();
const device: Device = new Loopback();
const at: Instant = millis(5);
const tap: TapInterface | null = null;
const fields: Partial<TcpReprFields> = {};
export const all = [error, device, at, tap, fields, formatFrame, TcpRepr, PcapFileWriter, LinkType.Ethernet];
`;

function typeCheck(cwd: string, compilerOptions: Record<string, unknown>): Run {
  writeFileSync(join(cwd, 'consumer.ts'), CONSUMER_TS);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      // The package's declarations name node:stream types; a Node project has @types/node.
      typeRoots: [join(ROOT, 'node_modules/@types')],
      types: ['node'],
      ...compilerOptions,
    },
    files: ['consumer.ts'],
  };
  writeFileSync(join(cwd, 'tsconfig.json'), JSON.stringify(tsconfig));
  return run(TSC, ['-p', '.'], cwd);
}

test('TypeScript consumers type-check with nodenext (CommonJS and ESM) and bundler resolution', () => {
  for (const [cwd, options] of [
    [cjs, { module: 'nodenext', moduleResolution: 'nodenext' }],
    [esm, { module: 'nodenext', moduleResolution: 'nodenext' }],
    [esm, { module: 'esnext', moduleResolution: 'bundler' }],
  ] as const) {
    const r = typeCheck(cwd, options);
    assert.is(r.stdout + r.stderr, '', `${cwd} ${JSON.stringify(options)}`);
    assert.is(r.status, 0);
  }
});

test('smoltcp-gen asks for its toolchain by name, then its output runs in both projects', () => {
  const spec = join(ROOT, 'spec/examples/vxlan.yaml');
  const bare = run('npx', ['--no-install', 'smoltcp-gen', spec, '--out', 'vxlan'], esm);
  assert.is(bare.status, 1);
  assert.match(bare.stderr, 'smoltcp-gen needs ts-morph, handlebars and yaml');
  assert.match(bare.stderr, 'npm install -D ts-morph handlebars yaml');
  npm(['install', '-D', 'ts-morph@^28.0.0', 'handlebars@^4.7.10', 'yaml@^2.9.1'], esm);
  const gen = run('npx', ['--no-install', 'smoltcp-gen', spec, '--out', 'vxlan'], esm);
  assert.is(gen.stderr, '');
  assert.is(gen.status, 0);
  // The output is self-contained: the same files serve the CommonJS project.
  cpSync(join(esm, 'vxlan'), join(cjs, 'vxlan'), { recursive: true });
  for (const cwd of [esm, cjs]) {
    writeFileSync(
      join(cwd, 'vxlan/use.ts'),
      [
        "import { VxlanHeader, WireError } from './index.js';",
        'const bytes = new Uint8Array(16);',
        'const vxlan = new VxlanHeader(bytes, 4);',
        'vxlan.vniValid = true;',
        'vxlan.vni = 0xabcdef;',
        'console.log(vxlan.check() === WireError.Ok && vxlan.vni === 0xabcdef && vxlan.payloadOffset === 12);',
        '',
      ].join('\n'),
    );
    // Compiled as the project compiles: CommonJS output in the CommonJS project, ESM in the other.
    const compilerOptions = { strict: true, target: 'es2022', module: 'nodenext', types: [], outDir: '../vxlan-js' };
    writeFileSync(join(cwd, 'vxlan/tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts'] }));
    const tsc = run(TSC, ['-p', 'vxlan'], cwd);
    assert.is(tsc.stdout + tsc.stderr, '');
    if (cwd === cjs) assert.match(readFileSync(join(cwd, 'vxlan-js/use.js'), 'utf8'), "require(\"./index.js\")");
    const used = run(process.execPath, ['vxlan-js/use.js'], cwd);
    assert.is(used.stderr, '');
    assert.is(used.stdout, 'true\n');
  }
});

test.run();
