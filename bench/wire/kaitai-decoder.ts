// Kaitai Struct as the established YAML-to-parser generator: the .ksy files in ./ksy are compiled
// at run time with the kaitai-struct-compiler npm package (JavaScript target) into a temporary
// directory, loaded as ordinary CommonJS modules with the kaitai-struct runtime, and used the way
// Kaitai's documentation shows: one `new EthernetFrame(new KaitaiStream(...))` per frame.
// Checksums are verified over the raw bytes with the runtime's checksum, the same function our
// views use, so the two contenders do equal work and differ only in how they parse.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { checksumFold, checksumSum, pseudoHeaderSum } from '../../generated/runtime.js';
import { DecodedFrame, DecodeStatus } from './decoded-frame.js';

const here = dirname(fileURLToPath(import.meta.url));
const ksyDir = join(here, 'ksy');
const projectRoot = resolve(here, '..', '..');

// The shapes of the parsed objects we read (the generated JavaScript carries no types).
interface KaitaiStreamCtor { new (data: DataView | ArrayBuffer | Uint8Array, byteOffset?: number): unknown }
interface KsEthernetFrame { dstMac: Uint8Array; srcMac: Uint8Array; etherType: number; body: KsIpv4Packet | Uint8Array }
interface KsIpv4Packet {
  version: number; ihl: number; dscp: number; ecn: number; totalLength: number; identification: number;
  reservedFlag: boolean; dontFragment: boolean; moreFragments: boolean; fragmentOffset: number; ttl: number;
  protocol: number; headerChecksum: number; srcAddr: number; dstAddr: number; options: Uint8Array;
  body: KsTcpSegment | KsUdpDatagram | KsIcmpPacket | Uint8Array;
}
interface KsUdpDatagram { srcPort: number; dstPort: number; length: number; checksum: number; body: Uint8Array }
interface KsIcmpPacket { icmpType: number; code: number; checksum: number; echo?: { identifier: number; sequenceNumber: number }; rest: Uint8Array }
interface KsTcpOption {
  kind: number; length?: number;
  body?: { mss?: number; shift?: number; blocks?: { leftEdge: number; rightEdge: number }[]; tsVal?: number; tsEcr?: number } | Uint8Array;
}
interface KsTcpSegment {
  srcPort: number; dstPort: number; seqNum: number; ackNum: number; dataOffset: number; reserved: number;
  flagNs: boolean; flagCwr: boolean; flagEce: boolean; flagUrg: boolean; flagAck: boolean; flagPsh: boolean;
  flagRst: boolean; flagSyn: boolean; flagFin: boolean; windowSize: number; checksum: number; urgentPointer: number;
  options?: { entries: KsTcpOption[] }; body: Uint8Array;
}
interface EthernetFrameCtor { new (io: unknown): KsEthernetFrame }

export interface KaitaiParsers {
  KaitaiStream: KaitaiStreamCtor;
  EthernetFrame: EthernetFrameCtor;
  compilerVersion: string;
}

/** Compiles ksy/ethernet_frame.ksy (and its imports) and loads the generated parsers. */
export async function loadKaitai(): Promise<KaitaiParsers> {
  const require = createRequire(import.meta.url);
  const compiler = require('kaitai-struct-compiler') as {
    version: string;
    compile(lang: string, ksy: unknown, importer: unknown, debug: boolean): Promise<Record<string, string>>;
  };
  const readKsy = (name: string): unknown => parseYaml(readFileSync(join(ksyDir, `${name}.ksy`), 'utf8'));
  const importer = { importYaml: (name: string) => Promise.resolve(readKsy(name)) };
  const files = await compiler.compile('javascript', readKsy('ethernet_frame'), importer, false);

  // The generated UMD modules require('kaitai-struct/KaitaiStream') and './Ipv4Packet': give the
  // temporary directory a CommonJS package.json and a node_modules link to ours, so they load with
  // plain require() and share our single copy of the runtime.
  const outDir = mkdtempSync(join(tmpdir(), 'smoltcp-bench-kaitai-'));
  try {
    writeFileSync(join(outDir, 'package.json'), '{"type":"commonjs"}\n');
    symlinkSync(join(projectRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    for (const [name, source] of Object.entries(files)) writeFileSync(join(outDir, name), source);
    const load = createRequire(join(outDir, 'index.js'));
    const { EthernetFrame } = load('./EthernetFrame.js') as { EthernetFrame: EthernetFrameCtor };
    const KaitaiStream = load('kaitai-struct/KaitaiStream') as KaitaiStreamCtor;
    return { KaitaiStream, EthernetFrame, compilerVersion: compiler.version };
  } finally {
    // Loaded modules stay in memory; the files are no longer needed.
    rmSync(outDir, { recursive: true, force: true });
  }
}

function macToNumber(mac: Uint8Array): number {
  return ((mac[0]! << 8) | mac[1]!) * 0x100000000 + (((mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0);
}

/**
 * Parses the frame bytes[offset, offset+length) with Kaitai and copies every field into `out`.
 * `bytes` must be the whole corpus buffer (byteOffset 0) so offsets are absolute.
 */
export function decodeWithKaitai(k: KaitaiParsers, bytes: Uint8Array, offset: number, length: number,
  out: DecodedFrame): number {
  let frame: KsEthernetFrame;
  try {
    // A DataView bounds the stream to this frame; the Uint8Array constructor path would not.
    frame = new k.EthernetFrame(new k.KaitaiStream(new DataView(bytes.buffer, bytes.byteOffset + offset, length)));
  } catch {
    // Kaitai reports short or inconsistent input by throwing (an EOF error).
    return (out.status = DecodeStatus.Malformed);
  }
  out.ethDst = macToNumber(frame.dstMac);
  out.ethSrc = macToNumber(frame.srcMac);
  out.etherType = frame.etherType;
  if (frame.etherType !== 0x0800) return (out.status = DecodeStatus.NotIpv4);
  const ip = frame.body as KsIpv4Packet;
  const headerLength = ip.ihl * 4;
  // Kaitai's ksy states sizes but not these validity rules (RFC 791 section 3.1); check them as the other decoders do.
  if (ip.version !== 4 || headerLength < 20 || ip.totalLength < headerLength) return (out.status = DecodeStatus.Malformed);
  out.ipVersion = ip.version;
  out.ipHeaderLength = headerLength;
  out.ipDscp = ip.dscp;
  out.ipEcn = ip.ecn;
  out.ipTotalLength = ip.totalLength;
  out.ipIdent = ip.identification;
  out.ipDontFrag = ip.dontFragment ? 1 : 0;
  out.ipMoreFrags = ip.moreFragments ? 1 : 0;
  out.ipFragOffset = ip.fragmentOffset;
  out.ipTtl = ip.ttl;
  out.ipProtocol = ip.protocol;
  out.ipChecksum = ip.headerChecksum;
  const src = ip.srcAddr;
  const dst = ip.dstAddr;
  out.ipSrc = src;
  out.ipDst = dst;
  out.ipOptionsLength = ip.options.length;
  const ipAt = offset + 14;
  out.ipChecksumOk = checksumFold(checksumSum(bytes, ipAt, headerLength)) === 0 ? 1 : 0;
  const l4At = ipAt + headerLength;
  const l4Length = ip.totalLength - headerLength;

  if (ip.protocol === 6) {
    const tcp = ip.body as KsTcpSegment;
    const tcpHeaderLength = tcp.dataOffset * 4;
    if (tcpHeaderLength < 20) return (out.status = DecodeStatus.Malformed);
    out.srcPort = tcp.srcPort;
    out.dstPort = tcp.dstPort;
    out.tcpSeq = tcp.seqNum;
    out.tcpAck = tcp.ackNum;
    out.tcpHeaderLength = tcpHeaderLength;
    out.tcpFlags = (tcp.flagNs ? 0x100 : 0) | (tcp.flagCwr ? 0x80 : 0) | (tcp.flagEce ? 0x40 : 0) |
      (tcp.flagUrg ? 0x20 : 0) | (tcp.flagAck ? 0x10 : 0) | (tcp.flagPsh ? 0x08 : 0) |
      (tcp.flagRst ? 0x04 : 0) | (tcp.flagSyn ? 0x02 : 0) | (tcp.flagFin ? 0x01 : 0);
    out.tcpWindow = tcp.windowSize;
    out.l4Checksum = tcp.checksum;
    out.tcpUrgent = tcp.urgentPointer;
    out.l4ChecksumOk = checksumFold(checksumSum(bytes, l4At, l4Length, pseudoHeaderSum(src, dst, 6, l4Length))) === 0 ? 1 : 0;
    out.payloadOffset = l4At + tcpHeaderLength;
    out.payloadLength = tcp.body.length;
    out.tcpMss = 0;
    out.tcpWindowScale = 0;
    out.tcpSackPermitted = 0;
    out.tcpSackBlocks = 0;
    out.tcpTimestamps = 0;
    out.tcpTsVal = 0;
    out.tcpTsEcr = 0;
    let count = 0;
    const entries = tcp.options === undefined ? [] : tcp.options.entries;
    for (let i = 0; i < entries.length; i++) {
      const option = entries[i]!;
      if (option.kind === 0) break;
      count++;
      const body = option.body;
      if (body === undefined || body instanceof Uint8Array) {
        if (option.kind === 4) out.tcpSackPermitted = 1;
        continue;
      }
      switch (option.kind) {
        case 2: out.tcpMss = body.mss!; break;
        case 3: out.tcpWindowScale = body.shift!; break;
        case 5: {
          const blocks = body.blocks!;
          out.tcpSackBlocks = blocks.length;
          if (blocks.length > 0) { out.tcpSackLeft0 = blocks[0]!.leftEdge; out.tcpSackRight0 = blocks[0]!.rightEdge; }
          if (blocks.length > 1) { out.tcpSackLeft1 = blocks[1]!.leftEdge; out.tcpSackRight1 = blocks[1]!.rightEdge; }
          if (blocks.length > 2) { out.tcpSackLeft2 = blocks[2]!.leftEdge; out.tcpSackRight2 = blocks[2]!.rightEdge; }
          break;
        }
        case 8: out.tcpTimestamps = 1; out.tcpTsVal = body.tsVal!; out.tcpTsEcr = body.tsEcr!; break;
        default: break;
      }
    }
    out.tcpOptionCount = count;
    return (out.status = DecodeStatus.Ok);
  }
  if (ip.protocol === 17) {
    const udp = ip.body as KsUdpDatagram;
    if (udp.length < 8 || udp.length > l4Length) return (out.status = DecodeStatus.Malformed);
    out.srcPort = udp.srcPort;
    out.dstPort = udp.dstPort;
    out.udpLength = udp.length;
    out.l4Checksum = udp.checksum;
    out.l4ChecksumOk = udp.checksum === 0 ||
      checksumFold(checksumSum(bytes, l4At, udp.length, pseudoHeaderSum(src, dst, 17, udp.length))) === 0 ? 1 : 0;
    out.payloadOffset = l4At + 8;
    out.payloadLength = udp.body.length;
    return (out.status = DecodeStatus.Ok);
  }
  if (ip.protocol === 1) {
    const icmp = ip.body as KsIcmpPacket;
    if (icmp.echo === undefined) return (out.status = DecodeStatus.UnknownProtocol);
    out.icmpType = icmp.icmpType;
    out.icmpCode = icmp.code;
    out.l4Checksum = icmp.checksum;
    out.icmpIdent = icmp.echo.identifier;
    out.icmpSeq = icmp.echo.sequenceNumber;
    out.l4ChecksumOk = checksumFold(checksumSum(bytes, l4At, l4Length)) === 0 ? 1 : 0;
    out.payloadOffset = l4At + 8;
    out.payloadLength = icmp.rest.length;
    return (out.status = DecodeStatus.Ok);
  }
  return (out.status = DecodeStatus.UnknownProtocol);
}
