// Byte sources for the pcap reader. The reader pulls bytes into its own buffer; a source only copies
// what it has. A file (or a blocking descriptor) is read synchronously with readSync, which is the fast
// path; a Node stream (stdin, a pipe, a socket) is read without blocking the event loop.

import { closeSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** What `ByteSource.read` returns when no bytes are available yet but the input has not ended. */
export const WOULD_BLOCK = -1;

/** Where a PcapReader pulls its bytes from: FdSource, StreamSource, or your own. */
export interface ByteSource {
  /**
   * Copies up to `length` bytes into `buffer` at `offset`. Returns the count, 0 at the end of the
   * input, or WOULD_BLOCK when the caller must await `ready()` first. Throws on an I/O error.
   */
  read(buffer: Uint8Array, offset: number, length: number): number;
  /** Resolves when `read` may return something other than WOULD_BLOCK. */
  ready(): Promise<void>;
  /** Releases the input; PcapReader.close calls it. */
  close(): void;
}

/**
 * A file descriptor read with readSync: a regular file, or a blocking pipe (the usual standard
 * input). A non-blocking descriptor (EAGAIN) is handed over to a stream on the same descriptor, so it
 * is then read without blocking the event loop: `read` returns WOULD_BLOCK and `ready()` waits.
 */
export class FdSource implements ByteSource {
  private closed = false;
  private stream: StreamSource | null = null;
  /** Set after EAGAIN until ready() has made the stream: `node:net` is loaded only then (it costs start-up). */
  private handOver = false;

  /** Reads descriptor `fd`; `ownsFd` says whether close() closes it. */
  constructor(
    /** The descriptor read from. */
    readonly fd: number,
    private readonly ownsFd: boolean,
  ) {}

  /** See ByteSource.read. Blocks on a blocking descriptor; returns WOULD_BLOCK only after EAGAIN. */
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.stream !== null) return this.stream.read(buffer, offset, length);
    if (this.handOver) return WOULD_BLOCK;
    try {
      return readSync(this.fd, buffer, offset, length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      this.handOver = true;
      return WOULD_BLOCK;
    }
  }

  /** Resolves at once for a blocking descriptor; else when the stream it was handed to has bytes or ended. */
  async ready(): Promise<void> {
    if (this.handOver && this.stream === null && !this.closed) {
      const net = this.fd === 0 ? null : await import('node:net');
      if (this.closed) return;
      this.stream = new StreamSource(net === null ? process.stdin : new net.Socket({ fd: this.fd, readable: true, writable: false }));
    }
    return this.stream !== null ? this.stream.ready() : undefined;
  }

  /**
   * Closes the descriptor if this source owns it, or if it was handed to a stream (standard input
   * excepted, which stays open). Calling it again does nothing.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.stream !== null) {
      if (this.fd !== 0) this.stream.close(); // the socket owns the descriptor now
    } else if (this.ownsFd) {
      closeSync(this.fd);
    }
  }
}

/**
 * A Readable in paused mode: bytes are taken with `read()` only when the reader has room, so at most
 * one stream chunk (the stream's highWaterMark) is held beside the reader's buffer.
 */
export class StreamSource implements ByteSource {
  private chunk: Uint8Array | null = null;
  private chunkOffset = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  /** Reads `stream` in paused mode with `stream.read()`; nothing else should consume it. */
  constructor(private readonly stream: Readable) {
    const wake = (): void => {
      const w = this.waiter;
      this.waiter = null;
      if (w !== null) w();
    };
    stream.on('readable', wake);
    stream.on('end', () => {
      this.ended = true;
      wake();
    });
    stream.on('error', (e: Error) => {
      this.failure = e;
      wake();
    });
    stream.on('close', () => {
      this.ended = true;
      wake();
    });
  }

  /** See ByteSource.read; throws the error the stream emitted, if any. */
  read(buffer: Uint8Array, offset: number, length: number): number {
    if (this.failure !== null) throw this.failure;
    let copied = 0;
    while (copied < length) {
      if (this.chunk === null) {
        const next = this.stream.read() as Uint8Array | string | null;
        if (next === null) break;
        this.chunk = typeof next === 'string' ? Buffer.from(next, 'latin1') : next;
        this.chunkOffset = 0;
      }
      const chunk = this.chunk;
      const n = Math.min(length - copied, chunk.length - this.chunkOffset);
      buffer.set(chunk.subarray(this.chunkOffset, this.chunkOffset + n), offset + copied);
      copied += n;
      this.chunkOffset += n;
      if (this.chunkOffset === chunk.length) this.chunk = null;
    }
    if (copied > 0) return copied;
    return this.ended || this.stream.readableEnded ? 0 : WOULD_BLOCK;
  }

  /** Resolves when the stream has bytes, has ended, or has failed. */
  ready(): Promise<void> {
    if (this.failure !== null || this.ended || this.stream.readableEnded || this.stream.readableLength > 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Destroys the stream (a socket's descriptor is closed with it). */
  close(): void {
    this.stream.destroy();
  }
}
