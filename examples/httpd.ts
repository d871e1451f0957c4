// examples/httpd.ts: Node's own http.createServer, served on tap0 by our stack. Hardware address
// 02-00-00-00-00-01, IPv4 192.168.69.1/24, HTTP on port 8080:
//   GET /          a small HTML page (with the visitor's address and a request counter)
//   GET /bytes/N   N bytes of i % 256 (at most 100 MiB), to see a transfer
// Every request is logged as `GET / 200 192.168.69.100:41234`. A NetStack (smoltcp-ts/stack) polls the
// interface by itself; smoltcp-ts/net gives it Node's net shape, and each connection it accepts is handed
// to the http.Server as the kernel's would be.
//
//   npx tsx examples/httpd.ts tap0 [--drop-chance 15 --corrupt-chance 15] [--pcap httpd.pcap]
//   curl http://192.168.69.1:8080/

import http from 'node:http';
import { consoleLogger } from '../src/iface/logger.js';
import { createNet } from '../src/net/index.js';
import { NetStack } from '../src/stack/index.js';
import { fail } from './utils/device.js';
import { openTapDevice, tapArguments } from './utils/tap.js';

const USAGE = `Usage: npx tsx examples/httpd.ts TAP [options]
A host at 192.168.69.1 on TAP serving Node's http.createServer on port 8080 (GET /, GET /bytes/N).`;

const PORT = 8080;
const MAX_BYTES = 100 * 1024 * 1024;

const parsed = tapArguments(USAGE);
if (parsed.args.length > 0) fail(`unexpected argument '${parsed.args[0]}'; httpd takes only the tap name and options (try --help)`);
const { tapName } = parsed;
const { device } = openTapDevice(parsed);
const stack = new NetStack({ device, address: '192.168.69.1/24', mac: '02:00:00:00:00:01', logger: consoleLogger });
const net = createNet(stack);

let requests = 0;

function page(remote: string): string {
  return `<!doctype html>
<html>
<head><title>smoltcp-ts httpd</title></head>
<body>
<h1>Hello from smoltcp-ts</h1>
<p>Node's http.createServer, served over a TCP/IP stack written in TypeScript, on ${tapName}.</p>
<p>You are ${remote}; this is request ${requests}.</p>
</body>
</html>
`;
}

/** `size` bytes of i % 256, written as the socket takes them. */
function sendBytes(res: http.ServerResponse, size: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  const chunk = new Uint8Array(65536);
  for (let i = 0; i < chunk.length; i++) chunk[i] = i & 0xff;
  let left = size;
  const more = (): void => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(chunk.subarray(0, n))) {
        res.once('drain', more);
        return;
      }
    }
    res.end();
  };
  more();
}

const httpServer = http.createServer((req, res) => {
  requests++;
  const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  res.on('finish', () => console.log(`${req.method} ${req.url} ${res.statusCode} ${remote}`));
  const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET and HEAD here\n');
  } else if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(remote));
  } else if (bytes !== null && Number(bytes[1]) <= MAX_BYTES) {
    sendBytes(res, Number(bytes[1]));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${req.url} here; try / or /bytes/1000\n`);
  }
});

const server = net.createServer((socket) => httpServer.emit('connection', socket));
server.on('error', (e: Error) => fail(e.message, 1));
server.listen(PORT, () => console.log(`httpd: http://192.168.69.1:${PORT}/ on ${tapName} ready`));

async function shutDown(): Promise<void> {
  server.close();
  await stack.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutDown());
process.once('SIGTERM', () => void shutDown());
stack.closed.catch((e: unknown) => fail(`${tapName}: ${(e as Error).message}`, 1));
