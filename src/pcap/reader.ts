// Streaming reader for classic pcap (both byte orders, micro- and nanosecond magic) and pcapng
// (SHB with its byte order, IDB with if_tsresol/if_tsoffset, EPB, SPB and the obsolete Packet Block;
// other blocks are skipped; several sections and interfaces). Input flows through ONE reused buffer,
// so a capture of any size is read in bounded memory, and each packet is handed out as a view into
// that buffer through one reused PcapRecord: reading a record allocates nothing.
//
// Errors are values: `next()` returns false and `error` says what was wrong, naming the packet that
// could not be read, after every packet before it has been returned.

import { closeSync, fstatSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  MAX_RECORD_LENGTH,
  PCAP_FILE_HEADER_LENGTH,
  PCAP_RECORD_HEADER_LENGTH,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_OPTION_END,
  PCAPNG_OPTION_IF_TSOFFSET,
  PCAPNG_OPTION_IF_TSRESOL,
  PcapngBlockType,
  LinkType,
} from './format.js';
import { FdSource, StreamSource, WOULD_BLOCK, type ByteSource } from './source.js';

/** One packet of a capture. The reader reuses this object; its bytes are valid until the next `next()`. */
export class PcapRecord {
  /** 1 for the first packet of the input. */
  number = 0;
  /** pcapng interface index within its section (0 for classic pcap). */
  interfaceId = 0;
  /** LINKTYPE_* of the interface the packet was captured on (1 = Ethernet). */
  linkType = 1;
  /** Whole seconds since the Unix epoch. */
  tsSeconds = 0;
  /** Nanoseconds within the second (exact for micro- and nanosecond files). */
  tsNanos = 0;
  /** Decimal digits of fraction the capture records: 6 (microseconds), 9 (nanoseconds), ... */
  tsPrecision = 6;
  /** Bytes present in the capture (`length`). */
  capturedLength = 0;
  /** Length of the packet on the wire; larger than capturedLength when the capture cut it short. */
  originalLength = 0;
  /** The packet is `bytes[offset, offset + length)`. */
  bytes: Uint8Array;
  /** Index in `bytes` of the packet's first byte. */
  offset = 0;
  /** Bytes of the packet in `bytes`: its captured length. */
  length = 0;
  /** Offset of the record (header included) in the input. */
  fileOffset = 0;

  /** An empty record over `bytes`. A PcapReader makes its own; there is rarely a reason to call this. */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** The timestamp as microseconds since the epoch (our Instant). */
  get timestampMicros(): number {
    return this.tsSeconds * 1_000_000 + Math.floor(this.tsNanos / 1000);
  }
}

/** Classic libpcap (pcap-savefile(5)) or pcapng (draft-ietf-opsawg-pcapng). */
export type PcapFormat = 'pcap' | 'pcapng';

/** Options of a PcapReader. */
export interface PcapReaderOptions {
  /** Initial buffer size in bytes; it grows only for a single block larger than this. */
  bufferSize?: number;
}

const enum State {
  FileHeader,
  Pcap,
  Pcapng,
  Done,
}

// The most the buffer may grow to hold one record or block: a larger length field is taken for the
// corruption it almost certainly is (the file header's snap length, too, may be garbage), so a damaged
// file cannot make the reader allocate gigabytes. Unknown pcapng blocks of any size are skipped.
const MAX_BUFFERED_LENGTH = 16 * 1024 * 1024;
// Read at least this much per call when compacting, so small leftovers do not cause small reads.
const MIN_READ = 64 * 1024;
/** The first read's size (see readLimit). */
const FIRST_READ = 16 * 1024;
const TWO_POW_32 = 4294967296;

const BLOCK_NAMES: Record<number, string> = {
  [PcapngBlockType.SectionHeader]: 'Section Header Block',
  [PcapngBlockType.InterfaceDescription]: 'Interface Description Block',
  [PcapngBlockType.ObsoletePacket]: 'Packet Block',
  [PcapngBlockType.SimplePacket]: 'Simple Packet Block',
  [PcapngBlockType.EnhancedPacket]: 'Enhanced Packet Block',
};

function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

/**
 * Reads the packets of a classic pcap or pcapng capture one at a time with `next()`, in bounded memory and
 * without allocating per packet. A damaged or truncated capture ends reading with `error` set; it does not throw.
 */
export class PcapReader {
  /** The current packet after `next()` returned true. */
  readonly record: PcapRecord;
  /** Why reading stopped early, or null (a clean end of input, or not finished yet). */
  error: string | null = null;
  /** Set when `next()` returned false only because a stream source has no bytes yet: await `ready()`. */
  needsData = false;
  /** Known once the first bytes have been read. */
  format: PcapFormat | null = null;

  private readonly source: ByteSource;
  private buf: Uint8Array;
  private view: DataView;
  /** Parse position, end of valid data, and the input offset of buf[0]. */
  private start = 0;
  private end = 0;
  private base = 0;
  private eof = false;
  private state = State.FileHeader;
  private littleEndian = true;
  private packets = 0;

  // Classic pcap.
  private nanosPerFraction = 1000;
  private pcapLinkType: number = LinkType.Ethernet;
  private pcapPrecision = 6;
  private maxRecordLength = MAX_RECORD_LENGTH;

  // pcapng: the current section's interfaces.
  private sectionSeen = false;
  private interfaceCount = 0;
  private ifLinkType: number[] = [];
  private ifSnapLength: number[] = [];
  private ifUnitsPerSecond: number[] = [];
  private ifPrecision: number[] = [];
  private ifOffsetSeconds: number[] = [];
  /** Bytes of an oversized unknown block still to drop. */
  private skipRemaining = 0;
  /**
   * The most one read takes: FIRST_READ at first, then the whole buffer. With a short first read, the path that
   * refills the buffer under a record runs within the first records, while V8 still interprets the loop and
   * records what the code does; after a full first read it would first run some thousand records later, in
   * optimized code that never saw it, which V8 then throws away and compiles again.
   */
  private readLimit = FIRST_READ;

  /**
   * A reader over `source`: a ByteSource, or an open file descriptor (which close() leaves open unless it
   * is non-blocking and had to be read as a stream). PcapReader.open and fromStream are the usual ways in.
   */
  constructor(source: ByteSource | number, options: PcapReaderOptions = {}) {
    this.source = typeof source === 'number' ? new FdSource(source, false) : source;
    this.buf = new Uint8Array(Math.max(options.bufferSize ?? 512 * 1024, 64));
    this.view = new DataView(this.buf.buffer);
    this.record = new PcapRecord(this.buf);
  }

  /** Opens a capture file. Throws an Error with a readable message if the file cannot be opened. */
  static open(path: string, options?: PcapReaderOptions): PcapReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
      if (fstatSync(fd).isDirectory()) {
        closeSync(fd);
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === 'ENOENT'
          ? 'no such file'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.code === 'EISDIR'
              ? 'is a directory'
              : err.message;
      throw new Error(`cannot open ${path}: ${why}`);
    }
    return new PcapReader(new FdSource(fd, true), options);
  }

  /** A reader over a stream (stdin, a pipe): call `next()` until false, and `await ready()` while `needsData`. */
  static fromStream(stream: Readable, options?: PcapReaderOptions): PcapReader {
    return new PcapReader(new StreamSource(stream), options);
  }

  /** Packets returned so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** Resolves when a stream source has more bytes (or ended); see `needsData`. */
  ready(): Promise<void> {
    return this.source.ready();
  }

  /**
   * Stops reading (`next()` returns false from then on) and releases the source: a file opened by
   * `open()` is closed, a stream source is destroyed.
   */
  close(): void {
    this.state = State.Done;
    this.source.close();
  }

  /**
   * Moves to the next packet. Returns false at the end of the input, on an error (`error` is set), or
   * when a stream source has no bytes yet (`needsData` is set; await `ready()` and call again).
   */
  next(): boolean {
    this.needsData = false;
    switch (this.state) {
      case State.Pcap:
        return this.nextPcap();
      case State.Pcapng:
        return this.nextPcapng();
      case State.FileHeader:
        if (!this.readFileHeader()) return false;
        return (this.state as State) === State.Pcap ? this.nextPcap() : this.nextPcapng();
      case State.Done:
        return false;
    }
  }

  // Makes `need` bytes available at `start`: 1 when they are, 0 at the end of input, WOULD_BLOCK.
  private fill(need: number): number {
    while (this.end - this.start < need) {
      if (this.eof) return 0;
      if (this.start + need > this.buf.length || this.buf.length - this.end < MIN_READ) this.compact(need);
      let n: number;
      try {
        n = this.source.read(this.buf, this.end, Math.min(this.buf.length - this.end, this.readLimit));
        this.readLimit = this.buf.length;
      } catch (e) {
        this.fail(`cannot read the input: ${(e as Error).message}`);
        return 0;
      }
      if (n === WOULD_BLOCK) {
        this.needsData = true;
        return WOULD_BLOCK;
      }
      if (n === 0) this.eof = true;
      this.end += n;
    }
    return 1;
  }

  private compact(need: number): void {
    if (need > this.buf.length) {
      const bigger = new Uint8Array(Math.max(need, this.buf.length * 2));
      bigger.set(this.buf.subarray(this.start, this.end));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
      this.record.bytes = bigger;
    } else if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
    }
    this.base += this.start;
    this.end -= this.start;
    this.start = 0;
  }

  private fail(message: string): false {
    if (this.error === null) this.error = message;
    this.state = State.Done;
    return false;
  }

  private failAt(what: string, at: number): false {
    return this.fail(`packet ${this.packets + 1}: ${what} at offset ${at}`);
  }

  /**
   * Makes the `length` bytes of the next record or block header (`what`) available. False when the
   * source would block, at a clean end of input between records (the reader is then done), or after
   * failing on a header cut short.
   */
  private fillHeader(length: number, what: string): boolean {
    const f = this.fill(length);
    if (f === 1) return true;
    if (f === WOULD_BLOCK || this.state === State.Done) return false;
    const avail = this.end - this.start;
    if (avail === 0) {
      this.state = State.Done;
      return false;
    }
    return this.failAt(`truncated ${what} (${avail} of ${length} bytes)`, this.base + this.start);
  }

  private readFileHeader(): boolean {
    const f = this.fill(4);
    if (f === WOULD_BLOCK) return false;
    if (this.state === State.Done) return false;
    const avail = this.end - this.start;
    if (f === 0) {
      return this.fail(
        avail === 0
          ? 'empty input: expected a pcap or pcapng file, got 0 bytes'
          : `truncated file header (${avail} of ${PCAP_FILE_HEADER_LENGTH} bytes): not a complete pcap or pcapng file`,
      );
    }
    const b = this.buf;
    const s = this.start;
    const m0 = b[s], m1 = b[s + 1], m2 = b[s + 2], m3 = b[s + 3];
    if (m0 === 0x0a && m1 === 0x0d && m2 === 0x0d && m3 === 0x0a) {
      this.format = 'pcapng';
      this.state = State.Pcapng;
      return true;
    }
    const magicLE = (m0 | (m1 << 8) | (m2 << 16) | (m3 << 24)) >>> 0;
    const magicBE = ((m0 << 24) | (m1 << 16) | (m2 << 8) | m3) >>> 0;
    let nanos: boolean;
    if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
      this.littleEndian = true;
      nanos = magicLE === 0xa1b23c4d;
    } else if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
      this.littleEndian = false;
      nanos = magicBE === 0xa1b23c4d;
    } else {
      return this.fail(
        `not a pcap or pcapng file: unknown magic number ${hex32(magicBE)} at offset 0 ` +
          '(expected a1b2c3d4 or a1b23c4d in either byte order, or 0a0d0d0a)',
      );
    }
    const g = this.fill(PCAP_FILE_HEADER_LENGTH);
    if (g === WOULD_BLOCK) return false;
    if (g === 0) {
      return this.fail(
        `truncated pcap file header (${this.end - this.start} of ${PCAP_FILE_HEADER_LENGTH} bytes) at offset 0`,
      );
    }
    const v = this.view;
    const at = this.start;
    const le = this.littleEndian;
    const major = v.getUint16(at + 4, le);
    const minor = v.getUint16(at + 6, le);
    if (major !== 2) return this.fail(`unsupported pcap version ${major}.${minor} (expected 2.4)`);
    const snapLength = v.getUint32(at + 16, le);
    this.maxRecordLength = Math.min(Math.max(snapLength, MAX_RECORD_LENGTH), MAX_BUFFERED_LENGTH);
    // The upper 16 bits of the link-type field carry FCS information (pcap-savefile(5)).
    this.pcapLinkType = v.getUint32(at + 20, le) & 0xffff;
    this.nanosPerFraction = nanos ? 1 : 1000;
    this.pcapPrecision = nanos ? 9 : 6;
    this.format = 'pcap';
    this.state = State.Pcap;
    this.start += PCAP_FILE_HEADER_LENGTH;
    return true;
  }

  private nextPcap(): boolean {
    if (this.end - this.start < PCAP_RECORD_HEADER_LENGTH) {
      if (!this.fillHeader(PCAP_RECORD_HEADER_LENGTH, 'record header')) return false;
    }
    let v = this.view;
    const le = this.littleEndian;
    let at = this.start;
    const captured = v.getUint32(at + 8, le);
    if (captured > this.maxRecordLength) {
      return this.failAt(
        `captured length ${captured} is larger than the maximum ${this.maxRecordLength} (corrupt record header)`,
        this.base + at,
      );
    }
    const total = PCAP_RECORD_HEADER_LENGTH + captured;
    if (this.end - at < total) {
      const f = this.fill(total);
      if (f !== 1) {
        if (f === WOULD_BLOCK || this.state === State.Done) return false;
        return this.failAt(
          `truncated packet data (${this.end - this.start - PCAP_RECORD_HEADER_LENGTH} of ${captured} bytes)`,
          this.base + this.start,
        );
      }
      at = this.start;
      v = this.view; // fill() may have moved the data into a larger buffer
    }
    const r = this.record;
    r.number = ++this.packets;
    r.interfaceId = 0;
    r.linkType = this.pcapLinkType;
    r.tsSeconds = v.getUint32(at, le);
    r.tsNanos = v.getUint32(at + 4, le) * this.nanosPerFraction;
    r.tsPrecision = this.pcapPrecision;
    r.capturedLength = captured;
    r.originalLength = v.getUint32(at + 12, le);
    r.offset = at + PCAP_RECORD_HEADER_LENGTH;
    r.length = captured;
    r.fileOffset = this.base + at;
    this.start = at + total;
    return true;
  }

  private nextPcapng(): boolean {
    for (;;) {
      if (this.skipRemaining > 0 && !this.skip()) return false;
      if (this.end - this.start < 12 && !this.fillHeader(12, 'block header')) return false;
      let v = this.view;
      let at = this.start;
      const blockAt = this.base + at;
      const type = v.getUint32(at, this.littleEndian);
      if (v.getUint32(at, true) === PcapngBlockType.SectionHeader) {
        // The type is a palindrome; the byte-order magic after the length tells the section's order.
        const bom = v.getUint32(at + 8, true);
        if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
        else if (bom === 0x4d3c2b1a) this.littleEndian = false;
        else {
          return this.failAt(`bad byte-order magic ${hex32(bom)} in Section Header Block`, blockAt);
        }
      } else if (!this.sectionSeen) {
        return this.failAt(`pcapng input does not start with a Section Header Block (type ${hex32(type)})`, blockAt);
      }
      const le = this.littleEndian;
      const blockType = v.getUint32(at, le);
      const length = v.getUint32(at + 4, le);
      if (length < 12 || (length & 3) !== 0) {
        return this.failAt(`invalid block length ${length} (block type ${hex32(blockType)})`, blockAt);
      }
      if (length > MAX_BUFFERED_LENGTH) {
        if (BLOCK_NAMES[blockType] !== undefined) {
          return this.failAt(`${BLOCK_NAMES[blockType]} of ${length} bytes is too large (corrupt length?)`, blockAt);
        }
        this.skipRemaining = length;
        continue;
      }
      if (this.end - at < length) {
        const f = this.fill(length);
        if (f !== 1) {
          if (f === WOULD_BLOCK || this.state === State.Done) return false;
          const name = BLOCK_NAMES[blockType] ?? `block of type ${hex32(blockType)}`;
          return this.failAt(`truncated ${name} (${this.end - this.start} of ${length} bytes)`, blockAt);
        }
        at = this.start;
        v = this.view; // fill() may have moved the data into a larger buffer
      }
      if (v.getUint32(at + length - 4, le) !== length) {
        return this.failAt(
          `block trailer length ${v.getUint32(at + length - 4, le)} does not match its header length ${length}`,
          blockAt,
        );
      }
      switch (blockType) {
        case PcapngBlockType.SectionHeader:
          if (!this.sectionHeader(at, length, blockAt)) return false;
          break;
        case PcapngBlockType.InterfaceDescription:
          if (!this.interfaceDescription(at, length, blockAt)) return false;
          break;
        case PcapngBlockType.EnhancedPacket:
          return this.enhancedPacket(at, length, blockAt);
        case PcapngBlockType.SimplePacket:
          return this.simplePacket(at, length, blockAt);
        case PcapngBlockType.ObsoletePacket:
          return this.obsoletePacket(at, length, blockAt);
        default:
          break; // Name resolution, statistics, custom blocks...: nothing we need.
      }
      this.start = at + length;
    }
  }

  // Drops the rest of a block too large to buffer.
  private skip(): boolean {
    for (;;) {
      const avail = this.end - this.start;
      if (avail >= this.skipRemaining) {
        this.start += this.skipRemaining;
        this.skipRemaining = 0;
        return true;
      }
      this.skipRemaining -= avail;
      this.start = this.end;
      const f = this.fill(1);
      if (f !== 1) {
        if (f === WOULD_BLOCK || this.state === State.Done) return false;
        return this.failAt(`truncated block (${this.skipRemaining} bytes missing)`, this.base + this.start);
      }
    }
  }

  private sectionHeader(at: number, length: number, blockAt: number): boolean {
    if (length < 28) return this.failAt(`Section Header Block too short (${length} bytes, need 28)`, blockAt);
    const major = this.view.getUint16(at + 12, this.littleEndian);
    if (major !== 1) return this.failAt(`unsupported pcapng version ${major} (expected 1)`, blockAt);
    this.sectionSeen = true;
    this.interfaceCount = 0; // interface ids are per section
    return true;
  }

  private interfaceDescription(at: number, length: number, blockAt: number): boolean {
    if (length < 20) return this.failAt(`Interface Description Block too short (${length} bytes, need 20)`, blockAt);
    const v = this.view;
    const le = this.littleEndian;
    const i = this.interfaceCount++;
    this.ifLinkType[i] = v.getUint16(at + 8, le);
    this.ifSnapLength[i] = v.getUint32(at + 12, le);
    let unitsPerSecond = 1_000_000;
    let precision = 6;
    let offsetSeconds = 0;
    // Options: code u16, length u16, value padded to 32 bits (pcapng section 3.5).
    let o = at + 16;
    const optionsEnd = at + length - 4;
    while (o + 4 <= optionsEnd) {
      const code = v.getUint16(o, le);
      const len = v.getUint16(o + 2, le);
      if (code === PCAPNG_OPTION_END) break;
      if (o + 4 + len > optionsEnd) {
        return this.failAt(`Interface Description Block option ${code} runs past the block`, blockAt);
      }
      if (code === PCAPNG_OPTION_IF_TSRESOL && len >= 1) {
        const r = this.buf[o + 4];
        // Most significant bit clear: 10^-r seconds; set: 2^-(r & 0x7f) seconds.
        if ((r & 0x80) === 0) {
          unitsPerSecond = 10 ** r;
          precision = r;
        } else {
          unitsPerSecond = 2 ** (r & 0x7f);
          precision = Math.ceil((r & 0x7f) * Math.LOG10E * Math.LN2);
        }
      } else if (code === PCAPNG_OPTION_IF_TSOFFSET && len >= 8) {
        offsetSeconds = v.getInt32(o + 4 + (le ? 4 : 0), le) * TWO_POW_32 + v.getUint32(o + 4 + (le ? 0 : 4), le);
      }
      o += 4 + ((len + 3) & ~3);
    }
    this.ifUnitsPerSecond[i] = unitsPerSecond;
    this.ifPrecision[i] = precision > 9 ? 9 : precision;
    this.ifOffsetSeconds[i] = offsetSeconds;
    return true;
  }

  private checkInterface(id: number, blockAt: number): boolean {
    if (id < this.interfaceCount) return true;
    return this.failAt(
      `packet refers to interface ${id}, but the section describes ${this.interfaceCount} interface(s)`,
      blockAt,
    );
  }

  private enhancedPacket(at: number, length: number, blockAt: number): boolean {
    const id = this.view.getUint32(at + 8, this.littleEndian);
    return this.packetBlock(at, length, blockAt, id, 'Enhanced Packet Block');
  }

  private obsoletePacket(at: number, length: number, blockAt: number): boolean {
    // The obsolete Packet Block (Appendix A) lays out the EPB's fields with a 16-bit interface id
    // followed by a 16-bit drops count.
    const id = this.view.getUint16(at + 8, this.littleEndian);
    return this.packetBlock(at, length, blockAt, id, 'Packet Block');
  }

  /** An EPB or obsolete Packet Block (`name`) of interface `id`: timestamp, lengths, data at 28. */
  private packetBlock(at: number, length: number, blockAt: number, id: number, name: string): boolean {
    if (length < 32) return this.failAt(`${name} too short (${length} bytes, need 32)`, blockAt);
    if (!this.checkInterface(id, blockAt)) return false;
    const v = this.view;
    const le = this.littleEndian;
    const captured = v.getUint32(at + 20, le);
    if (captured > length - 32) {
      return this.failAt(`captured length ${captured} runs past its ${name} of ${length} bytes`, blockAt);
    }
    this.setTimestamp(id, v.getUint32(at + 12, le), v.getUint32(at + 16, le));
    this.emit(id, captured, v.getUint32(at + 24, le), at + 28, blockAt);
    this.start = at + length;
    return true;
  }

  private simplePacket(at: number, length: number, blockAt: number): boolean {
    if (length < 16) return this.failAt(`Simple Packet Block too short (${length} bytes, need 16)`, blockAt);
    if (!this.checkInterface(0, blockAt)) return false;
    const original = this.view.getUint32(at + 8, this.littleEndian);
    // pcapng 4.4: the captured length is the smaller of the original length, the interface's
    // snap length and what the block holds; an SPB has no timestamp.
    let captured = Math.min(original, length - 16);
    const snap = this.ifSnapLength[0];
    if (snap !== 0 && captured > snap) captured = snap;
    this.record.tsSeconds = 0;
    this.record.tsNanos = 0;
    this.record.tsPrecision = this.ifPrecision[0];
    this.emit(0, captured, original, at + 12, blockAt);
    this.start = at + length;
    return true;
  }

  private emit(id: number, captured: number, original: number, dataAt: number, blockAt: number): void {
    const r = this.record;
    r.number = ++this.packets;
    r.interfaceId = id;
    r.linkType = this.ifLinkType[id];
    r.capturedLength = captured;
    r.originalLength = original;
    r.offset = dataAt;
    r.length = captured;
    r.fileOffset = blockAt;
  }

  // A pcapng timestamp is a 64-bit count of the interface's units since the epoch, in two halves.
  private setTimestamp(id: number, high: number, low: number): void {
    const units = this.ifUnitsPerSecond[id];
    let seconds: number;
    let fraction: number;
    if (high < 0x200000) {
      // Below 2^53: exact in a double (microseconds until the year 2255).
      const value = high * TWO_POW_32 + low;
      seconds = Math.floor(value / units);
      fraction = value - seconds * units;
    } else {
      // Long division in 16-bit digits keeps every intermediate below 2^53 (units < 2^37).
      const q1 = Math.floor(high / units);
      let rest = high - q1 * units;
      let t = rest * 65536 + (low >>> 16);
      const q2 = Math.floor(t / units);
      rest = t - q2 * units;
      t = rest * 65536 + (low & 0xffff);
      const q3 = Math.floor(t / units);
      fraction = t - q3 * units;
      seconds = q1 * TWO_POW_32 + q2 * 65536 + q3;
    }
    const r = this.record;
    r.tsSeconds = seconds + this.ifOffsetSeconds[id];
    r.tsNanos =
      units === 1_000_000
        ? fraction * 1000
        : units === 1_000_000_000
          ? fraction
          : units < 1_000_000_000 && 1_000_000_000 % units === 0
            ? fraction * (1_000_000_000 / units)
            : Math.floor((fraction * 1_000_000_000) / units);
    r.tsPrecision = this.ifPrecision[id];
  }
}

/**
 * Calls `onRecord` for every packet, awaiting a stream source when it runs dry. Resolves when the
 * input ends; check `reader.error` afterwards. Files are read synchronously without awaiting.
 */
export async function forEachRecord(reader: PcapReader, onRecord: (record: PcapRecord) => void): Promise<void> {
  for (;;) {
    while (reader.next()) onRecord(reader.record);
    if (!reader.needsData) return;
    await reader.ready();
  }
}
