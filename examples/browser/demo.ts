// The transfer the browser page runs, with nothing browser-specific in it (it runs in Node as well):
// two self-driving stacks (NetStack, smoltcp-ts/stack) joined by a MessageChannel, each on one of its
// ports through a MessageDevice whose transport posts the frames of one poll as one message. Stack B (10.0.0.2) listens on
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
  /** Per stack: polls, frames each way, frames its MessageDevice dropped (queue full) and retransmissions. */
  stacks: { polls: number; rxFrames: number; txFrames: number; rxDropped: number; timerWakes: number }[];
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

/**
 * Reads `readable` to its end into one array (grown as needed), reporting progress. A BYOB reader: the
 * stream copies the received bytes straight from the socket's receive ring into the array, with no
 * chunk allocated per read.
 */
async function readAll(readable: ReadableStream<Uint8Array>, expected: number, onProgress?: (n: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  let into = new Uint8Array(Math.max(1, expected));
  let got = 0;
  const reader = readable.getReader({ mode: 'byob' });
  for (;;) {
    if (got === into.length) {
      const bigger = new Uint8Array(into.length * 2);
      bigger.set(into);
      into = bigger;
    }
    const { value, done } = await reader.read(new Uint8Array(into.buffer, got, into.length - got));
    // The read transferred the array's buffer into `value` (an empty one at the end): take it back.
    if (value !== undefined) into = new Uint8Array(value.buffer);
    if (done) break;
    got += value!.length;
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
  const deviceA = new MessageDevice(messagePortTransport(channel.port1, { batch: true }));
  const deviceB = new MessageDevice(messagePortTransport(channel.port2, { batch: true }));
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
    const stacks = [
      [a, deviceA],
      [b, deviceB],
    ].map(([stack, device]) => {
      const { runner } = stack as NetStack;
      const { rxFrames, txFrames, rxDropped } = device as MessageDevice;
      return { polls: runner.polls, rxFrames, txFrames, rxDropped, timerWakes: runner.timerWakes };
    });
    return { sent, received, seconds, stacks };
  } finally {
    await Promise.all([a.close(), b.close()]);
    deviceA.close();
    deviceB.close();
    channel.port1.close();
    channel.port2.close();
  }
}
