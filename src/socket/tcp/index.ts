// The TCP socket layer: the socket, the listener with a backlog, congestion control and the errors.
export { TcpSocket, TcpState, TCP_RECV_FINISHED, tcpStateName } from './socket.js';
export type { EndpointLike, TcpEmitter, TcpEndCause, TcpLogger, TcpSocketOptions } from './socket.js';
export { TcpListener } from './listener.js';
export type { TcpListenerOptions } from './listener.js';
export { TcpError } from './errors.js';
export type { TcpErrorCode } from './errors.js';
export type { CongestionControl } from './congestion/controller.js';
export { NewReno } from './congestion/newreno.js';
export { Cubic } from './congestion/cubic.js';
export { NoCongestionControl } from './congestion/controller.js';
export { DEFAULT_RTO_CONFIG, RttEstimator } from './rtt.js';
export type { RtoConfig, RtoMode } from './rtt.js';
