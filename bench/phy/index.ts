// `npm run bench -- phy [--seconds S] [--rounds N] [--frame-length B]`: frames per second through
// Loopback (PHY-CORE's benchLoopback) and through TapInterface against the kernel, next to the minimal
// C loop on the same tap (bench/phy/tap.ts), with heap bytes allocated and GCs. Ends with one line:
//   bench phy: loopback_fps=.. tap_rx_fps=.. tap_tx_fps=.. tap_vs_c=.. bytes_per_frame=.. gcs=..
// tap_vs_c is the worse of receive and transmit, TypeScript rate / C rate (>= 0.5 is within 2x).
// bytes_per_frame is the worst frame path: loopback, tap transmit, and tap receive() itself (a spinning
// reader); the readiness waits of a sleeping reader are per wait, not per frame, and printed apart.
// gcs counts the GCs during all measured loops.
import { benchLoopback } from './loopback.js';
import { benchTap, tapBenchSkipReason, type TapBenchResult } from './tap.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench phy: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

const seconds = option('seconds', 1);
const rounds = option('rounds', 5);
const frameLength = option('frame-length', 1514);

const fmt = (n: number): string => Math.round(n).toString();
const fixed = (n: number, digits = 2): string => n.toFixed(digits);

const loopback = await benchLoopback(Math.max(1, seconds * 2));
console.log(
  `loopback (1514-byte frames): ${fmt(loopback.fps)} frames/s, ${fixed(loopback.gbps, 1)} Gbit/s, ` +
    `${fixed(loopback.bytesPerFrame)} bytes/frame, ${loopback.gcs} GCs`,
);

let tap: TapBenchResult | null = null;
const skip = tapBenchSkipReason();
if (skip !== null) {
  console.log(`tap: skipped, ${skip}`);
} else {
  tap = await benchTap({ seconds, rounds, frameLength });
  const line = (label: string, ts: { fps: number; gbps: number }, c: { fps: number; gbps: number }): void =>
    console.log(
      `tap ${label} (${tap!.frameLength}-byte frames, median of ${rounds}): TypeScript ${fmt(ts.fps)} frames/s ` +
        `${fixed(ts.gbps)} Gbit/s, C ${fmt(c.fps)} frames/s ${fixed(c.gbps)} Gbit/s, ratio ${fixed(ts.fps / c.fps)}`,
    );
  line('receive ', tap.rx, tap.cRx);
  line('transmit', tap.tx, tap.cTx);
  console.log(
    `tap receive: the kernel source outpaced the readers (tap dropped ${tap.rxDroppedByTap} frames); ` +
      `${tap.rxWaits} readiness waits for ${tap.rxFrames} frames, ${fixed(tap.rxBytesPerFrame)} bytes/frame with them ` +
      `(~${fmt((tap.rxBytesPerFrame * tap.rxFrames) / Math.max(1, tap.rxWaits))} bytes/wait); ` +
      `receive() alone: ${fixed(tap.receiveBytesPerCall)} bytes/call`,
  );
  console.log(`tap transmit: ${fixed(tap.txBytesPerFrame)} bytes/frame; ${tap.gcs} GCs in all tap loops`);
}

const na = 'n/a';
const tapVsC = tap ? Math.min(tap.rx.fps / tap.cRx.fps, tap.tx.fps / tap.cTx.fps) : null;
const bytesPerFrame = Math.max(loopback.bytesPerFrame, tap ? Math.max(tap.txBytesPerFrame, tap.receiveBytesPerCall) : 0);
console.log(
  `bench phy: loopback_fps=${fmt(loopback.fps)} tap_rx_fps=${tap ? fmt(tap.rx.fps) : na} ` +
    `tap_tx_fps=${tap ? fmt(tap.tx.fps) : na} tap_vs_c=${tapVsC !== null ? fixed(tapVsC) : na} ` +
    `bytes_per_frame=${fixed(bytesPerFrame)} gcs=${loopback.gcs + (tap ? tap.gcs : 0)}`,
);
