#!/usr/bin/env node
// smoltcp-dump: a tcpdump-style decoder. Registers tsx so the TypeScript sources run directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/dump/main.ts');
process.exitCode = await main(process.argv.slice(2));
