// IP packets waiting for their next hop's Ethernet address (Linux's arp_queue, unres_qlen): a fixed
// number of slots of `slotSize` bytes, at most `perDestination` of them for one next hop. When the ARP
// reply arrives the interface sends them in the order they came, so the first packet to a new
// neighbour (the ping example's first request) is not lost; when the neighbour never answers, they are
// dropped.

export class NeighborQueue {
  readonly slots: number;
  readonly slotSize: number;
  readonly perDestination: number;
  /** Slot s is storage[s * slotSize, s * slotSize + lengths[s]). */
  readonly storage: Uint8Array;
  /** Next hops as int32s; methods take a u32 or an int32. */
  private readonly hops: Int32Array;
  private readonly lengths: Int32Array;
  /** Arrival order; 0 for a free slot. */
  private readonly order: Float64Array;
  private clock = 0;

  constructor(slots: number, slotSize: number, perDestination: number) {
    this.slots = slots;
    this.slotSize = slotSize;
    this.perDestination = perDestination;
    this.storage = new Uint8Array(slots * slotSize);
    this.hops = new Int32Array(slots);
    this.lengths = new Int32Array(slots);
    this.order = new Float64Array(slots);
  }

  /** Packets waiting (for any next hop). */
  get size(): number {
    let n = 0;
    for (let s = 0; s < this.slots; s++) if (this.order[s] !== 0) n++;
    return n;
  }

  /** How many more packets may wait for `hop`. */
  room(hop: number): number {
    hop |= 0;
    let mine = 0;
    let free = 0;
    for (let s = 0; s < this.slots; s++) {
      if (this.order[s] === 0) free++;
      else if (this.hops[s] === hop) mine++;
    }
    const left = this.perDestination - mine;
    return left < free ? left : free;
  }

  /** Takes a slot for a packet of `length` bytes to `hop` (check room() first); its offset in `storage`. */
  reserve(hop: number, length: number): number {
    hop |= 0;
    for (let s = 0; s < this.slots; s++) {
      if (this.order[s] !== 0) continue;
      this.order[s] = ++this.clock;
      this.hops[s] = hop;
      this.lengths[s] = length;
      return s * this.slotSize;
    }
    return -1;
  }

  /** The oldest slot waiting for `hop`, or -1. */
  oldest(hop: number): number {
    hop |= 0;
    let best = -1;
    let bestOrder = Infinity;
    for (let s = 0; s < this.slots; s++) {
      const o = this.order[s];
      if (o !== 0 && o < bestOrder && this.hops[s] === hop) {
        best = s;
        bestOrder = o;
      }
    }
    return best;
  }

  offsetOf(slot: number): number {
    return slot * this.slotSize;
  }

  lengthOf(slot: number): number {
    return this.lengths[slot];
  }

  release(slot: number): void {
    this.order[slot] = 0;
  }

  /** Whether anything waits for `hop`. */
  has(hop: number): boolean {
    return this.oldest(hop) >= 0;
  }

  /** Drops everything waiting for `hop`; how many packets. */
  drop(hop: number): number {
    hop |= 0;
    let n = 0;
    for (let s = 0; s < this.slots; s++) {
      if (this.order[s] !== 0 && this.hops[s] === hop) {
        this.order[s] = 0;
        n++;
      }
    }
    return n;
  }
}
