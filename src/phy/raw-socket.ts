// An AF_PACKET raw socket bound to one interface as a smoltcp-style Device: every Ethernet frame the
// interface sends or receives, and raw frames out. Used by the tcpdump example and `smoltcp-dump -i`.
//
// Like TapInterface: one recvfrom(2)/write(2) per frame on preallocated buffers, failures after opening
// are values (null, counters, `lastErrno`), and only a deleted interface makes waitReadable reject.
// recvfrom fills a sockaddr_ll whose sll_pkttype says the frame's direction; `packetType` and
// `lastFrameOutgoing` expose it for the frame just received.
import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { FrameConsumer, RxPair, RxToken, TxToken, WaitableDevice } from './device.js';
import { PhyError, checkInterfaceName, interfaceGoneError, noSuchInterfaceError, rawSocketError } from './errors.js';
import {
  AF_PACKET,
  EAGAIN,
  ENETDOWN,
  ETH_P_ALL,
  PACKET_IGNORE_OUTGOING,
  PACKET_OUTGOING,
  SOCKADDR_LL_SIZE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_RAW,
  SOL_PACKET,
} from './sys/constants.js';
import { interfaceIndex, interfaceMtu, osError } from './sys/interface.js';
import { loadLibc, type Libc } from './sys/libc.js';
import { ReadinessWaiter } from './sys/readiness.js';
import type { Duration, Instant } from '../time.js';

export {
  PACKET_BROADCAST,
  PACKET_HOST,
  PACKET_MULTICAST,
  PACKET_OTHERHOST,
  PACKET_OUTGOING,
} from './sys/constants.js';

const ETHERNET_HEADER_LENGTH = 14;
const VLAN_TAG_LENGTH = 4;
/** Offset of sll_pkttype in struct sockaddr_ll. */
const SLL_PKTTYPE = 10;

export interface RawSocketOptions {
  /**
   * Do not receive frames this host sends on the interface (PACKET_IGNORE_OUTGOING, Linux 4.20+).
   * Default false: like tcpdump, see both directions. Frames sent through this RawSocket itself are
   * never delivered back to it either way.
   */
  ignoreOutgoing?: boolean;
  /** Frames per poll; null (default) for no limit. */
  maxBurstSize?: number | null;
  /** Which checksums the stack computes and verifies; default: all of them. */
  checksum?: ChecksumCapabilities;
}

class RawRxToken implements RxToken {
  constructor(private readonly socket: RawSocket) {}
  consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    return f(ctx, this.socket.rxBuffer, 0, this.socket.rxLength);
  }
}

class RawTxToken implements TxToken {
  constructor(private readonly socket: RawSocket) {}
  consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const socket = this.socket;
    if (length > socket.txBuffer.length || length < 0) {
      throw new RangeError(`frame of ${length} bytes does not fit the raw socket's ${socket.txBuffer.length}-byte buffer`);
    }
    const result = f(ctx, socket.txBuffer, 0, length);
    socket.send(length);
    return result;
  }
}

export class RawSocket implements WaitableDevice {
  /** The interface's name, e.g. "eth0". */
  readonly name: string;
  /** The interface's index (if_nametoindex). */
  readonly ifindex: number;
  /** The interface MTU as the kernel reports it, without the Ethernet header. */
  readonly mtu: number;
  /** sll_pkttype of the frame last returned by receive(): PACKET_HOST, PACKET_OUTGOING, ... */
  packetType = 0;
  rxFrames = 0;
  txFrames = 0;
  rxErrors = 0;
  txErrors = 0;
  /** errno of the most recent failed read or write, 0 if none. */
  lastErrno = 0;
  /**
   * Set when the interface was deleted while the socket was open; from then on waitReadable rejects
   * with it. (An interface merely set down also fails a read with ENETDOWN, but recovers.)
   */
  failure: PhyError | null = null;

  /** @internal */ readonly rxBuffer: Uint8Array;
  /** @internal */ readonly txBuffer: Uint8Array;
  /** @internal */ rxLength = 0;

  private fd: number;
  private readonly libc: Libc;
  private readonly caps: DeviceCapabilities;
  private readonly rxPair: RxPair;
  private readonly txToken: RawTxToken;
  private readonly waiter: ReadinessWaiter;
  // recvfrom's address out-parameters, reused for every frame (64 bytes: kept off V8's heap).
  private readonly peer = new Uint8Array(64);
  private readonly peerLength = new Int32Array(16);

  /**
   * Opens a raw packet socket on interface `name` in the calling thread's network namespace. Throws a
   * PhyError saying what to do when the interface does not exist or the process may not open raw sockets.
   */
  constructor(name: string, options: RawSocketOptions = {}) {
    checkInterfaceName(name);
    const libc = loadLibc();
    const ifindex = interfaceIndex(name);
    if (ifindex === 0) throw noSuchInterfaceError(name);
    // Protocol 0 at creation: the socket hears nothing until bind() attaches it to this one interface
    // with ETH_P_ALL, so no frame from another interface slips in between the two calls.
    const fd = libc.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      const errno = libc.errno();
      throw rawSocketError(errno) ?? osError(libc, 'socket(AF_PACKET, SOCK_RAW)', errno);
    }
    try {
      const addr = new Uint8Array(64);
      const view = new DataView(addr.buffer);
      view.setUint16(0, AF_PACKET, true); // sll_family, host order
      view.setUint16(2, ETH_P_ALL, false); // sll_protocol, network order
      view.setInt32(4, ifindex, true); // sll_ifindex
      if (libc.bind(fd, addr, SOCKADDR_LL_SIZE) < 0) throw osError(libc, `bind to ${name}`, libc.errno());
      if (options.ignoreOutgoing) {
        const one = new Uint8Array(64);
        new DataView(one.buffer).setInt32(0, 1, true);
        if (libc.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, one, 4) < 0) {
          throw osError(libc, 'setsockopt(PACKET_IGNORE_OUTGOING)', libc.errno());
        }
      }
      this.mtu = interfaceMtu(name);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    this.name = name;
    this.ifindex = ifindex;
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
    this.txToken = new RawTxToken(this);
    this.rxPair = { rx: new RawRxToken(this), tx: this.txToken };
    this.waiter = new ReadinessWaiter(fd);
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  receive(_timestamp: Instant): RxPair | null {
    if (this.fd < 0) return null;
    this.peerLength[0] = SOCKADDR_LL_SIZE;
    const n = this.libc.recvfrom(this.fd, this.rxBuffer, this.rxBuffer.length, 0, this.peer, this.peerLength);
    if (n > 0) {
      this.rxLength = n;
      this.packetType = this.peer[SLL_PKTTYPE];
      this.rxFrames++;
      return this.rxPair;
    }
    if (n < 0) {
      const errno = this.libc.errno();
      if (errno !== EAGAIN) this.readFailed(errno);
    }
    return null;
  }

  /** Whether the frame last returned by receive() was sent by this host rather than received. */
  get lastFrameOutgoing(): boolean {
    return this.packetType === PACKET_OUTGOING;
  }

  transmit(_timestamp: Instant): TxToken | null {
    return this.fd >= 0 ? this.txToken : null;
  }

  /** See WaitableDevice; rejects with `failure` (ERR_PHY_DEVICE_GONE) once the interface is gone. */
  waitReadable(timeout: Duration | null): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return this.waiter.wait(timeout);
  }

  /** The socket's file descriptor; -1 once closed. */
  get fileDescriptor(): number {
    return this.fd;
  }

  /** Closes the socket and settles any pending waitReadable. */
  close(): void {
    if (this.fd < 0) return;
    this.waiter.close();
    this.libc.close(this.fd);
    this.fd = -1;
  }

  /** @internal Sends txBuffer[0, length); a failure (full queue, interface down) drops the frame. */
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
    // The kernel reports ENETDOWN once when the interface goes down or away. Down recovers when it
    // comes back up; away unbinds the socket for good, which getsockname shows as sll_ifindex -1.
    if (errno === ENETDOWN && this.failure === null && this.boundIndex() !== this.ifindex) {
      this.failure = interfaceGoneError(this.name, errno);
      this.waiter.close();
    }
  }

  /** The interface index the socket is bound to now (-1 once its interface was deleted). */
  private boundIndex(): number {
    this.peerLength[0] = SOCKADDR_LL_SIZE;
    if (this.libc.getsockname(this.fd, this.peer, this.peerLength) < 0) return -1;
    return new DataView(this.peer.buffer).getInt32(4, true);
  }
}
