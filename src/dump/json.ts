// --json: one JSON object per packet and line, with the fields tshark reports for the same packet (checksum
// validation on, absolute sequence numbers, no IP reassembly):
//   {"n","ts","caplen","len","eth":{..},"arp":{..},"ipv4":{..},"icmp":{..},"udp":{..},"tcp":{..},"error"}
// A layer is present only when it was decoded; a malformed layer ends decoding with "error" and is left out.
// `checksum_ok` is left out when the checksum cannot be verified (the data was not captured whole, or the
// datagram is a fragment), as tshark then reports it unverified; so is a first fragment's TCP `payload`.

import {
  ArpPacket,
  EthernetFrame,
  Icmpv4Packet,
  Ipv4Packet,
  TcpOptionIterator,
  TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import { formatIpv4 } from '../wire/ipv4-address.js';
import { formatMac } from '../wire/ethernet-address.js';
import { micros6 } from './timestamp.js';

const ETHERNET_HEADER_LENGTH = 14;
const NINE_DIGITS = 1_000_000_000;

/** Flag letters in the schema's order FSRPAUEC, indexed by the low 8 bits of the TCP flags. */
const FLAG_STRINGS: string[] = [];
for (let flags = 0; flags < 256; flags++) {
  let text = '';
  for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) text += 'FSRPAUEC'[bit];
  FLAG_STRINGS.push(text);
}

function nanos9(nanos: number): string {
  const text = String(nanos);
  return '000000000'.slice(text.length) + text;
}

export class JsonPrinter {
  private readonly ethernet = new EthernetFrame();
  private readonly arp = new ArpPacket();
  private readonly ipv4 = new Ipv4Packet();
  private readonly icmp = new Icmpv4Packet();
  private readonly udp = new UdpPacket();
  private readonly tcp = new TcpPacket();
  private readonly options = new TcpOptionIterator();

  /** One line of JSON (newline included) for the frame `bytes[offset, offset + caplen)`. */
  format(
    number: number, seconds: number, nanos: number, precision: number, linkType: number,
    bytes: Uint8Array, offset: number, caplen: number, len: number,
  ): string {
    const fraction = precision > 6 ? nanos9(nanos % NINE_DIGITS) : micros6(Math.floor(nanos / 1000));
    let out = '{"n":' + number + ',"ts":' + seconds + '.' + fraction + ',"caplen":' + caplen + ',"len":' + len;
    if (linkType !== 1) return out + ',"error":"link-type ' + linkType + ' is not Ethernet"}\n';
    if (caplen < ETHERNET_HEADER_LENGTH) {
      return out + ',"error":"eth: truncated: ' + caplen + ' of 14 header bytes captured"}\n';
    }
    const eth = this.ethernet.init(bytes, offset, caplen);
    const etherType = eth.etherType as number;
    out += ',"eth":{"src":"' + formatMac(eth.srcAddr) + '","dst":"' + formatMac(eth.dstAddr) + '","type":' + etherType + '}';
    const at = offset + ETHERNET_HEADER_LENGTH;
    const rest = caplen - ETHERNET_HEADER_LENGTH;
    if (etherType === 0x0806) return this.arpLayer(out, bytes, at, rest) + '}\n';
    if (etherType === 0x0800) return this.ipv4Layer(out, bytes, at, rest, len - ETHERNET_HEADER_LENGTH) + '}\n';
    return out + '}\n';
  }

  private arpLayer(out: string, bytes: Uint8Array, at: number, captured: number): string {
    if (captured < 8) return out + ',"error":"arp: truncated: ' + captured + ' of 8 header bytes captured"';
    const arp = this.arp.init(bytes, at, captured);
    const hardware = arp.hardwareType as number;
    const protocol = arp.protocolType as number;
    if (hardware !== 1 || protocol !== 0x0800 || arp.hardwareLen !== 6 || arp.protocolLen !== 4) {
      return (
        out + ',"error":"arp: hardware type ' + hardware + ' / protocol type ' + protocol + ' with address lengths ' +
        arp.hardwareLen + '/' + arp.protocolLen + ' is not Ethernet/IPv4 (1/2048, 6/4)"'
      );
    }
    if (captured < 28) return out + ',"error":"arp: truncated: ' + captured + ' of 28 bytes captured"';
    return (
      out + ',"arp":{"op":' + (arp.operation as number) + ',"sha":"' + formatMac(arp.sourceHardwareAddr) + '","spa":"' +
      formatIpv4(arp.sourceProtocolAddr) + '","tha":"' + formatMac(arp.targetHardwareAddr) + '","tpa":"' +
      formatIpv4(arp.targetProtocolAddr) + '"}'
    );
  }

  private ipv4Layer(out: string, bytes: Uint8Array, at: number, captured: number, wire: number): string {
    if (captured < 20) return out + ',"error":"ipv4: truncated: ' + captured + ' of 20 header bytes captured"';
    const ip = this.ipv4.init(bytes, at, captured);
    const version = ip.version;
    if (version !== 4) return out + ',"error":"ipv4: version ' + version + ' is not 4"';
    const headerLength = ip.headerLen;
    if (headerLength < 20) return out + ',"error":"ipv4: header length ' + headerLength + ' shorter than 20"';
    const totalLength = ip.totalLen;
    if (totalLength < headerLength) {
      return out + ',"error":"ipv4: total length ' + totalLength + ' shorter than the header length ' + headerLength + '"';
    }
    if (captured < headerLength) {
      return out + ',"error":"ipv4: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"';
    }
    const src = ip.srcAddr;
    const dst = ip.dstAddr;
    const protocol = ip.protocol as number;
    const fragOffset = ip.fragOffset;
    const moreFragments = ip.moreFrags;
    ip.init(bytes, at, headerLength);
    const checksumOk = ip.verifyChecksum();
    out +=
      ',"ipv4":{"src":"' + formatIpv4(src) + '","dst":"' + formatIpv4(dst) + '","ihl":' + headerLength + ',"tos":' +
      bytes[at + 1]! + ',"len":' + totalLength + ',"id":' + ip.ident + ',"df":' + ip.dontFrag + ',"mf":' + moreFragments +
      ',"frag":' + fragOffset + ',"ttl":' + ip.hopLimit + ',"proto":' + protocol + ',"checksum":' + ip.checksum +
      ',"checksum_ok":' + checksumOk + '}';
    if (totalLength > wire) {
      return out + ',"error":"ipv4: total length ' + totalLength + ' exceeds the ' + wire + ' bytes on the wire"';
    }
    // A non-first fragment carries no transport header (RFC 791 section 2.3, "Fragmentation").
    if (fragOffset !== 0) return out;
    const payload = at + headerLength;
    const payloadLength = totalLength - headerLength;
    const payloadCaptured = Math.min(captured, totalLength) - headerLength;
    const whole = payloadCaptured >= payloadLength && !moreFragments;
    switch (protocol) {
      case 1:
        return this.icmpLayer(out, bytes, payload, payloadCaptured, payloadLength, whole);
      case 17:
        return this.udpLayer(out, bytes, payload, payloadCaptured, payloadLength, whole, src, dst);
      case 6:
        return this.tcpLayer(out, bytes, payload, payloadCaptured, payloadLength, whole, moreFragments, src, dst);
      default:
        return out;
    }
  }

  private icmpLayer(out: string, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean): string {
    // Every ICMP message starts with 8 bytes: type, code, checksum and four type-specific bytes (RFC 792).
    if (length < 8) return out + ',"error":"icmp: message of ' + length + ' bytes is shorter than its 8-byte header"';
    if (captured < 8) return out + ',"error":"icmp: truncated: ' + captured + ' of 8 header bytes captured"';
    const icmp = this.icmp.init(bytes, at, whole ? length : captured);
    const type = icmp.msgType as number;
    out += ',"icmp":{"type":' + type + ',"code":' + icmp.msgCode;
    if (whole) out += ',"checksum_ok":' + icmp.verifyChecksum();
    if (type === 0 || type === 8) out += ',"ident":' + icmp.echoIdent + ',"seq":' + icmp.echoSeqNo;
    return out + '}';
  }

  private udpLayer(
    out: string, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, src: number, dst: number,
  ): string {
    if (length < 8) return out + ',"error":"udp: datagram of ' + length + ' bytes is shorter than its 8-byte header"';
    if (captured < 8) return out + ',"error":"udp: truncated: ' + captured + ' of 8 header bytes captured"';
    const udp = this.udp.init(bytes, at, captured);
    const udpLength = udp.len;
    const checksum = udp.checksum;
    if (udpLength < 8) return out + ',"error":"udp: length field ' + udpLength + ' shorter than the 8-byte header"';
    if (udpLength > length) return out + ',"error":"udp: length field ' + udpLength + ' exceeds the IP payload of ' + length + ' bytes"';
    out += ',"udp":{"sport":' + udp.srcPort + ',"dport":' + udp.dstPort + ',"len":' + udpLength + ',"checksum":' + checksum;
    if (checksum === 0) out += ',"checksum_ok":true';
    else if (whole) out += ',"checksum_ok":' + udp.init(bytes, at, udpLength).verifyChecksum(src, dst);
    return out + '}';
  }

  private tcpLayer(
    out: string, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, fragment: boolean,
    src: number, dst: number,
  ): string {
    if (length < 20) return out + ',"error":"tcp: segment of ' + length + ' bytes is shorter than its 20-byte header"';
    if (captured < 20) return out + ',"error":"tcp: truncated: ' + captured + ' of 20 header bytes captured"';
    const tcp = this.tcp.init(bytes, at, captured);
    const headerLength = tcp.headerLen;
    if (headerLength < 20) return out + ',"error":"tcp: header length ' + headerLength + ' shorter than 20"';
    if (headerLength > length) {
      return out + ',"error":"tcp: header length ' + headerLength + ' exceeds the segment length ' + length + '"';
    }
    if (headerLength > captured) {
      return out + ',"error":"tcp: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"';
    }
    let layer =
      ',"tcp":{"sport":' + tcp.srcPort + ',"dport":' + tcp.dstPort + ',"seq":' + tcp.seqNumber + ',"ack":' + tcp.ackNumber +
      ',"hlen":' + headerLength + ',"flags":"' + FLAG_STRINGS[bytes[at + 13]!]! + '","win":' + tcp.windowLen + ',"urg":' +
      tcp.urgentAt;
    if (whole) layer += ',"checksum_ok":' + tcp.init(bytes, at, length).verifyChecksum(src, dst);
    if (headerLength > 20) {
      const it = this.options.init(tcp.init(bytes, at, headerLength));
      let sack = '';
      while (it.next()) {
        switch (it.kind as number) {
          case 2:
            layer += ',"mss":' + it.mss;
            break;
          case 3:
            layer += ',"wscale":' + it.windowScale;
            break;
          case 4:
            layer += ',"sack_perm":true';
            break;
          case 5:
            for (let i = 0; i < it.sackBlockCount; i++) sack += (i > 0 || sack ? ',' : '') + '[' + it.sackLeft(i) + ',' + it.sackRight(i) + ']';
            break;
          case 8:
            layer += ',"tsval":' + it.tsVal + ',"tsecr":' + it.tsEcr;
            break;
        }
      }
      if (sack) layer += ',"sack":[' + sack + ']';
      if (it.error) return out + ',"error":"tcp: malformed options (a length byte does not fit the header or the kind)"';
    }
    // In a first fragment the segment's length is unknown (RFC 791 section 2.3), so is its payload's.
    return out + layer + (fragment ? '}' : ',"payload":' + (length - headerLength) + '}');
  }
}
