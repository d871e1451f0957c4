// Gate for tests that need root, /dev/net/tun and iproute2. On a user's machine they skip with a
// sentence saying why; under CI=true a skip is a failure, so the gate registers a failing test.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { suite, type Test } from 'uvu';

export function privilegedSkipReason(tools: string[] = []): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (run as root or under sudo)';
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    return 'needs /dev/net/tun';
  }
  for (const tool of ['ip', ...tools]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool} on PATH`;
  }
  return null;
}

/**
 * Returns a uvu suite to register privileged tests on, or null when they must be skipped here.
 * Under CI=true a missing privilege or tool is reported as a failing test instead of a skip.
 */
export function privilegedSuite(name: string, tools: string[] = []): Test | null {
  const reason = privilegedSkipReason(tools);
  if (reason === null) return suite(name);
  if (process.env.CI === 'true') {
    const failing = suite(name);
    failing('privileged tests can run under CI', () => {
      throw new Error(`${name}: ${reason}, and under CI=true these tests must run`);
    });
    failing.run();
  } else {
    console.log(`  skipped ${name}: ${reason}`);
  }
  return null;
}
