// The IPv4 header as a value (smoltcp's Ipv4Repr), with the fragmentation fields kept so that tools
// can show them; the interface, not the repr, decides to drop fragments. Options are skipped on parse
// and never emitted: what the stack sends has a 20-byte header (RFC 791 section 3.1).

import { IpProtocol, Ipv4Packet, WireError } from '../../generated/index.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { requireEmitRoom } from './byte-ranges.js';
import { assignFields } from './repr-fields.js';

/** Bytes of an IPv4 header without options, the only kind the stack emits. */
export const IPV4_HEADER_LENGTH = 20;
/** The largest total length the 16-bit field can state. */
export const IPV4_MAX_TOTAL_LENGTH = 0xffff;

const DEFAULT_CAPS = ChecksumCapabilities.default();

/** The keys of Ipv4ReprFields, in the order the constructor copies them. */
const FIELDS = ['srcAddr', 'dstAddr', 'protocol', 'payloadLength', 'hopLimit', 'dscp', 'ecn', 'ident', 'dontFrag', 'moreFrags', 'fragOffset'] as const;

/** The plain fields of an Ipv4Repr; the constructor takes a Partial of them. */
export type Ipv4ReprFields = Pick<Ipv4Repr, (typeof FIELDS)[number]>;

/**
 * An IPv4 header as a value. Construct with `new Ipv4Repr({ srcAddr, dstAddr, protocol, payloadLength })`;
 * payloadLength is the next layer's bufferLength() and must be set before emit (it goes into Total Length).
 */
export class Ipv4Repr {
  /** Source address, a u32. */
  srcAddr = 0;
  /** Destination address, a u32. */
  dstAddr = 0;
  /** Protocol of the payload; values outside the enum pass through as plain numbers. */
  protocol: IpProtocol = IpProtocol.Tcp;
  /** Bytes of payload after the header (Total Length minus the header length). */
  payloadLength = 0;
  /** Time to live (RFC 791); 64 is what Linux sends (RFC 1700's recommended default). */
  hopLimit = 64;
  /** Differentiated Services Code Point (RFC 2474). */
  dscp = 0;
  /** ECN codepoint (RFC 3168). */
  ecn = 0;
  /** Identification (RFC 6864: only meaningful for fragments; 0 for atomic datagrams). */
  ident = 0;
  /** Don't Fragment: set by default, as path MTU discovery wants (RFC 1191). */
  dontFrag = true;
  /** More Fragments. */
  moreFrags = false;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset = 0;

  /** The defaults (zero addresses, TCP, TTL 64, DF set, no payload), overridden by the fields `init` defines. */
  constructor(init?: Partial<Ipv4ReprFields>) {
    assignFields(this, init, FIELDS);
  }

  /**
   * Parses a packet (checking it first); the repr, or why not. The header checksum is verified unless
   * `caps.ipv4` says the device does it.
   */
  static parse(packet: Ipv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): Ipv4Repr | WireError {
    const repr = new Ipv4Repr();
    const error = repr.parseInto(packet, caps);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object: WireError.Ok, or the error with this repr unchanged. */
  parseInto(packet: Ipv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    if (checksumRx(caps.ipv4) && !packet.verifyChecksum()) return WireError.BadChecksum;
    this.readHeader(packet);
    return WireError.Ok;
  }

  /**
   * Reads the fixed header fields without checking anything: for a header whose 20 bytes the caller
   * knows are there (the quoted header of an ICMP error, whose datagram is cut short).
   * Total Length must be at least the header length.
   */
  readHeader(packet: Ipv4Packet): void {
    // Addresses are read as int32 (same bits) and made u32 here: a getter returning a u32 >= 2^31 that V8
    // does not inline would box it (STYLE.md); an int32 crosses the call unboxed.
    this.srcAddr = packet.srcAddrI32 >>> 0;
    this.dstAddr = packet.dstAddrI32 >>> 0;
    this.protocol = packet.protocol;
    this.payloadLength = packet.totalLen - packet.headerLength;
    this.hopLimit = packet.hopLimit;
    this.dscp = packet.dscp;
    this.ecn = packet.ecn;
    this.ident = packet.ident;
    this.dontFrag = packet.dontFrag;
    this.moreFrags = packet.moreFrags;
    this.fragOffset = packet.fragOffset;
  }

  /** This layer's header in bytes: 20 (the repr emits no options). */
  headerLength(): number {
    return IPV4_HEADER_LENGTH;
  }

  /** Header plus payload: the Total Length this repr emits, 20 + payloadLength. */
  bufferLength(): number {
    return IPV4_HEADER_LENGTH + this.payloadLength;
  }

  /**
   * Writes the 20-byte header into `packet`, whose view must hold bufferLength() bytes (the repr
   * contract, src/wire/index.ts; RangeError otherwise); the payload is the next layer's to write, before
   * or after. The checksum is filled unless `caps.ipv4` says the device does it, in which case it is
   * zeroed. Throws RangeError when payloadLength exceeds what Total Length can state.
   */
  emit(packet: Ipv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    this.requireTotalLength();
    requireEmitRoom(packet, this.bufferLength(), 'IPv4');
    this.emitHeader(packet, caps);
  }

  private requireTotalLength(): void {
    if (this.bufferLength() > IPV4_MAX_TOTAL_LENGTH) {
      throw new RangeError(`an IPv4 datagram holds at most ${IPV4_MAX_TOTAL_LENGTH - IPV4_HEADER_LENGTH} bytes of payload, not ${this.payloadLength}`);
    }
  }

  /**
   * Writes the header only, into a view of at least 20 bytes, whatever payloadLength says: for the
   * quoted header of an ICMP error, whose datagram is cut short. Everything else uses emit().
   */
  emitHeader(packet: Ipv4Packet, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    this.requireTotalLength();
    requireEmitRoom(packet, IPV4_HEADER_LENGTH, 'IPv4');
    packet.version = 4;
    packet.headerLength = IPV4_HEADER_LENGTH;
    packet.dscp = this.dscp;
    packet.ecn = this.ecn;
    packet.totalLen = IPV4_HEADER_LENGTH + this.payloadLength;
    packet.ident = this.ident;
    packet.flags = 0; // the reserved bit must be zero (RFC 791 section 3.1)
    packet.dontFrag = this.dontFrag;
    packet.moreFrags = this.moreFrags;
    packet.fragOffset = this.fragOffset;
    packet.hopLimit = this.hopLimit;
    packet.protocol = this.protocol;
    // u32 values cross into setters as int32 (`| 0`, same bits): V8 passes those unboxed (STYLE.md).
    packet.srcAddr = this.srcAddr | 0;
    packet.dstAddr = this.dstAddr | 0;
    if (checksumTx(caps.ipv4)) packet.fillChecksum();
    else packet.checksum = 0;
  }

  /** Same values in every field. */
  equals(other: Ipv4Repr): boolean {
    return (
      this.srcAddr === other.srcAddr &&
      this.dstAddr === other.dstAddr &&
      this.protocol === other.protocol &&
      this.payloadLength === other.payloadLength &&
      this.hopLimit === other.hopLimit &&
      this.dscp === other.dscp &&
      this.ecn === other.ecn &&
      this.ident === other.ident &&
      this.dontFrag === other.dontFrag &&
      this.moreFrags === other.moreFrags &&
      this.fragOffset === other.fragOffset
    );
  }

  /** Copies every field of `other` into this repr (allocates nothing); returns this. */
  copyFrom(other: Ipv4Repr): this {
    this.srcAddr = other.srcAddr;
    this.dstAddr = other.dstAddr;
    this.protocol = other.protocol;
    this.payloadLength = other.payloadLength;
    this.hopLimit = other.hopLimit;
    this.dscp = other.dscp;
    this.ecn = other.ecn;
    this.ident = other.ident;
    this.dontFrag = other.dontFrag;
    this.moreFrags = other.moreFrags;
    this.fragOffset = other.fragOffset;
    return this;
  }
}
