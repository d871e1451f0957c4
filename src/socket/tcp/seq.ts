// Sequence-number arithmetic (RFC 9293 section 3.4): sequence numbers are u32s compared modulo 2^32,
// so "a is before b" means the signed 32-bit distance from a to b is positive. Every comparison of
// sequence numbers, acknowledgment numbers and timestamps in the TCP socket goes through these, never
// through `<` on the raw values, so wraparound is handled in one place.
//
// Inside the socket the values are kept as int32 (`| 0`): V8 holds those unboxed (small integers in fields,
// int32 in registers), where a u32 of 2^31 or more would be a heap number each time it crossed a call V8
// does not inline or was stored into a field. They become u32 (`>>> 0`) only where they are written into a
// TcpRepr to be emitted, and are read back from a TcpRepr with `| 0`. The comparisons below take either form.
// The functions are tiny so V8 inlines them.

/** `seq + n` modulo 2^32 (n may be negative), as an int32. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) | 0;
}

/** The signed distance from `b` to `a` (a - b), valid while the two are less than 2^31 apart. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a < b modulo 2^32. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a <= b modulo 2^32. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a > b modulo 2^32. */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a >= b modulo 2^32. */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** The later of two sequence numbers. */
export function seqMax(a: number, b: number): number {
  return ((a - b) | 0) >= 0 ? a : b;
}

/** The earlier of two sequence numbers. */
export function seqMin(a: number, b: number): number {
  return ((a - b) | 0) <= 0 ? a : b;
}
