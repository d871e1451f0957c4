// Ethernet II frames (IEEE 802.3 clause 3.2), as tcpdump's print-ether.c prints them: with -e (or for an
// EtherType we do not decode) the addresses, EtherType and frame length first, then the payload's printer.
// A new link-layer payload (IPv6, 802.1Q) is one more case in the switch on the EtherType.

import { EtherType, EthernetFrame } from '../../generated/ethernet.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import { arpPacket } from './arp.js';
import { ipv4Packet } from './ipv4.js';
import { ipv6Packet } from './ipv6.js';
import { hex4, type LineBuilder } from './line.js';
import { ETHERTYPE_NAMES } from './names.js';

const ethernetView = new EthernetFrame();

/** Appends the frame `bytes[offset, offset + caplen)`, `wireLength` bytes on the wire, to the line. */
export function ethernetFrame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  if (caplen < ETHERNET_HEADER_LENGTH || wireLength < ETHERNET_HEADER_LENGTH) {
    f.truncate('ether', false);
    return;
  }
  const frame = ethernetView.init(bytes, offset, caplen);
  const etherType = frame.etherType as number;
  const at = offset + ETHERNET_HEADER_LENGTH;
  const end = offset + caplen;
  const length = wireLength - ETHERNET_HEADER_LENGTH;
  const decoded = etherType === EtherType.Ipv4 || etherType === EtherType.Arp || etherType === EtherType.Ipv6;
  // tcpdump shows the link header of frames it cannot decode even without -e; so do we.
  if (f.link || !decoded) f.out += f.macText.text(frame.srcAddr) + ' > ' + f.macText.text(frame.dstAddr) + ', ';
  if (etherType <= 1500) {
    // An IEEE 802.3 length field: the LLC payload is beyond what we decode.
    f.out += '802.3, length ' + length + ': LLC, length ' + length;
    return;
  }
  f.out += f.link || !decoded ? etherTypeText(f, etherType) + ', length ' + wireLength + ': ' : '';
  switch (etherType) {
    case EtherType.Ipv4:
      ipv4Packet(f, bytes, at, end, length, !f.link);
      return;
    case EtherType.Arp:
      arpPacket(f, bytes, at, end, length);
      return;
    case EtherType.Ipv6:
      ipv6Packet(f, bytes, at, end, length, !f.link);
      return;
    default:
      // Everything else (802.1Q included) is shown as its bytes, as tcpdump shows EtherTypes it
      // does not know.
      if (!f.quiet) f.defaultPrint(bytes, at, end - at, false);
      return;
  }
}

export function etherTypeText(f: LineBuilder, etherType: number): string {
  const name = ETHERTYPE_NAMES.get(etherType);
  if (f.quiet) return name ?? 'Unknown Ethertype (0x' + hex4(etherType) + ')';
  return 'ethertype ' + (name ?? 'Unknown') + ' (0x' + hex4(etherType) + ')';
}
