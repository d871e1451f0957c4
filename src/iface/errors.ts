// Misconfiguration of an interface: an IfaceError whose `.code` says what and whose message is one
// sentence that also says what to do. Received frames never throw: they are dropped and counted.

export type IfaceErrorCode =
  /** Options that do not describe an interface (bad address, size, rate). */
  | 'ERR_IFACE_BAD_CONFIG'
  /** More routes than the table was built for. */
  | 'ERR_IFACE_ROUTES_FULL'
  /** The device's medium is not Ethernet. */
  | 'ERR_IFACE_BAD_DEVICE';

export class IfaceError extends Error {
  override readonly name = 'IfaceError';

  constructor(
    readonly code: IfaceErrorCode,
    message: string,
  ) {
    super(message);
  }
}
