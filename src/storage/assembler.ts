// The out-of-order assembler (smoltcp's storage::Assembler): which byte ranges past the front of a
// stream have arrived, in a fixed number of slots given at construction. The TCP socket keeps one per
// connection for reassembly (offsets from RCV.NXT; RFC 9293 section 3.10.7.4, "segments with higher
// beginning sequence numbers ... may be held for later processing") and one as the SACK scoreboard
// (offsets from SND.UNA; RFC 6675 section 3).
//
// The ranges ("contigs") are kept sorted, disjoint and never adjacent (adjacent ranges are merged), as
// [start, end) offsets from the front. Adding a range that would need more slots than there are is
// refused and changes nothing: the caller drops that segment and the peer sends it again, so memory
// stays bounded whatever arrives. Nothing here allocates after construction.

/** Which byte ranges past the front of a stream are held, in a fixed number of slots. */
export class Assembler {
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private count = 0;

  /** An empty assembler that tracks at most `capacity` separate ranges (at least 1). */
  constructor(capacity = 4) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`an assembler needs room for at least one range, not ${capacity}: pass a positive integer`);
    }
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /** How many separate ranges it can hold. */
  get capacity(): number {
    return this.starts.length;
  }

  /** How many separate ranges it holds now. */
  get contigCount(): number {
    return this.count;
  }

  /** Start offset of range `i` (0 <= i < contigCount), ranges in ascending order. */
  contigStart(i: number): number {
    return this.starts[i]!;
  }

  /** End offset (exclusive) of range `i`. */
  contigEnd(i: number): number {
    return this.ends[i]!;
  }

  /** No range held. */
  isEmpty(): boolean {
    return this.count === 0;
  }

  /** Forgets every range. */
  clear(): void {
    this.count = 0;
  }

  /** Bytes held in all ranges together. */
  totalLength(): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) total += this.ends[i]! - this.starts[i]!;
    return total;
  }

  /** End of the highest range, or 0 when empty. */
  highestEnd(): number {
    return this.count === 0 ? 0 : this.ends[this.count - 1]!;
  }

  /** Bytes held within [from, to). */
  coveredBetween(from: number, to: number): number {
    let covered = 0;
    for (let i = 0; i < this.count; i++) {
      const start = this.starts[i]! > from ? this.starts[i]! : from;
      const end = this.ends[i]! < to ? this.ends[i]! : to;
      if (end > start) covered += end - start;
    }
    return covered;
  }

  /** The index of the range that contains `offset`, or -1. */
  indexContaining(offset: number): number {
    for (let i = 0; i < this.count; i++) {
      if (this.starts[i]! <= offset && offset < this.ends[i]!) return i;
    }
    return -1;
  }

  /** Whether every byte of [offset, offset + size) is held. */
  contains(offset: number, size: number): boolean {
    for (let i = 0; i < this.count; i++) {
      if (this.starts[i]! <= offset && offset + size <= this.ends[i]!) return true;
    }
    return false;
  }

  /**
   * Records that [offset, offset + size) has arrived, merging it with the ranges it overlaps or touches.
   * False, with nothing changed, when it would need a range more than the capacity.
   */
  add(offset: number, size: number): boolean {
    if (size <= 0) return true;
    const end = offset + size;
    // First range that ends at or after `offset` (may merge), and the one past the last range that
    // starts at or before `end` (may merge).
    let first = 0;
    while (first < this.count && this.ends[first]! < offset) first++;
    let last = first;
    while (last < this.count && this.starts[last]! <= end) last++;
    if (first === last) {
      // Touches nothing: a new range at `first`.
      if (this.count === this.starts.length) return false;
      for (let i = this.count; i > first; i--) {
        this.starts[i] = this.starts[i - 1]!;
        this.ends[i] = this.ends[i - 1]!;
      }
      this.starts[first] = offset;
      this.ends[first] = end;
      this.count++;
      return true;
    }
    // Ranges first..last-1 merge with the new one into slot `first`.
    const mergedStart = this.starts[first]! < offset ? this.starts[first]! : offset;
    const mergedEnd = this.ends[last - 1]! > end ? this.ends[last - 1]! : end;
    this.starts[first] = mergedStart;
    this.ends[first] = mergedEnd;
    const removed = last - first - 1;
    if (removed > 0) {
      for (let i = first + 1; i + removed < this.count; i++) {
        this.starts[i] = this.starts[i + removed]!;
        this.ends[i] = this.ends[i + removed]!;
      }
      this.count -= removed;
    }
    return true;
  }

  /**
   * If a range starts at offset 0, removes it, moves the front past it and returns its length (the
   * bytes now contiguous at the front); otherwise 0.
   */
  removeFront(): number {
    if (this.count === 0 || this.starts[0] !== 0) return 0;
    const length = this.ends[0]!;
    for (let i = 1; i < this.count; i++) {
      this.starts[i - 1] = this.starts[i]! - length;
      this.ends[i - 1] = this.ends[i]! - length;
    }
    this.count--;
    return length;
  }

  /**
   * Forgets the highest range (nothing when empty), to make room for a range nearer the front: the TCP
   * receiver gives up data furthest from RCV.NXT first when its slots run out (RFC 2018 section 8).
   */
  removeLast(): void {
    if (this.count > 0) this.count--;
  }

  /** Moves the front forward by `n` bytes: what lay before it is forgotten, the rest is re-based. */
  advance(n: number): void {
    if (n <= 0) return;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const end = this.ends[i]! - n;
      if (end <= 0) continue;
      const start = this.starts[i]! - n;
      this.starts[kept] = start < 0 ? 0 : start;
      this.ends[kept] = end;
      kept++;
    }
    this.count = kept;
  }

  /** The ranges as [start, end) pairs (allocates: for tests and printing). */
  toArray(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.count; i++) out.push([this.starts[i]!, this.ends[i]!]);
    return out;
  }
}
