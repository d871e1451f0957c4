// Output in large blocks: lines are appended to one string and written with writeSync once it passes
// 64 KiB, so a million packets cost a few thousand system calls. A pipe whose reader is slow answers
// EAGAIN when the descriptor is non-blocking; the writer then sleeps a millisecond and retries.

import { writeSync } from 'node:fs';

const FLUSH_AT = 64 * 1024;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class BlockWriter {
  private pending = '';
  /** Set when the reader of our output went away (EPIPE): the caller should stop. */
  closed = false;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** Writes `text` and everything pending at once. */
  writeNow(text: string): void {
    this.pending += text;
    this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) {
      this.pending = '';
      return;
    }
    const data = Buffer.from(this.pending, 'latin1');
    this.pending = '';
    let written = 0;
    while (written < data.length) {
      try {
        written += writeSync(this.fd, data, written, data.length - written);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(sleeper, 0, 0, 1);
          continue;
        }
        if (code === 'EPIPE') {
          this.closed = true;
          return;
        }
        throw e;
      }
    }
  }
}
