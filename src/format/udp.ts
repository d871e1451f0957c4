// UDP (RFC 768), following tcpdump's print-udp.c for ports it has no dissector for.

import { IpProtocol } from '../../generated/ipv4.js';
import { UdpField, UdpPacket } from '../../generated/udp.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { addressesWithPorts, transportPseudoSum } from './ip.js';
import { checksumShouldBe, hex4, u16, type LineBuilder } from './line.js';

const udpView = new UdpPacket();

/**
 * A UDP datagram at bytes[at] over the IP header described by `f.ip` (set by the IPv4 or IPv6 printer);
 * `length` is what the IP layer says is left.
 */
export function udpDatagram(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
  if (end - at < 4) {
    f.out += f.ip.src + ' > ' + f.ip.dst + ': ';
    f.truncate('udp', false);
    return;
  }
  const udp = udpView.init(bytes, at, end - at);
  const srcPort = udp.srcPort;
  const dstPort = udp.dstPort;
  if (length < 8) {
    addressesWithPorts(f, srcPort, dstPort);
    f.out += 'truncated-udp ' + length;
    return;
  }
  if (end - at < 6) {
    addressesWithPorts(f, srcPort, dstPort);
    f.truncate('udp', false);
    return;
  }
  const udpLength = udp.len;
  if (udpLength < 8) {
    addressesWithPorts(f, srcPort, dstPort);
    f.out += 'truncated-udplength ' + udpLength;
    return;
  }
  let dataLength = length - 8;
  const udpDataLength = udpLength - 8;
  if (udpDataLength < dataLength) dataLength = udpDataLength;
  if (at + 8 > end) {
    addressesWithPorts(f, srcPort, dstPort);
    f.truncate('udp', false);
    return;
  }
  addressesWithPorts(f, srcPort, dstPort);
  // tcpdump checks UDP checksums at -v over IPv6, where they are mandatory (RFC 8200 section 8.1); over IPv4
  // only at -vv.
  if (f.verbose && !fragmented && f.ip.version === 6 && at + 8 + dataLength <= end) udpChecksum(f, bytes, at, end, dataLength + 8);
  if (udpDataLength > dataLength && !fragmented) {
    f.out += 'UDP, bad length ' + udpDataLength + ' > ' + dataLength;
  } else {
    f.out += 'UDP, length ' + udpDataLength;
  }
}

/** `[udp sum ok] ` or `[bad udp cksum 0x.. -> 0x..!] ` for the `length` bytes of the datagram at bytes[at]. */
function udpChecksum(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  const sum = checksumFold(checksumSum(bytes, at, length, transportPseudoSum(f.ip, bytes, end, IpProtocol.Udp, length)));
  const field = u16(bytes, at + UdpField.Checksum);
  f.out += sum !== 0 ? '[bad udp cksum 0x' + hex4(field) + ' -> 0x' + hex4(checksumShouldBe(field, sum)) + '!] ' : '[udp sum ok] ';
}
