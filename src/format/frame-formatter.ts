// One-line summaries of frames in the style of `tcpdump -nn` (tcpdump 4.99): Ethernet, ARP, IPv4 (options
// included), ICMPv4, IPv6 (extension headers walked, ipv6.ts), ICMPv6 (neighbour discovery and MLD, icmpv6.ts),
// UDP and TCP (every option), with tcpdump's `-e` (link header), `-v` (IPv4 details,
// checksums, quoted datagrams) and `-q` (quiet) variants. The text equals tcpdump's line for line, truncation
// markers (`[|tcp]`) and malformed-header messages included (test/dump/text.test.ts diffs thousands of kernel,
// crafted and corrupted frames against tcpdump).
//
// (test/dump/ipv6.test.ts does the same for IPv6.) What we do not decode is shown generically: other EtherTypes
// as their link header and bytes, which is how tcpdump shows EtherTypes it does not know; 802.3 frames' 802.2 LLC
// as tcpdump's LLC printer shows it (llc.ts: STP, SNAP, IP, any other SAP generically), except what it decodes
// further (IPX, OSI, CDP): `LLC, length N`; other IPv4 and IPv6 protocols as `ip-proto-N LEN`, tcpdump's line for protocols it has no printer
// for. Application printers follow tcpdump's for DNS (53, and 5353), HTTP (80, 8080), BOOTP/DHCP (67, 68) and NTP
// (123), in its order of precedence between ports (dns.ts, http.ts, bootp.ts, ntp.ts); other ports end at
// `length N` or `UDP, length N`. MPTCP options are shown as bytes.
//
// Truncation follows tcpdump's two lengths: the captured bytes bound what may be read (reading past them ends
// the line with ` [|proto]`), while the lengths printed come from the headers, as on the wire.

import { arpPacket } from './arp.js';
import { ethernetFrame } from './ethernet.js';
import { ipv4Packet } from './ipv4.js';
import { LineBuilder, type FormatOptions } from './line.js';
import { linuxSll2Frame, linuxSllFrame, nullFrame, rawIpFrame } from './link.js';
import { TextSink } from './text-sink.js';

/**
 * Formats whole Ethernet frames as tcpdump -nn does. One instance keeps the TCP conversations it has seen (for
 * relative sequence numbers) and reuses its views, so formatting a frame allocates only the strings it returns.
 */
export class FrameFormatter {
  private readonly line: LineBuilder;
  /** Where the string-returning methods build their line. */
  private readonly sink = new TextSink();

  /**
   * A formatter with tcpdump's options (`verbose` -v, `link` -e, `quiet` -q, ...). With none, a frame's line is
   * what `tcpdump -nn -S` prints: sequence numbers stay absolute unless `relativeSequence` is set.
   */
  constructor(options: FormatOptions = {}) {
    this.line = new LineBuilder(options);
  }

  /** tcpdump -v. */
  get verbose(): boolean {
    return this.line.verbose;
  }

  /** tcpdump -e. */
  get link(): boolean {
    return this.line.link;
  }

  /** tcpdump -q. */
  get quiet(): boolean {
    return this.line.quiet;
  }

  /** Sequence numbers relative to each conversation's first (tcpdump without -S). */
  get relativeSequence(): boolean {
    return this.line.relativeSequence;
  }

  /** No hex dump of what is not decoded (tcpdump with -x/-X). */
  get suppressDefaultPrint(): boolean {
    return this.line.suppressDefaultPrint;
  }

  /**
   * Whether decoding of the last frame stopped on a read past the captured bytes. tcpdump then dumps the whole
   * frame for -x/-X, link header included, because its printer never returned the header length.
   */
  get truncated(): boolean {
    return this.line.truncated;
  }

  /** Forgets the TCP conversations seen so far. */
  reset(): void {
    this.line.conversations.clear();
  }

  /**
   * The summary of the frame `bytes[offset, offset + caplen)`, whose length on the wire was `wireLength`
   * (larger when the capture cut the frame short). Without timestamp or trailing newline; `-v` output for
   * IPv4 spans two lines joined by "\n    ", as tcpdump prints it.
   */
  format(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    const line = this.line;
    line.begin(this.sink);
    ethernetFrame(line, bytes, offset, caplen, wireLength);
    line.end();
    return this.sink.takeText();
  }

  /** Bytes of link-layer header of the last frame (Ethernet and its VLAN tags, cooked or loopback header). */
  get linkHeaderLength(): number {
    return this.line.linkHeaderLength;
  }

  /**
   * The summary of a frame of any link type we decode (LINKTYPE_ETHERNET, _RAW, _IPV4, _IPV6, _LINUX_SLL,
   * _LINUX_SLL2, _NULL), or null for another link type.
   */
  formatLink(linkType: number, bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string | null {
    const known = this.writeLink(this.sink, linkType, bytes, offset, caplen, wireLength);
    const text = this.sink.takeText();
    return known ? text : null;
  }

  /**
   * formatLink's summary written into `sink` (smoltcp-dump's output block) rather than returned; false, with
   * nothing written, for a link type we do not decode.
   */
  writeLink(sink: TextSink, linkType: number, bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): boolean {
    const line = this.line;
    line.begin(sink);
    switch (linkType) {
      case 1:
        ethernetFrame(line, bytes, offset, caplen, wireLength);
        break;
      case 101:
      case 228:
      case 229:
        rawIpFrame(line, bytes, offset, caplen, wireLength);
        break;
      case 113:
        linuxSllFrame(line, bytes, offset, caplen, wireLength);
        break;
      case 276:
        linuxSll2Frame(line, bytes, offset, caplen, wireLength);
        break;
      case 0:
        nullFrame(line, bytes, offset, caplen, wireLength);
        break;
      default:
        line.end();
        return false;
    }
    line.end();
    return true;
  }

  /** The summary of an IPv4 packet without link header: `IP 10.0.0.1 > 10.0.0.2: ...`. */
  formatIpv4(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    const line = this.line;
    line.begin(this.sink);
    ipv4Packet(line, bytes, offset, offset + caplen, wireLength, !line.link);
    line.end();
    return this.sink.takeText();
  }

  /** The summary of an ARP packet without link header: `ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28`. */
  formatArp(bytes: Uint8Array, offset: number, caplen: number, wireLength = caplen): string {
    const line = this.line;
    line.begin(this.sink);
    arpPacket(line, bytes, offset, offset + caplen, wireLength);
    line.end();
    return this.sink.takeText();
  }
}

const defaultFormatter = new FrameFormatter();

/**
 * The tcpdump -nn style summary of one Ethernet frame, e.g.
 * `IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460], length 0`.
 * Sequence numbers are absolute (like tcpdump -S), so a frame always formats the same way.
 */
export function formatFrame(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  return defaultFormatter.format(bytes, offset, length, length);
}

/** `formatFrame` with tcpdump's -e, -v or -q variants. */
export function formatFrameWith(options: FormatOptions, bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  return new FrameFormatter(options).format(bytes, offset, length, length);
}
