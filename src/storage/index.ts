// The storage layer (smoltcp's storage): fixed-capacity buffers the sockets and devices sit on,
// protocol-agnostic and allocation-free after construction.
export { RingBuffer } from './ring-buffer.js';
export { PacketBuffer, type PacketBufferOptions } from './packet-buffer.js';
export { StorageError, type StorageErrorCode } from './errors.js';
