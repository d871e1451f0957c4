// The streams figure for bench/streams: two self-driving stacks (NetStack) in one process over a
// LinkedPair, A writing into a connection's writable stream, B reading its readable stream, each stack
// polled by its own runner (woken by the pair's onReadable and by the streams' reads and writes). The
// writer passes the same chunk every time (a write resolves once the bytes are in the send ring); the
// reader is a BYOB reader (the stream fills the caller's buffer straight from the receive ring) or, with
// `reader: 'default'`, a default reader (a new chunk of up to 64 KiB per read).
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { NetStack } from '../../src/stack/index.js';
import { measureAsync, type Run } from './measure.js';
import type { LinkShape } from './raw.js';

export type ReaderKind = 'byob' | 'default';

/** A sends `total` bytes to B through the streams API, after a warm-up of `warm` bytes. */
export async function streamsTransfer(shape: LinkShape, warm: number, total: number, limitMs: number, kind: ReaderKind = 'byob'): Promise<Run> {
  const pair = new LinkedPair({ capacity: shape.capacity, maxTransmissionUnit: shape.frameSize });
  const tcp = { rxBufferSize: shape.bufferSize, txBufferSize: shape.bufferSize };
  const a = new NetStack({ device: pair.a, address: '10.0.0.1/24', mac: '02:00:00:00:00:01', tcp });
  const b = new NetStack({ device: pair.b, address: '10.0.0.2/24', mac: '02:00:00:00:00:02', tcp });
  try {
    const server = b.listenTcp({ port: 5000, backlog: 1 });
    const accepted = server.accept();
    const client = await a.connectTcp({ host: '10.0.0.2', port: 5000 });
    const peer = (await accepted)!;
    const writer = client.writable.getWriter();
    const chunk = new Uint8Array(shape.chunk).fill(0x5a);
    let sent = 0;
    let received = 0;
    let deadline = 0;
    const write = async (until: number): Promise<void> => {
      while (sent < until && performance.now() < deadline) {
        await writer.write(chunk);
        sent += chunk.length;
      }
    };
    const byob = kind === 'byob' ? peer.readable.getReader({ mode: 'byob' }) : null;
    const plain = kind === 'default' ? peer.readable.getReader() : null;
    let buffer = new Uint8Array(shape.chunk);
    const read = async (until: number): Promise<void> => {
      while (received < until && performance.now() < deadline) {
        if (byob !== null) {
          const { value, done } = await byob.read(buffer);
          if (done) break;
          received += value.length;
          // The read transferred our buffer into `value`; it is ours again for the next read.
          buffer = new Uint8Array(value.buffer);
        } else {
          const { value, done } = await plain!.read();
          if (done) break;
          received += value.length;
        }
      }
    };
    const warmTo = warm;
    deadline = performance.now() + limitMs;
    await Promise.all([write(warmTo), read(warmTo)]);
    const startBytes = received;
    const startFrames = pair.a.rxFrames + pair.b.rxFrames;
    const run = await measureAsync(async () => {
      deadline = performance.now() + limitMs;
      // The writer may be ahead of the reader by what the rings hold: it stops at the same total.
      await Promise.all([write(sent + total), read(startBytes + total)]);
      return { bytes: received - startBytes, segments: pair.a.rxFrames + pair.b.rxFrames - startFrames };
    });
    await writer.close();
    return run;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
