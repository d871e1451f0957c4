// The RTO estimator (RFC 6298) and the congestion-control algorithms (RFC 5681, RFC 9438) on their own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NoCongestionControl, initialWindow } from '../../../src/socket/tcp/congestion/controller.js';
import { Cubic } from '../../../src/socket/tcp/congestion/cubic.js';
import { NewReno } from '../../../src/socket/tcp/congestion/newreno.js';
import { DEFAULT_RTO_CONFIG, ORIGINAL_RTO, RttEstimator } from '../../../src/socket/tcp/rtt.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from '../../../src/socket/tcp/seq.js';

const test = suite('socket/tcp/rtt-congestion');

test('seq: comparisons and arithmetic wrap modulo 2^32', () => {
  assert.is(seqAdd(0xffffffff, 1), 0);
  assert.is(seqAdd(0, -1), -1, 'int32 inside the socket');
  assert.is(seqAdd(0, -1) >>> 0, 0xffffffff);
  assert.is(seqDiff(2, 0xfffffffe), 4);
  assert.is(seqDiff(0xfffffffe, 2), -4);
  assert.ok(seqLt(0xfffffff0, 5));
  assert.ok(seqLe(5, 5));
  assert.ok(seqGt(5, 0xfffffff0));
  assert.ok(seqGe(0, 0));
  assert.not.ok(seqLt(5, 0xfffffff0));
  assert.is(seqMax(0xfffffff0, 5), 5);
  assert.is(seqMin(0xfffffff0, 5), 0xfffffff0);
});

test('rtt: before any sample the RTO is the initial 1 s', () => {
  const r = new RttEstimator();
  assert.is(r.rto, 1_000_000);
  assert.not.ok(r.hasSample);
});

test('rtt: the first sample sets SRTT = R and RTTVAR = R/2 (RFC 6298 section 2.2)', () => {
  const r = new RttEstimator();
  r.sample(100_000);
  assert.is(r.srtt, 100_000);
  assert.is(r.rttvar, 50_000);
  // RTO = SRTT + 4 * RTTVAR = 300 ms.
  assert.is(r.rto, 300_000);
});

test('rtt: later samples smooth with alpha 1/8 and beta 1/4 (section 2.3)', () => {
  const r = new RttEstimator();
  r.sample(100_000);
  r.sample(200_000);
  // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms.
  assert.is(r.rttvar, 62_500);
  assert.is(r.srtt, 112_500);
  assert.is(r.rto, 112_500 + 4 * 62_500);
});

test('rtt: the RTO is at least the minimum and at most the maximum', () => {
  const r = new RttEstimator();
  r.sample(1_000);
  assert.is(r.rto, DEFAULT_RTO_CONFIG.min);
  r.sample(100_000_000);
  assert.is(r.rto, DEFAULT_RTO_CONFIG.max);
});

test('rtt: backoff doubles up to the maximum; a sample clears it', () => {
  const r = new RttEstimator({ ...DEFAULT_RTO_CONFIG, max: 5_000_000 });
  r.backoff();
  assert.is(r.rto, 2_000_000);
  r.backoff();
  r.backoff();
  assert.is(r.rto, 5_000_000);
  r.sample(100_000);
  assert.is(r.backoffCount, 0);
  assert.is(r.rto, 300_000);
});

test('rtt: the original mode ignores samples, starts at 100 ms and doubles until an ACK', () => {
  const r = new RttEstimator({ ...DEFAULT_RTO_CONFIG, mode: 'original' });
  assert.is(r.rto, ORIGINAL_RTO);
  r.sample(5_000_000);
  assert.is(r.rto, ORIGINAL_RTO);
  r.backoff();
  r.backoff();
  assert.is(r.rto, 400_000);
  r.onAck();
  assert.is(r.rto, ORIGINAL_RTO);
  r.reset();
  assert.is(r.rto, ORIGINAL_RTO);
});

test('congestion: the initial window follows RFC 5681 equation 1', () => {
  assert.is(initialWindow(536), 2144);
  assert.is(initialWindow(1460), 4380);
  assert.is(initialWindow(8960), 17920);
});

test('NewReno: slow start grows by at most one SMSS per ACK', () => {
  const c = new NewReno();
  c.init(0, 1000);
  assert.is(c.cwnd, 4000);
  c.onAck(0, 500, 0);
  assert.is(c.cwnd, 4500);
  c.onAck(0, 5000, 0);
  assert.is(c.cwnd, 5500);
});

test('NewReno: congestion avoidance grows by one SMSS per window acknowledged', () => {
  const c = new NewReno();
  c.init(0, 1000);
  c.onCongestion(0, 8000);
  assert.is(c.ssthresh, 4000);
  assert.is(c.cwnd, 4000);
  for (let i = 0; i < 3; i++) c.onAck(0, 1000, 0);
  assert.is(c.cwnd, 4000);
  c.onAck(0, 1000, 0);
  assert.is(c.cwnd, 5000);
});

test('NewReno: ssthresh is at least two segments; a timeout leaves one segment', () => {
  const c = new NewReno();
  c.init(0, 1000);
  c.onCongestion(0, 1000);
  assert.is(c.ssthresh, 2000);
  c.onTimeout(0, 10_000);
  assert.is(c.ssthresh, 5000);
  assert.is(c.cwnd, 1000);
});

test('CUBIC: after a loss the window drops to 0.7 of itself and regrows towards W_max, then beyond', () => {
  const c = new Cubic();
  c.init(0, 1000);
  for (let i = 0; i < 50; i++) c.onAck(0, 1000, 0);
  const before = c.cwnd;
  c.onCongestion(0, before);
  assert.is(c.cwnd, Math.floor(before / 1000 * 0.7 * 1000));
  let t = 0;
  let previous = c.cwnd;
  let grew = false;
  for (let i = 0; i < 4000; i++) {
    t += 10_000;
    c.onAck(t, 1000, 10_000);
    assert.ok(c.cwnd >= previous, 'never shrinks on an ACK');
    if (c.cwnd > before) grew = true;
    previous = c.cwnd;
  }
  assert.ok(grew, `regrew past W_max (${before}): ${c.cwnd}`);
});

test('CUBIC: a timeout leaves one segment; slow start again up to ssthresh', () => {
  const c = new Cubic();
  c.init(0, 1000);
  c.onTimeout(0, 20_000);
  assert.is(c.cwnd, 1000);
  assert.is(c.ssthresh, 14_000);
  c.onAck(0, 1000, 0);
  assert.is(c.cwnd, 2000);
  c.setMss(1200);
});

test('none: an unbounded window', () => {
  const c = new NoCongestionControl();
  c.init();
  c.onAck();
  c.onCongestion();
  c.onTimeout();
  c.setMss();
  assert.is(c.cwnd, Number.MAX_SAFE_INTEGER);
});

test.run();
