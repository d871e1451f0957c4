// ARP (RFC 826), following tcpdump's print-arp.c.

import { ArpField, ArpPacket } from '../../generated/arp.js';
import { EtherType } from '../../generated/ethernet.js';
import { HEX_BYTE } from './hex-dump.js';
import { hex4, u32, type LineBuilder } from './line.js';
import { ARP_HARDWARE_NAMES, ARP_OPERATION_NAMES, ETHERTYPE_NAMES } from './names.js';

/** The Trailer encapsulation's EtherType (RFC 893), which tcpdump's ARP printer accepts as IPv4. */
const ETHERTYPE_TRAIL = 0x1000;

const arpView = new ArpPacket();

// ARP (RFC 826), following tcpdump's print-arp.c.
export function arpPacket(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (end - at < 8) {
    f.truncate('arp');
    return;
  }
  const arp = arpView.init(bytes, at, end - at);
  const hardwareLength = arp.hardwareLen;
  const protocolLength = arp.protocolLen;
  const protocol = arp.protocolType as number;
  const operation = arp.operation as number;
  // The five address fields at the lengths the header announces.
  const sha = at + ArpField.SourceHardwareAddr;
  const spa = sha + hardwareLength;
  const tha = spa + protocolLength;
  const tpa = tha + hardwareLength;
  if (tpa + protocolLength > end) {
    f.truncate('arp');
    return;
  }
  if (!f.link) f.out += 'ARP, ';
  const ipv4 = protocol === EtherType.Ipv4 || protocol === ETHERTYPE_TRAIL;
  if (!ipv4 || protocolLength !== 4 || hardwareLength === 0 || f.verbose) {
    const hardware = arp.hardwareType as number;
    f.out +=
      (ARP_HARDWARE_NAMES.get(hardware) ?? 'Unknown Hardware (' + hardware + ')') +
      ' (len ' + hardwareLength + '), ' +
      (ETHERTYPE_NAMES.get(protocol) ?? 'Unknown Protocol (0x' + hex4(protocol) + ')') +
      ' (len ' + protocolLength + ')';
    if (!f.verbose) {
      f.out += ', length ' + length;
      return;
    }
    f.out += ', ';
  }
  f.out += (ARP_OPERATION_NAMES.get(operation) ?? 'Unknown (' + operation + ')') + ' ';
  switch (operation) {
    case 1: {
      f.out += 'who-has ' + arpProtocolAddress(f, bytes, tpa, protocol, protocolLength);
      let nonzero = false;
      for (let i = 0; i < hardwareLength; i++) if (bytes[tha + i] !== 0) nonzero = true;
      if (nonzero) f.out += ' (' + linkAddress(bytes, tha, hardwareLength) + ')';
      f.out += ' tell ' + arpProtocolAddress(f, bytes, spa, protocol, protocolLength);
      break;
    }
    case 2:
      f.out += arpProtocolAddress(f, bytes, spa, protocol, protocolLength) + ' is-at ' + linkAddress(bytes, sha, hardwareLength);
      break;
    case 3:
    case 8:
      f.out += 'who-is ' + linkAddress(bytes, tha, hardwareLength) + ' tell ' + linkAddress(bytes, sha, hardwareLength);
      break;
    case 4:
      f.out += linkAddress(bytes, tha, hardwareLength) + ' at ' + arpProtocolAddress(f, bytes, tpa, protocol, protocolLength);
      break;
    case 9:
      f.out += linkAddress(bytes, sha, hardwareLength) + ' at ' + arpProtocolAddress(f, bytes, spa, protocol, protocolLength);
      break;
    default:
      // print-arp.c dumps the packet whatever -x says.
      f.defaultPrint(bytes, at, end - at, true);
      return;
  }
  f.out += ', length ' + length;
}

function arpProtocolAddress(f: LineBuilder, bytes: Uint8Array, at: number, protocol: number, protocolLength: number): string {
  if (protocol !== EtherType.Ipv4 && protocol !== ETHERTYPE_TRAIL) return '<wrong proto type>';
  if (protocolLength !== 4) return '<wrong len>';
  return f.ipText.text(u32(bytes, at));
}

/** tcpdump's linkaddr_string: six bytes as a MAC, other lengths as colon-separated hex. */
function linkAddress(bytes: Uint8Array, at: number, length: number): string {
  if (length === 0) return '<empty>';
  let text = HEX_BYTE[bytes[at]!]!;
  for (let i = 1; i < length; i++) text += ':' + HEX_BYTE[bytes[at + i]!]!;
  return text;
}
