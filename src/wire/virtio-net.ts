// The virtio-net header (virtio 1.2 section 5.1.6, struct virtio_net_hdr) as a value: what a Linux tap
// opened with IFF_VNET_HDR puts before every frame, both ways. The tap driver (src/phy/tap-interface.ts)
// reads it to learn whether the kernel left a checksum to complete or already validated it, and writes
// it to hand the kernel a frame whose TCP or UDP checksum it should treat as done (checksum offload).

import { VirtioNetGso, VirtioNetHeader } from '../../generated/virtio-net.js';
import { WireError } from '../../generated/runtime.js';
import { requireEmitRoom } from './byte-ranges.js';
import { assignFields } from './repr-fields.js';

/** Bytes of the header in a tap's default size (TUNSETVNETHDRSZ not used): the legacy struct virtio_net_hdr. */
export const VIRTIO_NET_HEADER_LENGTH = 10;

/** The keys of VirtioNetReprFields, in the order the constructor copies them. */
const FIELDS = ['needsCsum', 'dataValid', 'gsoType', 'hdrLen', 'gsoSize', 'csumStart', 'csumOffset'] as const;

/** The plain fields of a VirtioNetRepr; the constructor takes a Partial of them. */
export type VirtioNetReprFields = Pick<VirtioNetRepr, (typeof FIELDS)[number]>;

/**
 * A virtio-net header as a value. `new VirtioNetRepr()` is an ordinary frame with nothing to do (no
 * flags, no segmentation offload); `new VirtioNetRepr({ needsCsum: true, csumStart: 34, csumOffset: 16 })`
 * asks the receiver to complete a TCP checksum behind a 20-byte IPv4 header.
 */
export class VirtioNetRepr {
  /** NEEDS_CSUM: the checksum from csumStart to the end is the receiver's to complete (or to trust). */
  needsCsum = false;
  /** DATA_VALID: the sender validated the transport checksum. */
  dataValid = false;
  /** Segmentation offload asked for; VirtioNetGso.None for an ordinary frame. */
  gsoType: VirtioNetGso = VirtioNetGso.None;
  /** Header bytes of a super-frame (a hint). */
  hdrLen = 0;
  /** Segment payload size of a super-frame; 0 otherwise. */
  gsoSize = 0;
  /** With needsCsum: where the checksummed range starts, from the start of the frame. */
  csumStart = 0;
  /** With needsCsum: where the checksum field is, from csumStart. */
  csumOffset = 0;

  /** The defaults (an ordinary frame), overridden by the fields `init` defines. */
  constructor(init?: Partial<VirtioNetReprFields>) {
    assignFields(this, init, FIELDS);
  }

  /** Parses a header (checking its length first); the repr, or why not. */
  static parse(header: VirtioNetHeader): VirtioNetRepr | WireError {
    const repr = new VirtioNetRepr();
    const error = repr.parseInto(header);
    return error === WireError.Ok ? repr : error;
  }

  /**
   * Like parse, into this object: WireError.Ok and this repr filled in, or the error (this repr
   * unchanged). Unrecognized: flags this stack does not know (RSC_INFO, whose fields mean counts, or
   * reserved bits) or a segmentation type it does not know.
   */
  parseInto(header: VirtioNetHeader): WireError {
    const error = header.check();
    if (error !== WireError.Ok) return error;
    const flags = header.flags;
    if ((flags & ~3) !== 0) return WireError.Unrecognized;
    const gso = header.gsoType & ~VirtioNetGso.Ecn;
    if (gso !== VirtioNetGso.None && gso !== VirtioNetGso.Tcpv4 && gso !== VirtioNetGso.Tcpv6 && gso !== VirtioNetGso.Udp && gso !== VirtioNetGso.UdpL4) {
      return WireError.Unrecognized;
    }
    this.needsCsum = header.needsCsum;
    this.dataValid = header.dataValid;
    this.gsoType = header.gsoType;
    this.hdrLen = header.hdrLen;
    this.gsoSize = header.gsoSize;
    this.csumStart = header.csumStart;
    this.csumOffset = header.csumOffset;
    return WireError.Ok;
  }

  /** This header in bytes: 10. */
  headerLength(): number {
    return VIRTIO_NET_HEADER_LENGTH;
  }

  /** Bytes emit writes: the header only (10); the frame behind it is the Ethernet layer's. */
  bufferLength(): number {
    return VIRTIO_NET_HEADER_LENGTH;
  }

  /** Writes the header into the view's first 10 bytes. Throws RangeError for a view shorter than that (src/wire/index.ts). */
  emit(header: VirtioNetHeader): void {
    requireEmitRoom(header, VIRTIO_NET_HEADER_LENGTH, 'virtio-net');
    header.flags = (this.needsCsum ? 1 : 0) | (this.dataValid ? 2 : 0);
    header.gsoType = this.gsoType;
    header.hdrLen = this.hdrLen;
    header.gsoSize = this.gsoSize;
    header.csumStart = this.csumStart;
    header.csumOffset = this.csumOffset;
  }

  /** Same flags, segmentation and checksum positions. */
  equals(other: VirtioNetRepr): boolean {
    return (
      this.needsCsum === other.needsCsum &&
      this.dataValid === other.dataValid &&
      this.gsoType === other.gsoType &&
      this.hdrLen === other.hdrLen &&
      this.gsoSize === other.gsoSize &&
      this.csumStart === other.csumStart &&
      this.csumOffset === other.csumOffset
    );
  }
}
