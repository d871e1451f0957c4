// The streams figure for bench/streams: two self-driving stacks (NetStack) in one process over a
// LinkedPair, A writing into a connection's writable stream, B reading its readable stream, each stack
// polled by its own runner (woken by the pair's onReadable and by the streams' reads and writes). The
// writer passes the same chunk every time (a write resolves once the bytes are in the send ring); the
// reader is a BYOB reader (the stream fills the caller's buffer straight from the receive ring) or, with
// `reader: 'default'`, a default reader (a new chunk of up to 64 KiB per read). The connection stays open
// between rounds, so bench/streams can interleave them with the raw rounds.
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { NetStack, type TcpConnection } from '../../src/stack/index.js';
import { measureAsync, type Run } from './measure.js';
import type { LinkShape } from './raw.js';

export type ReaderKind = 'byob' | 'default';

/** A's connection to B through the streams API, moving data in rounds. */
export class StreamsLink {
  private sent = 0;
  private received = 0;
  private deadline = 0;
  private buffer: Uint8Array<ArrayBuffer>;
  private readonly chunk: Uint8Array;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly byob: ReadableStreamBYOBReader | null;
  private readonly plain: ReadableStreamDefaultReader<Uint8Array> | null;

  private constructor(
    private readonly pair: LinkedPair,
    private readonly stacks: NetStack[],
    client: TcpConnection,
    peer: TcpConnection,
    shape: LinkShape,
    kind: ReaderKind,
  ) {
    this.chunk = new Uint8Array(shape.chunk).fill(0x5a);
    this.buffer = new Uint8Array(shape.chunk);
    this.writer = client.writable.getWriter();
    this.byob = kind === 'byob' ? peer.readable.getReader({ mode: 'byob' }) : null;
    this.plain = kind === 'default' ? peer.readable.getReader() : null;
  }

  /** Two stacks over a new LinkedPair of `shape`, B listening, A connected to it. */
  static async open(shape: LinkShape, kind: ReaderKind): Promise<StreamsLink> {
    const pair = new LinkedPair({ capacity: shape.capacity, maxTransmissionUnit: shape.frameSize });
    const tcp = { rxBufferSize: shape.bufferSize, txBufferSize: shape.bufferSize };
    const a = new NetStack({ device: pair.a, address: '10.0.0.1/24', mac: '02:00:00:00:00:01', tcp });
    const b = new NetStack({ device: pair.b, address: '10.0.0.2/24', mac: '02:00:00:00:00:02', tcp });
    const server = b.listenTcp({ port: 5000, backlog: 1 });
    const accepted = server.accept();
    const client = await a.connectTcp({ host: '10.0.0.2', port: 5000 });
    const peer = await accepted;
    if (peer === null) throw new Error('bench streams: the listener closed before the connection came');
    return new StreamsLink(pair, [a, b], client, peer, shape, kind);
  }

  /** Moves `bytes` from A to B (or what it can in `limitMs`), timed, with what it allocated. */
  round(bytes: number, limitMs: number): Promise<Run> {
    const startBytes = this.received;
    const startFrames = this.pair.a.rxFrames + this.pair.b.rxFrames;
    return measureAsync(async () => {
      this.deadline = performance.now() + limitMs;
      // The writer may be ahead of the reader by what the rings hold: both stop at the same total.
      await Promise.all([this.write(startBytes + bytes), this.read(startBytes + bytes)]);
      return { bytes: this.received - startBytes, segments: this.pair.a.rxFrames + this.pair.b.rxFrames - startFrames };
    });
  }

  /** Stops both stacks. */
  async close(): Promise<void> {
    await Promise.all(this.stacks.map((s) => s.close()));
  }

  private async write(until: number): Promise<void> {
    const chunk = this.chunk;
    while (this.sent < until && performance.now() < this.deadline) {
      await this.writer.write(chunk);
      this.sent += chunk.length;
    }
  }

  private async read(until: number): Promise<void> {
    while (this.received < until && performance.now() < this.deadline) {
      if (this.byob !== null) {
        const { value, done } = await this.byob.read(this.buffer);
        if (done) break;
        this.received += value.length;
        // The read transferred our buffer into `value`: it is ours again for the next read.
        this.buffer = new Uint8Array(value.buffer);
      } else {
        const { value, done } = await this.plain!.read();
        if (done) break;
        this.received += value.length;
      }
    }
  }
}
