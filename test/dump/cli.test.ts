// The command line: options and usage errors, exit statuses, bad input files, pcapng with several interfaces,
// nanosecond captures, standard input, -w, -c, a 1 GB capture in constant memory, and live capture on a veth.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, USAGE, UsageError } from '../../src/dump/args.js';
import { needs, suiteNeeding } from '../helpers/needs.js';
import { waitForExit, waitForStderr } from '../helpers/child.js';
import { pcapFileFrames } from '../helpers/netns.js';
import { VethPair } from './captures.js';
import { craftedFrames, ethernet, pcapBytes, writePcap } from './craft.js';
import { BIN, comparePackets, removeDir, runBin, runDump, tcpdump, tempDir } from './helpers.js';
import { compareJsonPacket, tsharkPackets } from './tshark.js';

process.env.TZ = 'UTC';

const cli = suite('smoltcp-dump command line');
let dir = '';
let crafted = '';

cli.before(() => {
  dir = tempDir('dump-cli');
  // Without the frame carrying an MPTCP option, which tcpdump decodes further than we do.
  crafted = writePcap(join(dir, 'crafted.pcap'), craftedFrames({ mptcp: false }).map((data) => ({ data })));
});
cli.after(() => removeDir(dir));

cli('--help lists every option with an example and exits 0', async () => {
  const r = await runDump(['--help'], dir);
  assert.is(r.status, 0);
  for (const option of ['-r FILE', '-i IFACE', '-w FILE', '-c N', '--json', '-e', '-v', '-q', '-x', '-X', '-t', '-n', '-h, --help']) {
    assert.ok(r.stdout.includes(option), option);
  }
  // Every option line is followed by an example line.
  const lines = USAGE.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^ {2}-/.test(lines[i]!) && !lines[i]!.includes('--help')) {
      const example = lines.slice(i + 1, i + 4).find((l) => l.includes('e.g.'));
      assert.ok(example, `no example after ${lines[i]}`);
    }
  }
});

cli('getopt-style clusters and options after the filter', () => {
  const o = parseArgs(['-nnvr', 'f.pcap', 'tcp', '-c5', 'and', 'port', '80', '-tt', '-e']);
  assert.is(o.readFile, 'f.pcap');
  assert.is(o.verbose, true);
  assert.is(o.count, 5);
  assert.is(o.timestampCount, 2);
  assert.is(o.link, true);
  assert.is(o.filter, 'tcp and port 80');
  assert.is(parseArgs(['-r', '-', '--', '-c']).filter, '-c');
  assert.is(parseArgs(['-XXr', 'x']).hexAscii, 2);
});

for (const [args, message] of [
  [[], 'nothing to read: give -r FILE (or -r - for standard input) or -i IFACE; see smoltcp-dump --help.'],
  [['-r'], 'option -r needs a value, e.g. -r capture.pcap.'],
  [['-r', 'f', '-c', 'ten'], "-c needs a positive packet count, not 'ten'."],
  [['-r', 'f', '-c', '0'], "-c needs a positive packet count, not '0'."],
  [['-r', 'f', '-Z'], "unknown option '-Z'; run smoltcp-dump --help for the list of options."],
  [['-r', 'f', '--pretty'], "unknown option '--pretty'; run smoltcp-dump --help for the list of options."],
  [['-r', 'f', '-i', 'eth0'], 'give either -r FILE or -i IFACE, not both.'],
  [['-r', 'f', '--json', '-v'], '--json prints every field already; drop -e, -v, -q, -S, -x, -X and -A.'],
  [['-r', 'f', '-AAA'], 'use -A or -AA, not more.'],
  [['-r', 'f', '-s', 'x'], "-s needs a snapshot length in bytes, not 'x'; e.g. -s 96."],
  [['-r', 'f', '-F', 'filter.txt', 'tcp'], 'give the filter either with -F FILE or on the command line, not both.'],
  [['-r', 'f', '-xxx'], 'use -x or -xx (or -X or -XX), not more.'],
  [['-r', 'f', '-tttttt'], 'use at most five -t flags (-ttttt).'],
] as const) {
  cli(`usage error: ${args.join(' ') || '(no arguments)'}`, async () => {
    assert.throws(() => parseArgs(args), (e: Error) => e instanceof UsageError && e.message === message);
    const r = await runDump([...args], dir);
    assert.is(r.status, 2);
    assert.is(r.stderr, `smoltcp-dump: ${message}\n`);
    assert.is(r.stdout, '');
  });
}

cli('a missing file, an empty file and garbage exit 1 with a sentence', async () => {
  let r = await runDump(['-r', join(dir, 'missing.pcap')], dir);
  assert.is(r.status, 1);
  assert.is(r.stderr, `smoltcp-dump: cannot open ${join(dir, 'missing.pcap')}: no such file.\n`);
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, '');
  r = await runDump(['-r', empty], dir);
  assert.is(r.status, 1);
  assert.match(r.stderr, /^smoltcp-dump: .*empty\.pcap: .*empty/);
  const garbage = join(dir, 'garbage.pcap');
  writeFileSync(garbage, Buffer.from('this is not a capture file at all, just text\n'.repeat(20)));
  r = await runDump(['-r', garbage], dir);
  assert.is(r.status, 1);
  assert.match(r.stderr, /not a pcap or pcapng file/);
  assert.is(r.stdout, '');
});

cli('a file cut inside a packet: the packets before it are printed, then exit 1 naming the packet', async () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  const whole = readFileSync(crafted);
  const cutFile = join(dir, 'cut.pcap');
  // Cut 10 bytes into the data of the 6th record.
  let at = 24;
  for (let i = 0; i < 5; i++) at += 16 + whole.readUInt32LE(at + 8);
  writeFileSync(cutFile, whole.subarray(0, at + 16 + 10));
  const r = await runDump(['-tt', '-r', cutFile], dir);
  assert.is(r.status, 1);
  assert.is(r.stdout.trimEnd().split('\n').length, 5);
  assert.match(r.stderr, /cut\.pcap: packet 6: /);
  // tcpdump agrees on what comes before the cut.
  const theirs = spawnSync('tcpdump', ['-nn', '-tt', '-r', cutFile], { encoding: 'latin1' });
  assert.is(r.stdout, theirs.stdout);
});

cli('-c stops after N packets; a filter counts only matches', async () => {
  let r = await runDump(['-tt', '-c', '3', '-r', crafted], dir);
  assert.is(r.stdout.trimEnd().split('\n').length, 3);
  r = await runDump(['-tt', '-c', '2', '-r', crafted, 'udp'], dir);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 2);
  for (const line of lines) assert.ok(line.includes('UDP'), line);
});

cli('-w writes what was read (after the filter) to a pcap tcpdump reads back identically', async () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  const out = join(dir, 'written.pcap');
  const r = await runDump(['-w', out, '-r', crafted, 'tcp or arp'], dir);
  assert.is(r.status, 0);
  const theirs = tcpdump(['-tt', '-r', crafted, 'tcp or arp']);
  assert.ok(theirs.length > 0);
  assert.is(tcpdump(['-tt', '-r', out]), theirs);
});

cli('a line longer than the output block (a jumbo frame of an unknown EtherType, -X) prints as tcpdump prints it', async () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  // The default hex dump of 65,000 bytes is about 290 KB of text on one packet's line, more than the 256 KiB
  // block: the block goes out in the middle of the line. With -X the dump is the CLI's own, after the line.
  const payload = new Uint8Array(65_000).map((_, i) => (i * 31) >>> 3);
  const file = writePcap(join(dir, 'jumbo.pcap'), [{ data: ethernet(0x88b5, payload) }, { data: craftedFrames({ mptcp: false })[0]! }]);
  for (const style of [[], ['-X'], ['-e']]) {
    const ours = await runDump(['-tt', ...style, '-r', file], dir);
    assert.is(ours.status, 0, ours.stderr);
    assert.ok(ours.stdout.length > 262_144);
    assert.is(ours.stdout, tcpdump(['-tt', ...style, '-r', file]), style.join(' '));
  }
});

cli('-r - reads a pipe', () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  const r = runBin(['-tt', '-r', '-'], readFileSync(crafted));
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, tcpdump(['-tt', '-r', crafted]));
  // From a real pipe with a writer that is slower than us.
  const piped = spawnSync('sh', ['-c', `cat '${crafted}' | (sleep 0.2; cat) | TZ=UTC '${BIN}' -tt -r -`], { encoding: 'latin1' });
  assert.is(piped.status, 0, piped.stderr);
  assert.is(piped.stdout, r.stdout);
});

cli('the bin starts Node without NODE_EXTRA_CA_CERTS, which it has no use for', () => {
  // Node parses the named file at every start (38 ms for Debian's bundle); a missing one makes it warn. The
  // bin's shebang unsets the variable, so neither happens.
  const r = spawnSync(BIN, ['-c', '1', '-r', crafted], { encoding: 'latin1', env: { ...process.env, TZ: 'UTC', NODE_EXTRA_CA_CERTS: join(dir, 'no-such-ca.pem') } });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.ok(r.stdout.length > 0);
  // The same variable makes Node itself warn, so the check above can fail.
  const node = spawnSync(process.execPath, ['-e', '0'], { encoding: 'latin1', env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'no-such-ca.pem') } });
  assert.match(node.stderr, /extra certs/);
});

cli('captures of bare IPv4 packets (link types 101 and 228) print like tcpdump', async () => {
  if (!needs('smoltcp-dump vs tcpdump', ['tcpdump'])) return;
  const packets = craftedFrames({ mptcp: false }).filter((f) => f[12] === 8 && f[13] === 0).map((f) => ({ data: f.subarray(14) }));
  for (const linkType of [101, 228]) {
    const file = writePcap(join(dir, `raw${linkType}.pcap`), packets, linkType);
    for (const style of [[], ['-v'], ['-x']]) {
      const ours = await runDump(['-tt', ...style, '-r', file], dir);
      assert.is(ours.stdout, tcpdump(['-tt', ...style, '-r', file]), `link type ${linkType} ${style.join(' ')}`);
    }
  }
});

cli('a reader that goes away (| head -1) ends the run quietly', () => {
  const frames = craftedFrames({ mptcp: false });
  const many = writePcap(join(dir, 'many.pcap'), Array.from({ length: 30_000 }, (_, i) => ({ data: frames[i % frames.length]! })));
  const r = spawnSync('sh', ['-c', `'${BIN}' -r '${many}' | head -1`], { encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 0);
  // No EPIPE stack trace, and no waiting for the rest of the file.
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^\d\d:\d\d:\d\d\.\d{6} ARP, Request who-has 10\.0\.0\.2 tell 10\.0\.0\.1, length 28\n/);
});

cli('nanosecond pcap and pcapng with several interfaces print like tcpdump', async () => {
  if (!needs('nanosecond pcap and pcapng vs tcpdump and tshark', ['tcpdump', 'editcap', 'mergecap', 'capinfos', 'tshark'])) return;
  const nano = join(dir, 'nano.pcap');
  assert.is(spawnSync('editcap', ['-F', 'nsecpcap', crafted, nano]).status, 0);
  const a = join(dir, 'a.pcapng');
  const b = join(dir, 'b.pcapng');
  const merged = join(dir, 'merged.pcapng');
  const other = writePcap(join(dir, 'other.pcap'), craftedFrames().slice(0, 20).map((data, i) => ({ data, seconds: 1700000000 + i, micros: 500000 })));
  assert.is(spawnSync('editcap', ['-F', 'pcapng', crafted, a]).status, 0);
  assert.is(spawnSync('editcap', ['-F', 'pcapng', other, b]).status, 0);
  assert.is(spawnSync('mergecap', ['-I', 'none', '-F', 'pcapng', '-w', merged, a, b]).status, 0);
  const interfaces = spawnSync('capinfos', ['-I', merged], { encoding: 'utf8' });
  if (interfaces.status === 0) assert.match(interfaces.stdout, /Number of interfaces in file: 2/);
  else assert.ok(readFileSync(merged).includes(Buffer.from([1, 0, 0, 0])), 'an interface description block');
  for (const file of [nano, merged]) {
    const ours = await runDump(['-tt', '-v', '-r', file], dir);
    assert.is(ours.status, 0, ours.stderr);
    const result = comparePackets(tcpdump(['-tt', '-v', '-r', file]), ours.stdout);
    assert.equal(result.mismatches, []);
    assert.ok(result.compared > 50);
    // JSON keeps the file's precision: nine digits of fraction for the nanosecond file, as tshark prints.
    const json = await runDump(['--json', '-r', file], dir);
    const theirs = tsharkPackets(file);
    const lines = json.stdout.trimEnd().split('\n');
    assert.is(lines.length, theirs.length);
    lines.forEach((line, i) => assert.equal(compareJsonPacket(JSON.parse(line), theirs[i]!), [], line));
  }
  assert.match((await runDump(['--json', '-c', '1', '-r', nano], dir)).stdout, /"ts":1700000000\.\d{9},/);
});

cli('a 1 GB capture streams in constant memory (peak RSS < 100 MB)', async () => {
  const big = join(dir, 'big.pcap');
  // A block of records (frames of every kind plus full-size TCP segments), repeated with large writes.
  const frames = craftedFrames();
  const full = frames.find((f) => f.length > 60 && f[23] === 6)!;
  const bulk = new Uint8Array(1514);
  bulk.set(full.subarray(0, 54));
  bulk[16] = (1500 >> 8) & 255;
  bulk[17] = 1500 & 255;
  const records = [];
  for (let i = 0; i < 400; i++) records.push({ data: i % 4 === 0 ? frames[i % frames.length]! : bulk, seconds: 1700000000 + i, micros: i });
  const block = pcapBytes(records).subarray(24);
  const header = pcapBytes([]);
  const fd = openSync(big, 'w');
  writeSync(fd, header);
  const repeated = Buffer.concat(Array.from({ length: 32 }, () => block));
  let size = header.length;
  while (size < 1_000_000_000) size += writeSync(fd, repeated);
  closeSync(fd);

  const child = spawn(BIN, ['-r', big], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  let peakKb = 0;
  const sample = (): void => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited between samples
    }
  };
  const timer = setInterval(sample, 50);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const started = Date.now();
  const code = await waitForExit(child);
  clearInterval(timer);
  const seconds = (Date.now() - started) / 1000;
  assert.is(code, 0, stderr);
  assert.ok(peakKb > 10_000, `peak RSS sample ${peakKb} kB looks wrong`);
  assert.ok(peakKb < 100 * 1024, `peak RSS ${Math.round(peakKb / 1024)} MB`);
  console.log(`  1 GB: ${seconds.toFixed(1)} s, peak RSS ${Math.round(peakKb / 1024)} MB`);
});

cli.run();

const live = suiteNeeding('smoltcp-dump -i on a veth', ['root', 'ping', 'sysctl']);
if (live) {
  live('captures what the kernel sends over a veth, stops after -c packets, and writes -w', async () => {
    const pair = new VethPair('dumplive');
    const liveDir = tempDir('dump-live');
    try {
      const out = join(liveDir, 'live.pcap');
      const child = pair.a.spawn(BIN, ['-c', '4', '-w', out, '-i', pair.devA, 'icmp'], { env: { ...process.env, TZ: 'UTC' } });
      let stdout = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      await waitForStderr(child, 'listening on');
      pair.a.run('ping', ['-c', '3', '-i', '0.2', pair.addrB]);
      const code = await Promise.race([waitForExit(child), new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
      if (code === null) child.kill();
      assert.is(code, 0);
      const lines = stdout.trimEnd().split('\n');
      assert.is(lines.length, 4, stdout);
      assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{6} IP 10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request, id \d+, seq 1, length 64$/);
      assert.match(lines[1]!, /IP 10\.77\.0\.2 > 10\.77\.0\.1: ICMP echo reply, id \d+, seq 1, length 64$/);
      // What we wrote is what we printed, as tcpdump reads it.
      assert.is(tcpdump(['-r', out]), stdout);
    } finally {
      pair.destroy();
      removeDir(liveDir);
    }
  });

  live('-s cuts live frames to the snapshot length, keeps their wire length, and -l writes each line at once', async () => {
    const pair = new VethPair('dumpsnap');
    const liveDir = tempDir('dump-snap');
    try {
      const out = join(liveDir, 'snap.pcap');
      const child = pair.a.spawn(BIN, ['-l', '-s', '60', '-c', '2', '-w', out, '-i', pair.devA, 'icmp'], { env: { ...process.env, TZ: 'UTC' } });
      let stdout = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      await waitForStderr(child, 'listening on');
      pair.a.run('ping', ['-c', '1', '-s', '200', pair.addrB]);
      const code = await Promise.race([waitForExit(child), new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
      if (code === null) child.kill();
      assert.is(code, 0);
      // tcpdump reads the records as 60 bytes of 242-byte frames, and prints them as we did.
      const theirs = tcpdump(['-r', out]);
      assert.is(theirs, stdout);
      assert.match(stdout, /ICMP echo request, id \d+, seq 1, length 208/);
      const records = spawnSync('tcpdump', ['-nn', '-e', '-r', out], { encoding: 'utf8' }).stdout;
      assert.match(records, /length 242: /);
      for (const frame of pcapFileFrames(out)) assert.is(frame.length, 60);
    } finally {
      pair.destroy();
      removeDir(liveDir);
    }
  });

  live('without CAP_NET_RAW: one sentence saying what is needed, exit 1', () => {
    if (!needs('smoltcp-dump -i without CAP_NET_RAW', ['setpriv'])) return;
    const r = spawnSync('setpriv', ['--inh-caps=-all', '--bounding-set=-net_raw', BIN, '-i', 'lo'], { encoding: 'utf8' });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /^smoltcp-dump: .*(root|CAP_NET_RAW)/);
    assert.not.match(r.stderr, /\n\s+at /);
  });

  live.run();
}
