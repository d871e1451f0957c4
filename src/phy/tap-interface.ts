// A Linux tap device as a smoltcp-style Device: Ethernet frames in and out of /dev/net/tun, one read(2)
// per received frame and one write(2) per transmitted one (see FdDevice for what all fd-backed drivers
// share: buffers, tokens, counters, readiness and failure handling). A tap deleted under us (or whose
// namespace is removed) fails reads with EBADFD: that sets `failure`, and waitReadable rejects.
import { FdDevice, type FdDeviceOptions } from './fd-device.js';
import {
  type PhyError,
  checkInterfaceName,
  noSuchTapError,
  tapAttachError,
  tapGoneError,
  tunOpenError,
} from './errors.js';
import { EBADFD, IFF_NO_PI, IFF_TAP, IFNAMSIZ, O_CLOEXEC, O_NONBLOCK, O_RDWR, TUNSETIFF } from './sys/constants.js';
import { ifreq, interfaceIndex, interfaceMtu, osError } from './sys/interface.js';
import { loadLibc } from './sys/libc.js';

/** Options of a TapInterface, beyond those every fd-backed device takes. */
export interface TapInterfaceOptions extends FdDeviceOptions {
  /**
   * When no interface of that name exists: false (default) throws ERR_PHY_NO_SUCH_INTERFACE with the
   * commands that create one; true lets the kernel create a transient tap (needs CAP_NET_ADMIN) that
   * is down, has no address, and disappears when closed.
   */
  create?: boolean;
}

/**
 * A Linux tap device as a Device: frames the kernel sends into the tap are received here, and frames
 * sent here reach the kernel as if they had come in on a wire.
 */
export class TapInterface extends FdDevice {
  /**
   * Attaches to the tap `name` (TUNSETIFF with IFF_TAP | IFF_NO_PI), non-blocking. Throws a PhyError
   * whose message says how to fix the setup when that is not possible. The tap belongs to the network
   * namespace of the calling thread.
   */
  constructor(name: string, options: TapInterfaceOptions = {}) {
    checkInterfaceName(name);
    const libc = loadLibc();
    if (!options.create && interfaceIndex(name) === 0) {
      throw noSuchTapError(name);
    }
    const fd = libc.open('/dev/net/tun', O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      const errno = libc.errno();
      throw tunOpenError(name, errno) ?? osError(libc, 'open(/dev/net/tun)', errno);
    }
    let mtu: number;
    try {
      const req = ifreq(name);
      new DataView(req.buffer, req.byteOffset).setInt16(IFNAMSIZ, IFF_TAP | IFF_NO_PI, true);
      if (libc.ioctlPtr(fd, TUNSETIFF, req) < 0) {
        const errno = libc.errno();
        throw tapAttachError(name, errno) ?? osError(libc, `TUNSETIFF on ${name}`, errno);
      }
      mtu = interfaceMtu(name);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    super('tap', name, fd, libc, mtu, options);
  }

  protected readFrame(): number {
    return this.libc.read(this.fd, this.rxBuffer, this.rxBuffer.length);
  }

  protected goneError(errno: number): PhyError | null {
    // A detached tap file stays readable-with-error forever: without this, a poll loop would spin.
    return errno === EBADFD ? tapGoneError(this.name, errno) : null;
  }
}
