// The gate itself: a missing tool skips with a sentence on a user's machine and fails under CI=true, naming
// the tool and the package that installs it. Run in a child whose PATH holds no tools at all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { onPath, unmetNeed } from './needs.js';

const test = suite('helpers/needs');
const root = fileURLToPath(new URL('../../', import.meta.url));
const needsModule = fileURLToPath(new URL('./needs.ts', import.meta.url));

/** A uvu file with one gated test and one gated suite, run with `env` and a PATH of one empty directory. */
function runGated(ci: boolean): { status: number | null; output: string } {
  const empty = mkdtempSync(join(tmpdir(), 'smoltcp-needs-'));
  try {
    const script = `
      import { suite } from 'uvu';
      import { needs, suiteNeeding } from ${JSON.stringify(needsModule)};
      const t = suite('gated');
      t('a test that captures', () => {
        if (!needs('the capture test', ['tcpdump'])) return;
        throw new Error('ran without tcpdump');
      });
      t.run();
      const s = suiteNeeding('the decoder suite', ['editcap']);
      if (s) {
        s('registered', () => {
          throw new Error('ran without editcap');
        });
        s.run();
      }`;
    const env: NodeJS.ProcessEnv = { PATH: empty, HOME: process.env.HOME, NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE };
    if (ci) env.CI = 'true';
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

test('onPath finds programs only in the directories given', () => {
  assert.ok(onPath('sh', '/usr/bin:/bin'));
  assert.not.ok(onPath('sh', '/nonexistent'));
  assert.not.ok(onPath('smoltcp-no-such-program'));
});

test('unmetNeed names the first missing program and its package', () => {
  assert.is(unmetNeed([]), null);
  assert.is(unmetNeed(['smoltcp-no-such-program']), 'needs smoltcp-no-such-program on PATH');
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assert.is(unmetNeed(['tshark']), 'needs tshark on PATH (apt-get install tshark)');
    assert.is(unmetNeed(['editcap']), 'needs editcap on PATH (apt-get install wireshark-common)');
  } finally {
    process.env.PATH = saved;
  }
});

test("on a user's machine a missing tool skips with what is missing and how to install it", () => {
  const r = runGated(false);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, 'skipped the capture test: needs tcpdump on PATH (apt-get install tcpdump)');
  assert.match(r.output, 'skipped the decoder suite: needs editcap on PATH (apt-get install wireshark-common)');
  assert.not.match(r.output, 'ran without');
});

test('under CI=true a missing tool fails the test, naming the tool and how to install it', () => {
  const r = runGated(true);
  assert.is.not(r.status, 0, r.output);
  assert.match(r.output, 'the capture test needs tcpdump on PATH (apt-get install tcpdump); under CI=true it must run, not skip');
  assert.match(r.output, 'the decoder suite needs editcap on PATH (apt-get install wireshark-common); under CI=true it must run, not skip');
  assert.not.match(r.output, 'skipped');
  assert.not.match(r.output, 'ran without');
});

test.run();
