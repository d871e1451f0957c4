// Routes to destinations beyond the interface's own subnets (smoltcp's Routes): a fixed number of
// (network, prefix length, gateway) entries, the longest matching prefix winning (RFC 1812 section
// 5.2.4.3); a default gateway is the route 0.0.0.0/0. Destinations inside one of the interface's subnets
// are on-link and need no route: the interface checks those first.

import { prefixNetmask } from '../wire/ipv4-address.js';
import { IfaceError } from './errors.js';

/** What lookup() returns when no route matches. */
export const NO_ROUTE = -1;

export class RouteTable {
  readonly capacity: number;
  // int32s (see NeighborCache): methods take u32s or int32s.
  private readonly networks: Int32Array;
  private readonly masks: Int32Array;
  private readonly prefixLengths: Int8Array;
  private readonly gateways: Int32Array;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.networks = new Int32Array(capacity);
    this.masks = new Int32Array(capacity);
    this.prefixLengths = new Int8Array(capacity);
    this.gateways = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds (or replaces) the route to `network`/`prefixLength` through `gateway` (u32s). */
  add(network: number, prefixLength: number, gateway: number): void {
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
      throw new IfaceError('ERR_IFACE_BAD_CONFIG', `RouteTable.add: prefix length ${prefixLength} is not 0 to 32; give e.g. 24 for a /24.`);
    }
    if ((gateway | 0) === NO_ROUTE || gateway === 0) {
      throw new IfaceError('ERR_IFACE_BAD_CONFIG', `RouteTable.add: ${gateway >>> 0} is not a gateway address; give the address of a router on one of the interface's subnets.`);
    }
    const mask = prefixNetmask(prefixLength) | 0;
    const net = network & mask;
    let slot = this.find(net, prefixLength);
    if (slot < 0) {
      if (this.count === this.capacity) {
        throw new IfaceError('ERR_IFACE_ROUTES_FULL', `RouteTable.add: all ${this.capacity} routes are taken; remove one or configure more routes (maxRoutes).`);
      }
      slot = this.count++;
    }
    this.networks[slot] = net;
    this.masks[slot] = mask;
    this.prefixLengths[slot] = prefixLength;
    this.gateways[slot] = gateway | 0;
  }

  /** Removes the route to `network`/`prefixLength`; whether there was one. */
  remove(network: number, prefixLength: number): boolean {
    const slot = this.find(network & prefixNetmask(prefixLength), prefixLength);
    if (slot < 0) return false;
    this.count--;
    this.networks[slot] = this.networks[this.count];
    this.masks[slot] = this.masks[this.count];
    this.prefixLengths[slot] = this.prefixLengths[this.count];
    this.gateways[slot] = this.gateways[this.count];
    return true;
  }

  /** Sets the default gateway (the route 0.0.0.0/0), or removes it when `gateway` is null. */
  setDefaultGateway(gateway: number | null): void {
    if (gateway === null) this.remove(0, 0);
    else this.add(0, 0, gateway);
  }

  /** The gateway for `dst` by longest prefix (an int32), or NO_ROUTE. */
  lookup(dst: number): number {
    let best = -1;
    let bestLength = -1;
    for (let i = 0; i < this.count; i++) {
      if ((dst & this.masks[i]) === this.networks[i] && this.prefixLengths[i] > bestLength) {
        best = i;
        bestLength = this.prefixLengths[i];
      }
    }
    return best < 0 ? NO_ROUTE : this.gateways[best];
  }

  private find(network: number, prefixLength: number): number {
    for (let i = 0; i < this.count; i++) {
      if (this.networks[i] === network && this.prefixLengths[i] === prefixLength) return i;
    }
    return -1;
  }
}
