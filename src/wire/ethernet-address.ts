// Ethernet (IEEE 802 MAC-48) addresses. In the hot path an address is a plain 48-bit integer (exact in a
// double), which is what the generated views read and write; EthernetAddress wraps one for code at the
// API edges (configuration, printing, tests) that wants a value with methods.
//
// Decision (how hot paths hold a MAC, settled before the neighbour cache keys on it): one number, not a
// pair of integers. A 48-bit number compares with ===, prints with formatMac, keys a Map exactly and is
// what a user reads in EthernetRepr; a hi16/lo32 pair would need two fields, two compares and a
// composite key everywhere. Its cost is the one STYLE.md describes for u32s >= 2^31: a double crossing
// a call V8 does not inline is boxed. So the reprs never pass one across such a call: parse copies the
// six bytes out (copyXxxTo) and assembles the number from a 16-bit and a 32-bit integer, emit splits it
// the same way (mac-bits.ts); a number stored in an object field or a Float64Array is updated in
// place, without an allocation. Measured: test/wire/allocation.test.ts parses and emits Ethernet and
// ARP with addresses >= 2^47 (fe:00:..) at 0 bytes per frame. A neighbour cache keys on the IPv4 address
// and stores the MAC as this number (in a field or a Float64Array column); code that must hand a MAC to
// a large non-inlined function passes macHigh16/macLow32-style halves instead.

import { AddressParseError } from './address-error.js';

const TWO_POW_40 = 0x100_0000_0000;
const TWO_POW_32 = 0x1_0000_0000;

/** The two hexadecimal digits of a byte as char codes, so formatting builds no intermediate strings. */
const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/**
 * Formats a 48-bit address as `02:00:00:00:00:01` (lower case, as tcpdump and ip(8) print it).
 * Allocates only the result string.
 */
export function formatMac(mac: number): string {
  // The top 16 bits do not fit a 32-bit bitwise operation: split with one division.
  const hi = Math.floor(mac / TWO_POW_32);
  const lo = mac - hi * TWO_POW_32;
  return String.fromCharCode(
    HEX_CODES[(hi >>> 12) & 15]!, HEX_CODES[(hi >>> 8) & 15]!, 58,
    HEX_CODES[(hi >>> 4) & 15]!, HEX_CODES[hi & 15]!, 58,
    HEX_CODES[(lo >>> 28) & 15]!, HEX_CODES[(lo >>> 24) & 15]!, 58,
    HEX_CODES[(lo >>> 20) & 15]!, HEX_CODES[(lo >>> 16) & 15]!, 58,
    HEX_CODES[(lo >>> 12) & 15]!, HEX_CODES[(lo >>> 8) & 15]!, 58,
    HEX_CODES[(lo >>> 4) & 15]!, HEX_CODES[lo & 15]!,
  );
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

const MAC_HINT = 'expected six two-digit hexadecimal octets separated by ":", e.g. 02:00:00:00:00:01';

/**
 * Parses `02:00:00:00:00:01` (or with `-` separators, either case) into a 48-bit integer, or an
 * AddressParseError when the text is not an Ethernet address (a value the compiler will not let through
 * as a number).
 */
export function parseMac(text: string): number | AddressParseError {
  const value = parseMacValue(text);
  return value < 0 ? new AddressParseError('Ethernet', text, MAC_HINT) : value;
}

/** The 48-bit address, or -1 (internal: parseMac returns an AddressParseError). */
function parseMacValue(text: string): number {
  if (text.length !== 17) return -1;
  const separator = text.charCodeAt(2);
  if (separator !== 58 && separator !== 45) return -1;
  let value = 0;
  for (let i = 0; i < 6; i++) {
    const at = i * 3;
    if (i > 0 && text.charCodeAt(at - 1) !== separator) return -1;
    const high = hexDigit(text.charCodeAt(at));
    const low = hexDigit(text.charCodeAt(at + 1));
    if (high < 0 || low < 0) return -1;
    value = value * 256 + high * 16 + low;
  }
  return value;
}

/** Reads a 48-bit address from six bytes in network order. */
export function readMac(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 8) | bytes[at + 1]!) * TWO_POW_32 +
    (((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0)
  );
}

/** Writes a 48-bit address as six bytes in network order. */
export function writeMac(mac: number, bytes: Uint8Array, at: number): void {
  const hi = Math.floor(mac / TWO_POW_32);
  const lo = mac - hi * TWO_POW_32;
  bytes[at] = hi >>> 8;
  bytes[at + 1] = hi;
  bytes[at + 2] = lo >>> 24;
  bytes[at + 3] = lo >>> 16;
  bytes[at + 4] = lo >>> 8;
  bytes[at + 5] = lo;
}

/** An Ethernet address as a value: parse, print, compare and classify. */
export class EthernetAddress {
  /** ff:ff:ff:ff:ff:ff */
  static readonly BROADCAST = new EthernetAddress(0xffff_ffff_ffff);

  /** The address as a 48-bit integer, first octet most significant. */
  readonly value: number;

  private constructor(value: number) {
    this.value = value;
  }

  /** The address from a 48-bit integer; throws RangeError for anything else (a programmer mistake). */
  static fromNumber(value: number): EthernetAddress {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff_ffff) {
      throw new RangeError(`${value} is not a 48-bit Ethernet address (expected an integer 0 to 2^48-1)`);
    }
    return new EthernetAddress(value);
  }

  /** The address in `bytes[at, at + 6)`; throws RangeError when fewer than six bytes are there. */
  static fromBytes(bytes: Uint8Array, at = 0): EthernetAddress {
    if (at < 0 || at + 6 > bytes.length) {
      throw new RangeError(`an Ethernet address needs 6 bytes at offset ${at}, but the buffer has ${bytes.length}`);
    }
    return new EthernetAddress(readMac(bytes, at));
  }

  /**
   * Parses `02:00:00:00:00:01` (also `-` separated, either case); an AddressParseError (a value, not
   * thrown) when the text is not an address.
   */
  static parse(text: string): EthernetAddress | AddressParseError {
    const value = parseMac(text);
    return value instanceof AddressParseError ? value : new EthernetAddress(value);
  }

  /** Like parse, but throws the AddressParseError, which says what was expected (for configuration input). */
  static from(text: string): EthernetAddress {
    const address = EthernetAddress.parse(text);
    if (address instanceof AddressParseError) throw address;
    return address;
  }

  /** The address as a 48-bit integer. */
  toNumber(): number {
    return this.value;
  }

  /** Six bytes in network order, written into `out` (a new array when none is given). */
  toBytes(out: Uint8Array = new Uint8Array(6), at = 0): Uint8Array {
    writeMac(this.value, out, at);
    return out;
  }

  /** Same address. */
  equals(other: EthernetAddress): boolean {
    return this.value === other.value;
  }

  /** The first octet: its low bits say multicast (I/G) and locally administered (U/L), IEEE 802 §8.2. */
  private get firstOctet(): number {
    return Math.floor(this.value / TWO_POW_40);
  }

  /** ff:ff:ff:ff:ff:ff */
  isBroadcast(): boolean {
    return this.value === 0xffff_ffff_ffff;
  }

  /** Group address (I/G bit set); broadcast is a multicast address too. */
  isMulticast(): boolean {
    return (this.firstOctet & 1) !== 0;
  }

  /** Individual address (I/G bit clear). */
  isUnicast(): boolean {
    return (this.firstOctet & 1) === 0;
  }

  /** Locally administered (U/L bit set), as the addresses a user-space stack makes up should be. */
  isLocal(): boolean {
    return (this.firstOctet & 2) !== 0;
  }

  /** `02:00:00:00:00:01`, lower case (formatMac). */
  toString(): string {
    return formatMac(this.value);
  }
}
