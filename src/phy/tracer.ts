// Middleware that shows every frame passing through a device to a callback, with its direction and
// timestamp, after smoltcp's Tracer. Received frames are shown before the layer above sees them,
// transmitted frames after the layer above has written them. The default callback prints one
// tcpdump-style line per frame (src/wire/format.ts), prefixed like smoltcp's examples print traces:
// `[     0.012s] <- ` for received frames and `-> ` for sent ones.
//
// The token plumbing is DeviceWrapper's, so tracing adds no allocation per frame beyond what the
// callback itself does.

import type { Device } from './device.js';
import { DeviceWrapper } from './device-wrapper.js';
import type { Instant } from '../time.js';
import { formatFrame } from '../wire/format.js';

export type FrameDirection = 'rx' | 'tx';

/** Sees one frame, `bytes[offset, offset + length)`, valid only during the call. */
export type TraceCallback = (
  direction: FrameDirection,
  timestamp: Instant,
  bytes: Uint8Array,
  offset: number,
  length: number,
) => void;

/**
 * The default trace: one line per frame on stdout, `[  seconds.millis s] <- summary`, with the time
 * relative to the first frame traced.
 */
export function printingTraceCallback(write: (line: string) => void = (line) => console.log(line)): TraceCallback {
  let first = -1;
  return (direction, timestamp, bytes, offset, length) => {
    if (first < 0) first = timestamp;
    const elapsed = timestamp - first;
    const secs = Math.floor(elapsed / 1_000_000);
    const millis = Math.floor((elapsed % 1_000_000) / 1000);
    const arrow = direction === 'rx' ? '<-' : '->';
    write(
      `[${String(secs).padStart(6)}.${String(millis).padStart(3, '0')}s] ${arrow} ${formatFrame(bytes, offset, length)}`,
    );
  };
}

export class Tracer extends DeviceWrapper {
  constructor(
    inner: Device,
    /** @internal Called for every frame; see TraceCallback. */
    readonly callback: TraceCallback = printingTraceCallback(),
  ) {
    super(inner);
  }

  /** @internal */
  override frameReceived(timestamp: Instant, bytes: Uint8Array, offset: number, length: number): void {
    this.callback('rx', timestamp, bytes, offset, length);
  }

  /** @internal */
  override frameTransmitted(timestamp: Instant, bytes: Uint8Array, offset: number, length: number): void {
    this.callback('tx', timestamp, bytes, offset, length);
  }
}
