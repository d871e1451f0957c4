// A Node `net.Socket` look-alike over one TcpConnection of a NetStack: a Duplex that Node's own `http`
// module accepts as its socket, client and server side.
//
// The Duplex sits directly on the connection's lower interface (tryRead/tryWrite/onReadable/onWritable),
// with no Web Stream in between:
// - Reading: _read() copies what the receive ring holds into a Buffer sized to it (64 KiB at most) and
//   pushes it; when push() returns false (the application is not keeping up) nothing more is taken out
//   of the ring, so the window we advertise closes (RFC 9293 section 3.8.6) until the stream asks again.
// - Writing: _write() copies into the send ring and calls back only once the last byte of the chunk is
//   in it; a chunk the ring cannot take whole waits for onWritable (the peer's ACKs making room). So the
//   Writable's own buffer (highWaterMark) and the send ring are all a fast writer can fill.
// - end() half-closes (FIN after the queued data); the peer's FIN ends the readable ('end'). Without
//   allowHalfOpen the socket ends its side as soon as the peer has ended its own, as Node's does.
//
// Node-only (node:stream, node:events): the layer above the portable src/stack, for Node programs.

import { Duplex } from 'node:stream';
import { EOF, type TcpConnection } from '../stack/tcp-connection.js';
import type { NetStack } from '../stack/net-stack.js';
import { NetError } from '../stack/errors.js';

/** The largest Buffer one push() hands to the readable side. */
const MAX_CHUNK = 64 * 1024;
/** What tryRead is given when nothing is queued, to learn of EOF (or arm onReadable). */
const NO_BYTES = Buffer.alloc(0);

/** What `new Socket()` takes. */
export interface SocketOptions {
  /** The stack the socket connects through. */
  stack: NetStack;
  /** Keep the writable side open after the peer's FIN ('end'); default false: end() follows at once. */
  allowHalfOpen?: boolean;
}

/**
 * What `socket.connect()` and `createConnection()` take: Node's TCP connect options (IPv4 only, no DNS).
 * Shaped so that Node's `http.request()` options are accepted as they are.
 */
export interface ConnectOptions {
  /** The peer's port (a number, or a decimal string as http passes it). */
  port?: number | string | null;
  /** The peer's IPv4 address, dotted; this stack has no resolver. */
  host?: string | null;
  /** Our port; default an unused ephemeral one. */
  localPort?: number | null;
  /** Our address: must be the stack's own when given. */
  localAddress?: string | null;
  /** Idle timeout in ms: as socket.setTimeout(timeout), a 'timeout' event after that long without traffic. */
  timeout?: number | null;
  /** setNoDelay(true) as soon as the connection is up. */
  noDelay?: boolean | null;
  /** setKeepAlive(true, keepAliveInitialDelay) as soon as the connection is up. */
  keepAlive?: boolean | null;
  /** The idle time before the first keep-alive probe, ms. */
  keepAliveInitialDelay?: number | null;
  /** Aborting it destroys the socket with the signal's reason. */
  signal?: AbortSignal | null;
}

/** What a Socket's address() returns, as Node's. */
export interface SocketAddress {
  /** The address, dotted. */
  address: string;
  /** Always 'IPv4'. */
  family: 'IPv4';
  /** The port. */
  port: number;
}

/** Node's socket states: connecting, both ways open, one way open, closed. */
export type SocketReadyState = 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed';

/**
 * A TCP socket of a NetStack with the shape of Node's `net.Socket`: a Duplex emitting 'connect',
 * 'ready', 'data', 'end', 'timeout', 'error' and 'close' (with hadError), plus setNoDelay,
 * setKeepAlive, setTimeout, the endpoints, bytesRead/bytesWritten, destroySoon and resetAndDestroy.
 * Made by createConnection() and by a Server; `new Socket({ stack })` then connect() works too.
 */
export class Socket extends Duplex {
  /** The stack the socket belongs to. */
  readonly stack: NetStack;
  /** Whether a connect is under way ('connect' not yet emitted). */
  connecting = false;
  /** The idle timeout set by setTimeout(), ms; undefined when none. */
  timeout: number | undefined = undefined;

  private conn: TcpConnection | null = null;
  private wantRead = false;
  private readDone = false;
  private writeChunk: Uint8Array | null = null;
  private writeOffset = 0;
  private writeCallback: ((error?: Error | null) => void) | null = null;
  private finalCallback: ((error?: Error | null) => void) | null = null;
  private connectAbort: AbortController | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private refed = true;
  private noDelay: boolean | null = null;
  private keepAlive: [boolean, number] | null = null;
  private received = 0;
  private sent = 0;
  private readonly pumpRead = (): void => this.pump();
  private readonly pumpWrite = (): void => this.flushWrite();
  private readonly onConnectionClose = (error: NetError | null): void => {
    if (error !== null) this.destroy(error);
    else this.pump();
  };
  private readonly onIdle = (): void => {
    this.emit('timeout');
  };

  /** A socket on `options.stack`, not yet connected: call connect(). */
  constructor(options: SocketOptions) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false, emitClose: false, decodeStrings: true });
    this.stack = options.stack;
  }

  /**
   * Connects to `options.host`:`options.port` (or `port`, `host`); 'connect' and 'ready' follow once the
   * handshake completes, 'error' (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH...) and 'close' if it fails.
   * Writes made meanwhile wait for the connection. Returns the socket.
   */
  connect(options: ConnectOptions, connectListener?: () => void): this;
  /** Connects to `host`:`port`, as connect({ port, host }). */
  connect(port: number, host?: string, connectListener?: () => void): this;
  /** Connects to `host`:`port`, as connect({ port, host }). */
  connect(port: number, connectListener?: () => void): this;
  /** The implementation of the overloads above. */
  connect(first: ConnectOptions | number, second?: string | (() => void), third?: () => void): this {
    const options: ConnectOptions = typeof first === 'object' && first !== null ? first : { port: first, host: typeof second === 'string' ? second : undefined };
    const listener = typeof second === 'function' ? second : third;
    if (this.conn !== null || this.connecting) {
      throw new NetError({ code: 'EINVAL', syscall: 'connect', hint: 'this socket is already connected or connecting; make a new Socket for another connection' });
    }
    if (listener !== undefined) this.once('connect', listener);
    if (typeof options.timeout === 'number') this.setTimeout(options.timeout);
    if (options.noDelay) this.setNoDelay(true);
    if (options.keepAlive) this.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
    this.connecting = true;
    const abort = new AbortController();
    this.connectAbort = abort;
    const signal = options.signal ?? undefined;
    if (signal !== undefined) {
      if (signal.aborted) {
        process.nextTick(() => this.destroy(signal.reason as Error));
        return this;
      }
      const onAbort = (): void => void this.destroy(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      this.once('close', () => signal.removeEventListener('abort', onAbort));
    }
    const host = options.host ?? '';
    const port = typeof options.port === 'string' ? (options.port.trim() === '' ? NaN : Number(options.port)) : (options.port ?? NaN);
    let connecting: Promise<TcpConnection>;
    if (options.localAddress !== undefined && options.localAddress !== null && options.localAddress !== this.stack.address) {
      connecting = Promise.reject(new NetError({ code: 'EINVAL', syscall: 'connect', address: host, port, hint: `localAddress ${options.localAddress} is not this stack's address ${this.stack.address}; leave it out or give that address` }));
    } else {
      connecting = this.stack.connectTcp({ host, port, localPort: options.localPort ?? undefined, signal: abort.signal });
    }
    connecting.then(
      (conn) => {
        this.connectAbort = null;
        if (this.destroyed) {
          conn.close();
          return;
        }
        this.attach(conn);
        this.emit('connect');
        this.emit('ready');
      },
      (error: unknown) => {
        this.connectAbort = null;
        this.connecting = false;
        if (!this.destroyed) this.destroy(error as Error);
      },
    );
    return this;
  }

  /** @internal Takes over an established connection (connect's outcome, or an accepted one). */
  attach(conn: TcpConnection): void {
    this.conn = conn;
    this.connecting = false;
    conn.onReadable = this.pumpRead;
    conn.onWritable = this.pumpWrite;
    conn.onClose = this.onConnectionClose;
    if (this.noDelay !== null) conn.setNoDelay(this.noDelay);
    if (this.keepAlive !== null) conn.setKeepAlive(this.keepAlive[0], this.keepAlive[1]);
    this.flushWrite();
    if (this.writeChunk === null && this.finalCallback !== null) this.finish();
    this.pump();
  }

  /** The TcpConnection under the socket (its TCP state, queues and counters); null until connected. */
  get connection(): TcpConnection | null {
    return this.conn;
  }

  /** True until the connection is established (not connected yet, or connecting). */
  get pending(): boolean {
    return this.conn === null || this.connecting;
  }

  /** 'opening' while connecting, then 'open', 'readOnly' (after end()), 'writeOnly' (after 'end'), 'closed'. */
  get readyState(): SocketReadyState {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }

  /** The peer's address, dotted; undefined before the connection exists. */
  get remoteAddress(): string | undefined {
    return this.conn?.remoteAddress;
  }

  /** The peer's port; undefined before the connection exists. */
  get remotePort(): number | undefined {
    return this.conn?.remotePort;
  }

  /** 'IPv4' once connected (this stack has no IPv6); undefined before. */
  get remoteFamily(): 'IPv4' | undefined {
    return this.conn === null ? undefined : 'IPv4';
  }

  /** Our address on the connection, dotted; undefined before it exists. */
  get localAddress(): string | undefined {
    return this.conn?.localAddress;
  }

  /** Our port; undefined before the connection exists. */
  get localPort(): number | undefined {
    return this.conn?.localPort;
  }

  /** 'IPv4' once connected; undefined before. */
  get localFamily(): 'IPv4' | undefined {
    return this.conn === null ? undefined : 'IPv4';
  }

  /** Bytes received and handed to the readable side. */
  get bytesRead(): number {
    return this.received;
  }

  /** Bytes taken into the send ring (written and not waiting in the Writable's buffer). */
  get bytesWritten(): number {
    return this.sent;
  }

  /** Our endpoint, as Node's `{ address, family, port }`; an empty object before the connection exists. */
  address(): SocketAddress | Record<string, never> {
    const conn = this.conn;
    return conn === null ? {} : { address: conn.localAddress, family: 'IPv4', port: conn.localPort };
  }

  /** Nagle's algorithm off (true, the default) or on; kept until connected when called before. */
  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.conn?.setNoDelay(noDelay);
    return this;
  }

  /** TCP keep-alive probes after `initialDelay` ms of silence (at least 1 s), or none. */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.keepAlive = [enable, initialDelay];
    this.conn?.setKeepAlive(enable, initialDelay);
    return this;
  }

  /**
   * A 'timeout' event after `timeout` ms without traffic either way (0: none), as Node's: the socket is
   * not closed, the listener decides. `callback` is added as a 'timeout' listener.
   */
  setTimeout(timeout: number, callback?: () => void): this {
    if (!Number.isFinite(timeout) || timeout < 0) {
      throw new NetError({ code: 'EINVAL', syscall: 'setTimeout', hint: `timeout ${timeout} is not a number of milliseconds >= 0` });
    }
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (timeout === 0) {
      this.timeout = undefined;
      if (callback !== undefined) this.removeListener('timeout', callback);
      return this;
    }
    this.timeout = timeout;
    if (callback !== undefined) this.once('timeout', callback);
    if (!this.destroyed) {
      this.idleTimer = setTimeout(this.onIdle, timeout);
      if (!this.refed) this.idleTimer.unref();
    }
    return this;
  }

  /**
   * Lets the idle timer (setTimeout) keep the process alive again, the default. Whether the stack itself
   * does is its device's business (a tap does, a LinkedPair does not).
   */
  ref(): this {
    this.refed = true;
    this.idleTimer?.ref();
    return this;
  }

  /** Lets the process exit while the idle timer (setTimeout) is pending, as Node's unref(). */
  unref(): this {
    this.refed = false;
    this.idleTimer?.unref();
    return this;
  }

  /** Ends the writable side (FIN after what is queued), then destroys the socket once that is done. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /** Closes the connection with an RST (RFC 9293 section 3.10.5) and destroys the socket (ECONNRESET for the peer). */
  resetAndDestroy(): this {
    if (this.conn !== null) this.conn.abort();
    this.destroy();
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Duplex internals

  /** Duplex's hook (called by the stream, not by applications): the readable side wants more. */
  override _read(): void {
    this.wantRead = true;
    this.pump();
  }

  /** Duplex's hook (called by the stream): one chunk to send; the callback comes once it is all in the send ring. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeChunk = chunk;
    this.writeOffset = 0;
    this.writeCallback = callback;
    if (this.conn !== null) this.flushWrite();
  }

  /** Duplex's hook (called by the stream): end() was called and every write is in the send ring: half-close. */
  override _final(callback: (error?: Error | null) => void): void {
    this.finalCallback = callback;
    if (this.conn !== null) this.finish();
  }

  /** Duplex's hook (called by destroy()): a graceful close of the connection (or the connect given up), 'close' after. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.connectAbort?.abort(error ?? new NetError({ code: 'ECONNABORTED', syscall: 'connect', hint: 'the socket was destroyed while connecting' }));
    this.connecting = false;
    const conn = this.conn;
    if (conn !== null) {
      conn.onReadable = conn.onWritable = null;
      conn.onClose = null;
      conn.close();
    }
    const pending = this.writeCallback;
    this.writeChunk = null;
    this.writeCallback = null;
    callback(error);
    if (pending !== null) pending(error ?? new NetError({ code: 'EPIPE', syscall: 'write', hint: 'the socket was destroyed before this write reached the send buffer' }));
    process.nextTick(() => this.emit('close', error !== null));
  }

  /** Copies from the receive ring to the readable side while it wants more. */
  private pump(): void {
    const conn = this.conn;
    if (conn === null || this.readDone || this.destroyed) return;
    while (this.wantRead) {
      // With nothing received tryRead is asked for no bytes: it says EOF, or 0 and arms onReadable.
      const available = conn.readableLength;
      const chunk = available > 0 ? Buffer.allocUnsafe(available < MAX_CHUNK ? available : MAX_CHUNK) : NO_BYTES;
      let n: number;
      try {
        n = conn.tryRead(chunk, 0, chunk.length);
      } catch (error) {
        // A connection found failed as it is read (a reset the poll has not reported yet): the socket
        // errors with it. (onClose has usually destroyed it already; destroy() again does nothing.)
        this.destroy(error as Error);
        return;
      }
      if (n === 0) return; // onReadable calls again
      if (n === EOF) {
        this.readDone = true;
        this.wantRead = false;
        this.push(null);
        return;
      }
      this.received += n;
      this.idleTimer?.refresh();
      // tryRead fills the chunk: it copies min(length, queued) and the chunk is no longer than what is queued.
      this.wantRead = this.push(chunk);
    }
  }

  /** Copies the chunk being written into the send ring; calls back once it is all in. */
  private flushWrite(): void {
    const chunk = this.writeChunk;
    const conn = this.conn;
    if (chunk === null || conn === null) return;
    let n: number;
    try {
      n = conn.tryWrite(chunk, this.writeOffset, chunk.length - this.writeOffset);
    } catch (error) {
      const callback = this.writeCallback!;
      this.writeChunk = null;
      this.writeCallback = null;
      callback(error as Error);
      return;
    }
    if (n === 0 && chunk.length > 0) return; // onWritable calls again
    this.sent += n;
    this.writeOffset += n;
    this.idleTimer?.refresh();
    if (this.writeOffset < chunk.length) return;
    const callback = this.writeCallback!;
    this.writeChunk = null;
    this.writeCallback = null;
    callback();
  }

  /** The FIN goes after the queued data. */
  private finish(): void {
    const callback = this.finalCallback!;
    this.finalCallback = null;
    this.conn!.shutdownWrite();
    callback();
  }
}
