// The bins run the compiled JavaScript in dist/. A clone installed without dev dependencies, or a
// checkout where nobody has run `npm install`, has none: say so in one sentence instead of a stack trace.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

/** The absolute path of `path` (relative to bin/), or exit with what to run when it has not been built. */
function builtFile(tool, path) {
  const file = join(__dirname, path);
  if (!existsSync(file)) {
    console.error(`${tool}: ${file} is missing: run \`npm install\` (or \`npm run build\`) in ${join(__dirname, '..')}`);
    process.exit(1);
  }
  return file;
}

module.exports = { builtFile };
