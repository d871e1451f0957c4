// The link layers besides plain Ethernet that tcpdump users meet: 802.1Q and QinQ tags inside Ethernet
// (print-ether.c), Linux cooked captures v1 and v2 (print-sll.c, what `tcpdump -i any` writes), BSD loopback
// (print-null.c) and raw IP (print-raw.c). Each prints its header under -e as tcpdump does, then hands the
// payload to the EtherType dispatch (ethernet.ts) or the IP printers.

import { LinuxSll2Field, LinuxSll2Header } from '../../generated/linux-sll2.js';
import { LinuxSllField, LinuxSllHeader } from '../../generated/linux-sll.js';
import { VlanHeader } from '../../generated/vlan.js';
import { etherTypePayload, etherTypeText } from './ethernet.js';
import { ipPacket } from './ip.js';
import { ipv4Packet } from './ipv4.js';
import { ipv6Packet } from './ipv6.js';
import type { LineBuilder } from './line.js';
import { llcStpFrame } from './stp.js';
import { ETHERTYPE_NAMES } from './names.js';

/** The Tag Protocol Identifiers tcpdump reads as VLAN tags: 802.1Q, 802.1ad (QinQ) and the older 0x9100. */
export function isVlanTag(etherType: number): boolean {
  return etherType === 0x8100 || etherType === 0x88a8 || etherType === 0x9100;
}

const vlanView = new VlanHeader();
const sllView = new LinuxSllHeader();
const sll2View = new LinuxSll2Header();

/** linux/if_packet.h PACKET_* as tcpdump names them: to us, broadcast, multicast, to another host, sent by us. */
const PACKET_TYPES = ['In', 'B', 'M', 'P', 'Out'];

/**
 * The EtherType behind the VLAN tags starting at bytes[at] (first TPID `etherType`), or -1 when the capture cuts
 * a tag; `vlanTags.count` says how many were read.
 */
export function innerEtherType(bytes: Uint8Array, etherType: number, at: number, end: number, tags: { count: number }): number {
  tags.count = 0;
  while (isVlanTag(etherType)) {
    if (end - at < 4) return -1;
    etherType = vlanView.init(bytes, at, end - at).etherType;
    at += 4;
    tags.count++;
  }
  return etherType;
}

/** Under -e, each tag as tcpdump prints it: `vlan 100, p 3, ethertype IPv4 (0x0800), `. */
export function vlanTagsText(f: LineBuilder, bytes: Uint8Array, at: number, count: number, cut = false): void {
  for (let i = 0; i < count; i++, at += 4) {
    const tag = vlanView.init(bytes, at, 4);
    f.out += 'vlan ' + tag.vlanId + ', p ' + tag.priority + (tag.dropEligible ? ', DEI' : '') + ', ';
    const next = tag.etherType;
    // tcpdump names the next tag's TPID only when that tag was captured.
    if (next > 1500 && !(cut && i === count - 1)) f.out += etherTypeText(f, next) + ', ';
  }
}

/** Linux cooked capture v1: `-e` prints ` In 02:00:00:00:00:01 ethertype IPv4 (0x0800), length 49: `. */
export function linuxSllFrame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  if (caplen < 16) {
    f.truncate('sll');
    return;
  }
  const sll = sllView.init(bytes, offset, caplen);
  const protocol = sll.protocol;
  f.linkHeaderLength = 16;
  const type = PACKET_TYPES[sll.packetType] ?? '?';
  let header = (type.length < 3 ? '   '.slice(type.length) + type : type) + ' ';
  header += linkAddressText(f, bytes, offset + LinuxSllField.Address, sll.addressLen);
  // Under -q tcpdump leaves out the protocol and length.
  header += f.quiet ? '' : cookedProtocolText(f, protocol);
  cookedPayload(f, bytes, protocol, offset + 16, offset + caplen, wireLength - 16, header, wireLength);
}

/**
 * What follows a cooked header, as print-sll.c prints it: the header itself (without -e) only before a payload
 * that is not decoded; a VLAN tag (0x8100, which libpcap puts back in front of the payload) with `ethertype
 * ARP, ` even without -e (then `ethertype ARP, ARP, Request ...`, as tcpdump prints it).
 */
function cookedPayload(
  f: LineBuilder, bytes: Uint8Array, protocol: number, at: number, end: number, length: number, prefix: string, wireLength: number,
): void {
  // The header with the frame's length (under -q without either), and as re-printed after a VLAN tag.
  const header = f.quiet ? prefix : prefix + ', length ' + wireLength + ': ';
  if (f.link) f.out += header;
  if (protocol === 0x8100) {
    if (end - at < 4) {
      f.truncate('vlan', false);
      // tcpdump's -x dumps nothing of it: the cut tag counts as link header.
      f.linkHeaderLength += end - at;
      return;
    }
    const tag = vlanView.init(bytes, at, end - at);
    if (f.link) f.out += 'vlan ' + tag.vlanId + ', p ' + tag.priority + (tag.dropEligible ? ', DEI' : '') + ', ';
    const inner = tag.etherType;
    if (!f.quiet) f.out += 'ethertype ' + (inner > 1500 ? ETHERTYPE_NAMES.get(inner) ?? 'Unknown' : 'Unknown') + ', ';
    f.linkHeaderLength += 4;
    // Behind the tag an EtherType it does not decode makes tcpdump print the cooked header after all.
    if (!f.link && inner !== 0x0800 && inner !== 0x0806 && inner !== 0x86dd) f.out += f.quiet ? prefix : prefix + ', length ' + (wireLength - 4) + ': ';
    etherTypePayload(f, bytes, inner, at + 4, end, length - 4);
    return;
  }
  // Protocol 4 (ETH_P_802_2): an 802.2 LLC frame; tcpdump prints spanning-tree BPDUs without the header.
  if (protocol === SLL_P_802_2 && llcStpFrame(f, bytes, at, end, length)) return;
  if (!f.link && protocol !== 0x0800 && protocol !== 0x0806 && protocol !== 0x86dd) f.out += header;
  etherTypePayload(f, bytes, protocol, at, end, length);
}

/**
 * Linux cooked capture v2: the interface's name (looked up by index on this machine, as tcpdump does) and
 * direction always, `-e` adds `ifindex 3 02:00:00:00:00:01 ethertype IPv4 (0x0800), length 53: `.
 */
export function linuxSll2Frame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  if (caplen < 20) {
    f.truncate('sll2');
    return;
  }
  const sll = sll2View.init(bytes, offset, caplen);
  const protocol = sll.protocol;
  const index = sll.interfaceIndex;
  const name = f.interfaceName(index) ?? '?';
  const type = PACKET_TYPES[sll.packetType] ?? '?';
  f.out += name + (name.length < 5 ? '     '.slice(name.length) : '') + ' ' + type + '   '.slice(type.length) + ' ';
  f.linkHeaderLength = 20;
  let header = 'ifindex ' + index + ' ';
  header += linkAddressText(f, bytes, offset + LinuxSll2Field.Address, sll.addressLen);
  header += f.quiet ? '' : cookedProtocolText(f, protocol);
  cookedPayload(f, bytes, protocol, offset + 20, offset + caplen, wireLength - 20, header, wireLength);
}

/** Linux's protocol number for an 802.2 LLC frame in a cooked header (ETH_P_802_2, linux/if_ether.h). */
const SLL_P_802_2 = 0x0004;

/** A cooked header's protocol as tcpdump's -e shows it: an EtherType, or which 802.x framing a value below 1536 is. */
function cookedProtocolText(f: LineBuilder, protocol: number): string {
  return protocol > 1500 ? etherTypeText(f, protocol) : protocol === SLL_P_802_2 ? '802.2' : '802.3';
}

/** The source address and the space after it: tcpdump prints only a 6-byte (Ethernet) address. */
function linkAddressText(f: LineBuilder, bytes: Uint8Array, at: number, length: number): string {
  return length === 6 ? f.macText.text(macAt(bytes, at)) + ' ' : '';
}

function macAt(bytes: Uint8Array, at: number): number {
  // The MAC text cache takes the address as a 48-bit number.
  return bytes[at]! * 2 ** 40 + bytes[at + 1]! * 2 ** 32 + ((bytes[at + 2]! << 24) >>> 0) + (bytes[at + 3]! << 16) + (bytes[at + 4]! << 8) + bytes[at + 5]!;
}

/** BSD's address families as tcpdump names them (print-null.c); AF_INET6 differs between the BSDs. */
const NULL_FAMILIES = new Map<number, string>([[2, 'IPv4'], [7, 'OSI'], [23, 'IPX'], [24, 'IPv6'], [28, 'IPv6'], [30, 'IPv6'], [16, 'Appletalk']]);

/**
 * BSD loopback (LINKTYPE_NULL): a 4-byte address family in the capturing host's byte order; a value with
 * bits in its upper half came from the other byte order (tcpdump's and tshark's rule). `-e`: `AF IPv4 (2), length 37: `.
 */
export function nullFrame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  if (caplen < 4) {
    f.truncate('null');
    return;
  }
  let family = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
  if ((family & 0xffff0000) !== 0) family = ((family >>> 24) | ((family >>> 8) & 0xff00) | ((family << 8) & 0xff0000) | (family << 24)) >>> 0;
  f.linkHeaderLength = 4;
  const name = NULL_FAMILIES.get(family);
  const header = (f.quiet ? name ?? 'Unknown AF ' + family : 'AF ' + (name ?? 'Unknown') + ' (' + family + ')') + ', length ' + wireLength + ': ';
  if (f.link) f.out += header;
  const at = offset + 4;
  const end = offset + caplen;
  if (family === 2) ipv4Packet(f, bytes, at, end, wireLength - 4, !f.link);
  else if (name === 'IPv6') ipv6Packet(f, bytes, at, end, wireLength - 4, !f.link);
  else {
    if (!f.link) f.out += header;
    if (!f.quiet) f.defaultPrint(bytes, at, end - at, false);
  }
}

/** Raw IP (LINKTYPE_RAW, tun devices): `-e` prints `ip: `; the version nibble picks the printer. */
export function rawIpFrame(f: LineBuilder, bytes: Uint8Array, offset: number, caplen: number, wireLength: number): void {
  if (f.link) f.out += 'ip: ';
  if (caplen < 1) {
    f.truncate('ip');
    return;
  }
  const version = bytes[offset]! >> 4;
  if (version === 4 || version === 6) ipPacket(f, bytes, offset, offset + caplen, wireLength, !f.link);
  else f.out += 'unknown ip ' + version;
}
