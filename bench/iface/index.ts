// `npm run bench -- iface [--seconds S] [--rounds N]`: two interfaces over a LinkedPair in one process
// (bench/iface/stack.ts): ICMP echo round trips, and UDP datagrams of 64 and 1472 bytes from A to B, per
// second, with the bytes allocated and the GCs per packet in the timed loops; then Node's own dgram over
// 127.0.0.1 with the same datagrams (bench/iface/dgram.ts), and the stack again with every buffer a view of
// one ArrayBuffer (copies become copyWithin). Each figure is the median of the rounds. Ends
// with one line:
//   bench iface: icmp_pps=.. udp_pps=.. node_dgram_pps=.. udp_vs_dgram=.. bytes_per_packet=.. gcs=..
// icmp_pps counts round trips; udp_pps and node_dgram_pps are 64-byte datagrams; udp_vs_dgram is the
// worse of the two sizes' ratios; bytes_per_packet and gcs are the stack's own: the worst of the three
// loops run with small-integer instants, where the caller allocates nothing (with epoch instants each
// poll's timestamp is a heap number the caller makes; that figure is printed on the allocation line).
import { benchDgram } from './dgram.js';
import { benchStack, type Measured } from './stack.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench iface: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

const seconds = option('seconds', 1);
const rounds = option('rounds', 3);

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n: number): string => Math.round(n).toString();
const fixed = (n: number, digits = 2): string => n.toFixed(digits);

const icmp: Measured[] = [];
const udp64: Measured[] = [];
const udp1472: Measured[] = [];
const arena: Measured[][] = [[], [], []];
const dgram64: number[] = [];
const dgram1472: number[] = [];
let dropped = 0;
for (let r = 0; r < rounds; r++) {
  const s = benchStack(seconds);
  icmp.push(s.icmp);
  udp64.push(s.udp64);
  udp1472.push(s.udp1472);
  dropped += s.dropped;
  const inArena = benchStack(seconds, false, true);
  arena[0].push(inArena.icmp);
  arena[1].push(inArena.udp64);
  arena[2].push(inArena.udp1472);
  dropped += inArena.dropped;
  dgram64.push(await benchDgram(64, seconds));
  dgram1472.push(await benchDgram(1472, seconds));
}

// The same loops with a clock starting at 0: small-integer instants, so the caller allocates nothing and
// what is left is the stack's own allocation per packet.
const own = benchStack(Math.min(seconds, 0.5), true);
const ownBytes = Math.max(own.icmp.bytesPerPacket, own.udp64.bytesPerPacket, own.udp1472.bytesPerPacket);
const ownGcs = own.icmp.gcs + own.udp64.gcs + own.udp1472.gcs;

const pps = (m: Measured[]): number => median(m.map((x) => x.pps));
const worstBytes = Math.max(...[...icmp, ...udp64, ...udp1472].map((m) => m.bytesPerPacket));
const gcs = [...icmp, ...udp64, ...udp1472].reduce((n, m) => n + m.gcs, 0);
const line = (label: string, m: Measured[]): void =>
  console.log(
    `${label}: ${fmt(pps(m))} packets/s (median of ${rounds}), ` +
      `${fixed(Math.max(...m.map((x) => x.bytesPerPacket)), 3)} bytes/packet at worst, ${m.reduce((n, x) => n + x.gcs, 0)} GCs`,
  );
line('stack icmp echo round trips', icmp);
line('stack udp 64-byte datagrams  ', udp64);
line('stack udp 1472-byte datagrams', udp1472);
console.log(
  `with every buffer in one ArrayBuffer (LinkedPair allocate, socket storage given, copies by copyWithin): icmp ${fmt(pps(arena[0]))}, ` +
    `udp 64-byte ${fmt(pps(arena[1]))}, udp 1472-byte ${fmt(pps(arena[2]))} packets/s, ` +
    `${fixed(Math.max(...arena.flat().map((m) => m.bytesPerPacket)), 3)} bytes/packet at worst`,
);
console.log(
  `allocation: ${fixed(worstBytes, 3)} bytes/packet at worst with epoch instants (the caller's timestamp, one heap number per poll of ` +
    `a batch of 32 packets), ${gcs} GCs; ${fixed(ownBytes, 3)} bytes/packet with small-integer instants (the stack's own), ${ownGcs} GCs`,
);
console.log(`node dgram 127.0.0.1: 64-byte ${fmt(median(dgram64))} datagrams/s, 1472-byte ${fmt(median(dgram1472))} datagrams/s (median of ${rounds})`);
const ratio64 = pps(udp64) / median(dgram64);
const ratio1472 = pps(udp1472) / median(dgram1472);
console.log(
  `stack / dgram: 64-byte ${fixed(ratio64)}x, 1472-byte ${fixed(ratio1472)}x; in one arena 64-byte ${fixed(pps(arena[1]) / median(dgram64))}x, ` +
    `1472-byte ${fixed(pps(arena[2]) / median(dgram1472))}x; frames dropped by the stacks: ${dropped}`,
);
console.log(
  `bench iface: icmp_pps=${fmt(pps(icmp))} udp_pps=${fmt(pps(udp64))} node_dgram_pps=${fmt(median(dgram64))} ` +
    `udp_vs_dgram=${fixed(Math.min(ratio64, ratio1472))} bytes_per_packet=${fixed(ownBytes, 3)} gcs=${ownGcs}`,
);
