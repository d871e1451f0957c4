// Ethernet II frames (IEEE 802.3 clause 3.2), as tcpdump's print-ether.c prints them: with -e (or for an
// EtherType we do not decode) the addresses, EtherType and frame length first, then the payload's printer.
// 802.1Q/QinQ tags are walked here (link.ts prints them); a new link-layer payload is one more case in the
// switch on the EtherType (etherTypePayload, shared with the Linux cooked captures).

import { EtherType, EthernetField, EthernetFrame } from '../../generated/ethernet.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import { arpPacket } from './arp.js';
import { ipv4Packet } from './ipv4.js';
import { ipv6Packet } from './ipv6.js';
import { llcFrame } from './llc.js';
import { hex4, type LineBuilder } from './line.js';
import { innerEtherType, isVlanTag, vlanTagsText } from './link.js';
import { ETHERTYPE_NAMES } from './names.js';
import { Piece, PieceTable } from './text-sink.js';

const ethernetView = new EthernetFrame();
const vlanTags = { count: 0 };
const GREATER = new Piece(' > ');
const COMMA_SPACE = new Piece(', ');
const COLON_SPACE = new Piece(': ');
/** `ethertype IPv4 (0x0800), length ` by EtherType: the -e header's middle, made on first use. */
const ETHERTYPE_LENGTH_PIECE = new PieceTable((etherType) => 'ethertype ' + (ETHERTYPE_NAMES.get(etherType) ?? 'Unknown') + ' (0x' + hex4(etherType) + '), length ');

/** Appends the frame `bytes[offset, offset + caplen)`, `wireLength` bytes on the wire, to the line. */
export function ethernetFrame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  f.linkHeaderLength = ETHERNET_HEADER_LENGTH;
  if (caplen < ETHERNET_HEADER_LENGTH || wireLength < ETHERNET_HEADER_LENGTH) {
    f.truncate('ether', false);
    // tcpdump's ether printer returns the captured length as the header's: -x, -X and -A dump nothing.
    f.linkHeaderLength = caplen;
    return;
  }
  const frame = ethernetView.init(bytes, offset, caplen);
  const etherType = frame.etherType as number;
  let at = offset + ETHERNET_HEADER_LENGTH;
  const end = offset + caplen;
  let length = wireLength - ETHERNET_HEADER_LENGTH;
  // 802.1Q and QinQ tags (IEEE 802.1Q clause 9.6): what counts is the EtherType behind them.
  const tagged = isVlanTag(etherType);
  const inner = tagged ? innerEtherType(bytes, etherType, at, end, vlanTags) : etherType;
  const tags = tagged ? vlanTags.count : 0;
  // Behind tags, a length instead of an EtherType: 802.3 with LLC inside the VLAN, which the LLC printer
  // decodes as after an untagged 802.3 header.
  const taggedLlc = tags > 0 && inner <= 1500 && inner >= 0;
  const decoded = inner === EtherType.Ipv4 || inner === EtherType.Arp || inner === EtherType.Ipv6 || taggedLlc;
  if (inner < 0) {
    // A tag cut by the capture: tcpdump prints the addresses only under -e.
    if (f.link) f.out += f.macText.text(frame.srcAddr) + ' > ' + f.macText.text(frame.dstAddr) + ', ';
    if (f.link && tags > 0) {
      f.out += etherTypeText(f, etherType) + ', length ' + wireLength + ': ';
      vlanTagsText(f, bytes, at, tags, true);
    }
    f.truncate('vlan', false);
    // tcpdump's -x dumps nothing of such a frame: all of it counts as link header.
    f.linkHeaderLength = caplen;
    return;
  }
  if (f.link && !f.quiet && etherType > 1500) {
    // The -e header of the frames tcpdump users print every day, written as bytes (no string per frame).
    f.mac(bytes, offset + EthernetField.SrcAddr);
    f.piece(GREATER);
    f.mac(bytes, offset + EthernetField.DstAddr);
    f.piece(COMMA_SPACE);
    f.field(ETHERTYPE_LENGTH_PIECE.get(etherType), wireLength);
    f.piece(COLON_SPACE);
  } else if (f.link || (!decoded && etherType > 1500)) {
    // tcpdump shows the link header of frames it cannot decode even without -e; so do we.
    f.out += f.macText.text(frame.srcAddr) + ' > ' + f.macText.text(frame.dstAddr) + ', ';
  }
  if (etherType <= 1500) {
    // An IEEE 802.3 length field (clause 3.2.6): an 802.2 LLC frame of that many bytes follows, less when the
    // frame is shorter (tcpdump's length).
    const llcLength = Math.min(etherType, length);
    if (f.link) f.out += '802.3, length ' + llcLength + ': ';
    llcFrame(f, bytes, at, Math.min(end, at + llcLength), llcLength, length, f.macText.text(frame.srcAddr), f.macText.text(frame.dstAddr));
    return;
  }
  if (f.link && f.quiet) f.out += etherTypeText(f, etherType) + ', length ' + wireLength + ': ';
  else if (!f.link && !decoded) f.out += etherTypeText(f, inner) + ', length ' + wireLength + ': ';
  if (tags > 0) {
    if (f.link) vlanTagsText(f, bytes, at, tags);
    at += 4 * tags;
    length -= 4 * tags;
  }
  f.linkHeaderLength = at - offset;
  if (taggedLlc) {
    // tcpdump writes `802.3` here, with neither a comma nor the length, before the LLC printer's own -e text.
    const llcLength = Math.min(inner, length);
    if (f.link) f.out += '802.3';
    llcFrame(f, bytes, at, Math.min(end, at + llcLength), llcLength, length, f.macText.text(frame.srcAddr), f.macText.text(frame.dstAddr));
    return;
  }
  etherTypePayload(f, bytes, inner, at, end, length);
}

/** The payload of an EtherType (after Ethernet, VLAN tags or a Linux cooked header) at bytes[at]. */
export function etherTypePayload(f: LineBuilder, bytes: Uint8Array, etherType: number, at: number, end: number, length: number): void {
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
      // Everything else is shown as its bytes, as tcpdump shows EtherTypes it does not know.
      if (!f.quiet) f.defaultPrint(bytes, at, end - at, false);
      return;
  }
}

export function etherTypeText(f: LineBuilder, etherType: number): string {
  const name = ETHERTYPE_NAMES.get(etherType);
  if (f.quiet) return name ?? 'Unknown Ethertype (0x' + hex4(etherType) + ')';
  return 'ethertype ' + (name ?? 'Unknown') + ' (0x' + hex4(etherType) + ')';
}
