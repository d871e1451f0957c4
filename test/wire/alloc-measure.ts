// Measures what the reprs' parseInto and emit allocate per packet (V8's GC profiler, test/helpers/alloc.ts)
// and prints the figures as JSON. test/wire/allocation.test.ts runs this in a fresh process without c8.
//
// Received: every frame of a real kernel capture (ARP, ICMP, UDP and TCP, with random sequence numbers and
// Linux's SYN options) and TCP segments with every option we parse, with sequence and acknowledgment numbers
// and timestamps >= 2^31, each layer checked and parsed into reused reprs.
//
// SACK edges >= 2^31 are read through the option iterator's int32 readers (sackLeftI32/sackRightI32): a
// u32 >= 2^31 returned by a call V8 does not inline would be boxed, an int32 is not.
// Sent: Ethernet, IPv4, TCP with options (MSS, window scale, SACK-permitted, timestamps on a SYN; timestamps
// and three SACK blocks on an ACK) and ARP, emitted from reprs into one buffer.
import {
  ArpPacket,
  EtherType,
  EthernetFrame,
  Icmpv4Packet,
  IpProtocol,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
  WireError,
} from '../../generated/index.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { bytesPer } from '../helpers/alloc.js';
import { readPcap } from './support/pcap.js';

const ITERATIONS = 400_000;
/**
 * Rounds at most: measuring stops at the first clean one, so only a real allocation runs them all. On a
 * loaded machine V8 may take several rounds to finish optimising the loop again after new feedback (the
 * TCP segments after the kernel capture), and the code before that boxes u32 values >= 2^31.
 */
const ROUNDS = 30;
/** Where the SACK edges of the parsed segments start (see the known gap above); emit takes any u32. */
const SACK_BASE = 0xa000_0000;
const EMITTED_SACK_BASE = 0xa000_0000;

const frame = new EthernetFrame();
const ip = new Ipv4Packet();
const arp = new ArpPacket();
const icmp = new Icmpv4Packet();
const udp = new UdpPacket();
const tcp = new TcpPacket();
const ethernetRepr = new EthernetRepr();
const arpRepr = new ArpRepr();
const ipRepr = new Ipv4Repr();
const icmpRepr = new Icmpv4Repr();
const udpRepr = new UdpRepr();
const tcpRepr = new TcpRepr();
let errors = 0;
let tcpSeen = 0;
let optionsSeen = 0;

/** What an interface does with each received frame: every layer checked and parsed into reused reprs. */
function parseFrame(bytes: Uint8Array): void {
  frame.init(bytes, 0, bytes.length);
  errors += ethernetRepr.parseInto(frame);
  if (ethernetRepr.etherType === EtherType.Arp) {
    errors += arpRepr.parseInto(arp.init(bytes, frame.payloadOffset, frame.payloadLength));
    return;
  }
  errors += ipRepr.parseInto(ip.init(bytes, frame.payloadOffset, frame.payloadLength));
  const at = ip.payloadOffset;
  const length = ip.payloadLength;
  // Addresses cross into parseInto as int32 (same bits), which V8 passes unboxed (STYLE.md).
  const src = ipRepr.srcAddr | 0;
  const dst = ipRepr.dstAddr | 0;
  if (ipRepr.protocol === IpProtocol.Tcp) {
    errors += tcpRepr.parseInto(tcp.init(bytes, at, length), src, dst);
    tcpSeen++;
    if (tcpRepr.hasTimestamp && (tcpRepr.sackBlockCount > 0 || tcpRepr.maxSegSize !== null)) optionsSeen++;
  } else if (ipRepr.protocol === IpProtocol.Udp) errors += udpRepr.parseInto(udp.init(bytes, at, length), src, dst);
  else errors += icmpRepr.parseInto(icmp.init(bytes, at, length));
}

const out = new Uint8Array(1514);
const data = new Uint8Array(512).fill(0x42);
const outEthernet = new EthernetRepr({ srcAddr: 0x0200_0000_00aa, dstAddr: 0xfe00_0000_00bb, etherType: EtherType.Ipv4 });
const outIp = new Ipv4Repr({ srcAddr: 0xc0a8_0001, dstAddr: 0xc0a8_0002, protocol: IpProtocol.Tcp });
const outSyn = new TcpRepr({
  srcPort: 50000,
  dstPort: 443,
  control: TcpControl.Syn,
  windowLen: 64240,
  maxSegSize: 1460,
  windowScale: 7,
  sackPermitted: true,
  hasTimestamp: true,
});
const outAck = new TcpRepr({ srcPort: 443, dstPort: 50000, control: TcpControl.Psh, ack: true, windowLen: 512, hasTimestamp: true });
outAck.setSackBlock(0, 0, 0).setSackBlock(1, 0, 0).setSackBlock(2, 0, 0);
const outArp = new ArpRepr({ operation: 1, sourceHardwareAddr: 0x0200_0000_00aa, sourceProtocolAddr: 0xc0a8_0001, targetHardwareAddr: 0, targetProtocolAddr: 0xc0a8_0002 });
const arpOut = new Uint8Array(28);

/** Emits `repr` in a frame of Ethernet and IPv4 into `out`; returns the frame's length. */
function emitTcpFrame(repr: TcpRepr): number {
  outIp.payloadLength = repr.bufferLength();
  const length = outEthernet.headerLength() + outIp.bufferLength();
  outEthernet.emit(frame.init(out, 0, length));
  outIp.emit(ip.init(out, 14, outIp.bufferLength()));
  // Addresses are passed as int32 (same bits): a u32 >= 2^31 passed to a function V8 does not inline
  // would be boxed on the way in (STYLE.md), and emit is too big to be inlined.
  repr.emit(tcp.init(out, 34, outIp.payloadLength), outIp.srcAddr | 0, outIp.dstAddr | 0);
  return length;
}

/** Sets the u32 fields of the two segments to values >= 2^31 (SACK edges from `sackBase`) that change with `i`. */
function advance(i: number, sackBase: number): void {
  outSyn.seqNumber = (0xf000_0000 + i) >>> 0;
  outSyn.tsVal = (0x8000_0000 + i) >>> 0;
  outAck.seqNumber = (0xf000_0000 + i * 512) >>> 0;
  outAck.ackNumber = (0x9000_0000 + i) >>> 0;
  outAck.tsVal = (0x8000_0000 + i) >>> 0;
  outAck.tsEcr = (0xc000_0000 + i) >>> 0;
  for (let b = 0; b < 3; b++) {
    outAck.sackLeft[b] = (sackBase + i + b * 0x1000) >>> 0;
    outAck.sackRight[b] = (sackBase + 0x800 + i + b * 0x1000) >>> 0;
  }
  outAck.setPayload(data, 0, 64 + (i & 255));
}

/** What an interface does to send: a SYN and a data segment with options, and an ARP request. */
function emitLoop(n: number): void {
  for (let i = 0; i < n; i++) {
    advance(i, EMITTED_SACK_BASE);
    emitTcpFrame((i & 1) === 0 ? outSyn : outAck);
    outArp.emit(arp.init(arpOut, 0, 28));
  }
}

// Received frames: the kernel capture, then our own TCP segments with options and large u32s.
const kernelFrames = readPcap(new URL('./fixtures/linux-kernel.pcap', import.meta.url).pathname).records.map((r) => r.bytes);
const tcpFrames: Uint8Array[] = [];
for (let i = 0; i < 64; i++) {
  advance(i * 7919, SACK_BASE);
  const length = emitTcpFrame((i & 1) === 0 ? outSyn : outAck);
  tcpFrames.push(out.slice(0, length));
}

function parseKernel(n: number): void {
  for (let i = 0; i < n; i++) parseFrame(kernelFrames[i % kernelFrames.length]!);
}

function parseTcp(n: number): void {
  for (let i = 0; i < n; i++) parseFrame(tcpFrames[i & 63]!);
}

const results: Record<string, number | boolean | string> = {};
results.kernelFrames = kernelFrames.length;
results.kernelTcpFrames = kernelFrames.filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === IpProtocol.Tcp).length;
const rounds: Record<string, number[]> = { parseKernel: [], parseTcp: [], emit: [] };
results.parseKernel = bytesPer(ITERATIONS, parseKernel, ROUNDS, rounds.parseKernel);
results.parseTcp = bytesPer(ITERATIONS, parseTcp, ROUNDS, rounds.parseTcp);
results.parseErrors = errors;
results.tcpParsed = tcpSeen;
results.tcpOptionsParsed = optionsSeen;
results.emit = bytesPer(ITERATIONS, emitLoop, ROUNDS, rounds.emit);
for (const [name, figures] of Object.entries(rounds)) results[`${name}Rounds`] = figures.join(' ');
// The last emitted segment parses back to what was emitted (the loop wrote real segments).
emitLoop(1);
const check = new TcpRepr();
results.emitRoundTrip =
  check.parseInto(new TcpPacket(out, 34, outIp.payloadLength), outIp.srcAddr, outIp.dstAddr) === WireError.Ok && check.equals(outSyn);
console.log(JSON.stringify(results));
