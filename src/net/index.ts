// smoltcp-ts/net: Node's `net` API over a NetStack, for Node programs (it uses node:stream and
// node:events, so it is not part of the portable root). Sockets are Duplex streams that Node's own
// `http` module runs over, client and server:
//
//   const net = createNet(stack);
//   http.get({ host: '10.0.0.2', port: 80, createConnection: net.createConnection }, (res) => ...);
//   const httpServer = http.createServer(handler);
//   net.createServer((socket) => httpServer.emit('connection', socket)).listen(80);

import type { Duplex } from 'node:stream';
import type { NetStack } from '../stack/net-stack.js';
import { Server, type ServerOptions } from './server.js';
import { Socket, type ConnectOptions } from './socket.js';

export { Socket, type ConnectOptions, type SocketAddress, type SocketOptions, type SocketReadyState } from './socket.js';
export { Server, type ListenOptions, type ServerOptions } from './server.js';

/** `createConnection` and `connect` of a StackNet: Node's signatures, bound to the stack. */
export interface CreateConnection {
  /** A Socket connecting to `options.host`:`options.port`; `connectListener` runs on 'connect'. */
  (options: ConnectOptions & { allowHalfOpen?: boolean }, connectListener?: () => void): Socket;
  /** A Socket connecting to `host`:`port`. */
  (port: number, host?: string, connectListener?: () => void): Socket;
  /** A Socket connecting to `port` with no host: it fails with an EINVAL error event (the stack has no resolver, no localhost). */
  (port: number, connectListener?: () => void): Socket;
  /**
   * The form Node's http calls (`http.request({ createConnection })`, an Agent's createConnection):
   * the Socket is returned at once and `oncreate` runs as a 'connect' listener, which http ignores
   * since it has the socket already.
   */
  (options: ConnectOptions & { allowHalfOpen?: boolean }, oncreate: (error: Error | null, socket: Duplex) => void): Socket;
}

/** `createServer` of a StackNet: Node's signatures, bound to the stack. */
export interface CreateServer {
  /** A Server with `options`; `connectionListener` runs on each 'connection'. */
  (options?: ServerOptions, connectionListener?: (socket: Socket) => void): Server;
  /** A Server with the default options. */
  (connectionListener?: (socket: Socket) => void): Server;
}

/** Node's `net` functions bound to one NetStack (what createNet returns). */
export interface StackNet {
  /** The stack the sockets and servers use. */
  readonly stack: NetStack;
  /** As `net.createConnection`: a connecting Socket. A plain function, so `http.request({ createConnection })` takes it as it is. */
  readonly createConnection: CreateConnection;
  /** The same as createConnection, as `net.connect`. */
  readonly connect: CreateConnection;
  /** As `net.createServer`: a Server, not yet listening. */
  readonly createServer: CreateServer;
}

/**
 * Node's `net` over `stack`: `createConnection`/`connect` and `createServer`, with the signatures of
 * `node:net`, as plain functions (no `this`), so they can be handed to Node's `http` as they are.
 */
export function createNet(stack: NetStack): StackNet {
  const createConnection: CreateConnection = (first: (ConnectOptions & { allowHalfOpen?: boolean }) | number, second?: string | (() => void) | ((error: Error | null, socket: Duplex) => void), third?: () => void): Socket => {
    if (typeof first === 'object' && first !== null) {
      return new Socket({ stack, allowHalfOpen: first.allowHalfOpen }).connect(first, typeof second === 'function' ? (second as () => void) : undefined);
    }
    return typeof second === 'function' ? new Socket({ stack }).connect(first, second as () => void) : new Socket({ stack }).connect(first, second, third);
  };
  const createServer: CreateServer = (first?: ServerOptions | ((socket: Socket) => void), second?: (socket: Socket) => void): Server =>
    typeof first === 'function' ? new Server({ stack }, first) : new Server({ ...first, stack }, second);
  return { stack, createConnection, connect: createConnection, createServer };
}
