// Builds the browser demo (examples/browser/) into a folder a static server can serve: index.html and
// style.css copied, main.ts bundled by esbuild for the browser (with the stack's portable sources, nothing
// Node-only) into main.js with a source map. `npm run browser-demo` builds into examples/browser/dist and
// serves it (serve.ts); test/browser builds into a temporary folder.
//
//   npx tsx examples/browser/build.ts [OUTDIR]
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** examples/browser/ itself. */
export const demoDir = fileURLToPath(new URL('.', import.meta.url));

/** The default output folder, examples/browser/dist (ignored by git). */
export const defaultOutDir = join(demoDir, 'dist');

/** Files the page loads besides the bundle, copied as they are. */
const STATIC_FILES = ['index.html', 'style.css'];

/** Bundles the page into `outDir` (created if missing); returns the files written, relative to it. */
export async function buildDemo(outDir: string = defaultOutDir): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(demoDir, 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    minify: false,
    logLevel: 'silent',
    metafile: true,
  });
  for (const name of STATIC_FILES) copyFileSync(join(demoDir, name), join(outDir, name));
  return [...STATIC_FILES, ...Object.keys(result.metafile.outputs).map((p) => p.slice(p.lastIndexOf('/') + 1))];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? defaultOutDir;
  const files = await buildDemo(outDir);
  console.log(`built ${files.join(', ')} into ${outDir}`);
}
