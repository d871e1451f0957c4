// The one small interface every congestion-control algorithm implements. The socket does loss
// detection and recovery (fast retransmit, NewReno partial acknowledgments, SACK-based recovery) and
// tells the algorithm what happened; the algorithm owns only the congestion window and the slow-start
// threshold. Windows are in bytes.

import type { Duration, Instant } from '../../../time.js';

/** The interface of a congestion-control algorithm: it owns cwnd and ssthresh, the socket tells it what happened. */
export interface CongestionControl {
  /** Short name, as `setCongestionControl` takes it ('newreno', 'cubic', 'none'). */
  readonly name: string;
  /** Congestion window, bytes. */
  readonly cwnd: number;
  /** Slow-start threshold, bytes. */
  readonly ssthresh: number;
  /** A new connection with sender MSS `mss` begins at `now`. */
  init(now: Instant, mss: number): void;
  /** The sender MSS changed (options negotiated). */
  setMss(mss: number): void;
  /** `acked` new bytes were acknowledged outside loss recovery; `rtt` is the latest smoothed RTT (0 if none). */
  onAck(now: Instant, acked: number, rtt: Duration): void;
  /** Loss detected by duplicate ACKs or SACK with `flight` bytes outstanding: multiplicative decrease. */
  onCongestion(now: Instant, flight: number): void;
  /** The retransmission timer expired with `flight` bytes outstanding (RFC 5681 section 3.1, equation 4). */
  onTimeout(now: Instant, flight: number): void;
}

/** RFC 5681 section 3.1 equation 1: the initial window for a sender MSS. */
export function initialWindow(mss: number): number {
  if (mss > 2190) return 2 * mss;
  if (mss > 1095) return 3 * mss;
  return 4 * mss;
}

/** No congestion control: the window is unbounded, only the peer's window limits sending. */
export class NoCongestionControl implements CongestionControl {
  /** Short name, as setCongestionControl takes it. */
  readonly name = 'none';
  /** Unbounded. */
  readonly cwnd = Number.MAX_SAFE_INTEGER;
  /** Unbounded. */
  readonly ssthresh = Number.MAX_SAFE_INTEGER;
  /** Nothing to set up. */
  init(): void {}
  /** Ignored. */
  setMss(): void {}
  /** Ignored. */
  onAck(): void {}
  /** Ignored. */
  onCongestion(): void {}
  /** Ignored. */
  onTimeout(): void {}
}
