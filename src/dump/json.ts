// --json: one JSON object per packet and line, with the fields tshark reports for the same packet (checksum
// validation on, absolute sequence numbers, no IP reassembly):
//   {"n","ts","caplen","len","eth":{..},"arp":{..},"ipv4":{..},"icmp":{..},"udp":{..},"tcp":{..},"error"}
// A layer is present only when it was decoded; a malformed layer ends decoding with "error" and is left out.
// `checksum_ok` is left out when the checksum cannot be verified (the data was not captured whole, or the
// datagram is a fragment), as tshark then reports it unverified; so is a first fragment's TCP `payload`.
//
// The line is written byte by byte into the output block (numbers as digits, addresses straight from the
// packet's bytes): no strings are made for a packet, so a million packets leave the garbage collector idle.

import {
  ArpPacket,
  EthernetFrame,
  Icmpv4Packet,
  Ipv4Packet,
  TcpOptionIterator,
  TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import type { BlockWriter } from './output.js';

const ETHERNET_HEADER_LENGTH = 14;
/** Longest line we write: every field at its widest, plus the longest error message. */
const MAX_LINE = 2048;

/** Flag letters in the schema's order FSRPAUEC, indexed by the low 8 bits of the TCP flags. */
const FLAG_STRINGS: string[] = [];
for (let flags = 0; flags < 256; flags++) {
  let text = '';
  for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) text += 'FSRPAUEC'[bit];
  FLAG_STRINGS.push(text);
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
    w.ascii('{"n":');
    w.uint(number);
    w.ascii(',"ts":');
    w.uint(seconds);
    w.ascii('.');
    if (precision > 6) w.fixed(nanos, 9);
    else w.fixed(Math.floor(nanos / 1000), 6);
    w.ascii(',"caplen":');
    w.uint(caplen);
    w.ascii(',"len":');
    w.uint(len);
    if (linkType !== 1) w.ascii(',"error":"link-type ' + linkType + ' is not Ethernet"');
    else if (caplen < ETHERNET_HEADER_LENGTH) w.ascii(',"error":"eth: truncated: ' + caplen + ' of 14 header bytes captured"');
    else this.ethernetLayer(w, bytes, offset, caplen, len);
    w.ascii('}\n');
  }

  private ethernetLayer(w: BlockWriter, bytes: Uint8Array, offset: number, caplen: number, len: number): void {
    const etherType = this.ethernet.init(bytes, offset, caplen).etherType as number;
    w.ascii(',"eth":{"src":"');
    w.mac(bytes, offset + 6);
    w.ascii('","dst":"');
    w.mac(bytes, offset);
    w.ascii('","type":');
    w.uint(etherType);
    w.ascii('}');
    const at = offset + ETHERNET_HEADER_LENGTH;
    const rest = caplen - ETHERNET_HEADER_LENGTH;
    if (etherType === 0x0806) this.arpLayer(w, bytes, at, rest);
    else if (etherType === 0x0800) this.ipv4Layer(w, bytes, at, rest, len - ETHERNET_HEADER_LENGTH);
  }

  private arpLayer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number): void {
    if (captured < 8) return w.ascii(',"error":"arp: truncated: ' + captured + ' of 8 header bytes captured"');
    const arp = this.arp.init(bytes, at, captured);
    const hardware = arp.hardwareType as number;
    const protocol = arp.protocolType as number;
    if (hardware !== 1 || protocol !== 0x0800 || arp.hardwareLen !== 6 || arp.protocolLen !== 4) {
      return w.ascii(
        ',"error":"arp: hardware type ' + hardware + ' / protocol type ' + protocol + ' with address lengths ' +
          arp.hardwareLen + '/' + arp.protocolLen + ' is not Ethernet/IPv4 (1/2048, 6/4)"',
      );
    }
    if (captured < 28) return w.ascii(',"error":"arp: truncated: ' + captured + ' of 28 bytes captured"');
    w.ascii(',"arp":{"op":');
    w.uint(arp.operation as number);
    w.ascii(',"sha":"');
    w.mac(bytes, at + 8);
    w.ascii('","spa":"');
    w.ipv4(arp.sourceProtocolAddr);
    w.ascii('","tha":"');
    w.mac(bytes, at + 18);
    w.ascii('","tpa":"');
    w.ipv4(arp.targetProtocolAddr);
    w.ascii('"}');
  }

  private ipv4Layer(w: BlockWriter, bytes: Uint8Array, at: number, captured: number, wire: number): void {
    if (captured < 20) return w.ascii(',"error":"ipv4: truncated: ' + captured + ' of 20 header bytes captured"');
    const ip = this.ipv4.init(bytes, at, captured);
    const version = ip.version;
    if (version !== 4) return w.ascii(',"error":"ipv4: version ' + version + ' is not 4"');
    const headerLength = ip.headerLen;
    if (headerLength < 20) return w.ascii(',"error":"ipv4: header length ' + headerLength + ' shorter than 20"');
    const totalLength = ip.totalLen;
    if (totalLength < headerLength) {
      return w.ascii(',"error":"ipv4: total length ' + totalLength + ' shorter than the header length ' + headerLength + '"');
    }
    if (captured < headerLength) {
      return w.ascii(',"error":"ipv4: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"');
    }
    const src = ip.srcAddr;
    const dst = ip.dstAddr;
    const protocol = ip.protocol as number;
    const fragOffset = ip.fragOffset;
    const moreFragments = ip.moreFrags;
    w.ascii(',"ipv4":{"src":"');
    w.ipv4(src);
    w.ascii('","dst":"');
    w.ipv4(dst);
    w.ascii('","ihl":');
    w.uint(headerLength);
    w.ascii(',"tos":');
    w.uint(bytes[at + 1]!);
    w.ascii(',"len":');
    w.uint(totalLength);
    w.ascii(',"id":');
    w.uint(ip.ident);
    w.ascii(ip.dontFrag ? ',"df":true' : ',"df":false');
    w.ascii(moreFragments ? ',"mf":true' : ',"mf":false');
    w.ascii(',"frag":');
    w.uint(fragOffset);
    w.ascii(',"ttl":');
    w.uint(ip.hopLimit);
    w.ascii(',"proto":');
    w.uint(protocol);
    w.ascii(',"checksum":');
    w.uint(ip.checksum);
    w.ascii(ip.init(bytes, at, headerLength).verifyChecksum() ? ',"checksum_ok":true}' : ',"checksum_ok":false}');
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
      case 1:
        return this.icmpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole);
      case 17:
        return this.udpLayer(w, bytes, payload, payloadCaptured, payloadLength, whole, src, dst);
      case 6:
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
    w.ascii(',"icmp":{"type":');
    w.uint(type);
    w.ascii(',"code":');
    w.uint(icmp.msgCode);
    if (whole) w.ascii(icmp.verifyChecksum() ? ',"checksum_ok":true' : ',"checksum_ok":false');
    if (type === 0 || type === 8) {
      w.ascii(',"ident":');
      w.uint(icmp.echoIdent);
      w.ascii(',"seq":');
      w.uint(icmp.echoSeqNo);
    }
    w.ascii('}');
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
    w.ascii(',"udp":{"sport":');
    w.uint(udp.srcPort);
    w.ascii(',"dport":');
    w.uint(udp.dstPort);
    w.ascii(',"len":');
    w.uint(udpLength);
    w.ascii(',"checksum":');
    w.uint(checksum);
    if (checksum === 0) w.ascii(',"checksum_ok":true');
    else if (whole) w.ascii(udp.init(bytes, at, udpLength).verifyChecksum(src, dst) ? ',"checksum_ok":true' : ',"checksum_ok":false');
    w.ascii('}');
  }

  private tcpLayer(
    w: BlockWriter, bytes: Uint8Array, at: number, captured: number, length: number, whole: boolean, fragment: boolean,
    src: number, dst: number,
  ): void {
    if (length < 20) return w.ascii(',"error":"tcp: segment of ' + length + ' bytes is shorter than its 20-byte header"');
    if (captured < 20) return w.ascii(',"error":"tcp: truncated: ' + captured + ' of 20 header bytes captured"');
    const tcp = this.tcp.init(bytes, at, captured);
    const headerLength = tcp.headerLen;
    if (headerLength < 20) return w.ascii(',"error":"tcp: header length ' + headerLength + ' shorter than 20"');
    if (headerLength > length) {
      return w.ascii(',"error":"tcp: header length ' + headerLength + ' exceeds the segment length ' + length + '"');
    }
    if (headerLength > captured) {
      return w.ascii(',"error":"tcp: truncated: ' + captured + ' of ' + headerLength + ' header bytes captured"');
    }
    // Written optimistically; malformed options rewind it (reserve() guaranteed no flush in between).
    const start = w.used;
    w.ascii(',"tcp":{"sport":');
    w.uint(tcp.srcPort);
    w.ascii(',"dport":');
    w.uint(tcp.dstPort);
    w.ascii(',"seq":');
    w.uint(tcp.seqNumber);
    w.ascii(',"ack":');
    w.uint(tcp.ackNumber);
    w.ascii(',"hlen":');
    w.uint(headerLength);
    w.ascii(',"flags":"');
    w.ascii(FLAG_STRINGS[bytes[at + 13]!]!);
    w.ascii('","win":');
    w.uint(tcp.windowLen);
    w.ascii(',"urg":');
    w.uint(tcp.urgentAt);
    if (whole) w.ascii(tcp.init(bytes, at, length).verifyChecksum(src, dst) ? ',"checksum_ok":true' : ',"checksum_ok":false');
    if (headerLength > 20) {
      const it = this.options.init(tcp.init(bytes, at, headerLength));
      let sackBlocks = 0;
      while (it.next()) {
        switch (it.kind as number) {
          case 2:
            w.ascii(',"mss":');
            w.uint(it.mss);
            break;
          case 3:
            w.ascii(',"wscale":');
            w.uint(it.windowScale);
            break;
          case 4:
            w.ascii(',"sack_perm":true');
            break;
          case 5:
            sackBlocks += it.sackBlockCount;
            break;
          case 8:
            w.ascii(',"tsval":');
            w.uint(it.tsVal);
            w.ascii(',"tsecr":');
            w.uint(it.tsEcr);
            break;
        }
      }
      if (it.error) {
        w.used = start;
        return w.ascii(',"error":"tcp: malformed options (a length byte does not fit the header or the kind)"');
      }
      if (sackBlocks > 0) {
        // RFC 2018 section 3: the blocks of every SACK option, in order.
        w.ascii(',"sack":[');
        let first = true;
        it.init(tcp);
        while (it.next()) {
          if ((it.kind as number) !== 5) continue;
          for (let i = 0; i < it.sackBlockCount; i++) {
            w.ascii(first ? '[' : ',[');
            first = false;
            w.uint(it.sackLeft(i));
            w.ascii(',');
            w.uint(it.sackRight(i));
            w.ascii(']');
          }
        }
        w.ascii(']');
      }
    }
    // In a first fragment the segment's length is unknown (RFC 791 section 2.3), so is its payload's.
    if (!fragment) {
      w.ascii(',"payload":');
      w.uint(length - headerLength);
    }
    w.ascii('}');
  }
}
