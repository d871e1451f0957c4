// IEEE 802.3 frames (a length where Ethernet II has its EtherType) and the IEEE 802.2 LLC header they carry, as
// tcpdump's print-llc.c prints them: spanning-tree BPDUs (stp.ts), IP over LLC, SNAP with an EtherType
// (RFC 1042, and Cisco's bridged variant), and any other LLC frame as tcpdump's generic line (its SAPs, the
// control field's frame kind, then the bytes). What tcpdump has further printers for (IPX, OSI, CDP and the
// other SNAP protocols, Novell's raw 802.3) keeps our old summary, `802.3, length N: LLC, length N`.
//
// The SAP names, command names and flag texts below are what tcpdump 4.99 prints for each value, read from its
// output on frames made for the purpose (every SAP, every control byte).

import { ETHERTYPE_NAMES } from './names.js';
import { etherTypePayload } from './ethernet.js';
import { ipv4Packet } from './ipv4.js';
import { hex2, hex4, type LineBuilder } from './line.js';
import { stpBpdu, stpDecodable } from './stp.js';

/** The SAP names tcpdump prints (IEEE 802.2 and the assigned SAPs), by SAP with its low bit cleared. */
const SAP_NAMES = new Map<number, string>([
  [0x00, 'Null'],
  [0x02, '802.1B I'],
  [0x04, 'SNA'],
  [0x06, 'IP'],
  [0x0e, 'ProWay NM'],
  [0x42, 'STP'],
  [0x4e, 'RS511'],
  [0x7e, 'ISO8208'],
  [0x8e, 'ProWay'],
  [0xaa, 'SNAP'],
  [0xe0, 'IPX'],
  [0xf0, 'NetBeui'],
  [0xfe, 'OSI'],
]);

const SAP_STP = 0x42;
export const SAP_IP = 0x06;
export const SAP_SNAP = 0xaa;
const SAP_IPX = 0xe0;
const SAP_OSI = 0xfe;

/** Unnumbered frames' commands (IEEE 802.2 clause 5.4), by control byte without the poll/final bit. */
const U_COMMANDS = new Map<number, string>([
  [0x03, 'ui'],
  [0x0f, 'dm'],
  [0x43, 'disc'],
  [0x63, 'ua'],
  [0x6f, 'sabme'],
  [0x87, 'frmr'],
  [0xaf, 'xid'],
  [0xe3, 'test'],
]);
export const UI = 0x03;
const XID = 0xaf;
/** The XID information field's format identifier of IEEE 802.2's basic format (clause 5.4.1.1.1). */
const XID_BASIC_FORMAT = 0x81;
const U_POLL = 0x10;
/** Supervisory frames' functions, by bits 2-3 of the control field. */
const S_FUNCTIONS = ['Receiver Ready', 'Receiver not Ready', 'Reject', '?'];
export const HEADER = 3;
export const SNAP_HEADER = 8;
/** SNAP organization codes whose protocol id is an EtherType: RFC 1042's, and Cisco's for bridged frames. */
export const OUI_ETHERNET = 0x000000;
export const OUI_CISCO_BRIDGED = 0x0000f8;

/**
 * The 802.3 frame's payload at bytes[at, end): `length` is the frame's length field, at most the `wire` bytes
 * on the wire after the header (tcpdump's LLC length); `end` has been cut to it. `src` and `dst` are the
 * Ethernet addresses' text, for tcpdump's generic line. Under -e the caller has printed `... 802.3, length N: `.
 */
export function llcFrame(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, wire: number, src: string, dst: string): void {
  const captured = end - at;
  if (captured < HEADER) return llcCut(f, bytes, at, captured);
  const dsapField = bytes[at]!;
  const ssapField = bytes[at + 1]!;
  const dsap = dsapField & 0xfe;
  const ssap = ssapField & 0xfe;
  const ctrl = bytes[at + 2]!;
  const unnumbered = (ctrl & 3) === 3;
  // Information and supervisory frames have a two-byte control field (IEEE 802.2 clause 5.2), little-endian.
  if (!unnumbered && captured < HEADER + 1) return llcCut(f, bytes, at, captured);
  const control = unnumbered ? ctrl : ctrl | (bytes[at + 3]! << 8);
  const controlLength = unnumbered ? 1 : 2;
  if ((dsapField === 0xff && ssapField === 0xff) || ((dsap === SAP_IPX || dsap === SAP_OSI) && ssap === dsap && ctrl === UI)) {
    // Novell's raw 802.3 (no LLC header at all), IPX and OSI over LLC: printers we do not have.
    return legacyLine(f, wire, src, dst);
  }
  const headerText =
    'LLC, dsap ' + (SAP_NAMES.get(dsap) ?? 'Unknown') + ' (0x' + hex2(dsap) + ') ' + (dsapField & 1 ? 'Group' : 'Individual') +
    ', ssap ' + (SAP_NAMES.get(ssap) ?? 'Unknown') + ' (0x' + hex2(ssap) + ') ' + (ssapField & 1 ? 'Response' : 'Command') +
    ', ctrl 0x' + (unnumbered ? hex2(control) : hex4(control)) + ': ';
  if (dsap === SAP_STP && ssap === SAP_STP && ctrl === UI) {
    if (!stpDecodable(bytes, at + HEADER, end, length - HEADER)) return legacyLine(f, wire, src, dst);
    if (f.link) f.out += headerText;
    f.linkHeaderLength += HEADER;
    stpBpdu(f, bytes, at + HEADER, length - HEADER);
    return;
  }
  if (dsap === SAP_IP && ssap === SAP_IP && ctrl === UI) {
    if (f.link) f.out += headerText;
    f.linkHeaderLength += HEADER;
    ipv4Packet(f, bytes, at + HEADER, end, length - HEADER, !f.link);
    return;
  }
  if (dsap === SAP_SNAP && ssap === SAP_SNAP && ctrl === UI) return snapFrame(f, bytes, at, end, length, wire, src, dst, headerText);
  // Anything else: the SAPs (with the addresses unless -e printed them), the frame's kind, then its bytes.
  // What -x dumps starts after the LLC header, as tcpdump's.
  f.linkHeaderLength += 2 + controlLength;
  if (f.link) f.out += headerText;
  else if (dsap === ssap) f.out += src + ' > ' + dst + ' ' + (SAP_NAMES.get(dsap) ?? 'Unknown DSAP 0x' + hex2(dsap)) + ' ';
  else {
    f.out += src + ' ' + (SAP_NAMES.get(ssap) ?? 'Unknown SSAP 0x' + hex2(ssap)) + ' > ' + dst + ' ' + (SAP_NAMES.get(dsap) ?? 'Unknown DSAP 0x' + hex2(dsap)) + ' ';
  }
  const response = ssapField & 1;
  if (unnumbered) {
    const command = ctrl & ~U_POLL;
    f.out += 'Unnumbered, ' + (U_COMMANDS.get(command) ?? hex2(command)) + ', Flags [' + flagsText(response, ctrl & U_POLL) + '], length ' + length;
    if (command === XID) {
      if (captured < HEADER + 3) {
        // tcpdump gives up reading the XID fields and shows what is left, -x or not.
        f.out += ' [|llc]';
        f.defaultPrint(bytes, at + HEADER, captured - HEADER, true);
        return;
      }
      if (bytes[at + HEADER]! === XID_BASIC_FORMAT) {
        // The basic format's class and receive window (IEEE 802.2 clause 5.4.1.1.1).
        f.out += ': ' + hex2(bytes[at + HEADER + 1]!) + ' ' + hex2(bytes[at + HEADER + 2]!);
        return;
      }
    }
  } else {
    const poll = control & 0x100;
    const received = (control >>> 9) & 0x7f;
    if ((control & 3) === 1) {
      // A supervisory frame carries no information field: tcpdump shows no bytes.
      f.out += 'Supervisory, ' + S_FUNCTIONS[(control >>> 2) & 3]! + ', rcv seq ' + received + ', Flags [' + flagsText(response, poll) + '], length ' + length;
      return;
    }
    f.out += 'Information, send seq ' + ((control >>> 1) & 0x7f) + ', rcv seq ' + received + ', Flags [' + flagsText(response, poll) + '], length ' + length;
  }
  bytesAfter(f, bytes, at, captured);
}

/**
 * SNAP (IEEE 802 clause 10, RFC 1042): an organization code and a protocol id; for RFC 1042's code and Cisco's
 * bridged one the id is an EtherType, whose printer follows.
 */
function snapFrame(
  f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number, wire: number, src: string, dst: string, headerText: string,
): void {
  // What -x dumps starts after the SNAP header, as tcpdump's (even when the capture cut it).
  f.linkHeaderLength += SNAP_HEADER;
  if (end - at < SNAP_HEADER) {
    if (f.link) f.out += headerText;
    f.out += ' [|snap]';
    return;
  }
  const oui = (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!;
  const protocol = (bytes[at + 6]! << 8) | bytes[at + 7]!;
  const payloadLength = length - SNAP_HEADER;
  if (oui !== OUI_ETHERNET && oui !== OUI_CISCO_BRIDGED) return legacyLine(f, wire, src, dst);
  const name = ETHERTYPE_NAMES.get(protocol);
  const decoded = protocol === 0x0800 || protocol === 0x0806 || protocol === 0x86dd;
  if (decoded) {
    if (f.link) {
      f.out += headerText + 'oui ' + (oui === OUI_ETHERNET ? 'Ethernet' : 'Cisco bridged') + ' (0x' + oui.toString(16).padStart(6, '0') + '), ';
      f.out += (oui === OUI_ETHERNET ? 'ethertype ' : 'pid ') + name + ' (0x' + hex4(protocol) + '), length ' + payloadLength + ': ';
    }
    etherTypePayload(f, bytes, protocol, at + SNAP_HEADER, end, payloadLength);
    return;
  }
  // An EtherType tcpdump has no name for (one it names, it has a printer for, which we may not).
  if (name !== undefined || oui !== OUI_ETHERNET) return legacyLine(f, wire, src, dst);
  const unknown = 'ethertype Unknown (0x' + hex4(protocol) + '), length ' + payloadLength + ': ';
  f.out += f.link ? headerText + 'oui Ethernet (0x000000), ' + unknown : src + ' > ' + dst + ' SNAP, ' + unknown;
  bytesAfter(f, bytes, at, end - at);
}

/** The frame's bytes after its line, as tcpdump shows what it did not decode (not with -q, -x or -X). */
function bytesAfter(f: LineBuilder, bytes: Uint8Array, at: number, length: number): void {
  if (!f.quiet) f.defaultPrint(bytes, at, length, false);
}

/** An LLC header cut short: tcpdump's ` [|llc]` and the bytes there are (-x or not; its dump follows them). */
function llcCut(f: LineBuilder, bytes: Uint8Array, at: number, captured: number): void {
  f.out += ' [|llc]';
  f.linkHeaderLength += captured;
  f.defaultPrint(bytes, at, captured, true);
}

/**
 * What we printed for every 802.3 frame before this printer (`wire`: the bytes after the Ethernet header),
 * kept for the payloads tcpdump decodes further: the tests know it as a payload we do not decode.
 */
function legacyLine(f: LineBuilder, wire: number, src: string, dst: string): void {
  if (!f.link) f.out += src + ' > ' + dst + ', 802.3, length ' + wire + ': ';
  f.out += 'LLC, length ' + wire;
}

/** tcpdump's LLC flags: the SSAP's command/response bit with the poll/final bit. */
function flagsText(response: number, poll: number): string {
  if (poll === 0) return response ? 'Response' : 'Command';
  return response ? 'Final' : 'Poll';
}
