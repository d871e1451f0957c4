// Middleware that records the frames passing through a device in a classic libpcap file (link type
// Ethernet, microsecond timestamps), after smoltcp's PcapWriter. It is a Tracer whose callback
// appends records to a PcapFileWriter, which batches them in one preallocated buffer: recording a
// frame allocates nothing. Placed below a FaultInjector (as the examples' option parser does), it
// still records received frames the injector drops, like smoltcp.

import { PcapFileWriter, type PcapSink } from '../pcap/writer.js';
import type { Device } from './device.js';
import { Tracer, type FrameDirection } from './tracer.js';
import type { Instant } from '../time.js';

/** Which frames to record. A loopback sees each frame twice, so its captures use 'tx'. */
export type PcapMode = 'both' | 'rx' | 'tx';

/** Options of a PcapWriter. */
export interface PcapWriterOptions {
  /** Which frames to record: received ('rx'), sent ('tx') or 'both' (the default). */
  mode?: PcapMode;
  /** See PcapFileWriterOptions.flushInterval (microseconds of frame time; default 1 s). */
  flushInterval?: number | null;
  /** Longest captured length in bytes (default 65 535); longer frames are cut. */
  snapLength?: number;
}

/**
 * Middleware that records the frames passing through a device in a classic pcap file (Ethernet link
 * type, microsecond timestamps), after smoltcp's PcapWriter; recording a frame allocates nothing.
 */
export class PcapWriter extends Tracer {
  /** Where the records go; its `packets`, `dropped` and `error` say how writing went. */
  readonly file: PcapFileWriter;
  /** Which frames are recorded. */
  readonly mode: PcapMode;

  /** `sink`: a file path (created or truncated), an open fd, a Writable, or a PcapFileWriter to share. */
  constructor(inner: Device, sink: PcapSink | PcapFileWriter, options: PcapWriterOptions = {}) {
    const file =
      sink instanceof PcapFileWriter
        ? sink
        : new PcapFileWriter(sink, { flushInterval: options.flushInterval, snapLength: options.snapLength });
    const mode = options.mode ?? 'both';
    const recordRx = mode !== 'tx';
    const recordTx = mode !== 'rx';
    super(inner, (direction: FrameDirection, timestamp: Instant, bytes: Uint8Array, offset: number, length: number) => {
      if (direction === 'rx' ? recordRx : recordTx) file.writeFrame(timestamp, bytes, offset, length);
    });
    this.file = file;
    this.mode = mode;
  }

  /** Writes out buffered records. */
  flush(): void {
    this.file.flush();
  }

  /** Flushes and closes the file if the writer opened it. */
  close(): void {
    this.file.close();
  }
}
