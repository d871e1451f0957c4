// What a device can do, and which checksums it computes or verifies itself (smoltcp's
// DeviceCapabilities and ChecksumCapabilities). The wire layer's reprs take a ChecksumCapabilities so
// that a loopback or an offloading NIC skips the work without special cases.

/** Per protocol: compute on transmit and verify on receive ('both'), only one of them, or neither. */
export type Checksum = 'both' | 'tx' | 'rx' | 'none';

/** Whether the stack must compute this checksum before transmitting. */
export function checksumTx(c: Checksum): boolean {
  return c === 'both' || c === 'tx';
}

/** Whether the stack must verify this checksum on receipt. */
export function checksumRx(c: Checksum): boolean {
  return c === 'both' || c === 'rx';
}

export class ChecksumCapabilities {
  constructor(
    public ipv4: Checksum = 'both',
    public udp: Checksum = 'both',
    public tcp: Checksum = 'both',
    public icmpv4: Checksum = 'both',
  ) {}

  /** The stack computes and verifies every checksum: what a plain device needs. */
  static default(): ChecksumCapabilities {
    return new ChecksumCapabilities();
  }

  /** Checksums are neither computed nor verified (e.g. a loopback that cannot corrupt). */
  static ignored(): ChecksumCapabilities {
    return new ChecksumCapabilities('none', 'none', 'none', 'none');
  }
}

/** Link-layer framing of a device. Only Ethernet for now; IP (tun) may follow. */
export type Medium = 'ethernet';

export interface DeviceCapabilities {
  medium: Medium;
  /** Largest frame the device sends or receives, link-layer header included (1514 for Ethernet). */
  maxTransmissionUnit: number;
  /** How many frames the interface may send or receive in one poll; null for no limit. */
  maxBurstSize: number | null;
  checksum: ChecksumCapabilities;
}
