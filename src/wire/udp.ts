// A UDP datagram as a value (smoltcp's UdpRepr): the two ports and where the payload is. The IPv4
// addresses are not part of it but are needed for the checksum's pseudo-header (RFC 768).

import { UdpPacket, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { copyBytes, requireEmitRoom, sameBytes } from './byte-ranges.js';
import { assignFields } from './repr-fields.js';

/** Bytes of a UDP header. */
export const UDP_HEADER_LENGTH = 8;
/** The 16-bit Length field counts the header too. */
export const UDP_MAX_PAYLOAD_LENGTH = 0xffff - UDP_HEADER_LENGTH;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);

/** The keys of UdpReprFields, in the order the constructor copies them. */
const FIELDS = ['srcPort', 'dstPort', 'payload', 'payloadOffset', 'payloadLength'] as const;

/** The plain fields of a UdpRepr; the constructor takes a Partial of them. */
export type UdpReprFields = Pick<UdpRepr, (typeof FIELDS)[number]>;

/**
 * A UDP datagram as a value. Construct with `new UdpRepr({ srcPort, dstPort, payload })`: a payload given
 * without payloadLength runs to the end of its array.
 */
export class UdpRepr {
  /**
   * Where the payload is. After parse these point into the parsed packet's bytes (bounded by the Length
   * field, not the buffer); to emit, point them at what to send, or set `payload` to null and write the
   * payload into the packet yourself before emit (the checksum covers it).
   */
  payload: Uint8Array | null = EMPTY;
  /** Index in `payload` where the payload starts. */
  payloadOffset = 0;
  /** Bytes of payload. */
  payloadLength = 0;

  /** Source port; 0 means "no reply expected" (RFC 768). */
  srcPort = 0;
  /** Destination port, never 0. */
  dstPort = 0;

  /** The defaults (ports 0, empty payload), overridden by the fields `init` defines. */
  constructor(init?: Partial<UdpReprFields>) {
    assignFields(this, init, FIELDS);
    if (init?.payload && init.payloadLength === undefined) this.payloadLength = init.payload.length - this.payloadOffset;
  }

  /** Points the payload at `payload[offset, offset + length)` (null: written into the packet by the caller); returns this. */
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

  /** This layer's header in bytes: 8. */
  headerLength(): number {
    return UDP_HEADER_LENGTH;
  }

  /** Header plus payload: 8 + payloadLength, the Length this repr emits. */
  bufferLength(): number {
    return UDP_HEADER_LENGTH + this.payloadLength;
  }

  /**
   * Writes the datagram into `packet`, whose view must hold bufferLength() bytes (the repr contract,
   * src/wire/index.ts; RangeError otherwise), from `srcAddr` to `dstAddr` (u32s or int32s, as for parse).
   * The checksum is filled unless `caps.udp` says the device does it, in which case it is zeroed ("no
   * checksum", RFC 768).
   */
  emit(packet: UdpPacket, srcAddr: number, dstAddr: number, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    const length = this.bufferLength();
    if (this.payloadLength > UDP_MAX_PAYLOAD_LENGTH) {
      throw new RangeError(`a UDP datagram holds at most ${UDP_MAX_PAYLOAD_LENGTH} bytes of payload, not ${this.payloadLength}`);
    }
    requireEmitRoom(packet, length, 'UDP');
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
