// `npm run bench -- streams [--bytes N] [--buffer B] [--limit S]`: the streams API of the self-driving
// stack (smoltcp-ts/stack) against the raw socket API and against Node's own `net`, in one run:
// - streams: two NetStacks over a LinkedPair in one process, `--bytes` (default 1 GiB) written into a
//   connection's writable stream and read from the peer's readable stream (a BYOB reader; a default reader
//   on its own line);
// - raw: the same transfer through TcpSocket and Interface polled directly (bench/tcp's loopback loop);
// - node net: Node's net over 127.0.0.1 in a namespace (needs root; else n/a).
// Both of ours with the same LinkedPair (512 frames, MTU 1500), socket buffers `--buffer` bytes (default
// 4 MiB, as bench/tcp's loopback figure) and 64 KiB application chunks, after a warm-up of 64 MiB.
// Each part stops after `--limit` seconds (default 60). Ends with one line:
//   bench streams: streams_gbps=.. raw_gbps=.. streams_vs_raw=.. node_net_gbps=.. bytes_per_segment=..
// bytes_per_segment is the streams run's (BYOB reader): what the stream layer allocates per segment.
import { unmetNeed } from '../../test/helpers/needs.js';
import { fmt, gbps, type Run } from './measure.js';
import { nodeNet } from './node-net.js';
import { rawTransfer, type LinkShape } from './raw.js';
import { streamsTransfer } from './streams.js';

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
const bufferSize = option('buffer', 4 * MiB);
const limitMs = option('limit', 60) * 1000;
const shape: LinkShape = { capacity: 512, frameSize: 1514, bufferSize, chunk: 64 * 1024 };
const warm = Math.min(64 * MiB, Math.max(MiB, total / 8));

function describe(name: string, r: Run): string {
  return `${name}: ${(r.bytes / MiB).toFixed(0)} MiB in ${r.seconds.toFixed(2)} s, ${fmt(gbps(r))} Gbit/s, ${r.segments} segments, ${(r.allocated / Math.max(1, r.segments)).toFixed(2)} bytes/segment, ${r.gcs} GCs`;
}

const buffers = `${bufferSize >= MiB ? `${bufferSize / MiB} MiB` : `${bufferSize / 1024} KiB`} buffers, MTU 1500`;
const raw = rawTransfer(shape, warm, total, limitMs);
console.log(describe(`raw socket API (TcpSocket + Interface polled directly), ${buffers}`, raw));
const streams = await streamsTransfer(shape, warm, total, limitMs, 'byob');
console.log(describe(`streams API (NetStack, writable + BYOB reader), ${buffers}`, streams));
const plain = await streamsTransfer(shape, warm, total, limitMs, 'default');
console.log(describe(`streams API (NetStack, writable + default reader), ${buffers}`, plain));
let nodeGbps = NaN;
const skip = unmetNeed(['root']);
if (skip !== null) {
  console.log(`Node net over 127.0.0.1: n/a (${skip}; it runs in a namespace of its own)`);
} else {
  const n = await nodeNet(total, limitMs);
  nodeGbps = gbps(n);
  console.log(`Node net over 127.0.0.1 (in a namespace): ${(n.bytes / MiB).toFixed(0)} MiB in ${n.seconds.toFixed(2)} s, ${fmt(nodeGbps)} Gbit/s`);
}
const streamsGbps = gbps(streams);
const rawGbps = gbps(raw);
console.log(`streams / raw: BYOB reader ${fmt(streamsGbps / rawGbps)}, default reader ${fmt(gbps(plain) / rawGbps)} (goal >= 0.7); streams / Node net ${fmt(streamsGbps / nodeGbps)}`);
console.log(
  `bench streams: streams_gbps=${fmt(streamsGbps)} raw_gbps=${fmt(rawGbps)} streams_vs_raw=${fmt(streamsGbps / rawGbps)} node_net_gbps=${fmt(nodeGbps)} bytes_per_segment=${(streams.allocated / Math.max(1, streams.segments)).toFixed(2)}`,
);
