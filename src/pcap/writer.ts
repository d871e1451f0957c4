// Classic libpcap writer (pcap-savefile(5)): a 24-byte file header, then one 16-byte record header and
// the frame per packet. Records are assembled in one preallocated buffer and written out in batches,
// so writing a frame costs two copies into memory and no allocation; the OS sees one write per batch.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  LinkType,
  PCAP_FILE_HEADER_LENGTH,
  PCAP_MAGIC_MICROS,
  PCAP_RECORD_HEADER_LENGTH,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
} from './format.js';
import type { Instant } from '../time.js';
import { copyBytes } from '../wire/byte-ranges.js';

/** Where a pcap file goes: a path (created or truncated), an open file descriptor, or a Node stream. */
export type PcapSink = string | number | Writable;

/** Options of a PcapFileWriter. */
export interface PcapFileWriterOptions {
  /** LINKTYPE_* of every record; Ethernet unless said otherwise. */
  linkType?: number;
  /** Longest captured length; longer frames are cut, keeping their original length in the record. */
  snapLength?: number;
  /** Size of the batching buffer in bytes (grown once if a single record does not fit). */
  bufferSize?: number;
  /**
   * Write the batch out when this many microseconds of frame time have passed since the last write,
   * so a capture of a slow conversation can be followed live. Null: only when the buffer is full.
   */
  flushInterval?: number | null;
}

/**
 * Writes a classic libpcap file (pcap-savefile(5): little-endian, microsecond timestamps) from the frames
 * it is given. Records are batched in one buffer, so writing a frame allocates nothing; write errors are
 * kept in `error`, never thrown.
 */
export class PcapFileWriter {
  /** LINKTYPE_* in the file header (https://www.tcpdump.org/linktypes.html); 1, Ethernet, by default. */
  readonly linkType: number;
  /** Longest captured length in bytes, written in the file header (default 65 535); longer frames are cut. */
  readonly snapLength: number;
  /** Records written so far. */
  packets = 0;
  /**
   * The first write error (disk full, closed pipe...), or null. Writing a frame never throws: after an
   * error, or after close(), frames are counted in `dropped` instead of written.
   */
  error: Error | null = null;
  /** Frames not written because of an earlier `error` or because the writer was closed. */
  dropped = 0;
  private buffer: Uint8Array;
  private view: DataView;
  private used = 0;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private readonly stream: Writable | null;
  private readonly flushInterval: number;
  private lastFlushAt = -1;
  private closed = false;

  /**
   * Starts a capture on `sink`: a path is created or truncated (throws if it cannot be opened), an fd or
   * a stream is used as it is. The 24-byte file header goes out with the first flush.
   */
  constructor(sink: PcapSink, options: PcapFileWriterOptions = {}) {
    this.linkType = options.linkType ?? LinkType.Ethernet;
    this.snapLength = options.snapLength ?? 65_535;
    this.flushInterval = options.flushInterval === undefined ? 1_000_000 : (options.flushInterval ?? -1);
    const size = Math.max(options.bufferSize ?? 256 * 1024, PCAP_FILE_HEADER_LENGTH + PCAP_RECORD_HEADER_LENGTH);
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
    if (typeof sink === 'string') {
      this.fd = openSync(sink, 'w');
      this.ownsFd = true;
      this.stream = null;
    } else if (typeof sink === 'number') {
      this.fd = sink;
      this.ownsFd = false;
      this.stream = null;
    } else {
      this.fd = -1;
      this.ownsFd = false;
      this.stream = sink;
      // Without a listener a stream error would end the process.
      sink.on('error', (e: Error) => {
        if (this.error === null) this.error = e;
      });
    }
    this.writeFileHeader();
  }

  private writeFileHeader(): void {
    // Written in little-endian order; readers detect the order from the magic.
    const v = this.view;
    v.setUint32(0, PCAP_MAGIC_MICROS, true);
    v.setUint16(4, PCAP_VERSION_MAJOR, true);
    v.setUint16(6, PCAP_VERSION_MINOR, true);
    v.setInt32(8, 0, true); // thiszone: timestamps are UTC
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, this.snapLength, true);
    v.setUint32(20, this.linkType, true);
    this.used = PCAP_FILE_HEADER_LENGTH;
  }

  /**
   * Appends one record for `bytes[offset, offset + length)` seen at `timestamp` (microseconds); `originalLength`
   * is the frame's length on the wire when the bytes are already cut short (a capture's snapshot length).
   */
  writeFrame(timestamp: Instant, bytes: Uint8Array, offset: number, length: number, originalLength = length): void {
    if (this.closed || this.error !== null) {
      this.dropped++;
      return;
    }
    const captured = length < this.snapLength ? length : this.snapLength;
    const need = PCAP_RECORD_HEADER_LENGTH + captured;
    if (this.used + need > this.buffer.length) {
      this.flush();
      if (need > this.buffer.length) this.grow(need);
    }
    const seconds = Math.floor(timestamp / 1_000_000);
    const micros = timestamp - seconds * 1_000_000;
    const v = this.view;
    const at = this.used;
    v.setUint32(at, seconds, true);
    v.setUint32(at + 4, micros, true);
    v.setUint32(at + 8, captured, true);
    v.setUint32(at + 12, originalLength > length ? originalLength : length, true);
    copyBytes(bytes, offset, this.buffer, at + PCAP_RECORD_HEADER_LENGTH, captured);
    this.used = at + need;
    this.packets++;
    if (this.flushInterval >= 0) {
      if (this.lastFlushAt < 0) this.lastFlushAt = timestamp;
      else if (timestamp - this.lastFlushAt >= this.flushInterval) {
        this.flush();
        this.lastFlushAt = timestamp;
      }
    }
  }

  private grow(size: number): void {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  /**
   * Writes out everything buffered: synchronously to a file, or as one chunk to a stream. Does not
   * throw; a failure is kept in `error`.
   */
  flush(): void {
    if (this.used === 0 || this.error !== null) return;
    try {
      if (this.stream !== null) {
        // The stream keeps the chunk until it is written, so it gets its own copy of the batch.
        this.stream.write(this.buffer.slice(0, this.used));
      } else {
        let done = 0;
        while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
      }
    } catch (e) {
      this.error = e as Error;
    }
    this.used = 0;
  }

  /** Flushes, and closes the file if the writer opened it (a stream or fd passed in stays open). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.ownsFd) closeSync(this.fd);
  }
}
