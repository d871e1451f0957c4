// Node's own http module, server and client, over two NetStacks on a LinkedPair, with and without the
// fault injector (15 % drop, 15 % corrupt each way): bodies both ways with equal SHA-256, keep-alive
// with several requests on one connection, chunked bodies, and the errors a client sees (refused,
// reset mid-response, timeout).
import { once } from 'node:events';
import http from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Server, Socket, StackNet } from '../../src/net/index.js';
import { B_IP, collect, faultsHappened, netPair, nextError, pattern, sha256 } from './support.js';

const test = suite('net/http');

/** Node's http.Server fed by our Server on `port`; returns both. */
function serveHttp(net: StackNet, port: number, handler: http.RequestListener): { httpServer: http.Server; server: Server; sockets: Socket[] } {
  const httpServer = http.createServer(handler);
  const sockets: Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    httpServer.emit('connection', socket);
  });
  server.listen(port);
  return { httpServer, server, sockets };
}

/** One request; resolves with the response and its whole body. */
function request(options: http.RequestOptions, body?: Uint8Array | Uint8Array[]): Promise<{ res: http.IncomingMessage; body: Buffer; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      collect(res).then((data) => resolve({ res, body: data, req }), reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const part of body) req.write(part);
      req.end();
    } else req.end(body);
  });
}

/** Answers every request with its body's SHA-256 in x-sha256 and `reply` as the body. */
function hashingHandler(reply: Uint8Array): http.RequestListener {
  return (req, res) => {
    collect(req).then((up) => {
      res.setHeader('x-sha256', sha256(up));
      res.setHeader('content-length', reply.length);
      res.end(reply);
    });
  };
}

// Under loss the retransmission timer decides how long a test takes: bounded low (as test/stack's).
const LOSSY_TCP = { tcp: { rto: { min: 10, max: 100 }, synRetries: 20 } };

for (const faults of [false, true]) {
  const how = faults ? ' under 15 % drop and 15 % corrupt' : '';
  const size = faults ? 64 * 1024 : 1 << 20;
  const lossy = faults ? { a: LOSSY_TCP, b: LOSSY_TCP } : {};
  test(`http.request over createConnection to http.createServer: ${size} bytes each way${how}`, async () => {
    const { netA, netB, injector, close } = netPair({ faults, seed: 11, ...lossy });
    try {
      const down = pattern(size, 1);
      const up = pattern(size, 2);
      const { server } = serveHttp(netB, 80, hashingHandler(down));
      const { res, body } = await request({ host: B_IP, port: 80, method: 'POST', path: '/upload', createConnection: netA.createConnection }, up);
      assert.is(res.statusCode, 200);
      assert.is(res.headers['x-sha256'], sha256(up));
      assert.is(sha256(body), sha256(down));
      assert.ok(faultsHappened(injector), 'the injector dropped and corrupted frames both ways');
      server.close();
    } finally {
      await close();
    }
  });

  test(`keep-alive: 5 requests through an Agent share one connection${how}`, async () => {
    const { netA, netB, injector, close } = netPair({ faults, seed: 12, ...lossy });
    try {
      const down = pattern(faults ? 16 * 1024 : 200_000, 3);
      const { server, sockets } = serveHttp(netB, 8080, hashingHandler(down));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      agent.createConnection = netA.createConnection;
      for (let i = 0; i < 5; i++) {
        const up = pattern((faults ? 2000 : 10_000) + i, 10 + i);
        const { res, body, req } = await request({ host: B_IP, port: 8080, method: 'PUT', path: `/${i}`, agent }, up);
        assert.is(res.statusCode, 200);
        assert.is(res.headers.connection, 'keep-alive');
        assert.is(res.headers['x-sha256'], sha256(up), `request ${i}`);
        assert.is(sha256(body), sha256(down), `response ${i}`);
        assert.is(req.reusedSocket, i > 0, `request ${i} reused the socket`);
      }
      assert.is(sockets.length, 1, 'one connection for all requests');
      assert.ok(faultsHappened(injector), 'the injector dropped and corrupted frames both ways');
      agent.destroy();
      await once(server.close(), 'close');
    } finally {
      await close();
    }
  });
}

test('chunked bodies both ways (no content-length), hashes equal', async () => {
  const { netA, netB, close } = netPair();
  try {
    const parts = Array.from({ length: 20 }, (_, i) => pattern(5000 + 997 * i, 20 + i));
    const { server } = serveHttp(netB, 80, (req, res) => {
      collect(req).then((up) => {
        assert.is(req.headers['transfer-encoding'], 'chunked');
        res.setHeader('x-sha256', sha256(up));
        for (const part of parts) res.write(part);
        res.end();
      });
    });
    const { res, body } = await request({ host: B_IP, port: 80, method: 'POST', createConnection: netA.createConnection }, parts);
    assert.is(res.headers['transfer-encoding'], 'chunked');
    assert.is(res.headers['x-sha256'], sha256(...parts));
    assert.is(sha256(body), sha256(...parts));
    server.close();
  } finally {
    await close();
  }
});

test('a request to a port nobody listens on fails with ECONNREFUSED', async () => {
  const { netA, close } = netPair();
  try {
    const req = http.get({ host: B_IP, port: 81, createConnection: netA.createConnection });
    const error = await nextError(req);
    assert.is(error.code, 'ECONNREFUSED');
    assert.is(error.syscall, 'connect');
  } finally {
    await close();
  }
});

test('a server that resets mid-response: the client sees ECONNRESET (aborted response)', async () => {
  const { netA, netB, close } = netPair();
  try {
    const { server, sockets } = serveHttp(netB, 80, (_req, res) => {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(pattern(1000, 1));
    });
    const req = http.get({ host: B_IP, port: 80, createConnection: netA.createConnection });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    // The headers are in; the server gives up on the rest with an RST.
    sockets[0]!.resetAndDestroy();
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => {
      res.on('error', resolve);
      req.on('error', resolve);
    });
    res.resume();
    const error = await failed;
    assert.is(error.code, 'ECONNRESET');
    assert.ok(res.aborted || res.errored !== null);
    server.close();
  } finally {
    await close();
  }
});

test('a silent server: the request\'s timeout option fires, and destroying the request closes the socket', async () => {
  const { netA, netB, close } = netPair();
  try {
    // The server accepts and never answers.
    const accepted: Socket[] = [];
    const server = netB.createServer((socket) => accepted.push(socket.on('error', () => {})));
    server.listen(80);
    const req = http.get({ host: B_IP, port: 80, timeout: 50, createConnection: netA.createConnection });
    const errored = nextError(req);
    await once(req, 'timeout');
    req.destroy();
    const error = await errored;
    assert.is(error.code, 'ECONNRESET'); // Node's "socket hang up"
    const socket = req.socket as unknown as Socket;
    if (!socket.closed) await once(socket, 'close');
    assert.ok(socket.destroyed);
    for (const s of accepted) s.destroy();
    server.close();
  } finally {
    await close();
  }
});

test.run();
