// A TCP segment as a value (smoltcp's TcpRepr): ports, sequence space, window, the options the stack
// uses and where the payload is. Parse rejects what no correct sender produces (SYN with FIN or RST,
// port 0, malformed options); emit writes options in the 4-byte-aligned layout of RFC 7323 Appendix A,
// which is also what Linux sends, so an emitted SYN is byte-for-byte comparable with the kernel's.
//
// Sequence numbers, acknowledgment numbers and timestamps are u32s. A field that may hold null or a
// number >= 2^31 would box that number on every write (see STYLE.md), so "absent" is a separate
// boolean for those (`ack`, `hasTimestamp`), and null is used only for small values (mss, window scale).

import { TcpOptionIterator, TcpOptionKind, TcpPacket, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { copyBytes, requireEmitRoom, sameBytes } from './byte-ranges.js';
import { assignFields } from './repr-fields.js';

/** Bytes of a TCP header without options. */
export const TCP_HEADER_LENGTH = 20;
/** Data Offset is 4 bits of 32-bit words: options end 60 bytes into the header at most. */
export const TCP_MAX_HEADER_LENGTH = 60;
/** RFC 7323 section 2.3: a shift count above 14 is used as 14. */
export const TCP_MAX_WINDOW_SCALE = 14;
/** SACK blocks a repr keeps; RFC 2018 section 3: with timestamps at most 3 fit in the option space. */
export const TCP_MAX_SACK_BLOCKS = 3;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);

/** The control flags a segment may carry, mutually exclusive as far as the stack is concerned (smoltcp's Control). */
export enum TcpControl {
  /** No SYN, FIN, RST or PSH. */
  None = 0,
  /** PSH: deliver the data to the application now (RFC 9293 section 3.9.1.2). */
  Psh = 1,
  /** SYN: synchronize sequence numbers, the first segment of each direction. */
  Syn = 2,
  /** FIN: no more data from the sender. */
  Fin = 3,
  /** RST: reset the connection. */
  Rst = 4,
}

const optionIterator = new TcpOptionIterator();
/** The view emit writes through: the caller's, cut to bufferLength() so the checksum covers the segment only. */
const emitView = new TcpPacket();

/** The keys of TcpReprFields, in the order the constructor copies them (sackLeft/sackRight are copied element by element). */
const FIELDS = [
  'srcPort',
  'dstPort',
  'control',
  'seqNumber',
  'ack',
  'ackNumber',
  'windowLen',
  'urgentPointer',
  'windowScale',
  'maxSegSize',
  'sackPermitted',
  'sackBlockCount',
  'hasTimestamp',
  'tsVal',
  'tsEcr',
  'payload',
  'payloadOffset',
  'payloadLength',
] as const;

/** The plain fields of a TcpRepr; the constructor takes a Partial of them (plus sackLeft/sackRight arrays). */
export type TcpReprFields = Pick<TcpRepr, (typeof FIELDS)[number] | 'sackLeft' | 'sackRight'>;

/**
 * A TCP segment as a value. Construct with `new TcpRepr({ srcPort, dstPort, control: TcpControl.Syn,
 * seqNumber, maxSegSize: 1460, ... })`: a payload given without payloadLength runs to the end of its array.
 */
export class TcpRepr {
  /** Source port, never 0. */
  srcPort = 0;
  /** Destination port, never 0. */
  dstPort = 0;
  /** SYN, FIN, RST, PSH or none: the flags the stack acts on, at most one (ACK is `ack`). */
  control: TcpControl = TcpControl.None;
  /** Sequence number of the first byte (of the SYN when control is Syn), a u32 (RFC 9293 section 3.1). */
  seqNumber = 0;
  /** Whether the ACK flag is set; ackNumber is meaningful only then (and emitted as 0 otherwise). */
  ack = false;
  /** Next sequence number expected from the peer, a u32; meaningful when `ack` is set. */
  ackNumber = 0;
  /** The Window field as sent, before scaling. */
  windowLen = 0;
  /**
   * The Urgent Pointer when the URG flag is set, null when it is not (RFC 9293 section 3.1): an offset
   * from seqNumber to the byte after the urgent data (RFC 6093 section 3, "the urgent pointer points to
   * the sequence number of the octet following the urgent data"), as Linux and the BSDs send it.
   */
  urgentPointer: number | null = null;
  /** Window scale shift count (RFC 7323), at most 14; null when the option is absent. */
  windowScale: number | null = null;
  /** Maximum segment size option (RFC 9293 section 3.7.1); null when absent. */
  maxSegSize: number | null = null;
  /** SACK-permitted option (RFC 2018 section 2). */
  sackPermitted = false;
  /** How many SACK blocks (0 to 3) sackLeft/sackRight hold (RFC 2018 section 3). */
  sackBlockCount = 0;
  /** Left edges (first sequence number) of the SACK blocks, u32s; sackLeft[i] for i < sackBlockCount. */
  readonly sackLeft: number[] = [0, 0, 0];
  /** Right edges (sequence number after the block) of the SACK blocks, u32s. */
  readonly sackRight: number[] = [0, 0, 0];
  /** Whether the timestamps option is present (RFC 7323 section 3). */
  hasTimestamp = false;
  /** TSval, the sender's timestamp clock, a u32 (RFC 7323 section 3.2); meaningful when hasTimestamp. */
  tsVal = 0;
  /** TSecr, the TSval echoed back, a u32 (RFC 7323 section 3.2); meaningful when hasTimestamp. */
  tsEcr = 0;
  /**
   * Where the payload is. After parse these point into the parsed packet's bytes; to emit, point them at
   * what to send, or set `payload` to null and write the payload into the packet yourself before emit
   * (the checksum covers it).
   */
  payload: Uint8Array | null = EMPTY;
  /** Index in `payload` where the payload starts. */
  payloadOffset = 0;
  /** Bytes of payload. */
  payloadLength = 0;

  /** The defaults (ports 0, no flags, no options, empty payload), overridden by the fields `init` defines. */
  constructor(init?: Partial<TcpReprFields>) {
    assignFields(this, init, FIELDS);
    if (init === undefined) return;
    if (init.sackLeft) for (let i = 0; i < TCP_MAX_SACK_BLOCKS; i++) this.sackLeft[i] = init.sackLeft[i] ?? 0;
    if (init.sackRight) for (let i = 0; i < TCP_MAX_SACK_BLOCKS; i++) this.sackRight[i] = init.sackRight[i] ?? 0;
    if (init.payload && init.payloadLength === undefined) this.payloadLength = init.payload.length - this.payloadOffset;
  }

  /** Points the payload at `payload[offset, offset + length)` (null: written into the packet by the caller); returns this. */
  setPayload(payload: Uint8Array | null, offset: number, length: number): this {
    this.payload = payload;
    this.payloadOffset = offset;
    this.payloadLength = length;
    return this;
  }

  /** Sets SACK block `index` (0 to 2) to [left, right), raising sackBlockCount to include it; returns this. */
  setSackBlock(index: number, left: number, right: number): this {
    this.sackLeft[index] = left >>> 0;
    this.sackRight[index] = right >>> 0;
    if (this.sackBlockCount <= index) this.sackBlockCount = index + 1;
    return this;
  }

  /** The SACK blocks as [left, right] pairs (allocates: for tests and printing). */
  sackRanges(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.sackBlockCount; i++) out.push([this.sackLeft[i]!, this.sackRight[i]!]);
    return out;
  }

  /**
   * Parses a segment (checking it first; the view's length is the segment's, as the IP layer gives it)
   * sent from `srcAddr` to `dstAddr` (for the checksum: u32s, or int32s with the same bits, which V8
   * passes without boxing); the repr, or why not.
   * Malformed for port 0, for SYN, FIN and RST in any combination, and for a malformed option;
   * BadChecksum unless `caps.tcp` says the device verifies.
   */
  static parse(
    packet: TcpPacket,
    srcAddr: number,
    dstAddr: number,
    caps: ChecksumCapabilities = DEFAULT_CAPS,
  ): TcpRepr | WireError {
    const repr = new TcpRepr();
    const error = repr.parseInto(packet, srcAddr, dstAddr, caps);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object: WireError.Ok, or the error (this repr may then be partly overwritten). */
  parseInto(packet: TcpPacket, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities = DEFAULT_CAPS): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    const srcPort = packet.srcPort;
    const dstPort = packet.dstPort;
    if (srcPort === 0 || dstPort === 0) return WireError.Malformed;
    if (checksumRx(caps.tcp) && !packet.verifyChecksum(srcAddr, dstAddr)) return WireError.BadChecksum;

    // SYN, FIN and RST each end or start a connection; a segment carrying two of them is nonsense
    // (smoltcp rejects every combination, and so does the stack). PSH alone is kept, with the others ignored.
    const syn = packet.syn;
    const fin = packet.fin;
    const rst = packet.rst;
    if ((syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0) > 1) return WireError.Malformed;
    let control = TcpControl.None;
    if (syn) control = TcpControl.Syn;
    else if (fin) control = TcpControl.Fin;
    else if (rst) control = TcpControl.Rst;
    else if (packet.psh) control = TcpControl.Psh;

    if (this.readOptions(packet) !== WireError.Ok) return WireError.Malformed;

    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.control = control;
    // u32s are read as int32 (same bits) and made u32 here: a getter returning a u32 >= 2^31 that V8 does
    // not inline would box it (STYLE.md); an int32 crosses the call unboxed.
    this.seqNumber = packet.seqNumberI32 >>> 0;
    this.ack = packet.ack;
    this.ackNumber = this.ack ? packet.ackNumberI32 >>> 0 : 0;
    this.windowLen = packet.windowLen;
    // The Urgent Pointer field means something only with URG (RFC 9293 section 3.1); without it the
    // field is ignored whatever it holds.
    this.urgentPointer = packet.urg ? packet.urgentAt : null;
    this.setPayload(packet.bytes, packet.payloadOffset, packet.payloadLength);
    return WireError.Ok;
  }

  /** Reads the options the repr models; WireError.Malformed (from the iterator) on a malformed option. */
  private readOptions(packet: TcpPacket): WireError {
    this.windowScale = null;
    this.maxSegSize = null;
    this.sackPermitted = false;
    this.sackBlockCount = 0;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    const it = optionIterator.init(packet);
    while (it.next()) {
      switch (it.kind) {
        case TcpOptionKind.Mss:
          this.maxSegSize = it.mss;
          break;
        case TcpOptionKind.WindowScale: {
          const shift = it.windowScale;
          this.windowScale = shift > TCP_MAX_WINDOW_SCALE ? TCP_MAX_WINDOW_SCALE : shift;
          break;
        }
        case TcpOptionKind.SackPermitted:
          this.sackPermitted = true;
          break;
        case TcpOptionKind.Sack: {
          // A fourth block fits only without timestamps and is rare; like smoltcp, keep the first three.
          const count = Math.min(it.sackBlockCount, TCP_MAX_SACK_BLOCKS);
          for (let i = 0; i < count; i++) {
            this.sackLeft[i] = it.sackLeftI32(i) >>> 0;
            this.sackRight[i] = it.sackRightI32(i) >>> 0;
          }
          this.sackBlockCount = count;
          break;
        }
        case TcpOptionKind.Timestamps:
          this.hasTimestamp = true;
          this.tsVal = it.tsValI32 >>> 0;
          this.tsEcr = it.tsEcrI32 >>> 0;
          break;
        default:
          // End of list, no-operation and kinds the stack does not use (RFC 9293 section 3.2: "must
          // be prepared to handle an illegal option length" - unknown kinds are skipped by length).
          break;
      }
    }
    return it.error;
  }

  /** Length of the options this repr emits, padded to a multiple of 4 (RFC 7323 Appendix A layout). */
  optionsLength(): number {
    let length = 0;
    if (this.maxSegSize !== null) length += 4;
    if (this.hasTimestamp) length += 12; // SACK-permitted (or two NOPs) + timestamps
    if (this.windowScale !== null) length += 4; // NOP + window scale
    if (this.sackPermitted && !this.hasTimestamp) length += 4; // two NOPs + SACK-permitted
    if (this.sackBlockCount > 0) length += 4 + 8 * this.sackBlockCount; // two NOPs + SACK
    return length;
  }

  /** This layer's header in bytes: 20 plus optionsLength(). */
  headerLength(): number {
    return TCP_HEADER_LENGTH + this.optionsLength();
  }

  /** Header plus payload: headerLength() + payloadLength, the segment emit writes. */
  bufferLength(): number {
    return this.headerLength() + this.payloadLength;
  }

  /** The sequence space the segment occupies: its payload, plus one for SYN or FIN (RFC 9293 section 3.4). */
  segmentLength(): number {
    return this.payloadLength + (this.control === TcpControl.Syn || this.control === TcpControl.Fin ? 1 : 0);
  }

  /**
   * Writes the segment into the first bufferLength() bytes of `packet`, whose view must hold at least
   * that many (the repr contract, src/wire/index.ts; RangeError otherwise), from `srcAddr` to `dstAddr`
   * (u32s or int32s, as for parse). The checksum covers those bytes only and is filled unless `caps.tcp`
   * says the device does it, in which case it is zeroed. Throws RangeError when the options exceed 40 bytes.
   */
  emit(view: TcpPacket, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    const headerLength = this.headerLength();
    if (headerLength > TCP_MAX_HEADER_LENGTH) {
      throw new RangeError(
        `the TCP options of this segment need ${headerLength - TCP_HEADER_LENGTH} bytes, more than the 40 a header has room for: send fewer SACK blocks`,
      );
    }
    const length = headerLength + this.payloadLength;
    requireEmitRoom(view, length, 'TCP');
    const packet = emitView.init(view.bytes, view.offset, length);
    packet.srcPort = this.srcPort;
    packet.dstPort = this.dstPort;
    // u32 values cross into setters as int32 (`| 0`, same bits): V8 passes those unboxed (STYLE.md).
    packet.seqNumber = this.seqNumber | 0;
    packet.ackNumber = this.ack ? this.ackNumber | 0 : 0;
    packet.headerLength = headerLength;
    packet.reserved = 0; // "must be zero" (RFC 9293 section 3.1)
    packet.flags = 0;
    switch (this.control) {
      case TcpControl.None:
        break;
      case TcpControl.Psh:
        packet.psh = true;
        break;
      case TcpControl.Syn:
        packet.syn = true;
        break;
      case TcpControl.Fin:
        packet.fin = true;
        break;
      case TcpControl.Rst:
        packet.rst = true;
        break;
    }
    packet.ack = this.ack;
    packet.windowLen = this.windowLen;
    const urgent = this.urgentPointer;
    packet.urg = urgent !== null;
    packet.urgentAt = urgent === null ? 0 : urgent;
    this.writeOptions(packet.bytes, packet.offset + TCP_HEADER_LENGTH);
    if (this.payload !== null) {
      copyBytes(this.payload, this.payloadOffset, packet.bytes, packet.offset + headerLength, this.payloadLength);
    }
    if (checksumTx(caps.tcp)) packet.fillChecksum(srcAddr | 0, dstAddr | 0);
    else packet.checksum = 0;
  }

  /** Writes the options at `at`: each starts where its multi-byte values are 4-byte aligned (RFC 7323 Appendix A). */
  private writeOptions(bytes: Uint8Array, at: number): void {
    if (this.maxSegSize !== null) {
      bytes[at] = TcpOptionKind.Mss;
      bytes[at + 1] = 4;
      bytes[at + 2] = this.maxSegSize >>> 8;
      bytes[at + 3] = this.maxSegSize;
      at += 4;
    }
    if (this.hasTimestamp) {
      if (this.sackPermitted) {
        bytes[at] = TcpOptionKind.SackPermitted;
        bytes[at + 1] = 2;
      } else {
        bytes[at] = TcpOptionKind.Nop;
        bytes[at + 1] = TcpOptionKind.Nop;
      }
      bytes[at + 2] = TcpOptionKind.Timestamps;
      bytes[at + 3] = 10;
      writeU32(bytes, at + 4, this.tsVal | 0);
      writeU32(bytes, at + 8, this.tsEcr | 0);
      at += 12;
    }
    if (this.windowScale !== null) {
      bytes[at] = TcpOptionKind.Nop;
      bytes[at + 1] = TcpOptionKind.WindowScale;
      bytes[at + 2] = 3;
      bytes[at + 3] = this.windowScale;
      at += 4;
    }
    if (this.sackPermitted && !this.hasTimestamp) {
      bytes[at] = TcpOptionKind.Nop;
      bytes[at + 1] = TcpOptionKind.Nop;
      bytes[at + 2] = TcpOptionKind.SackPermitted;
      bytes[at + 3] = 2;
      at += 4;
    }
    const count = this.sackBlockCount;
    if (count > 0) {
      bytes[at] = TcpOptionKind.Nop;
      bytes[at + 1] = TcpOptionKind.Nop;
      bytes[at + 2] = TcpOptionKind.Sack;
      bytes[at + 3] = 2 + 8 * count;
      at += 4;
      for (let i = 0; i < count; i++) {
        writeU32(bytes, at, this.sackLeft[i]! | 0);
        writeU32(bytes, at + 4, this.sackRight[i]! | 0);
        at += 8;
      }
    }
  }

  /** Same header values, options and payload bytes (ackNumber compared only with ACK, timestamps only when present). */
  equals(other: TcpRepr): boolean {
    if (
      this.srcPort !== other.srcPort ||
      this.dstPort !== other.dstPort ||
      this.control !== other.control ||
      this.seqNumber !== other.seqNumber ||
      this.ack !== other.ack ||
      (this.ack && this.ackNumber !== other.ackNumber) ||
      this.windowLen !== other.windowLen ||
      this.urgentPointer !== other.urgentPointer ||
      this.windowScale !== other.windowScale ||
      this.maxSegSize !== other.maxSegSize ||
      this.sackPermitted !== other.sackPermitted ||
      this.sackBlockCount !== other.sackBlockCount ||
      this.hasTimestamp !== other.hasTimestamp ||
      (this.hasTimestamp && (this.tsVal !== other.tsVal || this.tsEcr !== other.tsEcr))
    ) {
      return false;
    }
    for (let i = 0; i < this.sackBlockCount; i++) {
      if (this.sackLeft[i] !== other.sackLeft[i] || this.sackRight[i] !== other.sackRight[i]) return false;
    }
    return sameBytes(this.payload, this.payloadOffset, this.payloadLength, other.payload, other.payloadOffset, other.payloadLength);
  }
}

/** Writes a u32 (or the int32 with the same bits) in network order. */
function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}
