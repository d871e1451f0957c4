// IPv4 (RFC 791), following tcpdump's print-ip.c: with -v the header's details, options and checksum on a line
// of their own, then the payload's printer. A new transport (or IPv6's extension headers, for an IPv6
// printer beside this one) is one more case in the switch on the protocol.

import { Ipv4Field, Ipv4OptionKind, Ipv4Packet, IpProtocol } from '../../generated/ipv4.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { icmpMessage } from './icmpv4.js';
import { checksumShouldBe, hex, u16, u32, type LineBuilder } from './line.js';
import { IP_OPTION_NAMES, IP_PROTOCOL_NAMES } from './names.js';
import { Piece, PieceTable } from './text-sink.js';
import { tcpSegment } from './tcp.js';
import { udpDatagram } from './udp.js';

// How tcpdump's IPv4 option walk ended: whole, cut by the capture inside an option's data (its ND_TCHECK),
// or cut where the kind or length byte should be (its GET_ macros, which abandon the packet).
const OPTIONS_OK = 0;
const OPTIONS_CUT = 1;
const OPTIONS_READ_PAST_CAPTURE = 2;

/** DCCP (RFC 4340), whose tcpdump printer prints the addresses itself. */
const IP_PROTOCOL_DCCP = 33;

const ipv4View = new Ipv4Packet();

// The constant parts of the -v header line, as words for the byte writers (LineBuilder.piece and field):
// `(tos 0x0` with its ECN codepoint (RFC 3168 section 5) for each value of the byte, `, flags [DF]` for each
// combination of the three flags (RFC 791 section 3.1: reserved, DF, MF), `, proto TCP (6)` per protocol.
const ECN_TEXT = ['', ',ECT(1)', ',ECT(0)', ',CE'];
const TOS_PIECE = new PieceTable((tos) => '(tos 0x' + hex(tos) + ECN_TEXT[tos & 3]!);
const FLAGS_PIECE = new PieceTable((flags) => {
  const names = [flags & 1 ? '+' : '', flags & 2 ? 'DF' : '', flags & 4 ? 'rsvd' : ''].filter((name) => name !== '');
  return ', flags [' + (names.join(', ') || 'none') + ']';
});
const PROTO_PIECE = new PieceTable((protocol) => ', proto ' + (IP_PROTOCOL_NAMES.get(protocol) ?? 'unknown') + ' (' + protocol + ')');
const TTL = new Piece(', ttl ');
const ID = new Piece(', id ');
const OFFSET = new Piece(', offset ');
const LENGTH = new Piece(', length ');
const HEADER_END = new Piece(')\n    ');
const IP_SPACE = new Piece('IP ');
/** ipv4FinalDestination's, apart: it is called while ipv4View points at the packet being printed. */
const routeView = new Ipv4Packet();

/**
 * Appends the IPv4 packet at bytes[at] (captured up to captureEnd) to the line; `length` is what the link layer
 * says is left on the wire. `printIp` starts with `IP ` (not under -e); `quoted` for the header an ICMP error quotes.
 */
export function ipv4Packet(f: LineBuilder, bytes: Uint8Array, at: number, captureEnd: number, length: number, printIp: boolean, quoted = false): void {
  if (captureEnd - at < 1) {
    // tcpdump reads the version before it counts itself the IP printer: inside an ICMP error it is
    // still the ICMP printer that runs out of bytes.
    f.truncate(quoted ? 'icmp' : 'ip');
    return;
  }
  const ip = ipv4View.init(bytes, at, captureEnd - at);
  const version = ip.version;
  if (version !== 4) {
    f.out += version === 6 ? 'IP6, wrong link-layer encapsulation' : 'IP' + version;
    f.out += ' (invalid)';
    return;
  }
  if (printIp) f.piece(IP_SPACE);
  if (captureEnd - at < 20) {
    f.truncate('ip', false);
    return;
  }
  if (length < 20) {
    f.out += 'truncated-ip ' + length;
    return;
  }
  const headerLength = ip.headerLength;
  if (headerLength < 20) {
    f.out += 'bad-hlen ' + headerLength;
    return;
  }
  let totalLength = ip.totalLen;
  if (length < totalLength) f.out += 'truncated-ip - ' + (totalLength - length) + ' bytes missing! ';
  if (totalLength < headerLength) {
    f.out += 'bad-len ' + totalLength;
    return;
  }

  // Nothing beyond the datagram belongs to it (Ethernet pads short frames).
  let end = at + Math.min(length, totalLength);
  if (end > captureEnd) end = captureEnd;
  const payloadLength = totalLength - headerLength;
  const protocol = ip.protocol as number;
  // Flags: reserved, DF, MF (RFC 791 section 3.1); fragmentOffset in 8-byte units.
  const ipFlags = ip.flags;
  const fragmentOffset = ip.fragOffsetRaw;
  const src = ip.srcAddr;
  const dst = ip.dstAddr;
  if (f.verbose) {
    const tos = bytes[at + Ipv4Field.Dscp]!; // the whole byte, DSCP and ECN
    f.piece(TOS_PIECE.get(tos));
    const ttl = ip.hopLimit;
    if (ttl >= 1) f.field(TTL, ttl);
    f.field(ID, ip.ident);
    f.field(OFFSET, fragmentOffset * 8);
    f.piece(FLAGS_PIECE.get(ipFlags & 7));
    f.piece(PROTO_PIECE.get(protocol));
    f.field(LENGTH, totalLength);
    let optionsTruncated = OPTIONS_OK;
    if (headerLength > 20) {
      f.out += ', options (';
      optionsTruncated = ipv4Options(f, bytes, at + 20, headerLength - 20, end);
      if (optionsTruncated === OPTIONS_READ_PAST_CAPTURE) {
        f.truncate('ip');
        return;
      }
      if (optionsTruncated === OPTIONS_CUT) f.out += ' [truncated-option]';
      f.out += ')';
    }
    if (at + headerLength <= end) {
      const sum = checksumFold(checksumSum(bytes, at, headerLength, 0));
      if (sum !== 0) {
        const field = ip.checksum;
        f.out += ', bad cksum ' + hex(field) + ' (->' + hex(checksumShouldBe(field, sum)) + ')!';
      }
    }
    f.piece(HEADER_END);
    if (optionsTruncated === OPTIONS_CUT) {
      f.out += f.ipText.text(src) + ' > ' + f.ipText.text(dst) + ': ';
      f.truncate('ip', false);
      return;
    }
  }
  if (fragmentOffset !== 0) {
    f.out += f.ipText.text(src) + ' > ' + f.ipText.text(dst) + ': ip-proto-' + protocol;
    return;
  }
  const payload = at + headerLength;
  // TCP and UDP print the addresses with their ports; everything else gets them here. tcpdump's DCCP and
  // SCTP printers print them with ports too, so a header cut before them shows no addresses; we print those
  // protocols generically, after the addresses.
  const ownAddresses = protocol === IpProtocol.Tcp || protocol === IpProtocol.Udp || protocol === IpProtocol.Sctp || protocol === IP_PROTOCOL_DCCP;
  if (!ownAddresses) f.out += f.ipText.text(src) + ' > ' + f.ipText.text(dst) + ': ';
  if (captureEnd - at < headerLength) {
    f.out += ' [remaining caplen(' + (captureEnd - at) + ') < header length(' + headerLength + ')]';
    f.truncate('ip');
    return;
  }
  const fragmented = (ipFlags & 1) !== 0 || fragmentOffset !== 0;
  switch (protocol) {
    case IpProtocol.Tcp:
      setIpv4Context(f, at, src, dst);
      tcpSegment(f, bytes, payload, end, payloadLength, fragmented);
      return;
    case IpProtocol.Udp:
      setIpv4Context(f, at, src, dst);
      udpDatagram(f, bytes, payload, end, payloadLength, fragmented);
      return;
    case IpProtocol.Icmp:
      icmpMessage(f, bytes, payload, end, payloadLength, fragmented);
      return;
    case IpProtocol.Ipv6NoNxt:
      // IPv6's "No Next Header" (RFC 8200 section 4.7), which tcpdump names in IPv4 too.
      f.out += 'no next header';
      return;
    case 77: // Sun ND, which tcpdump names
      f.out += ' nd ' + payloadLength;
      return;
    default:
      if (ownAddresses) f.out += f.ipText.text(src) + ' > ' + f.ipText.text(dst) + ': ';
      f.out += ' ip-proto-' + protocol + ' ' + payloadLength;
      return;
  }
}

/** tcpdump's ip_optprint: OPTIONS_OK, or how the options ran past the captured bytes. */
function ipv4Options(f: LineBuilder, bytes: Uint8Array, at: number, length: number, end: number): number {
  let first = true;
  while (length > 0) {
    if (!first) f.out += ',';
    first = false;
    if (at >= end) return OPTIONS_READ_PAST_CAPTURE;
    const kind = bytes[at]!;
    f.out += IP_OPTION_NAMES.get(kind) ?? 'unknown ' + kind;
    if (kind === Ipv4OptionKind.EndOfList || kind === Ipv4OptionKind.Nop) {
      if (kind === Ipv4OptionKind.EndOfList) return OPTIONS_OK;
      at++;
      length--;
      continue;
    }
    if (at + 1 >= end) return OPTIONS_READ_PAST_CAPTURE;
    const optionLength = bytes[at + 1]!;
    if (optionLength < 2 || optionLength > length) {
      f.out += ' [bad length ' + optionLength + ']';
      return OPTIONS_OK;
    }
    if (at + optionLength > end) return OPTIONS_CUT;
    if (kind === Ipv4OptionKind.RecordRoute || kind === Ipv4OptionKind.LooseSourceRoute || kind === Ipv4OptionKind.StrictSourceRoute) {
      // Record Route and the source routes (RFC 791): the addresses, a comma after those already used.
      if (optionLength < 3) f.out += ' [bad length ' + optionLength + ']';
      else {
        if ((optionLength + 1) & 3) f.out += ' [bad length ' + optionLength + ']';
        // Unsigned, as tcpdump's: a pointer byte of 0 wraps to a pointer past every address.
        const pointer = (bytes[at + 2]! - 1) >>> 0;
        if (pointer < 3 || (pointer + 1) & 3 || pointer > optionLength + 1) f.out += ' [bad ptr ' + bytes[at + 2]! + ']';
        for (let i = 3; i < optionLength; i += 4) {
          if (i + 4 > optionLength) return OPTIONS_CUT;
          f.out += ' ' + f.ipText.text(u32(bytes, at + i));
          if (pointer > i) f.out += ',';
        }
      }
    } else if (kind === Ipv4OptionKind.Timestamp) {
      if (!ipv4Timestamps(f, bytes, at, optionLength, end)) return OPTIONS_CUT;
    } else if (kind === Ipv4OptionKind.RouterAlert) {
      // Router Alert (RFC 2113): tcpdump prints a non-zero value.
      if (optionLength < 4) f.out += ' [bad length ' + optionLength + ']';
      else if (u16(bytes, at + 2) !== 0) f.out += ' value ' + u16(bytes, at + 2);
    }
    at += optionLength;
    length -= optionLength;
  }
  return OPTIONS_OK;
}

/** The Internet Timestamp option (RFC 791 section 3.1), as tcpdump's ip_printts; false when cut short. */
function ipv4Timestamps(f: LineBuilder, bytes: Uint8Array, at: number, length: number, end: number): boolean {
  if (length < 4) {
    f.out += '[bad length ' + length + ']';
    return true;
  }
  f.out += ' TS{';
  const flags = bytes[at + 3]! & 15;
  // Flag 0: timestamps only; 1 and 3: address and timestamp pairs.
  const hop = flags !== 0 ? 8 : 4;
  if ((length - 4) & (hop - 1)) f.out += '[bad length ' + length + ']';
  const pointer = bytes[at + 2]! - 1;
  if (pointer < 4 || (pointer - 4) & (hop - 1) || pointer > length + 1) f.out += '[bad ptr ' + bytes[at + 2]! + ']';
  let entry = 0;
  // RFC 791 defines flags 0 (timestamps only), 1 (address and timestamp pairs) and 3 (prespecified
  // addresses); tcpdump calls any other flag, 2 included, a bad type and prints no entries.
  const kind = flags === 0 ? 'TSONLY' : flags === 1 ? 'TS+ADDR' : flags === 3 ? 'PRESPEC' : null;
  if (kind !== null) {
    f.out += kind;
    let mark = ' ';
    for (entry = 4; entry < length; entry += hop) {
      if (pointer === entry) mark = ' ^ ';
      if (at + entry + hop > end) return false;
      f.out += mark + u32(bytes, at + entry + hop - 4) + '@' + (hop !== 8 ? '' : f.ipText.text(u32(bytes, at + entry)));
      mark = ' ';
    }
  } else {
    f.out += '[bad ts type ' + flags + ']';
  }
  if (pointer === entry) f.out += ' ^ ';
  const notRecorded = bytes[at + 3]! >>> 4;
  f.out += notRecorded ? ' [' + notRecorded + ' hops not recorded]} ' : '}';
  return true;
}

/** Points the transport's IP context (line.ts) at the IPv4 header at bytes[at]. */
function setIpv4Context(f: LineBuilder, at: number, src: number, dst: number): void {
  const ip = f.ip;
  ip.version = 4;
  ip.at = at;
  ip.portsOnly = false;
  ip.srcAddress = src | 0;
  ip.dstAddress = dst | 0;
  ip.src = f.ipText.text(src);
  ip.dst = f.ipText.text(dst);
}

/**
 * The destination the TCP/UDP pseudo-header uses for the IPv4 header at `ipAt`: with a loose or strict source
 * route (RFC 791 section 3.1), the route's last address rather than the next hop in the header (what tcpdump's
 * ip_finddst reports). Reads nothing at or past `end`. With `onlyUnfinishedRoute`, as tshark's ip.dst: only while
 * the route's pointer is valid and has not passed its end (a finished route has already reached its
 * destination); a pointer before the first address (below 4, RFC 791's smallest) or off an address boundary
 * leaves the header's destination, as in tshark's get_dst_offset.
 */
export function ipv4FinalDestination(bytes: Uint8Array, ipAt: number, end: number, onlyUnfinishedRoute = false): number {
  const ip = routeView.init(bytes, ipAt, end - ipAt);
  let length = ip.optionsLength;
  let at = ip.optionsOffset;
  while (length > 0) {
    if (at >= end) break;
    const kind = bytes[at]!;
    if (kind === Ipv4OptionKind.EndOfList) break;
    let optionLength = 1;
    if (kind !== Ipv4OptionKind.Nop) {
      if (at + 1 >= end) break;
      optionLength = bytes[at + 1]!;
      if (optionLength < 2) break;
    }
    if (length < optionLength || at + optionLength > end) break;
    if ((kind === Ipv4OptionKind.LooseSourceRoute || kind === Ipv4OptionKind.StrictSourceRoute) && optionLength >= 7 && (!onlyUnfinishedRoute || validPointer(bytes[at + 2]!, optionLength))) {
      return u32(bytes, at + optionLength - 4);
    }
    at += optionLength;
    length -= optionLength;
  }
  return ip.dstAddr;
}

/** tshark's test of a source route's pointer before it takes the route's last address as the destination. */
function validPointer(pointer: number, optionLength: number): boolean {
  return pointer >= 4 && (pointer & 3) === 0 && pointer <= optionLength;
}
