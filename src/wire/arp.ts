// An ARP packet as a value (smoltcp's ArpRepr::EthernetIpv4). The stack resolves IPv4 addresses to
// Ethernet addresses only, so parse rejects every other hardware/protocol combination (RFC 826).

import { ArpHardware, ArpOperation, ArpPacket, EtherType, WireError } from '../../generated/index.js';
import { requireEmitRoom } from './byte-ranges.js';
import { MAC_SCRATCH, macHigh16, macLow32, writeMacParts } from './mac-bits.js';
import { assignFields } from './repr-fields.js';

const TWO_POW_32 = 0x1_0000_0000;

/** An ARP packet for Ethernet and IPv4: 8 bytes of header and two pairs of addresses (RFC 826). */
export const ARP_ETHERNET_IPV4_LENGTH = 28;

/** The keys of ArpReprFields, in the order the constructor copies them. */
const FIELDS = ['operation', 'sourceHardwareAddr', 'sourceProtocolAddr', 'targetHardwareAddr', 'targetProtocolAddr'] as const;

/** The plain fields of an ArpRepr; the constructor takes a Partial of them. */
export type ArpReprFields = Pick<ArpRepr, (typeof FIELDS)[number]>;

/** An ARP packet for Ethernet and IPv4 as a value. Construct with `new ArpRepr({ operation, ... })`. */
export class ArpRepr {
  // Plain fields with numeric initial values rather than parameter properties, so that V8 stores the
  // 48-bit addresses unboxed (see EthernetRepr).
  /** Request or Reply; other operation codes pass through as numbers. */
  operation: ArpOperation = ArpOperation.Request;
  /** Sender's Ethernet address (ar$sha), a 48-bit integer. */
  sourceHardwareAddr = 0;
  /** Sender's IPv4 address (ar$spa), a u32. */
  sourceProtocolAddr = 0;
  /** Target's Ethernet address (ar$tha); zero in a request. */
  targetHardwareAddr = 0;
  /** Target's IPv4 address (ar$tpa). */
  targetProtocolAddr = 0;

  /** The defaults (a request, all addresses zero), overridden by the fields `init` defines. */
  constructor(init?: Partial<ArpReprFields>) {
    assignFields(this, init, FIELDS);
  }

  /** Parses a packet (checking its length first); the repr, or why not. */
  static parse(packet: ArpPacket): ArpRepr | WireError {
    const repr = new ArpRepr();
    const error = repr.parseInto(packet);
    return error === WireError.Ok ? repr : error;
  }

  /**
   * Like parse, into this object: WireError.Ok, or the error with this repr unchanged.
   * Unrecognized for ARP over anything but Ethernet (hardware type 1, length 6) and IPv4 (0x0800, length 4).
   */
  parseInto(packet: ArpPacket): WireError {
    const error = packet.check();
    if (error !== WireError.Ok) return error;
    if (
      packet.hardwareType !== ArpHardware.Ethernet ||
      packet.protocolType !== EtherType.Ipv4 ||
      packet.hardwareLen !== 6 ||
      packet.protocolLen !== 4
    ) {
      return WireError.Unrecognized;
    }
    this.operation = packet.operation;
    // 48-bit addresses are read so that no double crosses a call V8 might not inline (see EthernetRepr.parseInto).
    packet.copySourceHardwareAddrTo(MAC_SCRATCH, 0);
    packet.copyTargetHardwareAddrTo(MAC_SCRATCH, 6);
    this.sourceHardwareAddr = macHigh16(MAC_SCRATCH, 0) * TWO_POW_32 + (macLow32(MAC_SCRATCH, 0) >>> 0);
    this.targetHardwareAddr = macHigh16(MAC_SCRATCH, 6) * TWO_POW_32 + (macLow32(MAC_SCRATCH, 6) >>> 0);
    this.sourceProtocolAddr = packet.sourceProtocolAddrI32 >>> 0; // int32 across the call: never boxed
    this.targetProtocolAddr = packet.targetProtocolAddrI32 >>> 0;
    return WireError.Ok;
  }

  /** This layer's header in bytes: the whole 28-byte packet (ARP carries no payload). */
  headerLength(): number {
    return ARP_ETHERNET_IPV4_LENGTH;
  }

  /** Bytes emit writes: 28, the same as headerLength(). */
  bufferLength(): number {
    return ARP_ETHERNET_IPV4_LENGTH;
  }

  /**
   * Writes the packet into the view's first 28 bytes. Throws RangeError when the view is shorter than
   * bufferLength() (the repr contract, src/wire/index.ts).
   */
  emit(packet: ArpPacket): void {
    requireEmitRoom(packet, ARP_ETHERNET_IPV4_LENGTH, 'ARP');
    packet.hardwareType = ArpHardware.Ethernet;
    packet.protocolType = EtherType.Ipv4;
    packet.hardwareLen = 6;
    packet.protocolLen = 4;
    packet.operation = this.operation;
    // 48-bit addresses go through a scratch array, not a setter taking a double (see EthernetRepr.emit).
    const sha = this.sourceHardwareAddr;
    const tha = this.targetHardwareAddr;
    writeMacParts(Math.floor(sha / TWO_POW_32), sha % TWO_POW_32 | 0, MAC_SCRATCH, 0);
    writeMacParts(Math.floor(tha / TWO_POW_32), tha % TWO_POW_32 | 0, MAC_SCRATCH, 6);
    packet.setSourceHardwareAddrFrom(MAC_SCRATCH, 0);
    packet.setTargetHardwareAddrFrom(MAC_SCRATCH, 6);
    // u32 values cross into setters as int32 (`| 0`, same bits): V8 passes those unboxed (STYLE.md).
    packet.sourceProtocolAddr = this.sourceProtocolAddr | 0;
    packet.targetProtocolAddr = this.targetProtocolAddr | 0;
  }

  /** Same operation and addresses. */
  equals(other: ArpRepr): boolean {
    return (
      this.operation === other.operation &&
      this.sourceHardwareAddr === other.sourceHardwareAddr &&
      this.sourceProtocolAddr === other.sourceProtocolAddr &&
      this.targetHardwareAddr === other.targetHardwareAddr &&
      this.targetProtocolAddr === other.targetProtocolAddr
    );
  }
}
