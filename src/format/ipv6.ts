// IPv6 (RFC 8200), following tcpdump's print-ip6.c. (Being written on branch dump-ipv6.)

import { hexAsciiDump } from './hex-dump.js';
import type { LineBuilder } from './line.js';

/** Appends the IPv6 packet at bytes[at] (captured up to captureEnd) to the line; `length` is what is left on the wire. */
export function ipv6Packet(f: LineBuilder, bytes: Uint8Array, at: number, captureEnd: number, length: number, printIp: boolean): void {
  if (printIp) f.out += 'IP6 ';
  f.out += hexAsciiDump(bytes, at, Math.min(captureEnd - at, length));
}
