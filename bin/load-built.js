// The bins run the compiled JavaScript in dist/. A clone installed without dev dependencies, or a
// checkout where nobody has run `npm install`, has none: say so in one sentence instead of a stack trace.
import { existsSync } from 'node:fs';

export async function loadBuilt(tool, path) {
  const url = new URL(path, import.meta.url);
  if (!existsSync(url)) {
    console.error(`${tool}: ${url.pathname} is missing: run \`npm install\` (or \`npm run build\`) in ${new URL('..', import.meta.url).pathname}`);
    process.exit(1);
  }
  return import(url.href);
}
