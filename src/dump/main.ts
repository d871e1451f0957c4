// smoltcp-dump: reads a capture file (or standard input, or a live interface) and prints each packet like
// `tcpdump -nn`, or as one JSON object per line with --json. Exit status 0 on success, 1 when reading
// fails (after printing every packet before the bad one), 2 on a usage error.

// Modules only some runs need (the filter, JSON, the pcap writer, the raw socket) are imported when asked for:
// under tsx every module costs a round trip to its loader thread, which is most of the start-up time.
import { readdirSync, readFileSync } from 'node:fs';
import { LinkType } from '../pcap/format.js';
import { PcapReader } from '../pcap/reader.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import type { PcapFileWriter } from '../pcap/writer.js';
import { FrameFormatter, hexAsciiDump, hexDump } from '../format/index.js';
import { parseArgs, UsageError, USAGE, type DumpOptions } from './args.js';
import type { Predicate } from './filter.js';
import type { JsonPrinter } from './json.js';
import type { PacketState } from './packet-state.js';
import { TimestampFormatter, timestampStyleForCount } from './timestamp.js';
import { BlockWriter } from './output.js';

/** Interface names by index on this machine, read once when a Linux cooked v2 capture asks (as tcpdump does). */
let interfaceNames: Map<number, string> | null = null;

function interfaceName(index: number): string | undefined {
  if (interfaceNames === null) {
    interfaceNames = new Map();
    try {
      for (const name of readdirSync('/sys/class/net')) {
        const text = readFileSync('/sys/class/net/' + name + '/ifindex', 'latin1');
        interfaceNames.set(Number(text.trim()), name);
      }
    } catch {
      // No sysfs (not Linux): every index prints as tcpdump prints an unknown one.
    }
  }
  return interfaceNames.get(index);
}

/** Longest timestamp: a -ttt/-ttttt delta of many hours, or -tttt's date and time. */
const TIMESTAMP_ROOM = 64;

/** Everything done to one packet: filter, print, write. One instance per run; it allocates per packet only text. */
export class PacketHandler {
  /** Packets that passed the filter and were printed. */
  printed = 0;
  private readonly formatter: FrameFormatter;
  private readonly timestamps: TimestampFormatter;

  /**
   * `filter` with the `state` it reads (both null without a filter expression) and `json` (null for text)
   * come from modules main() imports only when the command line asks for them.
   */
  constructor(
    private readonly options: DumpOptions,
    private readonly filter: Predicate | null,
    private readonly state: PacketState | null,
    private readonly json: JsonPrinter | null,
    private readonly out: BlockWriter,
    private readonly pcapOut: PcapFileWriter | null,
  ) {
    this.formatter = new FrameFormatter({
      verbose: options.verbose,
      verbosity: options.verbosity,
      link: options.link,
      quiet: options.quiet,
      relativeSequence: !options.absoluteSequence,
      suppressDefaultPrint: options.hex > 0 || options.hexAscii > 0,
      interfaceName,
    });
    this.timestamps = new TimestampFormatter(timestampStyleForCount(options.timestampCount));
  }

  /** Handles one packet; returns false once -c packets have been printed. */
  handle(
    number: number, linkType: number, seconds: number, nanos: number, precision: number,
    bytes: Uint8Array, offset: number, caplen: number, len: number,
  ): boolean {
    const ethernet = linkType === LinkType.Ethernet;
    if (this.filter !== null && this.state !== null) {
      // Filters speak Ethernet; on other link types only `less`/`greater` can match.
      if (!this.filter(this.state.point(bytes, offset, ethernet ? caplen : 0, len))) return true;
    }
    this.printed++;
    if (this.pcapOut !== null) {
      this.pcapOut.writeFrame(seconds * 1_000_000 + Math.floor(nanos / 1000), bytes, offset, caplen, len);
    }
    if (this.json !== null) {
      this.json.write(this.out, number, seconds, nanos, precision, linkType, bytes, offset, caplen, len);
    } else if (caplen === 0 || len < caplen) {
      // tcpdump refuses such records before printing a timestamp.
      this.out.write(caplen === 0 ? '[Invalid header: caplen==0]\n' : '[Invalid header: len(' + len + ') < caplen(' + caplen + ')]\n');
    } else {
      // The timestamp and the summary go straight into the output block, as bytes: no string per line.
      this.out.reserve(TIMESTAMP_ROOM);
      this.timestamps.writeTo(this.out, seconds, Math.floor(nanos / 1000));
      if (!this.formatter.writeLink(this.out, linkType, bytes, offset, caplen, len)) {
        this.out.write('unsupported link-type ' + linkType + ', length ' + len);
      }
      if (this.options.hex || this.options.hexAscii || this.options.ascii) this.dump(bytes, offset, caplen);
      this.out.newline();
      if (this.options.lineBuffered) this.out.flush();
    }
    return this.options.count === 0 || this.printed < this.options.count;
  }

  /** -x, -X, -A and their doubled forms: the packet's bytes after its line (apart, to keep handle() small). */
  private dump(bytes: Uint8Array, offset: number, caplen: number): void {
    const linkHeader = this.formatter.linkHeaderLength;
    if (this.options.hex || this.options.hexAscii) {
      // tcpdump dumps from the network header, or the whole frame when decoding gave up on a read past the
      // capture (its printer never reported the link header's length) or with -xx/-XX.
      const whole = this.options.hex === 2 || this.options.hexAscii === 2 || this.formatter.truncated;
      const skip = whole ? 0 : linkHeader;
      if (caplen > skip) {
        this.out.write(this.options.hexAscii ? hexAsciiDump(bytes, offset + skip, caplen - skip) : hexDump(bytes, offset + skip, caplen - skip));
      }
    } else {
      // tcpdump's -A, from the network header (or the whole frame with -AA or when decoding gave up).
      const skip = this.options.ascii === 2 || this.formatter.truncated ? 0 : linkHeader;
      if (caplen > skip) this.out.write(asciiDump(bytes, offset + skip, caplen - skip));
    }
  }
}

/**
 * tcpdump's ascii_print: a newline, then each byte as itself when printable (tab, space and newline too) or
 * '.', a CR dropped before a LF or in the last two bytes.
 */
export function asciiDump(bytes: Uint8Array, at: number, length: number): string {
  let text = '\n';
  for (let i = 0; i < length; i++) {
    const c = bytes[at + i]!;
    if (c === 13) {
      if (length - i - 1 > 1 && bytes[at + i + 1] !== 10) text += '.';
    } else if ((c > 0x20 && c < 0x7f) || c === 9 || c === 32 || c === 10) {
      text += String.fromCharCode(c);
    } else {
      text += '.';
    }
  }
  return text;
}

/** Where the CLI writes: descriptors and a stderr sink, replaceable so tests run it in-process. */
export interface DumpIo {
  stdoutFd: number;
  stderr: (text: string) => void;
}

const processIo: DumpIo = { stdoutFd: 1, stderr: (text) => void process.stderr.write(text) };
let io: DumpIo = processIo;

function fail(message: string): void {
  io.stderr(`smoltcp-dump: ${message}\n`);
}

async function readCapture(options: DumpOptions, handler: PacketHandler, out: BlockWriter): Promise<number> {
  let reader: PcapReader;
  try {
    // Standard input is read with blocking reads on descriptor 0: the fast path for a pipe or a file.
    reader = options.readFile === '-' ? new PcapReader(0, { bufferSize: 1024 * 1024 }) : PcapReader.open(options.readFile!, { bufferSize: 1024 * 1024 });
  } catch (e) {
    fail(`${(e as Error).message}.`);
    return 1;
  }
  const record = reader.record;
  let going = true;
  while (going) {
    while (reader.next()) {
      if (
        !handler.handle(
          record.number, record.linkType, record.tsSeconds, record.tsNanos, record.tsPrecision,
          record.bytes, record.offset, record.length, record.originalLength,
        ) || out.closed
      ) {
        going = false;
        break;
      }
    }
    if (!going || !reader.needsData) break;
    out.flush();
    await reader.ready();
  }
  reader.close();
  if (reader.error !== null && going) {
    out.flush();
    fail(`${options.readFile === '-' ? 'standard input' : options.readFile}: ${reader.error}`);
    return 1;
  }
  return 0;
}

async function captureLive(options: DumpOptions, handler: PacketHandler, out: BlockWriter): Promise<number> {
  const { RawSocket } = await import('../phy/raw-socket.js');
  const { now } = await import('../time.js');
  let socket: InstanceType<typeof RawSocket>;
  try {
    socket = new RawSocket(options.interface!);
  } catch (e) {
    fail((e as Error).message);
    return 1;
  }
  let stopped = false;
  let number = 0;
  const stop = (): void => {
    stopped = true;
    socket.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.stderr(`smoltcp-dump: listening on ${options.interface}, link-type EN10MB (Ethernet)\n`);
  // -s: what the capture keeps of each frame; the frame's own length is still recorded.
  const ctx = { handler, going: true, number: 0, now: 0, snap: options.snapLength || 262_144 };
  const consume = (c: typeof ctx, bytes: Uint8Array, offset: number, length: number): void => {
    const seconds = Math.floor(c.now / 1_000_000);
    const micros = c.now - seconds * 1_000_000;
    c.going = c.handler.handle(++c.number, LinkType.Ethernet, seconds, micros * 1000, 6, bytes, offset, Math.min(length, c.snap), length);
  };
  while (!stopped && ctx.going && !out.closed) {
    await socket.waitReadable(null);
    for (;;) {
      if (stopped) break;
      ctx.now = now();
      const pair = socket.receive(ctx.now);
      if (pair === null) break;
      pair.rx.consume(ctx, consume);
      if (!ctx.going) break;
    }
    out.flush();
  }
  number = ctx.number;
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  if (!stopped) socket.close();
  out.flush();
  io.stderr(`${number} packet${number === 1 ? '' : 's'} captured\n`);
  return 0;
}

export async function main(argv: readonly string[], dumpIo: DumpIo = processIo): Promise<number> {
  io = dumpIo;
  let options: DumpOptions;
  let filter: Predicate | null = null;
  let state: PacketState | null = null;
  try {
    options = parseArgs(argv);
    if (options.help) {
      new BlockWriter(io.stdoutFd).writeNow(USAGE);
      return 0;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      fail(e.message);
      return 2;
    }
    throw e;
  }
  if (options.filterFile !== null) {
    const { readFileSync } = await import('node:fs');
    try {
      // As tcpdump's -F: '#' starts a comment that runs to the end of the line.
      options.filter = readFileSync(options.filterFile, 'latin1').replace(/#[^\n]*/g, ' ').replace(/\s+/g, ' ');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fail(`cannot read the filter file ${options.filterFile}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
      return 2;
    }
  }
  if (options.filter.trim() !== '') {
    const { buildFilter, FilterSyntaxError } = await import('./filter.js');
    const { PacketState } = await import('./packet-state.js');
    try {
      filter = buildFilter(options.filter);
      state = new PacketState();
    } catch (e) {
      if (e instanceof FilterSyntaxError) {
        fail(e.message);
        return 2;
      }
      throw e;
    }
  }
  let pcapOut: PcapFileWriter | null = null;
  if (options.writeFile !== null) {
    const { PcapFileWriter } = await import('../pcap/writer.js');
    try {
      pcapOut = new PcapFileWriter(options.writeFile === '-' ? 1 : options.writeFile, { snapLength: options.snapLength || 262_144, flushInterval: options.interface ? 0 : null });
    } catch (e) {
      fail(`cannot write ${options.writeFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}.`);
      return 1;
    }
  }
  const json = options.json ? new (await import('./json.js')).JsonPrinter() : null;
  const out = new BlockWriter(io.stdoutFd);
  const handler = new PacketHandler(options, filter, state, json, out, pcapOut);
  let status: number;
  try {
    status = options.interface !== null ? await captureLive(options, handler, out) : await readCapture(options, handler, out);
  } finally {
    out.flush();
    pcapOut?.close();
  }
  return status;
}
