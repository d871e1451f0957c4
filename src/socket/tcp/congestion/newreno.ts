// NewReno congestion control: slow start and congestion avoidance of RFC 5681 section 3.1 with
// appropriate byte counting (RFC 3465), halving on loss. The fast-recovery window inflation and the
// partial-acknowledgment handling of RFC 6582 are the socket's loss recovery, common to every algorithm.

import type { Instant } from '../../../time.js';
import { type CongestionControl, initialWindow } from './controller.js';

/** NewReno (RFC 5681, RFC 6582), the default algorithm. */
export class NewReno implements CongestionControl {
  /** Short name, as setCongestionControl takes it. */
  readonly name = 'newreno';
  /** Congestion window, bytes. */
  cwnd = 0;
  /** Slow-start threshold, bytes. */
  ssthresh = Number.MAX_SAFE_INTEGER;
  private mss = 536;
  /** Bytes acknowledged since cwnd last grew in congestion avoidance. */
  private bytesAcked = 0;

  /** Starts a connection with the initial window of RFC 5681 equation 1. */
  init(_now: Instant, mss: number): void {
    this.mss = mss;
    this.cwnd = initialWindow(mss);
    // RFC 5681 section 3.1: "the initial value of ssthresh SHOULD be set arbitrarily high".
    this.ssthresh = Number.MAX_SAFE_INTEGER;
    this.bytesAcked = 0;
  }

  /** The sender MSS changed. */
  setMss(mss: number): void {
    this.mss = mss;
  }

  /** Slow start (at most one SMSS per ACK) or congestion avoidance (one SMSS per window). */
  onAck(_now: Instant, acked: number, _rtt?: number): void {
    if (this.cwnd < this.ssthresh) {
      // Slow start (equation 2): at most one SMSS per ACK.
      this.cwnd += acked < this.mss ? acked : this.mss;
      return;
    }
    // Congestion avoidance: one SMSS per window of acknowledged bytes (section 3.1, RFC 3465).
    this.bytesAcked += acked;
    if (this.bytesAcked >= this.cwnd) {
      this.bytesAcked -= this.cwnd;
      this.cwnd += this.mss;
    }
  }

  /** Halves the flight into ssthresh and starts recovery from it. */
  onCongestion(_now: Instant, flight: number): void {
    // Equation 4: ssthresh = max(FlightSize / 2, 2 * SMSS); recovery starts from it (RFC 6582 section 3.2 step 2).
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.cwnd = this.ssthresh;
    this.bytesAcked = 0;
  }

  /** Halves the flight into ssthresh and restarts from one segment. */
  onTimeout(_now: Instant, flight: number): void {
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    // The loss window: one segment (section 3.1).
    this.cwnd = this.mss;
    this.bytesAcked = 0;
  }
}
