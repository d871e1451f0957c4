// The raw socket API's figure for bench/streams: two interfaces over a LinkedPair in one process, polled
// directly, A's TcpSocket sending to B's, the application's turn copying 64 KiB into A's send buffer and out
// of B's receive buffer between the two polls. The same loop as bench/tcp's loopback figure (bench/tcp/
// index.ts, loopback()), with the LinkedPair, MTU and buffer sizes of the streams run, so the two compare.
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

/** A sends `total` bytes to B through the raw socket API, after a warm-up of `warm` bytes. */
export function rawTransfer(shape: LinkShape, warm: number, total: number, limitMs: number): Run {
  const pair = new LinkedPair({ capacity: shape.capacity, maxTransmissionUnit: shape.frameSize });
  const devA = new Counting(pair.a);
  const devB = new Counting(pair.b);
  const ifaceA = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['10.0.0.1/24'] });
  const ifaceB = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['10.0.0.2/24'] });
  const socketsA = new SocketSet(1);
  const socketsB = new SocketSet(1);
  const newSocket = (): TcpSocket => new TcpSocket({ rxBuffer: new RingBuffer(shape.bufferSize), txBuffer: new RingBuffer(shape.bufferSize) });
  const a = newSocket();
  const b = newSocket();
  socketsA.add(a);
  socketsB.add(b);
  b.listen(5000);
  a.connect(new IpEndpoint(0x0a000002, 5000), new IpEndpoint(0x0a000001, 49152));
  const chunk = new Uint8Array(shape.chunk).fill(0x5a);
  const sink = new Uint8Array(shape.chunk);
  let received = 0;
  const pump = (until: number, deadline: number): void => {
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
  };
  pump(warm, performance.now() + limitMs);
  const startBytes = received;
  const startFrames = devA.frames + devB.frames;
  return measure(() => {
    pump(startBytes + total, performance.now() + limitMs);
    return { bytes: received - startBytes, segments: devA.frames + devB.frames - startFrames };
  });
}
