// What every socket kind shares, and the contract between sockets and the interface (smoltcp's
// `AnySocket` and `dispatch` closures, without closures). Sockets never touch a device or the
// interface's internals: the interface hands a socket the packets it accepts (each kind has its own
// `accepts`/`process` pair, typed with the reprs of its protocol) and asks every socket for packets with
// `dispatch(now, emitter)`, passing a PacketEmitter it owns. The emitter builds the frame around what the
// socket describes (routing, neighbour resolution, fragmentation, checksums) and says what became of it.
//
// A TCP socket (src/socket/tcp/) plugs in by implementing TcpSocketContract below; the interface looks
// for it by `kind` and calls it as the contract says.

import type { Icmpv4Repr } from '../wire/icmpv4.js';
import type { Ipv4Repr } from '../wire/ipv4.js';
import type { TcpRepr } from '../wire/tcp.js';
import type { UdpRepr } from '../wire/udp.js';
import type { Instant } from '../time.js';

/** Which kind of socket an object is: the interface dispatches on it. */
export enum SocketKind {
  /** UdpSocket. */
  Udp = 1,
  /** IcmpSocket. */
  Icmp = 2,
  /** RawIpSocket. */
  Raw = 3,
  /** A TCP socket or listener (TcpSocketContract). */
  Tcp = 4,
}

/** An IPv4 address (u32) and a port: a mutable value the caller owns, filled in by recv calls. */
export class IpEndpoint {
  /** u32; 0 means "any" (unspecified) where a local endpoint is meant. */
  addr = 0;
  /** 0 to 65535; 0 where no port applies (ICMP). */
  port = 0;

  /** An endpoint of `addr` (u32 or int32) and `port`. */
  constructor(addr = 0, port = 0) {
    this.addr = addr >>> 0;
    this.port = port;
  }

  /** Sets both fields; returns this. */
  set(addr: number, port: number): this {
    this.addr = addr >>> 0;
    this.port = port;
    return this;
  }
}

/** What became of a packet a socket handed to the emitter. */
export enum EmitResult {
  /**
   * Sent, or queued by the interface until its next hop's Ethernet address is known: the socket is
   * done with it (dequeue it).
   */
  Sent = 0,
  /**
   * Not now: the device has no room, or the next hop is being resolved and its waiting queue is full.
   * Keep the packet and stop dispatching; the interface calls again later.
   */
  Busy = 1,
  /**
   * Dropped for good (no route, larger than can be sent): the interface counted and logged it. Dequeue
   * it as if sent.
   */
  Dropped = 2,
}

/**
 * Owned by the interface and passed to `dispatch`. Each call describes one IPv4 packet: `ip.srcAddr` may
 * be 0 (the interface picks the address of the outgoing subnet), `ip.payloadLength` is filled in by the
 * emitter, `ip.protocol` must match the call. The reprs' payloads may point into the socket's own
 * buffers: they are copied into the frame before the call returns.
 */
export interface PacketEmitter {
  /** The largest IPv4 packet one frame of the device carries (its MTU less the link header): TCP's MSS is this less 40. */
  readonly ipMtu: number;
  /** A UDP datagram: `udp`'s ports and payload; the checksum is the interface's. */
  emitUdp(ip: Ipv4Repr, udp: UdpRepr): EmitResult;
  /** An ICMP message from its repr; the checksum is the interface's. */
  emitIcmp(ip: Ipv4Repr, icmp: Icmpv4Repr): EmitResult;
  /** A TCP segment from its repr (options, payload); the checksum is the interface's. */
  emitTcp(ip: Ipv4Repr, tcp: TcpRepr): EmitResult;
  /** `bytes[offset, offset + length)` as the IP payload, verbatim (e.g. an ICMP socket's message). */
  emitIpPayload(ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): EmitResult;
  /**
   * A whole IPv4 packet (a raw socket's), header included: the interface routes it by its destination,
   * fills a zero source address and the header checksum, and leaves the rest as it is.
   */
  emitIpPacket(bytes: Uint8Array, offset: number, length: number): EmitResult;
}

/**
 * Per-socket state the interface keeps on the socket (smoltcp's SocketMeta): while a socket's next hop
 * is unresolved and its waiting queue is full, the interface does not ask it again before
 * `silentUntil` or before the neighbour is learned. Sockets create one and never touch it.
 */
export class SocketMeta {
  /** The next hop (as an int32) the socket waits for, or 0. */
  waitingFor = 0;
  /** No dispatch before this instant while `waitingFor` is unresolved. */
  silentUntil = 0;
}

/** What the socket set and the interface need of every socket. */
export interface Socket {
  /** Which kind it is: the interface hands it packets of that kind. */
  readonly kind: SocketKind;
  /** A SocketMeta of its own, which only the interface touches. */
  readonly meta: SocketMeta;
  /**
   * Hands the packets the socket wants to send to `emitter`, as many as it takes (stop at Busy).
   * Returns whether anything was emitted or dropped.
   */
  dispatch(now: Instant, emitter: PacketEmitter): boolean;
  /**
   * When the socket next needs `dispatch`: an instant (at or before `now`: at once), or null when only
   * something arriving or a user call can give it work.
   */
  pollAt(now: Instant): Instant | null;
}

/**
 * What an ICMP error says of a TCP connection's path (see TcpSocketContract.icmpError): the peer's port or
 * protocol is closed ('refused'), or the host or the network cannot be reached.
 */
export type TcpUnreachable = 'refused' | 'host-unreachable' | 'net-unreachable';

/**
 * The contract a TCP socket (or a listener with a backlog, which holds its pool of sockets) implements
 * to plug into the socket set and the interface.
 *
 * For a received segment the interface calls `accepts` on each TCP socket in the set, in handle order,
 * and `process` on the first that accepts; `ip` and `tcp` are the interface's reused reprs, valid only
 * during the call (`tcp.payload` points into the received frame: copy what you keep). `process` returns
 * a segment to send back at once (to `ip.srcAddr` from `ip.dstAddr`, e.g. an ACK or a RST) or null; the
 * returned repr is the socket's own, and its payload may point into the socket's buffers. When no socket
 * accepts, the interface answers with a RST itself (RFC 9293 section 3.10.7.1) and counts "no socket".
 * Timers and queued data go out through `dispatch` (with `emitter.emitTcp`), scheduled by `pollAt`.
 */
export interface TcpSocketContract extends Socket {
  /** Always SocketKind.Tcp. */
  readonly kind: SocketKind.Tcp;
  /** Whether the segment `tcp` in the datagram `ip` is this socket's (its connection, or a SYN it listens for). */
  accepts(ip: Ipv4Repr, tcp: TcpRepr): boolean;
  /** Takes the segment (after accepts); a segment to send back at once, or null. */
  process(now: Instant, ip: Ipv4Repr, tcp: TcpRepr): TcpRepr | null;
  /**
   * An ICMP error quoting one of this socket's segments (or a datagram of its dropped because the next
   * hop never answered ARP): `ip` and `tcp` name the connection as a segment from the peer would (for
   * accepts, and for a listener to find the connection), `seq` is the quoted segment's sequence number.
   * Optional: a socket without it does not hear of ICMP errors.
   */
  icmpError?(ip: Ipv4Repr, tcp: TcpRepr, seq: number, cause: TcpUnreachable): void;
}
