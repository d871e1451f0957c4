// The IPv6 header as a value (smoltcp's Ipv6Repr): the fixed 40-byte header (RFC 8200 section 3). Extension
// headers are the next layer's business, as IPv4 options are skipped by Ipv4Repr: `nextHeader` names what
// follows the fixed header, an extension header or the upper layer, and `payloadLength` counts all of it.
// Addresses are 16-byte arrays the repr owns; parse copies into them, so a reused repr allocates nothing.

import { IpProtocol, Ipv6Packet, WireError } from '../../generated/index.js';
import { requireEmitRoom, sameBytes } from './byte-ranges.js';
import { formatIpv6 } from './ipv6-address.js';
import { assignFields } from './repr-fields.js';

/** Bytes of the fixed IPv6 header (RFC 8200 section 3). */
export const IPV6_HEADER_LENGTH = 40;
/** The largest payload Payload Length can state; more needs a Jumbo Payload option (RFC 2675). */
export const IPV6_MAX_PAYLOAD_LENGTH = 0xffff;
/** Every IPv6 link carries packets of at least 1280 bytes (RFC 8200 section 5). */
export const IPV6_MIN_MTU = 1280;

/** The keys of Ipv6ReprFields the constructor assigns (the addresses are copied, not kept). */
const FIELDS = ['nextHeader', 'payloadLength', 'hopLimit', 'trafficClass', 'flowLabel'] as const;

/**
 * The plain fields of an Ipv6Repr; the constructor takes a Partial of them. `srcAddr` and `dstAddr` are
 * 16 bytes each (parseIpv6's result will do), copied into the repr.
 */
export type Ipv6ReprFields = Pick<Ipv6Repr, (typeof FIELDS)[number]> & { srcAddr: Uint8Array; dstAddr: Uint8Array };

/**
 * An IPv6 fixed header as a value. Construct with `new Ipv6Repr({ srcAddr, dstAddr, nextHeader,
 * payloadLength })`; payloadLength is the next layer's bufferLength() (extension headers included) and must
 * be set before emit.
 */
export class Ipv6Repr {
  /** Source address, 16 bytes (RFC 4291), owned by the repr: copy into it rather than replacing it. */
  readonly srcAddr = new Uint8Array(16);
  /** Destination address, 16 bytes, owned by the repr. */
  readonly dstAddr = new Uint8Array(16);
  /** What follows the fixed header; values outside the enum pass through as plain numbers. */
  nextHeader: IpProtocol = IpProtocol.Tcp;
  /** Bytes after the fixed header: extension headers and upper-layer packet (RFC 8200 section 3). */
  payloadLength = 0;
  /** Hop Limit; 64 is what Linux sends. */
  hopLimit = 64;
  /** Traffic Class: DSCP and ECN (RFC 8200 section 7). */
  trafficClass = 0;
  /** Flow Label, 20 bits (RFC 6437); 0 for none. */
  flowLabel = 0;

  /** The defaults (unspecified addresses, TCP, hop limit 64, no payload), overridden by the fields `init` defines. */
  constructor(init?: Partial<Ipv6ReprFields>) {
    assignFields(this, init, FIELDS);
    if (init?.srcAddr) this.srcAddr.set(init.srcAddr.subarray(0, 16));
    if (init?.dstAddr) this.dstAddr.set(init.dstAddr.subarray(0, 16));
  }

  /** Parses a packet (checking it first: version 6, Payload Length within the view); the repr, or why not. */
  static parse(packet: Ipv6Packet): Ipv6Repr | WireError {
    const repr = new Ipv6Repr();
    const error = repr.parseInto(packet);
    return error === WireError.Ok ? repr : error;
  }

  /**
   * Like parse, into this object: WireError.Ok, or the error with this repr unchanged. A Payload Length of
   * zero (a Jumbo Payload, RFC 2675) is Unrecognized: the stack does not support jumbograms.
   */
  parseInto(packet: Ipv6Packet): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    if (packet.payloadLen === 0 && packet.nextHeader !== IpProtocol.Ipv6NoNxt) return WireError.Unrecognized;
    this.readHeader(packet);
    return WireError.Ok;
  }

  /** Reads the fixed header without checking: for a header whose 40 bytes the caller knows are there. */
  readHeader(packet: Ipv6Packet): void {
    packet.copySrcAddrTo(this.srcAddr);
    packet.copyDstAddrTo(this.dstAddr);
    this.nextHeader = packet.nextHeader;
    this.payloadLength = packet.payloadLen;
    this.hopLimit = packet.hopLimit;
    this.trafficClass = packet.trafficClass;
    this.flowLabel = packet.flowLabel;
  }

  /** This layer's header in bytes: 40. */
  headerLength(): number {
    return IPV6_HEADER_LENGTH;
  }

  /** Header plus payload: 40 + payloadLength. */
  bufferLength(): number {
    return IPV6_HEADER_LENGTH + this.payloadLength;
  }

  /**
   * Writes the 40-byte header into `packet`, whose view must hold bufferLength() bytes (the repr contract,
   * src/wire/index.ts; RangeError otherwise); the payload is the next layer's to write. IPv6 has no header
   * checksum (RFC 8200 section 8.1 moves it to the upper layers' pseudo-header). Throws RangeError when
   * payloadLength exceeds what Payload Length can state.
   */
  emit(packet: Ipv6Packet): void {
    if (this.payloadLength > IPV6_MAX_PAYLOAD_LENGTH) {
      throw new RangeError(`an IPv6 packet holds at most ${IPV6_MAX_PAYLOAD_LENGTH} bytes of payload without a jumbo option, not ${this.payloadLength}`);
    }
    requireEmitRoom(packet, this.bufferLength(), 'IPv6');
    packet.version = 6;
    packet.trafficClass = this.trafficClass;
    packet.flowLabel = this.flowLabel;
    packet.payloadLen = this.payloadLength;
    packet.nextHeader = this.nextHeader;
    packet.hopLimit = this.hopLimit;
    packet.setSrcAddrFrom(this.srcAddr);
    packet.setDstAddrFrom(this.dstAddr);
  }

  /** Same values in every field. */
  equals(other: Ipv6Repr): boolean {
    return (
      sameBytes(this.srcAddr, 0, 16, other.srcAddr, 0, 16) &&
      sameBytes(this.dstAddr, 0, 16, other.dstAddr, 0, 16) &&
      this.nextHeader === other.nextHeader &&
      this.payloadLength === other.payloadLength &&
      this.hopLimit === other.hopLimit &&
      this.trafficClass === other.trafficClass &&
      this.flowLabel === other.flowLabel
    );
  }

  /** Copies every field of `other` into this repr (allocates nothing); returns this. */
  copyFrom(other: Ipv6Repr): this {
    this.srcAddr.set(other.srcAddr);
    this.dstAddr.set(other.dstAddr);
    this.nextHeader = other.nextHeader;
    this.payloadLength = other.payloadLength;
    this.hopLimit = other.hopLimit;
    this.trafficClass = other.trafficClass;
    this.flowLabel = other.flowLabel;
    return this;
  }

  /** `fe80::1 > ff02::1 next header 58, 32 bytes`, for logs. */
  toString(): string {
    return `${formatIpv6(this.srcAddr)} > ${formatIpv6(this.dstAddr)} next header ${this.nextHeader}, ${this.payloadLength} bytes`;
  }
}
