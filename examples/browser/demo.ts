// The transfer the browser page runs, with nothing browser-specific in it (it runs in Node as well):
// two self-driving stacks (NetStack, smoltcp-ts/stack) joined by a MessageChannel, each on one of its
// ports through a MessageDevice, so every Ethernet frame is one message. Stack B (10.0.0.2) listens on
// port 5000; stack A (10.0.0.1) connects, writes `bytes` of data into the connection's writable stream and
// closes it; B reads its readable stream to the end. A's device can be wrapped in a Tracer to see every
// frame of the link.
import { MessageDevice, messagePortTransport } from '../../src/phy/message-device.js';
import { Tracer, type TraceCallback } from '../../src/phy/tracer.js';
import { NetStack, type NetStackTcpOptions } from '../../src/stack/index.js';

/** What runDemo does. */
export interface DemoOptions {
  /** Bytes A sends to B. */
  bytes: number;
  /** Sees every frame stack A sends or receives (FrameTrace's callback); none by default. */
  trace?: TraceCallback;
  /** Called with the bytes B has received so far, after each read. */
  onProgress?: (received: number) => void;
  /** Bytes per write into A's writable stream. Default 64 KiB. */
  chunk?: number;
  /** Both stacks' TCP settings. Default: 256 KiB buffers each way. */
  tcp?: NetStackTcpOptions;
}

/** What went over the link, and how long it took. */
export interface DemoResult {
  /** The data A wrote. */
  sent: Uint8Array<ArrayBuffer>;
  /** The data B read, in order. */
  received: Uint8Array<ArrayBuffer>;
  /** From the start of the connect to B's end of stream. */
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

/** Reads `readable` to its end into one array (grown as needed), reporting progress. */
async function readAll(readable: ReadableStream<Uint8Array>, expected: number, onProgress?: (n: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  let into = new Uint8Array(Math.max(1, expected));
  let got = 0;
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (got + value.length > into.length) {
      const bigger = new Uint8Array(Math.max(into.length * 2, got + value.length));
      bigger.set(into.subarray(0, got));
      into = bigger;
    }
    into.set(value, got);
    got += value.length;
    onProgress?.(got);
  }
  return into.subarray(0, got);
}

/** Runs the transfer: A sends `options.bytes` to B over TCP, across a MessageChannel. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const sent = demoData(options.bytes);
  const chunk = options.chunk ?? 64 * 1024;
  const tcp = options.tcp ?? { rxBufferSize: 256 * 1024, txBufferSize: 256 * 1024 };
  const channel = new MessageChannel();
  const deviceA = new MessageDevice(messagePortTransport(channel.port1));
  const deviceB = new MessageDevice(messagePortTransport(channel.port2));
  const a = new NetStack({ device: options.trace ? new Tracer(deviceA, options.trace) : deviceA, address: '10.0.0.1/24', mac: '02:00:00:00:00:01', tcp });
  const b = new NetStack({ device: deviceB, address: '10.0.0.2/24', mac: '02:00:00:00:00:02', tcp });
  try {
    const server = b.listenTcp({ port: 5000, backlog: 1 });
    const start = performance.now();
    const receiving = (async () => {
      const connection = await server.accept();
      if (connection === null) throw new Error('the listener closed before A connected');
      const data = await readAll(connection.readable, options.bytes, options.onProgress);
      connection.close();
      return data;
    })();
    const connection = await a.connectTcp({ host: '10.0.0.2', port: 5000 });
    const writer = connection.writable.getWriter();
    for (let offset = 0; offset < sent.length; offset += chunk) {
      await writer.write(sent.subarray(offset, Math.min(offset + chunk, sent.length)));
    }
    await writer.close();
    const received = await receiving;
    const seconds = (performance.now() - start) / 1000;
    await connection.closed;
    server.close();
    return { sent, received, seconds };
  } finally {
    await Promise.all([a.close(), b.close()]);
    deviceA.close();
    deviceB.close();
    channel.port1.close();
    channel.port2.close();
  }
}
