// Errors a user meets when opening an OS-backed device. Each one is a PhyError whose `.code` says what
// happened and whose `.message` is one sentence that also says the fix, so a CLI prints `.message` and
// never a stack trace. Once a device is open, nothing here is thrown: the hot path reports failures as
// values (null tokens and counters), see TapInterface and RawSocket.

export type PhyErrorCode =
  /** Not running on Linux. */
  | 'ERR_PHY_NOT_LINUX'
  /** /dev/net/tun does not exist (tun module not loaded, or not passed into a container). */
  | 'ERR_PHY_TUN_MISSING'
  /** No permission to open /dev/net/tun. */
  | 'ERR_PHY_TUN_PERMISSION'
  /** The tap does not exist or belongs to someone else, and we may not create or attach it. */
  | 'ERR_PHY_TAP_PERMISSION'
  /** The tap is already attached by another process. */
  | 'ERR_PHY_TAP_BUSY'
  /** The name is an existing interface that is not a tap (a tun, a veth, eth0...). */
  | 'ERR_PHY_NOT_A_TAP'
  /** The interface name is empty, too long or contains characters Linux forbids. */
  | 'ERR_PHY_BAD_INTERFACE_NAME'
  /** No interface of that name (raw sockets). */
  | 'ERR_PHY_NO_SUCH_INTERFACE'
  /** Raw sockets need root or CAP_NET_RAW. */
  | 'ERR_PHY_RAW_PERMISSION'
  /** Any other OS failure; the message carries the call and strerror. */
  | 'ERR_PHY_OS';

export class PhyError extends Error {
  override readonly name = 'PhyError';

  constructor(
    readonly code: PhyErrorCode,
    message: string,
    /** The OS errno behind the error, when there is one. */
    readonly errno: number | null = null,
  ) {
    super(message);
  }
}

/** The command lines that create a tap a normal user can open, quoted in several messages. */
export function tapSetupHint(name: string): string {
  return `create it with \`sudo ip tuntap add name ${name} mode tap user $USER\` and \`sudo ip link set ${name} up\``;
}

/**
 * Checks an interface name the way the kernel does (dev_valid_name): 1 to 15 bytes, not "." or "..",
 * no '/', ':' or whitespace. Throws ERR_PHY_BAD_INTERFACE_NAME.
 */
export function checkInterfaceName(name: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  let problem: string | null = null;
  if (bytes === 0) problem = 'is empty';
  else if (bytes > 15) problem = `is ${bytes} bytes long, and Linux allows at most 15`;
  else if (name === '.' || name === '..') problem = 'is reserved';
  else if (/[\/:\s]/.test(name)) problem = "contains '/', ':' or whitespace";
  if (problem !== null) {
    throw new PhyError(
      'ERR_PHY_BAD_INTERFACE_NAME',
      `interface name '${name}' ${problem}: pick a name of 1 to 15 letters, digits, '-' or '_' (e.g. tap0).`,
    );
  }
}
