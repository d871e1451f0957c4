// Spanning-tree BPDUs over 802.2 LLC, as tcpdump's print-llc.c and print-stp.c print them: what a Linux
// cooked capture (`tcpdump -i any`) holds under protocol 0x0004 (ETH_P_802_2) when a bridge is on the machine.
// Only the BPDUs of IEEE 802.1D (configuration, topology change) and 802.1w (rapid STP) whose bytes are all
// there; anything else under 802.2 LLC is left to the caller's generic line (tcpdump's other LLC printers
// are not ours yet).

import { hex4, u16, type LineBuilder } from './line.js';

/** IEEE 802.2: the LLC address of the spanning-tree protocol (both SAPs), and the UI frame's control byte. */
const LLC_SAP_STP = 0x42;
const LLC_UI = 0x03;
const LLC_HEADER = 3;

// IEEE 802.1D clause 9.3: protocol identifier 0, then version and BPDU type.
const BPDU_CONFIG = 0x00;
const BPDU_TCN = 0x80;
const BPDU_RSTP = 0x02;
/** Bytes of a configuration BPDU; a rapid one adds its version 1 length byte (802.1w clause 9.3.3). */
const CONFIG_LENGTH = 35;
const RSTP_LENGTH = 36;

/** tcpdump's stp_bpdu_flag_values, in its order; bits 2-3 are the port role (RSTP). */
const FLAG_NAMES: [number, string][] = [
  [0x01, 'Topology change'],
  [0x02, 'Proposal'],
  [0x10, 'Learn'],
  [0x20, 'Forward'],
  [0x40, 'Agreement'],
  [0x80, 'Topology change ACK'],
];
const PORT_ROLES = ['Unknown', 'Alternate', 'Root', 'Designated'];

/**
 * Prints the LLC frame at bytes[at, end) (`length` bytes on the wire) if it is a spanning-tree BPDU we decode,
 * with tcpdump's LLC header under -e; returns false, printing nothing, for anything else.
 */
export function llcStpFrame(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): boolean {
  if (end - at < LLC_HEADER || bytes[at] !== LLC_SAP_STP || bytes[at + 1] !== LLC_SAP_STP || bytes[at + 2] !== LLC_UI) return false;
  if (!stpDecodable(bytes, at + LLC_HEADER, end, length - LLC_HEADER)) return false;
  // What -x dumps starts after the LLC header, as tcpdump's.
  f.linkHeaderLength += LLC_HEADER;
  if (f.link) f.out += 'LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: ';
  stpBpdu(f, bytes, at + LLC_HEADER, length - LLC_HEADER);
  return true;
}

/**
 * Whether the BPDU at bytes[bpdu, end) (`bpduLength` bytes on the wire, after the LLC header) is one stpBpdu
 * prints: the BPDUs of 802.1D and 802.1w whose bytes were captured (or that are shorter on the wire than
 * their type needs, which tcpdump calls invalid).
 */
export function stpDecodable(bytes: Uint8Array, bpdu: number, end: number, bpduLength: number): boolean {
  if (end - bpdu < 4 || u16(bytes, bpdu) !== 0) return false;
  const version = bytes[bpdu + 2]!;
  const type = bytes[bpdu + 3]!;
  let needed: number;
  if (type === BPDU_TCN && version === 0) needed = 4;
  else if (type === BPDU_CONFIG && version === 0) needed = CONFIG_LENGTH;
  else if (type === BPDU_RSTP && version === 2) needed = RSTP_LENGTH;
  else return false;
  // A BPDU shorter on the wire than its type needs is invalid; one cut by the capture is left to the caller.
  return bpduLength < needed ? end - bpdu >= bpduLength : end - bpdu >= needed;
}

/** Prints the BPDU at bytes[bpdu] (stpDecodable said yes) as tcpdump's stp_print: `STP 802.1d, Config, ...`. */
export function stpBpdu(f: LineBuilder, bytes: Uint8Array, bpdu: number, bpduLength: number): void {
  const version = bytes[bpdu + 2]!;
  const type = bytes[bpdu + 3]!;
  const invalid = type !== BPDU_TCN && bpduLength < (type === BPDU_RSTP ? RSTP_LENGTH : CONFIG_LENGTH);
  f.out += 'STP 802.1' + (version === 0 ? 'd' : 'w') + ', ';
  if (type === BPDU_TCN) {
    f.out += 'Topology Change';
    return;
  }
  const name = type === BPDU_RSTP ? 'Rapid STP' : 'Config';
  if (invalid) {
    f.out += name + ' (invalid)';
    return;
  }
  const flags = bytes[bpdu + 4]!;
  f.out += name + ', Flags [' + flagNames(flags) + ']';
  f.out += ', bridge-id ' + bridgeId(bytes, bpdu + 17) + '.' + hex4(u16(bytes, bpdu + 25)) + ', length ' + bpduLength;
  if (f.verbose) {
    f.out += '\n\tmessage-age ' + seconds(u16(bytes, bpdu + 27)) + ', max-age ' + seconds(u16(bytes, bpdu + 29));
    f.out += ', hello-time ' + seconds(u16(bytes, bpdu + 31)) + ', forwarding-delay ' + seconds(u16(bytes, bpdu + 33));
    const cost = ((bytes[bpdu + 13]! << 24) | (bytes[bpdu + 14]! << 16) | (bytes[bpdu + 15]! << 8) | bytes[bpdu + 16]!) >>> 0;
    f.out += '\n\troot-id ' + bridgeId(bytes, bpdu + 5) + ', root-pathcost ' + cost;
    if (type === BPDU_RSTP) f.out += ', port-role ' + PORT_ROLES[(flags >> 2) & 3];
  }
}

function flagNames(flags: number): string {
  let text = '';
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) text += (text === '' ? '' : ', ') + name;
  return text === '' ? 'none' : text;
}

/** A bridge identifier (802.1D clause 9.2.5): priority in hex, a dot, the MAC address. */
function bridgeId(bytes: Uint8Array, at: number): string {
  let text = hex4(u16(bytes, at)) + '.';
  for (let i = 2; i < 8; i++) text += (i > 2 ? ':' : '') + bytes[at + i]!.toString(16).padStart(2, '0');
  return text;
}

/** A BPDU time, in 1/256 s (802.1D clause 9.2.8), as tcpdump prints it. */
function seconds(value: number): string {
  return (value / 256).toFixed(2) + 's';
}
