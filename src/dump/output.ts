// Output in large blocks: each line is copied into one reused 256 KiB buffer as it is made (so the line's
// text dies young and costs the garbage collector nothing), and the buffer goes out in one writeSync when
// full: a million packets cost a few hundred system calls. A pipe whose reader is slow answers EAGAIN when
// the descriptor is non-blocking; the writer then sleeps a millisecond and retries.

import { writeSync } from 'node:fs';

const BLOCK_SIZE = 256 * 1024;
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** 00000 to 99999 as five ASCII digits each (500 KB), so numbers are written without making strings. */
const PADDED_DIGITS = new Uint8Array(500_000);
for (let i = 0; i < 100_000; i++) {
  let rest = i;
  for (let d = 4; d >= 0; d--) {
    PADDED_DIGITS[i * 5 + d] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

export class BlockWriter {
  private readonly block = new Uint8Array(BLOCK_SIZE);
  /**
   * The same memory as a Buffer, for its native Latin-1 encoder. `latin1Write` is the binding behind
   * `buffer.write(text, at, 'latin1')`, without the argument checks that cost about 5 % of the text output.
   */
  private readonly blockBuffer = Buffer.from(this.block.buffer, 0, BLOCK_SIZE) as Buffer & {
    latin1Write(text: string, offset: number): number;
  };
  /** Bytes of `block` in use; writers may rewind it to drop what they wrote since `reserve`. */
  used = 0;
  /** Set when the reader of our output went away (EPIPE): the caller should stop. */
  closed = false;

  constructor(private readonly fd: number) {}

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

  /**
   * Makes room for `length` bytes, so that the byte writers below (which do not check) can follow, and
   * the caller can rewind `used` over them.
   */
  reserve(length: number): void {
    if (this.used + length > BLOCK_SIZE) this.flush();
  }

  /** Writes ASCII text byte by byte: cheaper than a native call for the short pieces of a JSON line. */
  ascii(text: string): void {
    const block = this.block;
    let used = this.used;
    for (let i = 0; i < text.length; i++) block[used++] = text.charCodeAt(i);
    this.used = used;
  }

  /** Copies bytes (a constant piece of text, encoded once); a loop beats `set()` for pieces this short. */
  bytes(piece: Uint8Array): void {
    const block = this.block;
    const used = this.used;
    const length = piece.length;
    for (let i = 0; i < length; i++) block[used + i] = piece[i]!;
    this.used = used + length;
  }

  /** A constant piece then a number: the shape of most JSON fields (`,"ttl":64`), in one call. */
  field(key: Uint8Array, value: number): void {
    const block = this.block;
    const used = this.used;
    const length = key.length;
    for (let i = 0; i < length; i++) block[used + i] = key[i]!;
    this.used = used + length;
    if (value < 100000) this.small(value);
    else this.uint(value);
  }

  /** Writes a non-negative integer (below 2^53) in decimal. */
  uint(value: number): void {
    if (value < 100000) {
      this.small(value);
      return;
    }
    // Five digits at a time from the table: a u32 is at most two lookups and a zero-padded tail.
    const high = Math.floor(value / 100000);
    const low = value - high * 100000;
    if (high < 100000) this.small(high);
    else this.uint(high);
    this.padded5(low);
  }

  /** 0 to 99999 without leading zeros, copied from the digit table. */
  private small(value: number): void {
    const block = this.block;
    const at = value * 5;
    const skip = value < 10 ? 4 : value < 100 ? 3 : value < 1000 ? 2 : value < 10000 ? 1 : 0;
    let used = this.used;
    for (let i = at + skip; i < at + 5; i++) block[used++] = PADDED_DIGITS[i]!;
    this.used = used;
  }

  /** Writes 0-999999 as six digits (a timestamp's microseconds). */
  micros6(value: number): void {
    const high = Math.floor(value / 100000);
    this.block[this.used++] = 48 + high;
    this.padded5(value - high * 100000);
  }

  /** Writes 0-999999999 as nine digits (a timestamp's nanoseconds). */
  nanos9(value: number): void {
    const high = Math.floor(value / 100000);
    const top = Math.floor(high / 1000);
    const middle = high - top * 1000;
    this.block[this.used++] = 48 + top;
    this.block[this.used++] = 48 + Math.floor(middle / 100);
    this.block[this.used++] = 48 + (Math.floor(middle / 10) % 10);
    this.block[this.used++] = 48 + (middle % 10);
    this.padded5(value - high * 100000);
  }

  private padded5(value: number): void {
    const block = this.block;
    const at = value * 5;
    const used = this.used;
    block[used] = PADDED_DIGITS[at]!;
    block[used + 1] = PADDED_DIGITS[at + 1]!;
    block[used + 2] = PADDED_DIGITS[at + 2]!;
    block[used + 3] = PADDED_DIGITS[at + 3]!;
    block[used + 4] = PADDED_DIGITS[at + 4]!;
    this.used = used + 5;
  }

  /** Writes an IPv4 address (u32 or the same bits as int32) as a dotted quad. */
  ipv4(address: number): void {
    this.uint((address >>> 24) & 255);
    this.block[this.used++] = 46;
    this.uint((address >>> 16) & 255);
    this.block[this.used++] = 46;
    this.uint((address >>> 8) & 255);
    this.block[this.used++] = 46;
    this.uint(address & 255);
  }

  /** Writes six bytes as a MAC address, `02:00:00:00:00:01`. */
  mac(bytes: Uint8Array, at: number): void {
    const block = this.block;
    let used = this.used;
    for (let i = 0; i < 6; i++) {
      if (i > 0) block[used++] = 58;
      const b = bytes[at + i]!;
      block[used++] = HEX_DIGITS[b >>> 4]!;
      block[used++] = HEX_DIGITS[b & 15]!;
    }
    this.used = used;
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
