// The one gate for tests that need root, /dev/net/tun or a tool (tcpdump, tshark, ...). On a user's machine
// a test whose needs are missing is skipped with a sentence saying what is missing and how to get it; under
// CI=true a skip would let a broken machine pass, so the same sentence fails the test instead.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { suite, type Test } from 'uvu';

/**
 * `linux`: Linux (eventfd, packet sockets). `root`: Linux, uid 0, a usable /dev/net/tun and iproute2's `ip`.
 * Anything else names a program on PATH.
 */
export type Need = 'linux' | 'root' | (string & {});

/** The Debian/Ubuntu package that provides each program the tests run (what .ci/run installs). */
const PACKAGE: Record<string, string> = {
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  editcap: 'wireshark-common',
  mergecap: 'wireshark-common',
  capinfos: 'wireshark-common',
  socat: 'socat',
  ping: 'iputils-ping',
  arping: 'arping',
  ip: 'iproute2',
  ss: 'iproute2',
  ethtool: 'ethtool',
  sysctl: 'procps',
  setpriv: 'util-linux',
  cc: 'gcc',
  dnsmasq: 'dnsmasq-base',
  dig: 'bind9-dnsutils',
  curl: 'curl',
  python3: 'python3',
  chromium: 'chromium',
};

/** The executable file `program` in the first of `path`'s directories that has one (what `command -v` prints), or null. */
export function programPath(program: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Whether `program` is an executable file in one of `path`'s directories (what `command -v` finds). */
export function onPath(program: string, path = process.env.PATH ?? ''): boolean {
  return programPath(program, path) !== null;
}

function installHint(program: string): string {
  const pkg = PACKAGE[program];
  return pkg === undefined ? `needs ${program} on PATH` : `needs ${program} on PATH (apt-get install ${pkg})`;
}

/** Why this machine cannot meet `needs`, as one phrase ("needs tcpdump on PATH (apt-get install tcpdump)"), or null. */
export function unmetNeed(needs: readonly Need[]): string | null {
  const programs: string[] = [];
  for (const need of needs) {
    if (need !== 'root' && need !== 'linux') {
      programs.push(need);
      continue;
    }
    if (process.platform !== 'linux') return 'needs Linux';
    if (need === 'linux') continue;
    if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root (run as root or under sudo)';
    try {
      accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    } catch {
      return 'needs /dev/net/tun (modprobe tun; in a container, --device /dev/net/tun)';
    }
    programs.push('ip');
  }
  for (const program of programs) if (!onPath(program)) return installHint(program);
  return null;
}

function underCi(): boolean {
  return process.env.CI === 'true';
}

function ciFailure(what: string, reason: string): Error {
  return new Error(`${what} ${reason}; under CI=true it must run, not skip`);
}

/**
 * Inside a test: true when `needs` are met and the test should go on. Otherwise, on a user's machine, prints
 * "skipped <what>: <reason>" and returns false (the test returns at once); under CI=true it throws, failing
 * the test with the same reason.
 */
export function needs(what: string, needs: readonly Need[]): boolean {
  const reason = unmetNeed(needs);
  if (reason === null) return true;
  if (underCi()) throw ciFailure(what, reason);
  console.log(`  skipped ${what}: ${reason}`);
  return false;
}

/**
 * For a whole suite: a uvu suite to register the tests on, or null when `needs` are unmet here. Then, on a
 * user's machine, it prints why the suite is skipped; under CI=true it runs one failing test that says why.
 */
export function suiteNeeding(name: string, needs: readonly Need[]): Test | null {
  const reason = unmetNeed(needs);
  if (reason === null) return suite(name);
  if (underCi()) {
    const failing = suite(name);
    failing('what the suite needs is here', () => {
      throw ciFailure(name, reason);
    });
    failing.run();
  } else {
    console.log(`  skipped ${name}: ${reason}`);
  }
  return null;
}
