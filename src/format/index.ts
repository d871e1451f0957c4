// smoltcp-ts/format: frames as text, the way `tcpdump -nn` prints them (FrameFormatter, formatFrame), and
// tcpdump's -x/-X hex dumps. Apart from the wire layer: a program that only parses and builds packets does
// not load the printers. Each protocol's printer is a file of its own (ethernet.ts, arp.ts, ipv4.ts,
// icmpv4.ts, udp.ts, tcp.ts) over the shared line builder (line.ts); names.ts holds tcpdump's name tables.
export { FrameFormatter, formatFrame, formatFrameWith } from './frame-formatter.js';
export { hexAsciiDump, hexDump } from './hex-dump.js';
export type { FormatOptions } from './line.js';
