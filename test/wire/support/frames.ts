// Decoding a whole Ethernet frame into reprs, layer by layer, and emitting reprs back into a frame: what
// the interface will do, in the small, for the tests' round trips.
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
} from '../../../generated/index.js';
import { ChecksumCapabilities } from '../../../src/wire/checksum-capabilities.js';
import { ArpRepr } from '../../../src/wire/arp.js';
import { EthernetRepr } from '../../../src/wire/ethernet.js';
import { Icmpv4Repr } from '../../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import { UdpRepr } from '../../../src/wire/udp.js';

export interface DecodedFrame {
  ethernet: EthernetRepr;
  arp?: ArpRepr;
  ipv4?: Ipv4Repr;
  /** Header length of the parsed IPv4 packet (options make it more than 20, which emit does not reproduce). */
  ipv4HeaderLength?: number;
  icmpv4?: Icmpv4Repr;
  udp?: UdpRepr;
  tcp?: TcpRepr;
}

/** The reprs of every layer, or the first layer's error (and which layer). Never throws on bad bytes. */
export function decodeFrame(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  caps = ChecksumCapabilities.default(),
): DecodedFrame | { layer: string; error: WireError } {
  const frame = new EthernetFrame(bytes, offset, length);
  const ethernet = EthernetRepr.parse(frame);
  if (typeof ethernet === 'number') return { layer: 'ethernet', error: ethernet };
  const out: DecodedFrame = { ethernet };
  if (ethernet.etherType === EtherType.Arp) {
    const arp = ArpRepr.parse(new ArpPacket(bytes, frame.payloadOffset, frame.payloadLength));
    if (typeof arp === 'number') return { layer: 'arp', error: arp };
    out.arp = arp;
  } else if (ethernet.etherType === EtherType.Ipv4) {
    const packet = new Ipv4Packet(bytes, frame.payloadOffset, frame.payloadLength);
    const ipv4 = Ipv4Repr.parse(packet, caps);
    if (typeof ipv4 === 'number') return { layer: 'ipv4', error: ipv4 };
    out.ipv4 = ipv4;
    out.ipv4HeaderLength = packet.headerLength;
    const at = packet.payloadOffset;
    const len = packet.payloadLength;
    if (ipv4.moreFrags || ipv4.fragOffset !== 0) return out; // a fragment: the upper layer is not whole
    switch (ipv4.protocol) {
      case IpProtocol.Icmp: {
        const icmp = Icmpv4Repr.parse(new Icmpv4Packet(bytes, at, len), caps);
        if (typeof icmp === 'number') return { layer: 'icmpv4', error: icmp };
        out.icmpv4 = icmp;
        break;
      }
      case IpProtocol.Udp: {
        const udp = UdpRepr.parse(new UdpPacket(bytes, at, len), ipv4.srcAddr, ipv4.dstAddr, caps);
        if (typeof udp === 'number') return { layer: 'udp', error: udp };
        out.udp = udp;
        break;
      }
      case IpProtocol.Tcp: {
        const tcp = TcpRepr.parse(new TcpPacket(bytes, at, len), ipv4.srcAddr, ipv4.dstAddr, caps);
        if (typeof tcp === 'number') return { layer: 'tcp', error: tcp };
        out.tcp = tcp;
        break;
      }
    }
  }
  return out;
}

export function isDecoded(d: DecodedFrame | { layer: string; error: WireError }): d is DecodedFrame {
  return 'ethernet' in d;
}

/**
 * Emits the decoded reprs into a fresh frame, or returns null when the reprs do not describe the whole
 * frame (an IPv4 payload of a protocol without a repr, a fragment, other EtherTypes).
 */
export function emitFrame(d: DecodedFrame, caps = ChecksumCapabilities.default()): Uint8Array | null {
  let length: number;
  if (d.arp) length = 14 + d.arp.bufferLength();
  else if (d.ipv4 && (d.icmpv4 || d.udp || d.tcp)) length = 14 + d.ipv4.bufferLength();
  else return null;
  const bytes = new Uint8Array(length);
  const frame = new EthernetFrame(bytes);
  d.ethernet.emit(frame);
  if (d.arp) {
    d.arp.emit(new ArpPacket(bytes, 14));
    return bytes;
  }
  const ip = d.ipv4!;
  ip.emit(new Ipv4Packet(bytes, 14), caps);
  const at = 14 + 20;
  const len = ip.payloadLength;
  if (d.icmpv4) d.icmpv4.emit(new Icmpv4Packet(bytes, at, len), caps);
  else if (d.udp) d.udp.emit(new UdpPacket(bytes, at, len), ip.srcAddr, ip.dstAddr, caps);
  else d.tcp!.emit(new TcpPacket(bytes, at, len), ip.srcAddr, ip.dstAddr, caps);
  return bytes;
}
