// `npm run browser-demo`: builds the browser demo (build.ts) and serves it on http://127.0.0.1:8000/ with a
// tiny static file server (GET and HEAD of the files in one folder, nothing else). 127.0.0.1 is a secure
// context for the browser, which crypto.subtle (the page's SHA-256) needs.
//
//   npx tsx examples/browser/serve.ts [--port N] [--host ADDRESS]
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemo, defaultOutDir } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** A running server and the address it answers on ("http://127.0.0.1:PORT/"). */
export interface Served {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the files of `dir` on `host:port` (port 0: one the system picks). `/` is `index.html`; a path
 * outside `dir` or a missing file is a 404, any method but GET or HEAD a 405.
 */
export function serveDirectory(dir: string, port = 8000, host = '127.0.0.1'): Promise<Served> {
  const root = normalize(dir + sep);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    let size = -1;
    try {
      if (file.startsWith(root)) size = statSync(file).isFile() ? statSync(file).size : -1;
    } catch {
      // missing: a 404 below
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${host}:${address.port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? undefined : args[at + 1];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const port = Number(option(args, 'port') ?? 8000);
  const host = option(args, 'host') ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`browser-demo: --port needs a port number (0 to 65535), got '${option(args, 'port')}'`);
    process.exit(2);
  }
  await buildDemo(defaultOutDir);
  try {
    const { url } = await serveDirectory(defaultOutDir, port, host);
    console.log(`browser demo: open ${url} (two smoltcp-ts stacks in the page; Ctrl-C stops the server)`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`browser-demo: ${host}:${port} is in use; pick another port with --port N`);
    else console.error(`browser-demo: cannot listen on ${host}:${port}: ${(e as Error).message}`);
    process.exit(1);
  }
}
