// smoltcp-ts: the library's public face, everything portable in one import. Each layer also has an
// entry of its own (smoltcp-ts/time, /wire, /phy, /pcap, /format, /storage, /socket, /iface, /stack) and
// re-exports the same bindings, so a name means one thing wherever it is imported from. Not here: the
// Linux drivers, which load a native addon (smoltcp-ts/phy/linux), and the Runner, which drives an
// interface from Node's event loop (smoltcp-ts/runner). Each layer adds its entry here as it lands.
export * from './time.js';
export * from './wire/index.js';
export * from './phy/index.js';
export * from './pcap/index.js';
export * from './format/index.js';
export * from './storage/index.js';
export * from './socket/index.js';
export * from './iface/index.js';
export * from './stack/index.js';
