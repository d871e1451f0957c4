export * from './format.js';
export { PcapFileWriter, type PcapFileWriterOptions, type PcapSink } from './writer.js';
export { PcapReader, PcapRecord, forEachRecord, type PcapFormat, type PcapReaderOptions } from './reader.js';
export { FdSource, StreamSource, WOULD_BLOCK, type ByteSource } from './source.js';
