#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=1024
// smoltcp-dump: a tcpdump-style decoder. Registers tsx so the TypeScript sources run directly.
// The flags keep V8's heap small: each packet leaves a little short-lived text behind, and with a 1 MB
// semi-space and an old generation that V8 sizes for 1 GB rather than for the machine's memory, the process
// stays flat (about 85 MB, most of it Node and tsx) whatever the capture's size, at no measurable cost in speed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/dump/main.ts');
process.exitCode = await main(process.argv.slice(2));
