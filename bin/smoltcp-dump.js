#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=1024
// smoltcp-dump: a tcpdump-style decoder. Runs the compiled JavaScript in dist/ (`npm run build`, done by
// `npm install` in a clone and by `npm pack`).
// The flags keep V8's heap small: each packet leaves a little short-lived text behind, and with a 1 MB
// semi-space and an old generation that V8 sizes for 1 GB rather than for the machine's memory, the process
// stays flat whatever the capture's size, at no measurable cost in speed.
import { loadBuilt } from './load-built.js';

const { main } = await loadBuilt('smoltcp-dump', '../dist/src/dump/main.js');
process.exitCode = await main(process.argv.slice(2));
