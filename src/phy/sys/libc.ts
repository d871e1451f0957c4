// Thin koffi bindings to the few libc calls the Linux drivers need. Loaded lazily, on first use, so that
// importing the library on macOS or Windows costs nothing and fails only when a Linux device is opened.
//
// Every buffer argument is declared `void *` and given a Uint8Array (or Int32Array) directly: koffi then
// passes the typed array's own memory to C (no marshalling copy, no allocation per call), which is what
// keeps read(2)/write(2) on the tap free of per-frame garbage. Structs (ifreq, sockaddr_ll, pollfd) are
// plain byte arrays laid out by hand in src/phy/sys/structs.ts, for the same reason.
import koffi from 'koffi';
import { PhyError } from '../errors.js';

export interface Libc {
  open(path: string, flags: number): number;
  close(fd: number): number;
  read(fd: number, buf: Uint8Array, count: number): number;
  write(fd: number, buf: Uint8Array, count: number): number;
  /** ioctl(fd, request, void *arg) with a byte-array argument. */
  ioctlPtr(fd: number, request: number, arg: Uint8Array): number;
  /** ioctl(fd, request, unsigned long arg) with an integer argument (TUNSETOFFLOAD). */
  ioctlInt(fd: number, request: number, arg: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, addrlen: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, length: number): number;
  recvfrom(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array, addrlen: Int32Array): number;
  send(fd: number, buf: Uint8Array, len: number, flags: number): number;
  getsockname(fd: number, addr: Uint8Array, addrlen: Int32Array): number;
  if_nametoindex(name: string): number;
  poll(fds: Uint8Array, nfds: number, timeoutMs: number): number;
  setns(fd: number, nstype: number): number;
  eventfd(initval: number, flags: number): number;
  strerror(errnum: number): string;
  /** The calling thread's errno after the last failed call. */
  errno(): number;
}

let libc: Libc | null = null;

/** Throws the not-Linux error unless `platform` is Linux; exported for tests. */
export function requireLinux(platform: string = process.platform): void {
  if (platform !== 'linux') {
    throw new PhyError(
      'ERR_PHY_NOT_LINUX',
      `tap interfaces and raw sockets need Linux, and this is ${platform}: use the Loopback device here, or run on Linux.`,
    );
  }
}

export function loadLibc(): Libc {
  if (libc !== null) return libc;
  requireLinux();
  const lib = koffi.load('libc.so.6');
  // ioctl and open are variadic in C, so they are declared variadic here too (koffi then follows the
  // variadic calling convention); both are only called while opening a device.
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');
  const open = lib.func('int open(const char *path, int flags, ...)');
  libc = {
    open: (path, flags) => open(path, flags),
    close: lib.func('int close(int fd)'),
    read: lib.func('long read(int fd, void *buf, size_t count)'),
    write: lib.func('long write(int fd, void *buf, size_t count)'),
    ioctlPtr: (fd, request, arg) => ioctl(fd, request, 'void *', arg),
    ioctlInt: (fd, request, arg) => ioctl(fd, request, 'unsigned long', arg),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    bind: lib.func('int bind(int fd, void *addr, uint32_t addrlen)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, void *value, uint32_t length)'),
    recvfrom: lib.func('long recvfrom(int fd, void *buf, size_t len, int flags, void *addr, void *addrlen)'),
    send: lib.func('long send(int fd, void *buf, size_t len, int flags)'),
    getsockname: lib.func('int getsockname(int fd, void *addr, void *addrlen)'),
    if_nametoindex: lib.func('unsigned int if_nametoindex(const char *name)'),
    poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)'),
    setns: lib.func('int setns(int fd, int nstype)'),
    eventfd: lib.func('int eventfd(unsigned int initval, int flags)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    errno: () => koffi.errno(),
  };
  return libc;
}
