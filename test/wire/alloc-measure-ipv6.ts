// Measures what the IPv6 views and reprs allocate per packet (V8's GC profiler, test/helpers/alloc.ts) and
// prints the figures as JSON; test/wire/allocation-ipv6.test.ts runs this in a fresh process without c8.
// Received: IPv6 frames of every ICMPv6 kind the repr holds (echo, errors, RS, RA with options, NS, NA,
// redirect) walked with the generated views (fixed header, extension headers) and parsed into reused reprs.
// Sent: a neighbour solicitation and an echo reply emitted from reprs into one buffer.
import { EthernetFrame, Icmpv6Message, Icmpv6Packet, IpProtocol, Ipv6ExtensionHeader, Ipv6Packet } from '../../generated/index.js';
import { Icmpv6Repr } from '../../src/wire/icmpv6.js';
import { Ipv6Repr } from '../../src/wire/ipv6.js';
import { parseIpv6 } from '../../src/wire/ipv6-address.js';
import { bytesPer } from '../helpers/alloc.js';
import { ipv6Frames } from '../dump/ipv6-craft.js';

const ITERATIONS = 400_000;
const ROUNDS = 30;

const frame = new EthernetFrame();
const ip = new Ipv6Packet();
const extension = new Ipv6ExtensionHeader();
const icmp = new Icmpv6Packet();
const ipRepr = new Ipv6Repr();
const icmpRepr = new Icmpv6Repr();
let errors = 0;
let icmpSeen = 0;

// Only the frames whose ICMPv6 message the repr holds, as an interface would hand them over.
const frames = ipv6Frames().filter((f) => {
  const packet = new Ipv6Packet(f, 14, f.length - 14);
  return packet.check() === 0 && (packet.nextHeader as number) === IpProtocol.Icmpv6 && Icmpv6Repr.parse(new Icmpv6Packet(f, 54, packet.payloadLen), f.subarray(22, 38), f.subarray(38, 54)) instanceof Icmpv6Repr;
});

function parseFrame(bytes: Uint8Array): void {
  frame.init(bytes, 0, bytes.length);
  ip.init(bytes, frame.payloadOffset, frame.payloadLength);
  errors += ipRepr.parseInto(ip);
  // The extension headers a receiver walks (none in these frames, the view is exercised on the first byte).
  let next = ipRepr.nextHeader as number;
  let at = ip.payloadOffset;
  while (next === IpProtocol.HopByHop || next === IpProtocol.Ipv6Opts) {
    extension.init(bytes, at, bytes.length - at);
    next = extension.nextHeader as number;
    at += extension.headerLength;
  }
  if (next !== IpProtocol.Icmpv6) return;
  errors += icmpRepr.parseInto(icmp.init(bytes, at, ip.payloadLength), bytes, ip.srcAddrOffset, bytes, ip.dstAddrOffset);
  icmpSeen++;
}

function parseLoop(n: number): void {
  for (let i = 0; i < n; i++) parseFrame(frames[i % frames.length]!);
}

const out = new Uint8Array(1514);
const src = parseIpv6('fe80::1') as Uint8Array;
const dst = parseIpv6('ff02::1:ff00:2') as Uint8Array;
const outIp = new Ipv6Repr({ srcAddr: src, dstAddr: dst, nextHeader: IpProtocol.Icmpv6, hopLimit: 255 });
const solicit = new Icmpv6Repr({ msgType: Icmpv6Message.NeighborSolicit, targetAddr: parseIpv6('fe80::2') as Uint8Array, linkLayerAddr: 0x0200_0000_0001 });
const data = new Uint8Array(56).fill(7);
const reply = new Icmpv6Repr({ msgType: Icmpv6Message.EchoReply, echoIdent: 1, data });

function emitLoop(n: number): void {
  for (let i = 0; i < n; i++) {
    const repr = (i & 1) === 0 ? solicit : reply;
    reply.echoSeqNo = i & 0xffff;
    outIp.payloadLength = repr.bufferLength();
    outIp.emit(ip.init(out, 14, outIp.bufferLength()));
    repr.emit(icmp.init(out, 54, outIp.payloadLength), outIp.srcAddr, outIp.dstAddr);
  }
}

const results: Record<string, number | boolean | string> = {};
results.frames = frames.length;
const rounds: Record<string, number[]> = { parse: [], emit: [] };
results.parse = bytesPer(ITERATIONS, parseLoop, ROUNDS, rounds.parse);
results.parseErrors = errors;
results.icmpParsed = icmpSeen;
results.emit = bytesPer(ITERATIONS, emitLoop, ROUNDS, rounds.emit);
for (const [name, figures] of Object.entries(rounds)) results[`${name}Rounds`] = figures.join(' ');
emitLoop(1);
const check = new Icmpv6Repr();
results.emitRoundTrip = check.parseInto(new Icmpv6Packet(out, 54, outIp.payloadLength), outIp.srcAddr, 0, outIp.dstAddr, 0) === 0 && check.equals(solicit);
console.log(JSON.stringify(results));
