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
import { Piece } from './text-sink.js';

/**
 * Each port's place in tcpdump's chain of UDP printers, one byte per port so that a datagram between two ports
 * no printer claims costs two loads (IANA "Service Name and Transport Protocol Port Number Registry"): DNS (53),
 * multicast DNS (5353), APP_EARLIER for timed and TFTP (525, 69) whose printers come before BOOTP's, BOOTP/DHCP
 * (67, 68), APP_BEFORE_NTP for RIP, AODV, ISAKMP and SNMP (520, 654, 500, 4500, 161, 162), NTP (123). The
 * lower class wins, as tcpdump tests them in order; the classes we have no printer for end the line as before.
 */
const APP_DNS = 1;
const APP_MDNS = 2;
const APP_EARLIER = 3;
const APP_BOOTP = 4;
const APP_BEFORE_NTP = 5;
const APP_NTP = 6;
const PORT_CLASS = new Uint8Array(65536);
PORT_CLASS[53] = APP_DNS;
PORT_CLASS[5353] = APP_MDNS;
PORT_CLASS[525] = APP_EARLIER;
PORT_CLASS[69] = APP_EARLIER;
PORT_CLASS[67] = APP_BOOTP;
PORT_CLASS[68] = APP_BOOTP;
for (const port of [520, 654, 500, 4500, 161, 162]) PORT_CLASS[port] = APP_BEFORE_NTP;
PORT_CLASS[123] = APP_NTP;

const udpView = new UdpPacket();
const UDP_LENGTH = new Piece('UDP, length ');
const UDP_SUM_OK = new Piece('[udp sum ok] ');

/**
 * A UDP datagram at bytes[at] over the IP header described by `f.ip` (set by the IPv4 or IPv6 printer);
 * `length` is what the IP layer says is left.
 */
export function udpDatagram(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, fragmented: boolean): void {
  if (end - at < 4) {
    if (!f.ip.portsOnly) f.out += f.ip.src + ' > ' + f.ip.dst + ': ';
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
    f.field(UDP_LENGTH, udpDataLength);
  }
}

/** The application printer for the ports, if we have tcpdump's; false when the ports are not ours to decode. */
function applicationPayload(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, srcPort: number, dstPort: number): boolean {
  const a = PORT_CLASS[srcPort]!;
  const b = PORT_CLASS[dstPort]!;
  if ((a | b) === 0) return false;
  switch (a === 0 ? b : b === 0 ? a : Math.min(a, b)) {
    case APP_DNS:
      dnsMessage(f, bytes, at, end, length, false);
      return true;
    case APP_MDNS:
      dnsMessage(f, bytes, at, end, length, false, true);
      return true;
    case APP_BOOTP:
      bootpMessage(f, bytes, at, end, length);
      return true;
    case APP_NTP:
      ntpPacket(f, bytes, at, end, length);
      return true;
    default:
      return false;
  }
}

/** `[udp sum ok] ` or `[bad udp cksum 0x.. -> 0x..!] ` for the `length` bytes of the datagram at bytes[at]. */
function udpChecksum(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, field: number): void {
  const sum = checksumFold(checksumSum(bytes, at, length, transportPseudoSum(f.ip, bytes, end, IpProtocol.Udp, length)));
  if (sum === 0) f.piece(UDP_SUM_OK);
  else f.out += '[bad udp cksum 0x' + hex4(field) + ' -> 0x' + hex4(checksumShouldBe(field, sum)) + '!] ';
}
