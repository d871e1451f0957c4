// NTP (RFC 5905) on UDP port 123, following tcpdump's ntp_print at its default level: the version and mode,
// `NTPv4, Client, length 48`. The fixed header is the generated NtpPacket view.

import { NtpField, NtpPacket } from '../../generated/ntp.js';
import type { LineBuilder } from './line.js';

const ntpView = new NtpPacket();

/** tcpdump's names for the association modes (RFC 5905 section 7.3, "Mode"). */
const MODE_TEXT = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

/** An NTP packet at bytes[at] of `length` bytes, captured up to `end`. */
export function ntpPacket(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (at + NtpField.Mode >= end) {
    f.truncate('ntp');
    return;
  }
  // Only the first byte is read: mode 6 (control) messages share it and differ after it.
  const ntp = ntpView.init(bytes, at, end - at);
  f.out += 'NTPv' + ntp.version + ', ' + MODE_TEXT[ntp.mode]! + ', length ' + length;
}
