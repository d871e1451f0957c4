// Misuse of a TCP socket is a typed error whose message says what to do (STYLE.md). Conditions that are
// part of normal operation (nothing to read yet, the send buffer full) are return values, not errors.

/** What kind of misuse a TcpError reports. */
export type TcpErrorCode = 'InvalidState' | 'Unaddressable' | 'InvalidConfig' | 'NoSocketAvailable';

/** Misuse of a TCP socket or listener; the message says what to do. */
export class TcpError extends Error {
  /** Always "TcpError". */
  override readonly name = 'TcpError';
  /** An error of `code` with a message that says the fix. */
  constructor(
    /** Which misuse it was, for code that tells them apart. */
    readonly code: TcpErrorCode,
    message: string,
  ) {
    super(message);
  }
}
