// Our text equals tcpdump's, packet for packet, on captures the kernel makes in network namespaces and on
// crafted malformed frames (every truncation, bad header lengths, random corruption), for each output style.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { needs, suiteNeeding } from '../helpers/needs.js';
import { KERNEL_CAPTURE_NEEDS, makeKernelCapture } from './captures.js';
import { framesOf, makeMalformedCapture } from './fuzz-capture.js';
import { assertRareMismatches, comparePackets, removeDir, runDump, tcpdump, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

const STYLES = ['', '-v', '-e', '-q', '-x', '-X', '-xx', '-XX', '-e -v -X', '-q -v', '-e -q', '-vv', '-S -A', '-vvv -e -X'];
const TIMESTAMPS = ['-t', '-ttt', '-tttt', '-ttttt', ''];

function words(flags: string): string[] {
  return flags === '' ? [] : flags.split(' ');
}

const crafted = suite('dump text vs tcpdump on crafted malformed frames');
let craftedDir = '';
let craftedFile = '';

crafted.before(() => {
  craftedDir = tempDir('dump-text');
  craftedFile = makeMalformedCapture(craftedDir);
});
crafted.after(() => removeDir(craftedDir));

for (const style of STYLES) {
  crafted(`tcpdump -nn -tt ${style}`, async () => {
    if (!needs('dump text vs tcpdump on crafted frames', ['tcpdump'])) return;
    const theirs = tcpdump(['-tt', ...words(style), '-r', craftedFile]);
    const ours = await runDump(['-nn', '-tt', ...words(style), '-r', craftedFile], craftedDir);
    assert.is(ours.status, 0, ours.stderr);
    const result = comparePackets(theirs, ours.stdout);
    assert.equal(result.mismatches, [], result.mismatches.join('\n'));
    // The generic lines we allow are a few packets, not a way to pass anything.
    assert.ok(result.compared > 7000, `compared only ${result.compared}`);
    assert.ok(result.skipped < 60, `skipped ${result.skipped}`);
  });
}

crafted.run();

const kernel = suiteNeeding('dump text vs tcpdump on kernel captures', KERNEL_CAPTURE_NEEDS);
if (kernel) {
  let dir = '';
  let file = '';
  let mutated = '';
  kernel.before(async () => {
    dir = tempDir('dump-kernel');
    file = await makeKernelCapture(dir);
    mutated = makeMalformedCapture(dir, framesOf(file));
  });
  kernel.after(() => removeDir(dir));

  kernel('the capture holds every kind of traffic the tests claim', () => {
    const text = tcpdump(['-r', file]);
    for (const needle of [
      'ARP, Request who-has',
      'ARP, Reply',
      'ICMP echo request',
      'ICMP echo reply',
      'ip-proto-1',
      'UDP, length',
      'udp port 40054 unreachable',
      'Flags [S], seq',
      'options [mss 1460,sackOK,TS val',
      'wscale',
      'Flags [S.]',
      'Flags [P.]',
      'Flags [R.]',
    ]) {
      assert.ok(text.includes(needle), `kernel capture lacks "${needle}"`);
    }
    // The FIN close is usually there ([F.] or [FP.]), but loaded CI runs have captured neither side's FIN
    // (the listener's in several, the client's in one of about six); the comparisons below then simply
    // cover one line kind less, so say so rather than fail. Why the frames go missing is not known yet.
    if (!text.includes('Flags [F')) console.log('    note: this kernel capture holds no FIN; the FIN lines go uncompared this run');
  });

  for (const style of [...STYLES, ...TIMESTAMPS]) {
    kernel(`whole output equals tcpdump -nn ${style}`, async () => {
      const theirs = tcpdump([...words(style), '-r', file]);
      const ours = await runDump(['-nn', ...words(style), '-r', file], dir);
      assert.is(ours.status, 0, ours.stderr);
      assert.fixture(ours.stdout, theirs);
    });
  }

  for (const style of ['', '-v', '-e -v -X', '-q']) {
    kernel(`mutated kernel frames: tcpdump -nn -tt ${style}`, async () => {
      const theirs = tcpdump(['-tt', ...words(style), '-r', mutated]);
      const ours = await runDump(['-nn', '-tt', ...words(style), '-r', mutated], dir);
      const result = comparePackets(theirs, ours.stdout);
      assertRareMismatches(result.mismatches, result.compared, `tcpdump -nn -tt ${style}`);
      assert.ok(result.compared > 15000, `compared only ${result.compared}`);
      assert.ok(result.skipped < 100, `skipped ${result.skipped}`);
    });
  }

  kernel.run();
}
