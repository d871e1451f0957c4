// The Ethernet II header as a value (smoltcp's EthernetRepr): addresses as 48-bit integers and the
// EtherType of the payload. IEEE 802.3 clause 3.2; the frame check sequence is the device's business.

import { EtherType, EthernetFrame } from '../../generated/ethernet.js';
import { WireError } from '../../generated/runtime.js';
import { requireEmitRoom } from './byte-ranges.js';
import { MAC_SCRATCH, macHigh16, macLow32, writeMacParts } from './mac-bits.js';
import { assignFields } from './repr-fields.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Bytes of an Ethernet II header: two addresses and the EtherType (the FCS is not counted). */
export const ETHERNET_HEADER_LENGTH = 14;

/** The keys of EthernetReprFields, in the order the constructor copies them. */
const FIELDS = ['srcAddr', 'dstAddr', 'etherType'] as const;

/** The plain fields of an EthernetRepr; the constructor takes a Partial of them. */
export type EthernetReprFields = Pick<EthernetRepr, (typeof FIELDS)[number]>;

/** An Ethernet II header as a value. Construct with `new EthernetRepr({ srcAddr, dstAddr, etherType })`. */
export class EthernetRepr {
  // Fields start as numbers, not as TypeScript parameter properties: those are declared first (as
  // undefined) under ES2022 class semantics, after which V8 boxes every 48-bit address stored in them.
  /** Source MAC address, a 48-bit integer (see formatMac / EthernetAddress). */
  srcAddr = 0;
  /** Destination MAC address, a 48-bit integer. */
  dstAddr = 0;
  /** EtherType of the payload; values outside the enum pass through as plain numbers. */
  etherType: EtherType = EtherType.Ipv4;

  /** The defaults (zero addresses, IPv4), overridden by the fields `init` defines. */
  constructor(init?: Partial<EthernetReprFields>) {
    assignFields(this, init, FIELDS);
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

  /** This layer's header in bytes: 14. */
  headerLength(): number {
    return ETHERNET_HEADER_LENGTH;
  }

  /**
   * Bytes emit writes: the header only (14), since the payload belongs to the next layer's repr. A
   * whole frame needs `headerLength() + ip.bufferLength()`.
   */
  bufferLength(): number {
    return ETHERNET_HEADER_LENGTH;
  }

  /**
   * Writes the header into the frame's first 14 bytes; the payload is the next layer's to write.
   * Throws RangeError when the view is shorter than bufferLength() (the repr contract, src/wire/index.ts).
   */
  emit(frame: EthernetFrame): void {
    requireEmitRoom(frame, ETHERNET_HEADER_LENGTH, 'Ethernet');
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

  /** Same addresses and EtherType. */
  equals(other: EthernetRepr): boolean {
    return this.srcAddr === other.srcAddr && this.dstAddr === other.dstAddr && this.etherType === other.etherType;
  }
}
