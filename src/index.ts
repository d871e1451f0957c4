// smoltcp-ts: the library's public face. Each layer adds its exports here as it lands.
export * from './time.js';
// The wire layer: generated views, reprs, addresses, checksums.
export * from './wire/index.js';
// Frames as tcpdump -nn prints them.
export * from './format/index.js';
// Devices, drivers (Loopback, TapInterface, RawSocket) and middleware (FaultInjector, PcapWriter, Tracer).
export * from './phy/index.js';
// Capture files: pcap and pcapng reading, classic pcap writing.
export {
  PcapFileWriter,
  PcapReader,
  PcapRecord,
  forEachRecord,
  type PcapFileWriterOptions,
  type PcapFormat,
  type PcapReaderOptions,
  type PcapSink,
} from './pcap/index.js';
