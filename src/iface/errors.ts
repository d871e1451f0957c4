// Misconfiguration of an interface: an IfaceError whose `.code` says what and whose message is one
// sentence that also says what to do. Received frames never throw: they are dropped and counted.

/** What went wrong, to branch on (`err.code === '...'`). */
export type IfaceErrorCode =
  /** Options that do not describe an interface (bad address, size, rate). */
  | 'ERR_IFACE_BAD_CONFIG'
  /** More routes than the table was built for. */
  | 'ERR_IFACE_ROUTES_FULL'
  /** The device's medium is not Ethernet. */
  | 'ERR_IFACE_BAD_DEVICE';

/**
 * An interface misconfigured: `code` says what happened, `message` is one sentence that also says what to do, fit to print
 * without a stack trace.
 */
export class IfaceError extends Error {
  /** Always 'IfaceError'. */
  override readonly name = 'IfaceError';

  /** An error with `code` and `message` (the library makes these). */
  constructor(
    /** What happened, to branch on. */
    readonly code: IfaceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
