// The coverage floor `npm test` enforces once the suite has run under c8 (which measures all of src/ and
// generated/, as package.json "c8" says). The Linux drivers are measured by the namespace tests, which
// run only as root with /dev/net/tun and the tools (always under CI=true, where a skip is a failure):
// where they run, the floor is the strict one; where they skip, it leaves out what only they can reach.
import { spawnSync } from 'node:child_process';
import { unmetNeed } from './helpers/needs.js';
import { CAPTURE_TOOLS } from './wire/support/kernel-capture.js';

/** Percent of lines and branches, where every test runs (CI) and where the namespace tests skip. */
const FLOOR = { all: { lines: 98, branches: 94 }, unprivileged: { lines: 95, branches: 93 } };

const skipped = unmetNeed(['root', ...CAPTURE_TOOLS, 'setpriv', 'editcap']);
const floor = skipped === null || process.env.CI === 'true' ? FLOOR.all : FLOOR.unprivileged;
if (floor !== FLOOR.all) console.log(`coverage floor ${floor.lines}% of lines: the namespace tests were skipped (${skipped})`);
const c8 = spawnSync('c8', ['check-coverage', '--lines', String(floor.lines), '--branches', String(floor.branches)], { stdio: 'inherit' });
if (c8.error) throw c8.error;
process.exit(c8.status ?? 1);
