// Decoding a whole Ethernet frame into reprs, layer by layer (through the interface's FrameDecoder), and
// emitting reprs back into a frame, for the tests' round trips.
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
import { ChecksumCapabilities } from '../../../src/phy/capabilities.js';
import { FrameDecoder } from '../../../src/iface/frame-decoder.js';
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

/**
 * The reprs of every layer, or the first layer's error (and which layer). Never throws on bad bytes.
 * The same steps as the interface's receive dispatch (src/iface/frame-decoder.ts), with a decoder of
 * its own per call so the reprs returned stay valid.
 */
export function decodeFrame(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  caps = ChecksumCapabilities.default(),
): DecodedFrame | { layer: string; error: WireError } {
  const d = new FrameDecoder();
  let error = d.decodeEthernet(bytes, offset, length);
  if (error !== WireError.Ok) return { layer: 'ethernet', error };
  const out: DecodedFrame = { ethernet: d.ethernet };
  if (d.ethernet.etherType === EtherType.Arp) {
    error = d.decodeArp();
    if (error !== WireError.Ok) return { layer: 'arp', error };
    out.arp = d.arp;
  } else if (d.ethernet.etherType === EtherType.Ipv4) {
    error = d.decodeIpv4(caps);
    if (error !== WireError.Ok) return { layer: 'ipv4', error };
    const ipv4 = d.ipv4;
    out.ipv4 = ipv4;
    out.ipv4HeaderLength = d.ipv4HeaderLength;
    const at = d.ipv4PayloadOffset;
    const len = ipv4.payloadLength;
    if (ipv4.moreFrags || ipv4.fragOffset !== 0) return out; // a fragment: the upper layer is not whole
    switch (ipv4.protocol) {
      case IpProtocol.Icmp:
        error = d.decodeIcmpv4(bytes, at, len, caps);
        if (error !== WireError.Ok) return { layer: 'icmpv4', error };
        out.icmpv4 = d.icmpv4;
        break;
      case IpProtocol.Udp:
        error = d.decodeUdp(bytes, at, len, ipv4.srcAddr, ipv4.dstAddr, caps);
        if (error !== WireError.Ok) return { layer: 'udp', error };
        out.udp = d.udp;
        break;
      case IpProtocol.Tcp:
        error = d.decodeTcp(bytes, at, len, ipv4.srcAddr, ipv4.dstAddr, caps);
        if (error !== WireError.Ok) return { layer: 'tcp', error };
        out.tcp = d.tcp;
        break;
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
