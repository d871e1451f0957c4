// The browser demo's page: runs the transfer of demo.ts with the size chosen (`?mib=N` in the address, 10 by
// default, or the form), shows progress, throughput and the live trace once per animation frame, then the
// SHA-256 of the data sent and of the data received (crypto.subtle). The state is also in `window.__result`
// for test/browser, which waits for `state === 'done'`.
import { FrameTrace } from './frame-trace.js';
import { runDemo } from './demo.js';

/** Lines of trace kept on the page (all shown once the transfer is over). */
const TRACE_LINES = 200;
/** Lines shown while the transfer runs: what fits the box, so a repaint lays out no more. */
const TRACE_LINES_LIVE = 30;
/** The trace box is rewritten at most this often, in milliseconds. */
const TRACE_PAINT_MS = 100;
const MiB = 1 << 20;

/** What the page reports, read by test/browser through `window.__result`. */
export interface DemoReport {
  state: 'idle' | 'running' | 'hashing' | 'done' | 'error';
  bytes: number;
  received: number;
  seconds: number;
  gbps: number;
  sentSha256: string;
  receivedSha256: string;
  /** The trace lines on the page, oldest first. */
  trace: string[];
  /** Frames the trace saw (most are not on the page: only the last TRACE_LINES lines are kept). */
  frames: number;
  error: string;
  /** Each stack's polls and frames (runDemo's stacks). */
  stacks: { polls: number; rxFrames: number; txFrames: number; rxDropped: number; timerWakes: number }[];
}

declare global {
  interface Window {
    __result: DemoReport;
  }
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no element #${id}`);
  return found as T;
}

const ui = {
  form: element<HTMLFormElement>('controls'),
  size: element<HTMLSelectElement>('size'),
  start: element<HTMLButtonElement>('start'),
  progress: element<HTMLProgressElement>('progress'),
  state: element('state'),
  received: element('received'),
  throughput: element('throughput'),
  shaSent: element('sha-sent'),
  shaReceived: element('sha-received'),
  frames: element('frames'),
  trace: element<HTMLPreElement>('trace'),
};

function newReport(bytes: number): DemoReport {
  return { state: 'idle', bytes, received: 0, seconds: 0, gbps: 0, sentSha256: '', receivedSha256: '', trace: [], frames: 0, error: '', stacks: [] };
}

window.__result = newReport(0);

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function throughput(bytes: number, seconds: number): string {
  if (seconds <= 0) return '-';
  const bits = (bytes * 8) / seconds;
  return bits >= 1e9 ? `${(bits / 1e9).toFixed(2)} Gbit/s` : `${(bits / 1e6).toFixed(1)} Mbit/s`;
}

/** Bytes asked for by `?mib=N` (a positive number, fractions allowed), or 10 MiB. */
function sizeFromAddress(): number {
  const mib = Number(new URLSearchParams(location.search).get('mib') ?? '10');
  return Number.isFinite(mib) && mib > 0 ? Math.round(mib * MiB) : 10 * MiB;
}

let running = false;

async function transfer(bytes: number): Promise<void> {
  if (running) return;
  running = true;
  ui.start.disabled = true;
  const report = newReport(bytes);
  window.__result = report;
  const trace = new FrameTrace(64);
  const shown: string[] = [];
  let started = performance.now();
  let painting = true;
  let lastTracePaint = 0;
  // Once per animation frame: the progress. At most every TRACE_PAINT_MS, and with only the lines that fit
  // the box while the transfer runs: the trace (a layout of a few dozen lines, not of TRACE_LINES).
  const paint = (now: number): void => {
    const lines = trace.lines();
    if (lines.length > 0) {
      shown.push(...lines);
      if (shown.length > TRACE_LINES) shown.splice(0, shown.length - TRACE_LINES);
    }
    const final = !painting;
    if (final || now - lastTracePaint >= TRACE_PAINT_MS) {
      lastTracePaint = now;
      ui.trace.textContent = (final ? shown : shown.slice(-TRACE_LINES_LIVE)).join('\n');
      if (final) ui.trace.scrollTop = ui.trace.scrollHeight;
      report.trace = shown.slice();
    }
    report.frames = trace.frames;
    const seconds = report.seconds > 0 ? report.seconds : (performance.now() - started) / 1000;
    ui.progress.value = bytes > 0 ? report.received / bytes : 1;
    ui.received.textContent = `${report.received} of ${bytes} bytes`;
    ui.throughput.textContent = throughput(report.received, seconds);
    ui.frames.textContent = `${trace.frames} (the last ${shown.length} kept)`;
    if (painting) requestAnimationFrame(paint);
  };
  ui.state.textContent = 'running';
  ui.state.className = '';
  ui.shaSent.textContent = ui.shaReceived.textContent = '-';
  report.state = 'running';
  requestAnimationFrame(paint);
  try {
    started = performance.now();
    const result = await runDemo({ bytes, trace: trace.callback, onProgress: (n) => (report.received = n) });
    report.seconds = result.seconds;
    report.stacks = result.stacks;
    report.gbps = (result.received.length * 8) / result.seconds / 1e9;
    report.state = 'hashing';
    ui.state.textContent = 'hashing';
    const [sent, received] = await Promise.all([sha256(result.sent), sha256(result.received)]);
    painting = false;
    paint(performance.now());
    report.sentSha256 = sent;
    report.receivedSha256 = received;
    ui.shaSent.textContent = sent;
    ui.shaReceived.textContent = received;
    const equal = sent === received && result.received.length === bytes;
    ui.state.textContent = equal ? `done: ${bytes.toLocaleString('en')} bytes in ${result.seconds.toFixed(2)} s, hashes equal` : 'done, but the data differs';
    ui.state.className = equal ? 'ok' : 'bad';
    report.state = 'done';
  } catch (e) {
    painting = false;
    report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    report.state = 'error';
    ui.state.textContent = `error: ${report.error}`;
    ui.state.className = 'bad';
    console.error(e);
  } finally {
    running = false;
    ui.start.disabled = false;
  }
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void transfer(Number(ui.size.value) * MiB);
});

const initial = sizeFromAddress();
if (![...ui.size.options].some((o) => Number(o.value) * MiB === initial)) {
  ui.size.add(new Option(`${+(initial / MiB).toFixed(3)} MiB`, String(initial / MiB)));
}
ui.size.value = String(initial / MiB);
void transfer(initial);
