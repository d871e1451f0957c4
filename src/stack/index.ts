// smoltcp-ts/stack: the stack for application code. A NetStack polls its interface by itself and offers
// TCP connections and listeners as Web Streams, UDP endpoints and ping. Portable: no `node:` imports.
export {
  NetStack,
  type ConnectTcpOptions,
  type ListenTcpOptions,
  type NetStackOptions,
  type NetStackTcpOptions,
  type OpenUdpOptions,
  type PingOptions,
} from './net-stack.js';
export { TcpConnection, EOF } from './tcp-connection.js';
export { TcpServer } from './tcp-server.js';
export { UdpEndpoint, type UdpDatagram } from './udp-endpoint.js';
export { NetError, type NetErrorCode, type NetErrorInit } from './errors.js';
