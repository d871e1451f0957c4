// BOOTP and DHCP (RFC 951, RFC 2131) on UDP ports 67 and 68, following tcpdump's bootp_print: the operation
// and, for an Ethernet client's request, its hardware address (`BOOTP/DHCP, Request from 02:00:00:00:00:01,
// length 300`); with -v the fixed fields that are set and the options (RFC 2132) as tcpdump's rfc1048_print
// lists them. The fixed part is the generated BootpPacket view.

import { BootpField, BootpPacket } from '../../generated/bootp.js';
import { HEX_BYTE, hexDump } from './hex-dump.js';
import { u16, u32, type LineBuilder } from './line.js';

const bootpView = new BootpPacket();

/** RFC 2131 section 2, "op". */
const BOOTREQUEST = 1;
const BOOTREPLY = 2;
/** An Ethernet client: hardware type 1 (ARP's hardware types) with 6-byte addresses. */
const HTYPE_ETHERNET = 1;
const ETHERNET_ADDRESS_LENGTH = 6;

/** A BOOTP/DHCP message at bytes[at] of `length` bytes, captured up to `end`. */
export function bootpMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (at + BootpField.Op >= end) {
    f.truncate('bootp');
    return;
  }
  const bootp = bootpView.init(bytes, at, end - at);
  const op = bootp.op;
  f.out += 'BOOTP/DHCP, ' + (op === BOOTREQUEST ? 'Request' : op === BOOTREPLY ? 'Reply' : 'unknown (0x' + HEX_BYTE[op]! + ')');
  if (at + BootpField.Hlen >= end) {
    f.truncate('bootp');
    return;
  }
  if (bootp.htype === HTYPE_ETHERNET && bootp.hlen === ETHERNET_ADDRESS_LENGTH && op === BOOTREQUEST) {
    if (at + BootpField.Chaddr + ETHERNET_ADDRESS_LENGTH > end) {
      f.truncate('bootp');
      return;
    }
    f.out += ' from ' + f.macText.text(bootp.chaddr);
  }
  f.out += ', length ' + length;
  if (f.verbose) verboseFields(f, bytes, at, end);
}

/** The string fields' sizes (RFC 2131 section 2, "sname" and "file"). */
const SNAME_LENGTH = 64;
const FILE_LENGTH = 128;
const SNAME_AT = BootpField.Chaddr + 16;
const FILE_AT = SNAME_AT + SNAME_LENGTH;
/** The options' magic cookie, 99.130.83.99 (RFC 2131 section 3), and CMU's "CMU\0" (tcpdump decodes it too). */
const MAGIC_COOKIE = 0x63825363;
const TAG_PAD = 0;
const TAG_END = 255;
const TAG_DHCP_MESSAGE = 53;
const TAG_PARAMETER_REQUEST = 55;
const TAG_NETBIOS_NODE = 46;
const TAG_OPTION_OVERLOAD = 52;
const TAG_CLIENT_ID = 61;
const TAG_USER_CLASS = 77;
const TAG_CLIENT_FQDN = 81;
const TAG_AGENT_INFORMATION = 82;
const TAG_CLASSLESS_STATIC_ROUTE = 121;
const TAG_CLASSLESS_STATIC_ROUTE_MS = 249;

/**
 * tcpdump's names for the options (RFC 2132 and later, IANA "BOOTP Vendor Extensions and DHCP Options"), each
 * after one character saying how tcpdump prints the value: i addresses, l/L unsigned/signed 32-bit numbers,
 * s 16-bit numbers, b bytes, B booleans, a text, p address pairs, $ an option with its own layout.
 */
const OPTIONS = new Map<number, string>([
  [0, ' PAD'],
  [1, 'iSubnet-Mask'],
  [2, 'LTime-Zone'],
  [3, 'iDefault-Gateway'],
  [4, 'iTime-Server'],
  [5, 'iIEN-Name-Server'],
  [6, 'iDomain-Name-Server'],
  [7, 'iLOG'],
  [8, 'iCS'],
  [9, 'iLPR-Server'],
  [10, 'iIM'],
  [11, 'iRL'],
  [12, 'aHostname'],
  [13, 'sBS'],
  [255, ' END'],
  [14, 'aDP'],
  [15, 'aDomain-Name'],
  [16, 'iSS'],
  [17, 'aRP'],
  [18, 'aEP'],
  [19, 'BIPF'],
  [20, 'BSRT'],
  [21, 'pPF'],
  [22, 'sRSZ'],
  [23, 'bTTL'],
  [24, 'lMTU-Timeout'],
  [25, 'sMTU-Table'],
  [26, 'sMTU'],
  [27, 'BLSN'],
  [28, 'iBR'],
  [29, 'BMD'],
  [30, 'BMS'],
  [31, 'BRouter-Discovery'],
  [32, 'iRSA'],
  [33, 'pStatic-Route'],
  [34, 'BUT'],
  [35, 'lAT'],
  [36, 'BIE'],
  [37, 'bTT'],
  [38, 'lKI'],
  [39, 'BKG'],
  [40, 'aYD'],
  [41, 'iYS'],
  [42, 'iNTP'],
  [43, 'bVendor-Option'],
  [44, 'iNetbios-Name-Server'],
  [45, 'iWDD'],
  [46, '$Netbios-Node'],
  [47, 'aNetbios-Scope'],
  [48, 'iXFS'],
  [49, 'iXDM'],
  [64, 'sN+D'],
  [65, 'iN+S'],
  [68, 'iMH'],
  [69, 'iSMTP'],
  [70, 'iPOP3'],
  [71, 'iNNTP'],
  [72, 'iWWW'],
  [73, 'iFG'],
  [74, 'iIRC'],
  [75, 'iSTS'],
  [76, 'iSTDA'],
  [50, 'iRequested-IP'],
  [51, 'lLease-Time'],
  [52, '$OO'],
  [66, 'aTFTP'],
  [67, 'aBF'],
  [53, ' DHCP-Message'],
  [54, 'iServer-ID'],
  [55, 'bParameter-Request'],
  [56, 'aMSG'],
  [57, 'sMSZ'],
  [58, 'lRN'],
  [59, 'lRB'],
  [60, 'aVendor-Class'],
  [61, '$Client-ID'],
  [98, 'aUAP'],
  [116, 'BNOAUTO'],
  [78, 'bSLP-DA'],
  [79, 'bSLP-SCOPE'],
  [117, 'sNSSEARCH'],
  [77, '$User-Class'],
  [118, 'iSUBNET'],
  [121, '$Classless-Static-Route'],
  [249, '$Classless-Static-Route-Microsoft'],
  [150, 'iTFTP-Server-Address'],
  [80, 'aSLP-NA'],
  [81, '$FQDN'],
  [82, '$Agent-Information'],
  [83, 'bARMT'],
  [88, 'aTZSTR'],
  [89, 'bFQDNS'],
  [90, 'bAUTH'],
  [91, 'LLast-Transaction-Time'],
  [92, 'iAssociated-IP'],
  [93, 'sARCH'],
  [94, 'bNDI'],
  [97, 'bGUID'],
  [95, 'aLDAP'],
  [100, 'aPOSIX-TZ'],
  [101, 'aTZ-Name'],
  [112, 'iNI'],
  [113, 'aNITAG'],
  [114, 'aURL'],
  [161, 'aMUD-URL']
,
]);

const DHCP_MESSAGE_TEXT = new Map<number, string>([
  [1, 'Discover'], [2, 'Offer'], [3, 'Request'], [4, 'Decline'], [5, 'ACK'], [6, 'NACK'], [7, 'Release'], [8, 'Inform'],
  [10, 'LeaseQuery'], [11, 'LeaseUnassigned'], [12, 'LeaseUnknown'], [13, 'LeaseActive'],
]);
const NETBIOS_NODE_TEXT = new Map<number, string>([[1, 'b-node'], [2, 'p-node'], [4, 'm-node'], [8, 'h-node']]);
const OVERLOAD_TEXT = new Map<number, string>([[1, 'file'], [2, 'sname'], [3, 'file+sname']]);
const HARDWARE_TEXT = new Map<number, string>([[1, 'ether'], [6, 'ieee802'], [7, 'arcnet'], [15, 'frelay'], [23, 'strip'], [24, 'ieee1394']]);
const AGENT_SUBOPTION_TEXT = new Map<number, string>([[1, 'Circuit-ID'], [2, 'Remote-ID'], [6, 'Subscriber-ID']]);

/** Thrown nowhere: a read past the capture returns this from the helpers, ending the line with [|bootp]. */
const CUT = -1;

/** tcpdump's -v part of bootp_print: the fixed fields that are set, the names, then the options. */
function verboseFields(f: LineBuilder, bytes: Uint8Array, at: number, end: number): void {
  const b = bootpView;
  if (at + BootpField.Secs + 2 > end) return f.truncate('bootp', false);
  const htype = b.htype;
  const hlen = b.hlen;
  if (htype !== HTYPE_ETHERNET) f.out += ', htype ' + htype;
  if (htype !== HTYPE_ETHERNET || hlen !== ETHERNET_ADDRESS_LENGTH) f.out += ', hlen ' + hlen;
  if (b.hops) f.out += ', hops ' + b.hops;
  if (b.xid) f.out += ', xid 0x' + b.xid.toString(16);
  if (b.secs) f.out += ', secs ' + b.secs;
  if (at + BootpField.Flags + 2 > end) return f.truncate('bootp');
  const flags = b.flags;
  f.out += ', Flags [' + (flags & 0x8000 ? 'Broadcast' : 'none') + ']';
  if (f.verbosity > 1) f.out += ' (0x' + flags.toString(16).padStart(4, '0') + ')';
  const addresses: [string, number][] = [
    ['\n\t  Client-IP ', BootpField.Ciaddr], ['\n\t  Your-IP ', BootpField.Yiaddr],
    ['\n\t  Server-IP ', BootpField.Siaddr], ['\n\t  Gateway-IP ', BootpField.Giaddr],
  ];
  for (const [label, offset] of addresses) {
    if (at + offset + 4 > end) return f.truncate('bootp');
    const address = u32(bytes, at + offset);
    if (address !== 0) f.out += label + f.ipText.text(address);
  }
  if (htype === HTYPE_ETHERNET && hlen === ETHERNET_ADDRESS_LENGTH) {
    if (at + BootpField.Chaddr + 6 > end) return f.truncate('bootp');
    f.out += '\n\t  Client-Ethernet-Address ' + f.macText.text(b.chaddr);
  }
  for (const [label, offset, size] of [['sname', SNAME_AT, SNAME_LENGTH], ['file', FILE_AT, FILE_LENGTH]] as const) {
    if (at + offset >= end) return f.truncate('bootp');
    if (bytes[at + offset] === 0) continue;
    f.out += '\n\t  ' + label + ' "';
    // tcpdump's nd_printztn: up to the NUL or the field's end; false when the capture ends first.
    let i = 0;
    for (; i < size; i++) {
      if (at + offset + i >= end) {
        f.out += '"';
        return f.truncate('bootp', false);
      }
      const c = bytes[at + offset + i]!;
      if (c === 0) break;
      printChar(f, c);
    }
    f.out += '"';
  }
  if (at + BootpField.MagicCookie + 4 > end) return f.truncate('bootp', false);
  const cookie = u32(bytes, at + BootpField.MagicCookie);
  if (cookie === MAGIC_COOKIE) {
    if (options(f, bytes, at + BootpField.MagicCookie, end) === CUT) f.truncate('bootp');
  } else if (cookie !== 0 && cookie !== 0x434d5500) {
    f.out += '\n\t  Vendor-#0x' + cookie.toString(16);
  } else if (cookie === 0x434d5500) {
    // CMU's vendor area, which tcpdump decodes further: shown as its name only.
    f.out += '\n\t  Vendor-CMU';
  }
}

function printChar(f: LineBuilder, c: number): void {
  if (c >= 0x80) {
    c &= 0x7f;
    f.out += 'M-';
  }
  if (c < 0x20 || c === 0x7f) {
    c ^= 0x40;
    f.out += '^';
  }
  f.out += String.fromCharCode(c);
}

/** Prints `n` bytes as tcpdump's nd_printn; false when the capture ends first. */
function printChars(f: LineBuilder, bytes: Uint8Array, at: number, n: number, end: number): boolean {
  for (let i = 0; i < n; i++) {
    if (at + i >= end) return false;
    printChar(f, bytes[at + i]!);
  }
  return true;
}

/** tcpdump's rfc1048_print: the options after the magic cookie at `at`; CUT when the capture ran out. */
function options(f: LineBuilder, bytes: Uint8Array, at: number, end: number): number {
  f.out += '\n\t  Vendor-rfc1048 Extensions';
  f.out += '\n\t    Magic Cookie 0x' + u32(bytes, at).toString(16).padStart(8, '0');
  let bp = at + 4;
  while (bp < end) {
    const tag = bytes[bp++]!;
    if (tag === TAG_PAD && f.verbosity < 3) continue;
    if (tag === TAG_END && f.verbosity < 3) return 0;
    const entry = OPTIONS.get(tag) ?? '?Unknown';
    let kind = entry[0]!;
    const name = entry.slice(1);
    let len = 0;
    if (tag !== TAG_PAD && tag !== TAG_END) {
      if (bp >= end) return CUT;
      len = bytes[bp++]!;
    }
    f.out += '\n\t    ' + name + ' (' + tag + '), length ' + len + (len > 0 ? ': ' : '');
    if (tag === TAG_PAD && f.verbosity > 2) {
      let count = 1;
      while (bp < end && bytes[bp] === TAG_PAD) {
        bp++;
        count++;
      }
      if (count > 1) f.out += ', occurs ' + count;
    }
    if (bp + len > end) {
      f.truncate('bootp', false);
      return 0;
    }
    if (tag === TAG_DHCP_MESSAGE && len === 1) {
      const type = bytes[bp++]!;
      f.out += DHCP_MESSAGE_TEXT.get(type) ?? 'Unknown (' + type + ')';
      continue;
    }
    if (tag === TAG_PARAMETER_REQUEST) {
      for (let idx = 0; len > 0; idx++, len--) {
        const inner = bytes[bp++]!;
        f.out += idx % 4 === 0 ? '\n\t      ' : ', ';
        f.out += (OPTIONS.get(inner) ?? '?Unknown').slice(1) + ' (' + inner + ')';
      }
      continue;
    }
    if (kind === '?') kind = len & 1 ? 'b' : len & 2 ? 's' : 'l';
    let first = true;
    switch (kind) {
      case 'a':
        f.out += '"';
        if (!printChars(f, bytes, bp, len, end)) {
          f.out += '"';
          f.truncate('bootp', false);
          return 0;
        }
        f.out += '"';
        bp += len;
        len = 0;
        break;
      case 'i':
      case 'l':
      case 'L':
        while (len >= 4) {
          if (!first) f.out += ',';
          const v = u32(bytes, bp);
          f.out += kind === 'i' ? f.ipText.text(v) : kind === 'L' ? String(v | 0) : String(v);
          bp += 4;
          len -= 4;
          first = false;
        }
        break;
      case 'p':
        while (len >= 8) {
          if (!first) f.out += ',';
          f.out += '(' + f.ipText.text(u32(bytes, bp)) + ':' + f.ipText.text(u32(bytes, bp + 4)) + ')';
          bp += 8;
          len -= 8;
          first = false;
        }
        break;
      case 's':
        while (len >= 2) {
          if (!first) f.out += ',';
          f.out += u16(bytes, bp);
          bp += 2;
          len -= 2;
          first = false;
        }
        break;
      case 'B':
        while (len > 0) {
          if (!first) f.out += ',';
          const v = bytes[bp]!;
          f.out += v === 0 ? 'N' : v === 1 ? 'Y' : v + '?';
          bp++;
          len--;
          first = false;
        }
        break;
      case '$':
        ({ bp, len } = specialOption(f, bytes, tag, bp, len, end));
        if (len < 0) return 0;
        break;
      default:
        while (len > 0) {
          if (!first) f.out += kind === 'x' ? ':' : '.';
          f.out += kind === 'x' ? HEX_BYTE[bytes[bp]!]! : String(bytes[bp]!);
          bp++;
          len--;
          first = false;
        }
        break;
    }
    if (len) {
      f.out += '\n\t  trailing data length ' + len;
      bp += len;
    }
  }
  return 0;
}

/** The options with a layout of their own; `len` -1 when the line already ended with a truncation marker. */
function specialOption(f: LineBuilder, bytes: Uint8Array, tag: number, bp: number, len: number, end: number): { bp: number; len: number } {
  switch (tag) {
    case TAG_NETBIOS_NODE:
    case TAG_OPTION_OVERLOAD: {
      if (len < 1) {
        f.out += '[ERROR: length < 1 bytes]';
        return { bp, len };
      }
      const v = bytes[bp]!;
      const text = (tag === TAG_NETBIOS_NODE ? NETBIOS_NODE_TEXT : OVERLOAD_TEXT).get(v);
      f.out += text ?? '#' + v;
      return { bp: bp + 1, len: len - 1 };
    }
    case TAG_CLIENT_FQDN: {
      // RFC 4702 section 2: flags, two deprecated RCODE bytes, then the name.
      if (len < 3) {
        f.out += '[ERROR: length < 3 bytes]';
        return { bp: bp + len, len: 0 };
      }
      const flags = bytes[bp]!;
      if (flags & 0xf0) f.out += '[ERROR: MBZ nibble 0x' + ((flags & 0xf0) >> 4).toString(16) + ' != 0] ';
      if (flags & 0x0f) f.out += '[' + (flags & 1 ? 'S' : '') + (flags & 2 ? 'O' : '') + (flags & 4 ? 'E' : '') + (flags & 8 ? 'N' : '') + '] ';
      if (bytes[bp + 1] || bytes[bp + 2]) f.out += bytes[bp + 1]! + '/' + bytes[bp + 2]! + ' ';
      f.out += '"';
      if (!printChars(f, bytes, bp + 3, len - 3, end)) {
        f.out += '"';
        f.truncate('bootp', false);
        return { bp, len: -1 };
      }
      f.out += '"';
      return { bp: bp + len, len: 0 };
    }
    case TAG_CLIENT_ID: {
      if (len < 1) {
        f.out += '[ERROR: length < 1 bytes]';
        return { bp, len };
      }
      const type = bytes[bp++]!;
      len--;
      if (type === 0) {
        f.out += '"';
        if (!printChars(f, bytes, bp, len, end)) {
          f.out += '"';
          f.truncate('bootp', false);
          return { bp, len: -1 };
        }
        f.out += '"';
        return { bp: bp + len, len: 0 };
      }
      f.out += (HARDWARE_TEXT.get(type) ?? 'hardware-type ' + type + ',') + ' ';
      for (let i = 0; i < len; i++) f.out += (i > 0 ? ':' : '') + HEX_BYTE[bytes[bp + i]!]!;
      return { bp: bp + len, len: 0 };
    }
    case TAG_AGENT_INFORMATION:
      // RFC 3046 section 2: sub-options of type, length and value.
      while (len >= 2) {
        const sub = bytes[bp]!;
        const subLength = bytes[bp + 1]!;
        bp += 2;
        len -= 2;
        const subName = AGENT_SUBOPTION_TEXT.get(sub) ?? 'Unknown';
        if (subLength > len) {
          f.out += '\n\t      ' + subName + ' SubOption ' + sub + ', length ' + subLength + ': length goes past end of option';
          return { bp: bp + len, len: 0 };
        }
        f.out += '\n\t      ' + subName + ' SubOption ' + sub + ', length ' + subLength + ': ';
        if (sub === 1 || sub === 2 || sub === 6) {
          if (!printChars(f, bytes, bp, subLength, end)) {
            f.truncate('bootp', false);
            return { bp, len: -1 };
          }
        } else {
          f.out += hexDump(bytes, bp, subLength).replaceAll('\n\t', '\n\t\t');
        }
        len -= subLength;
        bp += subLength;
      }
      return { bp, len };
    case TAG_CLASSLESS_STATIC_ROUTE:
    case TAG_CLASSLESS_STATIC_ROUTE_MS: {
      // RFC 3442 section 2: width, the significant bytes of the destination, the router.
      if (len < 5) {
        f.out += '[ERROR: length < 5 bytes]';
        return { bp: bp + len, len: 0 };
      }
      let first = true;
      while (len > 0) {
        if (!first) f.out += ',';
        const width = bytes[bp++]!;
        len--;
        if (width > 32) {
          f.out += '[ERROR: Mask width (' + width + ') > 32]';
          return { bp: bp + len, len: 0 };
        }
        const significant = (width + 7) >>> 3;
        if (len < significant + 4) {
          f.out += '[ERROR: Remaining length (' + len + ') < ' + (significant + 4) + ' bytes]';
          return { bp: bp + len, len: 0 };
        }
        f.out += '(';
        if (width === 0) f.out += 'default';
        else {
          for (let i = 0; i < significant; i++) f.out += (i > 0 ? '.' : '') + bytes[bp++]!;
          for (let i = significant; i < 4; i++) f.out += '.0';
          f.out += '/' + width;
        }
        f.out += ':' + f.ipText.text(u32(bytes, bp)) + ')';
        bp += 4;
        len -= significant + 4;
        first = false;
      }
      return { bp, len };
    }
    case TAG_USER_CLASS: {
      // RFC 3004 section 4: instances of length and data.
      if (len < 2) {
        f.out += '[ERROR: length < 2 bytes]';
        return { bp: bp + len, len: 0 };
      }
      for (let instance = 1; len > 0; instance++) {
        const n = bytes[bp++]!;
        len--;
        f.out += '\n\t      instance#' + instance + ': ';
        if (n === 0) {
          f.out += '[ERROR: suboption length must be non-zero]';
          return { bp: bp + len, len: 0 };
        }
        if (len < n) {
          f.out += '[ERROR: invalid option]';
          return { bp: bp + len, len: 0 };
        }
        f.out += '"';
        if (!printChars(f, bytes, bp, n, end)) {
          f.out += '"';
          f.truncate('bootp', false);
          return { bp, len: -1 };
        }
        f.out += '", length ' + n;
        len -= n;
        bp += n;
      }
      return { bp, len };
    }
    default:
      f.out += '[unknown special tag ' + tag + ', size ' + len + ']';
      return { bp: bp + len, len: 0 };
  }
}
