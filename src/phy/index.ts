// smoltcp-ts/phy: the portable part of the phy layer. The device abstraction (rx/tx tokens), its
// capabilities, Loopback, LinkedPair, and the middleware that wraps any device (FaultInjector, Tracer, PcapWriter).
// The Linux drivers (TapInterface, RawSocket) load a native addon: they are in ./linux.ts
// (smoltcp-ts/phy/linux), so importing this module loads nothing native.
export {
  ChecksumCapabilities,
  checksumRx,
  checksumTx,
  type Checksum,
  type DeviceCapabilities,
  type Medium,
} from './capabilities.js';
export type { Device, FrameConsumer, RxPair, RxToken, TxToken, WaitableDevice } from './device.js';
export { Loopback, type LoopbackOptions } from './loopback.js';
export { LinkedDevice, LinkedPair, type LinkedPairOptions } from './linked-pair.js';
export { FaultInjector, type FaultInjectorOptions } from './fault-injector.js';
export { Tracer, printingTraceCallback, type FrameDirection, type FrameFormat, type TraceCallback } from './tracer.js';
export { PcapWriter, type PcapMode, type PcapWriterOptions } from './pcap-writer.js';
export {
  MessageDevice,
  messagePortTransport,
  webSocketTransport,
  type FrameMessage,
  type FrameTransport,
  type MessageDeviceOptions,
  type MessagePortLike,
  type WebSocketLike,
} from './message-device.js';
