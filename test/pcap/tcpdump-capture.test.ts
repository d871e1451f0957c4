// Real captures: tcpdump -w records a ping across a veth pair between two namespaces the test
// creates, in microsecond and nanosecond precision; our reader returns the same packets, bytes and
// timestamps as tcpdump -r and tshark -r, also after editcap turns the file into pcapng.
import { execFileSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { waitForExit, waitForStderr, waitUntil } from '../helpers/child.js';
import { Netns, pcapFileFrames } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { formatTime, readFile, tcpdumpFrames, tempDir, tsharkFrames } from './support.js';

const test = suiteNeeding('pcap/tcpdump-capture', ['root', 'tcpdump', 'ping', 'tshark', 'editcap']);

if (test !== null) {
  const tmp = tempDir('tcpdump');
  let left: Netns | null = null;
  let right: Netns | null = null;
  const dev = `pv${process.pid % 100000}`;

  test.before(() => {
    left = Netns.create('pcapl');
    right = Netns.create('pcapr');
    left.run('ip', ['link', 'add', `${dev}a`, 'type', 'veth', 'peer', 'name', `${dev}b`, 'netns', right.name]);
    left.run('ip', ['addr', 'add', '10.79.0.1/24', 'dev', `${dev}a`]);
    right.run('ip', ['addr', 'add', '10.79.0.2/24', 'dev', `${dev}b`]);
    left.run('ip', ['link', 'set', `${dev}a`, 'up']);
    right.run('ip', ['link', 'set', `${dev}b`, 'up']);
  });

  test.after(() => {
    left?.destroy();
    right?.destroy();
    tmp.remove();
  });

  for (const nano of [false, true]) {
    test(`tcpdump -w of a ping (${nano ? 'nanosecond' : 'microsecond'} timestamps), and its pcapng conversion`, async () => {
      const file = tmp.path(nano ? 'ping-ns.pcap' : 'ping.pcap');
      // --immediate-mode: without it TPACKET_V3 hands packets over in blocks and SIGINT loses the last ones.
      const args = ['-i', `${dev}a`, '-n', '-U', '--immediate-mode', '-Z', 'root', '-w', file];
      if (nano) args.push('--time-stamp-precision=nano');
      const tcpdump = left!.spawn('tcpdump', args);
      try {
        await waitForStderr(tcpdump, 'listening on');
        left!.run('ping', ['-c', '3', '-i', '0.2', '-s', '200', '10.79.0.2']);
        // The three replies are the last packets: stop tcpdump once it has written them (-U).
        const echoes = (): number => pcapFileFrames(file).filter((f) => f.length === 14 + 20 + 8 + 200).length;
        await waitUntil(() => echoes() >= 6, `three echo requests and three replies in ${file}`);
      } finally {
        tcpdump.kill('SIGINT');
        await waitForExit(tcpdump);
      }
      const ours = readFile(file);
      assert.is(ours.error, null);
      assert.is(ours.format, 'pcap');
      const seen = tcpdumpFrames(file, nano);
      // 3 requests and 3 replies at least, plus the ARP exchange.
      assert.ok(seen.length >= 6, `tcpdump saw ${seen.length} packets`);
      const digits = nano ? 9 : 6;
      assert.equal(ours.frames.map((f) => ({ time: formatTime(f, digits), hex: f.hex })), seen);
      assert.ok(ours.frames.every((f) => f.tsPrecision === digits && f.linkType === 1));
      const echo = ours.frames.filter((f) => f.hex.length === (14 + 20 + 8 + 200) * 2);
      assert.is(echo.length, 6, 'three ICMP echo requests and three replies of 242 bytes');

      const ng = tmp.path(nano ? 'ping-ns.pcapng' : 'ping.pcapng');
      execFileSync('editcap', ['-F', 'pcapng', file, ng]);
      const converted = readFile(ng);
      assert.is(converted.error, null);
      assert.is(converted.format, 'pcapng');
      assert.equal(converted.frames.map((f) => [f.tsSeconds, f.tsNanos, f.hex]), ours.frames.map((f) => [f.tsSeconds, f.tsNanos, f.hex]));
      assert.equal(tsharkFrames(ng).map((f) => f.epoch), converted.frames.map((f) => formatTime(f, 9)));
    });
  }

  test.run();
}
