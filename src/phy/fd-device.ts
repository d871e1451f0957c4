// What TapInterface and RawSocket share: an Ethernet device behind one non-blocking file descriptor.
//
// One read per received frame into a preallocated buffer and one write(2) per transmitted frame from
// another; koffi hands both buffers to the kernel as they are, and the tokens are reused objects, so
// after opening, the device allocates nothing per frame. Failures after opening are values: receive()
// returns null and the error counters and `lastErrno` say why; only a device that went away for good
// makes waitReadable reject (ERR_PHY_DEVICE_GONE), because its descriptor would otherwise poll
// readable-with-error forever and spin the caller's loop.
//
// A driver opens the descriptor and says how to read one frame (read(2), recvfrom(2)...) and which
// read errors mean the device is gone.
import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { FrameConsumer, RxPair, RxToken, TxToken, WaitableDevice } from './device.js';
import type { PhyError } from './errors.js';
import { EAGAIN } from './sys/constants.js';
import type { Libc } from './sys/libc.js';
import { ReadinessWaiter } from './sys/readiness.js';
import type { Duration, Instant } from '../time.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';

/** Room for one 802.1Q tag beyond the MTU, so a tagged frame from the kernel is not cut short. */
const VLAN_TAG_LENGTH = 4;

/** The options every fd-backed driver takes. */
export interface FdDeviceOptions {
  /** Frames per poll; null (default) for no limit. */
  maxBurstSize?: number | null;
  /** Which checksums the stack computes and verifies; default: all of them. */
  checksum?: ChecksumCapabilities;
  /**
   * Where the receive and transmit buffers live: called twice with a size in bytes (a frame of the MTU,
   * the receive one with room for a VLAN tag), returns storage of at least that size. Default: a new
   * Uint8Array each. As LinkedPair's `allocate`: a program that keeps the sockets' buffers and the device's
   * in one ArrayBuffer copies between them with one copyWithin (a memmove) instead of a word loop.
   */
  allocate?: (bytes: number) => Uint8Array;
}

/** A buffer of exactly `size` bytes, from `allocate` when given (a view of its storage's first `size` bytes). */
function buffer(allocate: ((bytes: number) => Uint8Array) | undefined, size: number, what: string): Uint8Array {
  if (allocate === undefined) return new Uint8Array(size);
  const storage = allocate(size);
  if (!(storage instanceof Uint8Array) || storage.length < size) {
    throw new RangeError(`the allocate option gave ${storage instanceof Uint8Array ? `${storage.length} bytes` : 'no Uint8Array'} for the ${what} buffer, which needs ${size}; return a Uint8Array of at least the size asked for.`);
  }
  return storage.length === size ? storage : storage.subarray(0, size);
}

class FdRxToken implements RxToken {
  constructor(private readonly device: FdDevice) {}
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    const device = this.device;
    return f(ctx, device.rxBuffer, device.headroom, device.rxLength);
  }
}

class FdTxToken implements TxToken {
  constructor(
    private readonly device: FdDevice,
    /** What the device is called in messages: "tap", "raw socket". */
    private readonly kind: string,
  ) {}
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const device = this.device;
    if (length > device.txBuffer.length - device.headroom || length < 0) {
      throw new RangeError(
        `frame of ${length} bytes does not fit the ${this.kind}'s ${device.txBuffer.length - device.headroom}-byte buffer`,
      );
    }
    const result = f(ctx, device.txBuffer, device.headroom, length);
    device.send(length);
    return result;
  }
}

/**
 * An Ethernet device behind one non-blocking Linux file descriptor: what TapInterface and RawSocket
 * share (buffers, tokens, counters, readiness, failure handling). Open one of those; this is not made directly.
 */
export abstract class FdDevice implements WaitableDevice {
  /** The interface's name, e.g. "tap0" or "eth0". */
  readonly name: string;
  /** The interface MTU as the kernel reports it (SIOCGIFMTU), without the Ethernet header. */
  readonly mtu: number;
  /** Frames read. */
  rxFrames = 0;
  /** Frames written. */
  txFrames = 0;
  /** Reads that failed for a reason other than "nothing to read" (EAGAIN); `lastErrno` says why. */
  rxErrors = 0;
  /** Writes that failed, dropping the frame as a NIC would (full queue, interface down); see `lastErrno`. */
  txErrors = 0;
  /** errno of the most recent failed read or write, 0 if none. */
  lastErrno = 0;
  /**
   * Set when the device went away for good while open (deleted, or its namespace removed). From then
   * on waitReadable rejects with it; reads and writes keep failing as values (null, counters).
   */
  failure: PhyError | null = null;

  /** @internal */ readonly rxBuffer: Uint8Array;
  /** @internal */ readonly txBuffer: Uint8Array;
  /** @internal Bytes of the frame just read (after the headroom). */ rxLength = 0;
  /**
   * @internal Bytes the descriptor puts before each frame in both directions (a tap's virtio-net header,
   * 10, with IFF_VNET_HDR; else 0): frames sit at rxBuffer[headroom] and txBuffer[headroom].
   */
  readonly headroom: number;

  /** The open descriptor; -1 once closed. */
  protected fd: number;
  protected readonly libc: Libc;
  private readonly caps: DeviceCapabilities;
  private readonly rxPair: RxPair;
  private readonly txToken: FdTxToken;
  private readonly waiter: ReadinessWaiter;

  /**
   * Takes over `fd`, an open non-blocking descriptor of interface `name`, whose MTU is `mtu`. `kind`
   * names the device in messages: "tap", "raw socket".
   */
  protected constructor(kind: string, name: string, fd: number, libc: Libc, mtu: number, options: FdDeviceOptions, headroom = 0, checksum?: ChecksumCapabilities) {
    this.name = name;
    this.headroom = headroom;
    this.mtu = mtu;
    this.fd = fd;
    this.libc = libc;
    const frameLength = mtu + ETHERNET_HEADER_LENGTH;
    this.caps = {
      medium: 'ethernet',
      maxTransmissionUnit: frameLength,
      maxBurstSize: options.maxBurstSize ?? null,
      checksum: options.checksum ?? checksum ?? ChecksumCapabilities.default(),
    };
    try {
      this.rxBuffer = buffer(options.allocate, headroom + frameLength + VLAN_TAG_LENGTH, 'receive');
      this.txBuffer = buffer(options.allocate, headroom + frameLength, 'transmit');
    } catch (e) {
      // The descriptor is ours from the start: a bad allocate option must not leak it.
      libc.close(fd);
      throw e;
    }
    this.txToken = new FdTxToken(this, kind);
    this.rxPair = { rx: new FdRxToken(this), tx: this.txToken };
    this.waiter = new ReadinessWaiter(fd);
  }

  /**
   * Reads one frame into rxBuffer; returns its length, 0, or -1 with errno set, like read(2).
   * Called only while the descriptor is open.
   */
  protected abstract readFrame(): number;

  /**
   * The error to fail with when a read failing with `errno` means the device is gone for good, else
   * null (the failure is counted, and the next read may succeed).
   */
  protected abstract goneError(errno: number): PhyError | null;

  /**
   * Called for each read of `n` bytes (headroom included) before the frame is handed out: whether to
   * hand it out (false drops it, the driver having counted why). Default: every read of a frame.
   */
  protected acceptRead(n: number): boolean {
    return n > this.headroom;
  }

  /** Called before txBuffer[0, headroom + length) is written: fills the headroom. Default: nothing. */
  protected prepareWrite(_length: number): void {}

  /** Ethernet frames of up to `mtu` + 14 bytes, with the burst size and checksums given when opening. */
  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /**
   * Reads one frame; null when none is waiting, once closed, or when the read failed (counted in
   * rxErrors, with `lastErrno`). Never throws.
   */
  receive(_timestamp: Instant): RxPair | null {
    if (this.fd < 0) return null;
    for (;;) {
      const n = this.readFrame();
      if (n > 0) {
        // A frame the driver drops (and counts) is passed over for the next one.
        if (!this.acceptRead(n)) continue;
        this.rxLength = n - this.headroom;
        this.rxFrames++;
        return this.rxPair;
      }
      if (n < 0) {
        const errno = this.libc.errno();
        if (errno !== EAGAIN) this.readFailed(errno);
      }
      return null;
    }
  }

  /** A token that writes one frame, or null once closed; a failed write is counted in txErrors. */
  transmit(_timestamp: Instant): TxToken | null {
    return this.fd >= 0 ? this.txToken : null;
  }

  /** See WaitableDevice; rejects with `failure` (ERR_PHY_DEVICE_GONE) once the device has gone away. */
  waitReadable(timeout: Duration | null): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return this.waiter.wait(timeout);
  }

  /** The device's file descriptor, for callers that multiplex it themselves; -1 once closed. */
  get fileDescriptor(): number {
    return this.fd;
  }

  /** Closes the descriptor (a transient tap disappears) and settles any pending waitReadable. */
  close(): void {
    if (this.fd < 0) return;
    // The poll handle must leave libuv's epoll set before the descriptor is closed.
    this.waiter.close();
    this.libc.close(this.fd);
    this.fd = -1;
  }

  /**
   * @internal Writes txBuffer[0, length); a failure (full queue (EAGAIN), interface down) drops the
   * frame, as a NIC would.
   */
  send(length: number): void {
    this.prepareWrite(length);
    const n = this.libc.write(this.fd, this.txBuffer, this.headroom + length);
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
    if (this.failure === null) {
      const gone = this.goneError(errno);
      if (gone !== null) {
        this.failure = gone;
        this.waiter.close();
      }
    }
  }
}
