// The socket layer (smoltcp's socket): the socket set, the socket contract the interface calls, and the
// UDP, ICMP and raw IP sockets. Sockets never touch a device: an Interface moves their packets.
export { SocketSet, type SocketHandle } from './socket-set.js';
export {
  EmitResult,
  IpEndpoint,
  SocketKind,
  SocketMeta,
  type PacketEmitter,
  type Socket,
  type TcpSocketContract,
  type TcpUnreachable,
} from './socket.js';
export { SocketError, type SocketErrorCode } from './errors.js';
export type { DatagramSocketBuffers, PacketBufferSize } from './buffers.js';
export { UdpSocket, UDP_MAX_DATAGRAM_PAYLOAD, type UdpSocketOptions } from './udp.js';
export { IcmpSocket, ICMP_MAX_MESSAGE, type IcmpSocketOptions } from './icmp.js';
export { RawIpSocket, type RawIpSocketOptions } from './raw-ip.js';
export {
  TcpSocket,
  TcpState,
  TCP_RECV_FINISHED,
  TCP_RECV_RESET,
  tcpStateName,
  TcpListener,
  TcpError,
  NewReno,
  Cubic,
  NoCongestionControl,
  RttEstimator,
  DEFAULT_RTO_CONFIG,
  type EndpointLike,
  type TcpEmitter,
  type TcpEndCause,
  type TcpLogger,
  type TcpSocketOptions,
  type TcpListenerOptions,
  type TcpErrorCode,
  type CongestionControl,
  type RtoConfig,
  type RtoMode,
} from './tcp/index.js';
