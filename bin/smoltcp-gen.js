#!/usr/bin/env node
// smoltcp-gen SPEC.yaml... --out DIR [--check]
// Turns YAML header specs into zero-copy TypeScript accessors (see spec/README.md). Runs the compiled
// generator in dist/. Its toolchain (ts-morph, handlebars, yaml) is an optional peer dependency: the
// library does not need it, so it is asked for here, by name, when it is missing.
// CommonJS, as every file in bin/ (bin/package.json); the generator itself is an ES module in dist/.
'use strict';
const { pathToFileURL } = require('node:url');
const { builtFile } = require('./load-built.js');

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
import(pathToFileURL(builtFile('smoltcp-gen', '../dist/generator/main.js')).href).then(({ main }) => {
  process.exitCode = main(process.argv.slice(2));
});
