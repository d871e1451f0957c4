// Errors a user meets when opening an OS-backed device. Each one is a PhyError whose `.code` says what
// happened and whose `.message` is one sentence that also says the fix, so a CLI prints `.message` and
// never a stack trace. Once a device is open, receive() and transmit() never throw: they report failures
// as values (null tokens, counters, `lastErrno`); only a device that has gone away for good makes
// waitReadable reject, with ERR_PHY_DEVICE_GONE, so a poll loop stops instead of spinning.
import { EACCES, EBUSY, EINVAL, ENOENT, EPERM } from './sys/constants.js';

/** What went wrong opening or using an OS-backed device; the doc of each value says when it is used. */
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
  /** The tap or interface was deleted (or its namespace removed) while the device was open. */
  | 'ERR_PHY_DEVICE_GONE'
  /** Any other OS failure; the message carries the call and strerror. */
  | 'ERR_PHY_OS';

/**
 * Why a Linux driver could not be opened (or, from waitReadable, why it stopped working): `code` says
 * what happened, `message` is one sentence that also says the fix, fit to print without a stack trace.
 */
export class PhyError extends Error {
  /** Always 'PhyError'. */
  override readonly name = 'PhyError';

  /** An error with `code` and `message`; the drivers make these, with the errno of the failed call. */
  constructor(
    /** What happened, to branch on (`err.code === 'ERR_PHY_TUN_PERMISSION'`). */
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

/** The error for opening /dev/net/tun failing with `errno`, or null when no specific advice applies. */
export function tunOpenError(name: string, errno: number): PhyError | null {
  if (errno === ENOENT) {
    return new PhyError(
      'ERR_PHY_TUN_MISSING',
      '/dev/net/tun does not exist: load the tun module (`sudo modprobe tun`), or in a container pass the device in (`--device /dev/net/tun`).',
      errno,
    );
  }
  if (errno === EACCES || errno === EPERM) {
    return new PhyError(
      'ERR_PHY_TUN_PERMISSION',
      `no permission to open /dev/net/tun: run as root, or give your user a tap and make /dev/net/tun readable and writable (mode 0666, the default); ${tapSetupHint(name)}.`,
      errno,
    );
  }
  return null;
}

/** The error for TUNSETIFF on tap `name` failing with `errno`, or null when no specific advice applies. */
export function tapAttachError(name: string, errno: number): PhyError | null {
  if (errno === EPERM || errno === EACCES) {
    return new PhyError(
      'ERR_PHY_TAP_PERMISSION',
      `cannot attach to tap '${name}': it belongs to another user, or creating it needs CAP_NET_ADMIN; ${tapSetupHint(name)}.`,
      errno,
    );
  }
  if (errno === EBUSY) {
    return new PhyError(
      'ERR_PHY_TAP_BUSY',
      `tap '${name}' is already attached by another program: stop that program, or use another tap.`,
      errno,
    );
  }
  if (errno === EINVAL) {
    return new PhyError(
      'ERR_PHY_NOT_A_TAP',
      `'${name}' is an interface but not a tap: pass the name of a tap, or ${tapSetupHint('tap0')}.`,
      errno,
    );
  }
  return null;
}

/** There is no tap of that name (and the caller did not ask to create one). */
export function noSuchTapError(name: string): PhyError {
  return new PhyError('ERR_PHY_NO_SUCH_INTERFACE', `there is no tap named '${name}': ${tapSetupHint(name)}.`);
}

/** There is no interface of that name (raw sockets). */
export function noSuchInterfaceError(name: string): PhyError {
  return new PhyError(
    'ERR_PHY_NO_SUCH_INTERFACE',
    `there is no network interface named '${name}': \`ip link\` lists the interfaces you can use.`,
  );
}

/** The error for socket(AF_PACKET, SOCK_RAW) failing with `errno`, or null when no specific advice applies. */
export function rawSocketError(errno: number): PhyError | null {
  if (errno === EPERM || errno === EACCES) {
    return new PhyError(
      'ERR_PHY_RAW_PERMISSION',
      'raw sockets need root or CAP_NET_RAW: run as root, or grant the capability with `sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")"`.',
      errno,
    );
  }
  return null;
}

/** The tap was deleted while attached. */
export function tapGoneError(name: string, errno: number): PhyError {
  return new PhyError(
    'ERR_PHY_DEVICE_GONE',
    `tap '${name}' went away while in use (deleted, or its namespace removed): ${tapSetupHint(name)}, then open it again.`,
    errno,
  );
}

/** The interface a raw socket was bound to was deleted. */
export function interfaceGoneError(name: string, errno: number): PhyError {
  return new PhyError(
    'ERR_PHY_DEVICE_GONE',
    `interface '${name}' went away while in use (deleted, or its namespace removed): open the raw socket again once it is back (\`ip link\` lists interfaces).`,
    errno,
  );
}
