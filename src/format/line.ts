// The shared line builder of the tcpdump printers: the text being built, the options that shape it, and the
// few helpers every protocol's printer uses. One protocol's printer is a set of functions in its own file
// (ethernet.ts, arp.ts, ipv4.ts, icmpv4.ts, udp.ts, tcp.ts) that take the LineBuilder first and append to the
// line; a printer for another protocol (IPv6, 802.1Q) is one more such file, called from the printer below
// it (ethernet.ts dispatches on the EtherType, ipv4.ts on the protocol number).
//
// Two ways to append, freely mixed: `out += text`, and the byte writers `text()`, `uint()`, `ipv4()`, which
// put the bytes straight into the line's TextSink (smoltcp-dump's output block) with no string built. The
// printers of the common lines (IPv4, TCP, UDP, ARP, ICMP echo) use the writers: a string per line costs
// building, flattening and copying it, and its garbage (about a third of smoltcp-dump's time on a capture
// of small TCP segments, bench/README.md); the rest use `out`, which the writers move into the sink first.

import { foldSum } from '../wire/checksum.js';
import { hexAsciiDump } from './hex-dump.js';
import type { TcpConversation } from './tcp.js';
import { Ipv4TextCache, MacTextCache } from './text-cache.js';
import { Piece, TextSink } from './text-sink.js';

/** How frames are printed, as tcpdump's command-line flags say; every option is off by default. */
export interface FormatOptions {
  /** tcpdump -v: IPv4 header details, TCP/ICMP checksum verdicts, the IP header quoted in ICMP errors. */
  verbose?: boolean;
  /**
   * tcpdump's -v count (0 to 3), for the printers that print more at -vv and -vvv (DNS sections and TTLs, UDP
   * checksums); `verbose: true` alone counts as 1.
   */
  verbosity?: number;
  /** tcpdump -e: print the Ethernet header (addresses, EtherType, frame length) first. */
  link?: boolean;
  /** tcpdump -q: shorter protocol lines (`tcp 0` instead of flags and options). */
  quiet?: boolean;
  /**
   * Print TCP sequence numbers relative to the start of each conversation, as tcpdump does unless `-S`.
   * Needs state across frames; off by default so that one frame always formats the same way.
   */
  relativeSequence?: boolean;
  /**
   * tcpdump prints the bytes of what it cannot decode (unknown EtherTypes, ARP operations) as a hex and ASCII
   * dump, unless -x or -X already dump the whole packet; true suppresses these dumps.
   */
  suppressDefaultPrint?: boolean;
  /**
   * The name of the interface with this index, for Linux cooked v2 captures (tcpdump looks it up on the
   * machine reading the file and prints `?` when there is none).
   */
  interfaceName?: (index: number) => string | undefined;
}

/**
 * The IP header a TCP or UDP printer sits on, whichever the version: the addresses as printed, and where they
 * are in the bytes (for the pseudo-header checksum and tcpdump's conversation order, src/format/ip.ts). The IP
 * printers fill it in before calling the transport's; one per LineBuilder, so nothing is allocated per frame.
 */
export class IpHeaderContext {
  /** 4 or 6. */
  version = 4;
  /** Where the IP header starts in the bytes. */
  at = 0;
  /** IPv4: the addresses' bits as int32s, for the byte writers (`LineBuilder.ipv4`). */
  srcAddress = 0;
  dstAddress = 0;
  /** The source address as tcpdump prints it. */
  src = '';
  /** The destination address as tcpdump prints it (the header's, not a routing header's final one). */
  dst = '';
  /**
   * IPv6 with extension headers before the transport: tcpdump printed the addresses already and gives the
   * ports alone (`5353 > 5353: `), as its printers check the fixed header's Next Header.
   */
  portsOnly = false;
  /**
   * IPv6: where the address the pseudo-header uses as destination starts (RFC 8200 section 8.1: the final
   * destination of a routing header, else the header's destination). Unused for IPv4, whose final destination
   * ipv4FinalDestination finds in the options.
   */
  pseudoDstAt = 0;
}

const DOT = new Piece('.');
const GREATER = new Piece(' > ');
const COLON_SPACE = new Piece(': ');

/** Outside begin()/end(): a line written there is a programming error that shows in any test. */
const NO_SINK = new TextSink(0);

/** One line being built, with the options and the state kept across frames. */
export class LineBuilder {
  readonly verbose: boolean;
  /** The number of -v flags (0 to 3). */
  readonly verbosity: number;
  readonly link: boolean;
  readonly quiet: boolean;
  readonly relativeSequence: boolean;
  readonly suppressDefaultPrint: boolean;

  /**
   * Text appended since the last byte writer: the writers (and end()) move it into the sink first, so the
   * two ways of appending keep their order.
   */
  out = '';
  /** Where the line's bytes go: set by begin(). */
  sink: TextSink = NO_SINK;
  /**
   * Whether decoding of the last frame stopped on a read past the captured bytes. tcpdump then dumps the whole
   * frame for -x/-X, link header included, because its printer never returned the header length.
   */
  truncated = false;
  /** Bytes of link-layer header (Ethernet with its VLAN tags, cooked, loopback) before the network header. */
  linkHeaderLength = 0;
  readonly interfaceName: (index: number) => string | undefined;

  readonly ipText = new Ipv4TextCache();
  /** The IP header under the transport being printed, IPv4 or IPv6 (ip.ts); set by the IP printers. */
  readonly ip = new IpHeaderContext();
  readonly macText = new MacTextCache();
  /** The TCP conversations seen, by both ports in one int32 (tcp.ts), for relative sequence numbers. */
  readonly conversations = new Map<number, TcpConversation[]>();

  constructor(options: FormatOptions = {}) {
    this.verbosity = options.verbosity ?? (options.verbose ? 1 : 0);
    this.verbose = this.verbosity > 0;
    this.link = options.link ?? false;
    this.quiet = options.quiet ?? false;
    this.relativeSequence = options.relativeSequence ?? false;
    this.suppressDefaultPrint = options.suppressDefaultPrint ?? false;
    this.interfaceName = options.interfaceName ?? (() => undefined);
  }

  /** Starts a new line, written to `sink`. */
  begin(sink: TextSink): void {
    this.sink = sink;
    this.out = '';
    this.truncated = false;
    this.linkHeaderLength = 0;
  }

  /** Ends the line: everything appended is in the sink. */
  end(): void {
    if (this.out.length !== 0) this.flushOut();
    this.sink = NO_SINK;
  }

  /** Appends `text` (ASCII) as bytes. */
  text(text: string): void {
    if (this.out.length !== 0) this.flushOut();
    this.sink.text(text);
  }

  /** Appends a constant text, encoded once as words (`new Piece(text)`, a module constant). */
  piece(piece: Piece): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(piece.length);
    sink.piece(piece);
  }

  /** A constant text then a non-negative integer below 2^53 (`, win 512`): the shape of most fields, in one call. */
  field(key: Piece, value: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(key.length + 16);
    sink.field(key, value);
  }

  /** Appends a non-negative integer below 2^53 in decimal. */
  uint(value: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(16);
    sink.uint(value);
  }

  /** Appends a 16-bit value as four lowercase hex digits (a checksum, as tcpdump's `0x%04x` shows it). */
  hex4(value: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(4);
    sink.hex4(value);
  }

  /** Appends the six bytes at bytes[at] as a MAC address, `02:00:00:00:00:01`. */
  mac(bytes: Uint8Array, at: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(20);
    sink.mac(bytes, at);
  }

  /** Appends an IPv4 address (a u32, or the same bits as an int32) as a dotted quad. */
  ipv4(address: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(16);
    sink.ipv4(address);
  }

  /**
   * `10.0.0.1.40000 > 10.0.1.2.80: `, how TCP and UDP lines over IPv4 start (addresses as u32s or their int32
   * bits): one call for what would take six.
   */
  ipv4Ports(src: number, srcPort: number, dst: number, dstPort: number): void {
    if (this.out.length !== 0) this.flushOut();
    const sink = this.sink;
    sink.reserve(48);
    sink.ipv4(src);
    sink.field(DOT, srcPort);
    sink.piece(GREATER);
    sink.ipv4(dst);
    sink.field(DOT, dstPort);
    sink.piece(COLON_SPACE);
  }

  private flushOut(): void {
    const text = this.out;
    this.out = '';
    this.sink.text(text);
  }

  /**
   * Ends the line with tcpdump's truncation marker, e.g. ` [|tcp]`. `longjmp` says tcpdump gives up on the
   * whole packet there (a read past the capture in one of its GET_ macros) rather than returning from the
   * protocol's printer (an explicit ND_TCHECK); only the former makes -x/-X dump the link header too.
   */
  truncate(protocol: string, longjmp = true): void {
    this.out += ' [|' + protocol + ']';
    if (longjmp) this.truncated = true;
  }

  /** tcpdump's ND_DEFAULTPRINT: the raw bytes as a hex and ASCII dump, unless -x/-X dump the packet anyway. */
  defaultPrint(bytes: Uint8Array, at: number, length: number, always: boolean): void {
    if ((always || !this.suppressDefaultPrint) && length > 0) this.out += hexAsciiDump(bytes, at, length);
  }
}

export function hex(value: number): string {
  return value.toString(16);
}

/** A byte as two lowercase hex digits. */
export function hex2(value: number): string {
  return value < 16 ? '0' + value.toString(16) : value.toString(16);
}

/** At least four lowercase hex digits. */
export function hex4(value: number): string {
  const text = value.toString(16);
  return text.length >= 4 ? text : '0000'.slice(text.length) + text;
}

export function pad2(value: number): string {
  return value < 10 ? '0' + value : String(value);
}

/** A big-endian 16-bit value at bytes[at], for fields whose position is not a header's (option data, entries). */
export function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** A big-endian unsigned 32-bit value at bytes[at]. */
export function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * tcpdump's in_cksum_shouldbe: given the checksum field and the checksum computed over the data including that
 * field, the value the field should have held.
 */
export function checksumShouldBe(field: number, computed: number): number {
  return foldSum(field + computed);
}
