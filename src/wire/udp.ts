// A UDP datagram as a value (smoltcp's UdpRepr): the two ports and where the payload is. The IPv4
// addresses are not part of it but are needed for the checksum's pseudo-header (RFC 768).

import { UdpPacket, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { copyBytes, requireViewInBuffer, sameBytes } from './byte-ranges.js';

export const UDP_HEADER_LENGTH = 8;
/** The 16-bit Length field counts the header too. */
export const UDP_MAX_PAYLOAD_LENGTH = 0xffff - UDP_HEADER_LENGTH;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);

export class UdpRepr {
  /**
   * Where the payload is. After parse these point into the parsed packet's bytes (bounded by the Length
   * field, not the buffer); to emit, point them at what to send, or set `payload` to null and write the
   * payload into the packet yourself before emit (the checksum covers it).
   */
  payload: Uint8Array | null = EMPTY;
  payloadOffset = 0;
  payloadLength = 0;

  srcPort = 0;
  dstPort = 0;

  constructor(srcPort = 0, dstPort = 0) {
    this.srcPort = srcPort;
    this.dstPort = dstPort;
  }

  setPayload(payload: Uint8Array | null, offset: number, length: number): this {
    this.payload = payload;
    this.payloadOffset = offset;
    this.payloadLength = length;
    return this;
  }

  /**
   * Parses a datagram (checking it first) sent from `srcAddr` to `dstAddr` (for the checksum: u32s, or
   * int32s with the same bits, which V8 passes without boxing);
   * the repr, or why not. Malformed for destination port 0 (source port 0 means "no reply expected",
   * RFC 768); BadChecksum unless `caps.udp` says the device verifies. A zero checksum means the sender
   * computed none and is accepted.
   */
  static parse(
    packet: UdpPacket,
    srcAddr: number,
    dstAddr: number,
    caps: ChecksumCapabilities = DEFAULT_CAPS,
  ): UdpRepr | WireError {
    const repr = new UdpRepr();
    const error = repr.parseInto(packet, srcAddr, dstAddr, caps);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object: WireError.Ok, or the error with this repr unchanged. */
  parseInto(packet: UdpPacket, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities = DEFAULT_CAPS): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    const dstPort = packet.dstPort;
    if (dstPort === 0) return WireError.Malformed;
    if (checksumRx(caps.udp) && !packet.verifyChecksum(srcAddr, dstAddr)) return WireError.BadChecksum;
    this.srcPort = packet.srcPort;
    this.dstPort = dstPort;
    this.setPayload(packet.bytes, packet.payloadOffset, packet.payloadLength);
    return WireError.Ok;
  }

  headerLength(): number {
    return UDP_HEADER_LENGTH;
  }

  bufferLength(): number {
    return UDP_HEADER_LENGTH + this.payloadLength;
  }

  /**
   * Writes the datagram into `packet` (whose view must hold bufferLength() bytes) from `srcAddr` to
   * `dstAddr` (u32s or int32s, as for parse). The checksum is filled unless `caps.udp` says the device does it, in which case it is
   * zeroed ("no checksum", RFC 768).
   */
  emit(packet: UdpPacket, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    requireViewInBuffer(packet, 'UDP');
    const length = this.bufferLength();
    if (this.payloadLength > UDP_MAX_PAYLOAD_LENGTH) {
      throw new RangeError(`a UDP datagram holds at most ${UDP_MAX_PAYLOAD_LENGTH} bytes of payload, not ${this.payloadLength}`);
    }
    if (packet.length < length) {
      throw new RangeError(`this UDP datagram needs ${length} bytes, the buffer has ${packet.length}`);
    }
    packet.srcPort = this.srcPort;
    packet.dstPort = this.dstPort;
    packet.len = length;
    if (this.payload !== null) {
      copyBytes(this.payload, this.payloadOffset, packet.bytes, packet.offset + UDP_HEADER_LENGTH, this.payloadLength);
    }
    // Addresses as int32 (`| 0`, same bits), which V8 passes unboxed (STYLE.md).
    if (checksumTx(caps.udp)) packet.fillChecksum(srcAddr | 0, dstAddr | 0);
    else packet.checksum = 0;
  }

  /** Same ports and equal payload bytes. */
  equals(other: UdpRepr): boolean {
    return (
      this.srcPort === other.srcPort &&
      this.dstPort === other.dstPort &&
      sameBytes(this.payload, this.payloadOffset, this.payloadLength, other.payload, other.payloadOffset, other.payloadLength)
    );
  }
}
