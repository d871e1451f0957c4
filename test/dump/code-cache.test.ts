// The bin compiles its bundle from a V8 code cache (bin/load-built.js): the build makes one, a run that finds
// none (or one V8 rejects) writes one, a read-only install runs without, and the output is the same in every
// case. Each case runs a copy of bin/ and dist/bin/ in a temporary directory, without coverage (under
// NODE_V8_COVERAGE the bin skips the cache).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../helpers/needs.js';
import { craftedFrames, writePcap } from './craft.js';
import { removeDir, ROOT, runBin, tempDir } from './helpers.js';

const test = suite('smoltcp-dump code cache');
let dir = '';
let capture = '';
let expected = '';

/** A copy of the bin and the bundle (without its cache) at `name` in the test's directory. */
function install(name: string): string {
  const root = join(dir, name);
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'dist/bin'), { recursive: true });
  for (const file of ['smoltcp-dump.cjs', 'smoltcp-dump.cjs.map']) copyFileSync(join(ROOT, 'dist/bin', file), join(root, 'dist/bin', file));
  return root;
}

function caches(root: string): string[] {
  return readdirSync(join(root, 'dist/bin')).filter((f) => f.endsWith('.cache'));
}

/** Runs the copy's bin on the capture, as `user` when given (setpriv), without coverage. */
function run(root: string, args = ['-r', capture], user?: number): { status: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  // Empty, not deleted: Node hands its own NODE_V8_COVERAGE to a child whose env does not set it.
  env.NODE_V8_COVERAGE = '';
  const bin = join(root, 'bin/smoltcp-dump.js');
  const r =
    user === undefined
      ? spawnSync(bin, args, { encoding: 'latin1', env })
      : spawnSync('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', bin, ...args], { encoding: 'latin1', env });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test.before(() => {
  dir = tempDir('dump-code-cache');
  chmodSync(dir, 0o755);
  capture = writePcap(join(dir, 'crafted.pcap'), craftedFrames().map((data) => ({ data })));
  const reference = runBin(['-r', capture]);
  assert.is(reference.status, 0, reference.stderr);
  expected = reference.stdout;
});
test.after(() => removeDir(dir));

test('the build leaves a cache beside the bundle, and the bin uses it without writing another', () => {
  // Runs with other Node flags (a profile, say) leave caches of their own beside the build's: copy them all.
  const built = caches(ROOT);
  assert.ok(built.length >= 1, 'no code cache in dist/bin: npm run build makes one');
  const root = install('built');
  const inodes = new Map<string, number>();
  for (const cache of built) {
    copyFileSync(join(ROOT, 'dist/bin', cache), join(root, 'dist/bin', cache));
    inodes.set(cache, statSync(join(root, 'dist/bin', cache)).ino);
  }
  const r = run(root);
  assert.is(r.stderr, '');
  assert.is(r.stdout, expected);
  assert.equal(caches(root).sort(), [...built].sort(), 'no cache written: the one for these flags was there');
  for (const [cache, inode] of inodes) assert.is(statSync(join(root, 'dist/bin', cache)).ino, inode, `${cache} was accepted, not rewritten`);
});

test('a run without a cache writes one; the next run uses it; one V8 rejects is replaced', () => {
  const root = install('fresh');
  assert.is(run(root, ['-r', join(dir, 'missing.pcap')]).status, 1);
  assert.equal(caches(root), [], 'no cache after a failed run');
  const first = run(root);
  assert.is(first.stdout, expected);
  const [cache] = caches(root);
  assert.ok(cache !== undefined && caches(root).length === 1, caches(root).join(' '));
  const path = join(root, 'dist/bin', cache!);
  const written = statSync(path).ino;
  assert.is(run(root).stdout, expected);
  assert.is(statSync(path).ino, written, 'the cache was accepted, not rewritten');
  writeFileSync(path, Buffer.alloc(1000, 7));
  const damaged = run(root);
  assert.is(damaged.stderr, '');
  assert.is(damaged.stdout, expected);
  assert.ok(statSync(path).size > 10_000, 'the damaged cache was replaced');
  assert.equal(caches(root), [cache]);
});

test('a bundle whose build id changed does not use the old cache', () => {
  const root = install('rebuilt');
  assert.is(run(root).stdout, expected);
  const [old] = caches(root);
  const bundle = join(root, 'dist/bin/smoltcp-dump.cjs');
  writeFileSync(bundle, readFileSync(bundle, 'latin1').replace(/\n\/\/ build (\w+)\n/, (_, id: string) => `\n// build ${id.split('').reverse().join('')}\n`), 'latin1');
  assert.is(run(root).stdout, expected);
  const now = caches(root);
  assert.is(now.length, 2);
  assert.ok(now.includes(old!));
});

test('an install the user cannot write to runs without a cache', () => {
  const root = install('read-only');
  // Root writes anywhere: run as nobody then.
  const nobody = process.getuid?.() === 0 ? 65534 : undefined;
  if (nobody !== undefined && !needs('a read-only install run as nobody', ['setpriv'])) return;
  if (nobody === undefined) chmodSync(join(root, 'dist/bin'), 0o555);
  const r = run(root, ['-r', capture], nobody);
  assert.is(r.stderr, '');
  assert.is(r.stdout, expected);
  assert.equal(readdirSync(join(root, 'dist/bin')).sort(), ['smoltcp-dump.cjs', 'smoltcp-dump.cjs.map']);
});

test.run();
