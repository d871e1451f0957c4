// UDP (RFC 768), following tcpdump's print-udp.c for ports it has no dissector for.

import { Ipv4Field } from '../../generated/ipv4.js';
import { UdpPacket } from '../../generated/udp.js';
import { addressesWithPorts } from './ipv4.js';
import { u32, type LineBuilder } from './line.js';

const udpView = new UdpPacket();

/** A UDP datagram at bytes[at] inside the IPv4 packet at bytes[ipAt]; `length` is what IPv4 says is left. */
export function udpDatagram(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, ipAt: number, fragmented: boolean): void {
  const src = u32(bytes, ipAt + Ipv4Field.SrcAddr);
  const dst = u32(bytes, ipAt + Ipv4Field.DstAddr);
  if (end - at < 4) {
    f.out += f.ipText.text(src) + ' > ' + f.ipText.text(dst) + ': ';
    f.truncate('udp', false);
    return;
  }
  const udp = udpView.init(bytes, at, end - at);
  const srcPort = udp.srcPort;
  const dstPort = udp.dstPort;
  if (length < 8) {
    addressesWithPorts(f, src, srcPort, dst, dstPort);
    f.out += 'truncated-udp ' + length;
    return;
  }
  if (end - at < 6) {
    addressesWithPorts(f, src, srcPort, dst, dstPort);
    f.truncate('udp', false);
    return;
  }
  const udpLength = udp.len;
  if (udpLength < 8) {
    addressesWithPorts(f, src, srcPort, dst, dstPort);
    f.out += 'truncated-udplength ' + udpLength;
    return;
  }
  let dataLength = length - 8;
  const udpDataLength = udpLength - 8;
  if (udpDataLength < dataLength) dataLength = udpDataLength;
  if (at + 8 > end) {
    addressesWithPorts(f, src, srcPort, dst, dstPort);
    f.truncate('udp', false);
    return;
  }
  addressesWithPorts(f, src, srcPort, dst, dstPort);
  if (udpDataLength > dataLength && !fragmented) {
    f.out += 'UDP, bad length ' + udpDataLength + ' > ' + dataLength;
  } else {
    f.out += 'UDP, length ' + udpDataLength;
  }
}
