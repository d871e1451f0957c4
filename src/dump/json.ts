// --json: one JSON object per packet and line, with the fields tshark reports for the same packet (checksum
// validation on, absolute sequence numbers, no IP reassembly):
//   {"n","ts","caplen","len","null"|"sll":{..},"eth":{..},"vlan":[..],"arp":{..},"ipv4"|"ipv6":{..},
//    "icmp"|"icmp6":{..},"udp":{..},"tcp":{..},"error"}
// (The fields of each object are listed in README.md, "smoltcp-dump --json".)
// Decoding is best-effort, as tshark's: every layer reports the fields that lie inside the captured bytes, and
// what is wrong (a cut header, a bad length, a malformed option) goes into "error", the first problem met;
// decoding goes on where tshark goes on (a total length past the frame, options after a wrong-length one).
// `checksum_ok` is left out when the checksum cannot be verified (the data was not captured whole, or the
// datagram is a fragment), as tshark then reports it unverified; so is a first fragment's TCP `payload`.
// The objects (tshark's field in brackets where the name differs):
//   null {family} [null.family]; sll {pkttype, hatype, ifindex (v2 only), src, type [sll.etype/ltype]};
//   eth {src, dst, type (or an 802.3 length)}; vlan [{id, pcp, dei, type (or an 802.3 length)}] outer tag
//   first [vlan.*, ieee8021ad.* for 0x88a8]; the IP or ARP an 802.2 LLC frame carries (SAP 6, SNAP);
//   arp {htype, ptype, hlen, plen, op, sha, spa, tha, tpa}: addresses as MAC/dotted quad for Ethernet/IPv4,
//   else as plain hex, as tshark shows bytes; ipv4 {src, dst, ihl, tos, len, id, df, mf, frag (bytes), ttl,
//   proto, checksum, checksum_ok} (len: the frame's for a segmentation-offload super-packet with 0);
//   icmp {type, code, checksum_ok, ident, seq, quoted: {ipv4, udp|tcp|icmp}} (quoted: the datagram an error
//   quotes); udp {sport, dport, len, checksum, checksum_ok}; tcp {sport, dport, seq, ack, hlen, flags
//   (FSRPAUEC), win, urg, checksum_ok, mss, wscale, sack_perm, tsval, tsecr, sack [[left, right], ...] (a
//   last lone left edge when the option's length holds no right one), payload}.
//
// The line is written straight into the output block, four bytes per store where it can (constant pieces as
// pre-encoded words, numbers and address bytes from digit tables): no strings are made for a packet, so a
// million packets leave the garbage collector idle.

import { ArpField, ArpHardware, ArpPacket } from '../../generated/arp.js';
import { EtherType, EthernetField, EthernetFrame } from '../../generated/ethernet.js';
import { Icmpv4Field, Icmpv4Message, Icmpv4Packet } from '../../generated/icmpv4.js';
import { Icmpv6Message } from '../../generated/icmpv6.js';
import { Ipv4Field, Ipv4Packet, IpProtocol } from '../../generated/ipv4.js';
import { Ipv6Field, Ipv6Packet } from '../../generated/ipv6.js';
import { LinuxSllField, LinuxSllHeader } from '../../generated/linux-sll.js';
import { LinuxSll2Field, LinuxSll2Header } from '../../generated/linux-sll2.js';
import { TcpField, TcpOptionKind, TcpPacket } from '../../generated/tcp.js';
import { UdpField, UdpPacket } from '../../generated/udp.js';
import { VlanField, VlanHeader } from '../../generated/vlan.js';
import { ipv4FinalDestination } from '../format/ipv4.js';
import { HEADER as LLC_HEADER, OUI_CISCO_BRIDGED, OUI_ETHERNET, SAP_IP, SAP_SNAP, SNAP_HEADER, UI as LLC_UI } from '../format/llc.js';
import { ipv6PseudoDestination } from '../format/ipv6.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { u16, u32 } from '../format/line.js';
import { LinkType, MAX_RECORD_LENGTH } from '../pcap/format.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import { Piece, type BlockWriter } from './output.js';
import { PieceCache, PieceTable } from '../format/text-sink.js';

// The generated enums and offsets this printer reads per packet, as module constants: tsx compiles file by
// file, so an imported enum member or offset would be a property load at every use.
const ETHERTYPE_ARP = EtherType.Arp;
const ETHERTYPE_IPV4 = EtherType.Ipv4;
const ETHERTYPE_IPV6 = EtherType.Ipv6;
const IPV6_SRC_AT = Ipv6Field.SrcAddr;
const IPV6_DST_AT = Ipv6Field.DstAddr;
const PROTO_ICMPV6 = IpProtocol.Icmpv6;
const PROTO_HOPOPTS = IpProtocol.HopByHop;
const PROTO_ROUTING = IpProtocol.Ipv6Route;
const PROTO_FRAGMENT = IpProtocol.Ipv6Frag;
const PROTO_DSTOPTS = IpProtocol.Ipv6Opts;
const ICMP6_PACKET_TOO_BIG = Icmpv6Message.PacketTooBig;
const ICMP6_ECHO_REQUEST = Icmpv6Message.EchoRequest;
const ICMP6_ECHO_REPLY = Icmpv6Message.EchoReply;
const ICMP6_RS = Icmpv6Message.RouterSolicit;
/** Inverse neighbour discovery solicitation and advertisement (RFC 3122 section 2): options after 8 bytes. */
const ICMP6_INVERSE_NS = 141;
const ICMP6_INVERSE_NA = 142;
const ICMP6_RA = Icmpv6Message.RouterAdvert;
const ICMP6_NS = Icmpv6Message.NeighborSolicit;
const ICMP6_NA = Icmpv6Message.NeighborAdvert;
const ICMP6_REDIRECT = Icmpv6Message.Redirect;
const ICMP6_MLDV2_REPORT = Icmpv6Message.MldV2Report;
const ARP_HARDWARE_ETHERNET = ArpHardware.Ethernet;
const ETH_SRC_AT = EthernetField.SrcAddr;
const ETH_DST_AT = EthernetField.DstAddr;
const ARP_SHA_AT = ArpField.SourceHardwareAddr;
const ARP_THA_AT = ArpField.TargetHardwareAddr;
const IPV4_TOS_AT = Ipv4Field.Dscp;
const PROTO_ICMP = IpProtocol.Icmp;
const PROTO_UDP = IpProtocol.Udp;
const PROTO_TCP = IpProtocol.Tcp;
const ICMP_ECHO_REPLY = Icmpv4Message.EchoReply;
const ICMP_ECHO_REQUEST = Icmpv4Message.EchoRequest;
const TCP_FLAGS_LOW_AT = TcpField.Flags + 1;
const OPT_MSS = TcpOptionKind.Mss;
const OPT_WSCALE = TcpOptionKind.WindowScale;
const OPT_SACK_PERM = TcpOptionKind.SackPermitted;
const OPT_SACK = TcpOptionKind.Sack;
const OPT_TS = TcpOptionKind.Timestamps;
/** The first word of the options when they are NOP, NOP and timestamps (kind 8, length 10). */
const NOP_NOP_TIMESTAMPS = (TcpOptionKind.Nop << 24) | (TcpOptionKind.Nop << 16) | (TcpOptionKind.Timestamps << 8) | 10;
const ETH_HEADER = ETHERNET_HEADER_LENGTH;

// Single bytes of a line, written with one store rather than copied as pieces.
const DOT = 46;
const CLOSE = 125;
const NEWLINE = 10;
/** Longest line we write: every field at its widest, plus the longest error message. */
const MAX_LINE = 2048;

// The constant pieces of a line, encoded once: copying words is cheaper than encoding text per packet.
const LINE_START = new Piece('{"n":');
const TS = new Piece(',"ts":');
const CAPLEN = new Piece(',"caplen":');
const LEN = new Piece(',"len":');
const ETH_SRC = new Piece(',"eth":{"src":"');
const DST = new Piece('","dst":"');
const TYPE = new Piece('","type":');
const ARP_OP = new Piece(',"arp":{"op":');
const SHA = new Piece(',"sha":"');
const SPA = new Piece('","spa":"');
const THA = new Piece('","tha":"');
const TPA = new Piece('","tpa":"');
const QUOTE_CLOSE = new Piece('"}');
const IPV4_SRC = new Piece(',"ipv4":{"src":"');
const IPV6_SRC = new Piece(',"ipv6":{"src":"');
const TCLASS = new Piece('","tclass":');
const FLOW = new Piece(',"flow":');
const IPV6_PLEN = new Piece(',"plen":');
const NXT = new Piece(',"nxt":');
const HLIM = new Piece(',"hlim":');
const FRAG6 = new Piece(',"frag":');
const MF6 = [new Piece(',"mf":false'), new Piece(',"mf":true')];
const FRAG_ID = new Piece(',"frag_id":');
const ICMP6_TYPE = new Piece(',"icmp6":{"type":');
const TARGET = new Piece(',"target":"');
const MTU = new Piece(',"mtu":');
const RECORDS = new Piece(',"records":');
const SRC_LLADDR = new Piece(',"src_lladdr":"');
const TGT_LLADDR = new Piece(',"tgt_lladdr":"');
const IHL = new Piece('","ihl":');
const TOS = new Piece(',"tos":');
const ID = new Piece(',"id":');
const TTL = new Piece(',"ttl":');
const PROTO = new Piece(',"proto":');
const CHECKSUM = new Piece(',"checksum":');
const ICMP_TYPE = new Piece(',"icmp":{"type":');
const CODE = new Piece(',"code":');
const IDENT = new Piece(',"ident":');
const SEQ = new Piece(',"seq":');
const UDP_SPORT = new Piece(',"udp":{"sport":');
const DPORT = new Piece(',"dport":');
const CHECKSUM_OK_TRUE = new Piece(',"checksum_ok":true');
const TCP_SPORT = new Piece(',"tcp":{"sport":');
const ACK = new Piece(',"ack":');
const HLEN = new Piece(',"hlen":');
const URG = new Piece(',"urg":');
const MSS = new Piece(',"mss":');
const WSCALE = new Piece(',"wscale":');
const SACK_PERM_TRUE = new Piece(',"sack_perm":true');
const TSVAL = new Piece(',"tsval":');
const TSECR = new Piece(',"tsecr":');
const MALFORMED_OPTIONS_ERROR = new Piece(',"error":"tcp: malformed options (a length byte does not fit the header or the kind)"');
const SACK = new Piece(',"sack":[');
const COMMA = new Piece(',');
const CLOSE_BRACKET = new Piece(']');
const PAYLOAD = new Piece(',"payload":');
/** `"df"`, `"mf"` and the key after them, for the four combinations of the two flags. */
const DF_MF_FRAG_TEXT = [',"df":false,"mf":false,"frag":', ',"df":false,"mf":true,"frag":', ',"df":true,"mf":false,"frag":', ',"df":true,"mf":true,"frag":'];
const DF_MF_FRAG = DF_MF_FRAG_TEXT.map((text) => new Piece(text));
const CHECKSUM_OK_FALSE = new Piece(',"checksum_ok":false');
const OPEN_BRACKET = new Piece('[');
const COMMA_OPEN_BRACKET = new Piece(',[');
const CHECKSUM_OK_TRUE_END = new Piece(',"checksum_ok":true}');
const CHECKSUM_OK_FALSE_END = new Piece(',"checksum_ok":false}');

/**
 * `"flags"` with the flag letters in the schema's order FSRPAUEC, and the key after it, indexed by the low
 * 8 bits of the TCP flags, made on first use: one copy instead of three.
 */
const FLAGS_WIN = new PieceTable(flagsWinText);

function flagsWinText(flags: number): string {
  let text = '';
  for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) text += 'FSRPAUEC'[bit];
  return ',"flags":"' + text + '","win":';
}

// Runs of keys and values that a capture repeats (its few EtherTypes, header lengths, TTLs, protocols, flag
// combinations), each copied as one piece: one call where the keys and values took two to five (a call
// costs more than the copy). Pieces are made on first use, up to a bound; a run past the bound is written
// field by field.
/** `,"caplen":60,"len":60` for a frame captured whole, by its length. */
const CAPLEN_LEN = new PieceCache((length) => ',"caplen":' + length + ',"len":' + length, MAX_RECORD_LENGTH + 1);
/** `","type":2048}`: the end of the eth object, by EtherType. */
const TYPE_CLOSE = new PieceCache((etherType) => '","type":' + etherType + '}', 1 << 16);
/** `","ihl":20,"tos":0,"len":` by TOS byte (high 8 bits of the key) and header length (low 8). */
const IHL_TOS_LEN = new PieceCache((key) => '","ihl":' + (key & 255) + ',"tos":' + (key >>> 8) + ',"len":', 1 << 16);
/**
 * `,"df":true,"mf":false,"frag":0,"ttl":64,"proto":6,"checksum":` for a fragment offset of 0, by the DF and MF
 * flags (DF_MF_FRAG's index, bits 16-17 of the key), TTL (bits 8-15) and protocol (bits 0-7).
 */
const FLAGS_TTL_PROTO = new PieceCache((key) => DF_MF_FRAG_TEXT[key >>> 16] + '0,"ttl":' + ((key >>> 8) & 255) + ',"proto":' + (key & 255) + ',"checksum":', 1 << 18);
/** `,"hlen":32,"flags":"PA","win":` by header length (bits 8 and up) and the flags' low byte. */
const HLEN_FLAGS_WIN = new PieceCache((key) => ',"hlen":' + (key >>> 8) + flagsWinText(key & 255), 1 << 14);
/** An urgent pointer of 0 (nearly every segment) and the checksum verdict, by verdict. */
const URG_ZERO_CHECKSUM_OK = [new Piece(',"urg":0,"checksum_ok":false'), new Piece(',"urg":0,"checksum_ok":true')];

// Keys of the fields a damaged header may leave out, and of the layers this writer added for issue 8.
const ETH_DST_FIRST = new Piece(',"eth":{"dst":"');
const SRC_QUOTE = new Piece('","src":"');
const QUOTE = new Piece('"');
const TYPE_NUMBER = new Piece(',"type":');
const IPV4_IHL_FIRST = new Piece(',"ipv4":{"ihl":');
const SRC = new Piece(',"src":"');
const DST_QUOTE = new Piece(',"dst":"');
const DF = [new Piece(',"df":false'), new Piece(',"df":true')];
const MF = [new Piece(',"mf":false'), new Piece(',"mf":true')];
const FRAG = new Piece(',"frag":');
const UDP_SPORT_FIRST = new Piece(',"udp":{"sport":');
const TCP_SPORT_FIRST = new Piece(',"tcp":{"sport":');
const FLAGS = new Piece(',"flags":"');
const WIN = new Piece('","win":');
const ARP_HTYPE = new Piece(',"arp":{"htype":');
const PTYPE = new Piece(',"ptype":');
const HLEN_ARP = new Piece(',"hlen":');
const PLEN = new Piece(',"plen":');
const OP = new Piece(',"op":');
const SHA_ONLY = new Piece(',"sha":"');
const SPA_ONLY = new Piece(',"spa":"');
const THA_ONLY = new Piece(',"tha":"');
const TPA_ONLY = new Piece(',"tpa":"');
const VLAN_OPEN = new Piece(',"vlan":[');
const VLAN_ID = new Piece('{"id":');
const PCP = new Piece(',"pcp":');
const DEI = [new Piece(',"dei":false'), new Piece(',"dei":true')];
const SLL_PKTTYPE = new Piece(',"sll":{"pkttype":');
const HATYPE = new Piece(',"hatype":');
const IFINDEX = new Piece(',"ifindex":');
const NULL_FAMILY = new Piece(',"null":{"family":');
const SACK_LEFT_ONLY = new Piece('[');

const ETHERTYPE_VLAN = EtherType.Vlan;
/** IEEE 802.1ad's service tag (QinQ's outer tag), decoded like an 802.1Q tag. */
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_VLAN_9100 = 0x9100;
const VLAN_TAG = 4;
/** The largest 802.3 length; a larger value in that place is an EtherType (IEEE 802.3 clause 3.2.6). */
const MAX_8023_LENGTH = 1500;
const LINKTYPE_NULL = LinkType.Null;
const LINKTYPE_ETHERNET = LinkType.Ethernet;
const LINKTYPE_RAW = LinkType.Raw;
const LINKTYPE_IPV4 = LinkType.Ipv4;
const LINKTYPE_SLL = LinkType.LinuxSll;
const LINKTYPE_SLL2 = LinkType.LinuxSll2;
const SLL_HEADER = 16;
const SLL2_HEADER = 20;
/** ARPHRD_ETHER and ARPHRD_IEEE802: hardware types whose 6-byte addresses tshark shows as MACs. */
const ARPHRD_ETHER = 1;
const ARPHRD_IEEE802 = 6;
/**
 * DRARP-Error (RFC 1931): tshark reads the target protocol address as an error status, except over AX.25
 * hardware (type 3), whose ARP tshark dissects apart, with no DRARP operations.
 */
const ARP_DRARP_ERROR = 7;
const ARPHRD_AX25 = 3;

/**
 * Where the address of a Home Address option (RFC 6275 section 6.3, type 0xc9) in the options at
 * bytes[at, end) starts, or `otherwise`.
 */
function homeAddressOption(bytes: Uint8Array, at: number, end: number, otherwise: number): number {
  while (at < end) {
    const type = bytes[at]!;
    if (type === 0) {
      at++;
      continue;
    }
    if (at + 2 > end) break;
    const length = bytes[at + 1]!;
    if (type === 0xc9 && length >= 16 && at + 18 <= end) return at + 2;
    at += 2 + length;
  }
  return otherwise;
}

export class JsonPrinter {
  private readonly ethernet = new EthernetFrame();
  private readonly vlan = new VlanHeader();
  private readonly sll = new LinuxSllHeader();
  private readonly sll2 = new LinuxSll2Header();
  private readonly arp = new ArpPacket();
  private readonly ipv4 = new Ipv4Packet();
  private readonly ipv6 = new Ipv6Packet();
  private readonly icmp = new Icmpv4Packet();
  private readonly udp = new UdpPacket();
  private readonly tcp = new TcpPacket();
  /** How deep inside ICMP errors' quoted datagrams the writer is (a quoted error's quote is not decoded). */
  private quotedDepth = 0;
  /** The type of the ICMP error whose quoted datagram is being written. */
  private quotingType = 0;
  /** The first problem met in the packet being written, or null. */
  private error: string | null = null;

  /** Writes one line of JSON (newline included) for the frame `bytes[offset, offset + caplen)` to `w`. */
  write(
    w: BlockWriter, number: number, seconds: number, nanos: number, precision: number, linkType: number,
    bytes: Uint8Array, offset: number, caplen: number, len: number,
  ): void {
    w.reserve(MAX_LINE);
    w.field(LINE_START, number);
    w.field(TS, seconds);
    w.byte(DOT);
    if (precision > 6) w.nanos9(nanos);
    else w.micros6(Math.floor(nanos / 1000));
    const lengths = caplen === len ? CAPLEN_LEN.get(len) : null;
    if (lengths !== null) w.piece(lengths);
    else {
      w.field(CAPLEN, caplen);
      w.field(LEN, len);
    }
    this.error = null;
    switch (linkType) {
      case LINKTYPE_ETHERNET:
        this.ethernetLayer(w, bytes, offset, caplen, len);
        break;
      case LINKTYPE_RAW:
      case LINKTYPE_IPV4:
        this.ipPacket(w, bytes, offset, caplen, len);
        break;
      case LINKTYPE_SLL:
        this.sllLayer(w, bytes, offset, caplen, len);
        break;
      case LINKTYPE_SLL2:
        this.sll2Layer(w, bytes, offset, caplen, len);
        break;
      case LINKTYPE_NULL:
        this.nullLayer(w, bytes, offset, caplen, len);
        break;
      default:
        this.fail('link-type ' + linkType + ' is not one we decode (Ethernet, Linux cooked v1/v2, raw IP, BSD loopback)');
    }
    if (this.error !== null) {
      w.ascii(',"error":"');
      w.ascii(this.error);
      w.byte(34);
    }
    w.byte(CLOSE);
    w.byte(NEWLINE);
  }

  /** Notes what is wrong with the packet; the first problem is the one reported. */
  private fail(message: string): void {
    if (this.error === null) this.error = message;
  }

  private ethernetLayer(w: BlockWriter, bytes: Uint8Array, offset: number, caplen: number, len: number): void {
    // tshark shows nothing of a header cut short.
    if (caplen < ETH_HEADER) return this.fail('eth: truncated: ' + caplen + ' of 14 header bytes captured');
    const etherType = this.ethernet.init(bytes, offset, caplen).etherType as number;
    w.piece(ETH_SRC);
    w.mac(bytes, offset + ETH_SRC_AT);
    w.piece(DST);
    w.mac(bytes, offset + ETH_DST_AT);
    const typeClose = TYPE_CLOSE.get(etherType);
    if (typeClose !== null) w.piece(typeClose);
    else {
      w.field(TYPE, etherType);
      w.byte(CLOSE);
    }
    this.etherPayload(w, bytes, etherType, offset + ETH_HEADER, caplen - ETH_HEADER, len - ETH_HEADER);
  }

  /** The payload of an EtherType: VLAN tags (802.1Q, QinQ), ARP or IPv4. */
  private etherPayload(w: BlockWriter, bytes: Uint8Array, etherType: number, at: number, captured: number, wire: number): void {
    if (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_VLAN_9100) {
      // IEEE 802.1Q clause 9.6: each tag is the TCI and the EtherType of what follows; QinQ stacks them.
      w.piece(VLAN_OPEN);
      let tags = 0;
      while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_VLAN_9100) {
        // tshark's 802.1ad dissector reads the whole tag first, its 802.1Q one the control information.
        if (captured < (etherType === ETHERTYPE_QINQ ? VLAN_TAG : VlanField.VlanId + 2)) break;
        const tag = this.vlan.init(bytes, at, captured);
        if (tags > 0) w.piece(COMMA);
        w.field(VLAN_ID, tag.vlanId);
        w.field(PCP, tag.priority);
        w.piece(DEI[tag.dropEligible]!);
        if (captured < VLAN_TAG) {
          // The tag control information without the EtherType after it: tshark shows the former.
          w.byte(CLOSE);
          break;
        }
        etherType = tag.etherType;
        w.field(TYPE_NUMBER, etherType);
        w.byte(CLOSE);
        tags++;
        at += VLAN_TAG;
        captured -= VLAN_TAG;
        wire -= VLAN_TAG;
      }
      w.piece(CLOSE_BRACKET);
      if (captured < 0 || (captured < VLAN_TAG && (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ || etherType === ETHERTYPE_VLAN_9100))) {
        return this.fail('vlan: truncated: ' + Math.max(captured, 0) + ' of 4 tag bytes captured');
      }
    }
    if (etherType === ETHERTYPE_ARP) this.arpLayer(w, bytes, at, captured, wire);
    else if (etherType === ETHERTYPE_IPV4) this.ipv4Layer(w, bytes, at, captured, wire);
    else if (etherType === ETHERTYPE_IPV6) this.ipv6Layer(w, bytes, at, captured, wire);
    else if (etherType <= MAX_8023_LENGTH) {
      // An IEEE 802.3 length (clause 3.2.6), after the addresses or after VLAN tags: an 802.2 LLC frame of that
      // many bytes follows (padding after it is not part of it).
      this.llcPayload(w, bytes, at, Math.min(captured, etherType), Math.min(wire, etherType));
    }
  }

  /**
   * What an 802.2 LLC frame carries, when it is a protocol of ours: IPv4 on its own SAP (6), or an EtherType
   * behind a SNAP header (RFC 1042; Cisco's OUI 0x0000f8 too), as tshark decodes them. The schema has no object
   * for the LLC header itself.
   */
  private llcPayload(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < LLC_HEADER || bytes[at + 2] !== LLC_UI) return;
    const dsap = bytes[at]!;
    const ssap = bytes[at + 1]!;
    if (dsap === SAP_IP && ssap === SAP_IP) return this.ipv4Layer(w, bytes, at + LLC_HEADER, captured - LLC_HEADER, wire - LLC_HEADER);
    if (dsap !== SAP_SNAP || ssap !== SAP_SNAP || captured < SNAP_HEADER) return;
    const oui = (bytes[at + 3]! << 16) | u16(bytes, at + 4);
    const etherType = u16(bytes, at + 6);
    if ((oui !== OUI_ETHERNET && oui !== OUI_CISCO_BRIDGED) || etherType <= MAX_8023_LENGTH) return;
    this.etherPayload(w, bytes, etherType, at + SNAP_HEADER, captured - SNAP_HEADER, wire - SNAP_HEADER);
  }

  /** A packet without link header (raw IP): the version nibble says which IP. */
  private ipPacket(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 1) return this.fail('ip: no bytes captured');
    const version = bytes[at]! >> 4;
    if (version === 4) this.ipv4Layer(w, bytes, at, captured, wire);
    else if (version === 6) this.ipv6Layer(w, bytes, at, captured, wire);
    else this.fail('ip: version ' + version + ' is not one we decode');
  }

  /** Linux cooked capture v1 (what `tcpdump -i any` writes). */
  private sllLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < SLL_HEADER) {
      // tshark reads up to the address length first, then shows each field the capture holds.
      if (captured >= LinuxSllField.AddressLen + 2) {
        const cut = this.sll.init(bytes, at, captured);
        w.field(SLL_PKTTYPE, cut.packetType);
        if (captured >= LinuxSllField.HardwareType + 2) w.field(HATYPE, cut.hardwareType);
        if (captured >= LinuxSllField.Address + 6 && captured >= LinuxSllField.AddressLen + 2 && cut.addressLen === 6) {
          w.piece(SRC);
          w.mac(bytes, at + LinuxSllField.Address);
          w.piece(QUOTE);
        }
        w.byte(CLOSE);
      }
      return this.fail('sll: truncated: ' + captured + ' of 16 header bytes captured');
    }
    const sll = this.sll.init(bytes, at, captured);
    const protocol = sll.protocol;
    w.field(SLL_PKTTYPE, sll.packetType);
    w.field(HATYPE, sll.hardwareType);
    if (sll.addressLen === 6) {
      w.piece(SRC);
      w.mac(bytes, at + LinuxSllField.Address);
      w.piece(QUOTE);
    }
    w.field(TYPE_NUMBER, protocol);
    w.byte(CLOSE);
    // Values below 1536 are Linux protocol numbers (ETH_P_802_3 and friends), not EtherTypes.
    if (protocol >= 1536) this.etherPayload(w, bytes, protocol, at + SLL_HEADER, captured - SLL_HEADER, wire - SLL_HEADER);
  }

  /** Linux cooked capture v2 (`tcpdump -i any -y LINUX_SLL2`). */
  private sll2Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < SLL2_HEADER) {
      // tshark reads up to the address length first, then shows each field the capture holds.
      if (captured >= LinuxSll2Field.AddressLen + 1) {
        const cut = this.sll2.init(bytes, at, captured);
        w.field(SLL_PKTTYPE, cut.packetType);
        w.field(HATYPE, cut.hardwareType);
        w.field(IFINDEX, cut.interfaceIndex);
        if (captured >= LinuxSll2Field.Address + 6 && cut.addressLen === 6) {
          w.piece(SRC);
          w.mac(bytes, at + LinuxSll2Field.Address);
          w.piece(QUOTE);
        }
        w.field(TYPE_NUMBER, cut.protocol);
        w.byte(CLOSE);
      }
      return this.fail('sll: truncated: ' + captured + ' of 20 header bytes captured');
    }
    const sll = this.sll2.init(bytes, at, captured);
    const protocol = sll.protocol;
    w.field(SLL_PKTTYPE, sll.packetType);
    w.field(HATYPE, sll.hardwareType);
    w.field(IFINDEX, sll.interfaceIndex);
    if (sll.addressLen === 6) {
      w.piece(SRC);
      w.mac(bytes, at + LinuxSll2Field.Address);
      w.piece(QUOTE);
    }
    w.field(TYPE_NUMBER, protocol);
    w.byte(CLOSE);
    if (protocol >= 1536) this.etherPayload(w, bytes, protocol, at + SLL2_HEADER, captured - SLL2_HEADER, wire - SLL2_HEADER);
  }

  /**
   * BSD loopback (LINKTYPE_NULL): a 4-byte address family in the capturing host's byte order, which the file
   * does not record; like tshark, a value with bits in its upper half came from the other byte order.
   */
  private nullLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 4) return this.fail('null: truncated: ' + captured + ' of 4 header bytes captured');
    let family = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    if ((family & 0xffff0000) !== 0) family = ((family >>> 24) | ((family >>> 8) & 0xff00) | ((family << 8) & 0xff0000) | (family << 24)) >>> 0;
    w.field(NULL_FAMILY, family);
    w.byte(CLOSE);
    // AF_INET is 2 on every BSD and Linux.
    if (family === 2) this.ipv4Layer(w, bytes, at + 4, captured - 4, wire - 4);
    // AF_INET6 differs between systems: 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
    else if (family === 10 || family === 24 || family === 28 || family === 30) this.ipv6Layer(w, bytes, at + 4, captured - 4, wire - 4);
  }

  private arpLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 2) return this.fail('arp: truncated: ' + captured + ' of 8 header bytes captured');
    const arp = this.arp.init(bytes, at, captured);
    w.field(ARP_HTYPE, arp.hardwareType as number);
    if (captured < 8) {
      if (captured >= 4) w.field(PTYPE, arp.protocolType as number);
      if (captured >= 5) w.field(HLEN_ARP, arp.hardwareLen);
      if (captured >= 6) w.field(PLEN, arp.protocolLen);
      w.byte(CLOSE);
      return this.fail('arp: truncated: ' + captured + ' of 8 header bytes captured');
    }
    const hardware = arp.hardwareType as number;
    const protocol = arp.protocolType as number;
    const hardwareLength = arp.hardwareLen;
    const protocolLength = arp.protocolLen;
    const operation = arp.operation as number;
    w.field(PTYPE, protocol);
    w.field(HLEN_ARP, hardwareLength);
    w.field(PLEN, protocolLength);
    w.field(OP, operation);
    // RFC 826: the four addresses at the lengths the header gives, shown while the capture holds them. Before
    // any, tshark reads the addresses its summary of the operation names, so a capture that cuts one of those
    // shows none.
    const sha = at + ARP_SHA_AT;
    const spa = sha + hardwareLength;
    const tha = spa + protocolLength;
    const tpa = tha + hardwareLength;
    const end = at + captured;
    const complete = tpa + protocolLength <= end;
    if (!complete) this.fail('arp: truncated: ' + captured + ' of ' + (tpa + protocolLength - at) + ' bytes captured');
    // tshark also sets the packet's length to the addresses' end, which fails when the wire had fewer bytes.
    if (tpa + protocolLength - at > wire || arpSummaryEnd(operation, spa, tha, tpa, protocolLength) > end) {
      w.byte(CLOSE);
      return;
    }
    const mac = (hardware === ARPHRD_ETHER || hardware === ARPHRD_IEEE802) && hardwareLength === 6;
    const ipv4 = protocol === ETHERTYPE_IPV4 && protocolLength === 4;
    if (spa > end) {
      w.byte(CLOSE);
      return;
    }
    if (hardwareLength > 0) {
      w.piece(SHA_ONLY);
      this.address(w, bytes, sha, hardwareLength, mac);
    }
    if (tha > end) {
      w.byte(CLOSE);
      return;
    }
    if (protocolLength > 0) {
      w.piece(SPA_ONLY);
      if (ipv4) {
        w.ipv4(u32(bytes, spa));
        w.piece(QUOTE);
      } else this.address(w, bytes, spa, protocolLength, false);
    }
    if (tpa > end) {
      w.byte(CLOSE);
      return;
    }
    if (hardwareLength > 0) {
      w.piece(THA_ONLY);
      this.address(w, bytes, tha, hardwareLength, mac);
    }
    if (protocolLength > 0 && complete && (operation !== ARP_DRARP_ERROR || hardware === ARPHRD_AX25)) {
      w.piece(TPA_ONLY);
      if (ipv4) {
        w.ipv4(u32(bytes, tpa));
        w.piece(QUOTE);
      } else this.address(w, bytes, tpa, protocolLength, false);
    }
    w.byte(CLOSE);
  }

  /** A hardware address as a MAC, or any address as plain hex as tshark shows bytes; quote closed for MACs. */
  private address(w: BlockWriter, bytes: Uint8Array, at: number, length: number, mac: boolean): void {
    if (mac) {
      w.mac(bytes, at);
      w.piece(QUOTE);
      return;
    }
    for (let i = 0; i < length; i++) w.ascii(HEX[bytes[at + i]!]!);
    w.piece(QUOTE);
  }

  private ipv4Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 1) return this.fail('ipv4: truncated: 0 of 20 header bytes captured');
    const ip = this.ipv4.init(bytes, at, captured);
    const version = ip.version;
    // tshark hands a version-6 header under EtherType 0x0800 to its IPv6 dissector; so do we.
    if (version === 6 && this.quotedDepth === 0) return this.ipv6Layer(w, bytes, at, captured, wire);
    if (version !== 4) return this.fail('ipv4: version ' + version + ' is not 4');
    const headerLength = ip.headerLength;
    if (captured < 20 || headerLength < 20) return this.ipv4Partial(w, bytes, at, captured, wire, headerLength);
    let totalLength = ip.totalLen;
    if (totalLength === 0) {
      // Segmentation offload: Linux captures a super-packet before the NIC splits it and leaves Total
      // Length 0 (BIG TCP, over 64 KiB); tshark then takes the length from the frame.
      totalLength = wire;
    } else if (totalLength < headerLength) {
      w.field(IPV4_IHL_FIRST, headerLength);
      w.field(TOS, bytes[at + IPV4_TOS_AT]!);
      w.field(LEN, totalLength);
      w.byte(CLOSE);
      return this.fail('ipv4: total length ' + totalLength + ' shorter than the header length ' + headerLength);
    }
    const headerCaptured = captured >= headerLength;
    const src = ip.srcAddr;
    // With a source route, tshark's ip.dst (and the transport checksum) use the route's final address.
    const dst = headerLength === 20 ? ip.dstAddr : ipv4FinalDestination(bytes, at, at + Math.min(headerLength, captured), true);
    const protocol = ip.protocol as number;
    const fragOffset = ip.fragOffset;
    const moreFragments = ip.moreFrags;
    w.piece(IPV4_SRC);
    w.ipv4(src);
    // tshark looks for a source route (which changes the destination) before it shows the destination:
    // none when that walk runs out of captured bytes.
    if (headerCaptured || !routeScanCut(bytes, at + 20, at + headerLength, at + captured)) {
      w.piece(DST);
      w.ipv4(dst);
    }
    const tos = bytes[at + IPV4_TOS_AT]!; // the whole byte: DSCP and ECN
    const ihlTosLen = IHL_TOS_LEN.get((tos << 8) | headerLength);
    if (ihlTosLen !== null) w.field(ihlTosLen, totalLength);
    else {
      w.field(IHL, headerLength);
      w.field(TOS, tos);
      w.field(LEN, totalLength);
    }
    w.field(ID, ip.ident);
    const dfMf = (ip.dontFrag ? 2 : 0) + (moreFragments ? 1 : 0);
    const ttl = ip.hopLimit;
    const flagsTtlProto = fragOffset === 0 ? FLAGS_TTL_PROTO.get((dfMf << 16) | (ttl << 8) | protocol) : null;
    if (flagsTtlProto !== null) w.field(flagsTtlProto, ip.checksum);
    else {
      w.piece(DF_MF_FRAG[dfMf]!);
      w.uint(fragOffset);
      w.field(TTL, ttl);
      w.field(PROTO, protocol);
      w.field(CHECKSUM, ip.checksum);
    }
    if (headerCaptured) {
      w.piece(ip.init(bytes, at, headerLength).verifyChecksum() ? CHECKSUM_OK_TRUE_END : CHECKSUM_OK_FALSE_END);
    } else {
      w.byte(CLOSE);
      return this.fail('ipv4: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured');
    }
    if (totalLength > wire) {
      // tshark goes on with the bytes the frame has.
      this.fail('ipv4: total length ' + totalLength + ' exceeds the ' + wire + ' bytes on the wire');
    }
    // A non-first fragment carries no transport header (RFC 791 section 2.3, "Fragmentation").
    if (fragOffset !== 0) return;
    const end = Math.min(totalLength, wire);
    const payload = at + headerLength;
    const payloadLength = end - headerLength;
    const payloadCaptured = Math.min(captured, end) - headerLength;
    const whole = payloadCaptured >= payloadLength && !moreFragments;
    switch (protocol) {
      case PROTO_ICMP:
        return this.icmpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole);
      case PROTO_UDP:
        return this.udpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole, moreFragments, src, dst);
      case PROTO_TCP:
        return this.tcpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole, moreFragments, src, dst);
      default:
        return;
    }
  }

  /** An IPv4 header cut short or with a header length under 20: the fields inside the captured bytes. */
  private ipv4Partial(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number, headerLength: number): void {
    const ip = this.ipv4;
    w.field(IPV4_IHL_FIRST, headerLength);
    if (headerLength < 20) {
      w.byte(CLOSE);
      return this.fail('ipv4: header length ' + headerLength + ' shorter than 20');
    }
    if (captured >= Ipv4Field.Dscp + 1) w.field(TOS, bytes[at + IPV4_TOS_AT]!);
    if (captured >= Ipv4Field.TotalLen + 2) {
      const totalLength = ip.totalLen;
      // 0 is a segmentation-offload super-packet (see ipv4Layer): the length is the frame's.
      w.field(LEN, totalLength === 0 ? wire : totalLength);
      if (totalLength !== 0 && totalLength < headerLength) {
        w.byte(CLOSE);
        return this.fail('ipv4: total length ' + totalLength + ' shorter than the header length ' + headerLength);
      }
    }
    if (captured >= Ipv4Field.Ident + 2) w.field(ID, ip.ident);
    if (captured >= Ipv4Field.Flags + 2) {
      w.piece(DF[ip.dontFrag ? 1 : 0]!);
      w.piece(MF[ip.moreFrags ? 1 : 0]!);
      w.field(FRAG, ip.fragOffset);
    }
    if (captured >= Ipv4Field.HopLimit + 1) w.field(TTL, ip.hopLimit);
    if (captured >= Ipv4Field.Protocol + 1) w.field(PROTO, ip.protocol as number);
    if (captured >= Ipv4Field.Checksum + 2) w.field(CHECKSUM, ip.checksum);
    if (captured >= Ipv4Field.SrcAddr + 4) {
      w.piece(SRC);
      w.ipv4(ip.srcAddr);
      w.piece(QUOTE);
    }
    w.byte(CLOSE);
    this.fail('ipv4: truncated: ' + captured + ' of 20 header bytes captured');
  }

  /**
   * IPv6 (RFC 8200): the fixed header, the extension headers walked (Hop-by-Hop, Routing, Destination Options,
   * Fragment) to the upper layer, whose protocol is "proto"; a fragment header adds "frag" (bytes), "mf" and
   * "frag_id". A non-first fragment carries no upper-layer header (RFC 8200 section 4.5).
   */
  private ipv6Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 40) return this.ipv6Partial(w, bytes, at, captured);
    const ip = this.ipv6.init(bytes, at, captured);
    const version = ip.version;
    if (version !== 6) return this.fail('ipv6: version ' + version + ' is not 6');
    const payloadLength = ip.payloadLen;
    let nh = ip.nextHeader as number;
    w.piece(IPV6_SRC);
    w.ipv6(bytes, at + IPV6_SRC_AT);
    w.piece(DST);
    w.ipv6(bytes, at + IPV6_DST_AT);
    w.field(TCLASS, ip.trafficClass);
    w.field(FLOW, ip.flowLabel);
    w.field(IPV6_PLEN, payloadLength);
    w.field(NXT, nh);
    w.field(HLIM, ip.hopLimit);
    if (40 + payloadLength > wire) this.fail('ipv6: payload length ' + payloadLength + ' exceeds the ' + (wire - 40) + ' bytes on the wire');
    // RFC 2675: a Payload Length of 0 with a Jumbo Payload option in the Hop-by-Hop header; tshark then takes
    // the option's length (bounded, as any length, by the frame).
    const jumbo = payloadLength === 0 && nh === PROTO_HOPOPTS ? jumboPayloadLength(bytes, at + 40, at + captured) : 0;
    const packetEnd = at + 40 + Math.min(jumbo || payloadLength, Math.max(wire - 40, 0));
    const end = Math.min(at + captured, packetEnd);
    let cp = at + 40;
    let fragmented = false;
    let nonFirst = false;
    let homeAt = at + IPV6_SRC_AT;
    // RFC 8200 section 4.1: the extension headers in order, each naming the next.
    for (;;) {
      if (nh === PROTO_HOPOPTS || nh === PROTO_DSTOPTS || nh === PROTO_ROUTING) {
        if (cp + 2 > end) {
          w.field(PROTO, nh);
          w.byte(CLOSE);
          return this.fail('ipv6: extension header ' + nh + ' truncated');
        }
        const next = bytes[cp]!;
        const headerEnd = cp + (bytes[cp + 1]! + 1) * 8;
        // RFC 6275 section 6.3: with a Home Address destination option the pseudo-header's source is the home
        // address (tshark's checksum takes it, tcpdump's does not).
        if (nh === PROTO_DSTOPTS) homeAt = homeAddressOption(bytes, cp + 2, Math.min(headerEnd, end), homeAt);
        cp = headerEnd;
        nh = next;
      } else if (nh === PROTO_FRAGMENT) {
        if (cp + 8 > end) {
          w.field(PROTO, nh);
          w.byte(CLOSE);
          return this.fail('ipv6: fragment header truncated');
        }
        const offsetFlags = u16(bytes, cp + 2);
        w.field(FRAG6, offsetFlags & 0xfff8);
        w.piece(MF6[offsetFlags & 1]!);
        w.field(FRAG_ID, u32(bytes, cp + 4));
        // An atomic fragment (offset 0, M clear; RFC 6946) is a whole packet: its checksum can be verified.
        fragmented = offsetFlags !== 0 && (offsetFlags & 0xfff9) !== 0;
        nonFirst = (offsetFlags & 0xfff8) !== 0;
        nh = bytes[cp]!;
        cp += 8;
        if (nonFirst) break;
      } else {
        break;
      }
    }
    w.field(PROTO, nh);
    w.byte(CLOSE);
    if (nonFirst || cp > end) return;
    const payloadCaptured = end - cp;
    const length = packetEnd - cp;
    const whole = payloadCaptured >= length && !fragmented;
    // The pseudo-header's addresses (RFC 8200 section 8.1): the source and the final destination.
    const dstAt = ipv6PseudoDestination(bytes, at, end);
    let pseudo = 0;
    for (let i = 0; i < 16; i += 2) pseudo += u16(bytes, homeAt + i) + u16(bytes, dstAt + i);
    switch (nh) {
      case PROTO_ICMPV6:
        return this.icmp6Layer(w, bytes, cp, payloadCaptured, length, whole, pseudo);
      case PROTO_UDP:
        return this.udpLayer(w, bytes, cp, payloadCaptured, length, whole, fragmented, 0, 0, pseudo);
      case PROTO_TCP:
        return this.tcpLayer(w, bytes, cp, payloadCaptured, length, whole, fragmented, 0, 0, pseudo);
      case PROTO_ICMP:
        // ICMPv4 behind an IPv6 header (a version-6 header under EtherType 0x0800 leads here), as tshark reads it.
        return this.icmpLayer(w, bytes, cp, payloadCaptured, length, whole);
      default:
        return;
    }
  }

  /** An IPv6 header cut short: the fields inside the captured bytes, as tshark shows them. */
  private ipv6Partial(w: BlockWriter, bytes: Uint8Array, at: number, captured: number): void {
    if (captured >= 4) {
      const ip = this.ipv6.init(bytes, at, captured);
      if (ip.version !== 6) return this.fail('ipv6: version ' + ip.version + ' is not 6');
      w.ascii(',"ipv6":{"tclass":' + ip.trafficClass + ',"flow":' + ip.flowLabel);
      // tshark shows Payload Length once Next Header is there too.
      if (captured >= 7) {
        w.field(IPV6_PLEN, ip.payloadLen);
        w.field(NXT, ip.nextHeader as number);
      }
      if (captured >= 8) w.field(HLIM, ip.hopLimit);
      if (captured >= 24) {
        w.piece(SRC);
        w.ipv6(bytes, at + IPV6_SRC_AT);
        w.piece(QUOTE);
      }
      w.byte(CLOSE);
    }
    this.fail('ipv6: truncated: ' + Math.max(captured, 0) + ' of 40 header bytes captured');
  }

  /**
   * ICMPv6 (RFC 4443): type, code, checksum and its verdict; the echo identifier and sequence, the target of a
   * Neighbor Solicitation, Advertisement or Redirect (RFC 4861), the MTU of Packet Too Big, the record count of
   * an MLDv2 report (RFC 3810), and the first source and target link-layer address options of an NDP message.
   */
  private icmp6Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, pseudo: number): void {
    // Field by field as far as the capture goes, as tshark shows them.
    if (captured < 1) return this.fail('icmp6: truncated: 0 of 4 header bytes captured');
    const type = bytes[at]!;
    w.field(ICMP6_TYPE, type);
    if (captured >= 2) w.field(CODE, bytes[at + 1]!);
    if (captured >= 4) w.field(CHECKSUM, u16(bytes, at + 2));
    if (whole && length >= 4) {
      const ok = checksumFold(checksumSum(bytes, at, length, pseudo + PROTO_ICMPV6 + length)) === 0;
      w.piece(ok ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    }
    let options = 0;
    if ((type === ICMP6_ECHO_REQUEST || type === ICMP6_ECHO_REPLY) && captured >= 6) {
      w.field(IDENT, u16(bytes, at + 4));
      if (captured >= 8) w.field(SEQ, u16(bytes, at + 6));
    } else if (type === ICMP6_PACKET_TOO_BIG && captured >= 8) {
      w.field(MTU, u32(bytes, at + 4));
    } else if (type === ICMP6_MLDV2_REPORT && captured >= 8) {
      w.field(RECORDS, u16(bytes, at + 6));
    } else if ((type === ICMP6_NS || type === ICMP6_NA) && captured >= 24) {
      w.piece(TARGET);
      w.ipv6(bytes, at + 8);
      w.piece(QUOTE);
      options = 24;
    } else if (type === ICMP6_REDIRECT && captured >= 24) {
      w.piece(TARGET);
      w.ipv6(bytes, at + 8);
      w.piece(QUOTE);
      if (captured >= 40) options = 40;
    } else if (type === ICMP6_RS || type === ICMP6_INVERSE_NS || type === ICMP6_INVERSE_NA) {
      options = 8;
    } else if (type === ICMP6_RA) {
      options = 16;
    }
    if (options > 0) this.ndOptions(w, bytes, at + options, at + Math.min(captured, length));
    w.byte(CLOSE);
    if (length < 4) this.fail('icmp6: message of ' + length + ' bytes is shorter than its 4-byte header');
    else if (captured < 4) this.fail('icmp6: truncated: ' + captured + ' of 4 header bytes captured');
  }

  /** The first source and target link-layer address options (RFC 4861 section 4.6.1) in bytes[at, end). */
  private ndOptions(w: BlockWriter, bytes: Uint8Array, at: number, end: number): void {
    let seen = 0;
    while (at + 2 <= end) {
      const type = bytes[at]!;
      const units = bytes[at + 1]!;
      // A zero length would loop forever; RFC 4861 section 4.6 says to drop the packet.
      if (units === 0) return this.fail('icmp6: option ' + type + ' has length 0');
      if (at + units * 8 > end) return;
      if ((type === 1 || type === 2) && units === 1 && (seen & type) === 0) {
        seen |= type;
        w.piece(type === 1 ? SRC_LLADDR : TGT_LLADDR);
        w.mac(bytes, at + 2);
        w.piece(QUOTE);
      }
      at += units * 8;
    }
  }

  private icmpLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean): void {
    // Every ICMP message starts with 8 bytes: type, code, checksum and four type-specific bytes (RFC 792).
    // tshark reads the type-specific word's first half before it shows anything.
    if (captured < 6) return this.fail('icmp: truncated: ' + captured + ' of 8 header bytes captured');
    const icmp = this.icmp.init(bytes, at, whole ? length : captured);
    const type = icmp.msgType as number;
    w.field(ICMP_TYPE, type);
    w.field(CODE, icmp.msgCode);
    // A quoted message is cut at 8 bytes: tshark leaves its checksum unverified.
    if (whole && this.quotedDepth === 0) w.piece(icmp.verifyChecksum() ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    // Echo, timestamp, information and address mask messages carry an identifier and sequence number
    // (RFC 792, RFC 950).
    if (type === ICMP_ECHO_REPLY || type === ICMP_ECHO_REQUEST || (type >= 13 && type <= 18)) {
      w.field(IDENT, icmp.echoIdent);
      if (captured >= Icmpv4Field.EchoSeqNo + 2) w.field(SEQ, icmp.echoSeqNo);
    } else if (type === ICMP_EXTENDED_ECHO_REQUEST || type === ICMP_EXTENDED_ECHO_REPLY) {
      // RFC 8335 section 2: an identifier like echo's, then an 8-bit sequence number tshark names apart.
      w.field(IDENT, icmp.echoIdent);
    }
    // With an RFC 4884 length (types 3, 11, 12: the quote's length in 32-bit words, byte 5) that the message
    // holds, tshark shows nothing of a quote cut under 4 bytes.
    const extended = type !== ICMP_REDIRECT && captured >= 6 && bytes[at + 5]! !== 0 && bytes[at + 5]! * 4 <= length - 8;
    if (captured > (extended ? 11 : 8) && this.quotedDepth === 0 && QUOTING_TYPES.has(type)) {
      this.quotingType = type;
      this.quoted(w, bytes, at + 8, captured - 8, length - 8);
    }
    w.byte(CLOSE);
    if (length < 8) this.fail('icmp: message of ' + length + ' bytes is shorter than its 8-byte header');
    else if (captured < 8) this.fail('icmp: truncated: ' + captured + ' of 8 header bytes captured');
  }

  /**
   * The datagram an ICMP error quotes (RFC 792: its IP header and first 8 data bytes), as `"quoted":{"ipv4":{..},
   * "udp"|"tcp"|"icmp":{..}}`, the fields tshark reports for it; its damage is not the packet's error.
   */
  private quoted(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number): void {
    const error = this.error;
    w.ascii(',"quoted":{');
    const start = w.used;
    this.quotedDepth++;
    this.ipv4Layer(w, bytes, at, captured, length);
    this.quotedDepth--;
    if (w.used > start && w.byteAt(start) === 44) w.removeByte(start);
    w.byte(CLOSE);
    this.error = error;
  }

  /** `pseudo6`: the IPv6 pseudo-header's address sum (RFC 8200 section 8.1), or -1 over IPv4 (src, dst). */
  private udpLayer(
    w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, fragment: boolean,
    src: number, dst: number, pseudo6 = -1,
  ): void {
    // tshark reads both ports before it shows either.
    if (captured < 4) return this.fail('udp: truncated: ' + captured + ' of 8 header bytes captured');
    const udp = this.udp.init(bytes, at, captured);
    w.field(UDP_SPORT_FIRST, udp.srcPort);
    w.field(DPORT, udp.dstPort);
    if (captured >= UdpField.Len + 2) w.field(LEN, udp.len);
    if (captured < 8) {
      w.byte(CLOSE);
      return this.fail('udp: truncated: ' + captured + ' of 8 header bytes captured');
    }
    const udpLength = udp.len;
    const checksum = udp.checksum;
    if (udpLength < 8) {
      w.byte(CLOSE);
      return this.fail('udp: length field ' + udpLength + ' shorter than the 8-byte header');
    }
    w.field(CHECKSUM, checksum);
    // A zero checksum means none was sent (RFC 768), whatever the length says.
    // Over IPv6 the checksum is mandatory (RFC 8200 section 8.1): tshark flags a zero field as illegal and
    // leaves it unverified, so do we.
    if (checksum === 0 && pseudo6 < 0 && !(this.quotedDepth > 0 && this.quotingType === ICMP_REDIRECT)) w.piece(CHECKSUM_OK_TRUE);
    if (udpLength > length && !fragment) {
      // tshark leaves the checksum unverified when the length field runs past the IP payload.
      w.byte(CLOSE);
      return this.fail('udp: length field ' + udpLength + ' exceeds the IP payload of ' + length + ' bytes');
    }
    // tshark leaves the checksum of a UDP header quoted in a redirect unverified.
    if (this.quotedDepth > 0 && this.quotingType === ICMP_REDIRECT) {
      // nothing
    } else if (checksum === 0) {
      // written above
    } else if (whole && pseudo6 >= 0) {
      w.piece(checksumFold(checksumSum(bytes, at, udpLength, pseudo6 + PROTO_UDP + udpLength)) === 0 ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    } else if (whole) w.piece(udp.init(bytes, at, udpLength).verifyChecksum(src, dst) ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    w.byte(CLOSE);
  }

  /** `pseudo6`: the IPv6 pseudo-header's address sum (RFC 8200 section 8.1), or -1 over IPv4 (src, dst). */
  private tcpLayer(
    w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, fragment: boolean,
    src: number, dst: number, pseudo6 = -1,
  ): void {
    // tshark reads both ports before it shows either, and the fields up to the window before it shows those.
    if (captured < 4) return this.fail('tcp: truncated: ' + captured + ' of 20 header bytes captured');
    const tcp = this.tcp.init(bytes, at, captured);
    w.field(TCP_SPORT_FIRST, tcp.srcPort);
    w.field(DPORT, tcp.dstPort);
    if (captured >= TcpField.SeqNumber + 4 && this.quotedDepth > 0 && captured < TcpField.WindowLen + 2) {
      // The 8 bytes an ICMP error quotes (RFC 792) hold the sequence number too, which tshark shows.
      w.field(SEQ, tcp.seqNumber);
    }
    if (captured < TcpField.WindowLen + 2) {
      w.byte(CLOSE);
      return this.fail('tcp: truncated: ' + captured + ' of 20 header bytes captured');
    }
    const headerLength = tcp.headerLength;
    w.field(SEQ, tcp.seqNumber);
    if (headerLength < 20) {
      w.field(HLEN, headerLength);
      if (!fragment) w.field(PAYLOAD, length - headerLength);
      w.byte(CLOSE);
      return this.fail('tcp: header length ' + headerLength + ' shorter than 20');
    }
    w.field(ACK, tcp.ackNumber);
    // The flags' second byte holds CWR to FIN, the flags tshark reports.
    const flags = bytes[at + TCP_FLAGS_LOW_AT]!;
    const hlenFlagsWin = HLEN_FLAGS_WIN.get((headerLength << 8) | flags);
    if (hlenFlagsWin !== null) w.field(hlenFlagsWin, tcp.windowLen);
    else {
      w.field(HLEN, headerLength);
      w.field(FLAGS_WIN.get(flags), tcp.windowLen);
    }
    const urgent = captured >= TcpField.UrgentAt + 2 ? tcp.urgentAt : -1;
    const verified = whole && length >= TcpField.Checksum + 2;
    const ok = verified && (pseudo6 >= 0 ? checksumFold(checksumSum(bytes, at, length, pseudo6 + PROTO_TCP + length)) === 0 : tcp.init(bytes, at, length).verifyChecksum(src, dst));
    if (urgent === 0 && verified) w.piece(URG_ZERO_CHECKSUM_OK[ok ? 1 : 0]!);
    else {
      if (urgent >= 0) w.field(URG, urgent);
      else this.fail('tcp: truncated: ' + captured + ' of 20 header bytes captured');
      if (verified) w.piece(ok ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    }
    // Options as far as the capture holds them, even when the header claims more than the segment has.
    // Most segments of a connection with timestamps carry nothing else, laid out as RFC 7323 appendix A
    // suggests: NOP, NOP, then the option, which one word tells (as Linux's tcp_parse_aligned_timestamp does).
    if (headerLength === 32 && captured >= 32 && u32(bytes, at + 20) === NOP_NOP_TIMESTAMPS) {
      w.field(TSVAL, u32(bytes, at + 24));
      w.field(TSECR, u32(bytes, at + 28));
    } else if (headerLength > 20 && captured > 20) this.tcpOptions(w, bytes, at + 20, Math.min(at + headerLength, at + captured), at + headerLength);
    if (headerLength > captured) this.fail('tcp: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured');
    if (headerLength > length) {
      w.byte(CLOSE);
      return this.fail('tcp: header length ' + headerLength + ' exceeds the segment length ' + length);
    }
    // In a first fragment the segment's length is unknown (RFC 791 section 2.3), so is its payload's.
    if (!fragment) w.field(PAYLOAD, length - headerLength);
    w.byte(CLOSE);
  }

  /**
   * The options in bytes[at, end) of an option list that runs to `listEnd` (past `end` when the capture cut
   * it), walked as tshark walks them: an option whose length is wrong for its kind is skipped, one whose
   * length byte is below 2 or runs past the list ends the walk; what came before stays.
   */
  private tcpOptions(w: BlockWriter, bytes: Uint8Array, at: number, end: number, listEnd: number): void {
    // Each kind is written once, from its first occurrence (tshark's first value); the blocks of every SACK
    // option go into one list after the walk (RFC 2018 section 3).
    let seen = 0;
    let sackOptions = 0;
    const start = at;
    while (at < listEnd) {
      if (at >= end) {
        this.fail('tcp: options truncated by the capture');
        break;
      }
      const kind = bytes[at]!;
      if (kind === OPT_EOL) break;
      if (kind === OPT_NOP) {
        at++;
        continue;
      }
      if (at + 1 >= listEnd) {
        this.fail('tcp: option ' + kind + ' has no room for its length byte');
        break;
      }
      if (at + 1 >= end) {
        this.fail('tcp: options truncated by the capture');
        break;
      }
      const length = bytes[at + 1]!;
      if (length < 2) {
        this.fail('tcp: option ' + kind + ' has length ' + length + ', below 2');
        break;
      }
      if (at + length > listEnd) {
        this.fail('tcp: option ' + kind + ' of length ' + length + ' runs past the header');
        break;
      }
      const exact = OPTION_LENGTHS[kind]!;
      if (exact !== 0 && length !== exact) {
        this.fail('tcp: option ' + kind + ' has length ' + length + ', not ' + exact);
        // tshark's sack_perm is the option itself, shown whatever its length.
        if (kind === OPT_SACK_PERM && (seen & (1 << kind)) === 0) {
          seen |= 1 << kind;
          w.piece(SACK_PERM_TRUE);
        }
      } else if (at + length > end) {
        // Cut by the capture: tshark shows the values that were captured whole.
        this.fail('tcp: options truncated by the capture');
        if (kind === OPT_SACK) {
          sackOptions++;
          at++; // the SACK walk below includes this option, as far as it was captured
        } else if (kind < 32 && (seen & (1 << kind)) === 0) {
          this.partialOption(w, bytes, kind, at, end);
        }
        break;
      } else if (kind === OPT_SACK) {
        sackOptions++;
      } else if (kind < 32 && (seen & (1 << kind)) === 0) {
        seen |= 1 << kind;
        switch (kind) {
          case OPT_MSS:
            w.field(MSS, u16(bytes, at + 2));
            break;
          case OPT_WSCALE:
            w.field(WSCALE, bytes[at + 2]!);
            break;
          case OPT_SACK_PERM:
            w.piece(SACK_PERM_TRUE);
            break;
          case OPT_TS:
            w.field(TSVAL, u32(bytes, at + 2));
            w.field(TSECR, u32(bytes, at + 6));
            break;
        }
      }
      at += length;
    }
    if (sackOptions > 0) this.sack(w, bytes, start, at, end);
  }

  /** The captured part of an option the capture cut (the walk ends with it). */
  private partialOption(w: BlockWriter, bytes: Uint8Array, kind: number, at: number, end: number): void {
    switch (kind) {
      case OPT_MSS:
        if (at + 4 <= end) w.field(MSS, u16(bytes, at + 2));
        return;
      case OPT_WSCALE:
        if (at + 3 <= end) w.field(WSCALE, bytes[at + 2]!);
        return;
      case OPT_SACK_PERM:
        w.piece(SACK_PERM_TRUE);
        return;
      case OPT_TS:
        if (at + 6 <= end) w.field(TSVAL, u32(bytes, at + 2));
        if (at + 10 <= end) w.field(TSECR, u32(bytes, at + 6));
        return;
    }
  }

  /**
   * The edges of every SACK option in bytes[at, end) (options already checked by tcpOptions) as [left, right]
   * pairs, as many as each option's length holds, a last lone left edge included, as tshark reads them.
   */
  private sack(w: BlockWriter, bytes: Uint8Array, at: number, stop: number, end: number): void {
    const start = w.used;
    w.piece(SACK);
    let first = true;
    while (at < stop) {
      const kind = bytes[at]!;
      if (kind === OPT_NOP) {
        at++;
        continue;
      }
      const length = bytes[at + 1]!;
      if (kind === OPT_SACK) {
        for (let i = 2; i + 4 <= length && at + i + 4 <= end; i += 8) {
          w.piece(first ? OPEN_BRACKET : COMMA_OPEN_BRACKET);
          first = false;
          w.uint(u32(bytes, at + i));
          if (i + 8 <= length && at + i + 8 <= end) w.field(COMMA, u32(bytes, at + i + 4));
          w.piece(CLOSE_BRACKET);
        }
        if ((length - 2) % 8 !== 0) this.fail('tcp: SACK option length ' + length + ' is not 2 plus a multiple of 8');
      }
      at += length;
    }
    // Options cut before their first edge leave nothing to show (reserve() made sure nothing was flushed).
    if (first) w.used = start;
    else w.piece(CLOSE_BRACKET);
  }
}

/**
 * Whether walking the IPv4 options in bytes[at, listEnd) for a source route (RFC 791 section 3.1: kind and
 * length bytes, a route's last address) reads past the captured bytes, which end at `capturedEnd`.
 */
function routeScanCut(bytes: Uint8Array, at: number, listEnd: number, capturedEnd: number): boolean {
  while (at < listEnd) {
    if (at >= capturedEnd) return true;
    const kind = bytes[at]!;
    if (kind === 0) return false;
    if (kind === 1) {
      at++;
      continue;
    }
    if (at + 1 >= listEnd) return false;
    if (at + 1 >= capturedEnd) return true;
    const length = bytes[at + 1]!;
    if (length < 2 || at + length > listEnd) return false;
    if ((kind === 131 || kind === 137) && length >= 7 && at + length > capturedEnd) return true;
    at += length;
  }
  return false;
}

/**
 * Where the addresses end that tshark reads for its one-line summary of an ARP operation (RFC 826, 903, 1931,
 * 2390, 2022): ARP request and reply and the replies of RARP and DRARP name the target protocol address, the
 * reverse and inverse requests the target hardware address, inverse replies and MARS messages the sender's.
 */
function arpSummaryEnd(operation: number, spa: number, tha: number, tpa: number, protocolLength: number): number {
  switch (operation) {
    case 1:
    case 2:
    case 4:
    case 6:
      return tpa + protocolLength;
    case 3:
    case 5:
    case 8:
      return tpa;
    case 9:
      return tha;
    default:
      return operation >= 11 && operation <= 23 ? tha : 0;
  }
}

/** tshark's fixed option lengths (RFC 9293 section 3.2, RFC 7323, RFC 2018); 0 for kinds of other lengths. */
const OPTION_LENGTHS = new Uint8Array(256);
OPTION_LENGTHS[OPT_MSS] = 4;
OPTION_LENGTHS[OPT_WSCALE] = 3;
OPTION_LENGTHS[OPT_SACK_PERM] = 2;
OPTION_LENGTHS[OPT_TS] = 10;
const OPT_EOL = TcpOptionKind.EndOfList;
const OPT_NOP = TcpOptionKind.Nop;

/** ICMP errors, which quote the datagram that caused them (RFC 792): unreachable, source quench, redirect,
 * time exceeded, parameter problem. */
const ICMP_REDIRECT = Icmpv4Message.Redirect;
/** RFC 8335's extended echo (PROBE) messages. */
const ICMP_EXTENDED_ECHO_REQUEST = 42;
const ICMP_EXTENDED_ECHO_REPLY = 43;

const QUOTING_TYPES = new Set([3, 4, 5, 11, 12]);

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

/**
 * The length a Jumbo Payload option (RFC 2675 section 2: type 0xC2, four bytes of length, at least 65,536) gives
 * in the Hop-by-Hop header at bytes[at], captured up to `end`; 0 when there is none.
 */
function jumboPayloadLength(bytes: Uint8Array, at: number, end: number): number {
  if (at + 2 > end) return 0;
  const headerEnd = Math.min(end, at + (bytes[at + 1]! + 1) * 8);
  let cp = at + 2;
  while (cp < headerEnd) {
    const type = bytes[cp]!;
    if (type === 0) {
      cp++;
      continue;
    }
    if (cp + 2 > headerEnd) return 0;
    const length = bytes[cp + 1]!;
    if (type === 0xc2 && length === 4 && cp + 6 <= headerEnd) {
      const value = u32(bytes, cp + 2);
      return value >= 65536 ? value : 0;
    }
    cp += 2 + length;
  }
  return 0;
}
