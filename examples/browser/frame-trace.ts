// The demo's live trace, cheap enough to leave on during a 10 MiB transfer: the Tracer's callback only
// copies the first SNAP_LENGTH bytes of each frame (its headers) into a ring of `slots` snapshots, as a
// capture with a snap length does, and nothing is formatted then. The page asks for the lines once per
// animation frame (lines()), and only the frames still in the ring are formatted: a burst of 7000
// segments between two paints costs 7000 short copies and `slots` formatted lines, not 7000 lines.
//
// Each line is what smoltcp's examples print for a trace (printingTraceCallback): the time since the first
// frame, the direction, and tcpdump's -nn -S line for the frame (src/format's FrameFormatter, which reads
// the headers from the snapshot and the lengths from the headers, as tcpdump does with -s).
import { FrameFormatter } from '../../src/format/index.js';
import type { FrameDirection, TraceCallback } from '../../src/phy/tracer.js';
import type { Instant } from '../../src/time.js';
import { copyBytes } from '../../src/wire/byte-ranges.js';

/** Bytes kept of each frame: Ethernet (14) + IPv4 with options (60) + TCP with options (60), rounded up. */
export const SNAP_LENGTH = 144;

/** A ring of the last frames' headers, filled by a Tracer callback and formatted on demand. */
export class FrameTrace {
  /** Frames seen by the callback since the start. */
  frames = 0;
  /** The callback to give a Tracer: copies the frame's headers into the ring. */
  readonly callback: TraceCallback;
  private readonly snaps: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly times: Float64Array;
  private readonly directions: Uint8Array;
  private readonly formatter = new FrameFormatter();
  private first = -1;
  /** `frames` when lines() last ran: what is newer has not been formatted yet. */
  private formatted = 0;

  /** A ring of `slots` frames; the page shows at most that many new lines per paint. */
  constructor(readonly slots = 64) {
    this.snaps = new Uint8Array(slots * SNAP_LENGTH);
    this.lengths = new Int32Array(slots);
    this.times = new Float64Array(slots);
    this.directions = new Uint8Array(slots);
    this.callback = (direction: FrameDirection, timestamp: Instant, bytes: Uint8Array, offset: number, length: number) => {
      const slot = this.frames % this.slots;
      copyBytes(bytes, offset, this.snaps, slot * SNAP_LENGTH, Math.min(length, SNAP_LENGTH));
      this.lengths[slot] = length;
      this.times[slot] = timestamp;
      this.directions[slot] = direction === 'rx' ? 0 : 1;
      if (this.first < 0) this.first = timestamp;
      this.frames++;
    };
  }

  /** Frames that came and went between two calls of lines() without being formatted. */
  skipped = 0;

  /**
   * The lines of the frames seen since the last call that are still in the ring, oldest first, e.g.
   * `[     0.004s] -> IP 10.0.0.1.49152 > 10.0.0.2.5000: Flags [.], seq ..., length 1448`; the frames
   * overwritten before this call are counted in `skipped`.
   */
  lines(): string[] {
    const end = this.frames;
    let start = this.formatted;
    if (end - start > this.slots) {
      this.skipped += end - start - this.slots;
      start = end - this.slots;
    }
    this.formatted = end;
    const out: string[] = [];
    for (let i = start; i < end; i++) {
      const slot = i % this.slots;
      const length = this.lengths[slot]!;
      const text = this.formatter.format(this.snaps, slot * SNAP_LENGTH, Math.min(length, SNAP_LENGTH), length);
      out.push(`${elapsed(this.times[slot]! - this.first)} ${this.directions[slot] === 0 ? '<-' : '->'} ${text}`);
    }
    return out;
  }
}

/** `[     0.012s]`, as printingTraceCallback prints the time since the first frame. */
function elapsed(micros: number): string {
  const secs = Math.floor(micros / 1_000_000);
  const millis = Math.floor((micros % 1_000_000) / 1000);
  return `[${String(secs).padStart(6)}.${String(millis).padStart(3, '0')}s]`;
}
