#!/usr/bin/env node
// smoltcp-gen SPEC.yaml... --out DIR [--check]
// Turns YAML header specs into zero-copy TypeScript accessors (see spec/README.md). Runs the compiled
// generator in dist/. Its toolchain (ts-morph, handlebars, yaml) is an optional peer dependency: the
// library does not need it, so it is asked for here, by name, when it is missing.
import { createRequire } from 'node:module';
import { loadBuilt } from './load-built.js';

const require = createRequire(import.meta.url);
const missing = ['ts-morph', 'handlebars', 'yaml'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  console.error(
    `smoltcp-gen needs ts-morph, handlebars and yaml (missing: ${missing.join(', ')}): npm install -D ts-morph handlebars yaml`,
  );
  process.exit(1);
}
const { main } = await loadBuilt('smoltcp-gen', '../dist/generator/main.js');
process.exitCode = main(process.argv.slice(2));
