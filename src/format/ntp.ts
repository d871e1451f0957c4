// NTP (RFC 5905) on UDP port 123, following tcpdump's ntp_print: the version and mode (`NTPv4, Client, length
// 48`) and, with -v, a time message's header: leap indicator, stratum, poll, precision, root delay and
// dispersion, reference ID and the four timestamps with their differences, or a control message's header (mode
// 6). The headers are the generated NtpPacket and NtpControlPacket views.

import { NtpField, NtpPacket } from '../../generated/ntp.js';
import { NtpControlField, NtpControlPacket } from '../../generated/ntp-control.js';
import { u16, u32, type LineBuilder } from './line.js';

const ntpView = new NtpPacket();
const controlView = new NtpControlPacket();
/** A control message's header: the NtpControlPacket view's fixed part (RFC 9327 section 2.2). */
const CONTROL_HEADER_LENGTH = 12;

/** tcpdump's names for the association modes (RFC 5905 section 7.3, "Mode"). */
const MODE_TEXT = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];
/** The leap indicator's values as tcpdump names them (RFC 5905 section 7.3, "LI"). */
const LEAP_TEXT = ['', '+1s', '-1s', 'clock unsynchronized'];
/** A time message is the 48-byte header at least (RFC 5905 section 7.3). */
const TIME_MESSAGE_LENGTH = 48;
const MODE_CONTROL = 6;
/** The stratum tcpdump's implementation-dependent INFO_QUERY and INFO_REPLY use. */
const STRATUM_INFO_QUERY = 62;
const STRATUM_INFO_REPLY = 63;
/** Seconds from 1900 (NTP's era 0) to 1970 (Unix time), RFC 5905 section 6. */
const NTP_TO_UNIX = 2_208_988_800;
const TWO_TO_32 = 4_294_967_296;

/** An NTP packet at bytes[at] of `length` bytes, captured up to `end`. */
export function ntpPacket(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (at + NtpField.Mode >= end) {
    f.truncate('ntp');
    return;
  }
  const ntp = ntpView.init(bytes, at, end - at);
  const mode = ntp.mode;
  f.out += 'NTPv' + ntp.version + ', ' + MODE_TEXT[mode]! + ', length ' + length;
  if (!f.verbose) return;
  f.out += '\n\tLeap indicator: ' + LEAP_TEXT[ntp.leap]! + ' (' + (ntp.leap << 6) + ')';
  if (mode === MODE_CONTROL) controlMessage(f, bytes, at, end, length);
  else if (mode !== 7) timeMessage(f, bytes, at, end, length);
}

/** tcpdump's ntp_control_print: the header's fields; the data is not interpreted. */
function controlMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  if (length < CONTROL_HEADER_LENGTH) {
    f.out += ' (invalid)';
    if (at + length > end) truncated(f);
    return;
  }
  const c = controlView.init(bytes, at, end - at);
  // Each field is read on its own (tcpdump's GET_ macros): a cut one abandons the packet.
  if (at + NtpControlField.Opcode >= end) return f.truncate('ntp');
  f.out += ', ' + (c.response ? 'Response' : 'Request') + ', ' + (c.error ? 'Error' : 'OK') + ', ' + (c.more ? 'More' : 'Last') + ', OpCode=' + c.opcode + '\n';
  if (at + NtpControlField.Sequence + 2 > end) return f.truncate('ntp');
  f.out += '\tSequence=' + c.sequence;
  if (at + NtpControlField.Status + 2 > end) return f.truncate('ntp');
  f.out += ', Status=' + (c.status === 0 ? '0' : '0x' + c.status.toString(16));
  if (at + NtpControlField.AssociationId + 2 > end) return f.truncate('ntp');
  f.out += ', Assoc.=' + c.associationId;
  if (at + NtpControlField.DataOffset + 2 > end) return f.truncate('ntp');
  f.out += ', Offset=' + c.dataOffset;
  if (at + NtpControlField.Count + 2 > end) return f.truncate('ntp');
  const count = c.count;
  f.out += ', Count=' + count;
  if (CONTROL_HEADER_LENGTH + count > length) {
    f.out += ' (invalid)';
    if (at + length > end) truncated(f);
    return;
  }
  if (count !== 0) {
    if (at + CONTROL_HEADER_LENGTH + count > end) return truncated(f);
    f.out += '\n\tTO-BE-DONE: data not interpreted';
  }
}

function timeMessage(f: LineBuilder, bytes: Uint8Array, at: number, end: number, length: number): void {
  const ntp = ntpView;
  if (length < TIME_MESSAGE_LENGTH) {
    f.out += ' (invalid)';
    if (at + length > end) f.truncate('ntp', false);
    return;
  }
  if (at + NtpField.Precision >= end) {
    // The stratum, poll and precision are read one by one (tcpdump's GET_ macros).
    if (at + NtpField.Stratum < end) {
      f.out += ', Stratum ' + ntp.stratum + ' (' + stratumText(ntp.stratum) + ')';
      if (at + NtpField.Poll < end) f.out += ', poll ' + ((ntp.poll << 24) >> 24) + pollText((ntp.poll << 24) >> 24);
    }
    f.truncate('ntp');
    return;
  }
  const stratum = ntp.stratum;
  const poll = (ntp.poll << 24) >> 24;
  f.out += ', Stratum ' + stratum + ' (' + stratumText(stratum) + ')';
  f.out += ', poll ' + poll + pollText(poll);
  f.out += ', precision ' + ((ntp.precision << 24) >> 24);
  if (at + NtpField.RootDelay + 4 > end) return truncated(f);
  f.out += '\n\tRoot Delay: ' + shortTime(bytes, at + NtpField.RootDelay);
  if (at + NtpField.RootDispersion + 4 > end) return truncated(f);
  f.out += ', Root dispersion: ' + shortTime(bytes, at + NtpField.RootDispersion);
  if (at + NtpField.ReferenceId + 4 > end) return truncated(f);
  f.out += ', Reference-ID: ';
  const ref = at + NtpField.ReferenceId;
  if (stratum === 0) {
    f.out += '(unspec)';
  } else if (stratum === 1) {
    // A primary server names its clock in four ASCII characters (RFC 5905 section 7.3, figure 12).
    for (let i = 0; i < 4; i++) {
      let c = bytes[ref + i]!;
      if (c >= 0x80) {
        c &= 0x7f;
        f.out += 'M-';
      }
      if (c < 0x20 || c === 0x7f) {
        c ^= 0x40;
        f.out += '^';
      }
      f.out += String.fromCharCode(c);
    }
  } else if (stratum === STRATUM_INFO_QUERY || stratum === STRATUM_INFO_REPLY) {
    f.out += f.ipText.text(u32(bytes, ref)) + (stratum === STRATUM_INFO_QUERY ? ' INFO_QUERY' : ' INFO_REPLY');
    return;
  } else {
    f.out += '0x' + u32(bytes, ref).toString(16).padStart(8, '0');
  }
  const stamps: [string, number][] = [
    ['\n\t  Reference Timestamp:  ', NtpField.ReferenceSeconds],
    ['\n\t  Originator Timestamp: ', NtpField.OriginSeconds],
    ['\n\t  Receive Timestamp:    ', NtpField.ReceiveSeconds],
    ['\n\t  Transmit Timestamp:   ', NtpField.TransmitSeconds],
  ];
  for (const [label, offset] of stamps) {
    if (at + offset + 8 > end) return truncated(f);
    f.out += label + timestamp(bytes, at + offset);
  }
  f.out += '\n\t    Originator - Receive Timestamp:  ' + delta(bytes, at + NtpField.OriginSeconds, at + NtpField.ReceiveSeconds);
  f.out += '\n\t    Originator - Transmit Timestamp: ' + delta(bytes, at + NtpField.OriginSeconds, at + NtpField.TransmitSeconds);
  // RFC 5905 section 7.3: a key identifier and a message digest may follow the header.
  const key = at + TIME_MESSAGE_LENGTH;
  if (length === TIME_MESSAGE_LENGTH + 4 || length === TIME_MESSAGE_LENGTH + 20 || length === TIME_MESSAGE_LENGTH + 24) {
    if (key + 4 > end) {
      f.truncate('ntp');
      return;
    }
    f.out += '\n\tKey id: ' + u32(bytes, key);
    const digest = length - TIME_MESSAGE_LENGTH - 4;
    if (digest > 0) {
      if (key + 4 + digest > end) return truncated(f);
      f.out += '\n\tAuthentication: ';
      for (let i = 0; i < digest; i += 4) f.out += u32(bytes, key + 4 + i).toString(16).padStart(8, '0');
    }
  } else if (length > TIME_MESSAGE_LENGTH) {
    f.out += '\n\t(' + (length - TIME_MESSAGE_LENGTH) + ' more bytes after the header)';
  }
}

function truncated(f: LineBuilder): void {
  f.truncate('ntp', false);
}

function stratumText(stratum: number): string {
  if (stratum === 0) return 'unspecified';
  if (stratum === 1) return 'primary reference';
  return stratum >= 2 && stratum <= 15 ? 'secondary reference' : 'reserved';
}

/** tcpdump's p_poll: the interval 2^poll seconds, ` (64s)` or ` (1/4s)`. */
function pollText(poll: number): string {
  if (poll <= -32 || poll >= 32) return '';
  return poll >= 0 ? ' (' + 2 ** poll + 's)' : ' (1/' + 2 ** -poll + 's)';
}

/** NTP short format (16.16 seconds, RFC 5905 section 6) as tcpdump's p_sfix: microseconds, truncated. */
function shortTime(bytes: Uint8Array, at: number): string {
  const micros = Math.floor((u16(bytes, at + 2) / 65536) * 1_000_000);
  return u16(bytes, at) + '.' + String(micros).padStart(6, '0');
}

/** NTP timestamp (32.32 seconds since 1900) as tcpdump's p_ntp_time: nanoseconds, and the UTC date if not 0. */
function timestamp(bytes: Uint8Array, at: number): string {
  const seconds = u32(bytes, at);
  let text = seconds + '.' + nanos(u32(bytes, at + 4));
  if (seconds !== 0) text += ' (' + new Date((seconds - NTP_TO_UNIX) * 1000).toISOString().slice(0, 19) + 'Z)';
  return text;
}

function nanos(fraction: number): string {
  return String(Math.floor((fraction / TWO_TO_32) * 1_000_000_000)).padStart(9, '0');
}

/** tcpdump's p_ntp_delta: `later - earlier` with a sign, or `later` alone when `earlier` is zero. */
function delta(bytes: Uint8Array, earlierAt: number, laterAt: number): string {
  const ou = u32(bytes, earlierAt);
  const ouf = u32(bytes, earlierAt + 4);
  const u = u32(bytes, laterAt);
  const uf = u32(bytes, laterAt + 4);
  if (ou === 0 && ouf === 0) return timestamp(bytes, laterAt);
  let negative: boolean;
  let i: number;
  let f: number;
  if (u > ou) {
    negative = false;
    i = u - ou;
    f = (uf - ouf) >>> 0;
    if (ouf > uf) i -= 1;
  } else if (u < ou) {
    negative = true;
    i = ou - u;
    f = (ouf - uf) >>> 0;
    if (uf > ouf) i -= 1;
  } else {
    i = 0;
    negative = !(uf > ouf);
    f = negative ? (ouf - uf) >>> 0 : (uf - ouf) >>> 0;
  }
  return (negative ? '-' : '+') + (i >>> 0) + '.' + nanos(f);
}
