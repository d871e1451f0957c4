// Misuse of a TCP socket is a typed error whose message says what to do (STYLE.md). Conditions that are
// part of normal operation (nothing to read yet, the send buffer full) are return values, not errors.

export type TcpErrorCode = 'InvalidState' | 'Unaddressable' | 'InvalidConfig' | 'NoSocketAvailable';

export class TcpError extends Error {
  override readonly name = 'TcpError';
  constructor(
    readonly code: TcpErrorCode,
    message: string,
  ) {
    super(message);
  }
}
