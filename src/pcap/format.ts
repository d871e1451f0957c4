// Constants of the two capture file formats we read and write.
// Classic libpcap: https://www.tcpdump.org/manpages/pcap-savefile.5.html (and RFC draft
// draft-ietf-opsawg-pcap). pcapng: draft-ietf-opsawg-pcapng, sections 4.1 (SHB), 4.2 (IDB),
// 4.3 (EPB), 4.4 (SPB), 4.x obsolete Packet Block (Appendix A).

/** Magic of a classic pcap file with microsecond timestamps, as a u32 in the file's byte order. */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
/** Magic of a classic pcap file with nanosecond timestamps (tcpdump --time-stamp-precision=nano). */
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** Classic pcap file header: magic, version 2.4, thiszone, sigfigs, snaplen, linktype. */
export const PCAP_FILE_HEADER_LENGTH = 24;
/** Classic pcap record header: ts seconds, ts fraction, captured length, original length. */
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;

/** pcapng block types we interpret; every other block is skipped. */
export enum PcapngBlockType {
  SectionHeader = 0x0a0d0d0a,
  InterfaceDescription = 0x00000001,
  ObsoletePacket = 0x00000002,
  SimplePacket = 0x00000003,
  EnhancedPacket = 0x00000006,
}
/** Written in the SHB in the writer's byte order; tells readers which order the section uses. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** IDB option carrying the timestamp resolution (one octet). */
export const PCAPNG_OPTION_IF_TSRESOL = 9;
/** IDB option carrying a signed offset in seconds added to every timestamp of the interface. */
export const PCAPNG_OPTION_IF_TSOFFSET = 14;
export const PCAPNG_OPTION_END = 0;

/** LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) that this project meets. */
export enum LinkType {
  /** LINKTYPE_NULL: BSD loopback, a 4-byte address family in the capturing host's byte order, then the packet. */
  Null = 0,
  /** LINKTYPE_ETHERNET: Ethernet frames (Ethernet II or IEEE 802.3), the link type of this stack's devices. */
  Ethernet = 1,
  /** LINKTYPE_RAW: a raw IPv4 or IPv6 packet, the version in its first nibble. */
  Raw = 101,
  /** LINKTYPE_LINUX_SLL: Linux "cooked" capture v1, a 16-byte pseudo-header (`tcpdump -i any`). */
  LinuxSll = 113,
  /** LINKTYPE_IPV4: a raw IPv4 packet. */
  Ipv4 = 228,
  /** LINKTYPE_IPV6: a raw IPv6 packet. */
  Ipv6 = 229,
  /** LINKTYPE_LINUX_SLL2: Linux "cooked" capture v2, a 20-byte pseudo-header with the interface index. */
  LinuxSll2 = 276,
}

/**
 * Largest captured length we accept in one record, as libpcap does (MAXIMUM_SNAPLEN): anything larger
 * is a corrupt length field rather than a real packet.
 */
export const MAX_RECORD_LENGTH = 262_144;
