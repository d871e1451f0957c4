// The Ethernet II header as a value (smoltcp's EthernetRepr): addresses as 48-bit integers and the
// EtherType of the payload. IEEE 802.3 clause 3.2; the frame check sequence is the device's business.

import { EtherType, EthernetFrame } from '../../generated/ethernet.js';
import { WireError } from '../../generated/runtime.js';
import { requireViewInBuffer } from './byte-ranges.js';
import { MAC_SCRATCH, macHigh16, macLow32, writeMacParts } from './mac-bits.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Bytes of an Ethernet II header: two addresses and the EtherType (the spec's headerLength). */
export const ETHERNET_HEADER_LENGTH = 14;

export class EthernetRepr {
  // Fields start as numbers, not as TypeScript parameter properties: those are declared first (as
  // undefined) under ES2022 class semantics, after which V8 boxes every 48-bit address stored in them.
  /** Source MAC address, a 48-bit integer (see formatMac / EthernetAddress). */
  srcAddr = 0;
  /** Destination MAC address, a 48-bit integer. */
  dstAddr = 0;
  /** EtherType of the payload; values outside the enum pass through as plain numbers. */
  etherType: EtherType = EtherType.Ipv4;

  constructor(srcAddr = 0, dstAddr = 0, etherType: EtherType = EtherType.Ipv4) {
    this.srcAddr = srcAddr;
    this.dstAddr = dstAddr;
    this.etherType = etherType;
  }

  /** Parses a frame (checking its length first); the repr, or why not. */
  static parse(frame: EthernetFrame): EthernetRepr | WireError {
    const repr = new EthernetRepr();
    const error = repr.parseInto(frame);
    return error === WireError.Ok ? repr : error;
  }

  /** Like parse, into this object: WireError.Ok and this repr filled in, or the error (this repr unchanged). */
  parseInto(frame: EthernetFrame): WireError {
    const error = frame.check();
    if (error !== WireError.Ok) return error;
    // The 48-bit addresses are copied out as bytes and assembled here from two small integers: a getter
    // returning the double would box it whenever V8 does not inline the getter (STYLE.md).
    frame.copyDstAddrTo(MAC_SCRATCH, 0);
    frame.copySrcAddrTo(MAC_SCRATCH, 6);
    this.dstAddr = macHigh16(MAC_SCRATCH, 0) * TWO_POW_32 + (macLow32(MAC_SCRATCH, 0) >>> 0);
    this.srcAddr = macHigh16(MAC_SCRATCH, 6) * TWO_POW_32 + (macLow32(MAC_SCRATCH, 6) >>> 0);
    this.etherType = frame.etherType;
    return WireError.Ok;
  }

  headerLength(): number {
    return ETHERNET_HEADER_LENGTH;
  }

  /** Bytes a frame with this header and `payloadLength` bytes of payload needs. */
  bufferLength(payloadLength: number): number {
    return ETHERNET_HEADER_LENGTH + payloadLength;
  }

  /** Writes the header into the frame's first 14 bytes; the payload is the next layer's to write. */
  emit(frame: EthernetFrame): void {
    requireViewInBuffer(frame, 'Ethernet');
    if (frame.length < ETHERNET_HEADER_LENGTH) {
      throw new RangeError(`an Ethernet header needs ${ETHERNET_HEADER_LENGTH} bytes, the frame has ${frame.length}`);
    }
    // A 48-bit address is a double; handed to a setter V8 does not inline, it would be boxed (one
    // allocation per frame). Split here into two small integers, its bytes go through a scratch array.
    const dst = this.dstAddr;
    const src = this.srcAddr;
    writeMacParts(Math.floor(dst / TWO_POW_32), dst % TWO_POW_32 | 0, MAC_SCRATCH, 0);
    writeMacParts(Math.floor(src / TWO_POW_32), src % TWO_POW_32 | 0, MAC_SCRATCH, 6);
    frame.setDstAddrFrom(MAC_SCRATCH, 0);
    frame.setSrcAddrFrom(MAC_SCRATCH, 6);
    frame.etherType = this.etherType;
  }

  equals(other: EthernetRepr): boolean {
    return this.srcAddr === other.srcAddr && this.dstAddr === other.dstAddr && this.etherType === other.etherType;
  }
}
