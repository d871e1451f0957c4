// Bundles modules with esbuild for the browser platform and reports everything Node-only that comes in,
// with the module that brought it: imports of Node builtins (`node:fs`, `fs`, ...) and native packages
// (koffi), and reads of Node's globals (process, Buffer, __dirname, __filename, global, require).
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Packages that only work in Node. */
const NODE_ONLY_PACKAGES = ['koffi'];
/** Globals that exist in Node and not in a browser, and the marker each is renamed to in the bundle. */
const NODE_GLOBALS = ['process', 'Buffer', '__dirname', '__filename', 'global', 'require', 'setImmediate'];
const MARKER = '__NODE_ONLY_GLOBAL__';

export interface Finding {
  /** The module (path relative to the repository) that imports or uses it. */
  module: string;
  /** What: `import node:fs`, `global process`. */
  what: string;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

export async function nodeOnlyFindings(root: string, entries: string[]): Promise<{ findings: Finding[]; modules: string[] }> {
  const findings: Finding[] = [];
  const guard: Plugin = {
    name: 'node-only-guard',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0];
        if (BUILTINS.has(args.path) || NODE_ONLY_PACKAGES.includes(bare)) {
          findings.push({ module: relative(root, args.importer), what: `import ${args.path}` });
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const define: Record<string, string> = {};
  for (const name of NODE_GLOBALS) define[name] = `${MARKER}${name}`;
  const contents = entries.map((e, i) => `export * as m${i} from ${JSON.stringify(e)};`).join('\n');
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'portable-entry.ts', loader: 'ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    define,
    plugins: [guard],
  });
  // Without minification esbuild heads each module's code with a `// path` comment: the marker's section
  // names the module that reads the global.
  const text = result.outputFiles[0].text;
  let current = '(entry)';
  for (const line of text.split('\n')) {
    const header = /^\/\/ (\S+\.(?:ts|js|mjs))$/.exec(line);
    if (header) {
      current = header[1];
      continue;
    }
    for (const m of line.matchAll(new RegExp(`${MARKER}(\\w+)`, 'g'))) {
      const what = `global ${m[1]}`;
      if (!findings.some((f) => f.module === current && f.what === what)) findings.push({ module: current, what });
    }
  }
  const modules = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('portable-entry'));
  return { findings, modules };
}
