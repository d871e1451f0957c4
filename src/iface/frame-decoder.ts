// The receive dispatch's parsing, layer by layer, into reprs and views reused for every frame (so a
// frame costs no allocation): Ethernet, then ARP or IPv4, then ICMPv4, UDP or TCP. The interface drives
// it step by step (reassembly sits between IPv4 and the upper layer); the tests' decodeFrame
// (test/wire/support/frames.ts) chains the same steps. Every step returns a WireError and never throws.

import {
  ArpPacket,
  EthernetFrame,
  Icmpv4Packet,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
  WireError,
} from '../../generated/index.js';
import { ArpRepr } from '../wire/arp.js';
import type { ChecksumCapabilities } from '../wire/checksum-capabilities.js';
import { EthernetRepr } from '../wire/ethernet.js';
import { Icmpv4Repr } from '../wire/icmpv4.js';
import { Ipv4Repr } from '../wire/ipv4.js';
import { TcpRepr } from '../wire/tcp.js';
import { UdpRepr } from '../wire/udp.js';

export class FrameDecoder {
  readonly ethernetFrame = new EthernetFrame();
  readonly ethernet = new EthernetRepr();
  readonly arpPacket = new ArpPacket();
  readonly arp = new ArpRepr();
  readonly ipv4Packet = new Ipv4Packet();
  readonly ipv4 = new Ipv4Repr();
  readonly icmpv4Packet = new Icmpv4Packet();
  readonly icmpv4 = new Icmpv4Repr();
  readonly udpPacket = new UdpPacket();
  readonly udp = new UdpRepr();
  readonly tcpPacket = new TcpPacket();
  readonly tcp = new TcpRepr();
  /** After decodeIpv4: where the IPv4 header starts, its length (options included), where the payload starts. */
  ipv4HeaderOffset = 0;
  ipv4HeaderLength = 0;
  ipv4PayloadOffset = 0;

  /** Parses the Ethernet header of `bytes[offset, offset + length)`. */
  decodeEthernet(bytes: Uint8Array, offset: number, length: number): WireError {
    this.ethernetFrame.init(bytes, offset, length);
    return this.ethernet.parseInto(this.ethernetFrame);
  }

  /** Parses the Ethernet payload as ARP (after decodeEthernet). */
  decodeArp(): WireError {
    const frame = this.ethernetFrame;
    this.arpPacket.init(frame.bytes, frame.payloadOffset, frame.payloadLength);
    return this.arp.parseInto(this.arpPacket);
  }

  /** Parses the Ethernet payload as IPv4 (after decodeEthernet); the header checksum per `caps`. */
  decodeIpv4(caps: ChecksumCapabilities): WireError {
    const frame = this.ethernetFrame;
    const packet = this.ipv4Packet.init(frame.bytes, frame.payloadOffset, frame.payloadLength);
    const error = this.ipv4.parseInto(packet, caps);
    if (error !== WireError.Ok) return error;
    this.ipv4HeaderOffset = packet.offset;
    this.ipv4PayloadOffset = packet.payloadOffset;
    this.ipv4HeaderLength = packet.payloadOffset - packet.offset;
    return WireError.Ok;
  }

  decodeIcmpv4(bytes: Uint8Array, offset: number, length: number, caps: ChecksumCapabilities): WireError {
    return this.icmpv4.parseInto(this.icmpv4Packet.init(bytes, offset, length), caps);
  }

  decodeUdp(bytes: Uint8Array, offset: number, length: number, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities): WireError {
    return this.udp.parseInto(this.udpPacket.init(bytes, offset, length), srcAddr, dstAddr, caps);
  }

  decodeTcp(bytes: Uint8Array, offset: number, length: number, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities): WireError {
    return this.tcp.parseInto(this.tcpPacket.init(bytes, offset, length), srcAddr, dstAddr, caps);
  }
}
