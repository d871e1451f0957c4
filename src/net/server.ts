// A Node `net.Server` look-alike over NetStack.listenTcp: listen(), 'listening', 'connection' with a
// Socket, close(callback) once every connection is over, address(), maxConnections and getConnections().
// To serve Node's http over the stack, hand each connection to an `http.Server`:
//   net.createServer((socket) => httpServer.emit('connection', socket)).listen(80)

import { EventEmitter } from 'node:events';
import type { NetStack } from '../stack/net-stack.js';
import type { TcpConnection } from '../stack/tcp-connection.js';
import type { TcpServer } from '../stack/tcp-server.js';
import { NetError } from '../stack/errors.js';
import { Socket, type SocketAddress } from './socket.js';

/** What `new Server()` and `createServer()` take, as Node's server options. */
export interface ServerOptions {
  /** Keep an accepted socket's writable side open after the peer's FIN; default false. */
  allowHalfOpen?: boolean;
  /** Accepted sockets start paused (no 'data' until resume()); default false. */
  pauseOnConnect?: boolean;
  /** setNoDelay(true) on every accepted socket. */
  noDelay?: boolean;
  /** setKeepAlive(true, keepAliveInitialDelay) on every accepted socket. */
  keepAlive?: boolean;
  /** The idle time before the first keep-alive probe, ms. */
  keepAliveInitialDelay?: number;
}

/** What listen() takes in its object form. */
export interface ListenOptions {
  /** The port; 0 or none: an unused one from 49152 to 65535 (address() tells which). */
  port?: number;
  /** The local address, dotted; default every address of the stack. */
  host?: string;
  /** Connections that may wait to be accepted. Default 511, as Node's, bounded to 64. */
  backlog?: number;
}

/** The ephemeral range listen(0) picks from (IANA, RFC 6335 section 6). */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;
/** Node's default backlog is 511; each waiting connection holds a socket and its rings here, so fewer. */
const MAX_BACKLOG = 64;

/**
 * A listening TCP port of a NetStack with the shape of Node's `net.Server`: 'listening', 'connection'
 * (with a Socket), 'error' (EADDRINUSE...), 'drop' (over maxConnections) and 'close'.
 */
export class Server extends EventEmitter {
  /** The stack the server listens on. */
  readonly stack: NetStack;
  /** Connections at once; one more is closed at once and reported by a 'drop' event. Default Infinity. */
  maxConnections = Infinity;

  private readonly options: ServerOptions;
  private listener: TcpServer | null = null;
  private readonly sockets = new Set<Socket>();
  private closing = false;

  /** A server on `options.stack`; `connectionListener` is added as a 'connection' listener. */
  constructor(options: ServerOptions & { stack: NetStack }, connectionListener?: (socket: Socket) => void) {
    super();
    this.stack = options.stack;
    this.options = options;
    if (connectionListener !== undefined) this.on('connection', connectionListener);
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return this.listener !== null;
  }

  /**
   * Starts listening; 'listening' follows (and `callback`), or 'error' with a NetError (EADDRINUSE when
   * the port is taken on this stack, EINVAL for a bad address). Returns the server.
   */
  listen(options: ListenOptions, callback?: () => void): this;
  /** Listens on `port` (0: an ephemeral one), on `host` (default every address), with `backlog`. */
  listen(port?: number, host?: string, backlog?: number, callback?: () => void): this;
  /** Listens on `port` with `backlog`. */
  listen(port: number, backlog: number, callback?: () => void): this;
  /** Listens on `port`. */
  listen(port: number, callback?: () => void): this;
  /** Listens on an ephemeral port. */
  listen(callback?: () => void): this;
  /** The implementation of the overloads above. */
  listen(...args: unknown[]): this {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
    let options: ListenOptions;
    if (typeof args[0] === 'object' && args[0] !== null) options = args[0] as ListenOptions;
    else {
      options = { port: args[0] as number | undefined };
      if (typeof args[1] === 'string') options.host = args[1];
      const backlog = typeof args[1] === 'number' ? args[1] : args[2];
      if (typeof backlog === 'number') options.backlog = backlog;
    }
    if (this.listener !== null) {
      throw new NetError({ code: 'EINVAL', syscall: 'listen', hint: 'the server is already listening; close() it first' });
    }
    if (callback !== undefined) this.once('listening', callback);
    const backlog = Math.max(1, Math.min(options.backlog ?? 511, MAX_BACKLOG));
    try {
      this.listener = this.open(options.port ?? 0, options.host, backlog);
    } catch (error) {
      process.nextTick(() => this.emit('error', error));
      return this;
    }
    this.closing = false;
    void this.acceptLoop(this.listener);
    process.nextTick(() => this.emit('listening'));
    return this;
  }

  /** Where the server listens, as Node's `{ address, family, port }`; null when not listening. */
  address(): SocketAddress | null {
    const listener = this.listener;
    return listener === null ? null : { address: listener.address, family: 'IPv4', port: listener.port };
  }

  /**
   * Stops accepting; 'close' follows once every accepted connection is over, and `callback` with it (or
   * with an ERR_SERVER_NOT_RUNNING error when the server was not listening).
   */
  close(callback?: (error?: Error) => void): this {
    if (callback !== undefined) {
      if (this.listener === null) {
        const error = Object.assign(new Error('Server is not running.'), { code: 'ERR_SERVER_NOT_RUNNING' });
        process.nextTick(callback, error);
      } else this.once('close', callback);
    }
    if (this.listener !== null) {
      this.listener.close();
      this.listener = null;
      this.closing = true;
      this.maybeClosed();
    }
    return this;
  }

  /** Calls back (asynchronously) with the number of connections open now. */
  getConnections(callback: (error: Error | null, count: number) => void): this {
    process.nextTick(callback, null, this.sockets.size);
    return this;
  }

  /** Kept for Node compatibility: the stack, not the server, decides what keeps the process alive. */
  ref(): this {
    return this;
  }

  /** Kept for Node compatibility: the stack, not the server, decides what keeps the process alive. */
  unref(): this {
    return this;
  }

  /** Listens on `port`, or on a free ephemeral port for 0. */
  private open(port: number, host: string | undefined, backlog: number): TcpServer {
    if (port !== 0) return this.stack.listenTcp({ port, host, backlog });
    const start = Math.floor(Math.random() * EPHEMERAL_COUNT);
    for (let i = 0; ; i++) {
      try {
        return this.stack.listenTcp({ port: EPHEMERAL_FIRST + ((start + i) % EPHEMERAL_COUNT), host, backlog });
      } catch (error) {
        if (!(error instanceof NetError) || error.code !== 'EADDRINUSE' || i === EPHEMERAL_COUNT - 1) throw error;
      }
    }
  }

  private async acceptLoop(listener: TcpServer): Promise<void> {
    for (let conn = await listener.accept(); conn !== null; conn = await listener.accept()) this.adopt(conn);
  }

  private adopt(conn: TcpConnection): void {
    if (this.sockets.size >= this.maxConnections) {
      this.emit('drop', { localAddress: conn.localAddress, localPort: conn.localPort, remoteAddress: conn.remoteAddress, remotePort: conn.remotePort, remoteFamily: 'IPv4' });
      conn.close();
      return;
    }
    const options = this.options;
    const socket = new Socket({ stack: this.stack, allowHalfOpen: options.allowHalfOpen });
    if (options.noDelay) socket.setNoDelay(true);
    if (options.keepAlive) socket.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
    if (options.pauseOnConnect) socket.pause();
    socket.attach(conn);
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.maybeClosed();
    });
    this.emit('connection', socket);
  }

  private maybeClosed(): void {
    if (this.closing && this.sockets.size === 0) {
      this.closing = false;
      process.nextTick(() => this.emit('close'));
    }
  }
}
