// ICMPv4 (RFC 792), following tcpdump's print-icmp.c: the message, with -v its checksum, the quoted datagram
// of an error and RFC 4884 extensions.

import { Icmpv4DstUnreachable, Icmpv4Message, Icmpv4Packet, Icmpv4Redirect, Icmpv4TimeExceeded } from '../../generated/icmpv4.js';
import { Ipv4Field, Ipv4Packet, IpProtocol } from '../../generated/ipv4.js';
import { TcpField } from '../../generated/tcp.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { hexDump } from './hex-dump.js';
import { ipv4Packet } from './ipv4.js';
import { checksumShouldBe, hex, hex4, pad2, u16, u32, type LineBuilder } from './line.js';
import { ICMP_TYPE_TEXT, UNREACHABLE_TEXT } from './names.js';

const icmpView = new Icmpv4Packet();
/** The IPv4 header an error message quotes. */
const quotedView = new Ipv4Packet();

// ICMPv4 (RFC 792), following tcpdump's print-icmp.c.
export function icmpMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
  if (end - at < 2) {
    f.truncate('icmp');
    return;
  }
  const icmp = icmpView.init(bytes, at, end - at);
  const type = icmp.msgType as number;
  const code = icmp.msgCode;
  let text: string;
  // The quoted datagram of an error message starts 8 bytes in (RFC 792).
  const quoted = at + 8;
  switch (type) {
    case Icmpv4Message.EchoReply:
    case Icmpv4Message.EchoRequest:
      if (at + 8 > end) return icmpTruncated(f, true);
      text = 'echo ' + (type === Icmpv4Message.EchoRequest ? 'request' : 'reply') + ', id ' + icmp.echoIdent + ', seq ' + icmp.echoSeqNo;
      break;
    case Icmpv4Message.DstUnreachable: {
      if (code === Icmpv4DstUnreachable.ProtoUnreachable) {
        if (at + 28 > end) return icmpTruncated(f, true);
        text = f.ipText.text(u32(bytes, quoted + Ipv4Field.DstAddr)) + ' protocol ' + bytes[quoted + Ipv4Field.Protocol]! + ' unreachable';
      } else if (code === Icmpv4DstUnreachable.PortUnreachable) {
        if (at + 18 > end) return icmpTruncated(f, false);
        const quotedHeader = quotedView.init(bytes, quoted, end - quoted).headerLength;
        if (at + 8 + quotedHeader + 4 > end) return icmpTruncated(f, true);
        // TCP's and UDP's destination port, at the same place in both.
        const port = u16(bytes, quoted + quotedHeader + TcpField.DstPort);
        const quotedProtocol = bytes[quoted + Ipv4Field.Protocol]!;
        if (at + 28 > end) return icmpTruncated(f, true);
        const target = f.ipText.text(u32(bytes, quoted + Ipv4Field.DstAddr));
        if (quotedProtocol === IpProtocol.Tcp) text = target + ' tcp port ' + port + ' unreachable';
        else if (quotedProtocol === IpProtocol.Udp) text = target + ' udp port ' + port + ' unreachable';
        else text = target + ' protocol ' + quotedProtocol + ' port ' + port + ' unreachable';
      } else if (code === Icmpv4DstUnreachable.FragRequired) {
        if (at + 8 > end) return icmpTruncated(f, true);
        const mtu = u16(bytes, at + 6);
        if (at + 28 > end) return icmpTruncated(f, true);
        const target = f.ipText.text(u32(bytes, quoted + Ipv4Field.DstAddr));
        text = target + ' unreachable - need to frag' + (mtu ? ' (mtu ' + mtu + ')' : '');
      } else {
        if (at + 28 > end) return icmpTruncated(f, true);
        const target = f.ipText.text(u32(bytes, quoted + Ipv4Field.DstAddr));
        const template = code < UNREACHABLE_TEXT.length ? UNREACHABLE_TEXT[code]! : '';
        text = template ? template.replace('%', target) : target + ' unreachable - #' + code;
      }
      break;
    }
    case Icmpv4Message.Redirect: {
      if (at + 28 > end) return icmpTruncated(f, true);
      const target = f.ipText.text(u32(bytes, quoted + Ipv4Field.DstAddr));
      const gateway = f.ipText.text(u32(bytes, at + 4));
      if (code === Icmpv4Redirect.Net) text = 'redirect ' + target + ' to net ' + gateway;
      else if (code === Icmpv4Redirect.Host) text = 'redirect ' + target + ' to host ' + gateway;
      else if (code === Icmpv4Redirect.NetToS) text = 'redirect-tos ' + target + ' to net ' + gateway;
      else if (code === Icmpv4Redirect.HostToS) text = 'redirect-tos ' + target + ' to host ' + gateway;
      else text = 'redirect-#' + code + ' ' + target + ' to ' + gateway;
      break;
    }
    case Icmpv4Message.TimeExceeded:
      if (at + 28 > end) return icmpTruncated(f, false);
      text = code === Icmpv4TimeExceeded.TtlExpired ? 'time exceeded in-transit' : code === Icmpv4TimeExceeded.FragExpired ? 'ip reassembly time exceeded' : 'time exceeded-#' + code;
      break;
    case Icmpv4Message.ParamProblem:
      if (code !== 0) text = 'parameter problem - code ' + code;
      else {
        if (at + 5 > end) return icmpTruncated(f, true);
        text = 'parameter problem - octet ' + bytes[at + 4]!;
      }
      break;
    case Icmpv4Message.RouterAdvert: {
      // Router advertisement (RFC 1256 section 3): address count, entry size in words, lifetime, entries.
      if (at + 8 > end) return icmpTruncated(f, false);
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
          if (entry + 8 > end) return icmpTruncated(f, false);
          text += ' {' + f.ipText.text(u32(bytes, entry)) + ' ' + u32(bytes, entry + 4) + '}';
        }
      }
      break;
    }
    case Icmpv4Message.AddressMaskReply:
      if (at + 12 > end) return icmpTruncated(f, true);
      text = 'address mask is 0x' + u32(bytes, at + 8).toString(16).padStart(8, '0');
      break;
    case Icmpv4Message.Timestamp:
      if (at + 8 > end) return icmpTruncated(f, true);
      text = 'time stamp query id ' + u16(bytes, at + 4) + ' seq ' + u16(bytes, at + 6);
      break;
    case Icmpv4Message.TimestampReply:
      if (at + 20 > end) return icmpTruncated(f, false);
      text =
        'time stamp reply id ' + u16(bytes, at + 4) + ' seq ' + u16(bytes, at + 6) + ': org ' + icmpTime(u32(bytes, at + 8)) +
        ', recv ' + icmpTime(u32(bytes, at + 12)) + ', xmit ' + icmpTime(u32(bytes, at + 16));
      break;
    default:
      text = ICMP_TYPE_TEXT.get(type) ?? 'type-#' + type;
      break;
  }
  f.out += 'ICMP ' + text + ', length ' + length;
  if (f.verbose && !fragmented && at + length <= end) {
    const sum = checksumFold(checksumSum(bytes, at, length, 0));
    if (sum !== 0) {
      if (at + 4 > end) return icmpTruncated(f, true);
      const field = icmp.checksum;
      f.out += ' (wrong icmp cksum ' + hex(field) + ' (->' + hex(checksumShouldBe(field, sum)) + ')!)';
    }
  }
  // RFC 792 error messages quote the offending datagram's header: -v prints it on its own line.
  if (f.verbose && (type === Icmpv4Message.DstUnreachable || type === Icmpv4Message.SourceQuench || type === Icmpv4Message.Redirect || type === Icmpv4Message.TimeExceeded || type === Icmpv4Message.ParamProblem)) {
    f.out += '\n\t';
    if (quoted + 4 > end) return icmpTruncated(f, true);
    const quotedLength = u16(bytes, quoted + Ipv4Field.TotalLen);
    const quotedEnd = Math.min(quoted + quotedLength, end);
    // tcpdump cuts the capture at the quoted total length, then reads that field again, still as the
    // ICMP printer: a total length under 4 leaves the field itself outside the cut.
    if (quotedEnd - quoted < 4) return icmpTruncated(f, true);
    ipv4Packet(f, bytes, quoted, quotedEnd, quotedLength, !f.link, true);
    if (f.truncated) return;
  }
  // RFC 4884 multi-part extensions follow 128 bytes of quoted datagram in these error messages.
  if (f.verbose && length > 136 && (type === Icmpv4Message.DstUnreachable || type === Icmpv4Message.TimeExceeded || type === Icmpv4Message.ParamProblem)) {
    if (at + 141 > end) return icmpTruncated(f, false);
    if (bytes[at + 5] === 0 && at + length <= end && checksumFold(checksumSum(bytes, at + 136, length - 136, 0)) !== 0) return;
    const version = bytes[at + 136]! >>> 4;
    f.out += '\n\tICMP Multi-Part extension v' + version;
    if (version !== 2) {
      f.out += ' packet not supported';
      return;
    }
    if (at + length <= end) {
      f.out +=
        ', checksum 0x' + hex4(u16(bytes, at + 138)) + ' (' + (checksumFold(checksumSum(bytes, at + 136, length - 136, 0)) !== 0 ? 'in' : '') +
        'correct), length ' + (length - 136);
    }
    icmpExtensionObjects(f, bytes, at + 140, end, length - 140);
  }
}

/** RFC 4884 section 7 extension objects; RFC 4950 MPLS label stack entries are decoded. */
function icmpExtensionObjects(f: LineBuilder, bytes: Uint8Array, at: number, end: number, remaining: number): void {
  while (remaining > 4) {
    if (at + 4 > end) return icmpTruncated(f, false);
    let objectLength = u16(bytes, at);
    const objectClass = bytes[at + 2]!;
    const classType = bytes[at + 3]!;
    at += 4;
    f.out +=
      '\n\t  ' + (objectClass === 1 ? 'MPLS Stack Entry' : objectClass === 2 ? 'Extended Payload' : 'unknown') + ' Object (' +
      objectClass + '), Class-Type: ' + classType + ', length ' + objectLength;
    remaining -= 4;
    if (objectClass === 0 || objectLength < 4) return;
    objectLength -= 4;
    if (objectClass === 1 && classType === 1) {
      if (at + 4 > end) return icmpTruncated(f, true);
      const entry = u32(bytes, at);
      f.out += '\n\t    label ' + (entry >>> 12) + ', tc ' + ((entry >>> 9) & 7) + ((entry >>> 8) & 1 ? ', [S]' : '') + ', ttl ' + (entry & 255);
    } else {
      if (at + objectLength > end) return icmpTruncated(f, true);
      f.out += hexDump(bytes, at, objectLength).replaceAll('\n\t', '\n\t    ');
    }
    if (remaining < objectLength) break;
    remaining -= objectLength;
    at += objectLength;
  }
}

function icmpTruncated(f: LineBuilder, longjmp: boolean): void {
  f.truncate('icmp', longjmp);
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
