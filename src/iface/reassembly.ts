// IPv4 reassembly (RFC 791 section 3.2, RFC 815) in a fixed number of buffers given at construction.
// A datagram is identified by (source, destination, protocol, identification). Each buffer keeps the
// byte ranges received as a short sorted list of merged runs, and follows Linux since 2018
// (inet_frag_queue_insert, RFC 5722 as amended by erratum 3089 for IPv6): a fragment lying entirely
// inside what was received is a duplicate and ignored; one that overlaps it partly makes the whole
// datagram be dropped. A datagram not complete within the timeout (30 s, Linux's ipfrag_time) is
// dropped; when its first fragment had arrived the interface answers with ICMP time exceeded
// (RFC 792, code 1; RFC 1122 section 3.3.2).
//
// Buffer layout: room for the largest IPv4 header (60 bytes) before the payload, so that a completed
// datagram sits whole in one buffer, header included (the first fragment's header is copied there).

import type { Duration, Instant } from '../time.js';
import { Ipv4Repr } from '../wire/ipv4.js';
import { copyBytes } from '../wire/byte-ranges.js';

const HEADER_ROOM = 60;

/** What add() made of a fragment. */
export enum FragmentResult {
  /** Stored; the datagram is still incomplete. */
  Stored = 0,
  /** Stored, and the datagram is complete: see completeBuffer(). */
  Complete = 1,
  /** Entirely inside what was already received: ignored. */
  Duplicate = 2,
  /** Overlaps what was received (or contradicts the datagram's length): the datagram was dropped. */
  Overlap = 3,
  /** No free buffer, larger than a buffer, or too many holes: the fragment (and its datagram) dropped. */
  NoBuffer = 4,
  /** Not a valid fragment (empty, or a non-last fragment not a multiple of 8 bytes long). */
  Malformed = 5,
}

export class Reassembler {
  readonly buffers: number;
  /** Largest datagram payload a buffer holds. */
  readonly maxPayload: number;
  readonly timeout: Duration;
  /** Runs of received bytes a buffer tracks; a datagram needing more is dropped. */
  readonly maxRanges: number;
  private readonly storage: Uint8Array[];
  private readonly active: Uint8Array;
  private readonly srcAddrs: Float64Array;
  private readonly dstAddrs: Float64Array;
  private readonly protocols: Int32Array;
  private readonly idents: Int32Array;
  private readonly deadlines: Float64Array;
  /** Total payload length once the last fragment arrived, else -1. */
  private readonly totals: Int32Array;
  /** Runs as [start, end) pairs, sorted, merged: buffer b owns ranges[b * maxRanges * 2 ...]. */
  private readonly ranges: Int32Array;
  private readonly rangeCounts: Int32Array;
  /** Header length of the first fragment, 0 while it has not arrived. */
  private readonly firstHeaderLengths: Int32Array;
  /** The first fragment's header, for the ICMP time exceeded quote. */
  private readonly firstHeaders: Ipv4Repr[];
  private completed = -1;

  constructor(buffers: number, maxPayload: number, timeout: Duration, maxRanges = 16) {
    this.buffers = buffers;
    this.maxPayload = maxPayload;
    this.timeout = timeout;
    this.maxRanges = maxRanges;
    this.storage = [];
    this.firstHeaders = [];
    for (let i = 0; i < buffers; i++) {
      this.storage.push(new Uint8Array(HEADER_ROOM + maxPayload));
      this.firstHeaders.push(new Ipv4Repr());
    }
    this.active = new Uint8Array(buffers);
    this.srcAddrs = new Float64Array(buffers);
    this.dstAddrs = new Float64Array(buffers);
    this.protocols = new Int32Array(buffers);
    this.idents = new Int32Array(buffers);
    this.deadlines = new Float64Array(buffers);
    this.totals = new Int32Array(buffers);
    this.ranges = new Int32Array(buffers * maxRanges * 2);
    this.rangeCounts = new Int32Array(buffers);
    this.firstHeaderLengths = new Int32Array(buffers);
  }

  /** Datagrams being reassembled. */
  get inProgress(): number {
    let n = 0;
    for (let i = 0; i < this.buffers; i++) n += this.active[i];
    return n;
  }

  /**
   * Adds the fragment whose header is `ip` (parsed) and `bytes[headerOffset, headerOffset + headerLength)`
   * (as received) and whose payload is `bytes[payloadOffset, payloadOffset + ip.payloadLength)`.
   */
  add(now: Instant, ip: Ipv4Repr, bytes: Uint8Array, headerOffset: number, headerLength: number, payloadOffset: number): FragmentResult {
    const length = ip.payloadLength;
    const start = ip.fragOffset;
    const end = start + length;
    if (length === 0 || (ip.moreFrags && (length & 7) !== 0)) return FragmentResult.Malformed;
    let b = this.find(ip);
    if (b < 0) {
      if (end > this.maxPayload) return FragmentResult.NoBuffer;
      b = this.active.indexOf(0);
      if (b < 0) return FragmentResult.NoBuffer;
      this.active[b] = 1;
      this.srcAddrs[b] = ip.srcAddr;
      this.dstAddrs[b] = ip.dstAddr;
      this.protocols[b] = ip.protocol;
      this.idents[b] = ip.ident;
      this.deadlines[b] = now + this.timeout;
      this.totals[b] = -1;
      this.rangeCounts[b] = 0;
      this.firstHeaderLengths[b] = 0;
    }
    if (end > this.maxPayload) {
      this.release(b);
      return FragmentResult.NoBuffer;
    }
    // The last fragment fixes the length; nothing may lie beyond it (RFC 791: a datagram has one end).
    const total = this.totals[b];
    const count = this.rangeCounts[b];
    const base = b * this.maxRanges * 2;
    const rangeEnd = count > 0 ? this.ranges[base + 2 * count - 1] : 0;
    if (!ip.moreFrags) {
      if ((total >= 0 && total !== end) || rangeEnd > end) {
        this.release(b);
        return FragmentResult.Overlap;
      }
    } else if (total >= 0 && end > total) {
      this.release(b);
      return FragmentResult.Overlap;
    }
    // A fragment inside one run is a duplicate; touching a run only partly is an overlap.
    for (let i = 0; i < count; i++) {
      const rs = this.ranges[base + 2 * i];
      const re = this.ranges[base + 2 * i + 1];
      if (end <= rs || start >= re) continue;
      if (start >= rs && end <= re) return FragmentResult.Duplicate;
      this.release(b);
      return FragmentResult.Overlap;
    }
    if (!this.insertRange(b, start, end)) {
      this.release(b);
      return FragmentResult.NoBuffer;
    }
    if (!ip.moreFrags) this.totals[b] = end;
    const store = this.storage[b];
    copyBytes(bytes, payloadOffset, store, HEADER_ROOM + start, length);
    if (start === 0) {
      copyBytes(bytes, headerOffset, store, HEADER_ROOM - headerLength, headerLength);
      this.firstHeaderLengths[b] = headerLength;
      this.firstHeaders[b].copyFrom(ip);
    }
    const t = this.totals[b];
    if (t >= 0 && this.rangeCounts[b] === 1 && this.ranges[base] === 0 && this.ranges[base + 1] === t && this.firstHeaderLengths[b] > 0) {
      this.completed = b;
      return FragmentResult.Complete;
    }
    return FragmentResult.Stored;
  }

  /** After add() returned Complete: the buffer holding the datagram (header then payload). */
  completeBuffer(): Uint8Array {
    return this.storage[this.completed];
  }

  /** Offset of the completed datagram's header in completeBuffer(). */
  completeHeaderOffset(): number {
    return HEADER_ROOM - this.firstHeaderLengths[this.completed];
  }

  /** Header length of the completed datagram (the first fragment's). */
  completeHeaderLength(): number {
    return this.firstHeaderLengths[this.completed];
  }

  /** Offset of the completed datagram's payload in completeBuffer(). */
  completePayloadOffset(): number {
    return HEADER_ROOM;
  }

  /** Payload length of the completed datagram. */
  completePayloadLength(): number {
    return this.totals[this.completed];
  }

  /** Frees the completed datagram's buffer once it was processed. */
  releaseComplete(): void {
    if (this.completed >= 0) this.release(this.completed);
    this.completed = -1;
  }

  /**
   * Drops the datagrams whose time is up at `now`. For each that had its first fragment, calls
   * `onTimeout(ctx, firstHeader, bytes, payloadOffset, payloadLength)` with the first fragment's header
   * and the payload bytes received from offset 0 (for the ICMP time exceeded quote), before freeing it.
   * Returns how many datagrams timed out.
   */
  expire<C>(
    now: Instant,
    ctx: C,
    onTimeout: (ctx: C, firstHeader: Ipv4Repr, bytes: Uint8Array, payloadOffset: number, payloadLength: number) => void,
  ): number {
    let expired = 0;
    for (let b = 0; b < this.buffers; b++) {
      if (this.active[b] === 0 || now < this.deadlines[b]) continue;
      expired++;
      if (this.firstHeaderLengths[b] > 0) {
        const base = b * this.maxRanges * 2;
        onTimeout(ctx, this.firstHeaders[b], this.storage[b], HEADER_ROOM, this.ranges[base + 1]);
      }
      this.release(b);
    }
    return expired;
  }

  /** The earliest deadline, or null when nothing is being reassembled. */
  pollAt(): Instant | null {
    let at = Infinity;
    for (let b = 0; b < this.buffers; b++) if (this.active[b] !== 0 && this.deadlines[b] < at) at = this.deadlines[b];
    return at === Infinity ? null : at;
  }

  private find(ip: Ipv4Repr): number {
    for (let b = 0; b < this.buffers; b++) {
      if (
        this.active[b] !== 0 &&
        this.idents[b] === ip.ident &&
        this.srcAddrs[b] === ip.srcAddr &&
        this.dstAddrs[b] === ip.dstAddr &&
        this.protocols[b] === ip.protocol
      ) {
        return b;
      }
    }
    return -1;
  }

  private release(b: number): void {
    this.active[b] = 0;
  }

  /** Inserts [start, end), known to overlap nothing, merging with adjacent runs; false when out of runs. */
  private insertRange(b: number, start: number, end: number): boolean {
    const r = this.ranges;
    const base = b * this.maxRanges * 2;
    let count = this.rangeCounts[b];
    let i = 0;
    while (i < count && r[base + 2 * i + 1] < start) i++;
    // Runs i.. start at or after `start` (r[..+1] >= start means adjacent or after, overlap excluded).
    const mergeLeft = i < count && r[base + 2 * i + 1] === start;
    const next = mergeLeft ? i + 1 : i;
    const mergeRight = next < count && r[base + 2 * next] === end;
    if (mergeLeft && mergeRight) {
      r[base + 2 * i + 1] = r[base + 2 * next + 1];
      r.copyWithin(base + 2 * next, base + 2 * (next + 1), base + 2 * count);
      count--;
    } else if (mergeLeft) {
      r[base + 2 * i + 1] = end;
    } else if (mergeRight) {
      r[base + 2 * next] = start;
    } else {
      if (count === this.maxRanges) return false;
      r.copyWithin(base + 2 * (i + 1), base + 2 * i, base + 2 * count);
      r[base + 2 * i] = start;
      r[base + 2 * i + 1] = end;
      count++;
    }
    this.rangeCounts[b] = count;
    return true;
  }
}
