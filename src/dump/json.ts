// --json: one JSON object per packet and line, with the fields tshark reports for the same packet (checksum
// validation on, absolute sequence numbers, no IP reassembly):
//   {"n","ts","caplen","len","eth":{..},"arp":{..},"ipv4":{..},"icmp":{..},"udp":{..},"tcp":{..},"error"}
// A layer is present only when it was decoded; a malformed layer ends decoding with "error" and is left out.
// `checksum_ok` is left out when the checksum cannot be verified (the data was not captured whole, or the
// datagram is a fragment), as tshark then reports it unverified; so is a first fragment's TCP `payload`.
//
// The line is written straight into the output block, four bytes per store where it can (constant pieces as
// pre-encoded words, numbers and address bytes from digit tables): no strings are made for a packet, so a
// million packets leave the garbage collector idle.

import { ArpField, ArpHardware, ArpPacket } from '../../generated/arp.js';
import { EtherType, EthernetField, EthernetFrame } from '../../generated/ethernet.js';
import { Icmpv4Message, Icmpv4Packet } from '../../generated/icmpv4.js';
import { Ipv4Field, Ipv4Packet, IpProtocol } from '../../generated/ipv4.js';
import { TcpField, TcpOptionIterator, TcpOptionKind, TcpPacket } from '../../generated/tcp.js';
import { UdpPacket } from '../../generated/udp.js';
import { ipv4FinalDestination } from '../format/ipv4.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import { Piece, type BlockWriter } from './output.js';

// The generated enums and offsets this printer reads per packet, as module constants: tsx compiles file by
// file, so an imported enum member or offset would be a property load at every use.
const ETHERTYPE_ARP = EtherType.Arp;
const ETHERTYPE_IPV4 = EtherType.Ipv4;
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
const DF_MF_FRAG = [
  new Piece(',"df":false,"mf":false,"frag":'),
  new Piece(',"df":false,"mf":true,"frag":'),
  new Piece(',"df":true,"mf":false,"frag":'),
  new Piece(',"df":true,"mf":true,"frag":'),
];
const CHECKSUM_OK_FALSE = new Piece(',"checksum_ok":false');
const OPEN_BRACKET = new Piece('[');
const COMMA_OPEN_BRACKET = new Piece(',[');
const CHECKSUM_OK_TRUE_END = new Piece(',"checksum_ok":true}');
const CHECKSUM_OK_FALSE_END = new Piece(',"checksum_ok":false}');

/**
 * `"flags"` with the flag letters in the schema's order FSRPAUEC, and the key after it, indexed by the low
 * 8 bits of the TCP flags: one copy instead of three.
 */
const FLAGS_WIN: Piece[] = [];
for (let flags = 0; flags < 256; flags++) {
  let text = '';
  for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) text += 'FSRPAUEC'[bit];
  FLAGS_WIN.push(new Piece(',"flags":"' + text + '","win":'));
}

export class JsonPrinter {
  private readonly ethernet = new EthernetFrame();
  private readonly arp = new ArpPacket();
  private readonly ipv4 = new Ipv4Packet();
  private readonly icmp = new Icmpv4Packet();
  private readonly udp = new UdpPacket();
  private readonly tcp = new TcpPacket();
  private readonly options = new TcpOptionIterator();

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
    w.field(CAPLEN, caplen);
    w.field(LEN, len);
    if (linkType !== 1) w.ascii(',"error":"link-type ' + linkType + ' is not Ethernet"');
    else if (caplen < ETH_HEADER) w.ascii(',"error":"eth: truncated: ' + caplen + ' of 14 header bytes captured"');
    else this.ethernetLayer(w, bytes, offset, caplen, len);
    w.byte(CLOSE);
    w.byte(NEWLINE);
  }

  private ethernetLayer(w: BlockWriter, bytes: Uint8Array, offset: number, caplen: number, len: number): void {
    const etherType = this.ethernet.init(bytes, offset, caplen).etherType as number;
    w.piece(ETH_SRC);
    w.mac(bytes, offset + ETH_SRC_AT);
    w.piece(DST);
    w.mac(bytes, offset + ETH_DST_AT);
    w.field(TYPE, etherType);
    w.byte(CLOSE);
    const at = offset + ETH_HEADER;
    const rest = caplen - ETH_HEADER;
    if (etherType === ETHERTYPE_ARP) this.arpLayer(w, bytes, at, rest);
    else if (etherType === ETHERTYPE_IPV4) this.ipv4Layer(w, bytes, at, rest, len - ETH_HEADER);
  }

  private arpLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number): void {
    if (captured < 8) return w.ascii(',"error":"arp: truncated: ' + captured + ' of 8 header bytes captured"');
    const arp = this.arp.init(bytes, at, captured);
    const hardware = arp.hardwareType as number;
    const protocol = arp.protocolType as number;
    if (hardware !== ARP_HARDWARE_ETHERNET || protocol !== ETHERTYPE_IPV4 || arp.hardwareLen !== 6 || arp.protocolLen !== 4) {
      return w.ascii(
        ',"error":"arp: hardware type ' + hardware + ' / protocol type ' + protocol + ' with address lengths ' +
          arp.hardwareLen + '/' + arp.protocolLen + ' is not Ethernet/IPv4 (1/2048, 6/4)"',
      );
    }
    if (captured < 28) return w.ascii(',"error":"arp: truncated: ' + captured + ' of 28 bytes captured"');
    w.field(ARP_OP, arp.operation as number);
    w.piece(SHA);
    w.mac(bytes, at + ARP_SHA_AT);
    w.piece(SPA);
    w.ipv4(arp.sourceProtocolAddr);
    w.piece(THA);
    w.mac(bytes, at + ARP_THA_AT);
    w.piece(TPA);
    w.ipv4(arp.targetProtocolAddr);
    w.piece(QUOTE_CLOSE);
  }

  private ipv4Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 20) return w.ascii(',"error":"ipv4: truncated: ' + captured + ' of 20 header bytes captured"');
    const ip = this.ipv4.init(bytes, at, captured);
    const version = ip.version;
    if (version !== 4) return w.ascii(',"error":"ipv4: version ' + version + ' is not 4"');
    const headerLength = ip.headerLength;
    if (headerLength < 20) return w.ascii(',"error":"ipv4: header length ' + headerLength + ' shorter than 20"');
    const totalLength = ip.totalLen;
    if (totalLength < headerLength) {
      return w.ascii(',"error":"ipv4: total length ' + totalLength + ' shorter than the header length ' + headerLength + '"');
    }
    if (captured < headerLength) {
      return w.ascii(',"error":"ipv4: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"');
    }
    const src = ip.srcAddr;
    // With a source route, tshark's ip.dst (and the transport checksum) use the route's final address.
    const dst = headerLength === 20 ? ip.dstAddr : ipv4FinalDestination(bytes, at, at + headerLength, true);
    const protocol = ip.protocol as number;
    const fragOffset = ip.fragOffset;
    const moreFragments = ip.moreFrags;
    w.piece(IPV4_SRC);
    w.ipv4(src);
    w.piece(DST);
    w.ipv4(dst);
    w.field(IHL, headerLength);
    w.field(TOS, bytes[at + IPV4_TOS_AT]!); // the whole byte: DSCP and ECN
    w.field(LEN, totalLength);
    w.field(ID, ip.ident);
    w.piece(DF_MF_FRAG[(ip.dontFrag ? 2 : 0) + (moreFragments ? 1 : 0)]!);
    w.uint(fragOffset);
    w.field(TTL, ip.hopLimit);
    w.field(PROTO, protocol);
    w.field(CHECKSUM, ip.checksum);
    w.piece(ip.init(bytes, at, headerLength).verifyChecksum() ? CHECKSUM_OK_TRUE_END : CHECKSUM_OK_FALSE_END);
    if (totalLength > wire) {
      return w.ascii(',"error":"ipv4: total length ' + totalLength + ' exceeds the ' + wire + ' bytes on the wire"');
    }
    // A non-first fragment carries no transport header (RFC 791 section 2.3, "Fragmentation").
    if (fragOffset !== 0) return;
    const payload = at + headerLength;
    const payloadLength = totalLength - headerLength;
    const payloadCaptured = Math.min(captured, totalLength) - headerLength;
    const whole = payloadCaptured >= payloadLength && !moreFragments;
    switch (protocol) {
      case PROTO_ICMP:
        return this.icmpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole);
      case PROTO_UDP:
        return this.udpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole, src, dst);
      case PROTO_TCP:
        return this.tcpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole, moreFragments, src, dst);
      default:
        return;
    }
  }

  private icmpLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean): void {
    // Every ICMP message starts with 8 bytes: type, code, checksum and four type-specific bytes (RFC 792).
    if (length < 8) return w.ascii(',"error":"icmp: message of ' + length + ' bytes is shorter than its 8-byte header"');
    if (captured < 8) return w.ascii(',"error":"icmp: truncated: ' + captured + ' of 8 header bytes captured"');
    const icmp = this.icmp.init(bytes, at, whole ? length : captured);
    const type = icmp.msgType as number;
    w.field(ICMP_TYPE, type);
    w.field(CODE, icmp.msgCode);
    if (whole) w.piece(icmp.verifyChecksum() ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    if (type === ICMP_ECHO_REPLY || type === ICMP_ECHO_REQUEST) {
      w.field(IDENT, icmp.echoIdent);
      w.field(SEQ, icmp.echoSeqNo);
    }
    w.byte(CLOSE);
  }

  private udpLayer(
    w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, src: number, dst: number,
  ): void {
    if (length < 8) return w.ascii(',"error":"udp: datagram of ' + length + ' bytes is shorter than its 8-byte header"');
    if (captured < 8) return w.ascii(',"error":"udp: truncated: ' + captured + ' of 8 header bytes captured"');
    const udp = this.udp.init(bytes, at, captured);
    const udpLength = udp.len;
    const checksum = udp.checksum;
    if (udpLength < 8) return w.ascii(',"error":"udp: length field ' + udpLength + ' shorter than the 8-byte header"');
    if (udpLength > length) {
      return w.ascii(',"error":"udp: length field ' + udpLength + ' exceeds the IP payload of ' + length + ' bytes"');
    }
    w.field(UDP_SPORT, udp.srcPort);
    w.field(DPORT, udp.dstPort);
    w.field(LEN, udpLength);
    w.field(CHECKSUM, checksum);
    if (checksum === 0) w.piece(CHECKSUM_OK_TRUE);
    else if (whole) w.piece(udp.init(bytes, at, udpLength).verifyChecksum(src, dst) ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    w.byte(CLOSE);
  }

  private tcpLayer(
    w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, fragment: boolean,
    src: number, dst: number,
  ): void {
    if (length < 20) return w.ascii(',"error":"tcp: segment of ' + length + ' bytes is shorter than its 20-byte header"');
    if (captured < 20) return w.ascii(',"error":"tcp: truncated: ' + captured + ' of 20 header bytes captured"');
    const tcp = this.tcp.init(bytes, at, captured);
    const headerLength = tcp.headerLength;
    if (headerLength < 20) return w.ascii(',"error":"tcp: header length ' + headerLength + ' shorter than 20"');
    if (headerLength > length) {
      return w.ascii(',"error":"tcp: header length ' + headerLength + ' exceeds the segment length ' + length + '"');
    }
    if (headerLength > captured) {
      return w.ascii(',"error":"tcp: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"');
    }
    // Written optimistically; malformed options rewind it (reserve() guaranteed no flush in between).
    const start = w.used;
    w.field(TCP_SPORT, tcp.srcPort);
    w.field(DPORT, tcp.dstPort);
    w.field(SEQ, tcp.seqNumber);
    w.field(ACK, tcp.ackNumber);
    w.field(HLEN, headerLength);
    // The flags' second byte holds CWR to FIN, the flags tshark reports.
    w.field(FLAGS_WIN[bytes[at + TCP_FLAGS_LOW_AT]!]!, tcp.windowLen);
    w.field(URG, tcp.urgentAt);
    if (whole) w.piece(tcp.init(bytes, at, length).verifyChecksum(src, dst) ? CHECKSUM_OK_TRUE : CHECKSUM_OK_FALSE);
    if (headerLength > 20) {
      const it = this.options.init(tcp.init(bytes, at, headerLength));
      let sackBlocks = 0;
      while (it.next()) {
        switch (it.kind as number) {
          case OPT_MSS:
            w.field(MSS, it.mss);
            break;
          case OPT_WSCALE:
            w.field(WSCALE, it.windowScale);
            break;
          case OPT_SACK_PERM:
            w.piece(SACK_PERM_TRUE);
            break;
          case OPT_SACK:
            sackBlocks += it.sackBlockCount;
            break;
          case OPT_TS:
            w.field(TSVAL, it.tsVal);
            w.field(TSECR, it.tsEcr);
            break;
        }
      }
      if (it.error) {
        w.used = start;
        return w.piece(MALFORMED_OPTIONS_ERROR);
      }
      if (sackBlocks > 0) {
        // RFC 2018 section 3: the blocks of every SACK option, in order.
        w.piece(SACK);
        let first = true;
        it.init(tcp);
        while (it.next()) {
          if ((it.kind as number) !== 5) continue;
          for (let i = 0; i < it.sackBlockCount; i++) {
            w.piece(first ? OPEN_BRACKET : COMMA_OPEN_BRACKET);
            first = false;
            w.uint(it.sackLeft(i));
            w.field(COMMA, it.sackRight(i));
            w.piece(CLOSE_BRACKET);
          }
        }
        w.piece(CLOSE_BRACKET);
      }
    }
    // In a first fragment the segment's length is unknown (RFC 791 section 2.3), so is its payload's.
    if (!fragment) {
      w.field(PAYLOAD, length - headerLength);
    }
    w.byte(CLOSE);
  }
}
