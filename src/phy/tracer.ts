// Middleware that shows every frame passing through a device to a callback, with its direction and
// timestamp, after smoltcp's Tracer. Received frames are shown before the layer above sees them,
// transmitted frames after the layer above has written them. printingTraceCallback(format) prints one
// line per frame in the text a formatter gives (formatFrame from smoltcp-ts/format, tcpdump's -nn line, is
// what the examples pass), prefixed like smoltcp's examples print traces: `[     0.012s] <- ` for received
// frames and `-> ` for sent ones. phy itself knows no frame format.
//
// The tokens handed out are reused WrapperTokens that remember the caller's context and consumer in
// fields, so tracing adds no allocation per frame beyond what the callback itself does.

import type { DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import type { Instant } from '../time.js';
import { WrapperToken } from './wrapper-token.js';

export type FrameDirection = 'rx' | 'tx';

/** Sees one frame, `bytes[offset, offset + length)`, valid only during the call. */
export type TraceCallback = (
  direction: FrameDirection,
  timestamp: Instant,
  bytes: Uint8Array,
  offset: number,
  length: number,
) => void;

class TracingRxToken extends WrapperToken<RxToken> implements RxToken {
  constructor(readonly tracer: Tracer) {
    super();
  }

  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    this.hold(ctx, f);
    return this.inner!.consume(this, receiveThrough) as R;
  }
}

class TracingTxToken extends WrapperToken<TxToken> implements TxToken {
  constructor(readonly tracer: Tracer) {
    super();
  }

  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    this.hold(ctx, f);
    return this.inner!.consume(length, this, transmitThrough) as R;
  }
}

// Module-level consumers for the inner tokens: everything they need is in their context argument.
function receiveThrough(token: TracingRxToken, bytes: Uint8Array, offset: number, length: number): unknown {
  const ctx = token.takeContext();
  const f = token.take();
  token.tracer.callback('rx', token.timestamp, bytes, offset, length);
  return f(ctx, bytes, offset, length);
}

function transmitThrough(token: TracingTxToken, bytes: Uint8Array, offset: number, length: number): unknown {
  const ctx = token.takeContext();
  const result = token.take()(ctx, bytes, offset, length);
  token.tracer.callback('tx', token.timestamp, bytes, offset, length);
  return result;
}

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

export class Tracer implements Device {
  private readonly rxToken: TracingRxToken;
  private readonly pairTxToken: TracingTxToken;
  private readonly txToken: TracingTxToken;
  private readonly pair: RxPair;

  constructor(
    readonly inner: Device,
    /** Called for every frame; see TraceCallback, and printingTraceCallback for a printed trace. */
    readonly callback: TraceCallback,
  ) {
    this.rxToken = new TracingRxToken(this);
    this.pairTxToken = new TracingTxToken(this);
    this.txToken = new TracingTxToken(this);
    this.pair = { rx: this.rxToken, tx: this.pairTxToken };
  }

  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }

  receive(timestamp: Instant): RxPair | null {
    const pair = this.inner.receive(timestamp);
    if (pair === null) return null;
    this.rxToken.inner = pair.rx;
    this.rxToken.timestamp = timestamp;
    this.pairTxToken.inner = pair.tx;
    this.pairTxToken.timestamp = timestamp;
    return this.pair;
  }

  transmit(timestamp: Instant): TxToken | null {
    const inner = this.inner.transmit(timestamp);
    if (inner === null) return null;
    this.txToken.inner = inner;
    this.txToken.timestamp = timestamp;
    return this.txToken;
  }
}
