// CUBIC congestion control (RFC 9438): after a loss the window follows a cubic function of the time
// since the loss, centred on the window where the loss happened (W_max), with the Reno-friendly
// estimate of section 4.3 as a floor. Windows are tracked in segments (floats) and exposed in bytes.

import type { Duration, Instant } from '../../../time.js';
import { type CongestionControl, initialWindow } from './controller.js';

/** Section 4.6: multiplicative decrease factor. */
const BETA = 0.7;
/** Section 4.2: C, in segments per second cubed. */
const C = 0.4;
/** Section 4.3: the Reno-friendly additive increase per RTT. */
const ALPHA = (3 * (1 - BETA)) / (1 + BETA);

/** CUBIC (RFC 9438), the second algorithm behind CongestionControl. */
export class Cubic implements CongestionControl {
  /** Short name, as setCongestionControl takes it. */
  readonly name = 'cubic';
  /** Congestion window, bytes. */
  cwnd = 0;
  /** Slow-start threshold, bytes. */
  ssthresh = Number.MAX_SAFE_INTEGER;
  private mss = 536;
  /** Window before the last reduction, segments. */
  private wMax = 0;
  /** Time to reach wMax again, seconds (section 4.2 equation 2). */
  private k = 0;
  /** Start of the current congestion-avoidance epoch, or -1. */
  private epochStart: Instant = -1;
  /** The Reno-friendly estimate, segments. */
  private wEst = 0;

  /** Starts a connection: the initial window of RFC 5681, no W_max yet. */
  init(_now: Instant, mss: number): void {
    this.mss = mss;
    this.cwnd = initialWindow(mss);
    this.ssthresh = Number.MAX_SAFE_INTEGER;
    this.wMax = 0;
    this.k = 0;
    this.epochStart = -1;
    this.wEst = 0;
  }

  /** The sender MSS changed. */
  setMss(mss: number): void {
    this.mss = mss;
  }

  /** Slow start below ssthresh, else the cubic window of section 4.2 with the Reno-friendly floor of section 4.3. */
  onAck(now: Instant, acked: number, rtt: Duration): void {
    if (this.cwnd < this.ssthresh) {
      this.cwnd += acked < this.mss ? acked : this.mss;
      return;
    }
    const segments = this.cwnd / this.mss;
    if (this.epochStart < 0) {
      // Section 4.2: a new epoch begins with the first ACK in congestion avoidance.
      this.epochStart = now;
      if (this.wMax < segments) {
        this.wMax = segments;
        this.k = 0;
      } else {
        this.k = Math.cbrt((this.wMax - segments) / C);
      }
      this.wEst = segments;
    }
    // Section 4.3: the estimate grows by ALPHA segments per window of acknowledged segments.
    this.wEst += (ALPHA * (acked / this.mss)) / segments;
    // Section 4.2: the target is W_cubic(t + RTT).
    const t = (now - this.epochStart + rtt) / 1_000_000;
    const target = C * Math.pow(t - this.k, 3) + this.wMax;
    let next: number;
    if (this.wEst > target) {
      next = this.wEst;
    } else if (target > segments) {
      // Section 4.4/4.5: increase by (target - cwnd) / cwnd per acknowledged segment, at most 1.5x per RTT.
      const capped = target > 1.5 * segments ? 1.5 * segments : target;
      next = segments + ((capped - segments) / segments) * (acked / this.mss);
    } else {
      next = segments;
    }
    const bytes = Math.floor(next * this.mss);
    if (bytes > this.cwnd) this.cwnd = bytes;
  }

  /** Multiplicative decrease by BETA (section 4.6) with fast convergence (section 4.7). */
  onCongestion(_now: Instant, flight: number): void {
    const segments = Math.max(this.cwnd, flight) / this.mss;
    // Section 4.7 fast convergence: a flow whose W_max shrinks releases bandwidth sooner.
    this.wMax = segments < this.wMax ? (segments * (1 + BETA)) / 2 : segments;
    this.ssthresh = Math.max(Math.floor(segments * BETA * this.mss), 2 * this.mss);
    this.cwnd = this.ssthresh;
    this.k = Math.cbrt((this.wMax * (1 - BETA)) / C);
    this.epochStart = -1;
  }

  /** As a congestion event, then one segment (section 4.8). */
  onTimeout(now: Instant, flight: number): void {
    this.onCongestion(now, flight);
    // Section 4.8: after a timeout, slow start from one segment.
    this.cwnd = this.mss;
  }
}
