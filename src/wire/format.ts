// One-line summaries of frames in the style of `tcpdump -nn` (tcpdump 4.99): Ethernet, ARP, IPv4 (options
// included), ICMPv4, UDP and TCP (every option), with tcpdump's `-e` (link header), `-v` (IPv4 details,
// checksums, quoted datagrams) and `-q` (quiet) variants. The text equals tcpdump's line for line, truncation
// markers (`[|tcp]`) and malformed-header messages included (test/dump/text.test.ts diffs thousands of kernel,
// crafted and corrupted frames against tcpdump).
//
// What we do not decode is shown generically: other EtherTypes (IPv6 and 802.1Q among them) as their link
// header and bytes, which is how tcpdump shows EtherTypes it does not know; 802.3/LLC frames as
// `LLC, length N`; other IPv4 protocols as `ip-proto-N LEN`, tcpdump's line for protocols it has no printer
// for. There are no port-based application printers: a segment to port 80 ends at `length N`, where tcpdump
// goes on to print `: HTTP`. MPTCP options are shown as bytes.
//
// Truncation follows tcpdump's two lengths: the captured bytes bound what may be read (reading past them ends
// the line with ` [|proto]`), while the lengths printed come from the headers, as on the wire.

import { ArpPacket } from '../../generated/arp.js';
import { EthernetFrame } from '../../generated/ethernet.js';
import { Icmpv4Packet } from '../../generated/icmpv4.js';
import { Ipv4Packet } from '../../generated/ipv4.js';
import { TcpPacket } from '../../generated/tcp.js';
import { UdpPacket } from '../../generated/udp.js';
import { checksumSum, pseudoHeaderSum } from './checksum.js';
import { formatIpv4 } from './ipv4-address.js';
import { formatMac } from './ethernet-address.js';

export interface FormatOptions {
  /** tcpdump -v: IPv4 header details, TCP/ICMP checksum verdicts, the IP header quoted in ICMP errors. */
  verbose?: boolean;
  /** tcpdump -e: print the Ethernet header (addresses, EtherType, frame length) first. */
  link?: boolean;
  /** tcpdump -q: shorter protocol lines (`tcp 0` instead of flags and options). */
  quiet?: boolean;
  /**
   * Print TCP sequence numbers relative to the start of each conversation, as tcpdump does unless `-S`.
   * Needs state across frames; off by default so that one frame always formats the same way.
   */
  relativeSequence?: boolean;
  /**
   * tcpdump prints the bytes of what it cannot decode (unknown EtherTypes, ARP operations) as a hex and ASCII
   * dump, unless -x or -X already dump the whole packet; true suppresses these dumps.
   */
  suppressDefaultPrint?: boolean;
}

const ETHERNET_HEADER_LENGTH = 14;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;

/**
 * tcpdump's names for EtherTypes, as tcpdump 4.99 prints them (read off its output for every value). Those it
 * only names are shown as bytes by both of us; the others it decodes further, and we print the bytes.
 */
const ETHERTYPE_NAMES = new Map<number, string>([
  [0x00fe, 'GRE-OSI'],
  [0x0200, 'PUP'],
  [0x0500, 'Sprite'],
  [0x0600, 'NS'],
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x1000, 'Trail'],
  [0x1111, 'CALM FAST'],
  [0x6001, 'MOP DL'],
  [0x6002, 'MOP RC'],
  [0x6003, 'DN'],
  [0x6004, 'LAT'],
  [0x6007, 'SCA'],
  [0x6558, 'TEB'],
  [0x8035, 'Reverse ARP'],
  [0x8038, 'Lanbridge'],
  [0x803c, 'DEC DNS'],
  [0x803e, 'DEC DTS'],
  [0x805b, 'VEXP'],
  [0x805c, 'VPROD'],
  [0x809b, 'Appletalk'],
  [0x80f3, 'Appletalk ARP'],
  [0x8100, '802.1Q'],
  [0x8137, 'IPX'],
  [0x86dd, 'IPv6'],
  [0x8808, 'MPCP'],
  [0x8809, 'Slow Protocols'],
  [0x880b, 'PPP'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
  [0x886f, 'MS NLB heartbeat'],
  [0x888e, 'EAPOL'],
  [0x8899, 'Realtek protocols'],
  [0x88a2, 'AoE'],
  [0x88a8, '802.1Q-QinQ'],
  [0x88ca, 'TIPC'],
  [0x88cc, 'LLDP'],
  [0x88e5, '802.1AE MACsec'],
  [0x88f7, 'PTP'],
  [0x8902, 'CFM'],
  [0x893a, 'IEEE1905.1'],
  [0x8947, 'GeoNet'],
  [0x894f, 'NSH'],
  [0x9000, 'Loopback'],
  [0x9100, '802.1Q-9100'],
  [0x9200, '802.1Q-9200'],
  [0xd28b, 'Arista Vendor Specific Protocol'],
  [0xfefe, 'OSI'],
]);

/** tcpdump's names for IP protocols in `-v` output, read off its output for every value. */
const IP_PROTOCOL_NAMES = new Map<number, string>([
  [0, 'Options'],
  [1, 'ICMP'],
  [2, 'IGMP'],
  [4, 'IPIP'],
  [6, 'TCP'],
  [8, 'EGP'],
  [9, 'IGRP'],
  [17, 'UDP'],
  [33, 'DCCP'],
  [41, 'IPv6'],
  [43, 'Routing'],
  [44, 'Fragment'],
  [46, 'RSVP'],
  [47, 'GRE'],
  [50, 'ESP'],
  [51, 'AH'],
  [55, 'Mobile IP'],
  [58, 'ICMPv6'],
  [62, 'Mobile IP (old)'],
  [88, 'EIGRP'],
  [89, 'OSPF'],
  [103, 'PIM'],
  [108, 'Compressed IP'],
  [112, 'VRRP'],
  [113, 'PGM'],
  [132, 'SCTP'],
  [135, 'Mobility'],
  [143, 'Ethernet'],
]);

const ARP_OPERATION_NAMES = new Map<number, string>([
  [1, 'Request'],
  [2, 'Reply'],
  [3, 'Reverse Request'],
  [4, 'Reverse Reply'],
  [8, 'Inverse Request'],
  [9, 'Inverse Reply'],
  [10, 'NACK Reply'],
]);

const ARP_HARDWARE_NAMES = new Map<number, string>([
  [1, 'Ethernet'],
  [6, 'TokenRing'],
  [7, 'ArcNet'],
  [15, 'FrameRelay'],
  [19, 'ATM'],
  [23, 'Strip'],
  [24, 'IEEE 1394'],
  [32, 'InfiniBand'],
]);

/** tcpdump's text for ICMP destination-unreachable codes; `%` stands for the quoted destination address. */
const UNREACHABLE_TEXT = [
  'net % unreachable',
  'host % unreachable',
  '', // protocol: formatted with the protocol number
  '', // port: formatted with the quoted transport header
  '', // need to frag: formatted with the MTU
  '% unreachable - source route failed',
  'net % unreachable - unknown',
  'host % unreachable - unknown',
  '% unreachable - source host isolated',
  'net % unreachable - admin prohibited',
  'host % unreachable - admin prohibited',
  'net % unreachable - tos prohibited',
  'host % unreachable - tos prohibited',
  'host % unreachable - admin prohibited filter',
  'host % unreachable - host precedence violation',
  'host % unreachable - precedence cutoff',
];

const ICMP_TYPE_TEXT = new Map<number, string>([
  [0, 'echo reply'],
  [4, 'source quench'],
  [8, 'echo request'],
  [10, 'router solicitation'],
  [13, 'time stamp request'],
  [14, 'time stamp reply'],
  [15, 'information request'],
  [16, 'information reply'],
  [17, 'address mask request'],
]);

const TCP_OPTION_NAMES = new Map<number, string>([
  [0, 'eol'],
  [1, 'nop'],
  [2, 'mss'],
  [3, 'wscale'],
  [4, 'sackOK'],
  [5, 'sack'],
  [6, 'echo'],
  [7, 'echoreply'],
  [8, 'TS'],
  [11, 'cc'],
  [12, 'ccnew'],
  [13, ''],
  [19, 'md5'],
  [20, 'scps'],
  [28, 'uto'],
  [29, 'tcp-ao'],
  [30, 'mptcp'],
  [34, 'tfo'],
  [254, 'exp'],
]);

/** The text tcpdump prints for each option kind, unknown ones included. */
const TCP_OPTION_TEXT: readonly string[] = Array.from({ length: 256 }, (_, kind) => TCP_OPTION_NAMES.get(kind) ?? 'unknown-' + kind);

const IP_OPTION_NAMES = new Map<number, string>([
  [0, 'EOL'],
  [1, 'NOP'],
  [7, 'RR'],
  [68, 'timestamp'],
  [130, 'security'],
  [131, 'LSRR'],
  [137, 'SSRR'],
  [148, 'RA'],
  [82, 'traceroute'],
]);

/** Two lowercase hex digits per byte value, shared by the hex printers. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

// tcpdump's -x (hex) and -X (hex and ASCII) dumps, also used for payloads tcpdump prints raw: lines of 16 bytes
// as eight groups of four hex digits, each line starting with "\n\t0x0000:  ", and with -X the printable ASCII
// (0x21-0x7e, others as '.') after the hex column padded to 40 characters.
function offsetLabel(offset: number): string {
  const text = offset.toString(16);
  return '\n\t0x' + (text.length >= 4 ? text : '0000'.slice(text.length) + text) + ': ';
}

/** The -x dump of `bytes[at, at + length)`: hex only. */
export function hexDump(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let line = 0; line < length; line += 16) {
    out += offsetLabel(line);
    const lineEnd = Math.min(line + 16, length);
    for (let i = line; i < lineEnd; i += 2) {
      out += ' ' + HEX_BYTE[bytes[at + i]!]! + (i + 1 < lineEnd ? HEX_BYTE[bytes[at + i + 1]!]! : '');
    }
  }
  return out;
}

const ASCII: string[] = [];
for (let i = 0; i < 256; i++) ASCII.push(i > 0x20 && i <= 0x7e ? String.fromCharCode(i) : '.');
const PADDING = ' '.repeat(40);

/** The -X dump of `bytes[at, at + length)`: hex and ASCII. */
export function hexAsciiDump(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let line = 0; line < length; line += 16) {
    out += offsetLabel(line);
    const lineEnd = Math.min(line + 16, length);
    let hexText = '';
    let ascii = '';
    for (let i = line; i < lineEnd; i += 2) {
      const first = bytes[at + i]!;
      hexText += ' ' + HEX_BYTE[first]!;
      ascii += ASCII[first]!;
      if (i + 1 < lineEnd) {
        const second = bytes[at + i + 1]!;
        hexText += HEX_BYTE[second]!;
        ascii += ASCII[second]!;
      }
    }
    out += hexText + PADDING.slice(hexText.length) + '  ' + ascii;
  }
  return out;
}

function hex(value: number): string {
  return value.toString(16);
}

function hex4(value: number): string {
  const text = value.toString(16);
  return text.length >= 4 ? text : '0000'.slice(text.length) + text;
}

/** tcpdump's linkaddr_string: six bytes as a MAC, other lengths as colon-separated hex. */
function linkAddress(bytes: Uint8Array, at: number, length: number): string {
  if (length === 0) return '<empty>';
  let text = HEX_BYTE[bytes[at]!]!;
  for (let i = 1; i < length; i++) text += ':' + HEX_BYTE[bytes[at + i]!]!;
  return text;
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * tcpdump's in_cksum_shouldbe: given the checksum field and the checksum computed over the data including that
 * field, the value the field should have held.
 */
function checksumShouldBe(field: number, computed: number): number {
  let sum = field + computed;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The folded, complemented checksum of a sum (0 when the data, checksum field included, verifies). */
function finish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

// How tcpdump's IPv4 option walk ended: whole, cut by the capture inside an option's data (its ND_TCHECK),
// or cut where the kind or length byte should be (its GET_ macros, which abandon the packet).
const OPTIONS_OK = 0;
const OPTIONS_CUT = 1;
const OPTIONS_READ_PAST_CAPTURE = 2;

/**
 * Small direct-mapped caches of address texts: a capture mostly repeats a few addresses, and looking the text
 * up costs less than building it again. Preallocated, so a lookup allocates nothing.
 */
export class Ipv4TextCache {
  private readonly keys = new Int32Array(64);
  private readonly texts: string[] = new Array<string>(64).fill('');

  text(address: number): string {
    const key = address | 0;
    const slot = ((key >>> 12) ^ key) & 63;
    if (this.keys[slot] === key && this.texts[slot] !== '') return this.texts[slot]!;
    const text = formatIpv4(address);
    this.keys[slot] = key;
    this.texts[slot] = text;
    return text;
  }
}

export class MacTextCache {
  private readonly keys = new Float64Array(16);
  private readonly texts: string[] = new Array<string>(16).fill('');

  text(mac: number): string {
    const slot = (mac ^ (mac >>> 8)) & 15;
    if (this.keys[slot] === mac && this.texts[slot] !== '') return this.texts[slot]!;
    const text = formatMac(mac);
    this.keys[slot] = mac;
    this.texts[slot] = text;
    return text;
  }
}

/** One TCP conversation's initial sequence numbers, for tcpdump's relative numbering. */
interface TcpConversation {
  src: number;
  dst: number;
  ports: number;
  seq: number;
  ack: number;
}

/**
 * Formats whole Ethernet frames as tcpdump -nn does. One instance keeps the TCP conversations it has seen (for
 * relative sequence numbers) and reuses its views, so formatting a frame allocates only the strings it returns.
 */
export class FrameFormatter {
  readonly verbose: boolean;
  readonly link: boolean;
  readonly quiet: boolean;
  readonly relativeSequence: boolean;
  readonly suppressDefaultPrint: boolean;

  private readonly ethernet = new EthernetFrame();
  private readonly arp = new ArpPacket();
  private readonly ipv4 = new Ipv4Packet();
  private readonly icmp = new Icmpv4Packet();
  private readonly udp = new UdpPacket();
  private readonly tcp = new TcpPacket();
  private readonly conversations = new Map<number, TcpConversation[]>();
  private readonly ipText = new Ipv4TextCache();
  private readonly macText = new MacTextCache();

  /** The line being built. */
  private out = '';
  /**
   * Whether decoding of the last frame stopped on a read past the captured bytes. tcpdump then dumps the whole
   * frame for -x/-X, link header included, because its printer never returned the header length.
   */
  truncated = false;

  constructor(options: FormatOptions = {}) {
    this.verbose = options.verbose ?? false;
    this.link = options.link ?? false;
    this.quiet = options.quiet ?? false;
    this.relativeSequence = options.relativeSequence ?? false;
    this.suppressDefaultPrint = options.suppressDefaultPrint ?? false;
  }

  /** Forgets the TCP conversations seen so far. */
  reset(): void {
    this.conversations.clear();
  }

  /**
   * The summary of the frame `bytes[offset, offset + caplen)`, whose length on the wire was `wireLength`
   * (larger when the capture cut the frame short). Without timestamp or trailing newline; `-v` output for
   * IPv4 spans two lines joined by "\n    ", as tcpdump prints it.
   */
  format(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    this.out = '';
    this.truncated = false;
    this.ethernetFrame(bytes, offset, caplen, wireLength);
    const text = this.out;
    this.out = '';
    return text;
  }

  /** The summary of an IPv4 packet without link header: `IP 10.0.0.1 > 10.0.0.2: ...`. */
  formatIpv4(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    this.out = '';
    this.truncated = false;
    this.ipv4Packet(bytes, offset, offset + caplen, wireLength, !this.link);
    const text = this.out;
    this.out = '';
    return text;
  }

  /** The summary of an ARP packet without link header: `ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28`. */
  formatArp(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    this.out = '';
    this.truncated = false;
    this.arpPacket(bytes, offset, offset + caplen, wireLength);
    const text = this.out;
    this.out = '';
    return text;
  }

  private ethernetFrame(bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
    if (caplen < ETHERNET_HEADER_LENGTH || wireLength < ETHERNET_HEADER_LENGTH) {
      this.truncate('ether', false);
      return;
    }
    const frame = this.ethernet.init(bytes, offset, caplen);
    const etherType = frame.etherType as number;
    const at = offset + ETHERNET_HEADER_LENGTH;
    const end = offset + caplen;
    const length = wireLength - ETHERNET_HEADER_LENGTH;
    const decoded = etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_ARP;
    // tcpdump shows the link header of frames it cannot decode even without -e; so do we.
    if (this.link || !decoded) this.out += this.macText.text(frame.srcAddr) + ' > ' + this.macText.text(frame.dstAddr) + ', ';
    if (etherType <= 1500) {
      // An IEEE 802.3 length field: the LLC payload is beyond what we decode.
      this.out += '802.3, length ' + length + ': LLC, length ' + length;
      return;
    }
    this.out += this.link || !decoded ? this.etherTypeText(etherType) + ', length ' + wireLength + ': ' : '';
    switch (etherType) {
      case ETHERTYPE_IPV4:
        this.ipv4Packet(bytes, at, end, length, !this.link);
        return;
      case ETHERTYPE_ARP:
        this.arpPacket(bytes, at, end, length);
        return;
      default:
        // Everything else (IPv6 and 802.1Q included) is shown as its bytes, as tcpdump shows EtherTypes it
        // does not know.
        if (!this.quiet) this.defaultPrint(bytes, at, end - at, false);
        return;
    }
  }

  private etherTypeText(etherType: number): string {
    const name = ETHERTYPE_NAMES.get(etherType);
    if (this.quiet) return name ?? 'Unknown Ethertype (0x' + hex4(etherType) + ')';
    return 'ethertype ' + (name ?? 'Unknown') + ' (0x' + hex4(etherType) + ')';
  }

  // ARP (RFC 826), following tcpdump's print-arp.c.
  private arpPacket(bytes: Uint8Array, at: number, end: number, length: number): void {
    if (end - at < 8) {
      this.truncate('arp');
      return;
    }
    const arp = this.arp.init(bytes, at, end - at);
    const hardwareLength = arp.hardwareLen;
    const protocolLength = arp.protocolLen;
    const protocol = arp.protocolType as number;
    const operation = arp.operation as number;
    // The five address fields at the lengths the header announces.
    const sha = at + 8;
    const spa = sha + hardwareLength;
    const tha = spa + protocolLength;
    const tpa = tha + hardwareLength;
    if (tpa + protocolLength > end) {
      this.truncate('arp');
      return;
    }
    if (!this.link) this.out += 'ARP, ';
    const ipv4 = protocol === ETHERTYPE_IPV4 || protocol === 0x1000;
    if (!ipv4 || protocolLength !== 4 || hardwareLength === 0 || this.verbose) {
      const hardware = arp.hardwareType as number;
      this.out +=
        (ARP_HARDWARE_NAMES.get(hardware) ?? 'Unknown Hardware (' + hardware + ')') +
        ' (len ' + hardwareLength + '), ' +
        (ETHERTYPE_NAMES.get(protocol) ?? 'Unknown Protocol (0x' + hex4(protocol) + ')') +
        ' (len ' + protocolLength + ')';
      if (!this.verbose) {
        this.out += ', length ' + length;
        return;
      }
      this.out += ', ';
    }
    this.out += (ARP_OPERATION_NAMES.get(operation) ?? 'Unknown (' + operation + ')') + ' ';
    switch (operation) {
      case 1: {
        this.out += 'who-has ' + this.arpProtocolAddress(bytes, tpa, protocol, protocolLength);
        let nonzero = false;
        for (let i = 0; i < hardwareLength; i++) if (bytes[tha + i] !== 0) nonzero = true;
        if (nonzero) this.out += ' (' + linkAddress(bytes, tha, hardwareLength) + ')';
        this.out += ' tell ' + this.arpProtocolAddress(bytes, spa, protocol, protocolLength);
        break;
      }
      case 2:
        this.out += this.arpProtocolAddress(bytes, spa, protocol, protocolLength) + ' is-at ' + linkAddress(bytes, sha, hardwareLength);
        break;
      case 3:
      case 8:
        this.out += 'who-is ' + linkAddress(bytes, tha, hardwareLength) + ' tell ' + linkAddress(bytes, sha, hardwareLength);
        break;
      case 4:
        this.out += linkAddress(bytes, tha, hardwareLength) + ' at ' + this.arpProtocolAddress(bytes, tpa, protocol, protocolLength);
        break;
      case 9:
        this.out += linkAddress(bytes, sha, hardwareLength) + ' at ' + this.arpProtocolAddress(bytes, spa, protocol, protocolLength);
        break;
      default:
        // print-arp.c dumps the packet whatever -x says.
        this.defaultPrint(bytes, at, end - at, true);
        return;
    }
    this.out += ', length ' + length;
  }

  /**
   * Ends the line with tcpdump's truncation marker, e.g. ` [|tcp]`. `longjmp` says tcpdump gives up on the
   * whole packet there (a read past the capture in one of its GET_ macros) rather than returning from the
   * protocol's printer (an explicit ND_TCHECK); only the former makes -x/-X dump the link header too.
   */
  private truncate(protocol: string, longjmp = true): void {
    this.out += ' [|' + protocol + ']';
    if (longjmp) this.truncated = true;
  }

  /** tcpdump's ND_DEFAULTPRINT: the raw bytes as a hex and ASCII dump, unless -x/-X dump the packet anyway. */
  private defaultPrint(bytes: Uint8Array, at: number, length: number, always: boolean): void {
    if ((always || !this.suppressDefaultPrint) && length > 0) this.out += hexAsciiDump(bytes, at, length);
  }

  private arpProtocolAddress(bytes: Uint8Array, at: number, protocol: number, protocolLength: number): string {
    if (protocol !== ETHERTYPE_IPV4 && protocol !== 0x1000) return '<wrong proto type>';
    if (protocolLength !== 4) return '<wrong len>';
    return this.ipText.text(u32(bytes, at));
  }

  // IPv4 (RFC 791), following tcpdump's print-ip.c. `length` is what the link layer says is left on the wire.
  private ipv4Packet(bytes: Uint8Array, at: number, captureEnd: number, length: number, printIp: boolean, quoted = false): void {
    if (captureEnd - at < 1) {
      // tcpdump reads the version before it counts itself the IP printer: inside an ICMP error it is
      // still the ICMP printer that runs out of bytes.
      this.truncate(quoted ? 'icmp' : 'ip');
      return;
    }
    const version = bytes[at]! >>> 4;
    if (version !== 4) {
      this.out += version === 6 ? 'IP6, wrong link-layer encapsulation' : 'IP' + version;
      this.out += ' (invalid)';
      return;
    }
    if (printIp) this.out += 'IP ';
    if (captureEnd - at < 20) {
      this.truncate('ip', false);
      return;
    }
    if (length < 20) {
      this.out += 'truncated-ip ' + length;
      return;
    }
    const ip = this.ipv4.init(bytes, at, captureEnd - at);
    const headerLength = ip.headerLength;
    if (headerLength < 20) {
      this.out += 'bad-hlen ' + headerLength;
      return;
    }
    let totalLength = ip.totalLen;
    if (length < totalLength) this.out += 'truncated-ip - ' + (totalLength - length) + ' bytes missing! ';
    if (totalLength < headerLength) {
      this.out += 'bad-len ' + totalLength;
      return;
    }

    // Nothing beyond the datagram belongs to it (Ethernet pads short frames).
    let end = at + Math.min(length, totalLength);
    if (end > captureEnd) end = captureEnd;
    const payloadLength = totalLength - headerLength;
    const protocol = ip.protocol as number;
    const fragmentField = u16(bytes, at + 6);
    const fragmentOffset = fragmentField & 0x1fff;
    const src = ip.srcAddr;
    const dst = ip.dstAddr;
    if (this.verbose) {
      const tos = bytes[at + 1]!;
      this.out += '(tos 0x' + hex(tos);
      const ecn = tos & 3;
      if (ecn === 1) this.out += ',ECT(1)';
      else if (ecn === 2) this.out += ',ECT(0)';
      else if (ecn === 3) this.out += ',CE';
      const ttl = ip.hopLimit;
      if (ttl >= 1) this.out += ', ttl ' + ttl;
      let flags = '';
      if (fragmentField & 0x2000) flags = '+';
      if (fragmentField & 0x4000) flags += (flags ? ', ' : '') + 'DF';
      if (fragmentField & 0x8000) flags += (flags ? ', ' : '') + 'rsvd';
      this.out +=
        ', id ' + ip.ident + ', offset ' + fragmentOffset * 8 + ', flags [' + (flags || 'none') + '], proto ' +
        (IP_PROTOCOL_NAMES.get(protocol) ?? 'unknown') + ' (' + protocol + ')' + ', length ' + u16(bytes, at + 2);
      let optionsTruncated = OPTIONS_OK;
      if (headerLength > 20) {
        this.out += ', options (';
        optionsTruncated = this.ipv4Options(bytes, at + 20, headerLength - 20, end);
        if (optionsTruncated === OPTIONS_READ_PAST_CAPTURE) {
          this.truncate('ip');
          return;
        }
        if (optionsTruncated === OPTIONS_CUT) this.out += ' [truncated-option]';
        this.out += ')';
      }
      if (at + headerLength <= end) {
        const sum = finish(checksumSum(bytes, at, headerLength, 0));
        if (sum !== 0) {
          const field = ip.checksum;
          this.out += ', bad cksum ' + hex(field) + ' (->' + hex(checksumShouldBe(field, sum)) + ')!';
        }
      }
      this.out += ')\n    ';
      if (optionsTruncated === OPTIONS_CUT) {
        this.out += this.ipText.text(src) + ' > ' + this.ipText.text(dst) + ': ';
        this.truncate('ip', false);
        return;
      }
    }
    if (fragmentOffset !== 0) {
      this.out += this.ipText.text(src) + ' > ' + this.ipText.text(dst) + ': ip-proto-' + protocol;
      return;
    }
    const payload = at + headerLength;
    // TCP and UDP print the addresses with their ports; everything else gets them here (tcpdump's DCCP and
    // SCTP printers also print ports, but we print those protocols generically).
    if (protocol !== 6 && protocol !== 17) {
      this.out += this.ipText.text(src) + ' > ' + this.ipText.text(dst) + ': ';
    }
    if (captureEnd - at < headerLength) {
      this.out += ' [remaining caplen(' + (captureEnd - at) + ') < header length(' + headerLength + ')]';
      this.truncate('ip');
      return;
    }
    const fragmented = (fragmentField & 0x3fff) !== 0;
    switch (protocol) {
      case 6:
        this.tcpSegment(bytes, payload, end, payloadLength, at, fragmented);
        return;
      case 17:
        this.udpDatagram(bytes, payload, end, payloadLength, at, fragmented);
        return;
      case 1:
        this.icmpMessage(bytes, payload, end, payloadLength, fragmented);
        return;
      case 59:
        // IPv6's "No Next Header" (RFC 8200 section 4.7), which tcpdump names in IPv4 too.
        this.out += 'no next header';
        return;
      case 77:
        this.out += ' nd ' + payloadLength;
        return;
      default:
        this.out += ' ip-proto-' + protocol + ' ' + payloadLength;
        return;
    }
  }

  /** tcpdump's ip_optprint: OPTIONS_OK, or how the options ran past the captured bytes. */
  private ipv4Options(bytes: Uint8Array, at: number, length: number, end: number): number {
    let first = true;
    while (length > 0) {
      if (!first) this.out += ',';
      first = false;
      if (at >= end) return OPTIONS_READ_PAST_CAPTURE;
      const kind = bytes[at]!;
      this.out += IP_OPTION_NAMES.get(kind) ?? 'unknown ' + kind;
      if (kind === 0 || kind === 1) {
        if (kind === 0) return OPTIONS_OK;
        at++;
        length--;
        continue;
      }
      if (at + 1 >= end) return OPTIONS_READ_PAST_CAPTURE;
      const optionLength = bytes[at + 1]!;
      if (optionLength < 2 || optionLength > length) {
        this.out += ' [bad length ' + optionLength + ']';
        return OPTIONS_OK;
      }
      if (at + optionLength > end) return OPTIONS_CUT;
      if (kind === 7 || kind === 131 || kind === 137) {
        // Record Route and the source routes (RFC 791): the addresses, a comma after those already used.
        if (optionLength < 3) this.out += ' [bad length ' + optionLength + ']';
        else {
          if ((optionLength + 1) & 3) this.out += ' [bad length ' + optionLength + ']';
          const pointer = bytes[at + 2]! - 1;
          if (pointer < 3 || (pointer + 1) & 3 || pointer > optionLength + 1) this.out += ' [bad ptr ' + bytes[at + 2]! + ']';
          for (let i = 3; i < optionLength; i += 4) {
            if (i + 4 > optionLength) return OPTIONS_CUT;
            this.out += ' ' + this.ipText.text(u32(bytes, at + i));
            if (pointer > i) this.out += ',';
          }
        }
      } else if (kind === 68) {
        if (!this.ipv4Timestamps(bytes, at, optionLength, end)) return OPTIONS_CUT;
      } else if (kind === 148) {
        // Router Alert (RFC 2113): tcpdump prints a non-zero value.
        if (optionLength < 4) this.out += ' [bad length ' + optionLength + ']';
        else if (u16(bytes, at + 2) !== 0) this.out += ' value ' + u16(bytes, at + 2);
      }
      at += optionLength;
      length -= optionLength;
    }
    return OPTIONS_OK;
  }

  /** The Internet Timestamp option (RFC 791 section 3.1), as tcpdump's ip_printts; false when cut short. */
  private ipv4Timestamps(bytes: Uint8Array, at: number, length: number, end: number): boolean {
    if (length < 4) {
      this.out += '[bad length ' + length + ']';
      return true;
    }
    this.out += ' TS{';
    const flags = bytes[at + 3]! & 15;
    // Flag 0: timestamps only; 1 and 3: address and timestamp pairs.
    const hop = flags !== 0 ? 8 : 4;
    if ((length - 4) & (hop - 1)) this.out += '[bad length ' + length + ']';
    const pointer = bytes[at + 2]! - 1;
    if (pointer < 4 || (pointer - 4) & (hop - 1) || pointer > length + 1) this.out += '[bad ptr ' + bytes[at + 2]! + ']';
    let entry = 0;
    const kinds = ['TSONLY', 'TS+ADDR', 'PRESPEC2.0', 'PRESPEC'];
    if (flags < 4) {
      this.out += kinds[flags]!;
      let mark = ' ';
      for (entry = 4; entry < length; entry += hop) {
        if (pointer === entry) mark = ' ^ ';
        if (at + entry + hop > end) return false;
        this.out += mark + u32(bytes, at + entry + hop - 4) + '@' + (hop !== 8 ? '' : this.ipText.text(u32(bytes, at + entry)));
        mark = ' ';
      }
    } else {
      this.out += '[bad ts type ' + flags + ']';
    }
    if (pointer === entry) this.out += ' ^ ';
    const notRecorded = bytes[at + 3]! >>> 4;
    this.out += notRecorded ? ' [' + notRecorded + ' hops not recorded]} ' : '}';
    return true;
  }

  private addressesWithPorts(src: number, srcPort: number, dst: number, dstPort: number): void {
    this.out += this.ipText.text(src) + '.' + srcPort + ' > ' + this.ipText.text(dst) + '.' + dstPort + ': ';
  }

  // UDP (RFC 768), following tcpdump's print-udp.c for ports it has no dissector for.
  private udpDatagram(bytes: Uint8Array, at: number, end: number, length: number, ipAt: number, fragmented: boolean): void {
    const src = u32(bytes, ipAt + 12);
    const dst = u32(bytes, ipAt + 16);
    if (end - at < 4) {
      this.out += this.ipText.text(src) + ' > ' + this.ipText.text(dst) + ': ';
      this.truncate('udp', false);
      return;
    }
    const udp = this.udp.init(bytes, at, end - at);
    const srcPort = udp.srcPort;
    const dstPort = udp.dstPort;
    if (length < 8) {
      this.addressesWithPorts(src, srcPort, dst, dstPort);
      this.out += 'truncated-udp ' + length;
      return;
    }
    if (end - at < 6) {
      this.addressesWithPorts(src, srcPort, dst, dstPort);
      this.truncate('udp', false);
      return;
    }
    const udpLength = udp.len;
    if (udpLength < 8) {
      this.addressesWithPorts(src, srcPort, dst, dstPort);
      this.out += 'truncated-udplength ' + udpLength;
      return;
    }
    let dataLength = length - 8;
    const udpDataLength = udpLength - 8;
    if (udpDataLength < dataLength) dataLength = udpDataLength;
    if (at + 8 > end) {
      this.addressesWithPorts(src, srcPort, dst, dstPort);
      this.truncate('udp', false);
      return;
    }
    this.addressesWithPorts(src, srcPort, dst, dstPort);
    if (udpDataLength > dataLength && !fragmented) {
      this.out += 'UDP, bad length ' + udpDataLength + ' > ' + dataLength;
    } else {
      this.out += 'UDP, length ' + udpDataLength;
    }
  }

  // ICMPv4 (RFC 792), following tcpdump's print-icmp.c.
  private icmpMessage(bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
    if (end - at < 2) {
      this.truncate('icmp');
      return;
    }
    const icmp = this.icmp.init(bytes, at, end - at);
    const type = icmp.msgType as number;
    const code = icmp.msgCode;
    let text: string;
    // The quoted datagram of an error message starts 8 bytes in; its destination sits 16 bytes further.
    const quoted = at + 8;
    switch (type) {
      case 0:
      case 8:
        if (at + 8 > end) return this.icmpTruncated(true);
        text = 'echo ' + (type === 8 ? 'request' : 'reply') + ', id ' + icmp.echoIdent + ', seq ' + icmp.echoSeqNo;
        break;
      case 3: {
        if (code === 2) {
          if (at + 28 > end) return this.icmpTruncated(true);
          text = this.ipText.text(u32(bytes, quoted + 16)) + ' protocol ' + bytes[quoted + 9]! + ' unreachable';
        } else if (code === 3) {
          if (at + 18 > end) return this.icmpTruncated(false);
          const quotedHeader = (bytes[quoted]! & 15) * 4;
          if (at + 8 + quotedHeader + 4 > end) return this.icmpTruncated(true);
          const port = u16(bytes, quoted + quotedHeader + 2);
          const quotedProtocol = bytes[quoted + 9]!;
          if (at + 28 > end) return this.icmpTruncated(true);
          const target = this.ipText.text(u32(bytes, quoted + 16));
          if (quotedProtocol === 6) text = target + ' tcp port ' + port + ' unreachable';
          else if (quotedProtocol === 17) text = target + ' udp port ' + port + ' unreachable';
          else text = target + ' protocol ' + quotedProtocol + ' port ' + port + ' unreachable';
        } else if (code === 4) {
          if (at + 8 > end) return this.icmpTruncated(true);
          const mtu = u16(bytes, at + 6);
          if (at + 28 > end) return this.icmpTruncated(true);
          const target = this.ipText.text(u32(bytes, quoted + 16));
          text = target + ' unreachable - need to frag' + (mtu ? ' (mtu ' + mtu + ')' : '');
        } else {
          if (at + 28 > end) return this.icmpTruncated(true);
          const target = this.ipText.text(u32(bytes, quoted + 16));
          const template = code < UNREACHABLE_TEXT.length ? UNREACHABLE_TEXT[code]! : '';
          text = template ? template.replace('%', target) : target + ' unreachable - #' + code;
        }
        break;
      }
      case 5: {
        if (at + 28 > end) return this.icmpTruncated(true);
        const target = this.ipText.text(u32(bytes, quoted + 16));
        const gateway = this.ipText.text(u32(bytes, at + 4));
        if (code === 0) text = 'redirect ' + target + ' to net ' + gateway;
        else if (code === 1) text = 'redirect ' + target + ' to host ' + gateway;
        else if (code === 2) text = 'redirect-tos ' + target + ' to net ' + gateway;
        else if (code === 3) text = 'redirect-tos ' + target + ' to host ' + gateway;
        else text = 'redirect-#' + code + ' ' + target + ' to ' + gateway;
        break;
      }
      case 11:
        if (at + 28 > end) return this.icmpTruncated(false);
        text = code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : 'time exceeded-#' + code;
        break;
      case 12:
        if (code !== 0) text = 'parameter problem - code ' + code;
        else {
          if (at + 5 > end) return this.icmpTruncated(true);
          text = 'parameter problem - octet ' + bytes[at + 4]!;
        }
        break;
      case 9: {
        // Router advertisement (RFC 1256 section 3): address count, entry size in words, lifetime, entries.
        if (at + 8 > end) return this.icmpTruncated(false);
        const lifetime = u16(bytes, at + 6);
        const count = bytes[at + 4]!;
        const entrySize = bytes[at + 5]!;
        text =
          'router advertisement lifetime ' +
          (lifetime < 60
            ? String(lifetime)
            : lifetime < 3600
              ? Math.floor(lifetime / 60) + ':' + pad2(lifetime % 60)
              : Math.floor(lifetime / 3600) + ':' + pad2(Math.floor((lifetime % 3600) / 60)) + ':' + pad2(lifetime % 60)) +
          ' ' + count + ':';
        if (entrySize !== 2) text += ' [size ' + entrySize + ']';
        else {
          for (let i = 0; i < count; i++) {
            const entry = at + 8 + i * 8;
            if (entry + 8 > end) return this.icmpTruncated(false);
            text += ' {' + this.ipText.text(u32(bytes, entry)) + ' ' + u32(bytes, entry + 4) + '}';
          }
        }
        break;
      }
      case 18:
        if (at + 12 > end) return this.icmpTruncated(true);
        text = 'address mask is 0x' + u32(bytes, at + 8).toString(16).padStart(8, '0');
        break;
      case 13:
        if (at + 8 > end) return this.icmpTruncated(true);
        text = 'time stamp query id ' + u16(bytes, at + 4) + ' seq ' + u16(bytes, at + 6);
        break;
      case 14:
        if (at + 20 > end) return this.icmpTruncated(false);
        text =
          'time stamp reply id ' + u16(bytes, at + 4) + ' seq ' + u16(bytes, at + 6) + ': org ' + icmpTime(u32(bytes, at + 8)) +
          ', recv ' + icmpTime(u32(bytes, at + 12)) + ', xmit ' + icmpTime(u32(bytes, at + 16));
        break;
      default:
        text = ICMP_TYPE_TEXT.get(type) ?? 'type-#' + type;
        break;
    }
    this.out += 'ICMP ' + text + ', length ' + length;
    if (this.verbose && !fragmented && at + length <= end) {
      const sum = finish(checksumSum(bytes, at, length, 0));
      if (sum !== 0) {
        if (at + 4 > end) return this.icmpTruncated(true);
        const field = icmp.checksum;
        this.out += ' (wrong icmp cksum ' + hex(field) + ' (->' + hex(checksumShouldBe(field, sum)) + ')!)';
      }
    }
    // RFC 792 error messages quote the offending datagram's header: -v prints it on its own line.
    if (this.verbose && (type === 3 || type === 4 || type === 5 || type === 11 || type === 12)) {
      this.out += '\n\t';
      if (quoted + 4 > end) return this.icmpTruncated(true);
      const quotedLength = u16(bytes, quoted + 2);
      const quotedEnd = Math.min(quoted + quotedLength, end);
      this.ipv4Packet(bytes, quoted, quotedEnd, quotedLength, !this.link, true);
      if (this.truncated) return;
    }
    // RFC 4884 multi-part extensions follow 128 bytes of quoted datagram in these error messages.
    if (this.verbose && length > 136 && (type === 3 || type === 11 || type === 12)) {
      if (at + 141 > end) return this.icmpTruncated(false);
      if (bytes[at + 5] === 0 && at + length <= end && finish(checksumSum(bytes, at + 136, length - 136, 0)) !== 0) return;
      const version = bytes[at + 136]! >>> 4;
      this.out += '\n\tICMP Multi-Part extension v' + version;
      if (version !== 2) {
        this.out += ' packet not supported';
        return;
      }
      if (at + length <= end) {
        this.out +=
          ', checksum 0x' + hex4(u16(bytes, at + 138)) + ' (' + (finish(checksumSum(bytes, at + 136, length - 136, 0)) !== 0 ? 'in' : '') +
          'correct), length ' + (length - 136);
      }
      this.icmpExtensionObjects(bytes, at + 140, end, length - 140);
    }
  }

  /** RFC 4884 section 7 extension objects; RFC 4950 MPLS label stack entries are decoded. */
  private icmpExtensionObjects(bytes: Uint8Array, at: number, end: number, remaining: number): void {
    while (remaining > 4) {
      if (at + 4 > end) return this.icmpTruncated(false);
      let objectLength = u16(bytes, at);
      const objectClass = bytes[at + 2]!;
      const classType = bytes[at + 3]!;
      at += 4;
      this.out +=
        '\n\t  ' + (objectClass === 1 ? 'MPLS Stack Entry' : objectClass === 2 ? 'Extended Payload' : 'unknown') + ' Object (' +
        objectClass + '), Class-Type: ' + classType + ', length ' + objectLength;
      remaining -= 4;
      if (objectClass === 0 || objectLength < 4) return;
      objectLength -= 4;
      if (objectClass === 1 && classType === 1) {
        if (at + 4 > end) return this.icmpTruncated(true);
        const entry = u32(bytes, at);
        this.out += '\n\t    label ' + (entry >>> 12) + ', tc ' + ((entry >>> 9) & 7) + ((entry >>> 8) & 1 ? ', [S]' : '') + ', ttl ' + (entry & 255);
      } else {
        if (at + objectLength > end) return this.icmpTruncated(true);
        this.out += hexDump(bytes, at, objectLength).replaceAll('\n\t', '\n\t    ');
      }
      if (remaining < objectLength) break;
      remaining -= objectLength;
      at += objectLength;
    }
  }

  private icmpTruncated(longjmp: boolean): void {
    this.truncate('icmp', longjmp);
  }

  // TCP (RFC 9293), following tcpdump's print-tcp.c for ports it has no dissector for.
  private tcpSegment(bytes: Uint8Array, at: number, end: number, length: number, ipAt: number, fragmented: boolean): void {
    const src = u32(bytes, ipAt + 12);
    const dst = u32(bytes, ipAt + 16);
    if (end - at < 4) {
      this.out += this.ipText.text(src) + ' > ' + this.ipText.text(dst) + ':';
      this.truncate('tcp', false);
      return;
    }
    const tcp = this.tcp.init(bytes, at, end - at);
    const srcPort = tcp.srcPort;
    const dstPort = tcp.dstPort;
    this.addressesWithPorts(src, srcPort, dst, dstPort);
    if (end - at < 20) {
      this.truncate('tcp', false);
      return;
    }
    let headerLength = tcp.headerLength;
    if (headerLength < 20) {
      this.out += ' tcp ' + ((length - headerLength) >>> 0) + ' [bad hdr length ' + headerLength + ' - too short, < 20]';
      return;
    }
    let seq = tcp.seqNumber;
    let ack = tcp.ackNumber;
    const window = tcp.windowLen;
    const urgent = tcp.urgentAt;
    if (this.quiet) {
      this.out += 'tcp ' + ((length - headerLength) >>> 0);
      if (headerLength > length) this.out += ' [bad hdr length ' + headerLength + ' - too long, > ' + length + ']';
      return;
    }
    const flags = bytes[at + 13]!;
    this.out += TCP_FLAGS_TEXT[flags]!;
    let reversed = false;
    let baseSeq = 0;
    let baseAck = 0;
    if (this.relativeSequence && flags & 0x10) {
      reversed = srcPort > dstPort || (srcPort === dstPort && src > dst);
      const keySrc = reversed ? dst : src;
      const keyDst = reversed ? src : dst;
      // Both ports in one int32, so the map key is a small integer rather than a heap number.
      const ports = reversed ? (dstPort << 16) | srcPort : (srcPort << 16) | dstPort;
      let bucket = this.conversations.get(ports);
      let conversation: TcpConversation | undefined;
      if (bucket !== undefined) {
        for (let i = 0; i < bucket.length; i++) {
          const c = bucket[i]!;
          if (c.src === keySrc && c.dst === keyDst) {
            conversation = c;
            break;
          }
        }
      }
      if (conversation === undefined || flags & 0x02) {
        if (conversation === undefined) {
          conversation = { src: keySrc, dst: keyDst, ports, seq: 0, ack: 0 };
          if (bucket === undefined) {
            bucket = [];
            this.conversations.set(ports, bucket);
          }
          bucket.push(conversation);
        }
        if (reversed) {
          conversation.ack = seq;
          conversation.seq = (ack - 1) >>> 0;
        } else {
          conversation.seq = seq;
          conversation.ack = (ack - 1) >>> 0;
        }
      } else if (reversed) {
        seq = (seq - conversation.ack) >>> 0;
        ack = (ack - conversation.seq) >>> 0;
      } else {
        seq = (seq - conversation.seq) >>> 0;
        ack = (ack - conversation.ack) >>> 0;
      }
      baseSeq = conversation.seq;
      baseAck = conversation.ack;
    }
    if (headerLength > length) {
      this.out += ' [bad hdr length ' + headerLength + ' - too long, > ' + length + ']';
      return;
    }
    if (this.verbose && !fragmented && at + length <= end) {
      const pseudoDst = (bytes[ipAt]! & 15) === 5 ? dst : ipv4FinalDestination(bytes, ipAt, end);
      const sum = finish(checksumSum(bytes, at, length, pseudoHeaderSum(src, pseudoDst, 6, length)));
      const field = tcp.checksum;
      this.out += ', cksum 0x' + hex4(field) + (sum !== 0 ? ' (incorrect -> 0x' + hex4(checksumShouldBe(field, sum)) + ')' : ' (correct)');
    }
    const dataLength = length - headerLength;
    if (dataLength > 0 || flags & 0x07) {
      this.out += ', seq ' + seq;
      if (dataLength > 0) this.out += ':' + ((seq + dataLength) >>> 0);
    }
    if (flags & 0x10) this.out += ', ack ' + ack;
    this.out += ', win ' + window;
    if (flags & 0x20) this.out += ', urg ' + urgent;
    if (headerLength > 20) {
      if (!this.tcpOptions(bytes, at + 20, headerLength - 20, end, reversed, baseSeq, baseAck)) return;
    }
    this.out += ', length ' + dataLength;
    if (dataLength <= 0) return;
    if (at + headerLength > end) {
      this.out += ' [remaining caplen(' + (end - at) + ') < header length(' + headerLength + ')]';
      this.truncate('tcp');
      return;
    }
    // RFC 9293 section 3.5.3 lets a RST carry text saying why; -v shows up to 30 bytes of it.
    if (flags & 0x04 && this.verbose) this.resetData(bytes, at + headerLength, end, dataLength);
  }

  private resetData(bytes: Uint8Array, at: number, end: number, length: number): void {
    this.out += at + length <= end ? ' [RST' : ' [!RST';
    if (length > 30) {
      length = 30;
      this.out += '+';
    }
    this.out += ' ';
    for (let i = 0; i < length && at + i < end; i++) {
      let c = bytes[at + i]!;
      if (c >= 0x80) {
        this.out += 'M-';
        c &= 0x7f;
      }
      this.out += c < 0x20 || c === 0x7f ? '^' + String.fromCharCode(c ^ 0x40) : String.fromCharCode(c);
    }
    this.out += ']';
  }

  /** tcpdump's option walk; false when it ended the line early ([bad opt] or truncation). */
  private tcpOptions(
    bytes: Uint8Array, at: number, remaining: number, end: number, reversed: boolean, baseSeq: number, baseAck: number,
  ): boolean {
    this.out += ', options [';
    let separator = false;
    while (remaining > 0) {
      if (separator) this.out += ',';
      if (at >= end) return this.tcpTruncatedRead();
      const kind = bytes[at++]!;
      let optionLength: number;
      if (kind === 0 || kind === 1) {
        optionLength = 1;
      } else {
        if (at >= end) return this.tcpTruncatedRead();
        optionLength = bytes[at++]!;
        if (optionLength < 2 || optionLength > remaining) return this.tcpBadOption(separator);
        remaining--;
      }
      remaining--;
      this.out += TCP_OPTION_TEXT[kind]!;
      let dataLength = 0;
      switch (kind) {
        case 2:
          dataLength = 2;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 2 > end) return this.tcpTruncated(separator);
          this.out += ' ' + u16(bytes, at);
          break;
        case 3:
          dataLength = 1;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 1 > end) return this.tcpTruncated(separator);
          this.out += ' ' + bytes[at]!;
          break;
        case 5:
          dataLength = optionLength - 2;
          if (dataLength % 8 !== 0) {
            this.out += ' invalid sack';
          } else {
            this.out += ' ' + dataLength / 8 + ' ';
            for (let i = 0; i < dataLength; i += 8) {
              if (i + 4 > remaining) return this.tcpBadOption(separator);
              if (at + i + 4 > end) return this.tcpTruncated(separator);
              if (i + 8 > remaining) return this.tcpBadOption(separator);
              if (at + i + 8 > end) return this.tcpTruncated(separator);
              const base = reversed ? baseSeq : baseAck;
              this.out += '{' + ((u32(bytes, at + i) - base) >>> 0) + ':' + ((u32(bytes, at + i + 4) - base) >>> 0) + '}';
            }
          }
          break;
        case 6:
        case 7:
        case 11:
        case 12:
        case 13:
          dataLength = 4;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 4 > end) return this.tcpTruncated(separator);
          this.out += ' ' + u32(bytes, at);
          break;
        case 8:
          dataLength = 8;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 8 > end) return this.tcpTruncated(separator);
          this.out += ' val ' + u32(bytes, at) + ' ecr ' + u32(bytes, at + 4);
          break;
        case 0:
        case 1:
        case 4:
          break;
        case 19:
          // TCP MD5 signature (RFC 2385): tcpdump cannot check it without the shared secret (-M).
          dataLength = 16;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 16 > end) return this.tcpTruncated(separator);
          this.out += " shared secret not supplied with -M, can't check - ";
          for (let i = 0; i < 16; i++) this.out += HEX_BYTE[bytes[at + i]!]!;
          break;
        case 20:
          dataLength = 2;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 2 > end) return this.tcpTruncated(separator);
          this.out += ' cap ' + HEX_BYTE[bytes[at]!]! + ' id ' + bytes[at + 1]!;
          break;
        case 28: {
          dataLength = 2;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + 2 > end) return this.tcpTruncated(separator);
          const timeout = u16(bytes, at);
          // RFC 5482 section 3: the low bit says whether the value counts minutes or seconds.
          this.out += ' 0x' + hex(timeout) + ' ' + (timeout & 1 ? (timeout >>> 1) * 60 : timeout >>> 1);
          break;
        }
        case 34:
          dataLength = optionLength - 2;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + dataLength > end) return this.tcpTruncated(separator);
          this.out += ' ';
          this.fastOpenCookie(bytes, at, dataLength, false);
          break;
        case 254: {
          dataLength = optionLength - 2;
          if (dataLength > remaining) return this.tcpBadOption(separator);
          if (at + dataLength > end) return this.tcpTruncated(separator);
          if (dataLength < 2) return this.tcpBadOption(separator);
          // RFC 6994 experiment identifiers; 0xf989 is TCP Fast Open's (RFC 7413).
          const magic = u16(bytes, at);
          this.out += '-';
          if (magic === 0xf989) this.fastOpenCookie(bytes, at + 2, dataLength - 2, true);
          else this.out += hex4(magic);
          break;
        }
        default:
          // Options we do not interpret (tcpdump decodes some of them further): the bytes in hex.
          dataLength = optionLength - 2;
          if (dataLength > 0) this.out += ' 0x';
          for (let i = 0; i < dataLength; i++) {
            if (i + 1 > remaining) return this.tcpBadOption(separator);
            if (at + i + 1 > end) return this.tcpTruncated(separator);
            this.out += HEX_BYTE[bytes[at + i]!]!;
          }
          break;
      }
      at += dataLength;
      remaining -= dataLength;
      let expected = dataLength + 1;
      if (kind !== 0 && kind !== 1) expected++;
      if (expected !== optionLength) this.out += '[len ' + optionLength + ']';
      separator = true;
      if (kind === 0) break;
    }
    this.out += ']';
    return true;
  }

  /** RFC 7413 section 4.1.1: an empty cookie requests one; a cookie is 4 to 16 bytes, an even count. */
  private fastOpenCookie(bytes: Uint8Array, at: number, length: number, experimental: boolean): void {
    if (experimental) this.out += 'tfo';
    if (length === 0) this.out += ' cookiereq';
    else if (length % 2 !== 0 || length < 4 || length > 16) this.out += ' (invalid)';
    else {
      this.out += ' cookie ';
      for (let i = 0; i < length; i++) this.out += HEX_BYTE[bytes[at + i]!]!;
    }
  }

  private tcpBadOption(separator: boolean): false {
    this.out += '[bad opt]';
    if (separator) this.out += ']';
    return false;
  }

  /** Truncated inside an option's data: tcpdump closes the line with '>' once an option was printed. */
  private tcpTruncated(separator: boolean): false {
    // tcpdump's ND_TCHECK: the line ends but the packet counts as decoded (its -x dump skips the link header).
    this.out += ' [|tcp]';
    if (separator) this.out += '>';
    return false;
  }

  /** Truncated where the option kind or length byte should be. */
  private tcpTruncatedRead(): false {
    this.truncate('tcp');
    return false;
  }
}

/**
 * The destination the TCP/UDP pseudo-header uses for the IPv4 header at `ipAt`: with a loose or strict source
 * route (RFC 791 section 3.1), the route's last address rather than the next hop in the header (what tcpdump's
 * ip_finddst reports). Reads nothing at or past `end`. With `onlyUnfinishedRoute`, as tshark's ip.dst: only while
 * the route's pointer has not passed its end (a finished route has already reached its destination).
 */
export function ipv4FinalDestination(bytes: Uint8Array, ipAt: number, end: number, onlyUnfinishedRoute = false): number {
  let length = (bytes[ipAt]! & 15) * 4 - 20;
  let at = ipAt + 20;
  while (length > 0) {
    if (at >= end) break;
    const kind = bytes[at]!;
    if (kind === 0) break;
    let optionLength = 1;
    if (kind !== 1) {
      if (at + 1 >= end) break;
      optionLength = bytes[at + 1]!;
      if (optionLength < 2) break;
    }
    if (length < optionLength || at + optionLength > end) break;
    if ((kind === 131 || kind === 137) && optionLength >= 7 && (!onlyUnfinishedRoute || bytes[at + 2]! <= optionLength)) {
      return u32(bytes, at + optionLength - 4);
    }
    at += optionLength;
    length -= optionLength;
  }
  return u32(bytes, ipAt + 16);
}

/** tcpdump's TCP flag letters in its order: FIN SYN RST PSH ACK URG ECE CWR; `none` when no bit is set. */
function tcpFlagLetters(flags: number): string {
  if (flags === 0) return 'none';
  let text = '';
  if (flags & 0x01) text += 'F';
  if (flags & 0x02) text += 'S';
  if (flags & 0x04) text += 'R';
  if (flags & 0x08) text += 'P';
  if (flags & 0x10) text += '.';
  if (flags & 0x20) text += 'U';
  if (flags & 0x40) text += 'E';
  if (flags & 0x80) text += 'W';
  return text;
}

/** ICMP timestamps count milliseconds since midnight UT (RFC 792): tcpdump prints them as hh:mm:ss.mmm. */
function icmpTime(milliseconds: number): string {
  const ms = milliseconds % 1000;
  let seconds = Math.floor(milliseconds / 1000);
  let minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  return pad2(hours) + ':' + pad2(minutes) + ':' + pad2(seconds) + '.' + String(ms).padStart(3, '0');
}

/** `Flags [S.]` and friends for every value of the flags byte, built once. */
const TCP_FLAGS_TEXT: readonly string[] = Array.from({ length: 256 }, (_, flags) => 'Flags [' + tcpFlagLetters(flags) + ']');

function pad2(value: number): string {
  return value < 10 ? '0' + value : String(value);
}

const defaultFormatter = new FrameFormatter();

/**
 * The tcpdump -nn style summary of one Ethernet frame, e.g.
 * `IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460], length 0`.
 * Sequence numbers are absolute (like tcpdump -S), so a frame always formats the same way.
 */
export function formatFrame(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  return defaultFormatter.format(bytes, offset, length, length);
}

/** `formatFrame` with tcpdump's -e, -v or -q variants. */
export function formatFrameWith(options: FormatOptions, bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  return new FrameFormatter(options).format(bytes, offset, length, length);
}
