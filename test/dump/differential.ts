// The differential test of issue 8: random frames from a fixed seed, of every protocol the dump decodes, a
// quarter of them damaged (cut short, bad length fields, bad options, flipped bytes), decoded by tshark and by
// `smoltcp-dump --json`; every field of our JSON schema is compared with the tshark field it stands for, and
// the same frames go through the text printer and tcpdump, line by line.
//
// Used by differential.test.ts (a few thousand frames, in npm test) and scripts/differential.ts (the large run
// whose figure bench/README.md records).
import { join } from 'node:path';
import { arp, bytesOf, ethernet, icmp, ipv4, prng, tcp, udp, writePcap, type CraftedRecord, type Ipv4Fields, MAC_A, MAC_B, IP_A, IP_B } from './craft.js';
import { comparePackets, runDump, tcpdump } from './helpers.js';
import { compareSchemaFields, tsharkPackets, type FieldDifference } from './tshark.js';

type Random = () => number;

function int(random: Random, n: number): number {
  return Math.floor(random() * n);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)]!;
}

function randomBytes(random: Random, n: number): number[] {
  return Array.from({ length: n }, () => int(random, 256));
}

function u32(random: Random): number {
  return (int(random, 0x10000) * 0x10000 + int(random, 0x10000)) >>> 0;
}

function be32(v: number): number[] {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function randomAddress(random: Random): number {
  return pick(random, [IP_A, IP_B, 0x0a000009, 0xc0a80101, u32(random)]);
}

/** TCP options: a random sequence of the kinds we decode, padded to a multiple of four. */
function tcpOptions(random: Random): number[] {
  const options: number[] = [];
  const count = int(random, 6);
  for (let i = 0; i < count; i++) {
    switch (int(random, 8)) {
      case 0:
        options.push(2, 4, ...randomBytes(random, 2));
        break;
      case 1:
        options.push(3, 3, int(random, 16));
        break;
      case 2:
        options.push(4, 2);
        break;
      case 3:
        options.push(8, 10, ...be32(u32(random)), ...be32(u32(random)));
        break;
      case 4: {
        const blocks = 1 + int(random, 4);
        options.push(5, 2 + blocks * 8);
        for (let b = 0; b < blocks * 2; b++) options.push(...be32(u32(random)));
        break;
      }
      case 5:
        options.push(1);
        break;
      case 6:
        // Kinds we show as bytes (not MPTCP's 30: tshark's MPTCP dissector gives up on the whole option
        // list at a malformed MPTCP option, a decoder we do not have).
        options.push(pick(random, [34, 253, 99, 27]), 4, ...randomBytes(random, 2));
        break;
      default:
        options.push(1, 1);
    }
  }
  if (options.length > 40) options.length = 40;
  while (options.length % 4 !== 0) options.push(int(random, 3) === 0 ? 0 : 1);
  return options;
}

function ipv4Options(random: Random): number[] {
  switch (int(random, 6)) {
    case 0:
      return [1, 1, 1, 0];
    case 1:
      return [148, 4, 0, 0];
    case 2:
      return [7, 7, 4, ...be32(randomAddress(random)), 0];
    case 3:
      return [131, 11, 4, ...be32(randomAddress(random)), ...be32(randomAddress(random)), 0];
    default:
      return [];
  }
}

/** The transport part of an IPv4 datagram: TCP, UDP, ICMP or something we print generically. */
function ipv4Datagram(random: Random): Uint8Array {
  const src = randomAddress(random);
  const dst = randomAddress(random);
  const options = int(random, 5) === 0 ? ipv4Options(random) : [];
  const fields: Ipv4Fields = {
    src, dst, options, protocol: 0, ttl: int(random, 256), tos: int(random, 256), id: int(random, 65536),
    fragment: pick(random, [0x4000, 0x4000, 0, 0, 0x2000, 0x0003, 0x2005]),
    badChecksum: int(random, 10) === 0,
  };
  // The pseudo-header's destination is the source route's last address, as the receiver sees it.
  const routeDst = options[0] === 131 ? (options[7]! << 24 | options[8]! << 16 | options[9]! << 8 | options[10]!) >>> 0 : dst;
  const payload = Uint8Array.from(randomBytes(random, pick(random, [0, 0, 1, 5, 20, 60, 200])));
  switch (int(random, 7)) {
    case 0:
    case 1: {
      fields.protocol = 6;
      return ipv4(fields, tcp({
        srcPort: 40000 + int(random, 20000), dstPort: 40000 + int(random, 20000),
        seq: u32(random), ack: u32(random), flags: int(random, 256), window: int(random, 65536),
        urgent: int(random, 4) === 0 ? int(random, 65536) : 0, options: tcpOptions(random), payload,
        badChecksum: int(random, 8) === 0,
      }, src, routeDst));
    }
    case 2:
    case 3:
      fields.protocol = 17;
      return ipv4(fields, udp(40000 + int(random, 20000), 40000 + int(random, 20000), payload, {
        zeroChecksum: int(random, 6) === 0, badChecksum: int(random, 8) === 0,
      }, src, routeDst));
    case 4: {
      fields.protocol = 1;
      if (int(random, 2) === 0) return ipv4(fields, icmp(pick(random, [0, 8]), 0, [...randomBytes(random, 4), ...payload], int(random, 8) === 0));
      const quoted = ipv4({ protocol: 17, src: dst, dst: src }, udp(40000 + int(random, 20000), 40000 + int(random, 20000), bytesOf('hi')));
      return ipv4(fields, icmp(pick(random, [3, 11, 12, 5, 13, 42]), int(random, 4), [0, 0, 0, 0, ...quoted]));
    }
    case 5: {
      // Segmentation offload: the kernel hands the capture a super-packet whose total length is 0.
      fields.protocol = 6;
      fields.totalLength = 0;
      fields.fragment = 0x4000;
      return ipv4(fields, tcp({ seq: u32(random), ack: u32(random), flags: 0x18, options: tcpOptions(random), payload: Uint8Array.from(randomBytes(random, 100)) }, src, dst));
    }
    default:
      fields.protocol = pick(random, [47, 50, 89, 132, 253]);
      return ipv4(fields, payload);
  }
}

function arpPacket(random: Random): Uint8Array {
  const op = pick(random, [1, 1, 2, 2, 3, 4, 8, 9, 7, 25]);
  if (int(random, 4) !== 0) return arp(op, MAC_A, randomAddress(random), pick(random, [[0, 0, 0, 0, 0, 0], MAC_B]), randomAddress(random));
  // Other hardware and protocol types and address lengths (RFC 826 allows any).
  const hln = pick(random, [6, 8, 0, 20]);
  const pln = pick(random, [4, 16, 2, 0]);
  const packet = new Uint8Array(8 + 2 * hln + 2 * pln);
  const hardware = pick(random, [1, 6, 32, 0x1234]);
  const protocol = pick(random, [0x0800, 0x86dd, 0x1000, 0x0806]);
  packet.set([hardware >> 8, hardware & 255, protocol >> 8, protocol & 255, hln, pln, op >> 8, op & 255]);
  packet.set(randomBytes(random, 2 * hln + 2 * pln), 8);
  return packet;
}

/** One 802.1Q tag (IEEE 802.1Q clause 9.6): priority, drop eligible, VLAN id, then the inner EtherType. */
function vlanTag(random: Random, inner: number): number[] {
  const tci = (int(random, 8) << 13) | (int(random, 2) << 12) | pick(random, [100, 1, 4094, int(random, 4096)]);
  return [tci >> 8, tci & 255, inner >> 8, inner & 255];
}

/** A well-formed frame of a random kind. */
export function randomFrame(random: Random): Uint8Array {
  const kind = int(random, 10);
  let etherType: number;
  let payload: Uint8Array;
  if (kind < 2) {
    etherType = 0x0806;
    payload = arpPacket(random);
  } else {
    etherType = 0x0800;
    payload = ipv4Datagram(random);
  }
  const tags = kind === 9 ? 1 + int(random, 2) : 0;
  if (tags > 0) {
    let wrapped = Uint8Array.from([...vlanTag(random, etherType), ...payload]);
    if (tags === 2) wrapped = Uint8Array.from([...vlanTag(random, 0x8100), ...wrapped]);
    payload = wrapped;
    etherType = tags === 2 ? pick(random, [0x88a8, 0x8100]) : 0x8100;
  }
  const frame = ethernet(etherType, payload, int(random, 8) === 0 ? [255, 255, 255, 255, 255, 255] : MAC_B, MAC_A);
  // Ethernet pads short frames to 60 bytes (IEEE 802.3 clause 3.2.8).
  if (frame.length < 60 && int(random, 2) === 0) return Uint8Array.from([...frame, ...new Uint8Array(60 - frame.length)]);
  return frame;
}

/** Where the IPv4 header starts in a frame, or -1 (after any VLAN tags). */
function ipv4At(frame: Uint8Array): number {
  let at = 12;
  while (at + 4 <= frame.length && (frame[at] === 0x81 && frame[at + 1] === 0x00 || frame[at] === 0x88 && frame[at + 1] === 0xa8)) at += 4;
  return frame[at] === 0x08 && frame[at + 1] === 0x00 ? at + 2 : -1;
}

/** Damages a frame one of the ways real captures are damaged. */
export function damage(random: Random, frame: Uint8Array): CraftedRecord {
  const ip = ipv4At(frame);
  const copy = frame.slice();
  const transport = ip >= 0 && ip + 20 <= copy.length ? ip + (copy[ip]! & 15) * 4 : -1;
  switch (int(random, 6)) {
    case 0: {
      // A snapshot shorter than the frame.
      const cut = int(random, frame.length);
      return { data: frame.slice(0, cut), origLen: frame.length };
    }
    case 1: {
      // A frame that really is short (the bytes never reached the wire).
      return { data: frame.slice(0, 14 + int(random, Math.max(1, frame.length - 14))) };
    }
    case 2:
      // A bad length field: IPv4 total length or header length, UDP length, TCP data offset.
      if (ip >= 0 && ip + 20 <= copy.length) {
        const which = int(random, 4);
        if (which === 0) copy[ip + 2] = int(random, 2) ? 0 : int(random, 256), copy[ip + 3] = int(random, 256);
        else if (which === 1) copy[ip] = 0x40 | int(random, 16);
        else if (transport >= 0 && transport + 14 <= copy.length && copy[ip + 9] === 6) copy[transport + 12] = (int(random, 16) << 4) | (copy[transport + 12]! & 15);
        else if (transport >= 0 && transport + 6 <= copy.length) copy[transport + 4] = 0, copy[transport + 5] = int(random, 256);
      }
      return { data: copy };
    case 3:
      // A bad TCP option: a length byte that does not fit.
      if (transport >= 0 && copy[ip + 9] === 6 && transport + 22 <= copy.length) {
        const offset = (copy[transport + 12]! >> 4) * 4;
        if (offset > 20) {
          const at = transport + 20 + int(random, offset - 20);
          if (at < copy.length) copy[at] = pick(random, [0, 1, 2, 3, 5, 8, int(random, 256)]);
          if (at + 1 < copy.length) copy[at + 1] = pick(random, [0, 1, 2, 3, 10, 18, 40, int(random, 256)]);
        }
      }
      return { data: copy };
    default: {
      // Flipped bytes anywhere past the addresses.
      const flips = 1 + int(random, 3);
      for (let f = 0; f < flips && copy.length > 12; f++) copy[12 + int(random, copy.length - 12)] ^= 1 << int(random, 8);
      return { data: copy };
    }
  }
}

/** `count` frames from `seed`, a quarter of them damaged. */
export function differentialRecords(count: number, seed: number): { records: CraftedRecord[]; damaged: number } {
  const random = prng(seed);
  const records: CraftedRecord[] = [];
  let damaged = 0;
  for (let i = 0; i < count; i++) {
    const frame = randomFrame(random);
    if (int(random, 4) === 0) {
      damaged++;
      records.push(damage(random, frame));
    } else {
      records.push({ data: frame });
    }
  }
  return { records, damaged };
}

export interface DifferentialResult {
  frames: number;
  damaged: number;
  fieldsCompared: number;
  fieldsEqual: number;
  differences: FieldDifference[];
  /** Differing fields by name, most frequent first. */
  byField: [string, number][];
  textCompared: number;
  textSkipped: number;
  textMismatches: string[];
}

/**
 * Writes `count` frames from `seed` to `<dir>/differential.pcap`, decodes them with tshark, tcpdump and
 * smoltcp-dump, and compares: every schema field either side reports (a field only one side reports counts as
 * unequal), and each packet's text.
 */
export async function runDifferential(dir: string, count: number, seed: number, textStyles: string[][] = [[]]): Promise<DifferentialResult> {
  const { records, damaged } = differentialRecords(count, seed);
  const file = writePcap(join(dir, 'differential.pcap'), records);
  const theirs = tsharkPackets(file);
  const run = await runDump(['--json', '-r', file], dir);
  if (run.status !== 0) throw new Error(`smoltcp-dump --json failed: ${run.stderr}`);
  const lines = run.stdout.trimEnd().split('\n');
  if (lines.length !== theirs.length) throw new Error(`smoltcp-dump printed ${lines.length} lines for ${theirs.length} packets`);
  const result: DifferentialResult = {
    frames: records.length, damaged, fieldsCompared: 0, fieldsEqual: 0, differences: [], byField: [],
    textCompared: 0, textSkipped: 0, textMismatches: [],
  };
  const { compared, differences } = compareSchemaFields(lines, theirs);
  result.fieldsCompared = compared;
  result.fieldsEqual = compared - differences.length;
  result.differences = differences;
  const counts = new Map<string, number>();
  for (const d of differences) counts.set(d.field, (counts.get(d.field) ?? 0) + 1);
  result.byField = [...counts].sort((a, b) => b[1] - a[1]);
  for (const style of textStyles) {
    const text = tcpdump(['-tt', ...style, '-r', file]);
    const ours = await runDump(['-nn', '-tt', ...style, '-r', file], dir);
    const comparison = comparePackets(text, ours.stdout);
    result.textCompared += comparison.compared;
    result.textSkipped += comparison.skipped;
    result.textMismatches.push(...comparison.mismatches.map((m) => `${style.join(' ')}: ${m}`));
  }
  return result;
}
