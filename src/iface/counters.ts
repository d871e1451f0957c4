// What the interface counts. Every received frame ends in exactly one rx outcome (accepted, or dropped
// for one reason), so `rxFrames` equals `rxAccepted` plus the sum of the drops; the other counters are
// events (frames sent, packets that could not be sent, timers).

/** The fate of one received frame. */
export enum RxOutcome {
  /** Taken by the stack: ARP answered or learned, a packet delivered or answered, a fragment kept. */
  Accepted = 0,
  /** Failed to parse at some layer (truncated, contradictory header, invalid source address, ...). */
  Malformed = 1,
  /** A checksum did not match (IPv4 header, ICMP, UDP or TCP). */
  BadChecksum = 2,
  /** Addressed to another host (Ethernet or IPv4 destination, ARP target). */
  NotForUs = 3,
  /** An EtherType, IP protocol or ICMP type the stack does not handle and no raw socket takes. */
  UnsupportedProtocol = 4,
  /** No socket for it: UDP to a closed port, TCP without a socket, an echo reply nobody waits for. */
  NoSocket = 5,
  /** The socket's receive buffer was full. */
  SocketBufferFull = 6,
  /** A fragment entirely inside what was already received for its datagram. */
  FragmentDuplicate = 7,
  /** A fragment overlapping another (or contradicting the datagram's length): the datagram was dropped. */
  ReassemblyOverlap = 8,
  /** No reassembly buffer free, a datagram larger than one, or too many holes. */
  ReassemblyNoBuffer = 9,
  /** A bug: something threw while processing the frame (logged at debug level). */
  Internal = 10,
}

export const RX_OUTCOME_COUNT = 11;

const RX_NAMES = [
  'accepted',
  'malformed',
  'badChecksum',
  'notForUs',
  'unsupportedProtocol',
  'noSocket',
  'socketBufferFull',
  'fragmentDuplicate',
  'reassemblyOverlap',
  'reassemblyNoBuffer',
  'internal',
] as const;

export class InterfaceCounters {
  /** Frames received. */
  rxFrames = 0;
  /** Per RxOutcome, indexed by its value. */
  readonly rx = new Float64Array(RX_OUTCOME_COUNT);
  /** Frames sent (ARP, IP, fragments each count). */
  txFrames = 0;
  /** Fragments among txFrames. */
  txFragments = 0;
  /** Frames not sent because the device had no room. */
  txDeviceBusy = 0;
  /** Packets dropped: no route to the destination (or no address to send from). */
  txNoRoute = 0;
  /** Packets dropped: larger than the MTU with Don't Fragment set, or larger than IPv4 allows. */
  txTooLarge = 0;
  /** Packets dropped: the next hop did not answer ARP, or its waiting queue was full. */
  txUnresolved = 0;
  /** ARP requests sent. */
  arpRequests = 0;
  /** ICMP errors sent (unreachable, time exceeded). */
  icmpErrors = 0;
  /** ICMP errors not sent because of the rate limit. */
  icmpRateLimited = 0;
  /** Datagrams whose reassembly timed out. */
  reassemblyTimeouts = 0;

  /** Frames received and dropped, all reasons. */
  rxDropped(): number {
    let n = 0;
    for (let i = 1; i < RX_OUTCOME_COUNT; i++) n += this.rx[i];
    return n;
  }

  /** Frames received with `outcome`. */
  count(outcome: RxOutcome): number {
    return this.rx[outcome];
  }

  /** Every counter by name (allocates: for printing and tests). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = { rxFrames: this.rxFrames };
    for (let i = 0; i < RX_OUTCOME_COUNT; i++) out[`rx_${RX_NAMES[i]}`] = this.rx[i];
    out.txFrames = this.txFrames;
    out.txFragments = this.txFragments;
    out.txDeviceBusy = this.txDeviceBusy;
    out.txNoRoute = this.txNoRoute;
    out.txTooLarge = this.txTooLarge;
    out.txUnresolved = this.txUnresolved;
    out.arpRequests = this.arpRequests;
    out.icmpErrors = this.icmpErrors;
    out.icmpRateLimited = this.icmpRateLimited;
    out.reassemblyTimeouts = this.reassemblyTimeouts;
    return out;
  }
}

/** The name of an rx outcome, for logs. */
export function rxOutcomeName(outcome: RxOutcome): string {
  return RX_NAMES[outcome] ?? `outcome ${outcome}`;
}
