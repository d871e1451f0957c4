// A listening TCP endpoint with a backlog: one port takes many connections, each into a socket drawn
// from a pool given at construction (RFC 9293 section 3.10.1's passive OPEN, as BSD sockets' listen and
// accept). smoltcp needs one socket per connection and a new listen() after each; here the listener
// keeps the port open, completes handshakes while the application is busy and hands out established
// connections with accept().
//
// Everything is bounded by what the caller gave: at most `backlog` connections wait to be accepted
// (handshaking or established), and never more than the pool holds. A SYN beyond that is dropped
// without a reply, so the peer retries later; a SYN flood therefore costs nothing but the pool.
//
// A connection in TIME-WAIT keeps its socket until the timer ends, unless a SYN of a new incarnation
// arrives (RFC 6191: a greater timestamp, or a greater ISN): then the old one is ended and the SYN is
// taken like any other, so a client that reconnects from the same port is answered at once.
//
// To the interface the listener is one TCP socket (TcpSocketContract): it routes segments to the
// connection they belong to, answers the listening port itself, and dispatches every connection it
// drives, accepted ones included, until the application releases them and they are closed.

import type { Instant } from '../../time.js';
import { Ipv4Repr } from '../../wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../wire/tcp.js';
import { SocketKind, SocketMeta, type TcpSocketContract, type TcpUnreachable } from '../socket.js';
import { TcpError } from './errors.js';
import { type EndpointLike, type TcpEmitter, type TcpLogger, TcpSocket, TcpState } from './socket.js';

const FREE = 0;
/** Taken for a connection not yet accepted: handshaking or established (counts against the backlog). */
const PENDING = 1;
/** Handed to the application by accept(). */
const ACCEPTED = 2;
/** Given back by the application: driven until CLOSED, then free again. */
const RELEASED = 3;

/** What a TcpListener is built from. */
export interface TcpListenerOptions {
  /** Closed sockets, with their buffers and options, for the connections; the listener owns them from now on. */
  pool: TcpSocket[];
  /** Connections that may wait to be accepted (default: the pool's size). */
  backlog?: number;
  /** Where the listener's trace and debug events go; null or absent: nowhere. */
  logger?: TcpLogger | null;
}

/** A listening port with a backlog over a pool of sockets; one TCP socket to the interface. */
export class TcpListener implements TcpSocketContract {
  /** A TCP socket, for the socket set and the interface. */
  readonly kind = SocketKind.Tcp as const;
  /** The interface's bookkeeping; the listener never touches it. */
  readonly meta = new SocketMeta();
  /** Where backlog overflows are logged (debug level); null for silence. */
  logger: TcpLogger | null;
  /** SYNs dropped because the backlog was full or no socket was free. */
  synDropped = 0;

  private readonly pool: TcpSocket[];
  private readonly status: Uint8Array;
  /** Arrival order of each pending connection, for accept() to be first in, first out. */
  private readonly order: Float64Array;
  private nextOrder = 0;
  private readonly backlogLimit: number;
  private listenAddr = 0;
  private listenPort = 0;
  private listening = false;
  private readonly replyIp = new Ipv4Repr();
  private readonly replyTcp = new TcpRepr();

  /** Takes ownership of the closed sockets of `options.pool`; throws a TcpError for an empty or shared pool or a bad backlog. */
  constructor(options: TcpListenerOptions) {
    const pool = options.pool;
    if (!Array.isArray(pool) || pool.length === 0 || pool.some((s) => !(s instanceof TcpSocket))) {
      throw new TcpError('InvalidConfig', 'a TcpListener needs a pool of TcpSockets: pass pool: [new TcpSocket(...), ...], one per connection it may hold');
    }
    if (new Set(pool).size !== pool.length) {
      throw new TcpError('InvalidConfig', 'the pool of a TcpListener holds the same socket twice: create one socket per pool entry');
    }
    for (const s of pool) {
      if (s.state !== TcpState.Closed) {
        throw new TcpError('InvalidConfig', 'the sockets of a TcpListener pool must be closed: pass new sockets, not ones in use');
      }
    }
    const backlog = options.backlog ?? pool.length;
    if (!Number.isInteger(backlog) || backlog < 1) {
      throw new TcpError('InvalidConfig', `a backlog of ${backlog} cannot hold a connection: pass a positive integer`);
    }
    this.pool = pool.slice();
    this.status = new Uint8Array(pool.length);
    this.order = new Float64Array(pool.length);
    this.backlogLimit = backlog;
    this.logger = options.logger ?? null;
  }

  /** Starts taking connections on `endpoint` (addr 0 for any local address). */
  listen(endpoint: EndpointLike | number): void {
    const ep = typeof endpoint === 'number' ? { addr: 0, port: endpoint } : endpoint;
    if (ep.port === 0) throw new TcpError('Unaddressable', 'cannot listen on port 0: pass the port to accept connections on');
    if (this.listening && (ep.port !== this.listenPort || ep.addr >>> 0 !== this.listenAddr)) {
      throw new TcpError('InvalidState', 'this listener already listens on another endpoint: close() it first');
    }
    this.listenAddr = ep.addr >>> 0;
    this.listenPort = ep.port;
    this.listening = true;
  }

  /** Stops listening: connections not yet accepted are reset; accepted ones carry on. */
  close(): void {
    this.listening = false;
    for (let i = 0; i < this.pool.length; i++) {
      if (this.status[i] === PENDING) this.pool[i]!.abort();
    }
  }

  /** Whether listen() is in effect. */
  isListening(): boolean {
    return this.listening;
  }

  /** The backlog given at construction. */
  get backlog(): number {
    return this.backlogLimit;
  }

  /** Connections waiting to be accepted (handshaking or established). */
  pendingCount(): number {
    let n = 0;
    for (let i = 0; i < this.status.length; i++) if (this.status[i] === PENDING) n++;
    return n;
  }

  /** Sockets free for new connections. */
  freeCount(): number {
    let n = 0;
    for (let i = 0; i < this.status.length; i++) if (this.status[i] === FREE) n++;
    return n;
  }

  /** Whether accept() would return a connection. */
  canAccept(): boolean {
    return this.nextAcceptable() >= 0;
  }

  /**
   * The oldest connection whose handshake completed (it may already have data, or even the peer's FIN),
   * or null. The application owns it until release().
   */
  accept(): TcpSocket | null {
    const i = this.nextAcceptable();
    if (i < 0) return null;
    this.status[i] = ACCEPTED;
    return this.pool[i]!;
  }

  /**
   * Gives an accepted socket back: closed gracefully if the application did not (call abort() first
   * for an RST), driven until CLOSED, then reused.
   */
  release(socket: TcpSocket): void {
    const i = this.pool.indexOf(socket);
    if (i < 0 || this.status[i] !== ACCEPTED) {
      throw new TcpError('InvalidState', 'release() takes a socket this listener handed out with accept(), once');
    }
    socket.close();
    this.status[i] = RELEASED;
    this.reclaim(i, 0);
  }

  /** Whether a segment belongs to one of its connections or to the listening endpoint. */
  accepts(ip: Ipv4Repr, tcp: TcpRepr): boolean {
    if (this.childFor(ip, tcp) >= 0) return true;
    return this.listening && tcp.dstPort === this.listenPort && (this.listenAddr === 0 || ip.dstAddr >>> 0 === this.listenAddr);
  }

  /** Routes a segment to its connection, or answers it as LISTEN does (a SYN takes a socket from the pool). */
  process(now: Instant, ip: Ipv4Repr, tcp: TcpRepr): TcpRepr | null {
    const child = this.childFor(ip, tcp);
    if (child >= 0) {
      const socket = this.pool[child]!;
      // RFC 6191: a SYN of a new incarnation ends the old one's TIME-WAIT (here, not in the socket, which
      // would reopen itself outside the pool's bookkeeping) and is taken as on the listening port, by a
      // socket of the pool: the one just freed, unless the application still holds it.
      if (!socket.synOpensNewIncarnation(tcp)) return socket.process(now, ip, tcp);
      socket.endTimeWait();
      this.reclaim(child, now);
    }
    if (!this.listening) return null;
    // LISTEN (RFC 9293 section 3.10.7.2): RSTs are ignored, ACKs reset, SYNs open a connection.
    if (tcp.control === TcpControl.Rst) return null;
    if (tcp.ack) {
      return TcpSocket.rstReply(ip, tcp, this.replyIp, this.replyTcp) ? this.replyTcp : null;
    }
    if (tcp.control !== TcpControl.Syn) return null;
    for (let i = 0; i < this.pool.length; i++) this.reclaim(i, now);
    const free = this.status.indexOf(FREE);
    if (free < 0 || this.pendingCount() >= this.backlogLimit) {
      this.synDropped++;
      if (this.logger !== null) this.logger.debug(`tcp listener ${this.listenPort}: backlog full, SYN dropped`);
      return null;
    }
    const socket = this.pool[free]!;
    socket.listen({ addr: this.listenAddr, port: this.listenPort });
    this.status[free] = PENDING;
    this.order[free] = this.nextOrder++;
    return socket.process(now, ip, tcp);
  }

  /** An ICMP error about one of its connections goes to that connection (see TcpSocketContract). */
  icmpError(ip: Ipv4Repr, tcp: TcpRepr, seq: number, cause: TcpUnreachable): void {
    const child = this.childFor(ip, tcp);
    if (child >= 0) this.pool[child]!.icmpError(ip, tcp, seq, cause);
  }

  /** Dispatches every connection it drives; frees those that are done. */
  dispatch(now: Instant, emitter: TcpEmitter): boolean {
    let any = false;
    for (let i = 0; i < this.pool.length; i++) {
      if (this.status[i] === FREE) continue;
      if (this.pool[i]!.dispatch(now, emitter)) any = true;
      this.reclaim(i, now);
    }
    return any;
  }

  /** The earliest pollAt of its connections. */
  pollAt(now: Instant): Instant | null {
    let at: Instant | null = null;
    for (let i = 0; i < this.pool.length; i++) {
      if (this.status[i] === FREE) continue;
      const t = this.pool[i]!.pollAt(now);
      if (t !== null && (at === null || t < at)) at = t;
    }
    return at;
  }

  /** The connection (not LISTEN, not CLOSED) this segment belongs to, or -1. */
  private childFor(ip: Ipv4Repr, tcp: TcpRepr): number {
    for (let i = 0; i < this.pool.length; i++) {
      if (this.status[i] === FREE) continue;
      const s = this.pool[i]!;
      if (s.state === TcpState.Listen || s.state === TcpState.Closed) continue;
      if (s.accepts(ip, tcp)) return i;
    }
    return -1;
  }

  private nextAcceptable(): number {
    let best = -1;
    for (let i = 0; i < this.pool.length; i++) {
      if (this.status[i] !== PENDING) continue;
      const state = this.pool[i]!.state;
      if (state === TcpState.Listen || state === TcpState.SynReceived || state === TcpState.Closed) continue;
      if (best < 0 || this.order[i]! < this.order[best]!) best = i;
    }
    return best;
  }

  /** A pending connection that failed (reset, handshake timed out) or a released one that finished is free again. */
  private reclaim(i: number, now: Instant): void {
    const s = this.pool[i]!;
    const status = this.status[i];
    if (status === PENDING && s.state === TcpState.Listen) {
      // RST in SYN-RECEIVED or the SYN-ACK given up on: the socket went back to LISTEN on its own.
      s.close();
    }
    if ((status === PENDING || status === RELEASED) && s.state === TcpState.Closed && s.pollAt(now) === null) {
      this.status[i] = FREE;
    }
  }
}
