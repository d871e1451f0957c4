// A raw IP socket (smoltcp's raw::Socket) for one IP protocol.
//
// The contract:
// - Receive: a copy of every IPv4 packet of the socket's protocol addressed to the interface, whole
//   (header as received, options included), after the header checksum was checked and after reassembly
//   (a fragmented datagram arrives once, whole, with its fragment fields cleared). The interface still
//   processes the packet as usual (an ICMP raw socket sees echo requests the interface answers), but a
//   protocol some raw socket takes is never answered with "protocol unreachable".
// - Send: whole IPv4 packets, header included. send() checks that the bytes are an IPv4 header (version
//   4, IHL 5 to 15) of the socket's protocol whose Total Length is the length given. The interface routes
//   by the destination address, fills a source address of 0.0.0.0 with its own, recomputes the header
//   checksum (per the device's checksum capabilities) and sends the rest as it is: the payload, and its
//   checksum, are the user's. A packet larger than the MTU is fragmented unless DF is set, when it is
//   dropped and counted.

import { IpProtocol, Ipv4Packet, WireError, wireErrorMessage } from '../../generated/index.js';
import type { Ipv4Repr } from '../wire/ipv4.js';
import type { PacketBuffer } from '../storage/packet-buffer.js';
import type { Instant } from '../time.js';
import { makePacketBuffer, type DatagramSocketBuffers } from './buffers.js';
import { SocketError } from './errors.js';
import { EmitResult, SocketKind, SocketMeta, type PacketEmitter, type Socket } from './socket.js';

export interface RawIpSocketOptions extends DatagramSocketBuffers {
  /** The IP protocol number (0 to 255) this socket sends and receives, e.g. IpProtocol.Icmp. */
  protocol: IpProtocol | number;
}

export class RawIpSocket implements Socket {
  readonly kind = SocketKind.Raw;
  readonly meta = new SocketMeta();
  /** The IP protocol number. */
  readonly protocol: number;
  /** Packets dropped because the receive buffer was full. */
  rxDropped = 0;
  rxPackets = 0;
  txPackets = 0;
  private readonly rx: PacketBuffer;
  private readonly tx: PacketBuffer;
  private readonly view = new Ipv4Packet();

  constructor(options: RawIpSocketOptions) {
    const protocol = options?.protocol;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) {
      throw new SocketError('ERR_SOCKET_BAD_OPTIONS', `RawIpSocket: protocol must be an IP protocol number from 0 to 255, got ${protocol}; pass e.g. { protocol: IpProtocol.Icmp }.`);
    }
    this.protocol = protocol;
    this.rx = makePacketBuffer('RawIpSocket rx', options.rx, 0);
    this.tx = makePacketBuffer('RawIpSocket tx', options.tx, 0);
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

  /** Queues the IPv4 packet `bytes[offset, offset + length)`. Throws SocketError when it is not one of this socket's protocol or does not fit. */
  send(bytes: Uint8Array, offset: number, length: number): void {
    const max = Math.min(this.tx.payloadCapacity, 65535);
    if (length > max) {
      throw new SocketError('ERR_SOCKET_PAYLOAD_TOO_LARGE', `RawIpSocket.send: a packet of ${length} bytes cannot be sent: this socket's buffer holds at most ${max}; send less or give the socket a larger tx payload.`);
    }
    const problem = this.checkPacket(bytes, offset, length);
    if (problem !== null) {
      throw new SocketError('ERR_SOCKET_BAD_PACKET', `RawIpSocket.send: ${problem}; give a whole IPv4 packet, header included.`);
    }
    if (this.tx.enqueueSlice(bytes, offset, length) < 0) {
      throw new SocketError('ERR_SOCKET_BUFFER_FULL', `RawIpSocket.send: the transmit buffer has no room for ${length} more bytes now; poll the interface to send what is queued, or check canSend(length) first.`);
    }
  }

  /** Takes the oldest packet: copies up to `length` bytes into `dst` at `offset` and returns its size, or -1 when none. */
  recv(dst: Uint8Array, offset: number, length: number): number {
    const size = this.rx.peekInto(dst, offset, length);
    if (size >= 0) this.rx.dequeue();
    return size;
  }

  peek(dst: Uint8Array, offset: number, length: number): number {
    return this.rx.peekInto(dst, offset, length);
  }

  accepts(ip: Ipv4Repr): boolean {
    return ip.protocol === this.protocol;
  }

  /** Queues a copy of the whole packet `bytes[offset, offset + length)`; false when dropped (buffer full). */
  process(_now: Instant, _ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): boolean {
    if (this.rx.enqueueSlice(bytes, offset, length) < 0) {
      this.rxDropped++;
      return false;
    }
    this.rxPackets++;
    return true;
  }

  dispatch(_now: Instant, emitter: PacketEmitter): boolean {
    const tx = this.tx;
    let any = false;
    while (!tx.isEmpty()) {
      const result = emitter.emitIpPacket(tx.payload.storage, tx.headOffset(), tx.headLength());
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

  private checkPacket(bytes: Uint8Array, offset: number, length: number): string | null {
    const view = this.view.init(bytes, offset, length);
    const error = view.check();
    if (error !== WireError.Ok) return `the bytes are not an IPv4 packet (${wireErrorMessage(error)})`;
    if (view.totalLen !== length) return `the Total Length field says ${view.totalLen} bytes but ${length} were given`;
    if (view.protocol !== this.protocol) return `the protocol is ${view.protocol}, this socket's is ${this.protocol}`;
    return null;
  }
}
