// An ICMP socket (smoltcp's icmp::Socket): bound either to an echo identifier, to send echo requests and
// receive the replies (a ping), or to a local UDP port, to receive the ICMP errors about datagrams sent
// from it (port unreachable, time exceeded: RFC 1122 section 4.1.3.3 asks that UDP learn of them).
// Messages are whole ICMP messages, header and checksum included: the user builds them (Icmpv4Repr.emit
// into a view over the buffer fills the checksum) and reads them back with Icmpv4Repr.parse.

import { Icmpv4Message, IpProtocol } from '../../generated/index.js';
import type { Icmpv4Repr } from '../wire/icmpv4.js';
import { Ipv4Repr } from '../wire/ipv4.js';
import type { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';
import { makePacketBuffer, type DatagramSocketBuffers } from './buffers.js';
import { SocketError } from './errors.js';
import { EmitResult, SocketKind, SocketMeta, type IpEndpoint, type PacketEmitter, type Socket } from './socket.js';

/** The largest ICMP message in an IPv4 datagram: 65535 minus the IPv4 header. */
export const ICMP_MAX_MESSAGE = 65535 - 20;

export interface IcmpSocketOptions extends DatagramSocketBuffers {
  /** TTL of the messages sent; default: the interface's. */
  hopLimit?: number;
}

const enum Binding {
  None = 0,
  Ident = 1,
  UdpPort = 2,
}

// Metadata words per message: the remote address (int32 bits).
const WORDS = 1;

export class IcmpSocket implements Socket {
  readonly kind = SocketKind.Icmp;
  readonly meta = new SocketMeta();
  /** Messages dropped because the receive buffer was full. */
  rxDropped = 0;
  rxPackets = 0;
  txPackets = 0;
  private binding = Binding.None;
  private bound = 0;
  private readonly hopLimit: number;
  private readonly rx: PacketBuffer;
  private readonly tx: PacketBuffer;
  private readonly ipRepr = new Ipv4Repr();

  constructor(options: IcmpSocketOptions = {}) {
    this.rx = makePacketBuffer('IcmpSocket rx', options.rx, WORDS);
    this.tx = makePacketBuffer('IcmpSocket tx', options.tx, WORDS);
    const hopLimit = options.hopLimit ?? 0;
    if (!Number.isInteger(hopLimit) || hopLimit < 0 || hopLimit > 255) {
      throw new SocketError('ERR_SOCKET_BAD_OPTIONS', `IcmpSocket: hopLimit must be an integer from 1 to 255, got ${hopLimit}; leave it out for the interface's.`);
    }
    this.hopLimit = hopLimit;
  }

  /** Receives echo requests and replies carrying identifier `ident` (0 to 65535). */
  bindIdent(ident: number): void {
    if (!Number.isInteger(ident) || ident < 0 || ident > 0xffff) {
      throw new SocketError('ERR_SOCKET_BAD_PORT', `IcmpSocket.bindIdent: an echo identifier is an integer from 0 to 65535, got ${ident}; pick one, e.g. your process's.`);
    }
    this.bindTo(Binding.Ident, ident);
  }

  /** Receives the ICMP errors that quote a UDP datagram sent from local `port`. */
  bindUdpPort(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SocketError('ERR_SOCKET_BAD_PORT', `IcmpSocket.bindUdpPort: port must be an integer from 1 to 65535, got ${port}; give the UDP socket's port.`);
    }
    this.bindTo(Binding.UdpPort, port);
  }

  private bindTo(binding: Binding, value: number): void {
    if (this.binding !== Binding.None) {
      throw new SocketError('ERR_SOCKET_ALREADY_BOUND', 'IcmpSocket: the socket is already bound; close() it first or use another socket.');
    }
    this.binding = binding;
    this.bound = value;
  }

  close(): void {
    this.binding = Binding.None;
    this.bound = 0;
    this.rx.clear();
    this.tx.clear();
  }

  isOpen(): boolean {
    return this.binding !== Binding.None;
  }

  canSend(length = 0): boolean {
    return this.tx.canEnqueue(length);
  }

  canRecv(): boolean {
    return !this.rx.isEmpty();
  }

  get sendQueue(): number {
    return this.tx.length;
  }

  get recvQueue(): number {
    return this.rx.length;
  }

  /**
   * Queues the ICMP message `bytes[offset, offset + length)` (header and checksum included) to `addr`.
   * Throws SocketError: ERR_SOCKET_BUFFER_FULL when there is no room now, ERR_SOCKET_PAYLOAD_TOO_LARGE
   * when it can never fit.
   */
  send(bytes: Uint8Array, offset: number, length: number, addr: number): void {
    if (this.binding === Binding.None) {
      throw new SocketError('ERR_SOCKET_UNBOUND', 'IcmpSocket.send: the socket is not bound; call bindIdent() or bindUdpPort() first.');
    }
    if (addr === 0) {
      throw new SocketError('ERR_SOCKET_BAD_ENDPOINT', 'IcmpSocket.send: cannot send to address 0.0.0.0; give the destination address.');
    }
    const max = Math.min(this.tx.payloadCapacity, ICMP_MAX_MESSAGE);
    if (!(length >= 8) || length > max) {
      throw new SocketError(
        'ERR_SOCKET_PAYLOAD_TOO_LARGE',
        `IcmpSocket.send: a message of ${length} bytes cannot be sent: an ICMP message has an 8-byte header and this socket's buffer holds at most ${max}; send 8 to ${max} bytes.`,
      );
    }
    const slot = this.tx.enqueueSlice(bytes, offset, length);
    if (slot < 0) {
      throw new SocketError(
        'ERR_SOCKET_BUFFER_FULL',
        `IcmpSocket.send: the transmit buffer has no room for ${length} more bytes now; poll the interface to send what is queued, or check canSend(length) first.`,
      );
    }
    this.tx.metadata[slot * WORDS] = addr | 0;
  }

  /**
   * Takes the oldest message: copies up to `length` bytes into `dst` at `offset`, sets `from.addr` to
   * its sender (port 0), returns the message's size or -1 when nothing is queued.
   */
  recv(dst: Uint8Array, offset: number, length: number, from?: IpEndpoint): number {
    const size = this.peek(dst, offset, length, from);
    if (size >= 0) this.rx.dequeue();
    return size;
  }

  peek(dst: Uint8Array, offset: number, length: number, from?: IpEndpoint): number {
    if (this.rx.isEmpty()) return -1;
    if (from !== undefined) {
      from.addr = this.rx.metadata[this.rx.headSlot() * WORDS] >>> 0;
      from.port = 0;
    }
    return this.rx.peekInto(dst, offset, length);
  }

  /** Whether the message `icmp` (parsed) is this socket's. */
  accepts(_ip: Ipv4Repr, icmp: Icmpv4Repr): boolean {
    switch (this.binding) {
      case Binding.Ident:
        return (
          (icmp.msgType === Icmpv4Message.EchoReply || icmp.msgType === Icmpv4Message.EchoRequest) &&
          icmp.echoIdent === this.bound
        );
      case Binding.UdpPort: {
        if (icmp.msgType !== Icmpv4Message.DstUnreachable && icmp.msgType !== Icmpv4Message.TimeExceeded) return false;
        if (icmp.quotedHeader.protocol !== IpProtocol.Udp || icmp.dataLength < 2 || icmp.data === null) return false;
        const at = icmp.dataOffset;
        return ((icmp.data[at] << 8) | icmp.data[at + 1]) === this.bound;
      }
      default:
        return false;
    }
  }

  /** Queues the whole message `bytes[offset, offset + length)`; false when dropped (buffer full). */
  process(_now: Instant, ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): boolean {
    const slot = this.rx.enqueueSlice(bytes, offset, length);
    if (slot < 0) {
      this.rxDropped++;
      return false;
    }
    this.rx.metadata[slot * WORDS] = ip.srcAddr | 0;
    this.rxPackets++;
    return true;
  }

  dispatch(_now: Instant, emitter: PacketEmitter): boolean {
    const tx = this.tx;
    let any = false;
    while (!tx.isEmpty()) {
      const ip = this.ipRepr;
      ip.srcAddr = 0;
      ip.dstAddr = tx.metadata[tx.headSlot() * WORDS] >>> 0;
      ip.protocol = IpProtocol.Icmp;
      ip.hopLimit = this.hopLimit;
      ip.dontFrag = false;
      const result = emitter.emitIpPayload(ip, tx.payload.storage, tx.headOffset(), tx.headLength());
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
}
