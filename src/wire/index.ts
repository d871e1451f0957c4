// The wire layer in one import: the generated views (generated/), the reprs built on them, addresses,
// checksums. src/index.ts re-exports this module; the tcpdump-style printer is src/format.
export * from '../../generated/index.js';
export * from './address-error.js';
export * from './arp.js';
export { combineSums, foldSum, internetChecksum, updateChecksum16, updateChecksum32 } from './checksum.js';
export * from './ethernet.js';
export * from './ethernet-address.js';
export * from './icmpv4.js';
export * from './ipv4.js';
export * from './ipv4-address.js';
export * from './tcp.js';
export * from './udp.js';
