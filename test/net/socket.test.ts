// smoltcp-ts/net's Socket and Server between two NetStacks on a LinkedPair: the events and properties
// Node's net.Socket has, half-close with and without allowHalfOpen, backpressure both ways, and the
// Node-like errors (refused, reset, destroyed while connecting, address in use).
import { once } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Server, Socket } from '../../src/net/index.js';
import { TcpState } from '../../src/socket/tcp/socket.js';
import { NetError } from '../../src/stack/index.js';
import { waitUntil } from '../helpers/child.js';
import { A_IP, B_IP, collect, netPair, nextError, pattern, sha256, whenClosed } from './support.js';

const test = suite('net/socket');

test('connect: events in order, endpoints, states, counters, and an echo', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((socket) => socket.pipe(socket));
    const listening = once(server, 'listening');
    assert.is(server.listen(7, B_IP), server);
    await listening;
    assert.ok(server.listening);
    assert.equal(server.address(), { address: B_IP, family: 'IPv4', port: 7 });
    const events: string[] = [];
    const socket = netA.createConnection({ host: B_IP, port: 7 }, () => events.push('connectListener'));
    assert.ok(socket.pending);
    assert.ok(socket.connecting);
    assert.is(socket.readyState, 'opening');
    assert.is(socket.remoteAddress, undefined);
    assert.is(socket.localPort, undefined);
    assert.is(socket.remoteFamily, undefined);
    assert.is(socket.localFamily, undefined);
    assert.equal(socket.address(), {});
    assert.is(socket.connection, null);
    socket.on('connect', () => events.push('connect'));
    socket.on('ready', () => events.push('ready'));
    await once(socket, 'ready');
    assert.equal(events, ['connectListener', 'connect', 'ready']);
    assert.not.ok(socket.pending);
    assert.not.ok(socket.connecting);
    assert.is(socket.readyState, 'open');
    assert.is(socket.remoteAddress, B_IP);
    assert.is(socket.remotePort, 7);
    assert.is(socket.remoteFamily, 'IPv4');
    assert.is(socket.localAddress, A_IP);
    assert.is(socket.localFamily, 'IPv4');
    assert.ok(socket.localPort! >= 49152);
    assert.equal(socket.address(), { address: A_IP, family: 'IPv4', port: socket.localPort });
    assert.is(socket.connection!.state, TcpState.Established);
    // Chainable, as Node's.
    assert.is(socket.setNoDelay(), socket);
    assert.is(socket.setNoDelay(false), socket);
    assert.is(socket.setKeepAlive(true, 2000), socket);
    assert.is(socket.ref().unref(), socket);
    assert.is(server.ref().unref(), server);
    const count = await new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
    assert.is(count, 1);

    const data = pattern(300_000, 4);
    const echoed = collect(socket);
    const socketClosed = once(socket, 'close');
    socket.end(data);
    const got = await echoed;
    assert.is(sha256(got), sha256(data));
    assert.is(socket.bytesWritten, data.length);
    assert.is(socket.bytesRead, data.length);
    const [hadError] = (await socketClosed) as [boolean];
    assert.is(hadError, false);
    assert.is(socket.readyState, 'closed');
    assert.ok(socket.destroyed);
    const closed = once(server, 'close');
    server.close();
    await closed;
    assert.not.ok(server.listening);
    assert.is(server.address(), null);
  } finally {
    await close();
  }
});

test('writes and end() made while connecting go out once connected; connect(port, host) and new Socket() too', async () => {
  const { a, netB, close } = netPair();
  try {
    const server = netB.createServer().listen(80);
    const received = once(server, 'connection').then(([s]) => collect(s as Socket));
    const socket = new Socket({ stack: a });
    socket.connect(80, B_IP);
    assert.throws(() => socket.connect(80, B_IP), /already connected or connecting/);
    socket.write('hello, ');
    socket.end('world');
    socket.resume();
    assert.is((await received).toString(), 'hello, world');
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('half-close with allowHalfOpen: after our end() the peer still answers, and we read it', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer({ allowHalfOpen: true }, (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => {
        // The client's FIN arrived: readable over, writable still open.
        assert.is(socket.readyState, 'writeOnly');
        socket.end(Buffer.from(`got ${Buffer.concat(chunks).toString()}`));
      });
    });
    server.listen({ port: 80 });
    const socket = netA.createConnection({ host: B_IP, port: 80, allowHalfOpen: true });
    await once(socket, 'connect');
    socket.end('question');
    await once(socket, 'finish');
    assert.is(socket.readyState, 'readOnly');
    assert.is((await collect(socket)).toString(), 'got question');
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('without allowHalfOpen the peer\'s FIN ends our side too: both get end and close', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((socket) => socket.resume());
    server.listen(80);
    const accepted = once(server, 'connection');
    const socket = netA.createConnection(80, B_IP);
    const [serverSocket] = (await accepted) as [Socket];
    const serverEnded = once(serverSocket, 'end');
    const serverClosed = once(serverSocket, 'close');
    const clientEnded = once(socket, 'end');
    socket.resume();
    socket.end();
    await serverEnded;
    await clientEnded;
    await serverClosed;
    await whenClosed(socket);
    assert.is(serverSocket.connection!.state === TcpState.Closed || serverSocket.connection!.state === TcpState.TimeWait || serverSocket.connection!.state === TcpState.LastAck, true);
    server.close();
  } finally {
    await close();
  }
});

test('backpressure: a paused reader closes the window, a write calls back only once its bytes are in the send ring', async () => {
  const { netA, netB, close } = netPair({ a: { tcp: { txBufferSize: 32768 } }, b: { tcp: { rxBufferSize: 32768 } } });
  try {
    let serverSocket!: Socket;
    const server = netB.createServer({ pauseOnConnect: true }, (socket) => (serverSocket = socket)).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80, noDelay: true, keepAlive: true, keepAliveInitialDelay: 5000 });
    await once(server, 'connection');
    const data = pattern(1 << 20, 9);
    let written = false;
    const accepted = socket.write(data, () => (written = true));
    assert.not.ok(accepted, 'write() returns false above the high-water mark');
    // The reader's stream buffer, its receive ring and our send ring fill; then nothing moves.
    await waitUntil(() => serverSocket.connection!.readableLength === 32768 && socket.connection!.writableLength === 32768, 'both rings full');
    assert.not.ok(written, 'the write called back before its bytes were in the send ring');
    assert.ok(socket.bytesWritten < data.length);
    assert.ok(serverSocket.readableLength <= 64 * 1024 + serverSocket.readableHighWaterMark, `${serverSocket.readableLength} buffered in the stream`);
    const got = collect(serverSocket);
    socket.end();
    assert.is(sha256(await got), sha256(data));
    assert.ok(written);
    server.close();
  } finally {
    await close();
  }
});

test('a refused connect emits ECONNREFUSED as node:net does, then close(hadError)', async () => {
  const { netA, close } = netPair();
  try {
    const socket = netA.connect(81, B_IP);
    // (events.once would reject on the 'error' that comes first.)
    const closing = new Promise<boolean>((resolve) => socket.once('close', resolve));
    const error = await nextError(socket);
    assert.is(error.code, 'ECONNREFUSED');
    assert.is(error.errno, -111);
    assert.is(error.syscall, 'connect');
    assert.is((error as { address?: string }).address, B_IP);
    assert.is((error as { port?: number }).port, 81);
    assert.match(error.message, `connect ECONNREFUSED ${B_IP}:81`);
    const hadError = await closing;
    assert.ok(hadError);
    assert.ok(socket.destroyed);
  } finally {
    await close();
  }
});

test('resetAndDestroy() sends an RST: the peer gets ECONNRESET', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((socket) => socket.resetAndDestroy()).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80 });
    socket.resume();
    const error = await nextError(socket);
    assert.is(error.code, 'ECONNRESET');
    assert.is(error.errno, -104);
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('setTimeout: a timeout event after that much idle time, the socket stays open; 0 turns it off', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((socket) => socket.resume()).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80, timeout: 30 });
    assert.is(socket.timeout, 30);
    await once(socket, 'timeout');
    assert.is(socket.readyState, 'open', 'a timeout only reports, as Node\'s');
    let fired = 0;
    const listener = (): void => void fired++;
    assert.is(socket.setTimeout(20, listener), socket);
    await once(socket, 'timeout');
    assert.is(fired, 1);
    // unref() before setTimeout and ref() after it: the timer follows, and still fires.
    socket.unref();
    socket.setTimeout(10);
    socket.ref();
    await once(socket, 'timeout');
    socket.unref();
    socket.setTimeout(0, listener);
    assert.is(socket.timeout, undefined);
    assert.is(socket.listenerCount('timeout'), 0);
    assert.throws(() => socket.setTimeout(-1), /EINVAL/);
    socket.resume();
    socket.end();
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('destroy() while connecting gives the connect up: no connect, close without error', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((s) => s.on('error', () => {}).resume()).listen(80);
    const socket = netA.createConnection(80, B_IP, () => assert.unreachable('connected'));
    socket.destroy();
    const [hadError] = (await once(socket, 'close')) as [boolean];
    assert.not.ok(hadError);
    assert.is(socket.readyState, 'closed');
    // An aborted signal does the same, with its reason as the error.
    const controller = new AbortController();
    controller.abort(new Error('changed my mind'));
    const aborted = netA.createConnection({ host: B_IP, port: 80, signal: controller.signal });
    assert.match((await nextError(aborted)).message, 'changed my mind');
    const later = new AbortController();
    const third = netA.createConnection({ host: B_IP, port: 80, signal: later.signal });
    await once(third, 'connect');
    later.abort(new Error('enough'));
    assert.match((await nextError(third)).message, 'enough');
    server.close();
  } finally {
    await close();
  }
});

test('destroySoon() sends what is queued, then the FIN, then destroys', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer().listen(80);
    const received = once(server, 'connection').then(([s]) => collect(s as Socket));
    const socket = netA.createConnection({ host: B_IP, port: 80 });
    const data = pattern(200_000, 3);
    socket.write(data);
    socket.destroySoon();
    assert.is(sha256(await received), sha256(data));
    await whenClosed(socket);
    socket.destroySoon(); // already finished: destroys at once, no throw
    server.close();
  } finally {
    await close();
  }
});

test('a bad local address, host or port is an error event; listen errors (EADDRINUSE) are error events', async () => {
  const { netA, netB, close } = netPair();
  try {
    const wrongLocal = netA.createConnection({ host: B_IP, port: 80, localAddress: '10.0.0.9' });
    assert.match((await nextError(wrongLocal)).message, /localAddress 10\.0\.0\.9 is not this stack's address 10\.0\.0\.1/);
    const noHost = netA.createConnection({ port: 80 });
    assert.is((await nextError(noHost)).code, 'EINVAL');
    const badPort = netA.createConnection({ host: B_IP, port: 'http' });
    assert.is((await nextError(badPort)).code, 'EINVAL');
    for (const port of [' ', undefined]) {
      const noPort = netA.createConnection({ host: B_IP, port });
      assert.match((await nextError(noPort)).message, /give a port from 1 to 65535/);
    }
    const portOnly = netA.createConnection(80, () => assert.unreachable('connected without a host'));
    assert.match((await nextError(portOnly)).message, /give a dotted IPv4 address/);

    const first = netB.createServer().listen(80);
    await once(first, 'listening');
    const second = netB.createServer().listen(80);
    const error = await nextError(second);
    assert.is(error.code, 'EADDRINUSE');
    assert.not.ok(second.listening);
    assert.throws(() => first.listen(81), /already listening/);
    const notRunning = await new Promise<Error | undefined>((resolve) => second.close(resolve));
    assert.is((notRunning as NodeJS.ErrnoException).code, 'ERR_SERVER_NOT_RUNNING');
    // listen(0), listen() and the backlog forms pick an unused ephemeral port.
    const ephemeral = netB.createServer().listen(0, '0.0.0.0', 4);
    await once(ephemeral, 'listening');
    assert.ok(ephemeral.address()!.port >= 49152);
    const bare = await new Promise<Server>((resolve) => {
      const s: Server = netB.createServer().listen(() => resolve(s));
    });
    assert.ok(bare.address()!.port >= 49152);
    const withBacklog = netB.createServer().listen(82, 2);
    await once(withBacklog, 'listening');
    assert.is(withBacklog.address()!.port, 82);
    for (const s of [first, ephemeral, bare, withBacklog]) s.close();
  } finally {
    await close();
  }
});

test('an empty write calls back at once; end() while connecting with nothing written is a bare FIN', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer({ noDelay: true, keepAlive: true }, (s) => s.on('error', () => {})).listen(80);
    const received = once(server, 'connection').then(([s]) => collect(s as Socket));
    const socket = netA.createConnection({ host: B_IP, port: 80, keepAlive: true });
    socket.end();
    socket.resume();
    assert.is((await received).length, 0);
    await whenClosed(socket);
    const second = netA.createConnection({ host: B_IP, port: 80 });
    await once(second, 'connect');
    await new Promise<void>((resolve, reject) => second.write(Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
    second.destroy();
    server.close();
  } finally {
    await close();
  }
});

test('destroy() with a write still waiting for room: its callback gets EPIPE', async () => {
  const { netA, netB, close } = netPair({ a: { tcp: { txBufferSize: 8192 } }, b: { tcp: { rxBufferSize: 8192 } } });
  try {
    const server = netB.createServer({ pauseOnConnect: true }, (s) => s.on('error', () => {})).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80 });
    await once(socket, 'connect');
    const result = new Promise<Error | null | undefined>((resolve) => socket.write(pattern(256 * 1024, 1), resolve));
    await waitUntil(() => socket.connection!.writableLength === 8192, 'the send ring full');
    socket.destroy();
    const error = (await result) as NodeJS.ErrnoException;
    assert.is(error.code, 'EPIPE');
    server.close();
  } finally {
    await close();
  }
});

test('listen(0) skips a port in use: the next ephemeral one', async () => {
  const { netB, close } = netPair();
  const random = Math.random;
  try {
    const taken = netB.createServer().listen(49152);
    await once(taken, 'listening');
    Math.random = () => 0;
    const next = netB.createServer().listen(0);
    Math.random = random;
    await once(next, 'listening');
    assert.is(next.address()!.port, 49153);
    taken.close();
    next.close();
  } finally {
    Math.random = random;
    await close();
  }
});

test('listen(0) on a stack with no socket slot left is an ENOBUFS error event, not a search of every port', async () => {
  const { netB, close } = netPair({ b: { maxSockets: 1 } });
  try {
    const first = netB.createServer().listen(80);
    await once(first, 'listening');
    const second = netB.createServer().listen(0);
    assert.is((await nextError(second)).code, 'ENOBUFS');
    first.close();
  } finally {
    await close();
  }
});

test('a write after the connection under the socket was shut for writing fails with EPIPE', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((socket) => socket.on('error', () => {}).resume()).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80 });
    await once(socket, 'connect');
    socket.connection!.shutdownWrite();
    const failed = new Promise<Error | null | undefined>((resolve) => socket.write('too late', resolve));
    const error = await nextError(socket);
    assert.is(error.code, 'EPIPE');
    assert.is(await failed, error);
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('a connection that fails as it is read (a reset not yet reported by a poll) errors the socket with its error', async () => {
  const { netA, netB, close } = netPair();
  try {
    const server = netB.createServer((s) => s.on('error', () => {}).resume()).listen(80);
    const socket = netA.createConnection({ host: B_IP, port: 80 });
    await once(socket, 'connect');
    const reset = new NetError({ code: 'ECONNRESET', syscall: 'read', address: B_IP, port: 80, hint: 'the peer reset the connection' });
    socket.connection!.tryRead = () => {
      throw reset;
    };
    socket.resume();
    assert.is(await nextError(socket), reset);
    await whenClosed(socket);
    server.close();
  } finally {
    await close();
  }
});

test('maxConnections: one more is closed and reported by drop; close(cb) waits for the open ones', async () => {
  const { netA, netB, close } = netPair();
  try {
    const accepted: Socket[] = [];
    const server = new Server({ stack: netB.stack }, (socket) => accepted.push(socket));
    server.maxConnections = 1;
    server.listen(80);
    const one = netA.createConnection({ host: B_IP, port: 80 });
    await once(server, 'connection');
    const two = netA.createConnection({ host: B_IP, port: 80 });
    const [drop] = (await once(server, 'drop')) as [{ remoteAddress: string; localPort: number; remoteFamily: string }];
    assert.equal([drop.remoteAddress, drop.localPort, drop.remoteFamily], [A_IP, 80, 'IPv4']);
    two.resume();
    await once(two, 'end');
    let closed = false;
    server.close(() => (closed = true));
    assert.not.ok(server.listening);
    one.resume();
    one.end();
    accepted[0]!.resume();
    await once(server, 'close');
    assert.ok(closed);
    assert.is(accepted.length, 1);
  } finally {
    await close();
  }
});

test.run();
