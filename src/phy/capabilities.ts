// What a device can do (smoltcp's DeviceCapabilities), including which checksums it computes or
// verifies itself (ChecksumCapabilities, defined in the wire layer whose reprs take it).

import type { ChecksumCapabilities } from '../wire/checksum-capabilities.js';

// The checksum capabilities belong to the wire layer (which must not import phy); re-exported here
// because a device's capabilities hold them.
export { ChecksumCapabilities, checksumRx, checksumTx, type Checksum } from '../wire/checksum-capabilities.js';

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
