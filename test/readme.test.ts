// The README's "Using the library" example runs as written: the block after `<!-- example: syn-frame -->`
// is extracted, its `smoltcp-ts` imports pointed at this checkout's sources, and run in a fresh process
// in a temporary directory. A change that breaks the snippet (or an API it shows) fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PcapReader } from '../src/pcap/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MARKER = '<!-- example: syn-frame -->';

/** The example's code: the first ```ts block after the marker. */
function readmeExample(marker = MARKER): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker} line before the example`);
  const open = readme.indexOf('```ts\n', at);
  const close = readme.indexOf('\n```', open + 6);
  assert.ok(open >= 0 && close > open, 'the example after the marker is not a ```ts block');
  return readme.slice(open + 6, close + 1);
}

/** `from 'smoltcp-ts'` -> src/index.ts, `from 'smoltcp-ts/wire'` -> src/wire/index.ts, and so on. */
function pointAtSources(code: string): string {
  return code.replace(/from '(smoltcp-ts)(\/[a-z-]+)?'/g, (_, _name: string, sub: string | undefined) => {
    const file = sub ? join(root, 'src', sub.slice(1), 'index.ts') : join(root, 'src', 'index.ts');
    return `from '${pathToFileURL(file).href}'`;
  });
}

test('the README example builds a SYN frame, parses and prints it, and writes a pcap file', () => {
  const code = readmeExample();
  assert.match(code, /from 'smoltcp-ts/, 'the example imports the package by name');
  const dir = mkdtempSync(join(tmpdir(), 'smoltcp-readme-'));
  try {
    writeFileSync(join(dir, 'example.ts'), pointAtSources(code));
    // Without c8's coverage directory: tsx compiles the child's sources under other settings (no tsconfig
    // in the temporary directory), and merging its coverage with the suite's garbles the line counts.
    // Node puts a deleted NODE_V8_COVERAGE back into a child's environment; an empty one turns it off.
    const env = { ...process.env, NODE_V8_COVERAGE: '' };
    const run = spawnSync(process.execPath, ['--import', TSX, 'example.ts'], { cwd: dir, encoding: 'utf8', env });
    assert.is(run.status, 0, `the README example failed:\n${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    assert.is(lines[0], 'true 1460 7');
    // The printed line is the one the example's comment promises.
    const promised = /\/\/ (IP 192\.168\.69\.1\.49152 > .*)\n/.exec(code)?.[1];
    assert.is(lines[1], promised);
    const reader = PcapReader.open(join(dir, 'syn.pcap'));
    assert.ok(reader.next(), 'the pcap file holds a record');
    assert.is(reader.record.length, 74);
    assert.not.ok(reader.next());
    reader.close();
    // tcpdump, the reference decoder, reads the file and prints the same line.
    const tcpdump = spawnSync('tcpdump', ['-nn', '-t', '-r', join(dir, 'syn.pcap')], { encoding: 'utf8' });
    if (tcpdump.error && process.env.CI !== 'true') {
      console.log('  (tcpdump not installed: the comparison with it is skipped)');
    } else {
      assert.is(tcpdump.stdout.trim(), lines[1]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README interface example echoes a UDP datagram between two interfaces', () => {
  const code = readmeExample('<!-- example: udp-echo -->');
  const dir = mkdtempSync(join(tmpdir(), 'smoltcp-readme-'));
  try {
    writeFileSync(join(dir, 'example.ts'), pointAtSources(code));
    const env = { ...process.env, NODE_V8_COVERAGE: '' };
    const run = spawnSync(process.execPath, ['--import', TSX, 'example.ts'], { cwd: dir, encoding: 'utf8', env });
    assert.is(run.status, 0, `the README example failed:\n${run.stderr}`);
    assert.equal(run.stdout.trim().split('\n'), ['hello 7', '1 0']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README streams example echoes through two NetStacks and shows a refused connect', () => {
  const code = readmeExample('<!-- example: streams -->');
  const dir = mkdtempSync(join(tmpdir(), 'smoltcp-readme-'));
  try {
    // Top-level await: the snippet runs as an ES module.
    writeFileSync(join(dir, 'example.mts'), pointAtSources(code));
    const env = { ...process.env, NODE_V8_COVERAGE: '' };
    const run = spawnSync(process.execPath, ['--import', TSX, 'example.mts'], { cwd: dir, encoding: 'utf8', env });
    assert.is(run.status, 0, `the README example failed:\n${run.stderr}`);
    assert.equal(run.stdout.trim().split('\n'), ['hello', '10.0.0.1 80', 'ECONNREFUSED -111 connect']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
