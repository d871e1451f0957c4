// A listening TCP port of a NetStack as an async iterable of connections:
// `for await (const conn of stack.listenTcp({ port: 80 })) { ... }`.
//
// It wraps a TcpListener (src/socket/tcp/listener.ts) and its pool: handshakes complete while the
// application is busy, at most `backlog` connections wait to be accepted, and a SYN beyond that is
// dropped (the peer retries). A connection is handed out only when the application asks for the next one,
// so an application that stops accepting leaves the backlog to do the pushing back.

import type { TcpListener } from '../socket/tcp/listener.js';
import type { TcpSocket } from '../socket/tcp/socket.js';
import type { TcpConnection } from './tcp-connection.js';

/** What a server needs from its stack (NetStack implements it). @internal */
export interface ServerOwner {
  /** A connection over a socket the listener accepted. */
  adopt(server: TcpServer, socket: TcpSocket): TcpConnection;
  /** Asks for a poll soon. */
  wake(): void;
}

/** A listening port: an async iterable of accepted TcpConnections; close() stops listening. */
export class TcpServer implements AsyncIterable<TcpConnection> {
  /** The local address listened on, dotted ('0.0.0.0': every address of the stack). */
  readonly address: string;
  /** The port listened on. */
  readonly port: number;
  private readonly listener: TcpListener;
  private readonly owner: ServerOwner;
  private readonly waiters: ((connection: TcpConnection | null) => void)[] = [];
  private open = true;
  /** Connections handed out and not over yet. */
  private accepted = 0;

  /** Made by NetStack.listenTcp; applications do not construct one. */
  constructor(
    owner: ServerOwner,
    listener: TcpListener,
    address: string,
    port: number,
    /** Sockets in the listener's pool. */
    private readonly poolSize: number,
  ) {
    this.owner = owner;
    this.listener = listener;
    this.address = address;
    this.port = port;
  }

  /** Whether it still takes connections. */
  get listening(): boolean {
    return this.open;
  }

  /** Connections that completed the handshake (or are completing it) and wait for accept(). */
  get pending(): number {
    return this.listener.pendingCount();
  }

  /** The next connection, in arrival order; null once the server is closed. */
  accept(): Promise<TcpConnection | null> {
    if (!this.open) return Promise.resolve(null);
    const promise = new Promise<TcpConnection | null>((resolve) => this.waiters.push(resolve));
    this.service();
    return promise;
  }

  /** Stops listening: connections not yet accepted are reset, accepted ones carry on; waiting accepts get null. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.listener.close();
    for (const resolve of this.waiters.splice(0)) resolve(null);
    this.owner.wake();
  }

  /** Iterates accept() until the server is closed; leaving the loop (break, throw) closes it. */
  [Symbol.asyncIterator](): AsyncIterator<TcpConnection> {
    return {
      next: async (): Promise<IteratorResult<TcpConnection>> => {
        const connection = await this.accept();
        return connection === null ? { done: true, value: undefined } : { done: false, value: connection };
      },
      return: async (): Promise<IteratorResult<TcpConnection>> => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /** @internal After every poll: hands established connections to waiting accepts. */
  service(): void {
    while (this.open && this.waiters.length > 0 && this.listener.canAccept()) {
      const socket = this.listener.accept()!;
      this.accepted++;
      this.waiters.shift()!(this.owner.adopt(this, socket));
    }
  }

  /** @internal One of its connections is over: its socket goes back to the listener's pool. */
  releaseSocket(socket: TcpSocket): void {
    this.accepted--;
    this.listener.release(socket);
  }

  /**
   * @internal Closed and nothing of it left to drive (released sockets are driven until CLOSED, a FIN or
   * an RST still to send, TIME-WAIT, before they are free): the stack may drop its listener.
   */
  get finished(): boolean {
    return !this.open && this.accepted === 0 && this.listener.freeCount() === this.poolSize;
  }
}
