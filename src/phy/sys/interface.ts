// Interface queries shared by the tap and raw-socket drivers: struct ifreq by hand, SIOCGIFMTU,
// SIOCGIFHWADDR and if_nametoindex. They run in the calling thread's network namespace.
import { PhyError } from '../errors.js';
import {
  AF_INET,
  IFNAMSIZ,
  IFREQ_SIZE,
  SIOCGIFHWADDR,
  SIOCGIFMTU,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
} from './constants.js';
import { loadLibc, type Libc } from './libc.js';

/** A zeroed struct ifreq with ifr_name set; the caller checked the name with checkInterfaceName. */
export function ifreq(name: string): Uint8Array {
  // 64 bytes rather than 40: V8 keeps typed arrays under 64 bytes on its heap, and handing those to
  // native code first moves them; a larger one lives off-heap from the start.
  const req = new Uint8Array(Math.max(IFREQ_SIZE, 64));
  Buffer.from(req.buffer, req.byteOffset, IFNAMSIZ).write(name, 0, IFNAMSIZ - 1, 'utf8');
  return req;
}

/** An ERR_PHY_OS error naming the failed call, for failures no friendlier message covers. */
export function osError(libc: Libc, call: string, errno: number): PhyError {
  return new PhyError('ERR_PHY_OS', `${call} failed: ${libc.strerror(errno)} (errno ${errno}).`, errno);
}

/** Runs `f` with a throwaway AF_INET datagram socket, the handle interface ioctls need. */
function withControlSocket<R>(f: (libc: Libc, fd: number) => R): R {
  const libc = loadLibc();
  const fd = libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw osError(libc, 'socket(AF_INET, SOCK_DGRAM)', libc.errno());
  try {
    return f(libc, fd);
  } finally {
    libc.close(fd);
  }
}

/** The interface's MTU (IP payload size, without the Ethernet header). */
export function interfaceMtu(name: string): number {
  return withControlSocket((libc, fd) => {
    const req = ifreq(name);
    if (libc.ioctlPtr(fd, SIOCGIFMTU, req) < 0) throw osError(libc, `SIOCGIFMTU on ${name}`, libc.errno());
    return new DataView(req.buffer, req.byteOffset).getInt32(IFNAMSIZ, true);
  });
}

/** The interface's Ethernet address as 6 bytes. */
export function interfaceHardwareAddress(name: string): Uint8Array {
  return withControlSocket((libc, fd) => {
    const req = ifreq(name);
    if (libc.ioctlPtr(fd, SIOCGIFHWADDR, req) < 0) throw osError(libc, `SIOCGIFHWADDR on ${name}`, libc.errno());
    // struct sockaddr { sa_family_t sa_family; char sa_data[14]; } at ifr_hwaddr
    return req.slice(IFNAMSIZ + 2, IFNAMSIZ + 8);
  });
}

/** The interface index, or 0 when there is no such interface. */
export function interfaceIndex(name: string): number {
  return loadLibc().if_nametoindex(name);
}
