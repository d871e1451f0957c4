// UDP (RFC 768), following tcpdump's print-udp.c: with -vv the checksum over IPv4, then the application
// printers tcpdump has for the ports our users meet most (DNS on 53, multicast DNS on 5353, BOOTP/DHCP on
// 67/68, NTP on 123), in tcpdump's order of precedence; other ports end at `UDP, length N`.

import { IpProtocol } from '../../generated/ipv4.js';
import { UdpPacket } from '../../generated/udp.js';
import { checksumFold, checksumSum } from '../wire/checksum.js';
import { bootpMessage } from './bootp.js';
import { dnsMessage } from './dns.js';
import { addressesWithPorts, transportPseudoSum } from './ip.js';
import { checksumShouldBe, hex4, type LineBuilder } from './line.js';
import { ntpPacket } from './ntp.js';

/** Well-known ports (IANA "Service Name and Transport Protocol Port Number Registry"). */
const PORT_DNS = 53;
const PORT_MDNS = 5353;
const PORT_BOOTPS = 67;
const PORT_BOOTPC = 68;
const PORT_NTP = 123;
/**
 * Ports whose tcpdump printers come before BOOTP's or NTP's in its chain (timed, TFTP, RIP, AODV, ISAKMP,
 * SNMP): a datagram between such a port and 67/68/123 is theirs, which we do not decode.
 */
const BEFORE_BOOTP = new Set([525, 69]);
const BEFORE_NTP = new Set([525, 69, 67, 68, 520, 654, 500, 4500, 161, 162]);

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
  // only at -vv, where a zero field means none was computed (RFC 768).
  if (f.verbose && !fragmented && f.ip.version === 6) {
    if (at + 8 + dataLength <= end) udpChecksum(f, bytes, at, end, dataLength + 8, udp.checksum);
  } else if (f.verbosity > 1 && !fragmented && f.ip.version === 4) {
    const field = udp.checksum;
    if (field === 0) {
      f.out += '[no cksum] ';
    } else if (at + 8 + dataLength <= end) {
      udpChecksum(f, bytes, at, end, dataLength + 8, field);
    }
  }
  if (!f.quiet && applicationPayload(f, bytes, at + 8, end, dataLength, srcPort, dstPort)) return;
  if (udpDataLength > dataLength && !fragmented) {
    f.out += 'UDP, bad length ' + udpDataLength + ' > ' + dataLength;
  } else {
    f.out += 'UDP, length ' + udpDataLength;
  }
}

/** The application printer for the ports, if we have tcpdump's; false when the ports are not ours to decode. */
function applicationPayload(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, srcPort: number, dstPort: number): boolean {
  if (srcPort === PORT_DNS || dstPort === PORT_DNS) {
    dnsMessage(f, bytes, at, end, length, false);
    return true;
  }
  if (srcPort === PORT_MDNS || dstPort === PORT_MDNS) {
    dnsMessage(f, bytes, at, end, length, false, true);
    return true;
  }
  if (BEFORE_BOOTP.has(srcPort) || BEFORE_BOOTP.has(dstPort)) return false;
  if (srcPort === PORT_BOOTPS || dstPort === PORT_BOOTPS || srcPort === PORT_BOOTPC || dstPort === PORT_BOOTPC) {
    bootpMessage(f, bytes, at, end, length);
    return true;
  }
  if (BEFORE_NTP.has(srcPort) || BEFORE_NTP.has(dstPort)) return false;
  if (srcPort === PORT_NTP || dstPort === PORT_NTP) {
    ntpPacket(f, bytes, at, end, length);
    return true;
  }
  return false;
}

/** `[udp sum ok] ` or `[bad udp cksum 0x.. -> 0x..!] ` for the `length` bytes of the datagram at bytes[at]. */
function udpChecksum(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, field: number): void {
  const sum = checksumFold(checksumSum(bytes, at, length, transportPseudoSum(f.ip, bytes, end, IpProtocol.Udp, length)));
  f.out += sum !== 0 ? '[bad udp cksum 0x' + hex4(field) + ' -> 0x' + hex4(checksumShouldBe(field, sum)) + '!] ' : '[udp sum ok] ';
}
