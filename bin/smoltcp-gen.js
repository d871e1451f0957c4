#!/usr/bin/env node
// smoltcp-gen SPEC.yaml... --out DIR [--check]
// Turns YAML header specs into zero-copy TypeScript accessors (see spec/README.md). The generator
// is TypeScript; tsx lets this shim run it directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../generator/main.ts');
process.exitCode = main(process.argv.slice(2));
