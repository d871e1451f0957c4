// Output in large blocks: each line is copied into one reused 256 KiB buffer as it is made (so the line's
// text dies young and costs the garbage collector nothing), and the buffer goes out in one writeSync when
// full: a million packets cost a few hundred system calls. A pipe whose reader is slow answers EAGAIN when
// the descriptor is non-blocking; the writer then sleeps a millisecond and retries.

import { writeSync } from 'node:fs';
import { TextSink } from '../format/text-sink.js';

export { Piece } from '../format/text-sink.js';

const BLOCK_SIZE = 256 * 1024;
/**
 * The first block is written out early, after a few dozen lines. V8 optimizes the printers after some thousand
 * lines with what their code has done so far; a full block's first flush, after some 2,000 lines, would reach
 * a branch of reserve() (inlined into every writer) that had never run, and deoptimize and recompile them all.
 * Flushing once while they still run unoptimized lets that branch be known when they are compiled.
 */
const FIRST_BLOCK = 8 * 1024;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A TextSink of BLOCK_SIZE bytes that writes its bytes to a descriptor when full, rather than growing. */
export class BlockWriter extends TextSink {
  /**
   * The block as a Buffer, for its native Latin-1 encoder. `latin1Write` is the binding behind
   * `buffer.write(text, at, 'latin1')`, without the argument checks that cost about 5 % of the text output.
   */
  private readonly blockBuffer: Buffer & { latin1Write(text: string, offset: number): number };
  /** Set when the reader of our output went away (EPIPE): the caller should stop. */
  closed = false;

  constructor(private readonly fd: number) {
    super(BLOCK_SIZE);
    this.blockBuffer = Buffer.from(this.block.buffer, 0, BLOCK_SIZE) as Buffer & { latin1Write(text: string, offset: number): number };
    // The first block goes out after FIRST_BLOCK bytes, the others when full: see FIRST_BLOCK.
    this.capacity = FIRST_BLOCK;
  }

  /** The block is written out: what follows starts at its beginning (a line may span two writes). */
  protected override makeRoom(): void {
    this.flush();
    this.capacity = BLOCK_SIZE;
  }

  /** Queues `text` (Latin-1: every character we print is ASCII), writing the block out when it is full. */
  write(text: string): void {
    if (this.used + text.length > BLOCK_SIZE) {
      this.flush();
      if (text.length > BLOCK_SIZE) {
        this.writeAll(Buffer.from(text, 'latin1'));
        return;
      }
    }
    this.used += this.blockBuffer.latin1Write(text, this.used);
  }

  /** Writes everything pending at once, after `text`. */
  writeNow(text: string): void {
    this.write(text);
    this.flush();
  }

  flush(): void {
    const used = this.used;
    this.used = 0;
    if (used > 0) this.writeAll(this.block.subarray(0, used));
  }

  private writeAll(data: Uint8Array): void {
    let written = 0;
    while (written < data.length && !this.closed) {
      try {
        written += writeSync(this.fd, data, written, data.length - written);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 1);
        } else if (code === 'EPIPE') {
          this.closed = true;
        } else {
          throw e;
        }
      }
    }
  }
}
