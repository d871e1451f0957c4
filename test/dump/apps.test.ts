// Application tags against tcpdump on a capture the real tools make (test/dump/app-capture.ts): DNS from dig and
// dnsmasq, HTTP from curl and http.server on ports 80 and 8080, DHCP from dnsmasq, NTP requests and replies.
// Every output style is compared packet by packet, -v, -vv and -vvv included, and so are damaged copies.
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suiteNeeding } from '../helpers/needs.js';
import { APPLICATION_CAPTURE_NEEDS, makeApplicationCapture } from './app-capture.js';
import { applicationFrames } from './app-craft.js';
import { prng, writePcap, type CraftedRecord } from './craft.js';
import { framesOf } from './fuzz-capture.js';
import { removeDir, runDump, splitPackets, tcpdump, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

const apps = suiteNeeding('dump application tags vs tcpdump on dig, curl, DHCP and NTP traffic', APPLICATION_CAPTURE_NEEDS);
if (apps) {
  let dir = '';
  let file = '';
  apps.before(async () => {
    dir = tempDir('dump-apps');
    file = await makeApplicationCapture(dir);
  });
  apps.after(() => removeDir(dir));

  apps('the capture holds every application line the tests claim', () => {
    const text = tcpdump(['-r', file]);
    for (const needle of [
      '+ [1au] A? example.com. (52)',
      '+ A? example.com. (29)',
      '* 1/0/1 A 10.77.0.2 (56)',
      '* 1/0/0 A 10.77.0.2 (45)',
      '* 1/0/1 AAAA fd00::2',
      'CNAME example.com., A 10.77.0.2',
      'MX mail.example.com. 10',
      'TXT ""hello world"" "second"',
      'PTR? 2.0.77.10.in-addr.arpa.',
      'PTR example.com.',
      ' Refused 0/0/1',
      'length 54 ',
      ': HTTP: GET /index.html HTTP/1.1',
      ': HTTP: HTTP/1.0 200 OK',
      ': HTTP: HTTP/1.0 404 File not found',
      ': HTTP\n',
      '.8080: Flags [P.]',
      'BOOTP/DHCP, Request from 02:00:00:00:00:aa, length 300',
      'BOOTP/DHCP, Reply, length 300',
      'NTPv4, Client, length 48',
      'NTPv3, Client, length 48',
      'NTPv4, Server, length 48',
    ]) {
      assert.ok(text.includes(needle), `application capture lacks "${needle}"`);
    }
  });

  for (const style of ['', '-q', '-e', '-S', '-A', '-AA', '-x', '-X', '-XX', '-v', '-vv', '-vvv', '-vv -A', '-e -vvv -X']) {
    apps(`tcpdump -nn -tt ${style}`, async () => {
      const flags = style === '' ? [] : style.split(' ');
      const theirs = splitPackets(tcpdump(['-tt', ...flags, '-r', file]));
      const ours = await runDump(['-nn', '-tt', ...flags, '-r', file], dir);
      assert.is(ours.status, 0, ours.stderr);
      const mine = splitPackets(ours.stdout);
      assert.is(mine.length, theirs.length, 'packet count');
      const mismatches: string[] = [];
      for (let i = 0; i < theirs.length; i++) {
        if (theirs[i] === mine[i]) continue;
        if (mismatches.length < 5) mismatches.push(`packet ${i + 1}:\n  tcpdump: ${theirs[i]}\n  ours:    ${mine[i]}`);
      }
      assert.equal(mismatches, [], mismatches.join('\n'));
      assert.ok(theirs.length > 60, `only ${theirs.length} packets`);
    });
  }

  apps('damaged application payloads: every cut and random corruptions print as tcpdump prints them', async () => {
    // Each DNS, HTTP, DHCP and NTP frame cut at every length past the UDP or TCP header, and corrupted at random
    // bytes of its payload (names, counts, record lengths, compression pointers, request lines).
    const random = prng(8);
    const records: CraftedRecord[] = [];
    for (const frame of [...framesOf(file), ...applicationFrames()]) {
      if (frame.length < 54 || frame[12] !== 0x08 || frame[13] !== 0x00) continue;
      const ipEnd = 14 + (frame[14]! & 15) * 4;
      const protocol = frame[23];
      const ports = [(frame[ipEnd]! << 8) | frame[ipEnd + 1]!, (frame[ipEnd + 2]! << 8) | frame[ipEnd + 3]!];
      const payload = protocol === 17 ? ipEnd + 8 : protocol === 6 ? ipEnd + (frame[ipEnd + 12]! >>> 4) * 4 : frame.length;
      if (payload >= frame.length || !ports.some((p) => [53, 67, 68, 123, 80, 8080].includes(p))) continue;
      for (let cut = payload; cut < frame.length; cut++) records.push({ data: frame.slice(0, cut), origLen: frame.length });
      for (let i = 0; i < 60; i++) {
        const copy = frame.slice();
        const flips = 1 + Math.floor(random() * 3);
        for (let f = 0; f < flips; f++) copy[payload + Math.floor(random() * (frame.length - payload))] = Math.floor(random() * 256);
        records.push({ data: copy });
      }
    }
    const damaged = writePcap(join(dir, 'damaged-apps.pcap'), records);
    for (const style of ['', '-v', '-vv', '-vvv', '-x']) {
      const flags = style === '' ? [] : [style];
      const theirs = splitPackets(tcpdump(['-tt', ...flags, '-r', damaged]));
      const ours = splitPackets((await runDump(['-nn', '-tt', ...flags, '-r', damaged], dir)).stdout);
      assert.is(ours.length, theirs.length, 'packet count');
      const mismatches: string[] = [];
      for (let i = 0; i < theirs.length; i++) {
        if (theirs[i] === ours[i]) continue;
        if (mismatches.length < 5) mismatches.push(`${style} packet ${i + 1}:\n  tcpdump: ${theirs[i]}\n  ours:    ${ours[i]}`);
      }
      assert.equal(mismatches, [], mismatches.join('\n'));
      assert.ok(theirs.length > 2000, `only ${theirs.length} packets`);
    }
  });

  apps('-F reads the filter from a file, comments dropped, as tcpdump does', async () => {
    const filterFile = join(dir, 'dns.filter');
    writeFileSync(filterFile, '# DNS only\nudp port 53 # over UDP\n  and not tcp\n');
    const ours = await runDump(['-nn', '-tt', '-F', filterFile, '-r', file], dir);
    assert.is(ours.status, 0, ours.stderr);
    assert.is(ours.stdout, tcpdump(['-tt', '-F', filterFile, '-r', file]));
    assert.ok(ours.stdout.split('\n').length > 10);
  });

  apps('-l writes the same lines', async () => {
    const plain = await runDump(['-nn', '-tt', '-r', file], dir);
    const lined = await runDump(['-nn', '-tt', '-l', '-r', file], dir);
    assert.is(lined.stdout, plain.stdout);
  });

  apps.run();
}
