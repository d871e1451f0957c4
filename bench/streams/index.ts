// `npm run bench -- streams [--bytes N] [--rounds R] [--buffer B] [--limit S]`: the streams API of the
// self-driving stack (smoltcp-ts/stack) against the raw socket API and Node's own `net`, in one run:
// - streams: two NetStacks over a LinkedPair in one process, data written into a connection's writable
//   stream and read from the peer's readable stream with a BYOB reader (and, on its own line, a default
//   reader);
// - raw: the same transfer through TcpSocket and Interface polled directly (bench/tcp's loopback loop);
// - node net: Node's net over 127.0.0.1 in a namespace of its own (needs root; else n/a).
// Each of ours moves `--bytes` (default 1 GiB) in `--rounds` rounds (default 4) over one connection, the
// rounds interleaved (raw, BYOB, default, raw, ...) so the load of a shared machine falls on all alike,
// after a warm-up of 64 MiB each. Same LinkedPair (512 frames, MTU 1500), socket buffers `--buffer` bytes
// (default 4 MiB, as bench/tcp's loopback figure) and 64 KiB application chunks for both. A part stops after
// `--limit` seconds (default 60) a round. Ends with one line:
//   bench streams: streams_gbps=.. raw_gbps=.. streams_vs_raw=.. node_net_gbps=.. bytes_per_segment=..
// The rates are the median rounds; streams_vs_raw the median of the rounds' ratios (each streams round
// against the raw round just before it); bytes_per_segment the streams (BYOB) rounds' allocation.
import { unmetNeed } from '../../test/helpers/needs.js';
import { fmt, gbps, type Run } from './measure.js';
import { nodeNet } from './node-net.js';
import { RawLink, type LinkShape } from './raw.js';
import { StreamsLink } from './streams.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench streams: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

const MiB = 1 << 20;
const total = option('bytes', 1024 * MiB);
const rounds = Math.max(1, Math.round(option('rounds', 4)));
const bufferSize = option('buffer', 4 * MiB);
const limitMs = option('limit', 60) * 1000;
const shape: LinkShape = { capacity: 512, frameSize: 1514, bufferSize, chunk: 64 * 1024 };
const perRound = Math.ceil(total / rounds);
const warm = Math.min(64 * MiB, perRound);

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sum = (runs: Run[]): Run => runs.reduce((t, r) => ({ bytes: t.bytes + r.bytes, seconds: t.seconds + r.seconds, segments: t.segments + r.segments, allocated: t.allocated + r.allocated, gcs: t.gcs + r.gcs }));

function describe(name: string, runs: Run[]): string {
  const all = sum(runs);
  const rates = runs.map((r) => fmt(gbps(r))).join(' ');
  return `${name}: ${(all.bytes / MiB).toFixed(0)} MiB in ${all.seconds.toFixed(2)} s, median round ${fmt(median(runs.map(gbps)))} Gbit/s (rounds ${rates}), ${all.segments} segments, ${(all.allocated / Math.max(1, all.segments)).toFixed(2)} bytes/segment, ${all.gcs} GCs`;
}

const raw = new RawLink(shape);
const byob = await StreamsLink.open(shape, 'byob');
const plain = await StreamsLink.open(shape, 'default');
raw.round(warm, limitMs);
await byob.round(warm, limitMs);
await plain.round(warm, limitMs);
const rawRuns: Run[] = [];
const byobRuns: Run[] = [];
const plainRuns: Run[] = [];
for (let i = 0; i < rounds; i++) {
  rawRuns.push(raw.round(perRound, limitMs));
  byobRuns.push(await byob.round(perRound, limitMs));
  plainRuns.push(await plain.round(perRound, limitMs));
}
await byob.close();
await plain.close();
const buffers = `${bufferSize >= MiB ? `${bufferSize / MiB} MiB` : `${bufferSize / 1024} KiB`} buffers, MTU 1500`;
console.log(describe(`raw socket API (TcpSocket + Interface polled directly), ${buffers}`, rawRuns));
console.log(describe(`streams API (NetStack, writable + BYOB reader), ${buffers}`, byobRuns));
console.log(describe(`streams API (NetStack, writable + default reader), ${buffers}`, plainRuns));

let nodeGbps = NaN;
const skip = unmetNeed(['root']);
if (skip !== null) {
  console.log(`Node net over 127.0.0.1: n/a (${skip}; it runs in a namespace of its own)`);
} else {
  const n = await nodeNet(total, limitMs);
  nodeGbps = gbps(n);
  console.log(`Node net over 127.0.0.1 (in a namespace): ${(n.bytes / MiB).toFixed(0)} MiB in ${n.seconds.toFixed(2)} s, ${fmt(nodeGbps)} Gbit/s`);
}
const ratio = median(byobRuns.map((r, i) => gbps(r) / gbps(rawRuns[i]!)));
const plainRatio = median(plainRuns.map((r, i) => gbps(r) / gbps(rawRuns[i]!)));
const streamsGbps = median(byobRuns.map(gbps));
const byobAll = sum(byobRuns);
console.log(`streams / raw (median of the rounds' ratios): BYOB reader ${fmt(ratio)}, default reader ${fmt(plainRatio)} (goal >= 0.7); streams / Node net ${fmt(streamsGbps / nodeGbps)}`);
console.log(
  `bench streams: streams_gbps=${fmt(streamsGbps)} raw_gbps=${fmt(median(rawRuns.map(gbps)))} streams_vs_raw=${fmt(ratio)} node_net_gbps=${fmt(nodeGbps)} bytes_per_segment=${(byobAll.allocated / Math.max(1, byobAll.segments)).toFixed(2)}`,
);
