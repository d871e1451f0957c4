// What TCP and UDP need from the IP header below them, whichever its version: the pseudo-header sum of their
// checksum (RFC 9293 section 3.1 for IPv4, RFC 8200 section 8.1 for IPv6) and tcpdump's order of the two
// addresses. Also the dispatch on the version nibble for link layers that carry both (raw IP, Linux cooked
// captures): ipPacket.

import { Ipv4Field } from '../../generated/ipv4.js';
import { pseudoHeaderSum } from '../wire/checksum.js';
import { ipv4FinalDestination, ipv4Packet } from './ipv4.js';
import { ipv6Packet } from './ipv6.js';
import { u32, type IpHeaderContext, type LineBuilder } from './line.js';
import { Piece } from './text-sink.js';

/**
 * Prints the IP packet at bytes[at] (captured up to captureEnd; `length` bytes left on the wire), IPv4 or IPv6
 * by its version nibble, as tcpdump's ip_print/ip6_print after a link layer that carries both. `printIp`
 * starts the line with `IP ` or `IP6 `. Any other version prints as tcpdump's raw-IP printer does: `IPn`.
 */
export function ipPacket(f: LineBuilder, bytes: Uint8Array, at: number, captureEnd: number, length: number, printIp: boolean): void {
  if (captureEnd - at < 1) {
    f.truncate('ip');
    return;
  }
  const version = bytes[at]! >>> 4;
  if (version === 6) ipv6Packet(f, bytes, at, captureEnd, length, printIp);
  else if (version === 4) ipv4Packet(f, bytes, at, captureEnd, length, printIp);
  else f.out += 'IP' + version;
}

/** The pseudo-header's sum for `protocol` and upper-layer `length`, over the context's IP header. */
export function transportPseudoSum(ip: IpHeaderContext, bytes: Uint8Array, end: number, protocol: number, length: number): number {
  if (ip.version === 4) {
    const src = u32(bytes, ip.at + Ipv4Field.SrcAddr);
    return pseudoHeaderSum(src, ipv4FinalDestination(bytes, ip.at, end), protocol, length);
  }
  let sum = protocol + (length >>> 16) + (length & 0xffff);
  const srcAt = ip.at + 8;
  for (let i = 0; i < 16; i += 2) sum += ((bytes[srcAt + i]! << 8) | bytes[srcAt + i + 1]!) + ((bytes[ip.pseudoDstAt + i]! << 8) | bytes[ip.pseudoDstAt + i + 1]!);
  return sum;
}

/** Whether the source address is above the destination byte by byte (tcpdump's memcmp, for conversation order). */
export function sourceAboveDestination(ip: IpHeaderContext, bytes: Uint8Array): boolean {
  const size = ip.version === 4 ? 4 : 16;
  const srcAt = ip.at + (ip.version === 4 ? Ipv4Field.SrcAddr : 8);
  const dstAt = srcAt + size;
  for (let i = 0; i < size; i++) {
    const a = bytes[srcAt + i]!;
    const b = bytes[dstAt + i]!;
    if (a !== b) return a > b;
  }
  return false;
}

const DOT = new Piece('.');
const GREATER = new Piece(' > ');
const COLON_SPACE = new Piece(': ');

/** `10.0.0.1.80 > 10.0.0.2.5555: ` or `fe80::1.80 > fe80::2.5555: `, how TCP and UDP lines start. */
export function addressesWithPorts(f: LineBuilder, srcPort: number, dstPort: number): void {
  const ip = f.ip;
  if (ip.version === 4 && !ip.portsOnly) {
    f.ipv4Ports(ip.srcAddress, srcPort, ip.dstAddress, dstPort);
    return;
  }
  if (ip.portsOnly) {
    f.uint(srcPort);
    f.piece(GREATER);
    f.uint(dstPort);
  } else {
    f.text(ip.src);
    f.field(DOT, srcPort);
    f.piece(GREATER);
    f.text(ip.dst);
    f.field(DOT, dstPort);
  }
  f.piece(COLON_SPACE);
}
