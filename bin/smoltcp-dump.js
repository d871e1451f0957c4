#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node --max-semi-space-size=1 --max-old-space-size=1024
// smoltcp-dump: a tcpdump-style decoder. Runs dist/bin/smoltcp-dump.cjs, the compiled JavaScript bundled into
// one file by `npm run build` (done by `npm install` in a clone and by `npm pack`): start-up is a large part of
// decoding a capture of a few thousand packets.
// This file is CommonJS (bin/package.json says so): an ES module entry point costs Node's ESM loader, about
// 13 ms of a run.
// The flags keep V8's heap small: each packet leaves a little short-lived text behind, and with a 1 MB
// semi-space and an old generation that V8 sizes for 1 GB rather than for the machine's memory, the process
// stays flat whatever the capture's size, at no measurable cost in speed.
// NODE_EXTRA_CA_CERTS is unset for Node: Node reads and parses that file of certificates at every start,
// before any JavaScript runs, for TLS that smoltcp-dump never uses. With Debian's bundle of some 140
// certificates, which the variable often names, that was 38 ms of a 100 ms start here (bench/README.md, dump).
'use strict';
// The bundle is compiled from a V8 code cache when there is one (see load-built.js).
const { loadBundle } = require('./load-built.js');

const bundle = loadBundle('smoltcp-dump', '../dist/bin/smoltcp-dump.cjs');
bundle.exports.main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
  // A run that found no usable cache leaves one for the next (when it can write beside the bundle). Not after
  // a failed run: one that stopped at a usage error has compiled too little to be worth caching.
  if (status === 0) bundle.saveCodeCache();
});
