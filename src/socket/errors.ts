// Misuse of a socket or the socket set: a SocketError whose `.code` says what and whose message is one
// sentence that also says what to do, as phy's PhyError. Received packets never throw: what a socket
// cannot take is dropped and counted.

export type SocketErrorCode =
  /** bind() with port 0 or an identifier out of range. */
  | 'ERR_SOCKET_BAD_PORT'
  /** bind() on a socket already bound. */
  | 'ERR_SOCKET_ALREADY_BOUND'
  /** send() before bind(). */
  | 'ERR_SOCKET_UNBOUND'
  /** send() to address 0 or port 0. */
  | 'ERR_SOCKET_BAD_ENDPOINT'
  /** send() while the transmit buffer has no room for the packet now. */
  | 'ERR_SOCKET_BUFFER_FULL'
  /** send() of a packet larger than the transmit buffer or the protocol allows. */
  | 'ERR_SOCKET_PAYLOAD_TOO_LARGE'
  /** A raw socket's send() of bytes that are not an IPv4 packet of its protocol. */
  | 'ERR_SOCKET_BAD_PACKET'
  /** Options that do not describe buffers (negative sizes, an unknown protocol number). */
  | 'ERR_SOCKET_BAD_OPTIONS'
  /** SocketSet.get() of a socket of another kind than asked. */
  | 'ERR_SOCKET_WRONG_KIND'
  /** A handle that is not (or no longer) in the set. */
  | 'ERR_SOCKET_BAD_HANDLE'
  /** SocketSet.add() when every slot is taken. */
  | 'ERR_SOCKET_SET_FULL';

export class SocketError extends Error {
  override readonly name = 'SocketError';

  constructor(
    readonly code: SocketErrorCode,
    message: string,
  ) {
    super(message);
  }
}
