// Text written as bytes: a buffer, the count of bytes in use, and writers for what lines are made of (ASCII
// text, decimal numbers, IPv4, IPv6 and MAC addresses), each a few stores into the buffer instead of a string
// that would have to be built, flattened and copied. smoltcp-dump's output block (src/dump/output.ts) is one,
// so the JSON writer and the text printers (line.ts) write straight into what goes out; on its own, a
// TextSink grows and hands the text back as a string (FrameFormatter.format).

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * A constant piece of ASCII text, encoded once as groups of eight bytes (the last one padded with zeros), so
 * that copying it into a line takes a store per eight bytes instead of one per byte. The groups are held as
 * the doubles with the same bits: a double is the widest value V8 loads and stores without a heap number,
 * and eight ASCII bytes are never a NaN (that needs a top byte of 0x7f or 0xff and the next at least 0xf0),
 * whose bits a store could change. (As four-byte words, the JSON writer spent 7 % more instructions:
 * bench/README.md, issue 8.)
 */
export class Piece {
  readonly groups: Float64Array;
  readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    this.groups = new Float64Array(Math.ceil(text.length / 8));
    const bytes = new Uint8Array(this.groups.buffer);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
}

/**
 * Pieces by an integer key below `keys`, made on first use, at most `limit` of them (after that, and for a key
 * out of range, get() answers null): for runs of constant text that include a value, such as the JSON
 * writer's `,"ttl":64,"proto":6,"checksum":`, which a capture repeats for its few hosts and protocols. One
 * copy of such a run costs less than the writer calls for its keys and values. The pieces are found through
 * an array indexed by key (five Map lookups were about 5 % of a JSON line's time): its pages that no key
 * touches are never committed.
 */
export class PieceCache {
  /** For each key, 1 + its piece's index in `pieces`, or 0. */
  private readonly index: Int32Array;
  private readonly pieces: Piece[] = [];

  constructor(
    private readonly textOf: (key: number) => string,
    keys: number,
    private readonly limit = 1024,
  ) {
    this.index = new Int32Array(keys);
  }

  get(key: number): Piece | null {
    const slot = this.index[key];
    // undefined: a key out of range.
    if (slot === undefined) return null;
    return slot !== 0 ? this.pieces[slot - 1]! : this.make(key);
  }

  private make(key: number): Piece | null {
    if (this.pieces.length >= this.limit) return null;
    this.pieces.push(new Piece(this.textOf(key)));
    this.index[key] = this.pieces.length;
    return this.pieces[this.pieces.length - 1]!;
  }
}

/**
 * Pieces by a small integer (flag bits, an option kind, a protocol number), each made on first use: making
 * all 256 of a table costs about 2 ms at start-up, before V8 has compiled anything.
 */
export class PieceTable {
  private readonly pieces: (Piece | undefined)[] = [];

  constructor(private readonly textOf: (index: number) => string) {}

  get(index: number): Piece {
    return this.pieces[index] ?? this.make(index);
  }

  private make(index: number): Piece {
    const piece = new Piece(this.textOf(index));
    this.pieces[index] = piece;
    return piece;
  }
}

// Digit tables: each entry is a number's text as one little-endian word, written with one store. Stores
// may run up to three bytes past the text's end; those bytes are overwritten by what follows, or lie
// beyond `used` and are never written out (reserve() keeps room for them).
/** 0 to 9999 without leading zeros, and the number of digits. */
const DIGITS4 = new Int32Array(10_000);
const DIGITS4_LENGTH = new Uint8Array(10_000);
/** 0000 to 9999, zero-padded to four digits. */
const PADDED4 = new Int32Array(10_000);
// Built from the digits' codes, without a string or a division per entry: this runs at every start, before
// V8 has compiled anything, where 30,000 short strings (or 10,000 rounds of divisions) cost several ms.
let entry = 0;
for (let d0 = 48; d0 < 58; d0++) {
  for (let d1 = 48; d1 < 58; d1++) {
    for (let d2 = 48; d2 < 58; d2++) {
      const high = d0 | (d1 << 8) | (d2 << 16);
      for (let d3 = 48; d3 < 58; d3++) PADDED4[entry++] = high | (d3 << 24);
    }
  }
}
// The unpadded text is the padded one without its leading zeros: shift them out of the low bytes.
for (let i = 0; i < 1000; i++) {
  const length = i < 10 ? 1 : i < 100 ? 2 : 3;
  DIGITS4_LENGTH[i] = length;
  DIGITS4[i] = PADDED4[i]! >>> ((4 - length) * 8);
}
DIGITS4_LENGTH.fill(4, 1000);
DIGITS4.set(PADDED4.subarray(1000), 1000);
/** 00 to 99, zero-padded to two digits (the top of a timestamp's microseconds): the last two of 0000-0099. */
const PADDED2 = new Int32Array(100);
for (let i = 0; i < 100; i++) PADDED2[i] = PADDED4[i]! >>> 16;
/** An address byte as decimal digits followed by a dot (IPv4), and that text's length. */
const OCTET_DOT = new Int32Array(256);
const OCTET_DOT_LENGTH = new Uint8Array(256);
/** An address byte as two hex digits followed by a colon (MAC). */
const HEX_COLON = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const length = DIGITS4_LENGTH[i]!;
  OCTET_DOT[i] = DIGITS4[i]! | (46 << (length * 8));
  OCTET_DOT_LENGTH[i] = length + 1;
  HEX_COLON[i] = HEX_DIGITS[i >>> 4]! | (HEX_DIGITS[i & 15]! << 8) | (58 << 16);
}
/** A byte as two lowercase hex digits, in the low 16 bits (little-endian: the high digit first). */
const HEX2 = new Int32Array(256);
for (let i = 0; i < 256; i++) HEX2[i] = HEX_DIGITS[i >>> 4]! | (HEX_DIGITS[i & 15]! << 8);
/** Room past a line's end for the stores that overrun their text (a piece's last group: up to 7 bytes). */
const OVERRUN = 8;


/**
 * A growable buffer of text bytes. Writers that take no length check only after `reserve`; `text` and
 * `newline` check themselves. Subclasses decide what making room means (BlockWriter writes the bytes out).
 */
export class TextSink {
  /** The bytes; `used` of them are text. Replaced when the sink grows: read it after `reserve`. */
  block: Uint8Array;
  /** The same memory for the multi-byte stores of the byte writers (unaligned, little-endian). */
  protected view: DataView;
  /** Bytes of `block` in use; writers may rewind it to drop what they wrote since `reserve`. */
  used = 0;
  /** Bytes of `block` that may be used before making room: its length, or less (BlockWriter's first block). */
  capacity: number;

  constructor(size = 1024) {
    this.block = new Uint8Array(size);
    this.view = new DataView(this.block.buffer);
    this.capacity = size;
  }

  /**
   * Makes room for at least `length` more bytes: here by growing the buffer, keeping what it holds. What
   * reserve() calls when the buffer is full.
   */
  protected makeRoom(length: number): void {
    const bigger = new Uint8Array(Math.max(this.block.length * 2, this.used + length + OVERRUN));
    bigger.set(this.block.subarray(0, this.used));
    this.block = bigger;
    this.view = new DataView(bigger.buffer);
    this.capacity = bigger.length;
  }

  /** The text written since `from` (a `used` value read earlier), as a string; `used` goes back to `from`. */
  takeText(from = 0): string {
    let text = '';
    for (let at = from; at < this.used; at += 8192) {
      text += String.fromCharCode.apply(null, this.block.subarray(at, Math.min(this.used, at + 8192)) as unknown as number[]);
    }
    this.used = from;
    return text;
  }

  /** Writes `text` (Latin-1: every character we print is ASCII), making room as needed. */
  text(text: string): void {
    const length = text.length;
    if (length <= 256) {
      this.reserve(length);
      const block = this.block;
      let used = this.used;
      for (let i = 0; i < length; i++) block[used++] = text.charCodeAt(i);
      this.used = used;
      return;
    }
    for (let start = 0; start < length; start += 4096) {
      const stop = Math.min(length, start + 4096);
      this.reserve(stop - start);
      const block = this.block;
      let used = this.used;
      for (let i = start; i < stop; i++) block[used++] = text.charCodeAt(i);
      this.used = used;
    }
  }

  /**
   * Makes room for `length` bytes, so that the byte writers below (which do not check) can follow, and
   * the caller can rewind `used` over them.
   */
  reserve(length: number): void {
    if (this.used + length + OVERRUN > this.capacity) this.makeRoom(length + OVERRUN);
  }

  /** Takes out the byte at `position` (since `reserve`), e.g. a comma that turned out to open an object. */
  removeByte(position: number): void {
    this.block.copyWithin(position, position + 1, this.used);
    this.used--;
  }

  /** The byte at `position` (since `reserve`). */
  byteAt(position: number): number {
    return this.block[position]!;
  }

  /** Writes one byte (room reserved). */
  byte(value: number): void {
    this.block[this.used++] = value;
  }

  /** Ends a line: a newline, with the room check `write` makes. */
  newline(): void {
    this.reserve(1);
    this.block[this.used++] = 10;
  }

  /** Writes ASCII text byte by byte: for the rare texts that are not constant (error messages). */
  ascii(text: string): void {
    const block = this.block;
    let used = this.used;
    for (let i = 0; i < text.length; i++) block[used++] = text.charCodeAt(i);
    this.used = used;
  }

  /** Copies a constant piece of text, eight bytes per store. */
  piece(piece: Piece): void {
    const view = this.view;
    const groups = piece.groups;
    const used = this.used;
    for (let i = 0, at = used; i < groups.length; i++, at += 8) view.setFloat64(at, groups[i]!, true);
    this.used = used + piece.length;
  }

  /** A constant piece then a number: the shape of most JSON fields (`,"ttl":64`), in one call. */
  field(key: Piece, value: number): void {
    const view = this.view;
    const groups = key.groups;
    const used = this.used;
    for (let i = 0, at = used; i < groups.length; i++, at += 8) view.setFloat64(at, groups[i]!, true);
    const at = used + key.length;
    if (value < 10_000) {
      view.setInt32(at, DIGITS4[value]!, true);
      this.used = at + DIGITS4_LENGTH[value]!;
    } else {
      this.used = at;
      this.uint(value);
    }
  }

  /** Writes a non-negative integer (below 2^53) in decimal, four digits per store. */
  uint(value: number): void {
    const view = this.view;
    const used = this.used;
    if (value < 10_000) {
      view.setInt32(used, DIGITS4[value]!, true);
      this.used = used + DIGITS4_LENGTH[value]!;
    } else if (value < 100_000_000) {
      const high = Math.floor(value / 10_000);
      view.setInt32(used, DIGITS4[high]!, true);
      const at = used + DIGITS4_LENGTH[high]!;
      view.setInt32(at, PADDED4[value - high * 10_000]!, true);
      this.used = at + 4;
    } else {
      // A u32 or a timestamp's seconds: the top (up to 9999 for numbers below 10^12) and two padded groups.
      const high = Math.floor(value / 100_000_000);
      const low = value - high * 100_000_000;
      const middle = Math.floor(low / 10_000);
      if (high < 10_000) {
        view.setInt32(used, DIGITS4[high]!, true);
        this.used = used + DIGITS4_LENGTH[high]!;
      } else {
        this.uint(high);
      }
      const at = this.used;
      view.setInt32(at, PADDED4[middle]!, true);
      view.setInt32(at + 4, PADDED4[low - middle * 10_000]!, true);
      this.used = at + 8;
    }
  }

  /** Writes a 16-bit value as four lowercase hex digits, zero-padded (tcpdump's `%04x`). */
  hex4(value: number): void {
    this.view.setInt32(this.used, HEX2[(value >>> 8) & 255]! | (HEX2[value & 255]! << 16), true);
    this.used += 4;
  }

  /** Writes 0-999999 as six digits (a timestamp's microseconds). */
  micros6(value: number): void {
    const view = this.view;
    const used = this.used;
    const high = Math.floor(value / 10_000);
    view.setInt32(used, PADDED2[high]!, true);
    view.setInt32(used + 2, PADDED4[value - high * 10_000]!, true);
    this.used = used + 6;
  }

  /** Writes 0-999999999 as nine digits (a timestamp's nanoseconds). */
  nanos9(value: number): void {
    const view = this.view;
    const used = this.used;
    const high = Math.floor(value / 100_000_000);
    const low = value - high * 100_000_000;
    const middle = Math.floor(low / 10_000);
    this.block[used] = 48 + high;
    view.setInt32(used + 1, PADDED4[middle]!, true);
    view.setInt32(used + 5, PADDED4[low - middle * 10_000]!, true);
    this.used = used + 9;
  }

  /** Writes an IPv4 address (u32 or the same bits as int32) as a dotted quad. */
  ipv4(address: number): void {
    const view = this.view;
    let used = this.used;
    const a = (address >>> 24) & 255;
    const b = (address >>> 16) & 255;
    const c = (address >>> 8) & 255;
    const d = address & 255;
    view.setInt32(used, OCTET_DOT[a]!, true);
    used += OCTET_DOT_LENGTH[a]!;
    view.setInt32(used, OCTET_DOT[b]!, true);
    used += OCTET_DOT_LENGTH[b]!;
    view.setInt32(used, OCTET_DOT[c]!, true);
    used += OCTET_DOT_LENGTH[c]!;
    // The last byte's dot is written but not counted.
    view.setInt32(used, OCTET_DOT[d]!, true);
    this.used = used + OCTET_DOT_LENGTH[d]! - 1;
  }

  /**
   * Writes the 16 bytes at bytes[at] as an IPv6 address in RFC 5952's form (the same text as formatIpv6 in
   * src/wire/ipv6-address.ts, and tshark's): byte by byte, no string made.
   */
  ipv6(bytes: Uint8Array, at: number): void {
    let bestStart = -1;
    let bestLength = 0;
    let runStart = -1;
    for (let i = 0; i < 8; i++) {
      if (bytes[at + 2 * i] === 0 && bytes[at + 2 * i + 1] === 0) {
        if (runStart < 0) runStart = i;
        if (i - runStart + 1 > bestLength) {
          bestStart = runStart;
          bestLength = i - runStart + 1;
        }
      } else {
        runStart = -1;
      }
    }
    if (bestLength < 2) bestStart = -1;
    const block = this.block;
    let used = this.used;
    for (let i = 0; i < 8; i++) {
      if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength) {
        if (i === bestStart) block[used++] = 58;
        continue;
      }
      if (i !== 0) block[used++] = 58;
      if (i === 6 && bestStart === 0 && (bestLength === 6 || (bestLength === 5 && bytes[at + 10] === 0xff && bytes[at + 11] === 0xff))) {
        // RFC 5952 section 5: an IPv4-mapped (or -compatible) address ends in a dotted quad.
        this.used = used;
        this.ipv4(((bytes[at + 12]! << 24) | (bytes[at + 13]! << 16) | (bytes[at + 14]! << 8) | bytes[at + 15]!) >>> 0);
        return;
      }
      const word = (bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!;
      let shift = word >= 0x1000 ? 12 : word >= 0x100 ? 8 : word >= 0x10 ? 4 : 0;
      for (; shift >= 0; shift -= 4) block[used++] = HEX_DIGITS[(word >>> shift) & 15]!;
    }
    if (bestStart >= 0 && bestStart + bestLength === 8) block[used++] = 58;
    this.used = used;
  }

  /** Writes six bytes as a MAC address, `02:00:00:00:00:01`. */
  mac(bytes: Uint8Array, at: number): void {
    const view = this.view;
    const used = this.used;
    view.setInt32(used, HEX_COLON[bytes[at]!]!, true);
    view.setInt32(used + 3, HEX_COLON[bytes[at + 1]!]!, true);
    view.setInt32(used + 6, HEX_COLON[bytes[at + 2]!]!, true);
    view.setInt32(used + 9, HEX_COLON[bytes[at + 3]!]!, true);
    view.setInt32(used + 12, HEX_COLON[bytes[at + 4]!]!, true);
    // The last byte's colon is written but not counted.
    view.setInt32(used + 15, HEX_COLON[bytes[at + 5]!]!, true);
    this.used = used + 17;
  }

}
