// The neighbour cache (smoltcp's NeighborCache, RFC 826's translation table): IPv4 address to Ethernet
// address, in a fixed number of entries given at construction. A full cache evicts the entry used least
// recently; an entry expires 60 s after it was last confirmed by ARP (as smoltcp; Linux's reachable time
// is 15 to 45 s, its garbage collection about 60 s).
//
// Beside it, the addresses being resolved: at most one ARP request per second per address, and after
// `maxRequests` unanswered requests the address is given up (the interface then drops what waited
// for it), as Linux's mcast_solicit (3).
//
// IPv4 addresses are kept and compared as int32s (`addr | 0`: any method takes a u32 or an int32, and
// hot callers pass int32s, which cross calls unboxed); Ethernet addresses are 48-bit integers in a
// Float64Array.

import { MICROS_PER_SECOND, type Duration, type Instant } from '../time.js';

/** How long an ARP answer is trusted. */
export const NEIGHBOR_LIFETIME: Duration = 60 * MICROS_PER_SECOND;
/** At most one request per address per this interval. */
export const NEIGHBOR_REQUEST_INTERVAL: Duration = 1 * MICROS_PER_SECOND;

/** What lookup() returns for an address not (or no longer) in the cache. */
export const NO_HARDWARE_ADDR = -1;

export class NeighborCache {
  readonly capacity: number;
  /** Unanswered requests after which an address is given up. */
  readonly maxRequests: number;
  private readonly protocolAddrs: Int32Array;
  /** The Ethernet address of each slot (see lookupSlot). */
  readonly hardwareAddrs: Float64Array;
  private readonly expiresAt: Float64Array;
  /** Recency stamp per entry; 0 for a free entry. */
  private readonly usedAt: Float64Array;
  private clock = 0;
  // Addresses being resolved.
  private readonly pendingAddrs: Int32Array;
  private readonly pendingLastRequest: Float64Array;
  private readonly pendingRequests: Int32Array;
  /** 0 for a free pending slot. */
  private readonly pendingActive: Uint8Array;

  constructor(capacity: number, pendingCapacity = capacity, maxRequests = 3) {
    this.capacity = capacity;
    this.maxRequests = maxRequests;
    this.protocolAddrs = new Int32Array(capacity);
    this.hardwareAddrs = new Float64Array(capacity);
    this.expiresAt = new Float64Array(capacity);
    this.usedAt = new Float64Array(capacity);
    this.pendingAddrs = new Int32Array(pendingCapacity);
    this.pendingLastRequest = new Float64Array(pendingCapacity);
    this.pendingRequests = new Int32Array(pendingCapacity);
    this.pendingActive = new Uint8Array(pendingCapacity);
  }

  /** Entries held (expired ones included until they are looked up or replaced). */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.usedAt[i] !== 0) n++;
    return n;
  }

  /** Records (or refreshes) `protocolAddr` at `hardwareAddr`, evicting the least recently used entry when full. */
  fill(protocolAddr: number, hardwareAddr: number, now: Instant): void {
    protocolAddr |= 0;
    let slot = this.find(protocolAddr);
    if (slot < 0) slot = this.victim();
    this.protocolAddrs[slot] = protocolAddr;
    this.hardwareAddrs[slot] = hardwareAddr;
    this.expiresAt[slot] = now + NEIGHBOR_LIFETIME;
    this.usedAt[slot] = ++this.clock;
    this.forgetPending(protocolAddr);
  }

  /** Refreshes the entry of `protocolAddr` if there is one (RFC 826: update only what is in the table); whether there was. */
  refresh(protocolAddr: number, hardwareAddr: number, now: Instant): boolean {
    const slot = this.find(protocolAddr | 0);
    if (slot < 0 || this.expiresAt[slot] <= now) return false;
    this.hardwareAddrs[slot] = hardwareAddr;
    this.expiresAt[slot] = now + NEIGHBOR_LIFETIME;
    return true;
  }

  /** The Ethernet address of `protocolAddr`, or NO_HARDWARE_ADDR when unknown or expired. */
  lookup(protocolAddr: number, now: Instant): number {
    const slot = this.lookupSlot(protocolAddr, now);
    return slot < 0 ? NO_HARDWARE_ADDR : this.hardwareAddrs[slot];
  }

  /**
   * Like lookup, but the entry's slot (read `hardwareAddrs[slot]`) or -1: for hot paths, where a
   * 48-bit address returned from a call V8 does not inline would be boxed.
   */
  lookupSlot(protocolAddr: number, now: Instant): number {
    const slot = this.find(protocolAddr | 0);
    if (slot < 0) return -1;
    if (this.expiresAt[slot] <= now) {
      this.usedAt[slot] = 0;
      return -1;
    }
    this.usedAt[slot] = ++this.clock;
    return slot;
  }

  /** Forgets everything. */
  flush(): void {
    this.usedAt.fill(0);
    this.pendingActive.fill(0);
  }

  /**
   * Whether a request for `protocolAddr` may be sent now (none in the last second); when it may, the
   * request is recorded. Returns false too when no pending slot is free.
   */
  mayRequest(protocolAddr: number, now: Instant): boolean {
    protocolAddr |= 0;
    let slot = this.findPending(protocolAddr);
    if (slot < 0) {
      slot = this.pendingActive.indexOf(0);
      if (slot < 0) return false;
      this.pendingActive[slot] = 1;
      this.pendingAddrs[slot] = protocolAddr;
      this.pendingRequests[slot] = 0;
    } else if (now < this.pendingLastRequest[slot] + NEIGHBOR_REQUEST_INTERVAL) {
      return false;
    }
    this.pendingLastRequest[slot] = now;
    this.pendingRequests[slot]++;
    return true;
  }

  /** Whether `protocolAddr` is being resolved. */
  isPending(protocolAddr: number): boolean {
    return this.findPending(protocolAddr | 0) >= 0;
  }

  /**
   * Walks the addresses being resolved at `now`: for each whose last request is a second old, calls
   * `retry(ctx, addr)` (addr an int32) when another request is due, or `giveUp(ctx, addr)` (and forgets it) after
   * maxRequests unanswered ones.
   */
  poll<C>(now: Instant, ctx: C, retry: (ctx: C, addr: number) => void, giveUp: (ctx: C, addr: number) => void): void {
    for (let i = 0; i < this.pendingActive.length; i++) {
      if (this.pendingActive[i] === 0 || now < this.pendingLastRequest[i] + NEIGHBOR_REQUEST_INTERVAL) continue;
      const addr = this.pendingAddrs[i];
      if (this.pendingRequests[i] >= this.maxRequests) {
        this.pendingActive[i] = 0;
        giveUp(ctx, addr);
      } else {
        this.pendingLastRequest[i] = now;
        this.pendingRequests[i]++;
        retry(ctx, addr);
      }
    }
  }

  /** The next instant poll() has something to do, or null. */
  pollAt(): Instant | null {
    let at = Infinity;
    for (let i = 0; i < this.pendingActive.length; i++) {
      if (this.pendingActive[i] !== 0) at = Math.min(at, this.pendingLastRequest[i] + NEIGHBOR_REQUEST_INTERVAL);
    }
    return at === Infinity ? null : at;
  }

  private forgetPending(protocolAddr: number): void {
    const slot = this.findPending(protocolAddr);
    if (slot >= 0) this.pendingActive[slot] = 0;
  }

  private findPending(protocolAddr: number): number {
    for (let i = 0; i < this.pendingActive.length; i++) {
      if (this.pendingActive[i] !== 0 && this.pendingAddrs[i] === protocolAddr) return i;
    }
    return -1;
  }

  private find(protocolAddr: number): number {
    for (let i = 0; i < this.capacity; i++) {
      if (this.usedAt[i] !== 0 && this.protocolAddrs[i] === protocolAddr) return i;
    }
    return -1;
  }

  /** A free entry, or the least recently used one. */
  private victim(): number {
    let slot = 0;
    let oldest = Infinity;
    for (let i = 0; i < this.capacity; i++) {
      const used = this.usedAt[i];
      if (used === 0) return i;
      if (used < oldest) {
        oldest = used;
        slot = i;
      }
    }
    return slot;
  }
}
