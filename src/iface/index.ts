// The interface layer (smoltcp's iface): an Interface turns a Device's frames into socket data and
// back, with ARP, routes, IPv4 reassembly and fragmentation, and ICMPv4.
export { Interface, type InterfaceOptions } from './interface.js';
export { InterfaceCounters, RxOutcome, rxOutcomeName } from './counters.js';
export { IfaceError, type IfaceErrorCode } from './errors.js';
export { LogLevel, consoleLogger, type Logger } from './logger.js';
export { NeighborCache, NEIGHBOR_LIFETIME, NEIGHBOR_REQUEST_INTERVAL, NO_HARDWARE_ADDR } from './neighbor-cache.js';
export { RouteTable, NO_ROUTE } from './route-table.js';
