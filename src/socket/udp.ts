// A UDP socket (smoltcp's udp::Socket): bound to a local port (and optionally one local address), it
// queues received datagrams with their remote endpoint and sends datagrams to any endpoint, broadcast
// included (RFC 919, RFC 922). Datagrams wait in PacketBuffers whose sizes the caller chooses; a
// datagram arriving to a full receive buffer is dropped and counted (as a full socket buffer in Linux).

import { IpProtocol } from '../../generated/index.js';
import { Ipv4Repr } from '../wire/ipv4.js';
import { UdpRepr } from '../wire/udp.js';
import type { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';
import { makePacketBuffer, type DatagramSocketBuffers } from './buffers.js';
import { SocketError } from './errors.js';
import { EmitResult, SocketKind, SocketMeta, type IpEndpoint, type PacketEmitter, type Socket } from './socket.js';

/** The most payload an IPv4 UDP datagram carries: 65535 minus the IPv4 and UDP headers. */
export const UDP_MAX_DATAGRAM_PAYLOAD = 65535 - 20 - 8;

export interface UdpSocketOptions extends DatagramSocketBuffers {
  /** TTL of the datagrams sent; default: the interface's. */
  hopLimit?: number;
}

// Metadata words per datagram: the remote address (int32 bits) and port.
const ADDR = 0;
const PORT = 1;
const WORDS = 2;

export class UdpSocket implements Socket {
  readonly kind = SocketKind.Udp;
  readonly meta = new SocketMeta();
  /** Datagrams dropped because the receive buffer was full (or could not hold them at all). */
  rxDropped = 0;
  /** Datagrams queued for recv(). */
  rxPackets = 0;
  /** Datagrams handed to the interface. */
  txPackets = 0;
  private localAddr = 0;
  private localPort = 0;
  private readonly hopLimit: number;
  private readonly rx: PacketBuffer;
  private readonly tx: PacketBuffer;
  private readonly ipRepr = new Ipv4Repr();
  private readonly udpRepr = new UdpRepr();

  constructor(options: UdpSocketOptions = {}) {
    this.rx = makePacketBuffer('UdpSocket rx', options.rx, WORDS);
    this.tx = makePacketBuffer('UdpSocket tx', options.tx, WORDS);
    const hopLimit = options.hopLimit ?? 0;
    if (!Number.isInteger(hopLimit) || hopLimit < 0 || hopLimit > 255) {
      throw new SocketError('ERR_SOCKET_BAD_OPTIONS', `UdpSocket: hopLimit must be an integer from 1 to 255, got ${hopLimit}; leave it out for the interface's.`);
    }
    this.hopLimit = hopLimit;
  }

  /**
   * Binds to local `port` (1 to 65535) and, when `addr` is not 0, to that local address only (then
   * only datagrams sent to it are received, and it is the source of what is sent).
   */
  bind(port: number, addr = 0): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SocketError('ERR_SOCKET_BAD_PORT', `UdpSocket.bind: port must be an integer from 1 to 65535, got ${port}; choose a port number.`);
    }
    if (this.localPort !== 0) {
      throw new SocketError('ERR_SOCKET_ALREADY_BOUND', `UdpSocket.bind: the socket is already bound to port ${this.localPort}; close() it first or use another socket.`);
    }
    this.localPort = port;
    this.localAddr = addr >>> 0;
  }

  /** Unbinds and drops every queued datagram. */
  close(): void {
    this.localPort = 0;
    this.localAddr = 0;
    this.rx.clear();
    this.tx.clear();
  }

  isOpen(): boolean {
    return this.localPort !== 0;
  }

  /** The bound port (0 when not bound). */
  get port(): number {
    return this.localPort;
  }

  /** The bound address (0: any). */
  get addr(): number {
    return this.localAddr;
  }

  /** Whether a datagram can be queued now (of `length` bytes, or any size when omitted). */
  canSend(length = 0): boolean {
    return this.tx.canEnqueue(length);
  }

  canRecv(): boolean {
    return !this.rx.isEmpty();
  }

  /** Datagrams waiting to be sent. */
  get sendQueue(): number {
    return this.tx.length;
  }

  /** Datagrams waiting to be received. */
  get recvQueue(): number {
    return this.rx.length;
  }

  /** The most payload one datagram can have with this socket's transmit buffer. */
  get maxPayload(): number {
    return Math.min(this.tx.payloadCapacity, UDP_MAX_DATAGRAM_PAYLOAD);
  }

  /**
   * Queues `bytes[offset, offset + length)` as one datagram to `addr`:`port` (255.255.255.255 or a
   * subnet's broadcast address broadcast). Throws SocketError: ERR_SOCKET_BUFFER_FULL when there is no
   * room now (try again after poll), ERR_SOCKET_PAYLOAD_TOO_LARGE when it can never fit.
   */
  send(bytes: Uint8Array, offset: number, length: number, addr: number, port: number): void {
    this.checkSend(length, addr, port);
    if (this.tx.enqueueSlice(bytes, offset, length) < 0) this.throwFull(length);
    this.setTxEndpoint(addr, port);
  }

  /**
   * Zero-copy send: reserves a datagram of `length` bytes to `addr`:`port` and returns the offset in
   * `sendStorage` where its payload goes (write it before the next poll). Throws as send().
   */
  sendSlot(length: number, addr: number, port: number): number {
    this.checkSend(length, addr, port);
    const at = this.tx.enqueue(length);
    if (at < 0) this.throwFull(length);
    this.setTxEndpoint(addr, port);
    return at;
  }

  private setTxEndpoint(addr: number, port: number): void {
    const meta = this.tx.lastSlot() * WORDS;
    this.tx.metadata[meta + ADDR] = addr | 0;
    this.tx.metadata[meta + PORT] = port;
  }

  private throwFull(length: number): never {
    throw new SocketError(
      'ERR_SOCKET_BUFFER_FULL',
      `UdpSocket.send: the transmit buffer has no room for ${length} more bytes now (${this.tx.length} datagrams queued); poll the interface to send them, or check canSend(length) first.`,
    );
  }

  /** The transmit buffer's storage, for sendSlot. */
  get sendStorage(): Uint8Array {
    return this.tx.payload.storage;
  }

  /**
   * Takes the oldest datagram: copies up to `length` bytes of it into `dst` at `offset`, fills `from`
   * with its sender when given, and returns the datagram's size (more than `length` when `dst` was too
   * short: the rest is lost, as with recvfrom(2)), or -1 when nothing is queued.
   */
  recv(dst: Uint8Array, offset: number, length: number, from?: IpEndpoint): number {
    const size = this.peek(dst, offset, length, from);
    if (size >= 0) this.rx.dequeue();
    return size;
  }

  /** Like recv without taking the datagram. */
  peek(dst: Uint8Array, offset: number, length: number, from?: IpEndpoint): number {
    if (this.rx.isEmpty()) return -1;
    if (from !== undefined) {
      const meta = this.rx.headSlot() * WORDS;
      from.addr = this.rx.metadata[meta + ADDR] >>> 0;
      from.port = this.rx.metadata[meta + PORT];
    }
    return this.rx.peekInto(dst, offset, length);
  }

  /**
   * Zero-copy receive: the offset in `recvStorage` of the oldest datagram's payload (recvLength() bytes,
   * contiguous), filling `from` with its sender, or -1 when nothing is queued. The bytes stay valid until
   * release().
   */
  peekSlot(from?: IpEndpoint): number {
    if (this.rx.isEmpty()) return -1;
    if (from !== undefined) {
      const meta = this.rx.headSlot() * WORDS;
      from.addr = this.rx.metadata[meta + ADDR] >>> 0;
      from.port = this.rx.metadata[meta + PORT];
    }
    return this.rx.headOffset();
  }

  /** The size of the oldest datagram (see peekSlot), or -1 when nothing is queued. */
  recvLength(): number {
    return this.rx.headLength();
  }

  /** Drops the oldest datagram (after peekSlot); nothing when none is queued. */
  release(): void {
    if (!this.rx.isEmpty()) this.rx.dequeue();
  }

  /** The receive buffer's storage, for peekSlot. */
  get recvStorage(): Uint8Array {
    return this.rx.payload.storage;
  }

  /** Whether a datagram sent to `ip.dstAddr`:`udp.dstPort` is this socket's. */
  accepts(ip: Ipv4Repr, udp: UdpRepr): boolean {
    if (this.localPort === 0 || udp.dstPort !== this.localPort) return false;
    return this.localAddr === 0 || this.localAddr === ip.dstAddr;
  }

  /** Queues a datagram the interface received (after accepts); false when it was dropped (buffer full). */
  process(_now: Instant, ip: Ipv4Repr, udp: UdpRepr): boolean {
    const slot = this.rx.enqueueSlice(udp.payload!, udp.payloadOffset, udp.payloadLength);
    if (slot < 0) {
      this.rxDropped++;
      return false;
    }
    const meta = slot * WORDS;
    this.rx.metadata[meta + ADDR] = ip.srcAddr | 0;
    this.rx.metadata[meta + PORT] = udp.srcPort;
    this.rxPackets++;
    return true;
  }

  dispatch(_now: Instant, emitter: PacketEmitter): boolean {
    const tx = this.tx;
    let any = false;
    while (!tx.isEmpty()) {
      const meta = tx.headSlot() * WORDS;
      const ip = this.ipRepr;
      ip.srcAddr = this.localAddr;
      ip.dstAddr = tx.metadata[meta + ADDR] >>> 0;
      ip.protocol = IpProtocol.Udp;
      ip.hopLimit = this.hopLimit;
      ip.dontFrag = false;
      const udp = this.udpRepr;
      udp.srcPort = this.localPort;
      udp.dstPort = tx.metadata[meta + PORT];
      udp.setPayload(tx.payload.storage, tx.headOffset(), tx.headLength());
      const result = emitter.emitUdp(ip, udp);
      if (result === EmitResult.Busy) break;
      tx.dequeue();
      if (result === EmitResult.Sent) this.txPackets++;
      any = true;
    }
    return any;
  }

  pollAt(now: Instant): Instant | null {
    return this.tx.isEmpty() ? null : now;
  }

  private checkSend(length: number, addr: number, port: number): void {
    if (this.localPort === 0) {
      throw new SocketError('ERR_SOCKET_UNBOUND', 'UdpSocket.send: the socket is not bound; call bind(port) first.');
    }
    if (addr === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SocketError(
        'ERR_SOCKET_BAD_ENDPOINT',
        `UdpSocket.send: cannot send to address ${addr >>> 0} port ${port}; give a non-zero IPv4 address and a port from 1 to 65535.`,
      );
    }
    if (!(length >= 0) || length > this.maxPayload) {
      throw new SocketError(
        'ERR_SOCKET_PAYLOAD_TOO_LARGE',
        `UdpSocket.send: a datagram of ${length} bytes can never be sent: this socket's transmit buffer holds at most ${this.maxPayload}; send less or give the socket a larger tx payload.`,
      );
    }
  }
}
