// A Linux tap device as a smoltcp-style Device: Ethernet frames in and out of /dev/net/tun.
//
// One read(2) per received frame into a preallocated buffer and one write(2) per transmitted frame from
// another; koffi hands both buffers to the kernel as they are, so after opening, the driver allocates
// nothing per frame. Failures after opening are values: receive() returns null and the error counters
// and `lastErrno` say why; only a tap deleted under us makes waitReadable reject (ERR_PHY_DEVICE_GONE),
// because its descriptor would otherwise poll readable forever and spin the caller's loop.
import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { RxPair, RxToken, TxToken, FrameConsumer, WaitableDevice } from './device.js';
import { PhyError, checkInterfaceName, noSuchTapError, tapAttachError, tapGoneError, tunOpenError } from './errors.js';
import {
  EAGAIN,
  EBADFD,
  IFF_NO_PI,
  IFF_TAP,
  IFNAMSIZ,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDWR,
  TUNSETIFF,
} from './sys/constants.js';
import { ifreq, interfaceIndex, interfaceMtu, osError } from './sys/interface.js';
import { loadLibc, type Libc } from './sys/libc.js';
import { ReadinessWaiter } from './sys/readiness.js';
import type { Duration, Instant } from '../time.js';

const ETHERNET_HEADER_LENGTH = 14;
/** Room for one 802.1Q tag beyond the MTU, so a tagged frame from the kernel is not cut short. */
const VLAN_TAG_LENGTH = 4;

export interface TapInterfaceOptions {
  /**
   * When no interface of that name exists: false (default) throws ERR_PHY_NO_SUCH_INTERFACE with the
   * commands that create one; true lets the kernel create a transient tap (needs CAP_NET_ADMIN) that
   * is down, has no address, and disappears when closed.
   */
  create?: boolean;
  /** Frames per poll; null (default) for no limit. */
  maxBurstSize?: number | null;
  /** Which checksums the stack computes and verifies; default: all of them. */
  checksum?: ChecksumCapabilities;
}

class TapRxToken implements RxToken {
  constructor(private readonly tap: TapInterface) {}
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return f(ctx, this.tap.rxBuffer, 0, this.tap.rxLength);
  }
}

class TapTxToken implements TxToken {
  constructor(private readonly tap: TapInterface) {}
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const tap = this.tap;
    if (length > tap.txBuffer.length || length < 0) {
      throw new RangeError(`frame of ${length} bytes does not fit the tap's ${tap.txBuffer.length}-byte buffer`);
    }
    const result = f(ctx, tap.txBuffer, 0, length);
    tap.send(length);
    return result;
  }
}

export class TapInterface implements WaitableDevice {
  /** The tap's name, e.g. "tap0". */
  readonly name: string;
  /** The interface MTU as the kernel reports it (SIOCGIFMTU), without the Ethernet header. */
  readonly mtu: number;
  /** Frames read and written. */
  rxFrames = 0;
  txFrames = 0;
  /** Reads that failed for a reason other than "nothing to read", and writes that failed. */
  rxErrors = 0;
  txErrors = 0;
  /** errno of the most recent failed read or write, 0 if none. */
  lastErrno = 0;
  /**
   * Set when the tap went away while attached (deleted, namespace removed: reads fail with EBADFD).
   * From then on waitReadable rejects with it, receive() returns null and transmit() drops.
   */
  failure: PhyError | null = null;

  /** @internal */ readonly rxBuffer: Uint8Array;
  /** @internal */ readonly txBuffer: Uint8Array;
  /** @internal */ rxLength = 0;

  private fd: number;
  private readonly libc: Libc;
  private readonly caps: DeviceCapabilities;
  private readonly rxPair: RxPair;
  private readonly txToken: TapTxToken;
  private readonly waiter: ReadinessWaiter;

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
    try {
      const req = ifreq(name);
      new DataView(req.buffer, req.byteOffset).setInt16(IFNAMSIZ, IFF_TAP | IFF_NO_PI, true);
      if (libc.ioctlPtr(fd, TUNSETIFF, req) < 0) {
        const errno = libc.errno();
        throw tapAttachError(name, errno) ?? osError(libc, `TUNSETIFF on ${name}`, errno);
      }
      this.mtu = interfaceMtu(name);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    this.name = name;
    this.fd = fd;
    this.libc = libc;
    const frameLength = this.mtu + ETHERNET_HEADER_LENGTH;
    this.caps = {
      medium: 'ethernet',
      maxTransmissionUnit: frameLength,
      maxBurstSize: options.maxBurstSize ?? null,
      checksum: options.checksum ?? ChecksumCapabilities.default(),
    };
    this.rxBuffer = new Uint8Array(frameLength + VLAN_TAG_LENGTH);
    this.txBuffer = new Uint8Array(frameLength);
    this.txToken = new TapTxToken(this);
    this.rxPair = { rx: new TapRxToken(this), tx: this.txToken };
    this.waiter = new ReadinessWaiter(fd);
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  receive(_timestamp: Instant): RxPair | null {
    if (this.fd < 0) return null;
    const n = this.libc.read(this.fd, this.rxBuffer, this.rxBuffer.length);
    if (n > 0) {
      this.rxLength = n;
      this.rxFrames++;
      return this.rxPair;
    }
    if (n < 0) {
      const errno = this.libc.errno();
      if (errno !== EAGAIN) this.readFailed(errno);
    }
    return null;
  }

  transmit(_timestamp: Instant): TxToken | null {
    return this.fd >= 0 ? this.txToken : null;
  }

  /** See WaitableDevice; rejects with `failure` (ERR_PHY_DEVICE_GONE) once the tap has gone away. */
  waitReadable(timeout: Duration | null): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return this.waiter.wait(timeout);
  }

  /** The tap's file descriptor, for callers that multiplex it themselves; -1 once closed. */
  get fileDescriptor(): number {
    return this.fd;
  }

  /** Detaches from the tap (a transient one disappears) and settles any pending waitReadable. */
  close(): void {
    if (this.fd < 0) return;
    // The poll handle must leave libuv's epoll set before the descriptor is closed.
    this.waiter.close();
    this.libc.close(this.fd);
    this.fd = -1;
  }

  /** @internal Writes txBuffer[0, length); a full queue (EAGAIN) drops the frame, as a NIC would. */
  send(length: number): void {
    const n = this.libc.write(this.fd, this.txBuffer, length);
    if (n >= 0) {
      this.txFrames++;
    } else {
      this.txErrors++;
      this.lastErrno = this.libc.errno();
    }
  }

  private readFailed(errno: number): void {
    this.rxErrors++;
    this.lastErrno = errno;
    // A detached tap file stays readable-with-error forever: without this, a poll loop would spin.
    if (errno === EBADFD && this.failure === null) {
      this.failure = tapGoneError(this.name, errno);
      this.waiter.close();
    }
  }
}
