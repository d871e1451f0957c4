#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=1024
// smoltcp-dump: a tcpdump-style decoder. Runs dist/bin/smoltcp-dump.cjs, the compiled JavaScript bundled into
// one file by `npm run build` (done by `npm install` in a clone and by `npm pack`), since start-up is a large
// part of decoding a small capture.
// The flags keep V8's heap small: each packet leaves a little short-lived text behind, and with a 1 MB
// semi-space and an old generation that V8 sizes for 1 GB rather than for the machine's memory, the process
// stays flat whatever the capture's size, at no measurable cost in speed.
// Only `node:module` is imported here: the ESM facade of `node:fs` alone would load fs/promises and the streams.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BUNDLE = '../dist/bin/smoltcp-dump.cjs';
let main;
try {
  ({ main } = require(BUNDLE));
} catch (e) {
  if (e?.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('smoltcp-dump.cjs')) throw e;
  const url = new URL(BUNDLE, import.meta.url);
  console.error(`smoltcp-dump: ${url.pathname} is missing: run \`npm install\` (or \`npm run build\`) in ${new URL('..', import.meta.url).pathname}`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
