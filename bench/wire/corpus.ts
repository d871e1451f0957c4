// The frame corpus: a few thousand distinct, valid Ethernet/IPv4 frames with a realistic mix of
// traffic, built once in memory with correct checksums, packed into one buffer (like a receive
// ring) and cycled by the benchmark loops.
import { foldComplement, pseudoHeaderWords, sumWords } from './internet-checksum.js';

/** The traffic classes of the corpus, in the order of `CLASS_WEIGHTS`. */
export enum FrameClass {
  TcpSyn,
  TcpSynAck,
  TcpAck,
  TcpAckSack,
  TcpDataSmall,
  TcpDataFull,
  TcpRst,
  UdpDns,
  IcmpEcho,
}

export const FRAME_CLASS_NAMES = [
  'TCP SYN (mss,sackOK,TS,nop,wscale)',
  'TCP SYN-ACK (mss,nop,wscale / mss,EOL)',
  'TCP ACK (nop,nop,TS)',
  'TCP dup ACK (TS + SACK 1-3 blocks)',
  'TCP data 1-600 B (TS)',
  'TCP data 1448 B (TS)',
  'TCP RST (no options)',
  'UDP DNS query/response (1 in 8 with IPv4 Router Alert)',
  'ICMP echo request/reply',
];

/**
 * Share of each class in percent. Roughly a client's mix: bulk transfer (full segments and
 * their ACKs), interactive requests, DNS and pings. Per-class figures are printed too, because
 * full-size segments are dominated by the checksum and small ones by header decoding.
 */
export const CLASS_WEIGHTS = [3, 3, 25, 5, 15, 15, 2, 22, 10];

export interface Corpus {
  /** All frames, each starting at an 8-byte aligned offset. */
  bytes: Uint8Array;
  /** A DataView over `bytes` (same buffer, same base). */
  view: DataView;
  offsets: Int32Array;
  lengths: Int32Array;
  classes: Uint8Array;
  count: number;
  totalBytes: number;
}

/** Deterministic PRNG (mulberry32) so every run decodes the same frames. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ETH_HEADER = 14;
const IPV4_HEADER = 20;
/** Minimum Ethernet frame without FCS (IEEE 802.3 clause 3.2.7): short frames are padded. */
const ETH_MIN_FRAME = 60;

interface Builder {
  random: () => number;
  int: (below: number) => number;
  u32: () => number;
}

interface Endpoints {
  srcMac: number;
  dstMac: number;
  srcIp: number;
  dstIp: number;
}

/** Writes a 48-bit MAC given as a number. */
function writeMac(view: DataView, at: number, mac: number): void {
  view.setUint16(at, Math.floor(mac / 0x100000000));
  view.setUint32(at + 2, mac % 0x100000000);
}

function endpoints(b: Builder): Endpoints {
  // Locally administered unicast MACs; addresses on both sides of 2^31 (10/8, 192.168/16,
  // 172.16/12 and public-looking ones) so u32 boxing traps would show up.
  const nets = [0x0a000000, 0xc0a80000, 0xac100000, 0x5db8d800, 0xd83ac200];
  const pick = (): number => (nets[b.int(nets.length)]! + 1 + b.int(0xfffe)) >>> 0;
  return {
    srcMac: 0x020000000000 + b.int(0xffffff) * 0x100 + b.int(0x100),
    dstMac: 0x0a0000000000 + b.int(0xffffff) * 0x100 + b.int(0x100),
    srcIp: pick(),
    dstIp: pick(),
  };
}

interface IpParams {
  protocol: number;
  optionBytes: number[];
  payloadLength: number;
  dontFrag: boolean;
}

/** Writes Ethernet + IPv4 headers and returns the offset of the IPv4 payload. */
function writeEthIpv4(view: DataView, at: number, b: Builder, ep: Endpoints, p: IpParams): number {
  writeMac(view, at, ep.dstMac);
  writeMac(view, at + 6, ep.srcMac);
  view.setUint16(at + 12, 0x0800);
  const ip = at + ETH_HEADER;
  const headerLength = IPV4_HEADER + p.optionBytes.length;
  const dscp = [0, 0, 0, 10, 46][b.int(5)]!;
  const ecn = b.int(4) === 0 ? 2 : 0;
  view.setUint8(ip, 0x40 | (headerLength >> 2));
  view.setUint8(ip + 1, (dscp << 2) | ecn);
  view.setUint16(ip + 2, headerLength + p.payloadLength);
  view.setUint16(ip + 4, b.int(0x10000));
  view.setUint16(ip + 6, p.dontFrag ? 0x4000 : 0);
  view.setUint8(ip + 8, [64, 128, 255, 57, 113][b.int(5)]!);
  view.setUint8(ip + 9, p.protocol);
  view.setUint16(ip + 10, 0);
  view.setUint32(ip + 12, ep.srcIp);
  view.setUint32(ip + 16, ep.dstIp);
  for (let i = 0; i < p.optionBytes.length; i++) view.setUint8(ip + 20 + i, p.optionBytes[i]!);
  view.setUint16(ip + 10, foldComplement(sumWords(view, ip, headerLength, 0)));
  return ip + headerLength;
}

function fillPayload(view: DataView, at: number, length: number, b: Builder): void {
  for (let i = 0; i < length; i++) view.setUint8(at + i, b.int(256));
}

function fillTransportChecksum(view: DataView, at: number, length: number, ep: Endpoints,
  protocol: number, checksumAt: number, zeroMeansNone: boolean): void {
  view.setUint16(checksumAt, 0);
  let checksum = foldComplement(sumWords(view, at, length, pseudoHeaderWords(ep.srcIp, ep.dstIp, protocol, length)));
  // RFC 768: a computed UDP checksum of zero is sent as all ones.
  if (zeroMeansNone && checksum === 0) checksum = 0xffff;
  view.setUint16(checksumAt, checksum);
}

const DNS_NAMES = ['example.com', 'www.example.org', 'api.github.com', 'time.cloudflare.com', 'deb.debian.org',
  'registry.npmjs.org', 'a.very.long.subdomain.of.a.content-delivery-network.example.net'];

/** A DNS query, or a response with 1-20 A records (RFC 1035 section 4.1): 17 to about 400 bytes. */
function dnsMessage(b: Builder): number[] {
  const name = DNS_NAMES[b.int(DNS_NAMES.length)]!;
  const qname: number[] = [];
  for (const label of name.split('.')) qname.push(label.length, ...Array.from(label, (ch) => ch.charCodeAt(0)));
  qname.push(0);
  const response = b.int(2) === 0;
  const answers = response ? 1 + b.int(20) : 0;
  const id = b.int(0x10000);
  const message = [id >> 8, id & 0xff, response ? 0x81 : 0x01, response ? 0x80 : 0x00, 0, 1, 0, answers, 0, 0, 0, 0,
    ...qname, 0, 1, 0, 1];
  for (let i = 0; i < answers; i++) {
    // Name as a pointer to the question (offset 12), type A, class IN, TTL, 4-byte address.
    message.push(0xc0, 12, 0, 1, 0, 1, 0, 0, b.int(256), b.int(256), 0, 4, 93, 184, b.int(256), b.int(256));
  }
  return message;
}

/** TCP option byte sequences as Linux, Windows and BSD stacks send them. */
function tcpOptions(cls: FrameClass, b: Builder): number[] {
  const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  const timestamps = (): number[] => [8, 10, ...u32(b.u32()), ...u32(b.u32())];
  const mss = (): number[] => { const m = [1460, 1448, 536, 8960][b.int(4)]!; return [2, 4, m >> 8, m & 0xff]; };
  switch (cls) {
    case FrameClass.TcpSyn:
      return [...mss(), 4, 2, ...timestamps(), 1, 3, 3, b.int(15)];
    case FrameClass.TcpSynAck:
      // Windows style, or a minimal stack's MSS-only SYN-ACK padded with End of Option List.
      return b.int(2) === 0 ? [...mss(), 1, 3, 3, 8, 1, 1, 4, 2] : [...mss(), 0, 0, 0, 0];
    case FrameClass.TcpAck:
    case FrameClass.TcpDataSmall:
    case FrameClass.TcpDataFull:
      return [1, 1, ...timestamps()];
    case FrameClass.TcpAckSack: {
      const blocks = 1 + b.int(3);
      const sack = [5, 2 + 8 * blocks];
      let edge = b.u32();
      for (let i = 0; i < blocks; i++) {
        const left = (edge + 1 + b.int(100000)) >>> 0;
        const right = (left + 1 + b.int(100000)) >>> 0;
        sack.push(...u32(left), ...u32(right));
        edge = right;
      }
      return [1, 1, ...timestamps(), 1, 1, ...sack];
    }
    default:
      return [];
  }
}

function tcpFlags(cls: FrameClass, b: Builder): number {
  const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, ECE = 0x40, CWR = 0x80;
  switch (cls) {
    case FrameClass.TcpSyn: return b.int(4) === 0 ? SYN | ECE | CWR : SYN;
    case FrameClass.TcpSynAck: return SYN | ACK;
    case FrameClass.TcpRst: return b.int(2) === 0 ? RST : RST | ACK;
    case FrameClass.TcpDataSmall:
    case FrameClass.TcpDataFull: return b.int(3) === 0 ? ACK | PSH : ACK;
    default: return b.int(20) === 0 ? ACK | FIN : ACK;
  }
}

/** Writes one frame of class `cls` at `at`; returns its length. */
function writeFrame(view: DataView, at: number, cls: FrameClass, b: Builder): number {
  const ep = endpoints(b);
  let l4Length: number;
  let l4: number;
  let protocol: number;
  let optionBytes: number[] = [];
  if (cls === FrameClass.UdpDns || cls === FrameClass.IcmpEcho) {
    protocol = cls === FrameClass.UdpDns ? 17 : 1;
    if (cls === FrameClass.UdpDns && b.int(8) === 0) optionBytes = [0x94, 4, 0, 0]; // Router Alert, RFC 2113
    const dns = cls === FrameClass.UdpDns ? dnsMessage(b) : [];
    const payload = cls === FrameClass.UdpDns ? dns.length : b.int(5) === 0 ? 1000 + b.int(400) : 56;
    l4Length = 8 + payload;
    l4 = writeEthIpv4(view, at, b, ep, { protocol, optionBytes, payloadLength: l4Length, dontFrag: b.int(2) === 0 });
    if (cls === FrameClass.UdpDns) {
      for (let i = 0; i < dns.length; i++) view.setUint8(l4 + 8 + i, dns[i]!);
      const query = (dns[2]! & 0x80) === 0;
      view.setUint16(l4, query ? 1024 + b.int(64000) : 53);
      view.setUint16(l4 + 2, query ? 53 : 1024 + b.int(64000));
      view.setUint16(l4 + 4, l4Length);
      // One datagram in 16 carries no checksum (checksum 0, RFC 768), as some resolvers send.
      if (b.int(16) === 0) view.setUint16(l4 + 6, 0);
      else fillTransportChecksum(view, l4, l4Length, ep, 17, l4 + 6, true);
    } else {
      fillPayload(view, l4 + 8, payload, b);
      view.setUint8(l4, b.int(2) === 0 ? 8 : 0);
      view.setUint8(l4 + 1, 0);
      view.setUint16(l4 + 4, b.int(0x10000));
      view.setUint16(l4 + 6, b.int(0x10000));
      view.setUint16(l4 + 2, 0);
      view.setUint16(l4 + 2, foldComplement(sumWords(view, l4, l4Length, 0)));
    }
  } else {
    protocol = 6;
    const options = tcpOptions(cls, b);
    const headerLength = 20 + options.length;
    const payload = cls === FrameClass.TcpDataSmall ? 1 + b.int(600) : cls === FrameClass.TcpDataFull ? 1448 : 0;
    l4Length = headerLength + payload;
    l4 = writeEthIpv4(view, at, b, ep, { protocol, optionBytes, payloadLength: l4Length, dontFrag: true });
    view.setUint16(l4, [80, 443, 22, 1024 + b.int(60000)][b.int(4)]!);
    view.setUint16(l4 + 2, [80, 443, 22, 1024 + b.int(60000)][b.int(4)]!);
    view.setUint32(l4 + 4, b.u32());
    view.setUint32(l4 + 8, cls === FrameClass.TcpSyn ? 0 : b.u32());
    view.setUint16(l4 + 12, ((headerLength / 4) << 12) | tcpFlags(cls, b));
    view.setUint16(l4 + 14, b.int(0x10000));
    view.setUint16(l4 + 18, b.int(50) === 0 ? b.int(0x10000) : 0);
    for (let i = 0; i < options.length; i++) view.setUint8(l4 + 20 + i, options[i]!);
    fillPayload(view, l4 + headerLength, payload, b);
    fillTransportChecksum(view, l4, l4Length, ep, 6, l4 + 16, false);
  }
  const used = l4 + l4Length - at;
  if (used < ETH_MIN_FRAME) {
    for (let i = used; i < ETH_MIN_FRAME; i++) view.setUint8(at + i, 0);
    return ETH_MIN_FRAME;
  }
  return used;
}

/** Builds `count` distinct frames with the class mix of `CLASS_WEIGHTS`. */
export function buildCorpus(count = 4096, seed = 0x5eed): Corpus {
  const random = prng(seed);
  const b: Builder = {
    random,
    int: (below) => Math.floor(random() * below),
    u32: () => Math.floor(random() * 4294967296) >>> 0,
  };
  const totalWeight = CLASS_WEIGHTS.reduce((a, w) => a + w, 0);
  const pickClass = (): FrameClass => {
    let r = b.int(totalWeight);
    for (let c = 0; c < CLASS_WEIGHTS.length; c++) {
      r -= CLASS_WEIGHTS[c]!;
      if (r < 0) return c as FrameClass;
    }
    return FrameClass.TcpAck;
  };
  const slot = 1536;
  const scratch = new Uint8Array(count * slot);
  const view = new DataView(scratch.buffer);
  const offsets = new Int32Array(count);
  const lengths = new Int32Array(count);
  const classes = new Uint8Array(count);
  let at = 0;
  let totalBytes = 0;
  for (let i = 0; i < count; i++) {
    const cls = pickClass();
    const length = writeFrame(view, at, cls, b);
    offsets[i] = at;
    lengths[i] = length;
    classes[i] = cls;
    totalBytes += length;
    at = (at + length + 7) & ~7;
  }
  // Copy into a buffer of exactly the used size so no decoder can read past the last frame.
  const bytes = scratch.slice(0, at);
  return { bytes, view: new DataView(bytes.buffer), offsets, lengths, classes, count, totalBytes };
}

/** The frames of one class only (a sub-corpus sharing the same bytes). */
export function selectClass(corpus: Corpus, cls: FrameClass): Corpus {
  const picked: number[] = [];
  for (let i = 0; i < corpus.count; i++) if (corpus.classes[i] === cls) picked.push(i);
  const offsets = Int32Array.from(picked, (i) => corpus.offsets[i]!);
  const lengths = Int32Array.from(picked, (i) => corpus.lengths[i]!);
  const classes = Uint8Array.from(picked, () => cls);
  let totalBytes = 0;
  for (const l of lengths) totalBytes += l;
  return { ...corpus, offsets, lengths, classes, count: picked.length, totalBytes };
}
