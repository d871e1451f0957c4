// ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861) and MLD (RFC 2710, RFC 3810), following tcpdump's
// print-icmp6.c: the message's summary, with -v the checksum verdict, NDP details and options (one per line)
// and MLDv2 records.

import { Icmpv6DstUnreachable, Icmpv6Message, Icmpv6Packet, NdiscOptionType } from '../../generated/icmpv6.js';
import { Icmpv6ErrorMessage } from '../../generated/icmpv6-error.js';
import { IpProtocol } from '../../generated/ipv4.js';
import { MldMessage } from '../../generated/mld.js';
import { NdiscNeighborMessage } from '../../generated/ndisc-neighbor.js';
import { NdiscRedirect } from '../../generated/ndisc-redirect.js';
import { NdiscRouterAdvert } from '../../generated/ndisc-router-advert.js';
import { TcpField } from '../../generated/tcp.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { formatMac } from '../wire/ethernet-address.js';
import { formatIpv6 } from '../wire/ipv6-address.js';
import { HEX_BYTE, hexDump } from './hex-dump.js';
import { transportPseudoSum } from './ip.js';
import { checksumShouldBe, hex4, u16, u32, type LineBuilder } from './line.js';

const icmpView = new Icmpv6Packet();
const errorView = new Icmpv6ErrorMessage();
const neighborView = new NdiscNeighborMessage();
const redirectView = new NdiscRedirect();
const advertView = new NdiscRouterAdvert();
const mldView = new MldMessage();

/** tcpdump's names of the ICMPv6 types it knows. */
const TYPE_TEXT = new Map<number, string>([
  [1, 'destination unreachable'], [2, 'packet too big'], [3, 'time exceeded in-transit'], [4, 'parameter problem'],
  [128, 'echo request'], [129, 'echo reply'], [130, 'multicast listener query'], [131, 'multicast listener report'],
  [132, 'multicast listener done'], [133, 'router solicitation'], [134, 'router advertisement'],
  [135, 'neighbor solicitation'], [136, 'neighbor advertisement'], [137, 'redirect'], [138, 'router renumbering'],
  [139, 'node information query'], [140, 'node information reply'], [141, 'inverse neighbor solicitation'],
  [142, 'inverse neighbor advertisement'], [143, 'multicast listener report v2'], [144, 'ha discovery request'],
  [145, 'ha discovery reply'], [146, 'mobile router solicitation'], [147, 'mobile router advertisement'],
  [155, 'RPL'], [200, 'mtrace response'], [201, 'mtrace message'],
]);
const UNREACH_TEXT = ['unreachable route', ' unreachable prohibited', 'beyond scope', 'unreachable address', 'unreachable port'];
const OPTION_TEXT = new Map<number, string>([
  [1, 'source link-address'], [2, 'destination link-address'], [3, 'prefix info'], [4, 'redirected header'], [5, 'mtu'],
  [25, 'rdnss'], [31, 'dnssl'], [7, 'advertisement interval'], [8, 'homeagent information'], [24, 'route info'],
]);
const MLDV2_RECORD_TEXT = ['', 'is_in', 'is_ex', 'to_in', 'to_ex', 'allow', 'block'];
const PREFERENCE_TEXT = ['medium', 'high', 'rsv', 'low'];

/** An ICMPv6 message at bytes[at] (captured up to end) of `length` bytes, over the IPv6 header in `f.ip`. */
export function icmpv6Message(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
  if (length === 0) {
    f.out += 'ICMP6, length 0 (invalid)';
    return;
  }
  if (f.verbose && !fragmented && at + length <= end) {
    // RFC 4443 section 2.3: the checksum covers the IPv6 pseudo-header too. (tcpdump reads the field first.)
    if (at + 4 > end) return truncated(f);
    const sum = checksumFold(checksumSum(bytes, at, length, transportPseudoSum(f.ip, bytes, end, IpProtocol.Icmpv6, length)));
    const field = u16(bytes, at + 2);
    f.out += sum !== 0 ? '[bad icmp6 cksum 0x' + hex4(field) + ' -> 0x' + hex4(checksumShouldBe(field, sum)) + '!] ' : '[icmp6 sum ok] ';
  }
  if (at >= end) return truncated(f);
  const icmp = icmpView.init(bytes, at, end - at);
  const type = icmp.msgType as number;
  f.out += 'ICMP6, ' + (TYPE_TEXT.get(type) ?? 'unknown icmp6 type (' + type + ')');
  if (
    f.verbose &&
    (type === Icmpv6Message.RouterSolicit || type === Icmpv6Message.RouterAdvert || type === Icmpv6Message.NeighborAdvert ||
      type === Icmpv6Message.NeighborSolicit || type === Icmpv6Message.Redirect || type === 145 || type === 147)
  ) {
    f.out += ', length ' + length;
  }
  if (at + 2 > end) return truncated(f);
  const code = icmp.msgCode;
  // The invoking packet an error quotes starts 8 bytes in (RFC 4443 section 3).
  const quoted = at + 8;
  switch (type) {
    case Icmpv6Message.DstUnreachable:
      f.out += ', ' + (code < UNREACH_TEXT.length ? UNREACH_TEXT[code]! : 'unknown unreach code (' + code + ')');
      switch (code) {
        case Icmpv6DstUnreachable.NoRoute:
        case Icmpv6DstUnreachable.AdminProhibited:
        case Icmpv6DstUnreachable.AddrUnreachable:
          if (quoted + 40 > end) return truncated(f);
          f.out += ' ' + formatIpv6(bytes, quoted + 24);
          break;
        case Icmpv6DstUnreachable.BeyondScope:
          if (quoted + 40 > end) return truncated(f);
          f.out += ' ' + formatIpv6(bytes, quoted + 24) + ', source address ' + formatIpv6(bytes, quoted + 8);
          break;
        case Icmpv6DstUnreachable.PortUnreachable: {
          const transport = quotedTransport(bytes, quoted, end);
          // tcpdump's get_upperlayer tests the bytes (ND_TTEST) rather than reading past them.
          if (transport < 0) return truncated(f, false);
          if (quoted + 40 > end) return truncated(f);
          const port = u16(bytes, transport + TcpField.DstPort);
          const target = formatIpv6(bytes, quoted + 24);
          if (quotedProtocol === IpProtocol.Tcp) f.out += ', ' + target + ' tcp port ' + port;
          else if (quotedProtocol === IpProtocol.Udp) f.out += ', ' + target + ' udp port ' + port;
          else f.out += ', ' + target + ' protocol ' + quotedProtocol + ' port ' + port + ' unreachable';
          break;
        }
        default:
          // tcpdump dumps the message of other codes unless -vv.
          if (f.verbosity <= 1) {
            unknownData(f, bytes, at, Math.min(length, end - at), '\n\t');
            return;
          }
          break;
      }
      break;
    case Icmpv6Message.PacketTooBig:
      if (at + 8 > end) return truncated(f);
      f.out += ', mtu ' + errorView.init(bytes, at, end - at).param;
      break;
    case Icmpv6Message.TimeExceeded:
      if (code === 0) {
        if (quoted + 40 > end) return truncated(f);
        f.out += ' for ' + formatIpv6(bytes, quoted + 24);
      } else if (code === 1) {
        f.out += ' (reassembly)';
      } else {
        f.out += ', unknown code (' + code + ')';
      }
      break;
    case Icmpv6Message.ParamProblem: {
      if (quoted + 40 > end) return truncated(f, false);
      const pointer = errorView.init(bytes, at, end - at).param;
      if (code === 0) f.out += ', erroneous - octet ' + pointer;
      else if (code === 1) f.out += ', next header - octet ' + pointer;
      else if (code === 2) f.out += ', option - octet ' + pointer;
      else if (code === 3) f.out += ', incomplete header chain - octet ' + pointer;
      else f.out += ', code-#' + code;
      break;
    }
    case Icmpv6Message.EchoRequest:
    case Icmpv6Message.EchoReply:
      if (at + 8 > end) return truncated(f);
      f.out += ', id ' + icmp.echoIdent + ', seq ' + icmp.echoSeqNo;
      break;
    case Icmpv6Message.MldQuery:
      if (length === 24) mldV1(f, bytes, at, end);
      else if (length >= 28) {
        f.out += ' v2';
        if (!mldV2Query(f, bytes, at, end, length)) return truncated(f);
      } else f.out += ' unknown-version (len ' + length + ') ';
      break;
    case Icmpv6Message.MldReport:
    case Icmpv6Message.MldDone:
      mldV1(f, bytes, at, end);
      break;
    case Icmpv6Message.RouterSolicit:
      if (f.verbose && !ndOptions(f, bytes, at + 8, end, length - 8)) return truncated(f, false);
      break;
    case Icmpv6Message.RouterAdvert:
      if (f.verbose) {
        if (at + 16 > end) return truncated(f);
        const ra = advertView.init(bytes, at, end - at);
        const flagsByte = bytes[at + 5]!;
        let flags = '';
        if (flagsByte & 0x80) flags += 'managed';
        if (flagsByte & 0x40) flags += (flags ? ', ' : '') + 'other stateful';
        if (flagsByte & 0x20) flags += (flags ? ', ' : '') + 'home agent';
        if (flagsByte & 0x02) flags += (flags ? ', ' : '') + 'ipv6 only';
        f.out +=
          '\n\thop limit ' + ra.curHopLimit + ', Flags [' + (flags || 'none') + '], pref ' + PREFERENCE_TEXT[ra.preference]! +
          ', router lifetime ' + ra.routerLifetime + 's, reachable time ' + ra.reachableTime + 'ms, retrans timer ' + ra.retransTimer + 'ms';
        if (!ndOptions(f, bytes, at + 16, end, length - 16)) return truncated(f, false);
      }
      break;
    case Icmpv6Message.NeighborSolicit: {
      if (at + 24 > end) return truncated(f);
      f.out += ', who has ' + formatIpv6(bytes, neighborView.init(bytes, at, end - at).targetAddrOffset);
      if (f.verbose && !ndOptions(f, bytes, at + 24, end, length - 24)) return truncated(f, false);
      break;
    }
    case Icmpv6Message.NeighborAdvert: {
      if (at + 24 > end) return truncated(f);
      const na = neighborView.init(bytes, at, end - at);
      f.out += ', tgt is ' + formatIpv6(bytes, na.targetAddrOffset);
      if (f.verbose) {
        let flags = '';
        if (na.router) flags += 'router';
        if (na.solicited) flags += (flags ? ', ' : '') + 'solicited';
        if (na.override) flags += (flags ? ', ' : '') + 'override';
        f.out += ', Flags [' + (flags || 'none') + ']';
        if (!ndOptions(f, bytes, at + 24, end, length - 24)) return truncated(f, false);
      }
      break;
    }
    case Icmpv6Message.Redirect: {
      if (at + 40 > end) return truncated(f);
      const redirect = redirectView.init(bytes, at, end - at);
      f.out += ', ' + formatIpv6(bytes, redirect.destAddrOffset) + ' to ' + formatIpv6(bytes, redirect.targetAddrOffset);
      if (f.verbose && !ndOptions(f, bytes, at + 40, end, length - 40)) return truncated(f, false);
      break;
    }
    case Icmpv6Message.MldV2Report:
      if (!mldV2Report(f, bytes, at, end, length)) return truncated(f);
      break;
    case 141:
    case 142:
      break;
    default:
      // Types we do not decode further (router renumbering, node information, mobility, RPL): the bytes.
      f.out += ', length ' + length;
      if (f.verbosity <= 1) unknownData(f, bytes, at, Math.min(length, end - at), '\n\t');
      return;
  }
  if (!f.verbose) f.out += ', length ' + length;
}

function truncated(f: LineBuilder, longjmp = true): void {
  f.truncate('icmp6', longjmp);
}

/** tcpdump's print_unknown_data: a hex dump whose lines start with `indent`. */
function unknownData(f: LineBuilder, bytes: Uint8Array, at: number, length: number, indent: string): void {
  if (length <= 0) return;
  const dump = hexDump(bytes, at, length);
  f.out += indent === '\n\t' ? dump : dump.split('\n\t').join(indent);
}

/** quotedTransport's protocol, beside its result. */
let quotedProtocol = 0;

/** Where the TCP/UDP header of the quoted packet at bytes[ip] starts (tcpdump's get_upperlayer), or -1. */
function quotedTransport(bytes: Uint8Array, ip: number, end: number): number {
  if (ip + 7 > end) return -1;
  let nh = bytes[ip + 6]!;
  let cp = ip;
  let advance = 40;
  while (cp < end) {
    cp += advance;
    switch (nh) {
      case IpProtocol.Udp:
      case IpProtocol.Tcp:
        if (cp + 4 > end) return -1;
        quotedProtocol = nh;
        return cp;
      case IpProtocol.HopByHop:
      case IpProtocol.Ipv6Opts:
      case IpProtocol.Ipv6Route:
        if (cp + 2 > end) return -1;
        nh = bytes[cp]!;
        advance = (bytes[cp + 1]! + 1) * 8;
        break;
      case IpProtocol.Ipv6Frag:
        if (cp + 4 > end) return -1;
        if ((u16(bytes, cp + 2) & 0xfff8) !== 0) return -1;
        nh = bytes[cp]!;
        advance = 8;
        break;
      case 51: // Authentication Header (RFC 4302): its length counts 4-byte units, minus 2
        if (cp + 2 > end) return -1;
        nh = bytes[cp]!;
        advance = (bytes[cp + 1]! + 2) * 4;
        break;
      default:
        quotedProtocol = nh;
        return -1;
    }
  }
  return -1;
}

/** MLDv1 (RFC 2710 section 3): tcpdump appends it to the type's name without a separator. */
function mldV1(f: LineBuilder, bytes: Uint8Array, at: number, end: number): void {
  if (at + 24 > end) return;
  const mld = mldView.init(bytes, at, end - at);
  f.out += 'max resp delay: ' + mld.maxRespDelay + ' addr: ' + formatIpv6(bytes, mld.mcastAddrOffset);
}

/** An MLDv2 report (RFC 3810 section 5.2); false when the capture ends inside it. */
function mldV2Report(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): boolean {
  if (length < 8) {
    f.out += ' [invalid len ' + length + ']';
    return true;
  }
  if (at + 8 > end) return false;
  const groups = u16(bytes, at + 6);
  f.out += ', ' + groups + ' group record(s)';
  if (!f.verbose) return true;
  let group = 8;
  for (let i = 0; i < groups; i++) {
    if (length < group + 20) {
      f.out += ' [invalid number of groups]';
      return true;
    }
    if (at + group + 20 > end) return false;
    const recordType = bytes[at + group]!;
    f.out += ' [gaddr ' + formatIpv6(bytes, at + group + 4) + ' ' + (recordType >= 1 && recordType <= 6 ? MLDV2_RECORD_TEXT[recordType]! : ' [v2-report-#' + recordType + ']');
    const sources = u16(bytes, at + group + 2);
    if (length < group + 20 + sources * 16) {
      f.out += ' [invalid number of sources ' + sources + ']';
      return true;
    }
    if (f.verbosity === 1) f.out += ', ' + sources + ' source(s)';
    else {
      // -vv lists the sources.
      f.out += ' {';
      for (let j = 0; j < sources; j++) {
        if (at + group + 20 + 16 * (j + 1) > end) return false;
        f.out += ' ' + formatIpv6(bytes, at + group + 20 + 16 * j);
      }
      f.out += ' }';
    }
    group += 20 + sources * 16;
    f.out += ']';
  }
  return true;
}

/**
 * An MLDv2 query (RFC 3810 section 5.1); false when the capture ends inside it. Printed field by field as
 * tcpdump reads them, so a cut query shows what came before the cut.
 */
function mldV2Query(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): boolean {
  if (length < 28) {
    f.out += ' [invalid len ' + length + ']';
    return true;
  }
  if (at + 6 > end) return false;
  const code = u16(bytes, at + 4);
  // RFC 3810 section 5.1.3: codes from 32768 on are a floating-point value.
  const delay = code < 32768 ? code : ((code & 0x0fff) | 0x1000) << (((code & 0x7000) >> 12) + 3);
  if (f.verbose) f.out += ' [max resp delay=' + delay + ']';
  if (at + 24 > end) return false;
  f.out += ' [gaddr ' + formatIpv6(bytes, at + 8);
  if (f.verbose) {
    if (at + 25 > end) return false;
    const flags = bytes[at + 24]!;
    if (flags & 0x08) f.out += ' sflag';
    if (flags & 0x07) f.out += ' robustness=' + (flags & 0x07);
    if (at + 26 > end) return false;
    const qqic = bytes[at + 25]!;
    const qqi = qqic < 128 ? qqic : ((qqic & 0x0f) | 0x10) << (((qqic & 0x70) >> 4) + 3);
    f.out += ' qqi=' + qqi;
  }
  if (at + 28 > end) return false;
  const sources = u16(bytes, at + 26);
  if (sources > 0) {
    if (length < 28 + sources * 16) f.out += ' [invalid number of sources]';
    else if (f.verbosity > 1) {
      f.out += ' {';
      for (let i = 0; i < sources; i++) {
        if (at + 28 + 16 * (i + 1) > end) return false;
        f.out += ' ' + formatIpv6(bytes, at + 28 + 16 * i);
      }
      f.out += ' }';
    } else f.out += ', ' + sources + ' source(s)';
  }
  f.out += ']';
  return true;
}

/**
 * Neighbor Discovery options (RFC 4861 section 4.6), one per line as tcpdump -v prints them; false when cut short
 * (tcpdump tests the bytes there, so the line ends without abandoning the packet).
 */
function ndOptions(f: LineBuilder, bytes: Uint8Array, cp: number, end: number, resid: number): boolean {
  // tcpdump dumps a Redirected Header option from the first option on, not from the option itself.
  const ndOptionsStart = cp;
  while (cp < end) {
    if (cp + 2 > end) return false;
    if (resid <= 0) return true;
    const type = bytes[cp]!;
    const units = bytes[cp + 1]!;
    // The length counts 8-byte units, the type and length bytes included; zero is invalid.
    if (units === 0) return false;
    const optionLength = units * 8;
    if (cp + optionLength > end) return false;
    f.out += '\n\t  ' + (OPTION_TEXT.get(type) ?? 'unknown') + ' option (' + type + '), length ' + optionLength + ' (' + units + '): ';
    switch (type) {
      case NdiscOptionType.SourceLinkLayerAddr:
      case NdiscOptionType.TargetLinkLayerAddr:
        linkLayerAddress(f, bytes, cp + 2, optionLength - 2);
        break;
      case NdiscOptionType.PrefixInformation:
        // RFC 4861 section 4.6.2.
        if (cp + 32 > end) return false;
        {
          const flagsByte = bytes[cp + 3]!;
          let flags = '';
          if (flagsByte & 0x80) flags += 'onlink';
          if (flagsByte & 0x40) flags += (flags ? ', ' : '') + 'auto';
          if (flagsByte & 0x20) flags += (flags ? ', ' : '') + 'router';
          f.out +=
            formatIpv6(bytes, cp + 16) + '/' + bytes[cp + 2]! + (units !== 4 ? 'badlen' : '') + ', Flags [' + (flags || 'none') +
            '], valid time ' + lifetime(u32(bytes, cp + 4)) + ', pref. time ' + lifetime(u32(bytes, cp + 8));
        }
        break;
      case NdiscOptionType.RedirectedHeader:
        unknownData(f, bytes, ndOptionsStart, optionLength, '\n\t    ');
        break;
      case NdiscOptionType.Mtu:
        if (cp + 8 > end) return false;
        f.out += ' ' + u32(bytes, cp + 4) + (units !== 1 ? 'bad option length' : '');
        break;
      case NdiscOptionType.RecursiveDnsServer: {
        // RFC 8106 section 5.1: lifetime, then addresses.
        if (cp + 8 > end) return false;
        f.out += ' lifetime ' + u32(bytes, cp + 4) + 's,';
        const count = (units - 1) >> 1;
        for (let i = 0; i < count; i++) f.out += ' addr: ' + formatIpv6(bytes, cp + 8 + 16 * i);
        break;
      }
      case 7:
        if (cp + 8 > end) return false;
        f.out += ' ' + u32(bytes, cp + 4) + 'ms';
        break;
      default:
        if (f.verbosity <= 1) {
          unknownData(f, bytes, cp + 2, optionLength - 2, '\n\t  ');
          return true;
        }
        break;
    }
    // -vv adds every option's bytes.
    if (f.verbosity > 1) unknownData(f, bytes, cp + 2, optionLength - 2, '\n\t    ');
    cp += optionLength;
    resid -= optionLength;
  }
  return true;
}

/** tcpdump's print_lladdr: the bytes as hex pairs joined by ':'. */
function linkLayerAddress(f: LineBuilder, bytes: Uint8Array, at: number, length: number): void {
  if (length === 6) {
    f.out += formatMac((u16(bytes, at) * 0x100000000) + u32(bytes, at + 2));
    return;
  }
  for (let i = 0; i < length; i++) f.out += (i ? ':' : '') + HEX_BYTE[bytes[at + i]!]!;
}

function lifetime(value: number): string {
  return value === 0xffffffff ? 'infinity' : value + 's';
}
