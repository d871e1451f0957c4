// The raw socket API's figure for bench/streams: two interfaces over a LinkedPair in one process, polled
// directly, A's TcpSocket sending to B's, the application's turn copying 64 KiB into A's send buffer and out
// of B's receive buffer between the two polls. The same loop as bench/tcp's loopback figure (bench/tcp/
// index.ts, loopback()), with the LinkedPair, MTU and buffer sizes of the streams run, so the two compare;
// the connection stays open between rounds, so bench/streams can interleave them with the streams rounds.
import type { DeviceCapabilities } from '../../src/phy/capabilities.js';
import type { Device, RxPair, TxToken } from '../../src/phy/device.js';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { TcpSocket } from '../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { now as clock } from '../../src/time.js';
import { measure, type Run } from './measure.js';

/** Counts the frames received: every segment either side sends is received once by the other. */
export class Counting implements Device {
  frames = 0;
  constructor(readonly inner: Device) {}
  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }
  receive(timestamp: number): RxPair | null {
    const pair = this.inner.receive(timestamp);
    if (pair !== null) this.frames++;
    return pair;
  }
  transmit(timestamp: number): TxToken | null {
    return this.inner.transmit(timestamp);
  }
}

export interface LinkShape {
  /** Frames queued per direction of the LinkedPair. */
  capacity: number;
  /** Largest frame, Ethernet header included. */
  frameSize: number;
  /** Each TCP socket's send and receive buffer, bytes. */
  bufferSize: number;
  /** Bytes the application moves per turn. */
  chunk: number;
}

/** A's connection to B through the raw socket API, moving data in rounds. */
export class RawLink {
  private readonly devA: Counting;
  private readonly devB: Counting;
  private readonly ifaceA = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['10.0.0.1/24'] });
  private readonly ifaceB = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['10.0.0.2/24'] });
  private readonly socketsA = new SocketSet(1);
  private readonly socketsB = new SocketSet(1);
  private readonly a: TcpSocket;
  private readonly b: TcpSocket;
  private readonly chunk: Uint8Array;
  private readonly sink: Uint8Array;
  private received = 0;

  /** The pair, the interfaces and a connected pair of sockets (the handshake happens in the first round). */
  constructor(shape: LinkShape) {
    const pair = new LinkedPair({ capacity: shape.capacity, maxTransmissionUnit: shape.frameSize });
    this.devA = new Counting(pair.a);
    this.devB = new Counting(pair.b);
    const newSocket = (): TcpSocket => new TcpSocket({ rxBuffer: new RingBuffer(shape.bufferSize), txBuffer: new RingBuffer(shape.bufferSize) });
    this.a = newSocket();
    this.b = newSocket();
    this.socketsA.add(this.a);
    this.socketsB.add(this.b);
    this.b.listen(5000);
    this.a.connect(new IpEndpoint(0x0a000002, 5000), new IpEndpoint(0x0a000001, 49152));
    this.chunk = new Uint8Array(shape.chunk).fill(0x5a);
    this.sink = new Uint8Array(shape.chunk);
  }

  /** Moves `bytes` from A to B (or what it can in `limitMs`), timed, with what it allocated. */
  round(bytes: number, limitMs: number): Run {
    const startBytes = this.received;
    const startFrames = this.devA.frames + this.devB.frames;
    return measure(() => {
      this.pump(startBytes + bytes, performance.now() + limitMs);
      return { bytes: this.received - startBytes, segments: this.devA.frames + this.devB.frames - startFrames };
    });
  }

  private pump(until: number, deadline: number): void {
    const { a, b, chunk, sink, devA, devB, ifaceA, ifaceB, socketsA, socketsB } = this;
    let received = this.received;
    let i = 0;
    while (received < until) {
      const t = clock();
      if (a.maySend()) a.send(chunk, 0, chunk.length);
      ifaceA.poll(t, devA, socketsA);
      ifaceB.poll(t, devB, socketsB);
      for (;;) {
        const n = b.recv(sink, 0, sink.length);
        if (n <= 0) break;
        received += n;
      }
      if ((++i & 255) === 0 && performance.now() > deadline) break;
    }
    this.received = received;
  }
}
