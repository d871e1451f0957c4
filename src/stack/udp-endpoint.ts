// A bound UDP port of a NetStack: a ReadableStream of the datagrams that arrive, with their sender, and
// send(data, host, port). Datagrams wait in the socket's packet buffer until read; beyond its size they
// are dropped and counted (`dropped`), as by a full socket buffer in Linux.

import { IpEndpoint } from '../socket/socket.js';
import type { UdpSocket } from '../socket/udp.js';
import { formatIpv4 } from '../wire/ipv4-address.js';
import { NetError } from './errors.js';

/** One datagram received: its payload and who sent it. */
export interface UdpDatagram {
  /** The payload (a copy the application owns). */
  data: Uint8Array;
  /** The sender's address, dotted. */
  host: string;
  /** The sender's port. */
  port: number;
}

/** What an endpoint needs from its stack (NetStack implements it). @internal */
export interface UdpOwner {
  /** Asks for a poll soon. */
  wake(): void;
  /** The address `host` as a u32, or a NetError for `syscall` when it does not parse. */
  resolve(host: string, port: number, syscall: string): number;
  /** The endpoint is closed: take its socket back. */
  releaseUdp(endpoint: UdpEndpoint): void;
}

/** A bound UDP port: `readable` of received datagrams, `send()`, `close()`. Made by NetStack.openUdp. */
export class UdpEndpoint {
  /** The local port. */
  readonly port: number;
  /** The local address bound, dotted ('0.0.0.0': any of the stack's). */
  readonly address: string;
  private readonly socket: UdpSocket;
  private readonly owner: UdpOwner;
  private open = true;
  private readonly from = new IpEndpoint();
  private controller: ReadableStreamDefaultController<UdpDatagram> | null = null;
  private stream: ReadableStream<UdpDatagram> | null = null;
  private readWake: (() => void) | null = null;
  private writeWake: (() => void) | null = null;
  /** What every send waiting for room awaits (one promise, however many wait). */
  private writeWait: Promise<void> | null = null;

  /** Made by NetStack.openUdp; applications do not construct one. */
  constructor(owner: UdpOwner, socket: UdpSocket, address: string, port: number) {
    this.owner = owner;
    this.socket = socket;
    this.address = address;
    this.port = port;
  }

  /** Datagrams dropped because the receive buffer was full. */
  get dropped(): number {
    return this.socket.rxDropped;
  }

  /**
   * The datagrams received, oldest first. Nothing is read ahead of the reader; the stream ends when the
   * endpoint is closed.
   */
  get readable(): ReadableStream<UdpDatagram> {
    if (this.stream === null) {
      this.stream = new ReadableStream<UdpDatagram>(
        {
          start: (controller) => {
            this.controller = controller;
            if (!this.open) controller.close();
          },
          pull: (controller) => this.pull(controller),
          cancel: () => this.close(),
        },
        { highWaterMark: 0 },
      );
    }
    return this.stream;
  }

  /**
   * Queues one datagram to `host`:`port`, waiting while the transmit buffer is full; resolves once it is
   * queued. Rejects with a NetError: EMSGSIZE when it can never fit, EPIPE after close(), EINVAL for a bad address.
   */
  async send(data: Uint8Array, host: string, port: number): Promise<void> {
    const addr = this.owner.resolve(host, port, 'send');
    const s = this.socket;
    if (data.length > s.maxPayload) {
      throw new NetError({ code: 'EMSGSIZE', syscall: 'send', address: host, port, hint: `a datagram of ${data.length} bytes does not fit this endpoint's ${s.maxPayload}-byte buffer; send less or open it with a larger tx buffer` });
    }
    for (;;) {
      if (!this.open) throw new NetError({ code: 'EPIPE', syscall: 'send', address: host, port, hint: 'the UDP endpoint is closed; open another' });
      if (s.canSend(data.length)) break;
      if (this.writeWait === null) this.writeWait = new Promise<void>((resolve) => (this.writeWake = resolve));
      await this.writeWait;
    }
    s.send(data, 0, data.length, addr, port);
    this.owner.wake();
  }

  /** Unbinds: the readable ends, queued datagrams are dropped, waiting sends reject. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.controller !== null) {
      try {
        this.controller.close();
      } catch {
        // already closed or cancelled
      }
    }
    this.wakeAll();
    this.socket.close();
    this.owner.releaseUdp(this);
  }

  /** @internal After every poll: wakes a waiting reader or sender. */
  service(): void {
    if (this.readWake !== null && this.socket.canRecv()) this.wakeAll();
    else if (this.writeWake !== null && this.socket.canSend()) this.wakeAll();
  }

  private wakeAll(): void {
    const r = this.readWake;
    const w = this.writeWake;
    this.readWake = this.writeWake = null;
    this.writeWait = null;
    r?.();
    w?.();
  }

  private async pull(controller: ReadableStreamDefaultController<UdpDatagram>): Promise<void> {
    const s = this.socket;
    for (;;) {
      if (!this.open) return;
      const size = s.recvLength();
      if (size >= 0) {
        const data = new Uint8Array(size);
        s.recv(data, 0, size, this.from);
        controller.enqueue({ data, host: formatIpv4(this.from.addr), port: this.from.port });
        return;
      }
      await new Promise<void>((resolve) => (this.readWake = resolve));
    }
  }
}
