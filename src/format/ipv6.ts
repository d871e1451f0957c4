// IPv6 (RFC 8200), following tcpdump's print-ip6.c, print-ip6opts.c, print-frag6.c and print-rt6.c: with -v the
// header's details, then the extension headers in order (Hop-by-Hop and Destination Options with their options,
// Routing, Fragment) and the upper layer's printer. Every read stays inside the captured bytes and inside the
// packet (Payload Length); running out of either ends the line as tcpdump does.

import { IpProtocol } from '../../generated/ipv4.js';
import { Ipv6ExtensionHeader, Ipv6OptionType } from '../../generated/ipv6-extension.js';
import { Ipv6FragmentHeader } from '../../generated/ipv6-fragment.js';
import { Ipv6Packet } from '../../generated/ipv6.js';
import { Ipv6RoutingHeader } from '../../generated/ipv6-routing.js';
import { formatIpv6 } from '../wire/ipv6-address.js';
import { icmpv6Message } from './icmpv6.js';
import { hex, hex2, hex4, u16, u32, type LineBuilder } from './line.js';
import { IP_PROTOCOL_NAMES } from './names.js';
import { tcpSegment } from './tcp.js';
import { udpDatagram } from './udp.js';

const IPV6_HEADER_LENGTH = 40;
const ipv6View = new Ipv6Packet();
const extensionView = new Ipv6ExtensionHeader();
const routingView = new Ipv6RoutingHeader();
const fragmentView = new Ipv6FragmentHeader();

// Routing types (RFC 8200 section 4.4; IANA "Routing Types"): 0 deprecated source route (RFC 5095), 2 Mobile
// IPv6 (RFC 6275), 4 Segment Routing (RFC 8754).
const ROUTING_TYPE_0 = 0;
const ROUTING_TYPE_2 = 2;
const ROUTING_TYPE_4 = 4;
/** Where the addresses of a type 0/2 routing header, and the segments of a type 4 one, start. */
const ROUTING_ADDRESSES_AT = 8;

/**
 * Appends the IPv6 packet at bytes[at] (captured up to captureEnd) to the line; `length` is what the link layer
 * says is left on the wire. `printIp` starts with `IP6 ` (not under -e).
 */
export function ipv6Packet(f: LineBuilder, bytes: Uint8Array, at: number, captureEnd: number, length: number, printIp: boolean): void {
  if (captureEnd - at < IPV6_HEADER_LENGTH) {
    f.truncate('ip6', false);
    return;
  }
  if (length < IPV6_HEADER_LENGTH) {
    f.out += 'truncated-ip6 ' + length;
    return;
  }
  if (printIp) f.out += 'IP6 ';
  const ip = ipv6View.init(bytes, at, captureEnd - at);
  if (ip.version !== 6) {
    f.out += 'version error: ' + ip.version + ' != 6';
    return;
  }
  let payloadLength = ip.payloadLen;
  let len: number;
  if (payloadLength !== 0) {
    len = payloadLength + IPV6_HEADER_LENGTH;
    if (length < len) f.out += 'truncated-ip6 - ' + (len - length) + ' bytes missing!';
  } else {
    // A zero Payload Length announces a Jumbo Payload option (RFC 2675 section 2), looked for below.
    len = length + IPV6_HEADER_LENGTH;
  }
  let nh = ip.nextHeader as number;
  if (f.verbose) {
    const trafficClass = ip.trafficClass;
    const flowLabel = ip.flowLabel;
    f.out += '(';
    if (trafficClass !== 0) f.out += 'class 0x' + (trafficClass < 16 ? '0' : '') + hex(trafficClass) + ', ';
    if (flowLabel !== 0) f.out += 'flowlabel 0x' + '00000'.slice(hex(flowLabel).length) + hex(flowLabel) + ', ';
    f.out += 'hlim ' + ip.hopLimit + ', next-header ' + (IP_PROTOCOL_NAMES.get(nh) ?? 'unknown') + ' (' + nh + ') payload length: ' + payloadLength + ') ';
  }
  // Nothing beyond the packet belongs to it (Ethernet pads short frames).
  const end = Math.min(captureEnd, at + len);
  const src = ip.srcAddrOffset;
  const dst = ip.dstAddrOffset;
  let cp = at;
  let advance = IPV6_HEADER_LENGTH;
  let totalAdvance = 0;
  let previous = -1;
  let foundExtension = false;
  let foundJumbo = false;
  let foundHopByHop = false;
  let fragmented = false;
  while (cp < end && advance > 0) {
    if (len < advance) {
      f.truncate('ip6', false);
      return;
    }
    cp += advance;
    len -= advance;
    totalAdvance += advance;
    if (cp === at + IPV6_HEADER_LENGTH && nh !== IpProtocol.Tcp && nh !== IpProtocol.Udp && nh !== 33 && nh !== 132) {
      f.out += formatIpv6(bytes, src) + ' > ' + formatIpv6(bytes, dst) + ': ';
    }
    switch (nh) {
      case IpProtocol.HopByHop: {
        // RFC 8200 section 4.1: only directly after the IPv6 header, once.
        if (foundHopByHop) {
          f.out += '[The Hop-by-Hop Options header was already found] (invalid)';
          return;
        }
        if (previous !== -1) {
          f.out += "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)";
          return;
        }
        const result = optionsHeader(f, bytes, cp, end, 'hbhopt', payloadLength === 0);
        // A read past the capture abandons the packet in tcpdump (its GET_ macros), before the jumbo check.
        if (result === -1 && f.truncated) return;
        if (result === -2) {
          foundJumbo = true;
          payloadLength = jumboLength;
          advance = extensionView.init(bytes, cp, end - cp).headerLength;
        } else {
          advance = result;
        }
        if (payloadLength === 0 && !foundJumbo) {
          f.out += '[No valid Jumbo Payload Hop-by-Hop option found] (invalid)';
          return;
        }
        if (advance < 0) return;
        foundExtension = true;
        foundHopByHop = true;
        nh = bytes[cp]!;
        break;
      }
      case IpProtocol.Ipv6Opts:
        advance = optionsHeader(f, bytes, cp, end, 'dstopt', false);
        if (advance < 0) return;
        foundExtension = true;
        nh = bytes[cp]!;
        break;
      case IpProtocol.Ipv6Frag: {
        // tcpdump's frag6_print: offset and what the packet holds after the fragment header (a size_t in
        // tcpdump, so a Payload Length too small for the headers wraps around 2^64).
        if (cp + (f.verbose ? 8 : 4) > end) {
          f.truncate('frag6');
          return;
        }
        const frag = fragmentView.init(bytes, cp, end - cp);
        const offset = frag.fragOffset;
        const fragmentLength = IPV6_HEADER_LENGTH + ip.payloadLen - (cp - at) - 8;
        const lengthText = fragmentLength >= 0 ? String(fragmentLength) : String(2n ** 64n + BigInt(fragmentLength));
        f.out += 'frag (' + (f.verbose ? '0x' + hex8(frag.ident) + ':' : '') + offset + '|' + lengthText + ')';
        if (offset !== 0) return;
        f.out += ' ';
        advance = 8;
        if (end <= cp + advance) return;
        foundExtension = true;
        nh = bytes[cp]!;
        fragmented = true;
        break;
      }
      case IpProtocol.Ipv6Route:
        advance = routingHeader(f, bytes, cp, end);
        if (advance < 0) return;
        foundExtension = true;
        nh = bytes[cp]!;
        break;
      default: {
        if (foundJumbo) {
          len = payloadLength + IPV6_HEADER_LENGTH;
          if (len < totalAdvance) {
            f.truncate('ip6', false);
            return;
          }
          if (length < len) f.out += 'truncated-ip6 - ' + (len - length) + ' bytes missing!';
          len -= totalAdvance;
        } else if (payloadLength === 0) {
          if (foundExtension) {
            f.truncate('ip6', false);
            return;
          }
          len = 0;
        }
        upperLayer(f, bytes, at, cp, Math.min(end, cp + len), len, nh, fragmented);
        return;
      }
    }
    previous = nh;
  }
}

/** The Jumbo Payload length optionsHeader found (returned as -2), read by the caller at once. */
let jumboLength = 0;

/**
 * A Hop-by-Hop (`hbhopt`) or Destination Options (`dstopt`) header at bytes[cp]: its length in bytes, -1 when the
 * line ended (truncation or a malformed option), -2 when a valid Jumbo Payload option was found (jumboLength).
 */
function optionsHeader(f: LineBuilder, bytes: Uint8Array, cp: number, end: number, protocol: string, jumboAllowed: boolean): number {
  if (cp + 2 > end) {
    f.truncate(protocol);
    return -1;
  }
  const header = extensionView.init(bytes, cp, end - cp);
  const headerLength = header.headerLength;
  if (cp + headerLength > end) {
    f.truncate(protocol, false);
    return -1;
  }
  const hopByHop = protocol === 'hbhopt';
  jumboLength = 0;
  f.out += hopByHop ? 'HBH ' : 'DSTOPT ';
  if (!hopByHop && !f.verbose) return headerLength;
  let jumbo = false;
  // RFC 8200 section 4.2: type-length-value options from byte 2.
  const start = cp + 2;
  const optionsLength = headerLength - 2;
  let optionLength = 0;
  for (let i = 0; i < optionsLength; i += optionLength) {
    const type = bytes[start + i]!;
    if (type === Ipv6OptionType.Pad1) optionLength = 1;
    else if (i + 1 < optionsLength) optionLength = bytes[start + i + 1]! + 2;
    else return optionsTruncated(f, protocol);
    if (i + optionLength > optionsLength) return optionsTruncated(f, protocol);
    const left = optionsLength - i;
    switch (type) {
      case Ipv6OptionType.Pad1:
        if (f.verbose) f.out += '(pad1)';
        break;
      case Ipv6OptionType.PadN:
        if (left < 2) {
          f.out += '(padn: trunc)';
          return optionsTruncated(f, protocol);
        }
        if (f.verbose) f.out += '(padn)';
        break;
      case Ipv6OptionType.RouterAlert:
        // RFC 2711: two bytes of value.
        if (left < 4) {
          f.out += '(rtalert: trunc)';
          return optionsTruncated(f, protocol);
        }
        if (bytes[start + i + 1] !== 2) {
          f.out += '(rtalert: invalid len ' + bytes[start + i + 1]! + ')';
          return optionsTruncated(f, protocol);
        }
        if (f.verbose) f.out += '(rtalert: 0x' + hex4(u16(bytes, start + i + 2)) + ') ';
        break;
      case Ipv6OptionType.Jumbo: {
        // RFC 2675 section 2: four bytes of length, only in a Hop-by-Hop header of a packet whose Payload
        // Length is zero, and at least 65536.
        if (left < 6) {
          f.out += '(jumbo: trunc)';
          return optionsTruncated(f, protocol);
        }
        if (bytes[start + i + 1] !== 4) {
          f.out += '(jumbo: invalid len ' + bytes[start + i + 1]! + ')';
          return optionsTruncated(f, protocol);
        }
        const value = u32(bytes, start + i + 2);
        if (jumbo) {
          if (f.verbose) f.out += '(jumbo: ' + value + ' - already seen) ';
        } else if (!hopByHop) {
          jumbo = true;
          if (f.verbose) f.out += '(jumbo: ' + value + ' - not a hop-by-hop option) ';
        } else if (!jumboAllowed) {
          jumbo = true;
          if (f.verbose) f.out += '(jumbo: ' + value + ' - payload len != 0) ';
        } else if (value < 65536) {
          jumbo = true;
          if (f.verbose) f.out += '(jumbo: ' + value + ' - < 65536) ';
        } else {
          jumbo = true;
          jumboLength = value;
          if (f.verbose) f.out += '(jumbo: ' + value + ') ';
        }
        break;
      }
      case Ipv6OptionType.HomeAddress:
        // RFC 6275 section 6.3: the home address, 16 bytes.
        if (left < 18) {
          f.out += '(homeaddr: trunc)';
          return optionsTruncated(f, protocol);
        }
        if (bytes[start + i + 1]! < 16) {
          f.out += '(homeaddr: invalid len ' + bytes[start + i + 1]! + ')';
          return optionsTruncated(f, protocol);
        }
        if (f.verbose) {
          f.out += '(homeaddr: ' + formatIpv6(bytes, start + i + 2);
          if (bytes[start + i + 1]! > 16 && !subOptions(f, bytes, start + i + 18, optionLength - 18)) return optionsTruncated(f, protocol);
          f.out += ')';
        }
        break;
      default:
        if (left < 2) {
          f.out += '(type ' + type + ': trunc)';
          return optionsTruncated(f, protocol);
        }
        if (f.verbose) f.out += '(opt_type 0x' + hex2(type) + ': len=' + bytes[start + i + 1]! + ')';
        break;
    }
  }
  if (f.verbose && optionsLength > 0) f.out += ' ';
  return jumbo && jumboLength >= 65536 && hopByHop && jumboAllowed ? -2 : headerLength;
}

/** The sub-options of a Home Address option (tcpdump's ip6_sopt_print); false when cut short. */
function subOptions(f: LineBuilder, bytes: Uint8Array, at: number, length: number): boolean {
  let optionLength = 0;
  for (let i = 0; i < length; i += optionLength) {
    const type = bytes[at + i]!;
    if (type === Ipv6OptionType.Pad1) optionLength = 1;
    else if (i + 1 < length) optionLength = bytes[at + i + 1]! + 2;
    else return false;
    if (i + optionLength > length) return false;
    if (type === Ipv6OptionType.Pad1) f.out += ', pad1';
    else if (type === Ipv6OptionType.PadN) {
      if (length - i < 2) {
        f.out += ', padn: trunc';
        return false;
      }
      f.out += ', padn';
    } else {
      if (length - i < 2) {
        f.out += ', sopt_type ' + type + ': trunc)';
        return false;
      }
      f.out += ', sopt_type 0x' + hex2(type) + ': len=' + bytes[at + i + 1]!;
    }
  }
  return true;
}

function optionsTruncated(f: LineBuilder, protocol: string): number {
  f.truncate(protocol, false);
  return -1;
}

/**
 * tcpdump's rt6_print: `RT6 (len=.., type=.., segleft=.., ...) `, printed field by field as it reads them (a cut
 * header shows what came before the cut); the header's length, or -1 when the line ended.
 */
function routingHeader(f: LineBuilder, bytes: Uint8Array, cp: number, end: number): number {
  if (cp >= end) {
    f.truncate('ip6', false);
    return -1;
  }
  f.out += 'RT6';
  if (cp + 2 > end) return routingTruncated(f);
  const rt = routingView.init(bytes, cp, end - cp);
  let len = rt.hdrExtLen;
  f.out += ' (len=' + len;
  if (cp + 3 > end) return routingTruncated(f);
  const type = rt.routingType;
  f.out += ', type=' + type + (type === ROUTING_TYPE_0 ? ' [Deprecated]' : '');
  if (cp + 4 > end) return routingTruncated(f);
  f.out += ', segleft=' + rt.segmentsLeft;
  if (type === ROUTING_TYPE_0 || type === ROUTING_TYPE_2 || type === ROUTING_TYPE_4) {
    if (type === ROUTING_TYPE_4) {
      // RFC 8754 section 2: Last Entry, Flags, Tag in the second word.
      if (cp + 5 > end) return routingTruncated(f);
      f.out += ', last-entry=' + bytes[cp + 4]!;
      if (cp + 6 > end) return routingTruncated(f);
      if (bytes[cp + 5]! !== 0 || f.verbose) f.out += ', flags=0x' + hex(bytes[cp + 5]!);
      if (cp + 8 > end) return routingTruncated(f);
      f.out += ', tag=' + hex(u16(bytes, cp + 6));
    } else {
      if (cp + 8 > end) return routingTruncated(f);
      const reserved = u32(bytes, cp + 4);
      if (reserved !== 0 || f.verbose) f.out += ', rsv=0x' + hex(reserved);
    }
    if (len % 2 === 1) {
      f.out += ' (invalid length ' + len + ') (invalid)';
      return -1;
    }
    len >>= 1;
    let p = cp + ROUTING_ADDRESSES_AT;
    for (let i = 0; i < len; i++) {
      if (p + 16 > end) return routingTruncated(f);
      f.out += ', [' + i + ']' + formatIpv6(bytes, p);
      p += 16;
    }
    f.out += ') ';
    return (rt.hdrExtLen + 1) * 8;
  }
  f.out += ' (unknown type) (invalid)';
  return -1;
}

function routingTruncated(f: LineBuilder): number {
  f.truncate('rt6');
  return -1;
}

/**
 * Where the address the pseudo-header uses as destination starts (RFC 8200 section 8.1), as tcpdump's
 * ip6_finddst: the last address of a type 0 or type 2 routing header (RFC 6275 section 6.4: the home address),
 * the first segment of a type 4 one (RFC 8754 section 2: segments are listed last first), else the header's
 * destination.
 */
export function ipv6PseudoDestination(bytes: Uint8Array, ipAt: number, end: number): number {
  let dst = ipAt + 24;
  let cp = ipAt;
  let advance = IPV6_HEADER_LENGTH;
  let nh = bytes[ipAt + 6]!;
  while (cp + advance < end) {
    cp += advance;
    if (nh === IpProtocol.HopByHop || nh === IpProtocol.Ipv6Opts || nh === 135) {
      if (cp + 2 > end) return dst;
      advance = (bytes[cp + 1]! + 1) * 8;
      nh = bytes[cp]!;
    } else if (nh === IpProtocol.Ipv6Frag) {
      advance = 8;
      nh = bytes[cp]!;
    } else if (nh === IpProtocol.Ipv6Route) {
      if (cp + 4 > end) return dst;
      const len = bytes[cp + 1]!;
      const type = bytes[cp + 2]!;
      if ((type === ROUTING_TYPE_0 || type === ROUTING_TYPE_2 || type === ROUTING_TYPE_4) && len % 2 === 0) {
        const count = type === ROUTING_TYPE_4 ? Math.min(1, len >> 1) : len >> 1;
        for (let i = 0; i < count && cp + ROUTING_ADDRESSES_AT + 16 * (i + 1) <= end; i++) dst = cp + ROUTING_ADDRESSES_AT + 16 * i;
      }
      return dst;
    } else {
      return dst;
    }
  }
  return dst;
}

/** tcpdump's ip_demux_print for IPv6: the upper layer at bytes[cp], `length` bytes of it in the packet. */
function upperLayer(f: LineBuilder, bytes: Uint8Array, ipAt: number, cp: number, end: number, length: number, nh: number, fragmented: boolean): void {
  switch (nh) {
    case IpProtocol.Tcp:
    case IpProtocol.Udp: {
      const ip = f.ip;
      ip.version = 6;
      ip.at = ipAt;
      ip.portsOnly = bytes[ipAt + 6] !== nh;
      ip.src = formatIpv6(bytes, ipAt + 8);
      ip.dst = formatIpv6(bytes, ipAt + 24);
      ip.pseudoDstAt = ipv6PseudoDestination(bytes, ipAt, end);
      if (nh === IpProtocol.Tcp) tcpSegment(f, bytes, cp, end, length, fragmented);
      else udpDatagram(f, bytes, cp, end, length, fragmented);
      return;
    }
    case IpProtocol.Icmpv6: {
      const ip = f.ip;
      ip.version = 6;
      ip.at = ipAt;
      ip.pseudoDstAt = ipv6PseudoDestination(bytes, ipAt, end);
      icmpv6Message(f, bytes, cp, end, length, fragmented);
      return;
    }
    case IpProtocol.Ipv6NoNxt:
      f.out += 'no next header';
      return;
    default:
      f.out += ' ip-proto-' + nh + ' ' + length;
      return;
  }
}

function hex8(value: number): string {
  const text = hex(value);
  return '00000000'.slice(text.length) + text;
}
