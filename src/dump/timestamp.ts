// Packet timestamps as tcpdump prints them: local time of day (default), none (-t), Unix seconds (-tt),
// the delta since the previous packet (-ttt), date and time (-tttt), the delta since the first packet (-ttttt).
// Microsecond precision, as tcpdump reads captures by default (nanosecond captures are truncated).
// The text for the current second is cached, so most packets only append their microseconds.

import { Piece, type TextSink } from '../format/text-sink.js';

export type TimestampStyle = 'local' | 'none' | 'unix' | 'delta' | 'date' | 'since-first';

/** The tcpdump style for a count of -t flags. */
export function timestampStyleForCount(count: number): TimestampStyle {
  switch (count) {
    case 0:
      return 'local';
    case 1:
      return 'none';
    case 2:
      return 'unix';
    case 3:
      return 'delta';
    case 4:
      return 'date';
    default:
      return 'since-first';
  }
}

const SIX_DIGITS: string[] = [];
for (let i = 0; i < 1000; i++) SIX_DIGITS.push(String(i).padStart(3, '0'));

/** A microsecond count 0-999999 as six digits. */
export function micros6(us: number): string {
  const high = Math.floor(us / 1000);
  return SIX_DIGITS[high]! + SIX_DIGITS[us - high * 1000]!;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export class TimestampFormatter {
  private cachedSecond = -1;
  private cachedPrefix = '';
  /** cachedPrefix as words, for writeTo: one store per four bytes rather than a load and a store per byte. */
  private cachedPiece = new Piece('');
  private offsetValidFrom = 1;
  private offsetValidTo = 0;
  private offsetSeconds = 0;
  private previousSeconds = -1;
  private previousMicros = 0;
  private firstSeconds = -1;
  private firstMicros = 0;

  constructor(readonly style: TimestampStyle) {}

  /** The timestamp followed by one space, or '' for -t. */
  format(seconds: number, micros: number): string {
    switch (this.style) {
      case 'none':
        return '';
      case 'unix':
        return seconds + '.' + micros6(micros) + ' ';
      case 'local':
      case 'date':
        if (seconds !== this.cachedSecond) this.cacheSecond(seconds);
        return this.cachedPrefix + micros6(micros) + ' ';
      case 'delta': {
        const text = this.previousSeconds < 0 ? delta(0, 0) : delta(seconds - this.previousSeconds, micros - this.previousMicros);
        this.previousSeconds = seconds;
        this.previousMicros = micros;
        return text;
      }
      case 'since-first':
        if (this.firstSeconds < 0) {
          this.firstSeconds = seconds;
          this.firstMicros = micros;
        }
        return delta(seconds - this.firstSeconds, micros - this.firstMicros);
    }
  }

  /**
   * Writes the timestamp and its space straight into `out` (room for 64 bytes reserved): the common styles
   * copy the cached second and the microseconds' digits, so the line needs no timestamp string.
   */
  writeTo(out: TextSink, seconds: number, micros: number): void {
    switch (this.style) {
      case 'unix':
        out.uint(seconds);
        out.byte(46);
        break;
      case 'local':
      case 'date':
        if (seconds !== this.cachedSecond) this.cacheSecond(seconds);
        out.piece(this.cachedPiece);
        break;
      default:
        out.ascii(this.format(seconds, micros));
        return;
    }
    out.micros6(micros);
    out.byte(32);
  }

  private cacheSecond(seconds: number): void {
    this.cachedSecond = seconds;
    this.cachedPrefix = this.prefixFor(seconds);
    this.cachedPiece = new Piece(this.cachedPrefix);
  }

  /** "HH:MM:SS." (or "YYYY-MM-DD HH:MM:SS.") in the local time zone (TZ), with a cached UTC offset. */
  private prefixFor(seconds: number): string {
    if (seconds < this.offsetValidFrom || seconds >= this.offsetValidTo) {
      // Time zone offsets change at most on hour boundaries in practice; recompute once per hour.
      const hourStart = seconds - (((seconds % 3600) + 3600) % 3600);
      this.offsetSeconds = -new Date(hourStart * 1000).getTimezoneOffset() * 60;
      this.offsetValidFrom = hourStart;
      this.offsetValidTo = hourStart + 3600;
    }
    const local = seconds + this.offsetSeconds;
    const daySeconds = ((local % 86400) + 86400) % 86400;
    const hh = Math.floor(daySeconds / 3600);
    const mm = Math.floor((daySeconds % 3600) / 60);
    const ss = daySeconds % 60;
    const time = pad2(hh) + ':' + pad2(mm) + ':' + pad2(ss) + '.';
    if (this.style !== 'date') return time;
    const date = new Date((local - daySeconds) * 1000);
    return date.getUTCFullYear() + '-' + pad2(date.getUTCMonth() + 1) + '-' + pad2(date.getUTCDate()) + ' ' + time;
  }
}

/** tcpdump's delta format: a sign column (space or '-'), then hours:minutes:seconds.micros. */
function delta(seconds: number, micros: number): string {
  let total = seconds * 1_000_000 + micros;
  let sign = ' ';
  if (total < 0) {
    sign = '-';
    total = -total;
  }
  const us = total % 1_000_000;
  const s = (total - us) / 1_000_000;
  return sign + pad2(Math.floor(s / 3600)) + ':' + pad2(Math.floor((s % 3600) / 60)) + ':' + pad2(s % 60) + '.' + micros6(us) + ' ';
}
