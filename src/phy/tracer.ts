// Middleware that shows every frame passing through a device to a callback, with its direction and
// timestamp, after smoltcp's Tracer. Received frames are shown before the layer above sees them,
// transmitted frames after the layer above has written them. printingTraceCallback(format) prints one
// line per frame in the text a formatter gives (formatFrame from smoltcp-ts/format, tcpdump's -nn line, is
// what the examples pass), prefixed like smoltcp's examples print traces: `[     0.012s] <- ` for received
// frames and `-> ` for sent ones. phy itself knows no frame format.
//
// The token plumbing is DeviceWrapper's, so tracing adds no allocation per frame beyond what the
// callback itself does.

import type { Device } from './device.js';
import { DeviceWrapper } from './device-wrapper.js';
import type { Instant } from '../time.js';

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
 * Turns the frame `bytes[offset, offset + length)` into one line of text for a trace: `formatFrame` from
 * smoltcp-ts/format gives tcpdump's -nn line.
 */
export type FrameFormat = (bytes: Uint8Array, offset: number, length: number) => string;

/**
 * A trace that prints one line per frame, `[  seconds.millis s] <- text` with the text `format` gives and the
 * time relative to the first frame traced; on stdout unless `write` says otherwise.
 */
export function printingTraceCallback(
  format: FrameFormat,
  write: (line: string) => void = (line) => console.log(line),
): TraceCallback {
  let first = -1;
  return (direction, timestamp, bytes, offset, length) => {
    if (first < 0) first = timestamp;
    const elapsed = timestamp - first;
    const secs = Math.floor(elapsed / 1_000_000);
    const millis = Math.floor((elapsed % 1_000_000) / 1000);
    const arrow = direction === 'rx' ? '<-' : '->';
    write(
      `[${String(secs).padStart(6)}.${String(millis).padStart(3, '0')}s] ${arrow} ${format(bytes, offset, length)}`,
    );
  };
}

export class Tracer extends DeviceWrapper {
  constructor(
    inner: Device,
    /** Called for every frame; see TraceCallback, and printingTraceCallback for a printed trace. */
    readonly callback: TraceCallback,
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
