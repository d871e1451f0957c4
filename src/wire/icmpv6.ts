// An ICMPv6 message as a value (smoltcp's Icmpv6Repr with its NDISC part): echo request and reply, the four
// error messages (RFC 4443 section 3) with the invoking packet they quote, and the Neighbor Discovery
// messages (RFC 4861 section 4) with the options a host needs: source/target link-layer address, MTU and
// Prefix Information. The checksum covers the IPv6 pseudo-header (RFC 4443 section 2.3), so parse and emit
// take the addresses. Data is an offset and a length into a buffer, never a copy; addresses are 16-byte
// arrays the repr owns, so a reused repr allocates nothing.

import { Icmpv6Message, Icmpv6Packet, NdiscOptionType, WireError } from '../../generated/index.js';
import { copyBytes, requireEmitRoom, sameBytes } from './byte-ranges.js';
import { ChecksumCapabilities, checksumRx, checksumTx } from './checksum-capabilities.js';
import { checksumFold, checksumSum, ipv6PseudoHeaderSum } from './checksum.js';
import { IpProtocol } from '../../generated/ipv4.js';
import { assignFields } from './repr-fields.js';

/** Bytes of the ICMPv6 header: type, code, checksum and the 4 bytes that depend on the type. */
export const ICMPV6_HEADER_LENGTH = 8;
/** An error message quotes as much of the invoking packet as fits in the minimum MTU (RFC 4443 section 2.4 (c)). */
export const ICMPV6_ERROR_MAX_LENGTH = 1280 - 40;

const DEFAULT_CAPS = ChecksumCapabilities.default();
const EMPTY = new Uint8Array(0);
/** The view emit and parse write and read through, cut to the message. */
const view = new Icmpv6Packet();

/** The keys of Icmpv6ReprFields the constructor assigns (addresses are copied). */
const FIELDS = [
  'msgType', 'msgCode', 'echoIdent', 'echoSeqNo', 'param', 'router', 'solicited', 'override', 'curHopLimit', 'managed',
  'otherConfig', 'routerLifetime', 'reachableTime', 'retransTimer', 'linkLayerAddr', 'mtu', 'hasPrefix', 'prefixLength',
  'onLink', 'autonomous', 'validLifetime', 'preferredLifetime', 'data', 'dataOffset', 'dataLength',
] as const;

/**
 * The plain fields of an Icmpv6Repr; the constructor takes a Partial of them. `targetAddr`, `destAddr` and
 * `prefix` are 16 bytes each (parseIpv6's result will do), copied into the repr.
 */
export type Icmpv6ReprFields = Pick<Icmpv6Repr, (typeof FIELDS)[number]> & { targetAddr: Uint8Array; destAddr: Uint8Array; prefix: Uint8Array };

/**
 * An ICMPv6 message as a value. An echo: `new Icmpv6Repr({ msgType: Icmpv6Message.EchoRequest, echoIdent,
 * echoSeqNo, data })`; an error: `new Icmpv6Repr({ msgType: Icmpv6Message.DstUnreachable, msgCode, data })`
 * with the invoking packet's first bytes as data; a neighbor solicitation: `new Icmpv6Repr({ msgType:
 * Icmpv6Message.NeighborSolicit, targetAddr, linkLayerAddr })`.
 */
export class Icmpv6Repr {
  /** One of the types above; parse returns Unrecognized for the others (MLD, redirect's options aside). */
  msgType: Icmpv6Message = Icmpv6Message.EchoRequest;
  /** 0 for echo and NDP; the reason for errors (Icmpv6DstUnreachable and RFC 4443's other codes). */
  msgCode = 0;
  /** Echo identifier (echo only). */
  echoIdent = 0;
  /** Echo sequence number (echo only). */
  echoSeqNo = 0;
  /** The MTU of Packet Too Big, the pointer of Parameter Problem; 0 in the other errors (RFC 4443 section 3). */
  param = 0;
  /** The target of a Neighbor Solicitation, Advertisement or Redirect (RFC 4861 sections 4.3-4.5). */
  readonly targetAddr = new Uint8Array(16);
  /** The destination a Redirect is about (RFC 4861 section 4.5). */
  readonly destAddr = new Uint8Array(16);
  /** Neighbor Advertisement R flag: the sender is a router (RFC 4861 section 4.4). */
  router = false;
  /** Neighbor Advertisement S flag: an answer to a solicitation (RFC 4861 section 4.4). */
  solicited = false;
  /** Neighbor Advertisement O flag: replace a cached link-layer address (RFC 4861 section 4.4). */
  override = false;
  /** Router Advertisement: the hop limit hosts should use, 0 for unspecified (RFC 4861 section 4.2). */
  curHopLimit = 0;
  /** Router Advertisement M flag: addresses via DHCPv6 (RFC 4861 section 4.2). */
  managed = false;
  /** Router Advertisement O flag: other configuration via DHCPv6 (RFC 4861 section 4.2). */
  otherConfig = false;
  /** Router Advertisement: seconds the router may be a default router, 0 for not at all (RFC 4861 section 4.2). */
  routerLifetime = 0;
  /** Router Advertisement: milliseconds a neighbour stays reachable, 0 for unspecified (RFC 4861 section 4.2). */
  reachableTime = 0;
  /** Router Advertisement: milliseconds between retransmitted solicitations, 0 for unspecified (RFC 4861 section 4.2). */
  retransTimer = 0;
  /**
   * The link-layer address option (RFC 4861 section 4.6.1), a 48-bit MAC, or -1 for none: the source's in
   * RS, RA and NS, the target's in NA and Redirect.
   */
  linkLayerAddr = -1;
  /** The MTU option of a Router Advertisement (RFC 4861 section 4.6.4), 0 for none. */
  mtu = 0;
  /** Whether a Router Advertisement carries a Prefix Information option (RFC 4861 section 4.6.2), below. */
  hasPrefix = false;
  /** The prefix of the Prefix Information option, 16 bytes owned by the repr (RFC 4861 section 4.6.2). */
  readonly prefix = new Uint8Array(16);
  /** Leading bits of `prefix` that are the prefix (RFC 4861 section 4.6.2, "Prefix Length"). */
  prefixLength = 0;
  /** L flag: the prefix is on-link (RFC 4861 section 4.6.2). */
  onLink = false;
  /** A flag: usable for stateless address autoconfiguration (RFC 4862 section 5.5.3). */
  autonomous = false;
  /** Seconds the prefix stays valid, 0xffffffff for ever (RFC 4861 section 4.6.2). */
  validLifetime = 0;
  /** Seconds addresses from the prefix stay preferred, 0xffffffff for ever (RFC 4861 section 4.6.2). */
  preferredLifetime = 0;
  /**
   * Where the data is: for echo the echo data, for errors the invoking packet's first bytes. After parse
   * these point into the parsed packet's bytes; to emit, point them at what to send, or set `data` to null
   * and write the data into the packet yourself before emit (the checksum covers it).
   */
  data: Uint8Array | null = EMPTY;
  /** Index in `data` where the data starts. */
  dataOffset = 0;
  /** Bytes of data. */
  dataLength = 0;

  /** The defaults (an echo request, identifier and sequence 0, no data), overridden by the fields `init` defines. */
  constructor(init?: Partial<Icmpv6ReprFields>) {
    assignFields(this, init, FIELDS);
    if (init === undefined) return;
    if (init.targetAddr) this.targetAddr.set(init.targetAddr.subarray(0, 16));
    if (init.destAddr) this.destAddr.set(init.destAddr.subarray(0, 16));
    if (init.prefix) this.prefix.set(init.prefix.subarray(0, 16));
    if (init.data && init.dataLength === undefined) this.dataLength = init.data.length - this.dataOffset;
  }

  /** Whether the type carries data (echo data, an error's invoking packet). */
  private carriesData(): boolean {
    return this.msgType < 128 || this.msgType === Icmpv6Message.EchoRequest || this.msgType === Icmpv6Message.EchoReply;
  }

  /** Where the options of this type start (RFC 4861 section 4), 0 for types without options. */
  private optionsAt(): number {
    switch (this.msgType) {
      case Icmpv6Message.RouterSolicit:
        return 8;
      case Icmpv6Message.RouterAdvert:
        return 16;
      case Icmpv6Message.NeighborSolicit:
      case Icmpv6Message.NeighborAdvert:
        return 24;
      case Icmpv6Message.Redirect:
        return 40;
      default:
        return 0;
    }
  }

  /**
   * Parses a message (checking it first; the view's length is the message's, as the IPv6 layer gives it)
   * whose IPv6 header has the addresses at src[srcAt] and dst[dstAt]; the repr, or why not. The checksum is
   * verified unless `caps.icmpv6` says the device does it. Unrecognized for types this repr does not hold
   * and for echo or NDP with a non-zero code; Malformed for a message shorter than its type's fixed part or
   * an NDP option of length 0 (RFC 4861 section 4.6). Unknown NDP options are skipped, as section 4.6 says.
   */
  static parse(packet: Icmpv6Packet, src: Uint8Array, dst: Uint8Array, caps: ChecksumCapabilities = DEFAULT_CAPS): Icmpv6Repr | WireError {
    const repr = new Icmpv6Repr();
    const error = repr.parseInto(packet, src, 0, dst, 0, caps);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object, the addresses at src[srcAt] and dst[dstAt]: WireError.Ok, or the error (this repr then partly written). */
  parseInto(packet: Icmpv6Packet, src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number, caps: ChecksumCapabilities = DEFAULT_CAPS): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    const bytes = packet.bytes;
    const at = packet.offset;
    const length = packet.length;
    if (checksumRx(caps.icmpv6)) {
      const sum = checksumSum(bytes, at, length, ipv6PseudoHeaderSum(src, srcAt, dst, dstAt, IpProtocol.Icmpv6, length));
      if (checksumFold(sum) !== 0) return WireError.BadChecksum;
    }
    const msgType = packet.msgType;
    const msgCode = packet.msgCode;
    this.msgType = msgType;
    this.msgCode = msgCode;
    const optionsAt = this.optionsAt();
    if (msgType < 128) {
      if (msgType !== Icmpv6Message.DstUnreachable && msgType !== Icmpv6Message.PacketTooBig && msgType !== Icmpv6Message.TimeExceeded && msgType !== Icmpv6Message.ParamProblem) {
        return WireError.Unrecognized;
      }
      this.param = i32(bytes, at + 4) >>> 0;
      this.setData(bytes, at + ICMPV6_HEADER_LENGTH, length - ICMPV6_HEADER_LENGTH);
      return WireError.Ok;
    }
    if (msgType === Icmpv6Message.EchoRequest || msgType === Icmpv6Message.EchoReply) {
      if (msgCode !== 0) return WireError.Unrecognized;
      this.echoIdent = packet.echoIdent;
      this.echoSeqNo = packet.echoSeqNo;
      this.setData(bytes, at + ICMPV6_HEADER_LENGTH, length - ICMPV6_HEADER_LENGTH);
      return WireError.Ok;
    }
    if (optionsAt === 0) return WireError.Unrecognized;
    // RFC 4861 sections 6.1 and 7.1: a code other than 0 is invalid for NDP.
    if (msgCode !== 0) return WireError.Unrecognized;
    if (length < optionsAt) return WireError.Malformed;
    this.setData(EMPTY, 0, 0);
    switch (msgType) {
      case Icmpv6Message.RouterAdvert: {
        this.curHopLimit = bytes[at + 4]!;
        const flags = bytes[at + 5]!;
        this.managed = (flags & 0x80) !== 0;
        this.otherConfig = (flags & 0x40) !== 0;
        this.routerLifetime = (bytes[at + 6]! << 8) | bytes[at + 7]!;
        this.reachableTime = i32(bytes, at + 8) >>> 0;
        this.retransTimer = i32(bytes, at + 12) >>> 0;
        break;
      }
      case Icmpv6Message.NeighborSolicit:
      case Icmpv6Message.NeighborAdvert: {
        const flags = bytes[at + 4]!;
        this.router = (flags & 0x80) !== 0;
        this.solicited = (flags & 0x40) !== 0;
        this.override = (flags & 0x20) !== 0;
        copyBytes(bytes, at + 8, this.targetAddr, 0, 16);
        break;
      }
      case Icmpv6Message.Redirect:
        copyBytes(bytes, at + 8, this.targetAddr, 0, 16);
        copyBytes(bytes, at + 24, this.destAddr, 0, 16);
        break;
    }
    this.linkLayerAddr = -1;
    this.mtu = 0;
    this.hasPrefix = false;
    // The options (RFC 4861 section 4.6): type, length in 8-byte units, data.
    let cp = at + optionsAt;
    const end = at + length;
    while (cp < end) {
      if (cp + 2 > end) return WireError.Malformed;
      const type = bytes[cp]!;
      const optionLength = bytes[cp + 1]! * 8;
      if (optionLength === 0 || cp + optionLength > end) return WireError.Malformed;
      if ((type === NdiscOptionType.SourceLinkLayerAddr || type === NdiscOptionType.TargetLinkLayerAddr) && optionLength === 8) {
        this.linkLayerAddr = ((bytes[cp + 2]! << 8) | bytes[cp + 3]!) * 0x1_0000_0000 + (i32(bytes, cp + 4) >>> 0);
      } else if (type === NdiscOptionType.Mtu && optionLength === 8) {
        this.mtu = i32(bytes, cp + 4) >>> 0;
      } else if (type === NdiscOptionType.PrefixInformation && optionLength === 32 && !this.hasPrefix) {
        this.hasPrefix = true;
        this.prefixLength = bytes[cp + 2]!;
        this.onLink = (bytes[cp + 3]! & 0x80) !== 0;
        this.autonomous = (bytes[cp + 3]! & 0x40) !== 0;
        this.validLifetime = i32(bytes, cp + 4) >>> 0;
        this.preferredLifetime = i32(bytes, cp + 8) >>> 0;
        copyBytes(bytes, cp + 16, this.prefix, 0, 16);
      }
      cp += optionLength;
    }
    return WireError.Ok;
  }

  /** Points the data at `data[offset, offset + length)` (null: written into the packet by the caller); returns this. */
  setData(data: Uint8Array | null, offset: number, length: number): this {
    this.data = data;
    this.dataOffset = offset;
    this.dataLength = length;
    return this;
  }

  /** This layer's header in bytes: the type's fixed part plus the NDP options this repr emits. */
  headerLength(): number {
    const optionsAt = this.optionsAt();
    if (optionsAt === 0) return ICMPV6_HEADER_LENGTH;
    let length = optionsAt;
    if (this.linkLayerAddr >= 0) length += 8;
    if (this.msgType === Icmpv6Message.RouterAdvert) {
      if (this.mtu > 0) length += 8;
      if (this.hasPrefix) length += 32;
    }
    return length;
  }

  /** The whole message: header (with options) and data. */
  bufferLength(): number {
    return this.headerLength() + (this.carriesData() ? this.dataLength : 0);
  }

  /**
   * Writes the message into the first bufferLength() bytes of `packet` (RangeError when its view is shorter,
   * the repr contract), for an IPv6 header with the addresses `src` and `dst` (16 bytes each): the checksum
   * covers the pseudo-header and those bytes, and is filled unless `caps.icmpv6` says the device does it.
   */
  emit(packet: Icmpv6Packet, src: Uint8Array, dst: Uint8Array, caps: ChecksumCapabilities = DEFAULT_CAPS): void {
    const length = this.bufferLength();
    requireEmitRoom(packet, length, 'ICMPv6');
    const bytes = packet.bytes;
    const at = packet.offset;
    const p = view.init(bytes, at, length);
    p.msgType = this.msgType;
    p.msgCode = this.msgCode;
    p.checksum = 0;
    // The type-specific word, then the fixed part after it.
    put32(bytes, at + 4, 0);
    const type = this.msgType;
    if (type === Icmpv6Message.EchoRequest || type === Icmpv6Message.EchoReply) {
      p.echoIdent = this.echoIdent;
      p.echoSeqNo = this.echoSeqNo;
    } else if (type < 128) {
      put32(bytes, at + 4, this.param);
    } else if (type === Icmpv6Message.RouterAdvert) {
      bytes[at + 4] = this.curHopLimit;
      bytes[at + 5] = (this.managed ? 0x80 : 0) | (this.otherConfig ? 0x40 : 0);
      bytes[at + 6] = this.routerLifetime >>> 8;
      bytes[at + 7] = this.routerLifetime & 0xff;
      put32(bytes, at + 8, this.reachableTime);
      put32(bytes, at + 12, this.retransTimer);
    } else if (type === Icmpv6Message.NeighborSolicit || type === Icmpv6Message.NeighborAdvert || type === Icmpv6Message.Redirect) {
      if (type === Icmpv6Message.NeighborAdvert) bytes[at + 4] = (this.router ? 0x80 : 0) | (this.solicited ? 0x40 : 0) | (this.override ? 0x20 : 0);
      bytes.set(this.targetAddr, at + 8);
      if (type === Icmpv6Message.Redirect) bytes.set(this.destAddr, at + 24);
    }
    let cp = at + this.optionsAt();
    if (this.optionsAt() > 0) {
      if (this.linkLayerAddr >= 0) {
        // The source's address in solicitations and advertisements from routers, the target's otherwise.
        const target = type === Icmpv6Message.NeighborAdvert || type === Icmpv6Message.Redirect;
        bytes[cp] = target ? NdiscOptionType.TargetLinkLayerAddr : NdiscOptionType.SourceLinkLayerAddr;
        bytes[cp + 1] = 1;
        const mac = this.linkLayerAddr;
        const high = Math.floor(mac / 0x1_0000_0000);
        bytes[cp + 2] = high >>> 8;
        bytes[cp + 3] = high & 0xff;
        put32(bytes, cp + 4, mac % 0x1_0000_0000);
        cp += 8;
      }
      if (type === Icmpv6Message.RouterAdvert && this.mtu > 0) {
        bytes[cp] = NdiscOptionType.Mtu;
        bytes[cp + 1] = 1;
        bytes[cp + 2] = 0;
        bytes[cp + 3] = 0;
        put32(bytes, cp + 4, this.mtu);
        cp += 8;
      }
      if (type === Icmpv6Message.RouterAdvert && this.hasPrefix) {
        bytes[cp] = NdiscOptionType.PrefixInformation;
        bytes[cp + 1] = 4;
        bytes[cp + 2] = this.prefixLength;
        bytes[cp + 3] = (this.onLink ? 0x80 : 0) | (this.autonomous ? 0x40 : 0);
        put32(bytes, cp + 4, this.validLifetime);
        put32(bytes, cp + 8, this.preferredLifetime);
        put32(bytes, cp + 12, 0);
        bytes.set(this.prefix, cp + 16);
        cp += 32;
      }
    } else if (this.carriesData() && this.data !== null) {
      copyBytes(this.data, this.dataOffset, bytes, at + ICMPV6_HEADER_LENGTH, this.dataLength);
    }
    if (checksumTx(caps.icmpv6)) {
      const checksum = checksumFold(checksumSum(bytes, at, length, ipv6PseudoHeaderSum(src, 0, dst, 0, IpProtocol.Icmpv6, length)));
      p.checksum = checksum;
    }
  }

  /** Same message: type, code, the fields of that type, and equal data bytes. */
  equals(other: Icmpv6Repr): boolean {
    if (this.msgType !== other.msgType || this.msgCode !== other.msgCode) return false;
    const type = this.msgType;
    if (type === Icmpv6Message.EchoRequest || type === Icmpv6Message.EchoReply) {
      if (this.echoIdent !== other.echoIdent || this.echoSeqNo !== other.echoSeqNo) return false;
    } else if (type < 128) {
      if (this.param !== other.param) return false;
    } else {
      if (this.linkLayerAddr !== other.linkLayerAddr) return false;
      if (type === Icmpv6Message.NeighborSolicit || type === Icmpv6Message.NeighborAdvert || type === Icmpv6Message.Redirect) {
        if (!sameBytes(this.targetAddr, 0, 16, other.targetAddr, 0, 16)) return false;
      }
      if (type === Icmpv6Message.NeighborAdvert && (this.router !== other.router || this.solicited !== other.solicited || this.override !== other.override)) return false;
      if (type === Icmpv6Message.Redirect && !sameBytes(this.destAddr, 0, 16, other.destAddr, 0, 16)) return false;
      if (type === Icmpv6Message.RouterAdvert) {
        if (
          this.curHopLimit !== other.curHopLimit || this.managed !== other.managed || this.otherConfig !== other.otherConfig ||
          this.routerLifetime !== other.routerLifetime || this.reachableTime !== other.reachableTime || this.retransTimer !== other.retransTimer ||
          this.mtu !== other.mtu || this.hasPrefix !== other.hasPrefix
        ) return false;
        if (
          this.hasPrefix &&
          (this.prefixLength !== other.prefixLength || this.onLink !== other.onLink || this.autonomous !== other.autonomous ||
            this.validLifetime !== other.validLifetime || this.preferredLifetime !== other.preferredLifetime ||
            !sameBytes(this.prefix, 0, 16, other.prefix, 0, 16))
        ) return false;
      }
      return true;
    }
    return sameBytes(this.data, this.dataOffset, this.dataLength, other.data, other.dataOffset, other.dataLength);
  }
}

/**
 * A big-endian 32-bit value as an int32: V8 never boxes it, even returned from a call it does not inline; the
 * caller makes it a u32 (`>>> 0`) where it stores it (STYLE.md, "Performance habits in V8").
 */
function i32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

function put32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}
