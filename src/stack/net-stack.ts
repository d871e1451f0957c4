// The self-driving stack: an Interface, its SocketSet and a Device, polled by a Runner (src/runner) on
// the device's readiness, on the interface's next deadline and whenever application code reads or
// writes, with the application API on top: connectTcp, listenTcp, openUdp, ping.
//
// Readiness: a WaitableDevice (tap, raw socket) is waited on; a device with an `onReadable` hook
// (LinkedDevice, MessageDevice) wakes the runner from it; middleware (FaultInjector, Tracer,
// PcapWriter) is looked through to the device it wraps. A read or write wakes the runner too; wakes
// coalesce (one poll per turn of the microtask queue however many writes came), and an idle stack runs
// no timer beyond the interface's own deadline.
//
// Memory is bounded by the options: the socket set's slots, the TCP sockets for outbound connections,
// each listener's pool, each socket's rings; nothing grows with traffic.
//
// Portable: timers, microtasks, Web Streams and AbortSignal only (no `node:` import), so it runs in
// browsers, Deno, Bun and Node alike.

import { Interface, type InterfaceOptions } from '../iface/interface.js';
import type { Logger, LogLevel } from '../iface/logger.js';
import { NO_ROUTE } from '../iface/route-table.js';
import type { Device, WaitableDevice } from '../phy/device.js';
import { DeviceWrapper } from '../phy/device-wrapper.js';
import { Runner } from '../runner/runner.js';
import { IcmpSocket } from '../socket/icmp.js';
import { SocketSet } from '../socket/socket-set.js';
import { IpEndpoint } from '../socket/socket.js';
import type { PacketBufferSize } from '../socket/buffers.js';
import { TcpListener } from '../socket/tcp/listener.js';
import type { RtoConfig } from '../socket/tcp/rtt.js';
import { TcpSocket, TcpState, type TcpSocketOptions } from '../socket/tcp/socket.js';
import { UdpSocket } from '../socket/udp.js';
import { RingBuffer } from '../storage/ring-buffer.js';
import { now as wallClock, type Instant } from '../time.js';
import { internetChecksum } from '../wire/checksum.js';
import { Ipv4Cidr, parseIpv4 } from '../wire/ipv4-address.js';
import { NetError } from './errors.js';
import { TcpConnection, type ConnectionOwner } from './tcp-connection.js';
import { TcpServer, type ServerOwner } from './tcp-server.js';
import { UdpEndpoint, type UdpOwner } from './udp-endpoint.js';

/** The TCP settings of a NetStack's sockets (times in milliseconds). */
export interface NetStackTcpOptions {
  /** Receive ring per socket, bytes (bounds the window offered). Default 64 KiB. */
  rxBufferSize?: number;
  /** Send ring per socket, bytes. Default 64 KiB. */
  txBufferSize?: number;
  /** Outbound connections (connectTcp) at once, TIME-WAIT included. Default 16. */
  maxConnections?: number;
  /** Nagle's algorithm; default on (setNoDelay() turns it off per connection). */
  nagle?: boolean;
  /** Delayed ACK, ms (0: none). Default 10. */
  ackDelay?: number;
  /** How long TIME-WAIT lasts, ms. Default 10 000 (a TIME-WAIT socket is reused early when one is needed). */
  timeWait?: number;
  /** SYN retransmissions before connect fails with ETIMEDOUT. Default 6. */
  synRetries?: number;
  /** User timeout, ms: a connection whose peer stays silent this long with data outstanding fails with ETIMEDOUT. Default none. */
  userTimeout?: number;
  /** Congestion control: 'newreno' (default), 'cubic' or 'none'. */
  congestion?: 'newreno' | 'cubic' | 'none';
  /** Selective acknowledgements (RFC 2018); default true. */
  sack?: boolean;
  /** Tail loss probes (RFC 8985); default true. */
  tailLossProbe?: boolean;
  /** How long, ms, a connection closed with close() waits for the peer's FIN before it is aborted. Default 60 000 (Linux's tcp_fin_timeout). */
  finTimeout?: number;
  /** Retransmission timeout bounds, ms (RFC 6298): before the first sample, lower and upper bound. Default 1000, 200, 60 000. */
  rto?: { initial?: number; min?: number; max?: number };
}

/** What a NetStack is built from: the device, our addresses, the sizes of everything it keeps. */
export interface NetStackOptions {
  /** The device: a LinkedDevice, MessageDevice, Loopback, TapInterface, RawSocket, or middleware over one. */
  device: Device;
  /** Our IPv4 address with its prefix length, e.g. '10.0.0.1/24'. */
  address: string;
  /** Our Ethernet address, e.g. '02:00:00:00:00:01'. Default: a random locally administered one. */
  mac?: string | number;
  /** The default gateway, e.g. '10.0.0.254'. */
  gateway?: string | null;
  /** Slots of the socket set: connections, listeners, UDP endpoints and the ping socket together. Default 64. */
  maxSockets?: number;
  /** TCP settings and buffer sizes. */
  tcp?: NetStackTcpOptions;
  /** Receive and transmit buffers of each UDP endpoint. Default 16 datagrams and 16 KiB each way. */
  udp?: { rx?: PacketBufferSize; tx?: PacketBufferSize };
  /** Further interface settings (neighbour cache, reassembly, routes...). */
  interface?: Partial<InterfaceOptions>;
  /** What to wait on for frames when the stack cannot find it by itself. Default: found from `device`. */
  waitOn?: WaitableDevice | null;
  /** The clock, µs. Default: the wall clock. */
  clock?: () => Instant;
  /** Where the interface's log events go. */
  logger?: Logger;
  /** The interface's log level (default Trace when a logger is given). */
  logLevel?: LogLevel;
  /** Aborting it closes the stack (as close()). */
  signal?: AbortSignal;
}

/** What connectTcp takes. */
export interface ConnectTcpOptions {
  /** The peer's IPv4 address, dotted. */
  host: string;
  /** The peer's port. */
  port: number;
  /** Our port; default an unused one from 49152 to 65535. */
  localPort?: number;
  /** Aborting it fails the connect (with the signal's reason) or aborts the connection. */
  signal?: AbortSignal;
  /** Milliseconds for the handshake before connect fails with ETIMEDOUT. Default: the SYN retries' own. */
  timeout?: number;
}

/** What listenTcp takes. */
export interface ListenTcpOptions {
  /** The port to listen on. */
  port: number;
  /** The local address to listen on, dotted; default every address of the stack. */
  host?: string;
  /** Connections that may wait to be accepted. Default 16. */
  backlog?: number;
  /** Connections at once, accepted and waiting together (the listener's socket pool). Default 2 × backlog. */
  maxConnections?: number;
}

/** What openUdp takes. */
export interface OpenUdpOptions {
  /** The local port; default an unused one from 49152 to 65535. */
  port?: number;
  /** The local address to bind, dotted; default every address of the stack. */
  host?: string;
}

/** What ping takes. */
export interface PingOptions {
  /** Milliseconds to wait for the reply before failing with ETIMEDOUT. Default 1000. */
  timeout?: number;
  /** Bytes of payload in the echo request. Default 56 (as ping(8)). */
  size?: number;
  /** Aborting it fails the ping with the signal's reason. */
  signal?: AbortSignal;
}

const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;
const ICMP_ECHO_REQUEST = 8;
const ICMP_ECHO_REPLY = 0;

/** A ping waiting for its reply. */
interface PendingPing {
  seq: number;
  sentAt: Instant;
  resolve: (rttMs: number) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

function randomMac(): number {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  // Locally administered, unicast (IEEE 802 address bits of the first octet).
  bytes[0] = (bytes[0]! & 0xfc) | 0x02;
  let mac = 0;
  for (const b of bytes) mac = mac * 256 + b;
  return mac;
}

/**
 * A TCP/IP stack that runs by itself: give it a device and an address, then `connectTcp`, `listenTcp`,
 * `openUdp` and `ping`. It polls its interface on the device's readiness, the interface's deadlines and
 * the application's reads and writes; close() (or the signal) stops it.
 */
export class NetStack {
  /** The interface it polls (counters, neighbour cache, routes). */
  readonly iface: Interface;
  /** Its sockets. */
  readonly sockets: SocketSet;
  /** The device it polls the interface with. */
  readonly device: Device;
  /** The runner that polls (its counters say how often it polled and why it woke). */
  readonly runner: Runner;
  /** Resolves when the stack has stopped; rejects when it stopped because the device failed. */
  readonly closed: Promise<void>;
  /** Our IPv4 address, dotted. */
  readonly address: string;

  private readonly cidr: Ipv4Cidr;
  private readonly tcp: NetStackTcpOptions;
  private readonly udpBuffers: { rx?: PacketBufferSize; tx?: PacketBufferSize };
  private readonly stop = new AbortController();
  private readonly clock: () => Instant;
  private readonly connections: TcpConnection[] = [];
  private readonly servers: TcpServer[] = [];
  private readonly udps: UdpEndpoint[] = [];
  /** Outbound sockets whose connection is over, still in the set until CLOSED (FIN, RST, TIME-WAIT). */
  private readonly lingering: TcpSocket[] = [];
  /** Outbound sockets free for the next connectTcp. */
  private readonly freeSockets: TcpSocket[] = [];
  private outboundSockets = 0;
  private readonly handles = new Map<TcpSocket, number>();
  private readonly serverHandles = new Map<TcpServer, number>();
  private readonly udpHandles = new Map<UdpEndpoint, number>();
  private readonly tcpPorts = new Set<number>();
  private readonly udpPorts = new Set<number>();
  private nextEphemeral = 0;
  private pingSocket: IcmpSocket | null = null;
  private readonly pingIdent: number;
  private pingSeq = 0;
  private readonly pings: PendingPing[] = [];
  private readonly pingBuffer = new Uint8Array(65535);
  private readonly pingFrom = new IpEndpoint();
  private stopping = false;
  /**
   * The in-memory queue under the device (LinkedDevice, MessageDevice, Loopback), if any. A poll may
   * leave frames in it (middleware such as a FaultInjector ends a poll's receiving at a dropped frame, a
   * Loopback has no onReadable at all), and no new arrival would announce them: the stack polls again.
   */
  private readonly queue: { readonly queued: number } | null = null;

  /** Builds the interface and starts polling; throws IfaceError or AddressParseError for a bad address. */
  constructor(options: NetStackOptions) {
    this.device = options.device;
    this.cidr = Ipv4Cidr.from(options.address);
    this.address = this.cidr.address.toString();
    this.iface = new Interface({
      ...options.interface,
      hardwareAddr: options.mac ?? randomMac(),
      addresses: [options.address],
      defaultGateway: options.gateway ?? null,
      logger: options.logger,
      logLevel: options.logLevel,
    });
    this.sockets = new SocketSet(options.maxSockets ?? 64);
    this.tcp = options.tcp ?? {};
    this.udpBuffers = options.udp ?? {};
    this.clock = options.clock ?? wallClock;
    const random = new Uint16Array(2);
    globalThis.crypto.getRandomValues(random);
    this.pingIdent = random[0]!;
    this.nextEphemeral = random[1]! % EPHEMERAL_COUNT;
    // Look through middleware to the device that knows when a frame arrives.
    let inner: Device = options.device;
    while (inner instanceof DeviceWrapper) inner = inner.inner;
    if (typeof (inner as { queued?: unknown }).queued === 'number') this.queue = inner as unknown as { readonly queued: number };
    let waitOn: WaitableDevice | null | undefined = options.waitOn;
    if (waitOn === undefined) {
      if (typeof (inner as Partial<WaitableDevice>).waitReadable === 'function') waitOn = inner as WaitableDevice;
      else {
        waitOn = null;
        if ('onReadable' in inner) (inner as { onReadable: (() => void) | null }).onReadable = this.wake;
      }
    }
    this.runner = new Runner(this.iface, this.device, this.sockets, { waitOn, clock: this.clock, onPoll: this.afterPoll });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.stop.abort();
      else signal.addEventListener('abort', () => void this.close(), { once: true });
    }
    this.closed = this.runner.run(this.stop.signal).then(
      () => this.shutDown(null),
      (error: unknown) => {
        this.shutDown(error);
        throw error;
      },
    );
    this.closed.catch(() => {});
  }

  /** Asks for a poll soon: cheap, coalesced, safe at any time. */
  readonly wake = (): void => {
    this.runner.wake();
  };

  /**
   * Opens a TCP connection to `host`:`port`; resolves once the handshake completes. Rejects with a
   * NetError: ECONNREFUSED (the SYN was answered by RST), ETIMEDOUT (no answer within `timeout` or the
   * SYN retries), ENETUNREACH (no route), EHOSTUNREACH (no answer to ARP, or an ICMP host unreachable), EADDRINUSE (`localPort` taken), ENOBUFS (no socket free); or
   * with the signal's reason.
   */
  async connectTcp(options: ConnectTcpOptions): Promise<TcpConnection> {
    const { host, port, signal } = options;
    const addr = this.resolve(host, port, 'connect');
    signal?.throwIfAborted();
    this.checkOpen('connect');
    if (!this.reachable(addr)) {
      throw new NetError({ code: 'ENETUNREACH', syscall: 'connect', address: host, port, hint: `no route: ${host} is not on ${this.cidr.toString()} and there is no gateway; give the stack a gateway or a route` });
    }
    const localPort = this.takeTcpPort(options.localPort, 'connect');
    let socket: TcpSocket;
    try {
      socket = this.takeSocket();
      socket.connect({ addr, port }, { addr: 0, port: localPort });
    } catch (error) {
      this.freeTcpPort(localPort);
      throw error;
    }
    const connection = new TcpConnection(this.owner, socket, null, addr, port, localPort, true);
    this.connections.push(connection);
    const opened = connection.opened(options.timeout);
    const onAbort = (): void => connection.fail(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.wake();
    try {
      return await opened;
    } finally {
      if (signal !== undefined) {
        signal.removeEventListener('abort', onAbort);
        // After the handshake the signal aborts the connection, as Node's net.connect({ signal }).
        if (!connection.done) {
          const abortOpen = (): void => connection.abort(signal.reason);
          signal.addEventListener('abort', abortOpen, { once: true });
          void connection.closed.then(
            () => signal.removeEventListener('abort', abortOpen),
            () => signal.removeEventListener('abort', abortOpen),
          );
        }
      }
    }
  }

  /**
   * Listens on `port`: an async iterable of accepted connections (`for await (const conn of
   * stack.listenTcp({ port: 80 }))`). Throws a NetError EADDRINUSE when the port is taken, ENOBUFS when
   * the socket set is full.
   */
  listenTcp(options: ListenTcpOptions): TcpServer {
    const { port } = options;
    const address = options.host ?? '0.0.0.0';
    const addr = this.resolve(address, port, 'listen');
    this.checkOpen('listen');
    const backlog = options.backlog ?? 16;
    const size = options.maxConnections ?? backlog * 2;
    if (!Number.isInteger(backlog) || backlog < 1 || !Number.isInteger(size) || size < backlog) {
      throw new NetError({ code: 'EINVAL', syscall: 'listen', address, port, hint: `backlog ${backlog} and maxConnections ${size} do not fit: give a positive backlog and maxConnections of at least the backlog` });
    }
    this.takeTcpPort(port, 'listen');
    const pool: TcpSocket[] = [];
    for (let i = 0; i < size; i++) pool.push(this.makeSocket());
    const listener = new TcpListener({ pool, backlog });
    let handle: number;
    try {
      handle = this.addSocket(listener, 'listen', address, port);
    } catch (error) {
      this.freeTcpPort(port);
      throw error;
    }
    listener.listen({ addr, port });
    const server = new TcpServer(this.owner, listener, address, port, size);
    this.servers.push(server);
    this.serverHandles.set(server, handle);
    return server;
  }

  /**
   * Binds a UDP port: `readable` of received datagrams, `send(data, host, port)`. Throws a NetError
   * EADDRINUSE when the port is taken, ENOBUFS when the socket set is full.
   */
  openUdp(options: OpenUdpOptions = {}): UdpEndpoint {
    const address = options.host ?? '0.0.0.0';
    let port = options.port;
    const addr = this.resolve(address, port ?? 1, 'bind');
    this.checkOpen('bind');
    if (port === undefined) {
      port = this.ephemeral((p) => this.udpPorts.has(p));
    } else if (this.udpPorts.has(port)) {
      throw new NetError({ code: 'EADDRINUSE', syscall: 'bind', address, port, hint: 'this stack already has a UDP endpoint on that port; close it or pick another' });
    }
    const socket = new UdpSocket({ rx: this.udpBuffers.rx, tx: this.udpBuffers.tx });
    socket.bind(port, addr);
    const handle = this.addSocket(socket, 'bind', address, port);
    this.udpPorts.add(port);
    const endpoint = new UdpEndpoint(this.owner, socket, address, port);
    this.udps.push(endpoint);
    this.udpHandles.set(endpoint, handle);
    return endpoint;
  }

  /**
   * Sends an ICMP echo request to `host`; resolves with the round-trip time in milliseconds. Rejects
   * with a NetError ETIMEDOUT when no reply comes within `timeout`, ENETUNREACH without a route (as Linux's ping says "Network is unreachable").
   */
  ping(host: string, options: PingOptions = {}): Promise<number> {
    const addr = this.resolve(host, 0, 'ping');
    const size = options.size ?? 56;
    const timeout = options.timeout ?? 1000;
    const signal = options.signal;
    signal?.throwIfAborted();
    this.checkOpen('ping');
    if (!this.reachable(addr)) {
      throw new NetError({ code: 'ENETUNREACH', syscall: 'ping', address: host, hint: `no route: ${host} is not on ${this.cidr.toString()} and there is no gateway` });
    }
    if (!Number.isInteger(size) || size < 0 || size > 1472) {
      throw new NetError({ code: 'EMSGSIZE', syscall: 'ping', address: host, hint: `a payload of ${size} bytes is not supported; give 0 to 1472` });
    }
    const socket = this.icmp();
    const seq = (this.pingSeq = (this.pingSeq + 1) & 0xffff);
    const message = this.pingBuffer;
    message[0] = ICMP_ECHO_REQUEST;
    message[1] = 0;
    message[2] = message[3] = 0;
    message[4] = this.pingIdent >> 8;
    message[5] = this.pingIdent & 0xff;
    message[6] = seq >> 8;
    message[7] = seq & 0xff;
    for (let i = 0; i < size; i++) message[8 + i] = i & 0xff;
    const sum = internetChecksum(message, 0, 8 + size);
    message[2] = sum >> 8;
    message[3] = sum & 0xff;
    if (!socket.canSend(8 + size)) {
      throw new NetError({ code: 'ENOBUFS', syscall: 'ping', address: host, hint: 'too many pings are waiting to go out; await some first' });
    }
    socket.send(message, 0, 8 + size, addr);
    return new Promise<number>((resolve, reject) => {
      const pending: PendingPing = {
        seq,
        sentAt: this.clock(),
        resolve,
        reject,
        timer: setTimeout(() => {
          this.dropPing(pending);
          reject(new NetError({ code: 'ETIMEDOUT', syscall: 'ping', address: host, hint: `no echo reply within ${timeout} ms` }));
        }, timeout),
      };
      this.pings.push(pending);
      signal?.addEventListener(
        'abort',
        () => {
          if (this.dropPing(pending)) reject(signal.reason);
        },
        { once: true },
      );
      this.wake();
    });
  }

  /**
   * Stops the stack: connections fail with ECONNABORTED (an RST goes to each synchronized peer),
   * listeners and UDP endpoints close, pings reject; resolves when polling has stopped (as `closed`).
   */
  close(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.abortEverything(null);
      // One last poll so the RSTs go out, then the runner stops at the end of its turn.
      this.wake();
      queueMicrotask(() => this.stop.abort());
    }
    return this.closed.catch(() => {});
  }

  // ---------------------------------------------------------------------------------------------
  // What connections, servers and endpoints call back (ConnectionOwner, ServerOwner, UdpOwner)

  private readonly owner: ConnectionOwner & ServerOwner & UdpOwner = {
    wake: this.wake,
    finTimeout: (): number => this.tcp.finTimeout ?? 60_000,
    // A connection is over: its socket goes back to its listener, or lingers until CLOSED.
    release: (socket: TcpSocket, server: object | null): void => {
      if (server !== null) (server as TcpServer).releaseSocket(socket);
      else this.lingering.push(socket);
      this.wake();
    },
    // A connection over a socket a server's listener accepted.
    adopt: (server: TcpServer, socket: TcpSocket): TcpConnection => {
      const remote = socket.remoteEndpoint(new IpEndpoint())!;
      const connection = new TcpConnection(this.owner, socket, server, remote.addr, remote.port, socket.localPort, false);
      this.connections.push(connection);
      return connection;
    },
    releaseUdp: (endpoint: UdpEndpoint): void => {
      this.sockets.remove(this.udpHandles.get(endpoint)!);
      this.udpHandles.delete(endpoint);
      this.udpPorts.delete(endpoint.port);
      const i = this.udps.indexOf(endpoint);
      if (i >= 0) this.udps.splice(i, 1);
    },
    resolve: (host: string, port: number, syscall: string): number => this.resolve(host, port, syscall),
  };

  /** `host` as a u32; throws a NetError EINVAL when it is not a dotted IPv4 address or the port is bad. */
  private resolve(host: string, port: number, syscall: string): number {
    const addr = typeof host === 'string' ? parseIpv4(host) : null;
    if (typeof addr !== 'number') {
      throw new NetError({ code: 'EINVAL', syscall, address: String(host), hint: 'give a dotted IPv4 address such as 10.0.0.2 (this stack has no DNS resolver)' });
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new NetError({ code: 'EINVAL', syscall, address: host, port, hint: 'give a port from 1 to 65535' });
    }
    return addr;
  }

  // ---------------------------------------------------------------------------------------------

  /** After every poll: the connections, servers, endpoints and pings see what it changed. */
  private readonly afterPoll = (now: Instant): void => {
    const connections = this.connections;
    for (let i = 0; i < connections.length; i++) connections[i]!.service();
    for (let i = connections.length - 1; i >= 0; i--) {
      if (connections[i]!.done) {
        connections[i] = connections[connections.length - 1]!;
        connections.pop();
      }
    }
    const servers = this.servers;
    for (let i = servers.length - 1; i >= 0; i--) {
      const server = servers[i]!;
      server.service();
      if (server.finished) {
        this.sockets.remove(this.serverHandles.get(server)!);
        this.serverHandles.delete(server);
        this.freeTcpPort(server.port);
        servers.splice(i, 1);
      }
    }
    const udps = this.udps;
    for (let i = 0; i < udps.length; i++) udps[i]!.service();
    if (this.pingSocket !== null) this.receivePings();
    this.reclaimLingering();
    if (this.queue !== null && this.queue.queued > 0) this.runner.wake();
  };

  private reclaimLingering(): void {
    const lingering = this.lingering;
    if (lingering.length === 0) return;
    const t = this.clock();
    for (let i = lingering.length - 1; i >= 0; i--) {
      const socket = lingering[i]!;
      if (socket.state === TcpState.Closed && socket.pollAt(t) === null) {
        lingering.splice(i, 1);
        this.retire(socket);
      }
    }
  }

  /** Takes a CLOSED outbound socket out of the set and keeps it for the next connect. */
  private retire(socket: TcpSocket): void {
    this.freeTcpPort(socket.localPort);
    this.sockets.remove(this.handles.get(socket)!);
    this.handles.delete(socket);
    this.freeSockets.push(socket);
  }

  private receivePings(): void {
    const socket = this.pingSocket!;
    const buffer = this.pingBuffer;
    for (let n = socket.recv(buffer, 0, buffer.length, this.pingFrom); n >= 0; n = socket.recv(buffer, 0, buffer.length, this.pingFrom)) {
      if (n < 8 || buffer[0] !== ICMP_ECHO_REPLY) continue;
      if (((buffer[4]! << 8) | buffer[5]!) !== this.pingIdent) continue;
      const seq = (buffer[6]! << 8) | buffer[7]!;
      const pending = this.pings.find((p) => p.seq === seq);
      if (pending === undefined) continue;
      this.dropPing(pending);
      pending.resolve((this.clock() - pending.sentAt) / 1000);
    }
  }

  private dropPing(pending: PendingPing): boolean {
    const i = this.pings.indexOf(pending);
    if (i < 0) return false;
    this.pings.splice(i, 1);
    clearTimeout(pending.timer);
    return true;
  }

  private icmp(): IcmpSocket {
    if (this.pingSocket === null) {
      const socket = new IcmpSocket();
      socket.bindIdent(this.pingIdent);
      this.addSocket(socket, 'ping', this.address, undefined);
      this.pingSocket = socket;
    }
    return this.pingSocket;
  }

  /** Everything fails or closes: the stack is closing (error null) or its device failed. */
  private abortEverything(cause: unknown): void {
    const error = new NetError({
      code: 'ECONNABORTED',
      syscall: 'read',
      hint: cause === null ? 'the stack was closed' : 'the stack stopped: its device failed',
      cause: cause ?? undefined,
    });
    for (const connection of this.connections.slice()) connection.fail(error);
    for (const server of this.servers) server.close();
    for (const endpoint of this.udps.slice()) endpoint.close();
    for (const pending of this.pings.slice()) {
      this.dropPing(pending);
      pending.reject(error);
    }
  }

  private shutDown(cause: unknown): void {
    this.stopping = true;
    this.abortEverything(cause);
  }

  private checkOpen(syscall: string): void {
    if (this.stopping) throw new NetError({ code: 'ECONNABORTED', syscall, hint: 'the stack is closed; make a new NetStack' });
  }

  /** Whether a datagram to `addr` has somewhere to go: on our subnet, or a route or gateway for it. */
  private reachable(addr: number): boolean {
    return this.cidr.contains(addr) || this.iface.routes.lookup(addr | 0) !== NO_ROUTE;
  }

  private makeSocket(): TcpSocket {
    const t = this.tcp;
    const options: TcpSocketOptions = {
      rxBuffer: new RingBuffer(t.rxBufferSize ?? 64 * 1024),
      txBuffer: new RingBuffer(t.txBufferSize ?? 64 * 1024),
      nagle: t.nagle ?? true,
      ackDelay: (t.ackDelay ?? 10) * 1000,
      timeWait: (t.timeWait ?? 10_000) * 1000,
      synRetries: t.synRetries ?? 6,
      timeout: t.userTimeout === undefined ? null : t.userTimeout * 1000,
      congestion: t.congestion ?? 'newreno',
      sack: t.sack ?? true,
      tailLossProbe: t.tailLossProbe ?? true,
    };
    if (t.rto !== undefined) {
      const rto: Partial<RtoConfig> = {};
      if (t.rto.initial !== undefined) rto.initial = t.rto.initial * 1000;
      if (t.rto.min !== undefined) rto.min = t.rto.min * 1000;
      if (t.rto.max !== undefined) rto.max = t.rto.max * 1000;
      options.rto = rto;
    }
    return new TcpSocket(options);
  }

  /** A closed socket for connectTcp, in the socket set: a free one, a new one, or one out of TIME-WAIT. */
  private takeSocket(): TcpSocket {
    let socket = this.freeSockets.pop();
    if (socket === undefined && this.outboundSockets < (this.tcp.maxConnections ?? 16)) {
      socket = this.makeSocket();
      this.outboundSockets++;
    }
    if (socket === undefined) {
      // Under pressure a TIME-WAIT socket is reused early (as Linux's tcp_tw_reuse).
      const i = this.lingering.findIndex((s) => s.state === TcpState.TimeWait || s.state === TcpState.Closed);
      if (i >= 0) {
        const old = this.lingering.splice(i, 1)[0]!;
        old.abort();
        this.retire(old);
        socket = this.freeSockets.pop()!;
      }
    }
    if (socket === undefined) {
      throw new NetError({ code: 'ENOBUFS', syscall: 'connect', hint: `all ${this.tcp.maxConnections ?? 16} outbound TCP sockets are in use; close connections first or give the stack a larger tcp.maxConnections` });
    }
    this.handles.set(socket, this.addSocket(socket, 'connect', undefined, undefined));
    return socket;
  }

  private addSocket(socket: TcpSocket | TcpListener | UdpSocket | IcmpSocket, syscall: string, address: string | undefined, port: number | undefined): number {
    if (this.sockets.size >= this.sockets.capacity) {
      throw new NetError({ code: 'ENOBUFS', syscall, address, port, hint: `all ${this.sockets.capacity} socket slots of the stack are in use; close something first or give the stack a larger maxSockets` });
    }
    return this.sockets.add(socket);
  }

  /** Reserves a local TCP port: `port` (EADDRINUSE when taken) or an ephemeral one. */
  private takeTcpPort(port: number | undefined, syscall: string): number {
    if (port === undefined) port = this.ephemeral((p) => this.tcpPorts.has(p));
    else if (this.tcpPorts.has(port)) {
      throw new NetError({ code: 'EADDRINUSE', syscall, address: '0.0.0.0', port, hint: 'the port is in use on this stack (a listener or a connection); close it or pick another' });
    }
    this.tcpPorts.add(port);
    return port;
  }

  private freeTcpPort(port: number): void {
    this.tcpPorts.delete(port);
  }

  private ephemeral(taken: (port: number) => boolean): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = EPHEMERAL_FIRST + ((this.nextEphemeral + i) % EPHEMERAL_COUNT);
      if (!taken(port)) {
        this.nextEphemeral = (port - EPHEMERAL_FIRST + 1) % EPHEMERAL_COUNT;
        return port;
      }
    }
    throw new NetError({ code: 'EADDRINUSE', syscall: 'bind', hint: 'every ephemeral port is in use' });
  }
}

