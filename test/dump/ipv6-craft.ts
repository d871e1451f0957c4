// Hand-built IPv6 frames for the dump tests: what a quiet veth never sends (router advertisements, redirects,
// MLDv1, every ICMPv6 error, each kind of extension header, jumbo and unknown options, routing types 0, 2, 4
// and an unknown one), built with the wire layer's reprs where they exist (Ipv6Repr, Icmpv6Repr) and by hand
// for the extension headers; then every frame cut at every length, and a few with damaged length fields.
import { checksumFold, checksumSum, ipv6PseudoHeaderSum } from '../../src/wire/checksum.js';
import { Icmpv6DstUnreachable, Icmpv6Message, Icmpv6Packet, Icmpv6Repr, IpProtocol, Ipv6Packet, Ipv6Repr, parseIpv6 } from '../../src/wire/index.js';
import { ethernet, writePcap, type CraftedRecord } from './craft.js';

export function v6(text: string): Uint8Array {
  const bytes = parseIpv6(text);
  if (!(bytes instanceof Uint8Array)) throw bytes;
  return bytes;
}

const LL_A = v6('fe80::1');
const LL_B = v6('fe80::200:ff:fe00:2');
const GLOBAL_A = v6('2001:db8::1');
const GLOBAL_B = v6('2001:db8:0:1::2');
const ALL_NODES = v6('ff02::1');
const ALL_ROUTERS = v6('ff02::2');
const MLDV2_ROUTERS = v6('ff02::16');
const MAC_A = 0x0200_0000_0001;
const MAC_B = 0x0200_0000_0002;

/** An Ethernet frame with an IPv6 packet: `payload` after the fixed header, `next` its first Next Header. */
export function ipv6Frame(src: Uint8Array, dst: Uint8Array, next: number, payload: Uint8Array, fields: { hopLimit?: number; trafficClass?: number; flowLabel?: number; payloadLength?: number } = {}): Uint8Array {
  const ip = new Ipv6Repr({ srcAddr: src, dstAddr: dst, nextHeader: next, payloadLength: payload.length, hopLimit: fields.hopLimit ?? 64, trafficClass: fields.trafficClass ?? 0, flowLabel: fields.flowLabel ?? 0 });
  const packet = new Uint8Array(ip.bufferLength());
  ip.emit(new Ipv6Packet(packet));
  packet.set(payload, 40);
  if (fields.payloadLength !== undefined) {
    packet[4] = fields.payloadLength >>> 8;
    packet[5] = fields.payloadLength & 0xff;
  }
  return ethernet(0x86dd, packet);
}

function icmpv6(repr: Icmpv6Repr, src: Uint8Array, dst: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(repr.bufferLength());
  repr.emit(new Icmpv6Packet(bytes), src, dst);
  return bytes;
}

/** A transport header's checksum over the IPv6 pseudo-header, written at `checksumAt`. */
function withChecksum(segment: Uint8Array, protocol: number, checksumAt: number, src: Uint8Array, dst: Uint8Array): Uint8Array {
  segment[checksumAt] = 0;
  segment[checksumAt + 1] = 0;
  let sum = checksumFold(checksumSum(segment, 0, segment.length, ipv6PseudoHeaderSum(src, 0, dst, 0, protocol, segment.length)));
  if (protocol === IpProtocol.Udp && sum === 0) sum = 0xffff;
  segment[checksumAt] = sum >>> 8;
  segment[checksumAt + 1] = sum & 0xff;
  return segment;
}

function udp6(srcPort: number, dstPort: number, data: Uint8Array, src: Uint8Array, dst: Uint8Array): Uint8Array {
  const segment = new Uint8Array(8 + data.length);
  segment.set([srcPort >> 8, srcPort & 255, dstPort >> 8, dstPort & 255, segment.length >> 8, segment.length & 255], 0);
  segment.set(data, 8);
  return withChecksum(segment, IpProtocol.Udp, 6, src, dst);
}

function tcp6Syn(src: Uint8Array, dst: Uint8Array, srcPort = 0x9c41, dstPort = 80): Uint8Array {
  const segment = new Uint8Array(24);
  segment.set([srcPort >> 8, srcPort & 0xff, dstPort >> 8, dstPort & 0xff, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0x60, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, 2, 4, 5, 0xa0]);
  return withChecksum(segment, IpProtocol.Tcp, 16, src, dst);
}

/** An extension header: next header, its bytes after the first two (padded by the caller to 8n - 2). */
function extension(next: number, body: number[]): Uint8Array {
  if ((body.length + 2) % 8 !== 0) throw new Error(`extension body of ${body.length} bytes is not 8n - 2`);
  return Uint8Array.from([next, (body.length + 2) / 8 - 1, ...body]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The invoking packet an ICMPv6 error quotes: an IPv6 header and a UDP (or TCP) header. */
function invoking(protocol: number): Uint8Array {
  const transport = protocol === IpProtocol.Tcp ? tcp6Syn(GLOBAL_B, GLOBAL_A) : udp6(40000, 33434, Uint8Array.of(1, 2, 3, 4), GLOBAL_B, GLOBAL_A);
  return ipv6Frame(GLOBAL_B, GLOBAL_A, protocol, transport).subarray(14);
}

/** The well-formed IPv6 frames, each a kind of message or header the printers decode. */
export function ipv6Frames(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const nd = (repr: Icmpv6Repr, src: Uint8Array, dst: Uint8Array): void => {
    frames.push(ipv6Frame(src, dst, IpProtocol.Icmpv6, icmpv6(repr, src, dst), { hopLimit: 255 }));
  };
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.RouterSolicit, linkLayerAddr: MAC_B }), LL_B, ALL_ROUTERS);
  nd(new Icmpv6Repr({
    msgType: Icmpv6Message.RouterAdvert, curHopLimit: 64, managed: true, otherConfig: true, routerLifetime: 1800, reachableTime: 30000,
    retransTimer: 1000, linkLayerAddr: MAC_A, mtu: 1500, hasPrefix: true, prefix: v6('2001:db8::'), prefixLength: 64, onLink: true,
    autonomous: true, validLifetime: 0xffff_ffff, preferredLifetime: 604800,
  }), LL_A, ALL_NODES);
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.RouterAdvert, curHopLimit: 0, routerLifetime: 0 }), LL_A, ALL_NODES);
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.NeighborSolicit, targetAddr: GLOBAL_A, linkLayerAddr: MAC_B }), GLOBAL_B, v6('ff02::1:ff00:1'));
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.NeighborAdvert, targetAddr: GLOBAL_A, router: true, solicited: true, override: true, linkLayerAddr: MAC_A }), GLOBAL_A, GLOBAL_B);
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.NeighborAdvert, targetAddr: LL_A }), LL_A, ALL_NODES);
  nd(new Icmpv6Repr({ msgType: Icmpv6Message.Redirect, targetAddr: LL_A, destAddr: v6('2001:db8:ffff::9'), linkLayerAddr: MAC_A }), LL_B, GLOBAL_B);
  // Echo, to a unicast and a multicast address, with data.
  const data = Uint8Array.from({ length: 56 }, (_, i) => i);
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Icmpv6, icmpv6(new Icmpv6Repr({ msgType: Icmpv6Message.EchoRequest, echoIdent: 0xbeef, echoSeqNo: 7, data }), GLOBAL_A, GLOBAL_B), { flowLabel: 0x12345, trafficClass: 0xb8 }));
  frames.push(ipv6Frame(GLOBAL_B, GLOBAL_A, IpProtocol.Icmpv6, icmpv6(new Icmpv6Repr({ msgType: Icmpv6Message.EchoReply, echoIdent: 0xbeef, echoSeqNo: 7, data }), GLOBAL_B, GLOBAL_A)));
  // Every error, quoting a UDP or TCP packet.
  const error = (msgType: Icmpv6Message, msgCode: number, param: number, protocol = IpProtocol.Udp): void => {
    const quoted = invoking(protocol);
    const repr = new Icmpv6Repr({ msgType, msgCode, param, data: quoted });
    frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Icmpv6, icmpv6(repr, GLOBAL_A, GLOBAL_B)));
  };
  for (let code = 0; code <= 7; code++) error(Icmpv6Message.DstUnreachable, code, 0, code === Icmpv6DstUnreachable.PortUnreachable ? IpProtocol.Tcp : IpProtocol.Udp);
  error(Icmpv6Message.DstUnreachable, Icmpv6DstUnreachable.PortUnreachable, 0);
  error(Icmpv6Message.PacketTooBig, 0, 1280);
  for (let code = 0; code <= 2; code++) error(Icmpv6Message.TimeExceeded, code, 0);
  for (let code = 0; code <= 4; code++) error(Icmpv6Message.ParamProblem, code, 40 + code);
  // MLD: v1 query, report and done; a v2 query with sources; a v2 report with records and sources.
  const mld = (type: number, body: number[], dst: Uint8Array): void => {
    const message = Uint8Array.from([type, 0, 0, 0, ...body]);
    frames.push(ipv6Frame(LL_A, dst, IpProtocol.HopByHop, concat(extension(IpProtocol.Icmpv6, [5, 2, 0, 0, 1, 0]), withChecksum(message, IpProtocol.Icmpv6, 2, LL_A, dst)), { hopLimit: 1 }));
  };
  const group = Array.from(v6('ff02::fb'));
  mld(130, [0x27, 0x10, 0, 0, ...new Array(16).fill(0)], ALL_NODES);
  mld(131, [0, 0, 0, 0, ...group], v6('ff02::fb'));
  mld(132, [0, 0, 0, 0, ...group], ALL_ROUTERS);
  mld(130, [0x80, 0x10, 0, 0, ...group, 0x0a, 125, 0, 2, ...Array.from(GLOBAL_A), ...Array.from(GLOBAL_B)], v6('ff02::fb'));
  mld(143, [0, 0, 0, 2, 4, 0, 0, 0, ...group, 1, 0, 0, 1, ...Array.from(v6('ff05::2')), ...Array.from(GLOBAL_A)], MLDV2_ROUTERS);
  // Extension headers before UDP, TCP and ICMPv6.
  const udpA = udp6(5353, 5353, new TextEncoder().encode('extension headers'), GLOBAL_A, GLOBAL_B);
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.HopByHop, concat(extension(IpProtocol.Udp, [0, 1, 2, 0, 0, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0]), udpA)));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Opts, concat(extension(IpProtocol.Tcp, [0xc9, 16, ...Array.from(LL_A), 1, 2, 0, 0]), tcp6Syn(GLOBAL_A, GLOBAL_B))));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.HopByHop, concat(extension(IpProtocol.Ipv6Opts, [1, 4, 0, 0, 0, 0]), extension(IpProtocol.Udp, [1, 4, 0, 0, 0, 0]), udpA)));
  // A Home Address option with sub-options after the address (Pad1, PadN, an unknown one), then PadN to 8n.
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Opts, concat(extension(IpProtocol.Tcp, [0xc9, 22, ...Array.from(LL_A), 0, 1, 0, 5, 1, 0xaa, 1, 4, 0, 0, 0, 0]), tcp6Syn(GLOBAL_A, GLOBAL_B))));
  // Routing: type 0 (deprecated) through two hops, type 2 (Mobile IPv6), type 4 (Segment Routing), an unknown type.
  const hop1 = v6('2001:db8:aaaa::1');
  const final = v6('2001:db8:bbbb::2');
  const udpFinal = udp6(40000, 33434, Uint8Array.of(9, 9, 9), GLOBAL_A, final);
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Route, concat(Uint8Array.from([IpProtocol.Udp, 4, 0, 2, 0, 0, 0, 0, ...hop1, ...final]), udpFinal)));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Route, concat(Uint8Array.from([IpProtocol.Icmpv6, 2, 2, 1, 0, 0, 0, 0, ...final]), icmpv6(new Icmpv6Repr({ echoIdent: 1, echoSeqNo: 2 }), GLOBAL_A, final))));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Route, concat(Uint8Array.from([IpProtocol.Udp, 4, 4, 1, 1, 0, 0, 7, ...final, ...GLOBAL_B]), udp6(40000, 33434, Uint8Array.of(9, 9, 9), GLOBAL_A, final))));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Route, concat(Uint8Array.from([IpProtocol.Udp, 0, 3, 0, 0, 0, 0, 0]), udpA)));
  // Fragments: a first one (the UDP header decoded), a later one, and an atomic one (offset 0, M clear).
  const fragment = (offset: number, more: boolean, rest: Uint8Array): void => {
    const word = offset | (more ? 1 : 0);
    frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6Frag, concat(Uint8Array.from([IpProtocol.Udp, 0, word >> 8, word & 0xff, 0x12, 0x34, 0x56, 0x78]), rest)));
  };
  const big = udp6(40000, 40001, new Uint8Array(100).fill(0x61), GLOBAL_A, GLOBAL_B);
  fragment(0, true, big.subarray(0, 56));
  fragment(56, false, big.subarray(56));
  fragment(0, false, udpA);
  // UDP and TCP directly, a UDP datagram with a zero checksum (invalid over IPv6), no next header, an unknown protocol.
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Udp, udpA));
  const zero = udpA.slice();
  zero[6] = 0;
  zero[7] = 0;
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Udp, zero));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Tcp, tcp6Syn(GLOBAL_A, GLOBAL_B)));
  // The same port at both ends: tcpdump orders the conversation by the addresses, from the higher one and to it.
  frames.push(ipv6Frame(GLOBAL_B, GLOBAL_A, IpProtocol.Tcp, tcp6Syn(GLOBAL_B, GLOBAL_A, 443, 443)));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Tcp, tcp6Syn(GLOBAL_A, GLOBAL_B, 443, 443)));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, IpProtocol.Ipv6NoNxt, new Uint8Array(0)));
  frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, 253, Uint8Array.of(1, 2, 3, 4)));
  // Jumbo Payload options (RFC 2675 section 2) in each place tcpdump judges: valid (Payload Length 0, at least
  // 65536, in Hop-by-Hop), under 65536, with a non-zero Payload Length, twice, in Destination Options, with a
  // bad length; and a Router Alert of a bad length.
  const jumbo = (value: number): number[] => [0xc2, 4, value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  const hopByHop = (body: number[], fields: { payloadLength?: number } = {}, next = IpProtocol.HopByHop): void => {
    frames.push(ipv6Frame(GLOBAL_A, GLOBAL_B, next, concat(extension(IpProtocol.Udp, body), udpA), fields));
  };
  hopByHop(jumbo(70_000), { payloadLength: 0 });
  hopByHop(jumbo(1_000), { payloadLength: 0 });
  hopByHop(jumbo(70_000));
  hopByHop([...jumbo(70_000), ...jumbo(80_000), 1, 0], { payloadLength: 0 });
  hopByHop(jumbo(70_000), {}, IpProtocol.Ipv6Opts);
  hopByHop([0xc2, 2, 0, 0, 1, 0]);
  hopByHop([5, 3, 0, 0, 0, 0]);
  // Router advertisement options tcpdump prints at -v: an MTU of a bad length, recursive DNS servers (RFC 8106),
  // the advertisement interval (RFC 6275 section 7.3), an unknown option; a redirect quoting a packet (option 4);
  // ICMPv6 types decoded no further (inverse neighbour discovery, an unassigned type).
  const icmpv6Message = (body: number[], dst: Uint8Array): void => {
    frames.push(ipv6Frame(LL_A, dst, IpProtocol.Icmpv6, withChecksum(Uint8Array.from(body), IpProtocol.Icmpv6, 2, LL_A, dst), { hopLimit: 255 }));
  };
  icmpv6Message([
    134, 0, 0, 0, 64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
    5, 2, 0, 0, 0, 0, 0x05, 0xdc, 0, 0, 0, 0, 0, 0, 0, 0,
    25, 5, 0, 0, 0, 0, 0x0e, 0x10, ...GLOBAL_A, ...GLOBAL_B,
    7, 1, 0, 0, 0, 0, 0x03, 0xe8,
    200, 1, 1, 2, 3, 4, 5, 6,
  ], ALL_NODES);
  const quoted = invoking(IpProtocol.Udp);
  const padded = concat(quoted, new Uint8Array((8 - ((quoted.length + 8) % 8)) % 8));
  icmpv6Message([137, 0, 0, 0, 0, 0, 0, 0, ...LL_A, ...v6('2001:db8:ffff::9'), 4, (padded.length + 8) / 8, 0, 0, 0, 0, 0, 0, ...padded], GLOBAL_B);
  icmpv6Message([141, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 1], ALL_NODES);
  icmpv6Message([200, 3, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4], ALL_NODES);
  // Addresses in the forms RFC 5952 section 5 prints with a dotted quad.
  frames.push(ipv6Frame(v6('::ffff:192.0.2.1'), v6('::192.0.2.2'), IpProtocol.Udp, udp6(1, 2, Uint8Array.of(0), v6('::ffff:192.0.2.1'), v6('::192.0.2.2'))));
  return frames;
}

/** The frames, each also cut at every length from the end of its IPv6 header on, and with damaged lengths. */
export function ipv6Records(): CraftedRecord[] {
  const records: CraftedRecord[] = [];
  for (const frame of ipv6Frames()) {
    records.push({ data: frame });
    for (let caplen = 14; caplen < frame.length; caplen++) records.push({ data: frame.subarray(0, caplen), origLen: frame.length });
    // Payload Length longer than the frame, shorter than the extension headers, and zero (a jumbo without option).
    for (const payloadLength of [frame.length - 54 + 9, 3, 0]) {
      const damaged = frame.slice();
      damaged[18] = payloadLength >> 8;
      damaged[19] = payloadLength & 0xff;
      records.push({ data: damaged });
    }
    // Version 4 in an IPv6 EtherType.
    const wrong = frame.slice();
    wrong[14] = (wrong[14]! & 0x0f) | 0x40;
    records.push({ data: wrong });
  }
  return records;
}

export function makeIpv6CraftedCapture(path: string): string {
  return writePcap(path, ipv6Records());
}

// Usage for exploring by hand: `npx tsx test/dump/ipv6-craft.ts FILE`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(makeIpv6CraftedCapture(process.argv[2] ?? '/tmp/ipv6-crafted.pcap'));
}
