export * from './capabilities.js';
export * from './device.js';
export { Loopback, type LoopbackOptions } from './loopback.js';
export { LinkedDevice, LinkedPair, type LinkedPairOptions } from './linked-pair.js';
export { FaultInjector, type FaultInjectorOptions } from './fault-injector.js';
export { Tracer, printingTraceCallback, type FrameDirection, type TraceCallback } from './tracer.js';
export { PcapWriter, type PcapMode, type PcapWriterOptions } from './pcap-writer.js';
export {
  MIDDLEWARE_OPTIONS_HELP,
  OptionError,
  buildMiddleware,
  parseMiddlewareOptions,
  parseMiddlewareOptionsOrExit,
  type MiddlewareOptions,
  type MiddlewareSettings,
  type MiddlewareStack,
  type ParsedMiddlewareOptions,
} from './options.js';
export * from './tap-interface.js';
export * from './raw-socket.js';
export { PhyError, type PhyErrorCode } from './errors.js';
