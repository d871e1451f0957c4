// smoltcp-ts: the library's public face, everything portable in one import. Each layer also has an
// entry of its own (smoltcp-ts/time, /wire, /phy, /pcap, /format) and re-exports the same bindings,
// so a name means one thing wherever it is imported from. The Linux drivers are not here: they load
// a native addon and live in smoltcp-ts/phy/linux. Each layer adds its entry here as it lands.
export * from './time.js';
export * from './wire/index.js';
export * from './phy/index.js';
export * from './pcap/index.js';
export * from './format/index.js';
