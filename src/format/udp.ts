// UDP (RFC 768), following tcpdump's print-udp.c for ports it has no dissector for.

import { UdpPacket } from '../../generated/udp.js';
import { addressesWithPorts } from './ip.js';
import type { LineBuilder } from './line.js';

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
  if (udpDataLength > dataLength && !fragmented) {
    f.out += 'UDP, bad length ' + udpDataLength + ' > ' + dataLength;
  } else {
    f.out += 'UDP, length ' + udpDataLength;
  }
}
