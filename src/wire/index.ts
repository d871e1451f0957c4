// smoltcp-ts/wire: the wire layer in one import. The generated views (generated/) with their enums,
// the reprs built on them, addresses and the Internet checksum. Helpers the views share (EMPTY_BYTES,
// dataViewOf, checksumSumData, byte copying, MAC halves) stay internal. src/index.ts re-exports this.
//
// The repr contract, the same for EthernetRepr, ArpRepr, Ipv4Repr, Ipv6Repr, Icmpv4Repr, Icmpv6Repr, UdpRepr, TcpRepr
// and VirtioNetRepr (checked for each by test/wire/contract.test.ts):
// - Construction: `new XRepr()` gives the defaults; `new XRepr({ ...fields })` takes a Partial of the
//   plain fields (the type XReprFields) and leaves the rest at their defaults. A payload (or ICMP data)
//   given without its length runs to the end of its array. Hot paths construct one repr and reuse it,
//   with parseInto() or by assigning fields.
// - `headerLength()`: this layer's header in bytes, options included.
// - `bufferLength()`: headerLength() plus the payload this repr describes (no arguments). EthernetRepr's
//   is its header alone (its payload is the next layer's); Ipv4Repr's is 20 + payloadLength, where
//   payloadLength is the next layer's bufferLength(), set by the caller.
// - `emit(view, ...)` needs a view of at least bufferLength() bytes that lies inside its buffer, and
//   throws RangeError otherwise (a programmer mistake, not a wire condition). It writes the header and,
//   when the repr carries its payload bytes (TCP and UDP payload, ICMP data, non-null), the payload; it
//   never writes past bufferLength(), and checksums cover exactly those bytes. A longer view is fine.
// - `parse(view, ...)` / `parseInto(view, ...)`: the repr (or WireError.Ok) or a WireError, never a
//   throw; `equals()` compares values, and parse(emit(x)) equals x.
// - A frame is built outside in: set Ipv4Repr.payloadLength to the transport repr's bufferLength(),
//   allocate ethernet.headerLength() + ip.bufferLength() bytes, then emit each layer at its offset
//   (README.md, "Using the library").
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
export {
  Icmpv6DstUnreachable,
  Icmpv6Message,
  Icmpv6Packet,
  NdiscOptionType,
  icmpv6DstUnreachableName,
  icmpv6MessageName,
  ndiscOptionTypeName,
} from '../../generated/icmpv6.js';
export { Icmpv6ErrorMessage } from '../../generated/icmpv6-error.js';
export { Ipv6Packet } from '../../generated/ipv6.js';
export { Ipv6ExtensionHeader, Ipv6OptionType, ipv6OptionTypeName } from '../../generated/ipv6-extension.js';
export { Ipv6FragmentHeader } from '../../generated/ipv6-fragment.js';
export { Ipv6RoutingHeader } from '../../generated/ipv6-routing.js';
export { MldMessage } from '../../generated/mld.js';
export { NdiscNeighborMessage } from '../../generated/ndisc-neighbor.js';
export { NdiscRedirect } from '../../generated/ndisc-redirect.js';
export { NdiscRouterAdvert } from '../../generated/ndisc-router-advert.js';
export { TcpOptionIterator, TcpOptionKind, TcpPacket, tcpOptionKindName } from '../../generated/tcp.js';
export { UdpPacket } from '../../generated/udp.js';
export { VirtioNetGso, VirtioNetHeader, virtioNetGsoName } from '../../generated/virtio-net.js';
export { WireError, wireErrorMessage } from '../../generated/runtime.js';
// One fold in the public API: checksumFold folds a checksumSum accumulator and complements it, giving
// the value that goes on the wire (foldSum, which does not complement, is internal to checksum.ts).
export {
  checksumFold,
  checksumSum,
  combineSums,
  internetChecksum,
  ipv6PseudoHeaderSum,
  pseudoHeaderSum,
  updateChecksum16,
  updateChecksum32,
} from './checksum.js';
export * from './address-error.js';
export * from './arp.js';
export * from './checksum-capabilities.js';
export * from './ethernet.js';
export * from './virtio-net.js';
export * from './ethernet-address.js';
export * from './icmpv4.js';
export * from './icmpv6.js';
export * from './ipv4.js';
export * from './ipv4-address.js';
export * from './ipv6.js';
export * from './ipv6-address.js';
export * from './tcp.js';
export * from './udp.js';
