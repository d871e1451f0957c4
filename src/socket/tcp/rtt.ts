// Retransmission timeout (RFC 6298): a smoothed round-trip time and its variation from samples, the
// RTO derived from them, exponential backoff on each expiry. Karn's rule (RFC 6298 section 3) is the
// caller's part: it offers only samples of segments that were not retransmitted (or timestamp echoes,
// RFC 7323 section 4), and the backed-off RTO is kept until such a sample arrives.
//
// 'original' mode reproduces the first smoltcp: no estimation, a fixed 100 ms that doubles on each
// retransmission and returns to 100 ms once data is acknowledged.

import type { Duration } from '../../time.js';

/** 'rfc6298' estimates the RTO from samples; 'original' is the first smoltcp's fixed 100 ms, doubling. */
export type RtoMode = 'rfc6298' | 'original';

/** How the retransmission timeout is computed. */
export interface RtoConfig {
  /** 'rfc6298' (default) estimates from samples; 'original' starts at a fixed 100 ms and doubles. */
  mode: RtoMode;
  /** RTO before the first sample (RFC 6298 section 2.1: 1 s). */
  initial: Duration;
  /** Lower bound (RFC 6298 section 2.4 says 1 s; Linux uses 200 ms, as does this default). */
  min: Duration;
  /** Upper bound, also for the backoff (RFC 6298 section 2.5 allows 60 s or more). */
  max: Duration;
}

/** RFC 6298 with a 1 s initial RTO, a 200 ms minimum (as Linux) and a 60 s maximum. */
export const DEFAULT_RTO_CONFIG: RtoConfig = { mode: 'rfc6298', initial: 1_000_000, min: 200_000, max: 60_000_000 };

/** The fixed start of the 'original' mode. */
export const ORIGINAL_RTO: Duration = 100_000;
/** Clock granularity G of RFC 6298 section 2 (the socket's clock is microseconds; timestamps are ms). */
const CLOCK_GRANULARITY: Duration = 1_000;

/** SRTT, RTTVAR and the RTO of RFC 6298, with backoff. */
export class RttEstimator {
  /** The settings in use. */
  config: RtoConfig;
  /** Smoothed RTT, µs (meaningful once hasSample). */
  srtt = 0;
  /** RTT variation, µs. */
  rttvar = 0;
  /** Whether any sample was taken (SRTT and RTTVAR are meaningful). */
  hasSample = false;
  /** RTO before backoff, µs. */
  private baseRto: Duration;
  /** How many times the RTO has doubled since the last sample (or acknowledgment, in 'original' mode). */
  backoffCount = 0;

  /** An estimator with no sample yet. */
  constructor(config: RtoConfig = DEFAULT_RTO_CONFIG) {
    this.config = config;
    this.baseRto = config.mode === 'original' ? ORIGINAL_RTO : config.initial;
  }

  /** Forgets every sample and the backoff, for a new connection. */
  reset(): void {
    this.srtt = 0;
    this.rttvar = 0;
    this.hasSample = false;
    this.backoffCount = 0;
    this.baseRto = this.config.mode === 'original' ? ORIGINAL_RTO : this.config.initial;
  }

  /** The current RTO, backoff included. */
  get rto(): Duration {
    let rto = this.baseRto;
    for (let i = 0; i < this.backoffCount && rto < this.config.max; i++) rto *= 2;
    return rto < this.config.max ? rto : this.config.max;
  }

  /** A round-trip measurement (RFC 6298 sections 2.2 and 2.3); clears the backoff (section 5.7's "new RTT sample"). */
  sample(rtt: Duration): void {
    this.backoffCount = 0;
    if (this.config.mode === 'original') return;
    if (rtt < 0) rtt = 0;
    // Whole microseconds, so the values stay small integers (no heap numbers per sample).
    rtt = Math.round(rtt);
    if (!this.hasSample) {
      this.srtt = rtt;
      this.rttvar = rtt >> 1;
      this.hasSample = true;
    } else {
      // beta = 1/4, alpha = 1/8 (section 2.3), RTTVAR updated first with the old SRTT.
      const delta = this.srtt > rtt ? this.srtt - rtt : rtt - this.srtt;
      this.rttvar = Math.round(0.75 * this.rttvar + 0.25 * delta);
      this.srtt = Math.round(0.875 * this.srtt + 0.125 * rtt);
    }
    const variance = 4 * this.rttvar > CLOCK_GRANULARITY ? 4 * this.rttvar : CLOCK_GRANULARITY;
    let rto = this.srtt + variance;
    if (rto < this.config.min) rto = this.config.min;
    if (rto > this.config.max) rto = this.config.max;
    this.baseRto = rto;
  }

  /** New data was acknowledged; in 'original' mode that ends the doubling. */
  onAck(): void {
    if (this.config.mode === 'original') this.backoffCount = 0;
  }

  /** The retransmission timer expired (RFC 6298 section 5.5: double the RTO). */
  backoff(): void {
    if (this.rto < this.config.max) this.backoffCount++;
  }
}
