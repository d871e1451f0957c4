// HTTP (RFC 9112) on TCP ports 80 and 8080, following tcpdump's txtproto_print: every segment gets the
// `: HTTP` tag; one that starts with a request line (a method tcpdump knows, WebDAV's included) or a status
// line (a three-digit code as the second token) also gets its first line, and with -v every text line.

import type { LineBuilder } from './line.js';

/** The request methods tcpdump's http_print recognises (RFC 9110 section 9, WebDAV RFC 4918, DeltaV RFC 3253). */
const METHODS = new Set([
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'LABEL',
  'MERGE', 'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS',
  'CHECKIN', 'PROPFIND', 'CHECKOUT', 'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH',
  'UNCHECKOUT', 'MKACTIVITY', 'MKWORKSPACE', 'UNSUBSCRIBE', 'RPC_CONNECT', 'VERSION-CONTROL', 'BASELINE-CONTROL',
]);
/** tcpdump keeps tokens in a 129-byte buffer: a token of 128 bytes or more is not a method or code. */
const MAX_TOKEN = 127;
const CR = 13;
const LF = 10;
const TAB = 9;
const SPACE = 32;

/** The end of the token found by fetchToken (0 when there is none), and the token's text. */
let tokenText = '';

/** tcpdump's fetch_token: the index after the token at `idx` and the blanks after it, or 0. */
function fetchToken(bytes: Uint8Array, at: number, idx: number, length: number, end: number): number {
  const start = idx;
  for (; idx < length; idx++) {
    if (at + idx >= end) return 0;
    const c = bytes[at + idx]!;
    if (c >= 0x80) return 0;
    if (c === SPACE || c === TAB || c === CR || c === LF) break;
    if (c < 0x20 || c === 0x7f) return 0;
    if (idx - start + 1 > MAX_TOKEN) return 0;
  }
  if (idx === start) return 0;
  tokenText = String.fromCharCode.apply(null, bytes.subarray(at + start, at + idx) as unknown as number[]);
  for (; idx < length; idx++) {
    if (at + idx >= end) break;
    const c = bytes[at + idx]!;
    if (c === CR || c === LF) break;
    if (c < 0x20 || c >= 0x7f) break;
    if (c !== SPACE && c !== TAB) break;
  }
  return idx;
}

/**
 * tcpdump's print_txt_line: the line at `idx` after `prefix`, without its LF or CR LF; the index after the
 * line ending, or 0 when the rest is not a text line (then nothing is printed) or has no ending (printed,
 * then marked truncated).
 */
function textLine(f: LineBuilder, prefix: string, bytes: Uint8Array, at: number, idx: number, length: number, end: number): number {
  const start = idx;
  while (idx < length) {
    if (at + idx >= end) {
      // tcpdump reads the byte with GET_U_1, which abandons the packet.
      f.truncate('http');
      return -1;
    }
    const c = bytes[at + idx]!;
    if (c === LF) {
      printLine(f, prefix, bytes, at + start, idx - start);
      return idx + 1;
    }
    if (c === CR) {
      if (idx + 1 >= length) return 0;
      if (at + idx + 1 >= end) {
        f.truncate('http');
        return -1;
      }
      if (bytes[at + idx + 1] === LF) {
        printLine(f, prefix, bytes, at + start, idx - start);
        return idx + 2;
      }
      return 0;
    }
    if ((c < 0x20 || c >= 0x7f) && c !== TAB) return 0;
    idx++;
  }
  printLine(f, prefix, bytes, at + start, idx - start);
  f.truncate('http', false);
  return 0;
}

function printLine(f: LineBuilder, prefix: string, bytes: Uint8Array, at: number, length: number): void {
  f.out += prefix;
  for (let i = 0; i < length; i++) f.out += String.fromCharCode(bytes[at + i]!);
}

/** An HTTP segment's payload at bytes[at], `length` bytes on the wire, captured up to `end`; after `: `. */
export function httpPayload(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  let printThis = false;
  let idx = fetchToken(bytes, at, 0, length, end);
  if (idx !== 0) {
    // Methods are compared without regard to case, as tcpdump does.
    if (METHODS.has(tokenText.toUpperCase())) printThis = true;
    // A status line's second token is its three-digit code (RFC 9112 section 4).
    idx = fetchToken(bytes, at, idx, length, end);
    if (idx !== 0 && tokenText.length === 3 && isDigit(tokenText, 0) && isDigit(tokenText, 1) && isDigit(tokenText, 2)) printThis = true;
  }
  f.out += 'HTTP';
  if (!printThis) return;
  if (f.verbose) {
    f.out += ', length: ' + length;
    for (idx = 0; idx < length; ) {
      const next = textLine(f, '\n\t', bytes, at, idx, length, end);
      if (next <= 0) break;
      idx = next;
    }
  } else {
    textLine(f, ': ', bytes, at, 0, length, end);
  }
}

function isDigit(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}
