// Hand-built frames and pcap files for the dump tests: well-formed packets to start from, and the
// malformed variants (truncated, bad lengths, bad checksums) the kernel never sends.
import { writeFileSync } from 'node:fs';
import { checksumFold, checksumSum, pseudoHeaderSum } from '../../src/wire/checksum.js';

export interface CraftedRecord {
  data: Uint8Array;
  /** Length on the wire; defaults to data.length (larger means the capture cut the frame). */
  origLen?: number;
  seconds?: number;
  micros?: number;
}

/** A classic little-endian microsecond pcap file, written by hand so a test controls every field. */
export function pcapBytes(records: CraftedRecord[], linkType = 1): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(linkType, 20);
  parts.push(header);
  records.forEach((r, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(r.seconds ?? 1700000000 + i, 0);
    h.writeUInt32LE(r.micros ?? (i * 7919) % 1000000, 4);
    h.writeUInt32LE(r.data.length, 8);
    h.writeUInt32LE(r.origLen ?? r.data.length, 12);
    parts.push(h, Buffer.from(r.data));
  });
  return Buffer.concat(parts);
}

export function writePcap(path: string, records: CraftedRecord[], linkType = 1): string {
  writeFileSync(path, pcapBytes(records, linkType));
  return path;
}

export const MAC_A = [0x02, 0, 0, 0, 0, 0x01];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x02];
export const IP_A = 0x0a000001; // 10.0.0.1
export const IP_B = 0x0a000002; // 10.0.0.2

export function ethernet(etherType: number, payload: Uint8Array, dst = MAC_B, src = MAC_A): Uint8Array {
  const frame = new Uint8Array(14 + payload.length);
  frame.set(dst, 0);
  frame.set(src, 6);
  frame[12] = etherType >> 8;
  frame[13] = etherType & 255;
  frame.set(payload, 14);
  return frame;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}

export interface Ipv4Fields {
  src?: number;
  dst?: number;
  protocol: number;
  ttl?: number;
  tos?: number;
  id?: number;
  /** The 16-bit flags + fragment offset word. */
  fragment?: number;
  options?: number[];
  /** Override the total length field. */
  totalLength?: number;
  badChecksum?: boolean;
}

export function ipv4(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const options = fields.options ?? [];
  const headerLength = 20 + options.length;
  const packet = new Uint8Array(headerLength + payload.length);
  packet[0] = 0x40 | (headerLength / 4);
  packet[1] = fields.tos ?? 0;
  put16(packet, 2, fields.totalLength ?? packet.length);
  put16(packet, 4, fields.id ?? 0x1234);
  put16(packet, 6, fields.fragment ?? 0x4000);
  packet[8] = fields.ttl ?? 64;
  packet[9] = fields.protocol;
  put32(packet, 12, fields.src ?? IP_A);
  put32(packet, 16, fields.dst ?? IP_B);
  packet.set(options, 20);
  let sum = checksumFold(checksumSum(packet, 0, headerLength));
  if (fields.badChecksum) sum ^= 0x5a5a;
  put16(packet, 10, sum);
  packet.set(payload, headerLength);
  return packet;
}

export interface TcpFields {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  options?: number[];
  payload?: Uint8Array;
  /** Override the data offset (in 32-bit words). */
  dataOffset?: number;
  badChecksum?: boolean;
}

export function tcp(f: TcpFields, src = IP_A, dst = IP_B): Uint8Array {
  const options = f.options ?? [];
  const headerLength = 20 + options.length;
  const payload = f.payload ?? new Uint8Array(0);
  const segment = new Uint8Array(headerLength + payload.length);
  put16(segment, 0, f.srcPort ?? 40000);
  put16(segment, 2, f.dstPort ?? 40080);
  put32(segment, 4, f.seq ?? 1000);
  put32(segment, 8, f.ack ?? 0);
  segment[12] = (f.dataOffset ?? headerLength / 4) << 4;
  segment[13] = f.flags & 0xff;
  if (f.flags & 0x100) segment[12]! |= 1;
  put16(segment, 14, f.window ?? 64240);
  put16(segment, 18, f.urgent ?? 0);
  segment.set(options, 20);
  segment.set(payload, headerLength);
  let sum = checksumFold(checksumSum(segment, 0, segment.length, pseudoHeaderSum(src, dst, 6, segment.length)));
  if (f.badChecksum) sum ^= 0x1111;
  put16(segment, 16, sum);
  return segment;
}

export function udp(srcPort: number, dstPort: number, payload: Uint8Array, opts: { length?: number; zeroChecksum?: boolean; badChecksum?: boolean } = {}, src = IP_A, dst = IP_B): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  put16(datagram, 0, srcPort);
  put16(datagram, 2, dstPort);
  put16(datagram, 4, opts.length ?? datagram.length);
  datagram.set(payload, 8);
  if (!opts.zeroChecksum) {
    let sum = checksumFold(checksumSum(datagram, 0, datagram.length, pseudoHeaderSum(src, dst, 17, datagram.length)));
    if (sum === 0) sum = 0xffff;
    if (opts.badChecksum) sum ^= 0x0f0f;
    put16(datagram, 6, sum);
  }
  return datagram;
}

export function icmp(type: number, code: number, rest: number[] | Uint8Array, badChecksum = false): Uint8Array {
  const message = new Uint8Array(4 + rest.length);
  message[0] = type;
  message[1] = code;
  message.set(rest, 4);
  let sum = checksumFold(checksumSum(message, 0, message.length));
  if (badChecksum) sum ^= 0x00ff;
  put16(message, 2, sum);
  return message;
}

export function arp(op: number, sha: number[], spa: number, tha: number[], tpa: number, opts: { hardwareLength?: number; protocolLength?: number; protocol?: number } = {}): Uint8Array {
  const packet = new Uint8Array(28);
  put16(packet, 0, 1);
  put16(packet, 2, opts.protocol ?? 0x0800);
  packet[4] = opts.hardwareLength ?? 6;
  packet[5] = opts.protocolLength ?? 4;
  put16(packet, 6, op);
  packet.set(sha, 8);
  put32(packet, 14, spa);
  packet.set(tha, 18);
  put32(packet, 24, tpa);
  return packet;
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A small deterministic PRNG (mulberry32) so fuzzed captures are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Well-formed frames of every kind the formatter decodes, plus the kinds it prints generically. */
export function craftedFrames(include: { mptcp?: boolean } = {}): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const E = (type: number, payload: Uint8Array) => frames.push(ethernet(type, payload));
  const I = (fields: Ipv4Fields, payload: Uint8Array) => E(0x0800, ipv4(fields, payload));
  // ARP: request, request with a target hardware address, reply, reverse ops, odd lengths, padded frame.
  E(0x0806, arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B));
  E(0x0806, arp(1, MAC_A, IP_A, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], IP_A));
  E(0x0806, arp(2, MAC_B, IP_B, MAC_A, IP_A));
  E(0x0806, arp(3, MAC_A, 0, MAC_A, 0));
  E(0x0806, arp(4, MAC_B, IP_B, MAC_A, IP_A));
  E(0x0806, arp(9, MAC_B, IP_B, MAC_A, IP_A));
  E(0x0806, arp(7, MAC_B, IP_B, MAC_A, IP_A));
  E(0x0806, arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B, { protocol: 0x86dd }));
  frames.push(ethernet(0x0806, Uint8Array.from([...arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B), ...new Uint8Array(18)])));
  // ICMP: echo, unreachable variants quoting a UDP/TCP datagram, redirect, time exceeded, parameter problem,
  // timestamps, address mask, unknown type, bad checksum.
  const echoData = Uint8Array.from({ length: 56 }, (_, i) => i);
  I({ protocol: 1 }, icmp(8, 0, [0x12, 0x34, 0, 1, ...echoData]));
  I({ protocol: 1, fragment: 0 }, icmp(0, 0, [0x12, 0x34, 0, 1, ...echoData]));
  I({ protocol: 1 }, icmp(8, 0, [0x12, 0x34, 0, 2, ...echoData], true));
  const quotedUdp = ipv4({ protocol: 17, src: IP_B, dst: IP_A }, udp(5000, 7777, bytesOf('hi')));
  const quotedTcp = ipv4({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ flags: 2 }, IP_B, IP_A).subarray(0, 8));
  for (const code of [0, 1, 2, 3, 5, 6, 9, 13, 15, 20]) I({ protocol: 1, tos: 0xc0 }, icmp(3, code, [0, 0, 0, 0, ...quotedUdp]));
  I({ protocol: 1 }, icmp(3, 3, [0, 0, 0, 0, ...quotedTcp]));
  I({ protocol: 1 }, icmp(3, 4, [0, 0, 0x05, 0xdc, ...quotedUdp]));
  I({ protocol: 1 }, icmp(3, 4, [0, 0, 0, 0, ...quotedUdp]));
  for (const code of [0, 1, 2, 3, 7]) I({ protocol: 1 }, icmp(5, code, [10, 0, 0, 254, ...quotedUdp]));
  I({ protocol: 1 }, icmp(11, 0, [0, 0, 0, 0, ...quotedUdp]));
  // Quoted headers whose total length field is 0 to 5 (tcpdump cuts the quote there and reads the field
  // again: under 4 it is the ICMP printer that runs out), with a version that is not 4 and with 4.
  for (const totalLength of [0, 1, 2, 3, 4, 5]) {
    for (const first of [0x05, 0x45]) {
      const quote = quotedUdp.slice();
      quote[0] = first;
      quote[2] = 0;
      quote[3] = totalLength;
      I({ protocol: 1 }, icmp(3, 198, [0, 0, 0, 0, ...quote]));
    }
  }
  const longQuote = ipv4({ protocol: 17, src: IP_B, dst: IP_A }, udp(5000, 7777, new Uint8Array(200)));
  const extension = [0x20, 0, 0, 0, 0, 8, 1, 1, 0, 0, 0x64, 0x01];
  const extensionSum = checksumFold(checksumSum(Uint8Array.from(extension), 0, extension.length));
  extension[2] = extensionSum >> 8;
  extension[3] = extensionSum & 255;
  I({ protocol: 1 }, icmp(11, 0, [0, 32, 0, 0, ...longQuote.subarray(0, 128), ...extension]));
  I({ protocol: 1 }, icmp(3, 1, [0, 0, 0, 0, ...longQuote.subarray(0, 128), 0x10, 0, 0, 0, 1, 2, 3, 4]));
  I({ protocol: 1 }, icmp(12, 0, [0, 0, 0, 0, ...longQuote.subarray(0, 180)]));
  I({ protocol: 1 }, icmp(11, 1, [0, 0, 0, 0, ...quotedUdp]));
  I({ protocol: 1 }, icmp(12, 0, [20, 0, 0, 0, ...quotedUdp]));
  I({ protocol: 1 }, icmp(12, 1, [0, 0, 0, 0, ...quotedUdp]));
  I({ protocol: 1 }, icmp(13, 0, [0, 7, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
  I({ protocol: 1 }, icmp(14, 0, [0, 7, 0, 9, 0x02, 0x9b, 0x2e, 0x4f, 0x02, 0x9b, 0x2e, 0x50, 0x02, 0x9b, 0x2e, 0x51]));
  I({ protocol: 1 }, icmp(17, 0, [0, 1, 0, 1, 0, 0, 0, 0]));
  I({ protocol: 1 }, icmp(18, 0, [0, 1, 0, 1, 255, 255, 255, 0]));
  I({ protocol: 1 }, icmp(4, 0, [0, 0, 0, 0, ...quotedUdp]));
  I({ protocol: 1 }, icmp(10, 0, [0, 0, 0, 0]));
  I({ protocol: 1 }, icmp(9, 0, [2, 2, 0x07, 0x08, 10, 0, 0, 1, 0, 0, 0, 5, 10, 0, 0, 2, 0xff, 0xff, 0xff, 0xff]));
  I({ protocol: 1 }, icmp(9, 0, [1, 2, 0, 59, 10, 0, 0, 1, 0, 0, 0, 5]));
  I({ protocol: 1 }, icmp(9, 0, [1, 3, 0x0e, 0x10, 10, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0]));
  I({ protocol: 1 }, icmp(42, 0, [0, 0, 0, 0]));
  // UDP: plain, zero checksum, bad checksum, length field larger/smaller than the datagram.
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello')));
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello'), { zeroChecksum: true }));
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello'), { badChecksum: true }));
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello'), { length: 40 }));
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello world'), { length: 10 }));
  I({ protocol: 17 }, udp(40001, 40002, bytesOf('hello'), { length: 4 }));
  // TCP: every flag, options of every kind, urgent data, bad checksum, payload.
  const allOptions = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
  I({ protocol: 6 }, tcp({ flags: 0x02, options: allOptions }));
  I({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ srcPort: 40080, dstPort: 40000, flags: 0x12, seq: 5000, ack: 1001, options: allOptions }, IP_B, IP_A));
  I({ protocol: 6 }, tcp({ flags: 0x10, seq: 1001, ack: 5001, options: [1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 1] }));
  I({ protocol: 6 }, tcp({ flags: 0x18, seq: 1001, ack: 5001, payload: bytesOf('GET / HTTP/1.0\r\n\r\n') }));
  I({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ srcPort: 40080, dstPort: 40000, flags: 0x10, seq: 5001, ack: 1019, options: [1, 1, 5, 18, 0, 0, 0x13, 0x88, 0, 0, 0x17, 0x70, 0, 0, 0x1b, 0x58, 0, 0, 0x1f, 0x40] }, IP_B, IP_A));
  I({ protocol: 6 }, tcp({ flags: 0x39, seq: 1019, ack: 5001, urgent: 3, payload: bytesOf('abc') }));
  if (include.mptcp ?? true) I({ protocol: 6 }, tcp({ flags: 0xc2, options: [2, 4, 5, 0xb4, 30, 4, 0, 0, 34, 2, 254, 6, 0xf9, 0x89, 1, 2, 99, 3, 7, 0] }));
  I({ protocol: 6 }, tcp({ flags: 0xc2, options: [2, 4, 5, 0xb4, 34, 2, 254, 6, 0xf9, 0x89, 1, 2, 99, 3, 7, 28, 4, 0x01, 0x2d, 20, 4, 1, 2, 0] }));
  I({ protocol: 6 }, tcp({ flags: 0x04, seq: 7, ack: 0 }));
  I({ protocol: 6 }, tcp({ flags: 0x14, seq: 7, ack: 9, payload: bytesOf('no listener on port 40080\x01\x7f\xc8 here') }));
  I({ protocol: 6 }, tcp({ flags: 0x10, options: [5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 6, 6, 0, 0, 0, 9, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8] }));
  I({ protocol: 6 }, tcp({ flags: 0x00, options: [5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0] }));
  I({ protocol: 6 }, tcp({ flags: 0x02, options: [2, 3, 5, 0, 1, 1, 1, 1] }));
  I({ protocol: 6 }, tcp({ flags: 0x02, options: [3, 9, 5, 0, 1, 1, 1, 1] }));
  I({ protocol: 6 }, tcp({ flags: 0x02, options: [1, 1, 1, 0, 2, 4, 5, 0xb4] }));
  I({ protocol: 6 }, tcp({ flags: 0x10, badChecksum: true, payload: bytesOf('x') }));
  I({ protocol: 6 }, tcp({ flags: 0x02, dataOffset: 4 }));
  I({ protocol: 6 }, tcp({ flags: 0x02, dataOffset: 15 }));
  // IPv4: options, ECN, bad checksum, fragments, unknown protocols, bad header lengths.
  I({ protocol: 17, options: [1, 1, 1, 0], tos: 0x03 }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [148, 4, 0, 0], tos: 0x02 }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [7, 7, 4, 0, 0, 0, 0, 0], tos: 0x01 }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [68, 12, 9, 0x01, 10, 0, 0, 1, 0, 0, 0, 7] }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [68, 8, 5, 0x30, 0, 0, 1, 0] }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [68, 12, 13, 0x03, 10, 0, 0, 1, 0, 0, 0, 7] }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, options: [68, 8, 5, 0x07, 0, 0, 1, 0] }, udp(1, 2, bytesOf('x')));
  // Flag 2 is no timestamp kind RFC 791 defines (tcpdump: "[bad ts type 2]", no entries).
  I({ protocol: 17, options: [68, 12, 5, 0x52, 10, 0, 0, 1, 0, 0, 0, 7] }, udp(1, 2, bytesOf('x')));
  I({ protocol: 6, options: [131, 7, 4, 10, 0, 0, 9, 0], dst: IP_B }, tcp({ flags: 0x02 }, IP_A, 0x0a000009));
  I({ protocol: 17, badChecksum: true, ttl: 0 }, udp(1, 2, bytesOf('x')));
  I({ protocol: 17, fragment: 0x2000 }, udp(1, 2, new Uint8Array(24)));
  I({ protocol: 17, fragment: 0x0003 }, new Uint8Array(16));
  I({ protocol: 6, fragment: 0xa001 }, new Uint8Array(16));
  I({ protocol: 254 }, new Uint8Array(8));
  I({ protocol: 253 }, new Uint8Array(8));
  I({ protocol: 59 }, new Uint8Array(8));
  I({ protocol: 77 }, new Uint8Array(13));
  I({ protocol: 1, totalLength: 10 }, icmp(8, 0, [0, 1, 0, 1]));
  I({ protocol: 1, totalLength: 0 }, icmp(8, 0, [0, 1, 0, 1]));
  I({ protocol: 1, totalLength: 200 }, icmp(8, 0, [0, 1, 0, 1]));
  // Options whose length leaves no room for their data, each last in the header ([bad opt]); an MD5 signature
  // (RFC 2385); a user timeout in seconds (RFC 5482: low bit clear).
  for (const kind of [2, 3, 6, 8, 19, 20, 28, 254]) I({ protocol: 6 }, tcp({ flags: 0x10, options: [1, 1, kind, 2] }));
  I({ protocol: 6 }, tcp({ flags: 0x10, options: [19, 18, ...Array.from({ length: 16 }, (_, i) => i * 17), 1, 1] }));
  I({ protocol: 6 }, tcp({ flags: 0x10, options: [28, 4, 0x01, 0x2c] }));
  // The same port at both ends: tcpdump keys relative sequence numbers by the addresses' order (from the
  // higher address, and to it), so both directions share one conversation.
  I({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ srcPort: 443, dstPort: 443, flags: 0x12, seq: 5000, ack: 9001 }, IP_B, IP_A));
  I({ protocol: 6 }, tcp({ srcPort: 443, dstPort: 443, flags: 0x10, seq: 9001, ack: 5001 }));
  I({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ srcPort: 443, dstPort: 443, flags: 0x18, seq: 5001, ack: 9001, payload: bytesOf('same ports') }, IP_B, IP_A));
  return frames;
}
