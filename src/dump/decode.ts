// Fills the reused PacketState from one frame with what a BPF filter program would load: fields count as
// present when their bytes were captured, whether or not the headers are well-formed (libpcap's filters
// do not validate either). Reads through one re-pointed generated view per layer; allocates nothing.

import { EthernetFrame, Ipv4Packet, UdpPacket } from '../../generated/index.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type PacketState,
} from './packet-state.js';

const ETHERNET_HEADER_LENGTH = 14;

export class PacketDecoder {
  private readonly ethernet = new EthernetFrame();
  private readonly ipv4 = new Ipv4Packet();
  // TCP, UDP and SCTP all start with the two ports: one view serves for the three.
  private readonly ports = new UdpPacket();

  decode(state: PacketState, bytes: Uint8Array, offset: number, caplen: number, len: number): void {
    state.bytes = bytes;
    state.offset = offset;
    state.caplen = caplen;
    state.len = len;
    state.hasArpAddresses = false;
    state.hasIpv4 = false;
    state.hasPorts = false;
    if (caplen < ETHERNET_HEADER_LENGTH) {
      state.hasEthernet = false;
      state.etherType = -1;
      return;
    }
    const eth = this.ethernet.init(bytes, offset, caplen);
    state.hasEthernet = true;
    state.ethDst = eth.dstAddr;
    state.ethSrc = eth.srcAddr;
    const etherType = eth.etherType as number;
    state.etherType = etherType;
    const at = offset + ETHERNET_HEADER_LENGTH;
    const rest = caplen - ETHERNET_HEADER_LENGTH;
    if (etherType === ETHERTYPE_IPV4) {
      if (rest < 20) return;
      const ip = this.ipv4.init(bytes, at, rest);
      state.hasIpv4 = true;
      state.ipSrc = ip.srcAddr;
      state.ipDst = ip.dstAddr;
      const proto = ip.protocol as number;
      state.ipProto = proto;
      const fragOffset = ip.fragOffset;
      state.ipFragOffset = fragOffset;
      if (fragOffset === 0 && (proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_SCTP)) {
        const headerLength = ip.headerLen;
        if (rest >= headerLength + 4) {
          const ports = this.ports.init(bytes, at + headerLength, rest - headerLength);
          state.hasPorts = true;
          state.srcPort = ports.srcPort;
          state.dstPort = ports.dstPort;
        }
      }
    } else if (etherType === ETHERTYPE_ARP) {
      // BPF loads the sender and target protocol addresses at their Ethernet/IPv4 offsets (14 and 24).
      if (rest >= 28) {
        state.hasArpAddresses = true;
        state.arpSpa = ((bytes[at + 14]! << 24) | (bytes[at + 15]! << 16) | (bytes[at + 16]! << 8) | bytes[at + 17]!) >>> 0;
        state.arpTpa = ((bytes[at + 24]! << 24) | (bytes[at + 25]! << 16) | (bytes[at + 26]! << 8) | bytes[at + 27]!) >>> 0;
      }
    }
  }
}
