// smoltcp-ts/wire: the wire layer in one import. The generated views (generated/) with their enums,
// the reprs built on them, addresses and the Internet checksum. Helpers the views share (EMPTY_BYTES,
// dataViewOf, checksumSumData, byte copying, MAC halves) stay internal. src/index.ts re-exports this.
export { ArpHardware, ArpOperation, ArpPacket, arpHardwareName, arpOperationName } from '../../generated/arp.js';
export { EtherType, EthernetFrame, etherTypeName } from '../../generated/ethernet.js';
export {
  Icmpv4DstUnreachable,
  Icmpv4Message,
  Icmpv4Packet,
  Icmpv4ParamProblem,
  Icmpv4Redirect,
  Icmpv4TimeExceeded,
  icmpv4DstUnreachableName,
  icmpv4MessageName,
  icmpv4ParamProblemName,
  icmpv4RedirectName,
  icmpv4TimeExceededName,
} from '../../generated/icmpv4.js';
export {
  IpProtocol,
  Ipv4OptionIterator,
  Ipv4OptionKind,
  Ipv4Packet,
  ipProtocolName,
  ipv4OptionKindName,
} from '../../generated/ipv4.js';
export { TcpOptionIterator, TcpOptionKind, TcpPacket, tcpOptionKindName } from '../../generated/tcp.js';
export { UdpPacket } from '../../generated/udp.js';
export { WireError, wireErrorMessage } from '../../generated/runtime.js';
// One fold in the public API: checksumFold folds a checksumSum accumulator and complements it, giving
// the value that goes on the wire (foldSum, which does not complement, is internal to checksum.ts).
export {
  checksumFold,
  checksumSum,
  combineSums,
  internetChecksum,
  pseudoHeaderSum,
  updateChecksum16,
  updateChecksum32,
} from './checksum.js';
export * from './address-error.js';
export * from './arp.js';
export * from './ethernet.js';
export * from './ethernet-address.js';
export * from './icmpv4.js';
export * from './ipv4.js';
export * from './ipv4-address.js';
export * from './tcp.js';
export * from './udp.js';
