// An ICMPv4 message as a value (smoltcp's Icmpv4Repr): echo request and reply with their identifier,
// sequence number and data, and the two error messages the stack sends and understands, destination
// unreachable and time exceeded, with the IPv4 header and the first bytes of the datagram they quote
// (RFC 792). Data is an offset and a length into a buffer, never a copy.

import { Icmpv4Message, Icmpv4Packet, Ipv4Packet, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { copyBytes, requireViewInBuffer, sameBytes } from './byte-ranges.js';
import { IPV4_HEADER_LENGTH, Ipv4Repr } from './ipv4.js';

export const ICMPV4_HEADER_LENGTH = 8;
/** RFC 792: an error message quotes the IP header and "the first 64 bits of the original data datagram". */
export const ICMPV4_QUOTED_DATA_MIN = 8;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);

/** One view for the quoted header, reused by every parse and emit (they never run concurrently). */
const quotedView = new Ipv4Packet();

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
  dataOffset = 0;
  dataLength = 0;

  /** An echo request or reply. */
  static echo(
    msgType: Icmpv4Message.EchoRequest | Icmpv4Message.EchoReply,
    echoIdent: number,
    echoSeqNo: number,
    data: Uint8Array = EMPTY,
    dataOffset = 0,
    dataLength = data.length - dataOffset,
  ): Icmpv4Repr {
    const repr = new Icmpv4Repr();
    repr.msgType = msgType;
    repr.echoIdent = echoIdent;
    repr.echoSeqNo = echoSeqNo;
    repr.setData(data, dataOffset, dataLength);
    return repr;
  }

  /** A destination unreachable or time exceeded message quoting `header` and `data` (8 bytes or more). */
  static error(
    msgType: Icmpv4Message.DstUnreachable | Icmpv4Message.TimeExceeded,
    msgCode: number,
    header: Ipv4Repr,
    data: Uint8Array,
    dataOffset = 0,
    dataLength = data.length - dataOffset,
  ): Icmpv4Repr {
    const repr = new Icmpv4Repr();
    repr.msgType = msgType;
    repr.msgCode = msgCode;
    repr.quotedHeader.copyFrom(header);
    repr.setData(data, dataOffset, dataLength);
    return repr;
  }

  setData(data: Uint8Array | null, offset: number, length: number): this {
    this.data = data;
    this.dataOffset = offset;
    this.dataLength = length;
    return this;
  }

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
        const headerLen = quotedView.headerLen;
        if (quotedView.version !== 4 || headerLen < IPV4_HEADER_LENGTH || quotedView.totalLen < headerLen) {
          return WireError.Malformed;
        }
        if (bodyLength - headerLen < ICMPV4_QUOTED_DATA_MIN) return WireError.Malformed;
        this.quotedHeader.readHeader(quotedView);
        this.echoIdent = 0;
        this.echoSeqNo = 0;
        this.setData(packet.bytes, bodyOffset + headerLen, bodyLength - headerLen);
        break;
      }
      default:
        return WireError.Unrecognized;
    }
    this.msgType = msgType;
    this.msgCode = msgCode;
    return WireError.Ok;
  }

  headerLength(): number {
    return this.isEcho() ? ICMPV4_HEADER_LENGTH : ICMPV4_HEADER_LENGTH + IPV4_HEADER_LENGTH;
  }

  /** The whole message: header, quoted IPv4 header for errors, data. */
  bufferLength(): number {
    return this.headerLength() + this.dataLength;
  }

  /**
   * Writes the message into `packet`, whose view must be exactly bufferLength() long (the checksum
   * covers the view). The checksum is filled unless `caps.icmpv4` says the device does it, in which
   * case it is zeroed; the quoted header's checksum follows `caps.ipv4`.
   */
  emit(packet: Icmpv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    requireViewInBuffer(packet, 'ICMPv4');
    const length = this.bufferLength();
    if (packet.length !== length) {
      throw new RangeError(`this ICMP message is ${length} bytes long, but the view given to emit is ${packet.length}`);
    }
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
      this.quotedHeader.emit(quotedView, caps);
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
