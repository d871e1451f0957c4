// IPv6 addresses (RFC 4291) as text: formatting per RFC 5952 and parsing of every form RFC 4291 section 2.2
// allows. On the wire an address is 16 bytes in place (the views give its offset, ipv6 fields in spec/); these
// functions read or write those bytes, so nothing wraps an address per packet.

import { AddressParseError } from './address-error.js';

const IPV6_HINT = 'expected eight groups of up to four hex digits separated by ":", one "::" for a run of zero groups, e.g. fe80::1 or 2001:db8::8:800:200c:417a';

// A group's text is its high byte without leading zeros and its low byte as two digits, or the low byte alone:
// two tables of 256 strings, rather than 65,536 strings built at every start of a program that imports this.
const HEX_BYTE_SHORT: string[] = [];
const HEX_BYTE_PADDED: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_BYTE_SHORT.push(i.toString(16));
  HEX_BYTE_PADDED.push(i.toString(16).padStart(2, '0'));
}

/**
 * The text of the address `bytes[at, at + 16)` as RFC 5952 recommends (section 4): lowercase hex, no leading
 * zeros, the longest run of two or more zero groups (the first of equal runs) as `::`. An IPv4-mapped address
 * (`::ffff:0:0/96`) ends in a dotted quad (section 5), and so does an IPv4-compatible one (`::a.b.c.d`, first
 * six groups zero, the seventh not), as inet_ntop and tcpdump print them.
 */
export function formatIpv6(bytes: Uint8Array, at = 0): string {
  // The longest run of zero groups.
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = bytes[at + 2 * i] === 0 && bytes[at + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const length = i - runStart + 1;
      if (length > bestLength) {
        bestStart = runStart;
        bestLength = length;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestLength < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength) {
      if (i === bestStart) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestStart === 0 && (bestLength === 6 || (bestLength === 5 && bytes[at + 10] === 0xff && bytes[at + 11] === 0xff))) {
      out += bytes[at + 12] + '.' + bytes[at + 13] + '.' + bytes[at + 14] + '.' + bytes[at + 15];
      return out;
    }
    const high = bytes[at + 2 * i]!;
    const low = bytes[at + 2 * i + 1]!;
    out += high === 0 ? HEX_BYTE_SHORT[low]! : HEX_BYTE_SHORT[high]! + HEX_BYTE_PADDED[low]!;
  }
  if (bestStart >= 0 && bestStart + bestLength === 8) out += ':';
  return out;
}

/**
 * Parses IPv6 text (RFC 4291 section 2.2: `x:x:x:x:x:x:x:x`, one `::`, a trailing dotted quad) into 16 bytes,
 * written to `out[at, at + 16)` when given, else to a new array. Returns the bytes, or an AddressParseError
 * whose message says what was expected. A zone (`%eth0`) is not part of an address and is refused.
 */
export function parseIpv6(text: string, out?: Uint8Array, at = 0): Uint8Array | AddressParseError {
  const words = new Array<number>(8).fill(0);
  const count = parseWords(text, words);
  if (count < 0) return new AddressParseError('IPv6', text, IPV6_HINT);
  const bytes = out ?? new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[at + 2 * i] = words[i]! >>> 8;
    bytes[at + 2 * i + 1] = words[i]! & 0xff;
  }
  return bytes;
}

/** Fills `words` from the text; 8, or -1 when the text is not an IPv6 address. */
function parseWords(text: string, words: number[]): number {
  const end = text.length;
  if (end < 2) return -1;
  const head: number[] = [];
  const tail: number[] = [];
  let gap = false;
  let at = 0;
  if (text.startsWith('::')) {
    gap = true;
    at = 2;
    if (at === end) return fill(words, head, tail, true);
  } else if (text.charCodeAt(0) === 58) {
    return -1; // a single leading ':'
  }
  while (at < end) {
    // A dotted quad may end the address (RFC 4291 section 2.2, form 3).
    const dot = text.indexOf('.', at);
    const colon = text.indexOf(':', at);
    if (dot >= 0 && (colon < 0 || dot < colon)) {
      const quad = parseQuad(text, at, end);
      if (quad < 0) return -1;
      (gap ? tail : head).push(quad >>> 16, quad & 0xffff);
      at = end;
      break;
    }
    let value = 0;
    let digits = 0;
    while (at < end && digits <= 4) {
      const digit = hexDigit(text.charCodeAt(at));
      if (digit < 0) break;
      value = value * 16 + digit;
      digits++;
      at++;
    }
    if (digits === 0 || digits > 4) return -1;
    (gap ? tail : head).push(value);
    if (at === end) break;
    if (text.charCodeAt(at) !== 58) return -1;
    at++;
    if (at < end && text.charCodeAt(at) === 58) {
      if (gap) return -1; // a second '::'
      gap = true;
      at++;
      if (at === end) break;
    } else if (at === end) {
      return -1; // a trailing single ':'
    }
  }
  return fill(words, head, tail, gap);
}

function fill(words: number[], head: number[], tail: number[], gap: boolean): number {
  const groups = head.length + tail.length;
  // '::' stands for at least one zero group (RFC 5952 section 4.2.2 says one group should not use it, but
  // RFC 4291 accepts it on input).
  if (gap ? groups > 7 : groups !== 8) return -1;
  for (let i = 0; i < head.length; i++) words[i] = head[i]!;
  for (let i = 0; i < tail.length; i++) words[8 - tail.length + i] = tail[i]!;
  return 8;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** A dotted quad in text[start, end) as a u32, or -1. */
function parseQuad(text: string, start: number, end: number): number {
  let value = 0;
  let at = start;
  for (let octets = 0; octets < 4; octets++) {
    let octet = 0;
    let digits = 0;
    while (at < end) {
      const code = text.charCodeAt(at);
      if (code < 48 || code > 57) break;
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + code - 48;
      digits++;
      at++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    value = value * 256 + octet;
    if (octets < 3) {
      if (at >= end || text.charCodeAt(at) !== 46) return -1;
      at++;
    }
  }
  return at === end ? value : -1;
}
