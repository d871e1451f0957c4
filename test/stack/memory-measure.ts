// Measured by memory.test.ts in a fresh process without coverage: 1 GiB pushed through the streams API
// from one NetStack to another over a LinkedPair, into a reader slower than the writer (it yields to the
// event loop between reads, so the writer outruns it). Prints one JSON object: the heap after a full GC
// at every 64 MiB read, whether the writer had to wait, and whether the reader's ring ever filled (its
// advertised window closed).
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { NetStack } from '../../src/stack/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = Number(process.env.STACK_MEMORY_BYTES ?? 1 << 30);
const RING = 256 * 1024;
const MARK = 64 << 20;

const pair = new LinkedPair();
const tcp = { rxBufferSize: RING, txBufferSize: RING };
const a = new NetStack({ device: pair.a, address: '10.0.0.1/24', tcp });
const b = new NetStack({ device: pair.b, address: '10.0.0.2/24', tcp });
const server = b.listenTcp({ port: 80 });

const heapAtMarks: number[] = [];
let windowClosed = false;
let writesThatWaited = 0;

const reading = (async () => {
  const conn = (await server.accept())!;
  const reader = conn.readable.getReader({ mode: 'byob' });
  let buffer = new Uint8Array(RING);
  let got = 0;
  let nextMark = MARK;
  for (;;) {
    // Slow: one event-loop turn between reads; meanwhile the ring fills up.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (conn.readableLength === RING) windowClosed = true;
    const { value, done } = await reader.read(buffer);
    if (done) break;
    got += value!.length;
    buffer = new Uint8Array(value!.buffer);
    if (got >= nextMark) {
      nextMark += MARK;
      gc();
      heapAtMarks.push(process.memoryUsage().heapUsed);
    }
  }
  return got;
})();

const conn = await a.connectTcp({ host: '10.0.0.2', port: 80 });
const writer = conn.writable.getWriter();
const chunk = new Uint8Array(65536);
for (let sent = 0; sent < TOTAL; sent += chunk.length) {
  const before = conn.bytesWritten;
  const write = writer.write(chunk);
  // A write that could not take the whole chunk at once waited for the peer's window.
  if (conn.bytesWritten - before < chunk.length) writesThatWaited++;
  await write;
}
await writer.close();
const received = await reading;
await Promise.all([a.close(), b.close()]);
console.log(JSON.stringify({ received, total: TOTAL, heapAtMarks, windowClosed, writesThatWaited }));
