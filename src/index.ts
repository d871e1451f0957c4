// smoltcp-ts: the library's public face. Each layer adds its exports here as it lands.
export * from './time.js';
export * from './phy/capabilities.js';
export type * from './phy/device.js';
