// The transfer the browser page runs, with nothing browser-specific in it (so it also runs in Node):
// two stacks joined by a link, one sending `bytes` of data to the other over TCP.
// PLACEHOLDER until the self-driving stack lands: two Runners over a LinkedPair.
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { Tracer, type TraceCallback } from '../../src/phy/tracer.js';
import { Runner } from '../../src/runner/runner.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { TcpSocket, TcpState } from '../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../src/storage/ring-buffer.js';

export interface DemoOptions {
  /** Bytes to send. */
  bytes: number;
  /** Sees every frame the sending stack sends or receives (a FrameTrace's callback). */
  trace?: TraceCallback;
  /** Called with the bytes received so far, after each read. */
  onProgress?: (received: number) => void;
}

export interface DemoResult {
  sent: Uint8Array<ArrayBuffer>;
  received: Uint8Array<ArrayBuffer>;
  seconds: number;
}

/** `bytes` of pseudo-random data (xorshift32), so a lost or reordered byte changes the hash. */
export function demoData(bytes: number, seed = 0x2545f491): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const words = new Uint32Array(out.buffer, 0, bytes >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < bytes; i++) out[i] = i & 0xff;
  return out;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const sent = demoData(options.bytes);
  let received = new Uint8Array(Math.max(1, options.bytes));
  let got = 0;
  const pair = new LinkedPair({ capacity: 256 });
  const devA = options.trace ? new Tracer(pair.a, options.trace) : pair.a;
  const ifaceA = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['10.0.0.1/24'] });
  const ifaceB = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['10.0.0.2/24'] });
  const socketsA = new SocketSet(1);
  const socketsB = new SocketSet(1);
  const client = new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20) });
  const server = new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20) });
  socketsA.add(client);
  socketsB.add(server);
  server.listen(5000);
  client.connect(new IpEndpoint(0x0a000002, 5000), new IpEndpoint(0x0a000001, 49152));
  const stop = new AbortController();
  let offset = 0;
  let closed = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const a = new Runner(ifaceA, devA, socketsA, {
    onPoll: () => {
      if (client.maySend() && offset < sent.length) offset += client.send(sent, offset, sent.length - offset);
      if (offset === sent.length && !closed) {
        client.close();
        closed = true;
      }
    },
  });
  const b = new Runner(ifaceB, pair.b, socketsB, {
    onPoll: () => {
      for (;;) {
        if (got === received.length) {
          const bigger = new Uint8Array(received.length * 2);
          bigger.set(received);
          received = bigger;
        }
        const n = server.canRecv() ? server.recv(received, got, received.length - got) : 0;
        if (n <= 0) break;
        got += n;
        options.onProgress?.(got);
      }
      if (server.state === TcpState.CloseWait) {
        server.close();
        finish();
      }
    },
  });
  pair.a.onReadable = a.wake;
  pair.b.onReadable = b.wake;
  const start = performance.now();
  const runs = Promise.all([a.run(stop.signal), b.run(stop.signal)]);
  await done;
  const seconds = (performance.now() - start) / 1000;
  stop.abort();
  await runs;
  return { sent, received: received.subarray(0, got), seconds };
}
