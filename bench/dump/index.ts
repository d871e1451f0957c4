// bench dump: smoltcp-dump against tcpdump and tshark on the same generated capture, in the same run.
// `npm run bench -- dump [--packets 200000] [--rounds 3] [--tshark-text-packets 200000] [--tshark-json-packets 20000]
//   [--small-packets 1000] [--startup-rounds 21]`
//
// Every decoder runs as a child process reading the file and writing to /dev/null, timed from spawn to exit
// (Node's start-up counts), with its peak RSS (VmHWM from /proc, sampled until exit). Rounds alternate between
// the decoders so a noisy neighbour slows them alike; the median round counts. tshark is slow, so it reads a
// prefix of the capture (its rate does not depend on the file's length).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchCapture, writePrefix } from './capture.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'smoltcp-dump.js');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const packets = option('packets', 200_000);
const rounds = option('rounds', 3);
const tsharkTextPackets = option('tshark-text-packets', 200_000);
const tsharkJsonPackets = option('tshark-json-packets', 20_000);
const startupRounds = option('startup-rounds', 21);
const smallPackets = option('small-packets', 1000);
const TSHARK_OPTIONS = [
  '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
  '-o', 'tcp.relative_sequence_numbers:FALSE', '-o', 'ip.defragment:FALSE',
];

interface Run {
  seconds: number;
  /** User + system CPU time, from the last /proc sample before exit (10 ms resolution). */
  cpuSeconds: number;
  peakMb: number;
}

const TICKS_PER_SECOND = 100;

/**
 * The decoders run with TZ=UTC, unless `tzUnset`: then without TZ, as on most machines, where glibc's
 * localtime() checks /etc/localtime at every call (tcpdump calls it once a packet; smoltcp-dump caches the
 * offset an hour at a time). `withoutCaCerts` drops NODE_EXTRA_CA_CERTS from the environment.
 */
function measure(command: string, args: string[], tzUnset = false, withoutCaCerts = false): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const env = { ...process.env, TZ: 'UTC' } as NodeJS.ProcessEnv;
    if (tzUnset) delete env.TZ;
    if (withoutCaCerts) delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let peakKb = 0;
    let cpuTicks = 0;
    let stderr = '';
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime and stime in ticks.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpuTicks = Number(fields[11]) + Number(fields[12]);
      } catch {
        // the process has just exited
      }
    };
    const timer = setInterval(sample, 10);
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 500)}`));
      else resolvePromise({ seconds, cpuSeconds: cpuTicks / TICKS_PER_SECOND, peakMb: peakKb / 1024 });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'smoltcp-bench-dump-'));
try {
  const full = join(dir, 'bench.pcap');
  const small = join(dir, 'small.pcap');
  const tsharkText = join(dir, 'tshark-text.pcap');
  const tsharkJson = join(dir, 'tshark-json.pcap');
  const smallest = join(dir, 'smallest.pcap');
  let t = Date.now();
  const written = writeBenchCapture(full, packets);
  const bytes = readFileSync(full);
  writePrefix(bytes, small, Math.max(10_000, Math.floor(written / 10)));
  writePrefix(bytes, tsharkText, Math.min(tsharkTextPackets, written));
  writePrefix(bytes, tsharkJson, Math.min(tsharkJsonPackets, written));
  writePrefix(bytes, smallest, Math.min(smallPackets, written));
  const smallCount = Math.min(smallPackets, written);
  console.log(
    `capture: ${written} packets, ${(statSync(full).size / 1e6).toFixed(0)} MB, generated in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );

  const decoders: { name: string; command: string; args: string[]; packets: number; tzUnset?: boolean }[] = [
    { name: 'smoltcp-dump -r (text)', command: BIN, args: ['-r', full], packets: written },
    { name: 'smoltcp-dump --json', command: BIN, args: ['--json', '-r', full], packets: written },
    { name: 'tcpdump -nn -r', command: 'tcpdump', args: ['-nn', '-r', full], packets: written },
    { name: 'tcpdump -nn -r (TZ unset)', command: 'tcpdump', args: ['-nn', '-r', full], packets: written, tzUnset: true },
    { name: 'smoltcp-dump -v -r', command: BIN, args: ['-v', '-r', full], packets: written },
    { name: 'tcpdump -nn -v -r', command: 'tcpdump', args: ['-nn', '-v', '-r', full], packets: written },
    // A small capture, where start-up is most of the time.
    { name: 'smoltcp-dump -r (small)', command: BIN, args: ['-r', smallest], packets: smallCount },
    { name: 'smoltcp-dump --json (small)', command: BIN, args: ['--json', '-r', smallest], packets: smallCount },
    { name: 'tcpdump -nn -r (small)', command: 'tcpdump', args: ['-nn', '-r', smallest], packets: smallCount },
    { name: 'tshark -r', command: 'tshark', args: ['-r', tsharkText], packets: Math.min(tsharkTextPackets, written) },
    { name: 'tshark -T json -r', command: 'tshark', args: ['-T', 'json', ...TSHARK_OPTIONS, '-r', tsharkJson], packets: Math.min(tsharkJsonPackets, written) },
  ];
  const results = new Map<string, Run[]>();
  for (let round = 0; round < rounds; round++) {
    for (const d of decoders) {
      const run = await measure(d.command, d.args, d.tzUnset);
      results.set(d.name, [...(results.get(d.name) ?? []), run]);
    }
  }
  // RSS flat in the capture's size: the text decoder on a tenth of the capture.
  const smallRun = await measure(BIN, ['-r', small]);

  const rate = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const d of decoders) {
    const runs = results.get(d.name)!;
    const seconds = median(runs.map((r) => r.seconds));
    const cpu = median(runs.map((r) => r.cpuSeconds));
    rate.set(d.name, d.packets / seconds);
    peak.set(d.name, Math.max(...runs.map((r) => r.peakMb)));
    console.log(
      `${d.name.padEnd(28)} ${String(d.packets).padStart(8)} packets  ${seconds.toFixed(2).padStart(6)} s ` +
        `(cpu ${cpu.toFixed(2)} s)  ${Math.round(d.packets / seconds).toString().padStart(8)} packets/s  ` +
        `peak RSS ${peak.get(d.name)!.toFixed(0)} MB`,
    );
  }
  const oursPeak = Math.max(peak.get('smoltcp-dump -r (text)')!, peak.get('smoltcp-dump --json')!);
  console.log(
    `RSS flat in capture size: text on ${Math.max(10_000, Math.floor(written / 10))} packets peaks at ${smallRun.peakMb.toFixed(0)} MB, ` +
      `on ${written} at ${peak.get('smoltcp-dump -r (text)')!.toFixed(0)} MB`,
  );
  const text = rate.get('smoltcp-dump -r (text)')!;
  const json = rate.get('smoltcp-dump --json')!;
  const tcpdump = rate.get('tcpdump -nn -r')!;
  const tcpdumpTzUnset = rate.get('tcpdump -nn -r (TZ unset)')!;
  const tsharkJsonRate = rate.get('tshark -T json -r')!;
  const verbose = rate.get('smoltcp-dump -v -r')! / rate.get('tcpdump -nn -v -r')!;
  const smallTcpdump = rate.get('tcpdump -nn -r (small)')!;
  const smallText = rate.get('smoltcp-dump -r (small)')! / smallTcpdump;
  const smallJson = rate.get('smoltcp-dump --json (small)')! / smallTcpdump;
  // The JSON output is measured against tcpdump's text: tcpdump has no JSON, and tshark's (the other
  // reference) is two orders of magnitude slower.
  console.log(
    `bench dump: text_vs_tcpdump=${(text / tcpdump).toFixed(2)} json_vs_tcpdump=${(json / tcpdump).toFixed(2)} ` +
      `text_v_vs_tcpdump_v=${verbose.toFixed(2)} json_vs_tshark=${(json / tsharkJsonRate).toFixed(0)} rss_mb=${Math.round(oursPeak)}`,
  );
  console.log(
    `bench dump, TZ unset for tcpdump: text_vs_tcpdump_tz_unset=${(text / tcpdumpTzUnset).toFixed(2)} ` +
      `json_vs_tcpdump_tz_unset=${(json / tcpdumpTzUnset).toFixed(2)}`,
  );
  console.log(
    `bench dump, ${smallCount} packets: small_text_vs_tcpdump=${smallText.toFixed(2)} small_json_vs_tcpdump=${smallJson.toFixed(2)}`,
  );

  // Start-up: smoltcp-dump on a one-packet capture against `node -e 0`, alternating, medians. Node runs
  // without NODE_EXTRA_CA_CERTS, as the bin starts it (its shebang unsets the variable): the ratio is our
  // start over Node's, not over Node's parsing of a certificate file.
  const one = join(dir, 'one.pcap');
  writePrefix(bytes, one, 1);
  const nodeRuns: number[] = [];
  const dumpRuns: number[] = [];
  for (let round = 0; round < startupRounds; round++) {
    nodeRuns.push((await measure(process.execPath, ['-e', '0'], false, true)).seconds);
    dumpRuns.push((await measure(BIN, ['-r', one])).seconds);
  }
  const nodeMs = median(nodeRuns) * 1000;
  const dumpMs = median(dumpRuns) * 1000;
  console.log(
    `bench dump start-up: smoltcp-dump -r one.pcap ${dumpMs.toFixed(0)} ms, node -e 0 ${nodeMs.toFixed(0)} ms ` +
      `(medians of ${startupRounds}): startup_vs_node=${(dumpMs / nodeMs).toFixed(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
