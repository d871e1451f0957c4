// Which checksums the stack computes and verifies itself (smoltcp's ChecksumCapabilities). The reprs take
// one so that a loopback or an offloading NIC skips the work without special cases. It lives in the wire
// layer, which uses it; the device layer's DeviceCapabilities holds one and re-exports it.

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

/** Per protocol, whether the stack computes checksums on transmit and verifies them on receipt. */
export class ChecksumCapabilities {
  /**
   * @param ipv4 the IPv4 header checksum (RFC 791)
   * @param udp the UDP checksum (RFC 768)
   * @param tcp the TCP checksum (RFC 9293 section 3.1)
   * @param icmpv4 the ICMPv4 checksum (RFC 792)
   * @param icmpv6 the ICMPv6 checksum, pseudo-header included (RFC 4443 section 2.3)
   */
  constructor(
    public ipv4: Checksum = 'both',
    public udp: Checksum = 'both',
    public tcp: Checksum = 'both',
    public icmpv4: Checksum = 'both',
    public icmpv6: Checksum = 'both',
  ) {}

  /** The stack computes and verifies every checksum: what a plain device needs. */
  static default(): ChecksumCapabilities {
    return new ChecksumCapabilities();
  }

  /** Checksums are neither computed nor verified (e.g. a loopback that cannot corrupt). */
  static ignored(): ChecksumCapabilities {
    return new ChecksumCapabilities('none', 'none', 'none', 'none', 'none');
  }
}
