// One TCP connection of a NetStack, for application code: Web Streams on top, and under them a small
// non-stream interface that a Node `net.Socket` (a Duplex) or any other adapter can drive without
// streams' per-chunk promises.
//
// The lower interface (what the streams themselves use):
//   tryRead(into, offset, length)   copies received bytes straight out of the socket's receive ring:
//                                   n > 0 bytes, 0 when nothing is there yet, EOF (-1) after the peer's FIN
//   tryWrite(chunk, offset, length) copies into the socket's send ring: how many bytes it took (0: full)
//   onReadable / onWritable         called after a poll once tryRead / tryWrite that found nothing (or no
//                                   room) has something new to say: edge-triggered, no allocation
//   whenReadable() / whenWritable() the same as promises; read(into) and write(chunk) wait on them
//   shutdownWrite() close() abort() half-close, graceful close, RST
//   onClose(error | null)           once, when the connection is over
//
// Backpressure is the socket's: a byte is taken by tryWrite only when the send ring has room (so a
// writer faster than the peer waits for ACKs), and received bytes stay in the receive ring until read,
// so a reader that stops reading closes the window it advertises (RFC 9293 section 3.8.6).

import { TCP_RECV_FINISHED, TcpState, type TcpSocket } from '../socket/tcp/socket.js';
import { formatIpv4 } from '../wire/ipv4-address.js';
import { IpEndpoint } from '../socket/socket.js';
import { NetError, type NetErrorCode } from './errors.js';

/** tryRead and read return this once the peer has closed its direction and every byte has been read. */
export const EOF = -1;

/** The largest chunk a default (non-BYOB) reader of `readable` gets at once. */
const MAX_CHUNK = 64 * 1024;

/** What a connection needs from its stack (NetStack implements it). @internal */
export interface ConnectionOwner {
  /** Asks for a poll soon (data queued, room made in the receive ring). */
  wake(): void;
  /** The connection is over: take its socket back (to `server`'s listener when it has one). */
  release(socket: TcpSocket, server: object | null): void;
  /** How long, ms, a connection closed by close() waits for the peer to finish before it is aborted. */
  finTimeout(): number;
}

const enum Phase {
  Connecting,
  Open,
  Done,
}

/** Calls an application callback so that an exception in it cannot stop the stack's poll loop. */
function callOut(f: () => void): void {
  try {
    f();
  } catch (error) {
    // As an exception thrown by an event listener in Node: reported as uncaught, the stack goes on.
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * A TCP connection: `readable` and `writable` Web Streams, and under them a small non-stream interface
 * (tryRead/tryWrite, onReadable/onWritable, shutdownWrite, close, abort, onClose) for adapters such as a
 * Node Duplex. Made by NetStack.connectTcp and TcpServer; not constructed directly.
 */
export class TcpConnection {
  /** The peer's IPv4 address, dotted. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** Our IPv4 address on this connection, dotted ('0.0.0.0' until the handshake completes for connectTcp). */
  localAddress: string;
  /** Our port. */
  readonly localPort: number;
  /** Bytes the application has read. */
  bytesRead = 0;
  /** Bytes the application has queued (taken into the send ring). */
  bytesWritten = 0;
  /**
   * Called after a poll when tryRead, which last returned 0, has something: bytes, EOF or (by throwing)
   * the connection's error. Edge-triggered: read until tryRead returns 0 again. Set it before reading.
   */
  onReadable: (() => void) | null = null;
  /** Called after a poll when tryWrite, which last took less than asked, has room again (or would throw). */
  onWritable: (() => void) | null = null;
  /** Called once when the connection is over: null after a graceful close or abort(), else the NetError. */
  onClose: ((error: NetError | null) => void) | null = null;
  /** Resolves when the connection is over (both directions closed, or aborted); rejects with its NetError. */
  readonly closed: Promise<void>;

  private readonly owner: ConnectionOwner;
  /** The socket; it goes back to its owner when the connection is over. */
  private readonly socket: TcpSocket;
  /** The server whose listener owns the socket (accepted connections), or null. */
  private readonly server: object | null;
  private phase: Phase;
  private failure: NetError | null = null;
  /** What the streams error with once the connection is over: the failure, or the reason of an abort(). */
  private streamFailure: unknown = null;
  private readEnded = false;
  private writeShut = false;
  private discarding = false;
  private released = false;
  private readArmed = true;
  private writeArmed = false;
  private readWait: Promise<void> | null = null;
  private readWake: (() => void) | null = null;
  private writeWait: Promise<void> | null = null;
  private writeWake: (() => void) | null = null;
  private resolveClosed!: () => void;
  private rejectClosed!: (error: NetError) => void;
  private connectSettle: ((error: unknown) => void) | null = null;
  private finTimer: ReturnType<typeof setTimeout> | null = null;
  private readableStream: ReadableStream<Uint8Array> | null = null;
  private readableController: ReadableByteStreamController | null = null;
  private readableDone = false;
  private writableStream: WritableStream<Uint8Array> | null = null;
  private writableController: WritableStreamDefaultController | null = null;
  private readonly captureReadWake = (resolve: () => void): void => {
    this.readWake = resolve;
  };
  private readonly captureWriteWake = (resolve: () => void): void => {
    this.writeWake = resolve;
  };

  /** Made by NetStack (connectTcp, and its servers for accepted sockets); applications do not construct one. */
  constructor(owner: ConnectionOwner, socket: TcpSocket, server: object | null, remoteAddr: number, remotePort: number, localPort: number, connecting: boolean) {
    this.owner = owner;
    this.socket = socket;
    this.server = server;
    this.remoteAddress = formatIpv4(remoteAddr);
    this.remotePort = remotePort;
    this.localPort = localPort;
    this.localAddress = '0.0.0.0';
    this.phase = connecting ? Phase.Connecting : Phase.Open;
    if (!connecting) this.learnLocalAddress();
    this.closed = new Promise<void>((resolve, reject) => {
      this.resolveClosed = resolve;
      this.rejectClosed = reject;
    });
    // Nobody need await `closed`: a connection that fails must not be an unhandled rejection.
    this.closed.catch(() => {});
  }

  // ---------------------------------------------------------------------------------------------
  // The lower interface

  /** The error the connection failed with, or null. */
  get error(): NetError | null {
    return this.failure;
  }

  /** Received bytes waiting to be read. */
  get readableLength(): number {
    return this.released ? 0 : this.socket.recvQueue();
  }

  /** Bytes queued to send and not yet acknowledged by the peer. */
  get writableLength(): number {
    return this.released ? 0 : this.socket.sendQueue();
  }

  /** The TCP state, as RFC 9293 names it ('ESTABLISHED', 'CLOSE-WAIT', ...); 'CLOSED' once over. */
  get state(): TcpState {
    return this.released ? TcpState.Closed : this.socket.state;
  }

  /**
   * Copies up to `length` received bytes into `into` at `offset`, straight from the receive ring.
   * Returns how many (> 0), 0 when none has arrived yet (onReadable / whenReadable tell when), or EOF (-1)
   * when the peer has closed and every byte was read. Throws the connection's NetError once it failed.
   */
  tryRead(into: Uint8Array, offset = 0, length = into.length - offset): number {
    if (this.failure !== null) throw this.failure;
    if (this.readEnded || this.released) return EOF;
    const s = this.socket;
    const ring = s.rxBuffer;
    const freeBefore = ring.window;
    const n = s.recv(into, offset, length);
    if (n > 0) {
      this.bytesRead += n;
      // The window opened: the socket announces it on its next dispatch. Worth a poll of its own when
      // the window was less than half open (a window update is due, RFC 9293 section 3.8.6.2.2), or once
      // the peer has closed (no arrival may come to poll, and the poll after the last read is the one
      // that sees the connection over); otherwise the next arrival's poll carries it.
      if (freeBefore < ring.capacity >>> 1 || s.state !== TcpState.Established) this.owner.wake();
      return n;
    }
    if (n === TCP_RECV_FINISHED) {
      this.readEnded = true;
      this.owner.wake();
      return EOF;
    }
    if (n < 0) {
      // Any other negative value is the socket saying the connection was reset (a TcpSocket that reports
      // it as a value rather than a throw): fail now, as the next poll would.
      this.fail(this.endError('read'));
      throw this.failure!;
    }
    this.readArmed = true;
    return 0;
  }

  /**
   * Copies up to `length` bytes of `chunk` from `offset` into the send ring; returns how many it took
   * (0 when the ring is full: onWritable / whenWritable tell when there is room). Throws the connection's
   * NetError once it failed, and EPIPE after shutdownWrite() or close().
   */
  tryWrite(chunk: Uint8Array, offset = 0, length = chunk.length - offset): number {
    if (this.failure !== null) throw this.failure;
    if (this.writeShut || this.released) {
      throw this.netError('EPIPE', 'write', 'this connection was closed for writing (shutdownWrite, close or the end of the writable); write before closing');
    }
    const s = this.socket;
    const state = s.state;
    if (state !== TcpState.Established && state !== TcpState.CloseWait) {
      // The socket ended and the poll that noticed has not run yet: fail now, as the poll would.
      this.fail(this.endError('write'));
      throw this.failure!;
    }
    const queuedBefore = s.sendQueue();
    const n = s.send(chunk, offset, length);
    if (n > 0) {
      this.bytesWritten += n;
      // With data already in flight the ACKs bring polls that send the new bytes too; from an empty
      // queue the bytes need a poll of their own.
      if (queuedBefore === 0) this.owner.wake();
    }
    if (n < length) this.writeArmed = true;
    return n;
  }

  /** Resolves when tryRead has something to say (bytes, EOF, an error); at once if it has now. */
  whenReadable(): Promise<void> {
    if (this.readReady()) return Promise.resolve();
    if (this.readWait === null) this.readWait = new Promise<void>(this.captureReadWake);
    return this.readWait;
  }

  /** Resolves when tryWrite can take a byte (or would throw); at once if it can now. */
  whenWritable(): Promise<void> {
    if (this.writeReady()) return Promise.resolve();
    if (this.writeWait === null) this.writeWait = new Promise<void>(this.captureWriteWake);
    return this.writeWait;
  }

  /**
   * Waits for received bytes and copies up to `into.length` of them: resolves with how many, or EOF (-1)
   * at the end of the stream; rejects with the connection's NetError.
   */
  async read(into: Uint8Array): Promise<number> {
    if (into.length === 0) return 0;
    for (;;) {
      const n = this.tryRead(into);
      if (n !== 0) return n;
      await this.whenReadable();
    }
  }

  /**
   * Queues all of `chunk`, waiting for room in the send ring as the peer acknowledges: resolves once the
   * last byte is in the ring (the chunk may be reused then); rejects with the connection's NetError.
   */
  async write(chunk: Uint8Array): Promise<void> {
    let done = this.tryWrite(chunk, 0, chunk.length);
    while (done < chunk.length) {
      await this.whenWritable();
      done += this.tryWrite(chunk, done, chunk.length - done);
    }
  }

  /** Half-close (Node's `end()`): a FIN follows the data already queued; reading goes on until EOF. */
  shutdownWrite(): void {
    if (this.writeShut || this.phase === Phase.Done) return;
    this.writeShut = true;
    this.socket.close();
    this.owner.wake();
  }

  /**
   * Graceful close of both directions: a FIN follows the queued data, and from now on received data is
   * discarded (the readable ends). `closed` resolves when the peer has closed too.
   */
  close(): void {
    if (this.phase === Phase.Done) return;
    this.shutdownWrite();
    this.discarding = true;
    this.readEnded = true;
    this.closeReadable();
    // A peer that never sends its FIN would hold the socket for ever (FIN-WAIT-2): after finTimeout it
    // is aborted, as Linux does with tcp_fin_timeout for a socket the application has closed.
    this.finTimer = setTimeout(() => {
      this.finTimer = null;
      if (this.phase === Phase.Done) return;
      this.socket.abort();
      this.owner.wake();
      this.end(null, null);
    }, this.owner.finTimeout());
    this.service();
  }

  /**
   * Abort (RFC 9293 section 3.10.5): an RST to the peer, queued data dropped, both streams errored with
   * `reason` (default an ECONNABORTED NetError). `closed` resolves: the abort was the application's.
   */
  abort(reason?: unknown): void {
    if (this.phase === Phase.Done) return;
    this.socket.abort();
    this.owner.wake();
    const error = reason ?? this.netError('ECONNABORTED', 'abort', 'the connection was aborted by this side');
    this.end(null, error);
  }

  /** Nagle's algorithm off (true, Node's default for setNoDelay()) or on. */
  setNoDelay(noDelay = true): void {
    if (!this.released) this.socket.setNagleEnabled(!noDelay);
  }

  /** Keep-alive probes after `initialDelayMs` of silence (default 1 s, as a minimum), or none. */
  setKeepAlive(enable = false, initialDelayMs = 0): void {
    if (this.released) return;
    this.socket.setKeepAlive(enable ? Math.max(initialDelayMs, 1000) * 1000 : null);
  }

  /**
   * The user timeout (RFC 9293 section 3.10.8): fail with ETIMEDOUT when the peer stays silent this many
   * ms with data unacknowledged; 0 for none. (Not Node's idle `setTimeout`.)
   */
  setUserTimeout(ms: number): void {
    if (!this.released) this.socket.setTimeout(ms > 0 ? ms * 1000 : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Web Streams

  /**
   * The received bytes, as a byte stream: a BYOB reader (`getReader({ mode: 'byob' })`) is filled
   * straight from the receive ring; a default reader gets chunks of what has arrived (up to 64 KiB).
   * Nothing is read ahead (high-water mark 0), so an unread stream leaves the window closing. Errors with
   * the connection's NetError; cancelling it discards what arrives from then on.
   */
  get readable(): ReadableStream<Uint8Array> {
    if (this.readableStream === null) {
      this.readableStream = new ReadableStream(
        {
          type: 'bytes',
          start: (controller: ReadableByteStreamController) => {
            this.readableController = controller;
            if (this.streamFailure !== null) {
              this.readableDone = true;
              controller.error(this.streamFailure);
            }
          },
          pull: (controller: ReadableByteStreamController) => this.pull(controller),
          cancel: () => {
            this.readableDone = true;
            this.discarding = true;
            this.readEnded = true;
            this.service();
          },
        },
        { highWaterMark: 0 },
      ) as ReadableStream<Uint8Array>;
    }
    return this.readableStream;
  }

  /**
   * The bytes to send: a write resolves once the chunk is in the send ring (so a writer faster than
   * the peer waits); close() half-closes (FIN after the queued data); abort() resets the connection.
   */
  get writable(): WritableStream<Uint8Array> {
    if (this.writableStream === null) {
      this.writableStream = new WritableStream<Uint8Array>({
        start: (controller) => {
          this.writableController = controller;
          if (this.streamFailure !== null) controller.error(this.streamFailure);
        },
        write: (chunk) => this.write(chunk),
        close: () => {
          if (this.failure !== null) throw this.failure;
          this.shutdownWrite();
        },
        abort: (reason) => this.abort(reason),
      });
    }
    return this.writableStream;
  }

  private async pull(controller: ReadableByteStreamController): Promise<void> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      const available = this.readableLength;
      if (available > 0 && !this.readEnded) {
        const request = controller.byobRequest;
        if (request !== null) {
          const view = request.view!;
          const into = view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
          request.respond(this.tryRead(into, 0, into.length));
        } else {
          const chunk = new Uint8Array(available < MAX_CHUNK ? available : MAX_CHUNK);
          this.tryRead(chunk, 0, chunk.length);
          controller.enqueue(chunk);
        }
        return;
      }
      if (this.readEnded || this.released || this.socket.recvFinished()) {
        this.readEnded = true;
        this.closeReadable();
        return;
      }
      this.readArmed = true;
      await this.whenReadable();
    }
  }

  private closeReadable(): void {
    const controller = this.readableController;
    if (controller === null || this.readableDone) return;
    this.readableDone = true;
    controller.close();
    // A BYOB read waiting when the stream closes is answered with an empty view.
    controller.byobRequest?.respond(0);
  }

  // ---------------------------------------------------------------------------------------------
  // Driven by the stack

  /**
   * @internal Resolves when the handshake completes, rejects when it fails (NetStack.connectTcp), with
   * ETIMEDOUT after `timeoutMs` when given.
   */
  opened(timeoutMs: number | undefined): Promise<TcpConnection> {
    const timer =
      timeoutMs === undefined
        ? null
        : setTimeout(() => {
            this.fail(this.netError('ETIMEDOUT', 'connect', `no answer to the SYN within ${timeoutMs} ms; check that the peer is up and reachable`));
          }, timeoutMs);
    return new Promise<TcpConnection>((resolve, reject) => {
      this.connectSettle = (error) => {
        if (timer !== null) clearTimeout(timer);
        if (error === null) resolve(this);
        else reject(error);
      };
    });
  }

  /**
   * @internal Fails the connection (the stack closing, an abort signal): with a NetError, that error;
   * with anything else (an abort reason), the streams error with it and `closed` resolves.
   */
  fail(error: NetError | unknown): void {
    if (this.phase === Phase.Done) return;
    if (!this.released && this.socket.state !== TcpState.Closed) this.socket.abort();
    this.end(error instanceof NetError ? error : null, error);
  }

  /** @internal Whether the connection is over and its socket given back. */
  get done(): boolean {
    return this.phase === Phase.Done;
  }

  /** @internal After every poll: the handshake's outcome, readiness, the end of the connection. */
  service(): void {
    if (this.phase === Phase.Done) return;
    const s = this.socket;
    const state = s.state;
    if (this.phase === Phase.Connecting) {
      if (state === TcpState.SynSent || state === TcpState.SynReceived) return;
      if (state === TcpState.Closed) {
        this.fail(this.endError('connect'));
        return;
      }
      this.phase = Phase.Open;
      this.learnLocalAddress();
      const settle = this.connectSettle;
      this.connectSettle = null;
      settle?.(null);
    }
    if (state === TcpState.Closed && s.endCause !== 'none' && s.endCause !== 'aborted') {
      this.fail(this.endError('read'));
      return;
    }
    if (this.discarding) {
      // After close() or a cancelled readable, arriving data is read and dropped so the peer can finish.
      for (let n = s.recvWindowLength(); n > 0; n = s.recvWindowLength()) s.commitRecv(n);
    }
    if (this.readReady()) {
      const wake = this.readWake;
      if (wake !== null) {
        this.readWake = null;
        this.readWait = null;
        wake();
      }
      if (this.readArmed && this.onReadable !== null) {
        this.readArmed = false;
        callOut(this.onReadable);
      }
    }
    if (this.writeReady()) {
      const wake = this.writeWake;
      if (wake !== null) {
        this.writeWake = null;
        this.writeWait = null;
        wake();
      }
      if (this.writeArmed && this.onWritable !== null) {
        this.writeArmed = false;
        callOut(this.onWritable);
      }
    }
    if ((state === TcpState.Closed || state === TcpState.TimeWait) && s.recvQueue() === 0) {
      // Both FINs exchanged (or LAST-ACK acknowledged) and every byte read: over.
      this.end(null, null);
    }
  }

  private readReady(): boolean {
    if (this.failure !== null || this.readEnded || this.released) return true;
    return this.socket.recvQueue() > 0 || this.socket.recvFinished();
  }

  private writeReady(): boolean {
    if (this.failure !== null || this.writeShut || this.released) return true;
    const s = this.socket;
    return s.txBuffer.window > 0 || !(s.state === TcpState.Established || s.state === TcpState.CloseWait);
  }

  /** The connection is over: settle everything once, give the socket back. */
  private end(error: NetError | null, streamError: unknown): void {
    this.phase = Phase.Done;
    if (this.finTimer !== null) clearTimeout(this.finTimer);
    this.finTimer = null;
    this.failure = error;
    const settle = this.connectSettle;
    this.connectSettle = null;
    if (settle !== null) settle(error ?? streamError ?? this.netError('ECONNABORTED', 'connect', 'the connection was aborted before it was established'));
    if (streamError !== null) {
      this.streamFailure = streamError;
      if (this.readableController !== null && !this.readableDone) {
        this.readableDone = true;
        this.readableController.error(streamError);
      }
      this.writableController?.error(streamError);
    }
    this.readWake?.();
    this.writeWake?.();
    this.readWake = this.writeWake = null;
    this.readWait = this.writeWait = null;
    if (error !== null) this.rejectClosed(error);
    else this.resolveClosed();
    this.released = true;
    this.owner.release(this.socket, this.server);
    const onClose = this.onClose;
    if (onClose !== null) callOut(() => onClose(error));
  }

  /** The error for a socket that ended without the FIN exchange, for `syscall`. */
  private endError(syscall: string): NetError {
    switch (this.socket.endCause) {
      case 'refused':
        return this.phase === Phase.Connecting
          ? this.netError('ECONNREFUSED', 'connect', 'the peer answered the SYN with a reset or an ICMP port unreachable: nothing listens on that port; start a listener there or check the port')
          : this.netError('ECONNREFUSED', syscall, 'the peer stopped acknowledging, and its host said nothing takes TCP on that port (ICMP)');
      case 'timeout':
        return this.phase === Phase.Connecting
          ? this.netError('ETIMEDOUT', 'connect', 'no answer to the SYN and its retries; check that the peer is up and reachable')
          : this.netError('ETIMEDOUT', syscall, 'the peer stopped acknowledging (user timeout); check the path to the peer');
      case 'reset':
        return this.netError('ECONNRESET', syscall, 'the peer reset the connection');
      case 'host-unreachable':
        return this.phase === Phase.Connecting
          ? this.netError('EHOSTUNREACH', 'connect', 'the host did not answer ARP, or a router said it cannot reach it (ICMP); check the address and that the host is up')
          : this.netError('EHOSTUNREACH', syscall, 'the peer stopped acknowledging, and a router said it cannot reach it (ICMP)');
      case 'net-unreachable':
        return this.phase === Phase.Connecting
          ? this.netError('ENETUNREACH', 'connect', 'a router said it has no route to that network (ICMP); check the address and the routes on the way')
          : this.netError('ENETUNREACH', syscall, 'the peer stopped acknowledging, and a router said it has no route to its network (ICMP)');
      default:
        return this.netError('ECONNABORTED', syscall, 'the connection ended before it could be used');
    }
  }

  /** A NetError about this connection's peer. */
  private netError(code: NetErrorCode, syscall: string, hint: string): NetError {
    return new NetError({ code, syscall, address: this.remoteAddress, port: this.remotePort, hint });
  }

  private learnLocalAddress(): void {
    const ep = this.socket.localEndpoint(new IpEndpoint());
    if (ep !== null && ep.addr !== 0) this.localAddress = formatIpv4(ep.addr);
  }
}
