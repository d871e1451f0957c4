// The upper bound: a hand-written decoder reading the same fields at fixed offsets through one
// DataView, with the same validity checks as the generated views' check() and the same checksum
// verification. Nothing here is shared with generated/.
import { DecodedFrame, DecodeStatus } from './decoded-frame.js';
import { foldComplement, pseudoHeaderWords, sumWords } from './internet-checksum.js';

/** Decodes the frame view[offset, offset+length) into `out`; returns a DecodeStatus. */
export function decodeWithDataView(view: DataView, offset: number, length: number, out: DecodedFrame): number {
  if (length < 14) return (out.status = DecodeStatus.Malformed);
  out.ethDst = view.getUint16(offset) * 0x100000000 + view.getUint32(offset + 2);
  out.ethSrc = view.getUint16(offset + 6) * 0x100000000 + view.getUint32(offset + 8);
  const etherType = view.getUint16(offset + 12);
  out.etherType = etherType;
  if (etherType !== 0x0800) return (out.status = DecodeStatus.NotIpv4);

  // IPv4 (RFC 791 section 3.1)
  const ip = offset + 14;
  const ipAvailable = length - 14;
  if (ipAvailable < 20) return (out.status = DecodeStatus.Malformed);
  const versionIhl = view.getUint8(ip);
  const headerLength = (versionIhl & 0x0f) * 4;
  const totalLength = view.getUint16(ip + 2);
  if (versionIhl >> 4 !== 4 || headerLength < 20 || totalLength < headerLength || totalLength > ipAvailable) {
    return (out.status = DecodeStatus.Malformed);
  }
  out.ipVersion = versionIhl >> 4;
  out.ipHeaderLength = headerLength;
  const tos = view.getUint8(ip + 1);
  out.ipDscp = tos >> 2;
  out.ipEcn = tos & 3;
  out.ipTotalLength = totalLength;
  out.ipIdent = view.getUint16(ip + 4);
  const flagsFragment = view.getUint16(ip + 6);
  out.ipDontFrag = (flagsFragment >> 14) & 1;
  out.ipMoreFrags = (flagsFragment >> 13) & 1;
  out.ipFragOffset = flagsFragment & 0x1fff;
  out.ipTtl = view.getUint8(ip + 8);
  const protocol = view.getUint8(ip + 9);
  out.ipProtocol = protocol;
  out.ipChecksum = view.getUint16(ip + 10);
  const src = view.getUint32(ip + 12);
  const dst = view.getUint32(ip + 16);
  out.ipSrc = src;
  out.ipDst = dst;
  out.ipOptionsLength = headerLength - 20;
  out.ipChecksumOk = foldComplement(sumWords(view, ip, headerLength, 0)) === 0 ? 1 : 0;

  const l4 = ip + headerLength;
  const l4Length = totalLength - headerLength;
  if (protocol === 6) return (out.status = decodeTcp(view, l4, l4Length, out));
  if (protocol === 17) return (out.status = decodeUdp(view, l4, l4Length, out));
  if (protocol === 1) return (out.status = decodeIcmp(view, l4, l4Length, out));
  return (out.status = DecodeStatus.UnknownProtocol);
}

function decodeUdp(view: DataView, at: number, available: number, out: DecodedFrame): number {
  // The addresses come from the record, not from arguments: a u32 >= 2^31 passed to a call V8 does
  // not inline is boxed as a heap number (one allocation per packet), a double field is not.
  const src = out.ipSrc;
  const dst = out.ipDst;
  // RFC 768
  if (available < 8) return DecodeStatus.Malformed;
  const udpLength = view.getUint16(at + 4);
  if (udpLength < 8 || udpLength > available) return DecodeStatus.Malformed;
  out.srcPort = view.getUint16(at);
  out.dstPort = view.getUint16(at + 2);
  out.udpLength = udpLength;
  const checksum = view.getUint16(at + 6);
  out.l4Checksum = checksum;
  out.l4ChecksumOk = checksum === 0 ||
    foldComplement(sumWords(view, at, udpLength, pseudoHeaderWords(src, dst, 17, udpLength))) === 0 ? 1 : 0;
  out.payloadOffset = at + 8;
  out.payloadLength = udpLength - 8;
  return DecodeStatus.Ok;
}

function decodeIcmp(view: DataView, at: number, length: number, out: DecodedFrame): number {
  // RFC 792: echo request (8) and reply (0) carry identifier and sequence number.
  if (length < 8) return DecodeStatus.Malformed;
  out.icmpType = view.getUint8(at);
  out.icmpCode = view.getUint8(at + 1);
  out.l4Checksum = view.getUint16(at + 2);
  out.icmpIdent = view.getUint16(at + 4);
  out.icmpSeq = view.getUint16(at + 6);
  out.l4ChecksumOk = foldComplement(sumWords(view, at, length, 0)) === 0 ? 1 : 0;
  out.payloadOffset = at + 8;
  out.payloadLength = length - 8;
  return DecodeStatus.Ok;
}

function decodeTcp(view: DataView, at: number, length: number, out: DecodedFrame): number {
  // The addresses come from the record, not from arguments: a u32 >= 2^31 passed to a call V8 does
  // not inline is boxed as a heap number (one allocation per packet), a double field is not.
  const src = out.ipSrc;
  const dst = out.ipDst;
  // RFC 9293 section 3.1
  if (length < 20) return DecodeStatus.Malformed;
  const offsetFlags = view.getUint16(at + 12);
  const headerLength = (offsetFlags >> 12) * 4;
  if (headerLength < 20 || headerLength > length) return DecodeStatus.Malformed;
  out.srcPort = view.getUint16(at);
  out.dstPort = view.getUint16(at + 2);
  out.tcpSeq = view.getUint32(at + 4);
  out.tcpAck = view.getUint32(at + 8);
  out.tcpHeaderLength = headerLength;
  out.tcpFlags = offsetFlags & 0x1ff;
  out.tcpWindow = view.getUint16(at + 14);
  out.l4Checksum = view.getUint16(at + 16);
  out.tcpUrgent = view.getUint16(at + 18);
  out.l4ChecksumOk = foldComplement(sumWords(view, at, length, pseudoHeaderWords(src, dst, 6, length))) === 0 ? 1 : 0;
  out.payloadOffset = at + headerLength;
  out.payloadLength = length - headerLength;

  // Options (RFC 9293 section 3.2; window scale and timestamps RFC 7323; SACK RFC 2018)
  out.tcpMss = 0;
  out.tcpWindowScale = 0;
  out.tcpSackPermitted = 0;
  out.tcpSackBlocks = 0;
  out.tcpTimestamps = 0;
  out.tcpTsVal = 0;
  out.tcpTsEcr = 0;
  let count = 0;
  let i = at + 20;
  const end = at + headerLength;
  while (i < end) {
    const kind = view.getUint8(i);
    if (kind === 0) break;
    count++;
    if (kind === 1) {
      i++;
      continue;
    }
    if (i + 1 >= end) return DecodeStatus.Malformed;
    const optionLength = view.getUint8(i + 1);
    if (optionLength < 2 || i + optionLength > end) return DecodeStatus.Malformed;
    switch (kind) {
      case 2:
        if (optionLength !== 4) return DecodeStatus.Malformed;
        out.tcpMss = view.getUint16(i + 2);
        break;
      case 3:
        if (optionLength !== 3) return DecodeStatus.Malformed;
        out.tcpWindowScale = view.getUint8(i + 2);
        break;
      case 4:
        if (optionLength !== 2) return DecodeStatus.Malformed;
        out.tcpSackPermitted = 1;
        break;
      case 5:
        readSackBlocks(view, i, optionLength, out);
        break;
      case 8:
        if (optionLength !== 10) return DecodeStatus.Malformed;
        out.tcpTimestamps = 1;
        out.tcpTsVal = view.getUint32(i + 2);
        out.tcpTsEcr = view.getUint32(i + 6);
        break;
      default:
        break;
    }
    i += optionLength;
  }
  out.tcpOptionCount = count;
  return DecodeStatus.Ok;
}

/** The SACK edges of the option at `i`; a function of its own, as in the views decoder. */
function readSackBlocks(view: DataView, i: number, optionLength: number, out: DecodedFrame): void {
  const blocks = (optionLength - 2) >> 3;
  out.tcpSackBlocks = blocks;
  if (blocks > 0) {
    out.tcpSackLeft0 = view.getUint32(i + 2);
    out.tcpSackRight0 = view.getUint32(i + 6);
  }
  if (blocks > 1) {
    out.tcpSackLeft1 = view.getUint32(i + 10);
    out.tcpSackRight1 = view.getUint32(i + 14);
  }
  if (blocks > 2) {
    out.tcpSackLeft2 = view.getUint32(i + 18);
    out.tcpSackRight2 = view.getUint32(i + 22);
  }
}
