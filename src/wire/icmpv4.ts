// An ICMPv4 message as a value (smoltcp's Icmpv4Repr): echo request and reply with their identifier,
// sequence number and data, and the two error messages the stack sends and understands, destination
// unreachable and time exceeded, with the IPv4 header and the first bytes of the datagram they quote
// (RFC 792). Data is an offset and a length into a buffer, never a copy.

import { Icmpv4Message, Icmpv4Packet, Ipv4Packet, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { copyBytes, requireEmitRoom, sameBytes } from './byte-ranges.js';
import { IPV4_HEADER_LENGTH, Ipv4Repr, type Ipv4ReprFields } from './ipv4.js';
import { assignFields } from './repr-fields.js';

/** Bytes of the ICMPv4 header: type, code, checksum and the 4 bytes that depend on the type. */
export const ICMPV4_HEADER_LENGTH = 8;
/** RFC 792: an error message quotes the IP header and "the first 64 bits of the original data datagram". */
export const ICMPV4_QUOTED_DATA_MIN = 8;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);

/** One view for the quoted header, reused by every parse and emit (they never run concurrently). */
const quotedView = new Ipv4Packet();
/** The view emit writes through: the caller's, cut to bufferLength() so the checksum covers the message only. */
const emitView = new Icmpv4Packet();

/** The keys of Icmpv4ReprFields the constructor assigns (quotedHeader is copied field by field). */
const FIELDS = ['msgType', 'msgCode', 'echoIdent', 'echoSeqNo', 'data', 'dataOffset', 'dataLength'] as const;

/**
 * The plain fields of an Icmpv4Repr; the constructor takes a Partial of them. `quotedHeader` takes the
 * fields of the quoted IPv4 header (an Ipv4Repr will do), which are copied.
 */
export type Icmpv4ReprFields = Pick<Icmpv4Repr, (typeof FIELDS)[number]> & { quotedHeader: Partial<Ipv4ReprFields> };

/**
 * An ICMPv4 message as a value. An echo: `new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent,
 * echoSeqNo, data })`; an error: `new Icmpv4Repr({ msgType: Icmpv4Message.DstUnreachable, msgCode,
 * quotedHeader, data })` with the quoted datagram's first bytes (at least 8) as data. Data given without
 * dataLength runs to the end of its array.
 */
export class Icmpv4Repr {
  /** EchoRequest, EchoReply, DstUnreachable or TimeExceeded. */
  msgType: Icmpv4Message = Icmpv4Message.EchoRequest;
  /** 0 for echo; the reason for errors (Icmpv4DstUnreachable, Icmpv4TimeExceeded codes). */
  msgCode = 0;
  /** Echo identifier (echo messages only). */
  echoIdent = 0;
  /** Echo sequence number (echo messages only). */
  echoSeqNo = 0;
  /**
   * The quoted IPv4 header of an error message. Its payloadLength is what that header's Total Length
   * says, which is usually more than the quoted data.
   */
  readonly quotedHeader = new Ipv4Repr();
  /**
   * Where the data is: for echo the echo data, for errors the quoted bytes after the quoted header.
   * After parse these point into the parsed packet's bytes; to emit, point them at what to send, or set
   * `data` to null and write the data into the packet yourself before emit (the checksum covers it).
   */
  data: Uint8Array | null = EMPTY;
  /** Index in `data` where the data starts. */
  dataOffset = 0;
  /** Bytes of data. */
  dataLength = 0;

  /** The defaults (an echo request, identifier and sequence 0, no data), overridden by the fields `init` defines. */
  constructor(init?: Partial<Icmpv4ReprFields>) {
    assignFields(this, init, FIELDS);
    if (init === undefined) return;
    if (init.quotedHeader) this.quotedHeader.copyFrom(new Ipv4Repr(init.quotedHeader));
    if (init.data && init.dataLength === undefined) this.dataLength = init.data.length - this.dataOffset;
  }

  /** Points the data at `data[offset, offset + length)` (null: written into the packet by the caller); returns this. */
  setData(data: Uint8Array | null, offset: number, length: number): this {
    this.data = data;
    this.dataOffset = offset;
    this.dataLength = length;
    return this;
  }

  /** Whether this is an echo request or reply (otherwise an error message quoting a datagram). */
  isEcho(): boolean {
    return this.msgType === Icmpv4Message.EchoRequest || this.msgType === Icmpv4Message.EchoReply;
  }

  /**
   * Parses a message (checking it first; the view's length is the message's, as the IPv4 layer gives
   * it); the repr, or why not. The checksum is verified unless `caps.icmpv4` says the device does it.
   * Unrecognized for other message types and for echo with a non-zero code; Malformed for an error
   * message that does not quote a valid IPv4 header and at least 8 bytes after it.
   */
  static parse(packet: Icmpv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): Icmpv4Repr | WireError {
    const repr = new Icmpv4Repr();
    const error = repr.parseInto(packet, caps);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object: WireError.Ok, or the error with this repr unchanged. */
  parseInto(packet: Icmpv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    if (checksumRx(caps.icmpv4) && !packet.verifyChecksum()) return WireError.BadChecksum;
    const msgType = packet.msgType;
    const msgCode = packet.msgCode;
    const bodyOffset = packet.offset + ICMPV4_HEADER_LENGTH;
    const bodyLength = packet.length - ICMPV4_HEADER_LENGTH;
    switch (msgType) {
      case Icmpv4Message.EchoRequest:
      case Icmpv4Message.EchoReply:
        if (msgCode !== 0) return WireError.Unrecognized;
        this.echoIdent = packet.echoIdent;
        this.echoSeqNo = packet.echoSeqNo;
        this.setData(packet.bytes, bodyOffset, bodyLength);
        break;
      case Icmpv4Message.DstUnreachable:
      case Icmpv4Message.TimeExceeded: {
        // The quoted datagram is cut short, so its Total Length may exceed what is here: check only the
        // header itself, then require the 8 bytes RFC 792 promises (more are allowed, RFC 1812 4.3.2.3).
        if (bodyLength < IPV4_HEADER_LENGTH) return WireError.Malformed;
        quotedView.init(packet.bytes, bodyOffset, bodyLength);
        const quotedLength = quotedView.headerLength;
        if (quotedView.version !== 4 || quotedLength < IPV4_HEADER_LENGTH || quotedView.totalLen < quotedLength) {
          return WireError.Malformed;
        }
        if (bodyLength - quotedLength < ICMPV4_QUOTED_DATA_MIN) return WireError.Malformed;
        this.quotedHeader.readHeader(quotedView);
        this.echoIdent = 0;
        this.echoSeqNo = 0;
        this.setData(packet.bytes, bodyOffset + quotedLength, bodyLength - quotedLength);
        break;
      }
      default:
        return WireError.Unrecognized;
    }
    this.msgType = msgType;
    this.msgCode = msgCode;
    return WireError.Ok;
  }

  /** This layer's header in bytes: 8, plus the 20-byte quoted IPv4 header for an error message. */
  headerLength(): number {
    return this.isEcho() ? ICMPV4_HEADER_LENGTH : ICMPV4_HEADER_LENGTH + IPV4_HEADER_LENGTH;
  }

  /** The whole message: header, quoted IPv4 header for errors, data. */
  bufferLength(): number {
    return this.headerLength() + this.dataLength;
  }

  /**
   * Writes the message into the first bufferLength() bytes of `packet`, whose view must hold at least
   * that many (the repr contract, src/wire/index.ts; RangeError otherwise). The checksum covers those
   * bytes only and is filled unless `caps.icmpv4` says the device does it, in which case it is zeroed;
   * the quoted header's checksum follows `caps.ipv4`.
   */
  emit(view: Icmpv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    const length = this.bufferLength();
    requireEmitRoom(view, length, 'ICMPv4');
    const packet = emitView.init(view.bytes, view.offset, length);
    packet.msgType = this.msgType;
    packet.msgCode = this.msgCode;
    const bytes = packet.bytes;
    if (this.isEcho()) {
      packet.echoIdent = this.echoIdent;
      packet.echoSeqNo = this.echoSeqNo;
    } else {
      // "Unused" for these types (RFC 792); RFC 1191's next-hop MTU would go here for code 4.
      packet.echoIdent = 0;
      packet.echoSeqNo = 0;
      quotedView.init(bytes, packet.offset + ICMPV4_HEADER_LENGTH, IPV4_HEADER_LENGTH);
      this.quotedHeader.emitHeader(quotedView, caps);
    }
    if (this.data !== null) {
      copyBytes(this.data, this.dataOffset, bytes, packet.offset + this.headerLength(), this.dataLength);
    }
    if (checksumTx(caps.icmpv4)) packet.fillChecksum();
    else packet.checksum = 0;
  }

  /** Same message: type, code, echo fields, quoted header for errors, and equal data bytes. */
  equals(other: Icmpv4Repr): boolean {
    if (this.msgType !== other.msgType || this.msgCode !== other.msgCode) return false;
    if (this.isEcho()) {
      if (this.echoIdent !== other.echoIdent || this.echoSeqNo !== other.echoSeqNo) return false;
    } else if (!this.quotedHeader.equals(other.quotedHeader)) {
      return false;
    }
    return sameBytes(this.data, this.dataOffset, this.dataLength, other.data, other.dataOffset, other.dataLength);
  }
}
