// TCP (RFC 9293), following tcpdump's print-tcp.c for ports it has no dissector for: flags, sequence numbers
// (absolute, or relative to each conversation's first), window, every option, with -v the checksum.

import { IpProtocol } from '../../generated/ipv4.js';
import { TcpField, TcpPacket } from '../../generated/tcp.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { dnsMessage } from './dns.js';
import { HEX_BYTE } from './hex-dump.js';
import { httpPayload } from './http.js';
import { addressesWithPorts, sourceAboveDestination, transportPseudoSum } from './ip.js';
import { hex, hex4, u16, u32, checksumShouldBe, type LineBuilder } from './line.js';
import { tcpFlagsText, tcpOptionText } from './names.js';
import { Piece, PieceTable } from './text-sink.js';

/**
 * One TCP conversation's initial sequence numbers, for tcpdump's relative numbering. `seq` and `ack` hold the
 * u32s' bits as int32s (`x | 0`): small integers to V8 whatever their value, so the objects keep one shape (a
 * u32 above 2^31 would turn the field into a boxed double and deoptimize the printer that made the object).
 */
export interface TcpConversation {
  /** The addresses as printed (IPv4 or IPv6 text). */
  src: string;
  dst: string;
  ports: number;
  seq: number;
  ack: number;
}

const tcpView = new TcpPacket();

// The constant parts of a TCP line, as words for the byte writers (LineBuilder.piece and field).
const FLAGS_PIECE = new PieceTable(tcpFlagsText);
/** An option's name with what comes before it: `, options [` before the first (index: kind), `,` after one (kind + 256). */
const OPTION_PIECE = new PieceTable((index) => (index < 256 ? ', options [' : ',') + tcpOptionText(index & 255));
const AFTER_COMMA = 256;
const SEQ = new Piece(', seq ');
const ACK = new Piece(', ack ');
const WIN = new Piece(', win ');
const URG = new Piece(', urg ');
const LENGTH = new Piece(', length ');
const OPTIONS = new Piece(', options [');
/** The end of the option list and the length after it. */
const CLOSE_LENGTH = new Piece('], length ');
const VAL = new Piece(' val ');
const ECR = new Piece(' ecr ');
const COLON = new Piece(':');
const COMMA = new Piece(',');
const SPACE = new Piece(' ');
const OPEN_BRACE = new Piece('{');
const CLOSE_BRACE = new Piece('}');
const CKSUM = new Piece(', cksum 0x');
const CORRECT = new Piece(' (correct)');

/**
 * A TCP segment at bytes[at] over the IP header described by `f.ip` (set by the IPv4 or IPv6 printer);
 * `length` is what the IP layer says is left.
 */
export function tcpSegment(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
  const src = f.ip.src;
  const dst = f.ip.dst;
  if (end - at < 4) {
    f.out += src + ' > ' + dst + ':';
    f.truncate('tcp', false);
    return;
  }
  const tcp = tcpView.init(bytes, at, end - at);
  const srcPort = tcp.srcPort;
  const dstPort = tcp.dstPort;
  addressesWithPorts(f, srcPort, dstPort);
  if (end - at < 20) {
    f.truncate('tcp', false);
    return;
  }
  let headerLength = tcp.headerLength;
  if (headerLength < 20) {
    f.out += ' tcp ' + ((length - headerLength) >>> 0) + ' [bad hdr length ' + headerLength + ' - too short, < 20]';
    return;
  }
  let seq = tcp.seqNumber;
  let ack = tcp.ackNumber;
  const window = tcp.windowLen;
  const urgent = tcp.urgentAt;
  if (f.quiet) {
    f.out += 'tcp ' + ((length - headerLength) >>> 0);
    if (headerLength > length) f.out += ' [bad hdr length ' + headerLength + ' - too long, > ' + length + ']';
    return;
  }
  // The flags' second byte: CWR ECE URG ACK PSH RST SYN FIN, the flags tcpdump prints.
  const flags = bytes[at + TcpField.Flags + 1]!;
  f.piece(FLAGS_PIECE.get(flags));
  let reversed = false;
  let baseSeq = 0;
  let baseAck = 0;
  if (f.relativeSequence && flags & 0x10) {
    reversed = srcPort > dstPort || (srcPort === dstPort && sourceAboveDestination(f.ip, bytes));
    const keySrc = reversed ? dst : src;
    const keyDst = reversed ? src : dst;
    // Both ports in one int32, so the map key is a small integer rather than a heap number.
    const ports = reversed ? (dstPort << 16) | srcPort : (srcPort << 16) | dstPort;
    let bucket = f.conversations.get(ports);
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
          f.conversations.set(ports, bucket);
        }
        bucket.push(conversation);
      }
      // Both values computed whichever the direction: arithmetic V8 has not yet seen run would deoptimize.
      const own = seq | 0;
      const peer = (ack - 1) | 0;
      conversation.seq = reversed ? peer : own;
      conversation.ack = reversed ? own : peer;
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
    f.out += ' [bad hdr length ' + headerLength + ' - too long, > ' + length + ']';
    return;
  }
  if (f.verbose && !fragmented && at + length <= end) {
    const sum = checksumFold(checksumSum(bytes, at, length, transportPseudoSum(f.ip, bytes, end, IpProtocol.Tcp, length)));
    const field = tcp.checksum;
    f.piece(CKSUM);
    f.hex4(field);
    if (sum === 0) f.piece(CORRECT);
    else f.out += ' (incorrect -> 0x' + hex4(checksumShouldBe(field, sum)) + ')';
  }
  const dataLength = length - headerLength;
  // tcpdump shows the sequence number of every segment from -vv on.
  if (f.verbosity > 1 || dataLength > 0 || flags & 0x07) {
    f.field(SEQ, seq);
    if (dataLength > 0) f.field(COLON, (seq + dataLength) >>> 0);
  }
  if (flags & 0x10) f.field(ACK, ack);
  f.field(WIN, window);
  if (flags & 0x20) f.field(URG, urgent);
  if (headerLength > 20) {
    if (!tcpOptions(f, bytes, at + 20, headerLength - 20, end, reversed, baseSeq, baseAck, at + length <= end)) return;
    f.field(CLOSE_LENGTH, dataLength);
  } else {
    f.field(LENGTH, dataLength);
  }
  if (dataLength <= 0) return;
  if (at + headerLength > end) {
    f.out += ' [remaining caplen(' + (end - at) + ') < header length(' + headerLength + ')]';
    f.truncate('tcp');
    return;
  }
  // RFC 9293 section 3.5.3 lets a RST carry text saying why; -v shows up to 30 bytes of it.
  if (flags & 0x04 && f.verbose) {
    resetData(f, bytes, at + headerLength, end, dataLength);
    return;
  }
  applicationPayload(f, bytes, at + headerLength, end, dataLength, srcPort, dstPort);
}

/** Well-known ports (IANA "Service Name and Transport Protocol Port Number Registry"). */
const PORT_DNS = 53;
const PORT_HTTP = 80;
const PORT_HTTP_ALT = 8080;
/**
 * Each port's place in tcpdump's chain of TCP printers, one byte per port so that a segment between two
 * ports no printer claims costs two loads: 0 none, APP_EARLIER a printer before HTTP's that we do not have
 * (telnet, SMTP, whois, BGP, PPTP, Redis, SSH, NetBIOS, SMB, BEEP, OpenFlow, FTP), APP_HTTP, APP_BEFORE_DNS
 * (RTSP, whose printer comes before DNS's), APP_DNS. The lower class wins, as tcpdump tests them in order.
 */
const APP_EARLIER = 1;
const APP_HTTP = 2;
const APP_BEFORE_DNS = 3;
const APP_DNS = 4;
const PORT_CLASS = new Uint8Array(65536);
for (const port of [23, 25, 43, 179, 1723, 6379, 22, 139, 445, 10288, 6633, 6653, 21]) PORT_CLASS[port] = APP_EARLIER;
PORT_CLASS[PORT_HTTP] = APP_HTTP;
PORT_CLASS[PORT_HTTP_ALT] = APP_HTTP;
PORT_CLASS[554] = APP_BEFORE_DNS;
PORT_CLASS[8554] = APP_BEFORE_DNS;
PORT_CLASS[PORT_DNS] = APP_DNS;

/** tcpdump's application printers for the segment's payload on the ports we decode (HTTP, DNS over TCP). */
function applicationPayload(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, srcPort: number, dstPort: number): void {
  const a = PORT_CLASS[srcPort]!;
  const b = PORT_CLASS[dstPort]!;
  if ((a | b) === 0) return;
  const first = a === 0 ? b : b === 0 ? a : Math.min(a, b);
  if (first === APP_HTTP) {
    f.out += ': ';
    httpPayload(f, bytes, at, end, length);
  } else if (first === APP_DNS) {
    dnsMessage(f, bytes, at, end, length, true);
  }
}

function resetData(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  f.out += at + length <= end ? ' [RST' : ' [!RST';
  if (length > 30) {
    length = 30;
    f.out += '+';
  }
  f.out += ' ';
  for (let i = 0; i < length && at + i < end; i++) {
    let c = bytes[at + i]!;
    if (c >= 0x80) {
      f.out += 'M-';
      c &= 0x7f;
    }
    f.out += c < 0x20 || c === 0x7f ? '^' + String.fromCharCode(c ^ 0x40) : String.fromCharCode(c);
  }
  f.out += ']';
}

/**
 * tcpdump's option walk, from `, options [` to the last option (the caller closes the list); false when it
 * ended the line early ([bad opt] or truncation).
 */
function tcpOptions(
  f: LineBuilder,
  bytes: Uint8Array, at: number, remaining: number, end: number, reversed: boolean, baseSeq: number, baseAck: number,
  segmentCaptured: boolean,
): boolean {
  let separator = false;
  while (remaining > 0) {
    // What comes before the option (`, options [` or `,`) is written with its name, in one piece; a walk that
    // ends before the name writes it alone.
    if (at >= end) return tcpTruncatedRead(f, separator);
    const kind = bytes[at++]!;
    let optionLength: number;
    if (kind === 0 || kind === 1) {
      optionLength = 1;
    } else {
      if (at >= end) return tcpTruncatedRead(f, separator);
      optionLength = bytes[at++]!;
      if (optionLength < 2 || optionLength > remaining) {
        f.piece(separator ? COMMA : OPTIONS);
        return tcpBadOption(f, separator);
      }
      remaining--;
    }
    remaining--;
    f.piece(OPTION_PIECE.get(separator ? kind + AFTER_COMMA : kind));
    let dataLength = 0;
    switch (kind) {
      case 2:
        dataLength = 2;
        if (dataLength > remaining) return tcpBadOption(f, separator);
        if (at + 2 > end) return tcpTruncated(f, separator);
        f.field(SPACE, u16(bytes, at));
        break;
      case 3:
        dataLength = 1;
        if (dataLength > remaining) return tcpBadOption(f, separator);
        if (at + 1 > end) return tcpTruncated(f, separator);
        f.field(SPACE, bytes[at]!);
        break;
      case 5:
        dataLength = optionLength - 2;
        if (dataLength % 8 !== 0) {
          f.out += ' invalid sack';
        } else {
          f.field(SPACE, dataLength / 8);
          f.piece(SPACE);
          for (let i = 0; i < dataLength; i += 8) {
            if (i + 4 > remaining) return tcpBadOption(f, separator);
            if (at + i + 4 > end) return tcpTruncated(f, separator);
            if (i + 8 > remaining) return tcpBadOption(f, separator);
            if (at + i + 8 > end) return tcpTruncated(f, separator);
            const base = reversed ? baseSeq : baseAck;
            f.field(OPEN_BRACE, (u32(bytes, at + i) - base) >>> 0);
            f.field(COLON, (u32(bytes, at + i + 4) - base) >>> 0);
            f.piece(CLOSE_BRACE);
          }
        }
        break;
      case 8:
        dataLength = 8;
        if (dataLength > remaining) return tcpBadOption(f, separator);
        if (at + 8 > end) return tcpTruncated(f, separator);
        f.field(VAL, u32(bytes, at));
        f.field(ECR, u32(bytes, at + 4));
        break;
      case 0:
      case 1:
      case 4:
        break;
      default: {
        // The options Linux and the common stacks send are above; the rest are printed apart.
        const length = otherTcpOption(f, bytes, at, kind, optionLength, remaining, end, separator, segmentCaptured);
        if (length < 0) return false;
        dataLength = length;
        break;
      }
    }
    at += dataLength;
    remaining -= dataLength;
    let expected = dataLength + 1;
    if (kind !== 0 && kind !== 1) expected++;
    if (expected !== optionLength) f.out += '[len ' + optionLength + ']';
    separator = true;
    if (kind === 0) break;
  }
  return true;
}

/**
 * The options printed apart from tcpOptions' loop (rarer than MSS, window scale, SACK and timestamps): prints
 * the option's data and returns its length, or -1 when the line ended there ([bad opt] or truncation).
 */
function otherTcpOption(
  f: LineBuilder, bytes: Uint8Array, at: number, kind: number, optionLength: number, remaining: number, end: number, separator: boolean,
  segmentCaptured: boolean,
): number {
  let dataLength = 0;
  switch (kind) {
    case 6:
    case 7:
    case 11:
    case 12:
    case 13:
      dataLength = 4;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + 4 > end) return lineEnded(tcpTruncated(f, separator));
      f.field(SPACE, u32(bytes, at));
      break;
    case 19:
      // TCP MD5 signature (RFC 2385): tcpdump cannot check it without the shared secret (-M).
      dataLength = 16;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + 16 > end) return lineEnded(tcpTruncated(f, separator));
      // tcpdump checks that the whole segment was captured before it asks for the secret.
      f.out += segmentCaptured ? " shared secret not supplied with -M, can't check - " : " snaplen too short, can't check - ";
      for (let i = 0; i < 16; i++) f.out += HEX_BYTE[bytes[at + i]!]!;
      break;
    case 20:
      dataLength = 2;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + 2 > end) return lineEnded(tcpTruncated(f, separator));
      f.out += ' cap ' + HEX_BYTE[bytes[at]!]! + ' id ' + bytes[at + 1]!;
      break;
    case 28: {
      dataLength = 2;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + 2 > end) return lineEnded(tcpTruncated(f, separator));
      const timeout = u16(bytes, at);
      // RFC 5482 section 3: the low bit says whether the value counts minutes or seconds.
      f.out += ' 0x' + hex(timeout) + ' ' + (timeout & 1 ? (timeout >>> 1) * 60 : timeout >>> 1);
      break;
    }
    case 34:
      dataLength = optionLength - 2;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + dataLength > end) return lineEnded(tcpTruncated(f, separator));
      f.out += ' ';
      fastOpenCookie(f, bytes, at, dataLength, false);
      break;
    case 254: {
      dataLength = optionLength - 2;
      if (dataLength > remaining) return lineEnded(tcpBadOption(f, separator));
      if (at + dataLength > end) return lineEnded(tcpTruncated(f, separator));
      if (dataLength < 2) return lineEnded(tcpBadOption(f, separator));
      // RFC 6994 experiment identifiers; 0xf989 is TCP Fast Open's (RFC 7413).
      const magic = u16(bytes, at);
      f.out += '-';
      if (magic === 0xf989) fastOpenCookie(f, bytes, at + 2, dataLength - 2, true);
      else f.out += hex4(magic);
      break;
    }
    default:
      // Options we do not interpret (tcpdump decodes some of them further): the bytes in hex.
      dataLength = optionLength - 2;
      if (dataLength > 0) f.out += ' 0x';
      for (let i = 0; i < dataLength; i++) {
        if (i + 1 > remaining) return lineEnded(tcpBadOption(f, separator));
        if (at + i + 1 > end) return lineEnded(tcpTruncated(f, separator));
        f.out += HEX_BYTE[bytes[at + i]!]!;
      }
      break;
  }
  return dataLength;
}

/** otherTcpOption's -1, after tcpBadOption or tcpTruncated ended the line. */
function lineEnded(_ended: false): number {
  return -1;
}

/** RFC 7413 section 4.1.1: an empty cookie requests one; a cookie is 4 to 16 bytes, an even count. */
function fastOpenCookie(f: LineBuilder, bytes: Uint8Array, at: number, length: number, experimental: boolean): void {
  if (experimental) f.out += 'tfo';
  if (length === 0) f.out += ' cookiereq';
  else if (length % 2 !== 0 || length < 4 || length > 16) f.out += ' (invalid)';
  else {
    f.out += ' cookie ';
    for (let i = 0; i < length; i++) f.out += HEX_BYTE[bytes[at + i]!]!;
  }
}

function tcpBadOption(f: LineBuilder, separator: boolean): false {
  f.out += '[bad opt]';
  if (separator) f.out += ']';
  return false;
}

/** Truncated inside an option's data: tcpdump closes the line with '>' once an option was printed. */
function tcpTruncated(f: LineBuilder, separator: boolean): false {
  // tcpdump's ND_TCHECK: the line ends but the packet counts as decoded (its -x dump skips the link header).
  f.out += ' [|tcp]';
  if (separator) f.out += '>';
  return false;
}

/** Truncated where the option kind or length byte should be (after an option when `separator`). */
function tcpTruncatedRead(f: LineBuilder, separator: boolean): false {
  f.piece(separator ? COMMA : OPTIONS);
  f.truncate('tcp');
  return false;
}
