// Time is explicit, as in smoltcp: nothing in the stack reads a clock behind the caller's back.
// An Instant is a count of microseconds since the Unix epoch (exact in a double until year 2255),
// a Duration a count of microseconds. Both are plain numbers so the hot path allocates nothing.

/** Microseconds since the Unix epoch. */
export type Instant = number;
/** Microseconds. */
export type Duration = number;

/** Microseconds in a millisecond (1 000). */
export const MICROS_PER_MILLI = 1_000;
/** Microseconds in a second (1 000 000). */
export const MICROS_PER_SECOND = 1_000_000;

/** The wall clock now, for callers at the edge (examples, CLIs) that need one. */
export function now(): Instant {
  return Math.round((performance.timeOrigin + performance.now()) * MICROS_PER_MILLI);
}

/** A Duration of `ms` milliseconds, as microseconds: `millis(200)` is 200 000. */
export function millis(ms: number): Duration {
  return ms * MICROS_PER_MILLI;
}

/** A Duration of `s` seconds, as microseconds: `seconds(1)` is 1 000 000. */
export function seconds(s: number): Duration {
  return s * MICROS_PER_SECOND;
}
