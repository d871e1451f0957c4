// BOOTP and DHCP (RFC 951, RFC 2131) on UDP ports 67 and 68, following tcpdump's bootp_print at its default
// level: the operation and, for an Ethernet client's request, its hardware address:
// `BOOTP/DHCP, Request from 02:00:00:00:00:01, length 300`. The fixed part is the generated BootpPacket view.

import { BootpField, BootpPacket } from '../../generated/bootp.js';
import { HEX_BYTE } from './hex-dump.js';
import type { LineBuilder } from './line.js';

const bootpView = new BootpPacket();

/** RFC 2131 section 2, "op". */
const BOOTREQUEST = 1;
const BOOTREPLY = 2;
/** An Ethernet client: hardware type 1 (ARP's hardware types) with 6-byte addresses. */
const HTYPE_ETHERNET = 1;
const ETHERNET_ADDRESS_LENGTH = 6;

/** A BOOTP/DHCP message at bytes[at] of `length` bytes, captured up to `end`. */
export function bootpMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (at + BootpField.Op >= end) {
    f.truncate('bootp');
    return;
  }
  const bootp = bootpView.init(bytes, at, end - at);
  const op = bootp.op;
  f.out += 'BOOTP/DHCP, ' + (op === BOOTREQUEST ? 'Request' : op === BOOTREPLY ? 'Reply' : 'unknown (0x' + HEX_BYTE[op]! + ')');
  if (at + BootpField.Hlen >= end) {
    f.truncate('bootp');
    return;
  }
  if (bootp.htype === HTYPE_ETHERNET && bootp.hlen === ETHERNET_ADDRESS_LENGTH && op === BOOTREQUEST) {
    if (at + BootpField.Chaddr + ETHERNET_ADDRESS_LENGTH > end) {
      f.truncate('bootp');
      return;
    }
    f.out += ' from ' + f.macText.text(bootp.chaddr);
  }
  f.out += ', length ' + length;
}
