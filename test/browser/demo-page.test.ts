// The browser demo (examples/browser/) in a real browser: the page is built with esbuild, served on
// 127.0.0.1 (an ephemeral port) and opened in headless Chromium (Debian's chromium, driven by
// playwright-core; nothing is downloaded; CHROMIUM=/path/to/chrome picks another build). The page's two
// stacks move 10 MiB over a MessageChannel; the test waits for the page to say it is done and checks what
// it reports in `window.__result`: every byte arrived, the SHA-256 of the data sent equals that of the data
// received, the trace holds well-formed tcpdump lines both ways, and the page threw or logged no error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDemo } from '../../examples/browser/build.js';
import type { DemoReport } from '../../examples/browser/main.js';
import { serveDirectory, type Served } from '../../examples/browser/serve.js';
import { programPath, suiteNeeding } from '../helpers/needs.js';
import { TRACE_LINE } from './trace-line.js';

const MiB = 1 << 20;
/** Generous: the transfer takes a second or two; a loaded CI machine may be ten times slower. */
const TRANSFER_TIMEOUT_MS = 90_000;

/** Chromium's flags for a quiet headless run in a container: no sandbox (root), GPU, network chatter or sync. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Debian's chromium on PATH, or the browser CHROMIUM names (e.g. a Chrome on a user's machine).
const chosen = process.env.CHROMIUM;
const test = chosen ? suite('browser/demo-page') : suiteNeeding('browser/demo-page', ['chromium']);
if (test !== null) {
  let dir = '';
  let served: Served | null = null;
  let browser: Browser | null = null;

  test.before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smoltcp-browser-'));
    await buildDemo(join(dir, 'site'));
    served = await serveDirectory(join(dir, 'site'), 0);
    // playwright-core launches it with a fresh temporary profile (user-data-dir) and removes it on close.
    browser = await chromium.launch({ executablePath: chosen || programPath('chromium')!, args: CHROMIUM_ARGS });
  });

  test.after(async () => {
    await browser?.close();
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the page moves 10 MiB between two stacks over a MessageChannel, with equal SHA-256 and a live trace', async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    try {
      const response = await page.goto(`${served!.url}?mib=10`);
      assert.is(response?.status(), 200, 'the page is served');
      // Every paint the page takes the trace, so the test waits for the state, not for a time.
      await page.waitForFunction(
        () => {
          const state = (window as unknown as { __result?: DemoReport }).__result?.state;
          return state === 'done' || state === 'error';
        },
        undefined,
        { timeout: TRANSFER_TIMEOUT_MS, polling: 100 },
      );
      const report = await page.evaluate(() => (window as unknown as { __result: DemoReport }).__result);
      assert.is(report.error, '', 'the transfer failed in the page');
      assert.is(report.state, 'done');
      assert.is(report.bytes, 10 * MiB, '?mib=10 asks for 10 MiB');
      assert.is(report.received, 10 * MiB, 'every byte arrived');
      assert.match(report.sentSha256, /^[0-9a-f]{64}$/, 'the page shows the SHA-256 of the data sent');
      assert.is(report.receivedSha256, report.sentSha256, 'the data received hashes like the data sent');
      assert.ok(report.seconds > 0 && report.gbps > 0, `a throughput is reported (${report.gbps} Gbit/s)`);
      // The trace: the last lines of a 10 MiB transfer, every one a tcpdump line, both ways.
      assert.ok(report.frames > 7000, `the tracer saw the transfer's frames (${report.frames})`);
      assert.ok(report.trace.length >= 50, `the page shows the last lines of the trace (${report.trace.length})`);
      const bad = report.trace.filter((line) => !TRACE_LINE.test(line));
      assert.equal(bad, [], 'every trace line is a timestamp, a direction and tcpdump -nn line of our two stacks');
      assert.ok(report.trace.some((line) => line.includes('-> IP 10.0.0.1.') && line.endsWith('length 1448')), 'full data segments A -> B');
      assert.ok(report.trace.some((line) => line.includes('<- IP 10.0.0.2.5000 > 10.0.0.1.')), 'ACKs B -> A');
      // What the user sees matches the report.
      assert.is(await page.textContent('#sha-received'), report.sentSha256);
      assert.match((await page.textContent('#state')) ?? '', /^done: .* hashes equal$/);
      assert.is((await page.textContent('#trace'))?.split('\n').length, report.trace.length);
      assert.equal(problems, [], 'the page reported errors');
    } finally {
      await page.close();
    }
  });

  test('the server answers only for the files of the demo', async () => {
    const missing = await fetch(`${served!.url}nothing-here.js`);
    assert.is(missing.status, 404);
    const outside = await fetch(`${served!.url}..%2F..%2Fpackage.json`);
    assert.is(outside.status, 404, 'a path out of the folder is not served');
    const post = await fetch(served!.url, { method: 'POST' });
    assert.is(post.status, 405);
    const script = await fetch(`${served!.url}main.js`);
    assert.is(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.ok((await script.text()).length > 1000);
  });

  test.run();
}
