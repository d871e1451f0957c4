// DNS (RFC 1035), following tcpdump's print-domain.c: on port 53 over UDP and TCP, the query
// (`12345+ [1au] A? example.com. (40)`) or the response (`12345 1/0/1 A 10.0.0.1 (56)`), with -v the owner
// names of answers, with -vv the question, authority and additional sections, with -vvv the TTLs. The fixed
// header is read through the generated DnsHeader view; names, records and their types here.

import { DnsField, DnsHeader } from '../../generated/dns.js';
import { ipv6Text } from './ipv6-text.js';
import { hex2, u16, u32, type LineBuilder } from './line.js';
import { DNS_CLASS_NAMES, DNS_OPCODE_TEXT, DNS_RCODE_TEXT, DNS_TYPE_NAMES } from './names.js';

const dnsView = new DnsHeader();

/** The header's length: the DnsHeader view's fixed part (RFC 1035 section 4.1.1). */
const HEADER_LENGTH = 12;
/** Label types: the top two bits of a label's length byte (RFC 1035 section 4.1.4, RFC 6891 section 5). */
const LABEL_TYPE_MASK = 0xc0;
const LABEL_POINTER = 0xc0;
const LABEL_EXTENDED = 0x40;
const LABEL_RESERVED = 0x80;
/** The extended label type of RFC 2673's bit-string labels. */
const EXTENDED_BIT_LABEL = 0x01;
/** The longest name tcpdump prints before `<DOMAIN NAME TOO LONG>` (RFC 1035 section 3.1). */
const MAX_NAME = 255;
/** Record types with a special layout (RFC 1035 section 3.2.2 and later registrations). */
const T_A = 1;
const T_NS = 2;
const T_CNAME = 5;
const T_SOA = 6;
const T_PTR = 12;
const T_MX = 15;
const T_TXT = 16;
const T_AAAA = 28;
const T_SRV = 33;
const T_A6 = 38;
const T_DNAME = 39;
const T_OPT = 41;
const T_UNSPECA = 104;
const T_TSIG = 250;
const T_URI = 256;
const C_IN = 1;
/** mDNS uses the class's top bit: unicast response wanted (question), cache flush (record) (RFC 6762 sections 5.4, 10.2). */
const C_TOP_BIT = 0x8000;
const OPCODE_IQUERY = 1;

/** Where the printer stopped: a position, or NULL for tcpdump's NULL returns (the record ran past the capture). */
const NULL = -1;

/** One message being printed: the bytes, where the message starts and where the capture ends. */
interface Message {
  bytes: Uint8Array;
  /** The message's first byte (the header's ID), the base of compression pointers. */
  base: number;
  /** The end of the captured bytes (tcpdump's snapend). */
  end: number;
  mdns: boolean;
}

const message: Message = { bytes: new Uint8Array(0), base: 0, end: 0, mdns: false };

/**
 * A DNS message at bytes[at] (captured up to `end`) of `length` bytes on the wire; `overTcp` when it comes
 * with TCP's two-byte length prefix (RFC 1035 section 4.2.2), `mdns` for multicast DNS on port 5353.
 */
export function dnsMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, overTcp: boolean, mdns = false): void {
  if (overTcp) {
    if (length < 2) {
      f.out += ' [DNS over TCP: length ' + length + ' < 2] (invalid)';
      return;
    }
    length -= 2;
    if (at + 2 > end) {
      f.truncate('domain');
      return;
    }
    const prefix = u16(bytes, at);
    if (prefix !== length) {
      f.out += ' [prefix length(' + prefix + ') != length(' + length + ')] (invalid)';
      return;
    }
    at += 2;
    f.out += ' ';
  }
  if (length < HEADER_LENGTH) {
    f.out += 'domain [length ' + length + ' < ' + HEADER_LENGTH + '] (invalid)';
    return;
  }
  if (at + HEADER_LENGTH > end) {
    f.truncate('domain', false);
    return;
  }
  jumped = false;
  const m = message;
  m.bytes = bytes;
  m.base = at;
  m.end = end;
  m.mdns = mdns;
  const dns = dnsView.init(bytes, at, end - at);
  let qd = dns.qdCount;
  const an = dns.anCount;
  const ns = dns.nsCount;
  const ar = dns.arCount;
  const opcode = dns.opcode;
  if (dns.response) {
    const rcode = dns.rcode | (extendedRcode(m, at + HEADER_LENGTH, qd, an + ns, ar) << 4);
    f.out += dns.id + DNS_OPCODE_TEXT[opcode]! + rcodeText(rcode);
    if (dns.authoritative) f.out += '*';
    if (!dns.recursionAvailable) f.out += '-';
    if (dns.truncatedMessage) f.out += '|';
    if (dns.authenticData) f.out += '$';
    if (qd !== 1) f.out += ' [' + qd + 'q]';
    let cp = at + HEADER_LENGTH;
    for (let i = 0; i < qd; i++) {
      if (i !== 0) f.out += ',';
      if (f.verbosity > 1) {
        f.out += ' q:';
        cp = question(f, m, cp);
      } else {
        cp = skipName(m, cp);
        if (cp !== NULL) cp += 4;
      }
      if (cp === NULL) return truncated(f);
    }
    f.out += ' ' + an + '/' + ns + '/' + ar;
    cp = records(f, m, cp, an, '', true);
    if (cp === NULL) return truncated(f);
    if (f.verbosity > 1) {
      cp = records(f, m, cp, ns, ' ns:', false);
      if (cp === NULL) return truncated(f);
      cp = records(f, m, cp, ar, ' ar:', false);
      if (cp === NULL) return truncated(f);
    }
  } else {
    f.out += dns.id + DNS_OPCODE_TEXT[opcode]!;
    if (dns.recursionDesired) f.out += '+';
    if (dns.checkingDisabled) f.out += '%';
    // Bits a query should not set: AA, TC, RA, Z, AD and the RCODE (tcpdump's "any weirdness?").
    const flagBits = u16(bytes, at + DnsField.Opcode);
    if (flagBits & 0x6cf) f.out += ' [b2&3=0x' + flagBits.toString(16) + ']';
    if (opcode === OPCODE_IQUERY) {
      if (qd) f.out += ' [' + qd + 'q]';
      if (an !== 1) f.out += ' [' + an + 'a]';
    } else {
      if (an) f.out += ' [' + an + 'a]';
      if (qd !== 1) f.out += ' [' + qd + 'q]';
    }
    if (ns) f.out += ' [' + ns + 'n]';
    if (ar) f.out += ' [' + ar + 'au]';
    let cp = at + HEADER_LENGTH;
    if (qd) {
      cp = question(f, m, cp);
      if (cp === NULL) return truncated(f);
      qd--;
      while (cp < end && qd) {
        cp = question(f, m, cp);
        if (cp === NULL) return truncated(f);
        qd--;
      }
    }
    if (qd) return truncated(f);
    if (f.verbosity > 1) {
      cp = records(f, m, cp, an, '', true);
      if (cp === NULL) return truncated(f);
      cp = records(f, m, cp, ns, ' ns:', false);
      if (cp === NULL) return truncated(f);
      cp = records(f, m, cp, ar, ' ar:', false);
      if (cp === NULL) return truncated(f);
    }
  }
  f.out += ' (' + length + ')';
}

/** Set when a read past the capture already ended the line (tcpdump's longjmp out of the printer). */
let jumped = false;

function truncated(f: LineBuilder): void {
  if (!jumped) f.truncate('domain', false);
}

/**
 * `count` records of a section, after `label`: the first always when `first` (the answers are printed
 * whatever is left of the capture), the others while captured bytes remain. NULL when they ran out.
 */
function records(f: LineBuilder, m: Message, cp: number, count: number, label: string, first: boolean): number {
  if (count === 0) return cp;
  if (!first && cp >= m.end) return NULL;
  f.out += label;
  cp = record(f, m, cp);
  if (cp === NULL) return NULL;
  count--;
  while (cp < m.end && count) {
    f.out += ',';
    cp = record(f, m, cp);
    if (cp === NULL) return NULL;
    count--;
  }
  return count ? NULL : cp;
}

/** The response code with EDNS's extension (RFC 6891 section 6.1.3) as tcpdump names it. */
function rcodeText(rcode: number): string {
  if (rcode < DNS_RCODE_TEXT.length) return DNS_RCODE_TEXT[rcode]!;
  return ' Resp' + (rcode & 0xfff);
}

/** The high bits of the response code from the OPT record, if the capture holds one (0 otherwise). */
function extendedRcode(m: Message, cp: number, qd: number, records: number, ar: number): number {
  const bytes = m.bytes;
  const end = m.end;
  for (let i = 0; i < qd; i++) {
    cp = skipName(m, cp);
    if (cp === NULL) return 0;
    cp += 4;
    if (cp >= end) return 0;
  }
  for (let i = 0; i < records; i++) {
    cp = skipName(m, cp);
    if (cp === NULL) return 0;
    cp += 8;
    if (cp + 2 > end) return 0;
    cp += 2 + u16(bytes, cp);
    if (cp >= end) return 0;
  }
  for (let i = 0; i < ar; i++) {
    cp = skipName(m, cp);
    if (cp === NULL) return 0;
    if (cp + 2 > end) return 0;
    const type = u16(bytes, cp);
    cp += 4;
    if (cp + 1 > end) return 0;
    if (type === T_OPT) return bytes[cp]!;
    cp += 4;
    if (cp + 2 > end) return 0;
    cp += 2 + u16(bytes, cp);
    if (cp >= end) return 0;
  }
  return 0;
}

/** tcpdump's ns_nskip: the position after the name at `cp`, or NULL. */
function skipName(m: Message, cp: number): number {
  const bytes = m.bytes;
  const end = m.end;
  if (cp >= end) return NULL;
  let i = bytes[cp++]!;
  while (i) {
    const type = i & LABEL_TYPE_MASK;
    if (type === LABEL_POINTER) return cp + 1;
    if (type === LABEL_EXTENDED) {
      if ((i & ~LABEL_TYPE_MASK) !== EXTENDED_BIT_LABEL) return NULL;
      if (cp >= end) return NULL;
      let bits = bytes[cp]!;
      if (bits === 0) bits = 256;
      cp++;
      cp += (bits + 7) >>> 3;
    } else if (type === LABEL_RESERVED) {
      return NULL;
    } else {
      cp += i;
    }
    if (cp >= end) return NULL;
    i = bytes[cp++]!;
  }
  return cp;
}

/** tcpdump's labellen: a label's length (a pointer's first byte for a pointer), or NULL after printing why. */
function labelLength(f: LineBuilder, m: Message, cp: number): number {
  if (cp >= m.end) return NULL;
  const i = m.bytes[cp]!;
  const type = i & LABEL_TYPE_MASK;
  if (type === LABEL_EXTENDED) {
    const kind = i & ~LABEL_TYPE_MASK;
    if (kind !== EXTENDED_BIT_LABEL) {
      f.out += '<ELT ' + kind + '>';
      return NULL;
    }
    if (cp + 1 >= m.end) return NULL;
    let bits = m.bytes[cp + 1]!;
    if (bits === 0) bits = 256;
    return ((bits + 7) >>> 3) + 1;
  }
  if (type === LABEL_RESERVED) {
    f.out += '<BAD LABEL TYPE>';
    return NULL;
  }
  return i;
}

/** Prints up to `n` bytes as tcpdump's nd_printn does (M- and ^ escapes); false when the capture ended first. */
function printChars(f: LineBuilder, bytes: Uint8Array, cp: number, n: number, end: number): boolean {
  while (n > 0 && cp < end) {
    n--;
    let c = bytes[cp++]!;
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
  return n === 0;
}

/** An RFC 2673 bit-string label, as `\[x<hex>/<bits>]`; the position after it, or NULL. */
function bitLabel(f: LineBuilder, m: Message, cp: number): number {
  const bytes = m.bytes;
  if (cp >= m.end) return NULL;
  let bitLength = bytes[cp]!;
  if (bitLength === 0) bitLength = 256;
  const limit = cp + 1 + ((bitLength + 3) >>> 2);
  f.out += '\\[x';
  let b = bitLength;
  let p = cp + 1;
  for (; p < limit && b > 7; b -= 8, p++) {
    if (p >= m.end) return NULL;
    f.out += hex2(bytes[p]!);
  }
  if (b > 4) {
    if (p >= m.end) return NULL;
    f.out += hex2(bytes[p]! & (0xff << (8 - b)) & 0xff);
  } else if (b > 0) {
    if (p >= m.end) return NULL;
    f.out += (((bytes[p]! >>> 4) & 0x0f) & (0x0f << (4 - b))).toString(16);
  }
  f.out += '/' + bitLength + ']';
  return limit;
}

/** tcpdump's fqdn_print: the name at `cp`, compression pointers followed backwards only; after it, or NULL. */
function name(f: LineBuilder, m: Message, cp: number): number {
  const bytes = m.bytes;
  const end = m.end;
  let l = labelLength(f, m, cp);
  if (l === NULL) return NULL;
  let maxOffset = cp - m.base;
  let i = bytes[cp]!;
  cp++;
  let rp = NULL;
  let compressed = false;
  if ((i & LABEL_TYPE_MASK) !== LABEL_POINTER) rp = cp + l;
  if (i === 0) {
    f.out += '.';
    return rp;
  }
  let nameChars = 0;
  while (i && cp < end) {
    const type = i & LABEL_TYPE_MASK;
    if (type === LABEL_POINTER) {
      if (!compressed) {
        rp = cp + 1;
        compressed = true;
      }
      if (cp >= end) return NULL;
      const offset = ((i << 8) | bytes[cp]!) & 0x3fff;
      // Pointers must lead backwards (BIND's rule against loops).
      if (offset >= maxOffset) {
        f.out += '<BAD PTR>';
        return NULL;
      }
      maxOffset = offset;
      cp = m.base + offset;
      if (cp >= end) return NULL;
      i = bytes[cp]!;
      l = labelLength(f, m, cp);
      if (l === NULL) return NULL;
      cp++;
      continue;
    }
    if (type === LABEL_EXTENDED) {
      const kind = i & ~LABEL_TYPE_MASK;
      if (kind !== EXTENDED_BIT_LABEL) {
        f.out += '<ELT ' + kind + '>';
        return NULL;
      }
      if (bitLabel(f, m, cp) === NULL) return NULL;
    } else if (type === LABEL_RESERVED) {
      f.out += '<BAD LABEL TYPE>';
      return NULL;
    } else {
      if (nameChars + l <= MAX_NAME) {
        if (!printChars(f, bytes, cp, l, end)) return NULL;
      } else if (nameChars < MAX_NAME) {
        if (!printChars(f, bytes, cp, MAX_NAME - nameChars, end)) return NULL;
      }
      nameChars += l;
    }
    cp += l;
    if (nameChars <= MAX_NAME) f.out += '.';
    nameChars++;
    if (cp >= end) return NULL;
    i = bytes[cp]!;
    l = labelLength(f, m, cp);
    if (l === NULL) return NULL;
    cp++;
    if (!compressed) rp += l + 1;
  }
  if (nameChars > MAX_NAME) f.out += '<DOMAIN NAME TOO LONG>';
  return rp;
}

/** tcpdump's ns_qprint: ` A? example.com.`; after the question, or NULL. */
function question(f: LineBuilder, m: Message, start: number): number {
  const bytes = m.bytes;
  const cp = skipName(m, start);
  if (cp === NULL || cp + 4 > m.end) return NULL;
  f.out += ' ' + typeName(u16(bytes, cp));
  const raw = u16(bytes, cp + 2);
  const cls = m.mdns ? raw & ~C_TOP_BIT : raw;
  if (cls !== C_IN) f.out += ' ' + className(cls);
  if (m.mdns) f.out += raw & C_TOP_BIT ? ' (QU)' : ' (QM)';
  f.out += '? ';
  const after = name(f, m, start);
  return after === NULL ? NULL : after + 4;
}

function typeName(type: number): string {
  return DNS_TYPE_NAMES.get(type) ?? 'Type' + type;
}

function className(cls: number): string {
  return DNS_CLASS_NAMES.get(cls) ?? '(Class ' + cls + ')';
}

/** tcpdump's unsigned_relts_print: 1h1m5s. */
function relativeTime(seconds: number): string {
  if (seconds === 0) return '0s';
  const units = [31536000, 604800, 86400, 3600, 60, 1];
  const names = ['y', 'w', 'd', 'h', 'm', 's'];
  let text = '';
  for (let i = 0; i < units.length && seconds > 0; i++) {
    if (seconds >= units[i]!) {
      const n = Math.floor(seconds / units[i]!);
      text += n + names[i]!;
      seconds -= n * units[i]!;
    }
  }
  return text;
}

/**
 * tcpdump's ns_rprint: one resource record, ` A 10.0.0.1` (with -v its owner name first). Returns where
 * the record's data ends, the end of the capture when the fixed part is cut off, or NULL.
 */
function record(f: LineBuilder, m: Message, cp: number): number {
  const bytes = m.bytes;
  const end = m.end;
  if (f.verbosity > 0) {
    f.out += ' ';
    cp = name(f, m, cp);
    if (cp === NULL) return NULL;
  } else {
    cp = skipName(m, cp);
  }
  if (cp === NULL || cp + 10 > end) return end;
  const type = u16(bytes, cp);
  const raw = u16(bytes, cp + 2);
  const cls = m.mdns ? raw & ~C_TOP_BIT : raw;
  if (cls !== C_IN && type !== T_OPT) f.out += ' ' + className(cls);
  if (m.mdns && raw & C_TOP_BIT) f.out += ' (Cache flush)';
  let optFlags = 0;
  if (type === T_OPT) {
    optFlags = u16(bytes, cp + 6);
  } else if (f.verbosity > 2) {
    f.out += ' [' + relativeTime(u32(bytes, cp + 4)) + ']';
  }
  const dataLength = u16(bytes, cp + 8);
  cp += 10;
  const rp = cp + dataLength;
  f.out += ' ' + typeName(type);
  if (rp > end) return NULL;
  switch (type) {
    case T_A:
      if (cp + 4 > end) return NULL;
      f.out += ' ' + f.ipText.text(u32(bytes, cp));
      break;
    case T_NS:
    case T_CNAME:
    case T_PTR:
    case T_DNAME:
      f.out += ' ';
      if (name(f, m, cp) === NULL) return NULL;
      break;
    case T_SOA: {
      if (!f.verbosity) break;
      f.out += ' ';
      let p = name(f, m, cp);
      if (p === NULL) return NULL;
      f.out += ' ';
      p = name(f, m, p);
      if (p === NULL) return NULL;
      if (p + 20 > end) return NULL;
      for (let k = 0; k < 5; k++) f.out += ' ' + u32(bytes, p + 4 * k);
      break;
    }
    case T_MX:
      f.out += ' ';
      if (cp + 2 > end) return NULL;
      if (name(f, m, cp + 2) === NULL) return NULL;
      f.out += ' ' + u16(bytes, cp);
      break;
    case T_TXT: {
      let p = cp;
      while (p < rp) {
        f.out += ' "';
        if (p >= end) return NULL;
        const n = bytes[p]!;
        if (!printChars(f, bytes, p + 1, n, end)) return NULL;
        p += 1 + n;
        f.out += '"';
      }
      break;
    }
    case T_SRV:
      f.out += ' ';
      if (cp + 6 > end) return NULL;
      if (name(f, m, cp + 6) === NULL) return NULL;
      f.out += ':' + u16(bytes, cp + 4) + ' ' + u16(bytes, cp) + ' ' + u16(bytes, cp + 2);
      break;
    case T_AAAA:
      if (cp + 16 > end) return NULL;
      f.out += ' ' + ipv6Text(bytes, cp);
      break;
    case T_A6: {
      if (cp >= end) return NULL;
      const prefixBits = bytes[cp]!;
      const prefixBytes = (prefixBits & ~7) >>> 3;
      if (prefixBits > 128) {
        f.out += ' ' + prefixBits + '(bad plen)';
        break;
      }
      if (prefixBits < 128) {
        const suffix = new Uint8Array(16);
        if (cp + 1 + 16 - prefixBytes > end) {
          f.truncate('domain');
          jumped = true;
          return NULL;
        }
        suffix.set(bytes.subarray(cp + 1, cp + 1 + 16 - prefixBytes), prefixBytes);
        f.out += ' ' + prefixBits + ' ' + ipv6Text(suffix, 0);
      }
      if (prefixBits > 0) {
        f.out += ' ';
        if (name(f, m, cp + 1 + 16 - prefixBytes) === NULL) return NULL;
      }
      break;
    }
    case T_URI:
      if (cp + dataLength > end) return NULL;
      f.out += ' ' + u16(bytes, cp) + ' ' + u16(bytes, cp + 2) + ' ';
      if (!printChars(f, bytes, cp + 4, dataLength - 4, end)) return NULL;
      break;
    case T_OPT:
      f.out += ' UDPsize=' + cls;
      if (optFlags & 0x8000) f.out += ' DO';
      if (cp < rp) {
        f.out += ' [';
        while (cp < rp) {
          cp = ednsOption(f, bytes, cp, end);
          if (cp === NULL) return NULL;
          if (cp < rp) f.out += ',';
        }
        f.out += ']';
      }
      break;
    case T_UNSPECA:
      if (cp + dataLength > end) return NULL;
      if (!printChars(f, bytes, cp, dataLength, end)) return NULL;
      break;
    case T_TSIG: {
      if (!f.verbosity) break;
      f.out += ' ';
      let p = name(f, m, cp);
      if (p === NULL) return NULL;
      p += 6;
      if (p + 2 > end) return NULL;
      f.out += ' fudge=' + u16(bytes, p);
      p += 2;
      if (p + 2 > end) return NULL;
      f.out += ' maclen=' + u16(bytes, p);
      p += 2 + u16(bytes, p);
      if (p + 2 > end) return NULL;
      f.out += ' origid=' + u16(bytes, p);
      p += 2;
      if (p + 2 > end) return NULL;
      f.out += ' error=' + u16(bytes, p);
      p += 2;
      if (p + 2 > end) return NULL;
      f.out += ' otherlen=' + u16(bytes, p);
      break;
    }
    default:
      break;
  }
  return rp;
}

/** EDNS option codes tcpdump names (RFC 6891 section 6.1.2, IANA "DNS EDNS0 Option Codes"). */
const EDNS_OPTION_NAMES = new Map<number, string>([
  [1, 'LLQ'], [2, 'UL'], [3, 'NSID'], [5, 'DAU'], [6, 'DHU'], [7, 'N3U'], [8, 'ECS'], [9, 'EXPIRE'],
  [10, 'COOKIE'], [11, 'KEEPALIVE'], [12, 'PADDING'], [13, 'CHAIN'], [14, 'KEY-TAG'], [16, 'CLIENT-TAG'],
  [17, 'SERVER-TAG'],
]);
const E_EXPIRE = 9;
const E_COOKIE = 10;
const E_KEEPALIVE = 11;
const E_PADDING = 12;
const E_KEYTAG = 14;

/**
 * One EDNS option inside an OPT record (tcpdump's eopt_print): its name and, for the options whose layout
 * tcpdump knows, the value; other values in hex. Algorithm lists, client subnets and CHAIN are shown in hex.
 */
function ednsOption(f: LineBuilder, bytes: Uint8Array, cp: number, end: number): number {
  if (cp + 2 > end) return NULL;
  const code = u16(bytes, cp);
  f.out += EDNS_OPTION_NAMES.get(code) ?? 'Opt' + code;
  if (cp + 4 > end) return NULL;
  const length = u16(bytes, cp + 2);
  cp += 4;
  if (cp + length > end) return NULL;
  if (length === 0) return cp;
  f.out += ' ';
  switch (code) {
    case E_COOKIE: // RFC 7873 section 4: an 8-byte client cookie, then 8 to 32 bytes of the server's.
      if (length < 8 || (length > 8 && length < 16) || length > 40) {
        f.out += ' (invalid)';
      } else {
        for (let i = 0; i < length; i++) {
          if (i === 8) f.out += ' ';
          f.out += hex2(bytes[cp + i]!);
        }
      }
      break;
    case E_KEEPALIVE: // RFC 7828 section 3.1: units of 100 ms.
      if (length !== 2) f.out += ' (invalid)';
      else f.out += (u16(bytes, cp) / 10).toFixed(1) + ' sec';
      break;
    case E_EXPIRE: // RFC 7314 section 2
      if (length !== 4) f.out += ' (invalid)';
      else f.out += u32(bytes, cp) + ' sec';
      break;
    case E_PADDING: // RFC 7830 section 3: only the length says anything.
      f.out += '(' + length + ')';
      break;
    case E_KEYTAG: // RFC 8145 section 4.1
      if (length % 2 !== 0) f.out += ' (invalid)';
      else for (let i = 0; i < length; i += 2) f.out += (i > 0 ? ' ' : '') + u16(bytes, cp + i);
      break;
    default:
      for (let i = 0; i < length; i++) f.out += hex2(bytes[cp + i]!);
      break;
  }
  return cp + length;
}
