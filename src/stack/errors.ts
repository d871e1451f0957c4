// The errors of the stack's application API, shaped like Node's system errors so code written for
// `node:net` recognises them: `code` ('ECONNREFUSED'), a negative `errno` (Linux's numbers, as libuv
// reports them), `syscall` ('connect', 'listen', 'read', 'write', 'bind', 'ping') and the endpoint. The
// message starts as Node's ("connect ECONNREFUSED 10.0.0.2:80") and goes on with what to do about it.
//
// They reach the application as rejected promises and errored streams; nothing here is thrown out of a
// poll.

/** The conditions a NetError reports, named as POSIX errno values. */
export type NetErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'EADDRINUSE'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'ECONNABORTED'
  | 'EPIPE'
  | 'EMSGSIZE'
  | 'ENOBUFS'
  | 'EINVAL';

/** Linux's errno for each code, negated as Node's `err.errno` is. */
const ERRNO: Record<NetErrorCode, number> = {
  ECONNREFUSED: -111,
  ECONNRESET: -104,
  ETIMEDOUT: -110,
  EADDRINUSE: -98,
  EHOSTUNREACH: -113,
  ENETUNREACH: -101,
  ECONNABORTED: -103,
  EPIPE: -32,
  EMSGSIZE: -90,
  ENOBUFS: -105,
  EINVAL: -22,
};

/** What happened, where: the fields a NetError is made from. */
export interface NetErrorInit {
  /** The condition. */
  code: NetErrorCode;
  /** The operation that failed: 'connect', 'listen', 'read', 'write', 'bind', 'send', 'ping'. */
  syscall: string;
  /** The remote (connect, send, ping) or local (listen, bind) address, dotted. */
  address?: string;
  /** The port that goes with `address`. */
  port?: number;
  /** What to do about it: one sentence appended to the Node-style message. */
  hint?: string;
  /** An underlying error (a device that went away). */
  cause?: unknown;
}

/** A failure of a connection, listener, UDP endpoint or ping; Node-like `code`, `errno`, `syscall`. */
export class NetError extends Error {
  /** Always "NetError". */
  override readonly name = 'NetError';
  /** The POSIX name of the condition, e.g. 'ECONNREFUSED'. */
  readonly code: NetErrorCode;
  /** Linux's errno for `code`, negative as in Node (ECONNREFUSED is -111). */
  readonly errno: number;
  /** The operation that failed, as Node names it: 'connect', 'read', 'write', 'listen', 'bind'... */
  readonly syscall: string;
  /** The address involved, dotted, when there is one. */
  readonly address: string | undefined;
  /** The port involved, when there is one. */
  readonly port: number | undefined;

  /** An error for `init.code` during `init.syscall`, with the Node-style message and the hint. */
  constructor(init: NetErrorInit) {
    const where = init.address === undefined ? '' : init.port === undefined ? ` ${init.address}` : ` ${init.address}:${init.port}`;
    super(`${init.syscall} ${init.code}${where}${init.hint === undefined ? '' : `: ${init.hint}`}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.errno = ERRNO[init.code];
    this.syscall = init.syscall;
    this.address = init.address;
    this.port = init.port;
  }
}
