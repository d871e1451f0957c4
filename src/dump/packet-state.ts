// What the filter and the JSON printer know about the packet being handled. One object is reused for every
// packet: the decoder overwrites its fields instead of allocating. Fields are valid only when the flag that
// guards them is set (e.g. `srcPort` when `hasPorts`).

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

export class PacketState {
  /** 1-based packet number in the input. */
  number = 0;
  /** Bytes captured and bytes on the wire. */
  caplen = 0;
  len = 0;
  /** Frame bytes[offset, offset + caplen). */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;

  /** The 14-byte Ethernet header was captured. */
  hasEthernet = false;
  ethDst = 0;
  ethSrc = 0;
  /** -1 without an Ethernet header. */
  etherType = -1;

  /** The ARP sender and target protocol addresses were captured (as a BPF filter would load them). */
  hasArpAddresses = false;
  arpSpa = 0;
  arpTpa = 0;

  /** The 20-byte fixed IPv4 header was captured (fields below are what BPF would load, not validated). */
  hasIpv4 = false;
  ipSrc = 0;
  ipDst = 0;
  ipProto = 0;
  /** Fragment offset in bytes. */
  ipFragOffset = 0;

  /** TCP/UDP/SCTP ports of a first (or only) fragment were captured. */
  hasPorts = false;
  srcPort = 0;
  dstPort = 0;
}
