// smoltcp-ts/pcap: capture files. pcap and pcapng reading streamed through one reused buffer, classic
// pcap writing batched in one preallocated buffer, and the byte sources a reader pulls from.
export { PcapFileWriter, type PcapFileWriterOptions, type PcapSink } from './writer.js';
export { PcapReader, PcapRecord, forEachRecord, type PcapFormat, type PcapReaderOptions } from './reader.js';
export { FdSource, StreamSource, WOULD_BLOCK, type ByteSource } from './source.js';
export { LinkType } from './format.js';
