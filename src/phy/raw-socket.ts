// An AF_PACKET raw socket bound to one interface as a smoltcp-style Device: every Ethernet frame the
// interface sends or receives, and raw frames out. Used by the tcpdump example and `smoltcp-dump -i`.
//
// Like TapInterface (both are FdDevices): one recvfrom(2)/write(2) per frame on preallocated buffers,
// failures after opening are values (null, counters, `lastErrno`), and only a deleted interface makes
// waitReadable reject. recvfrom fills a sockaddr_ll whose sll_pkttype says the frame's direction;
// `packetType` and `lastFrameOutgoing` expose it for the frame just received.
import { FdDevice, type FdDeviceOptions } from './fd-device.js';
import {
  type PhyError,
  checkInterfaceName,
  interfaceGoneError,
  noSuchInterfaceError,
  rawSocketError,
} from './errors.js';
import {
  AF_PACKET,
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
import { loadLibc } from './sys/libc.js';

export {
  PACKET_BROADCAST,
  PACKET_HOST,
  PACKET_MULTICAST,
  PACKET_OTHERHOST,
  PACKET_OUTGOING,
} from './sys/constants.js';

/** Offset of sll_pkttype in struct sockaddr_ll. */
const SLL_PKTTYPE = 10;

/** Options of a RawSocket, beyond those every fd-backed device takes. */
export interface RawSocketOptions extends FdDeviceOptions {
  /**
   * Do not receive frames this host sends on the interface (PACKET_IGNORE_OUTGOING, Linux 4.20+).
   * Default false: like tcpdump, see both directions. Frames sent through this RawSocket itself are
   * never delivered back to it either way.
   */
  ignoreOutgoing?: boolean;
}

/**
 * A Linux AF_PACKET raw socket bound to one interface, as a Device: it receives every frame the
 * interface sends or receives, as tcpdump sees them, and sends raw Ethernet frames out of it.
 */
export class RawSocket extends FdDevice {
  /** The interface's index (if_nametoindex). */
  readonly ifindex: number;
  /** sll_pkttype of the frame last returned by receive(): PACKET_HOST, PACKET_OUTGOING, ... */
  packetType = 0;
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
    let mtu: number;
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
      mtu = interfaceMtu(name);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    super('raw socket', name, fd, libc, mtu, options);
    this.ifindex = ifindex;
  }

  /** Whether the frame last returned by receive() was sent by this host rather than received. */
  get lastFrameOutgoing(): boolean {
    return this.packetType === PACKET_OUTGOING;
  }

  protected readFrame(): number {
    this.peerLength[0] = SOCKADDR_LL_SIZE;
    const n = this.libc.recvfrom(this.fd, this.rxBuffer, this.rxBuffer.length, 0, this.peer, this.peerLength);
    if (n > 0) this.packetType = this.peer[SLL_PKTTYPE];
    return n;
  }

  protected goneError(errno: number): PhyError | null {
    // The kernel reports ENETDOWN once when the interface goes down or away. Down recovers when it
    // comes back up; away unbinds the socket for good, which getsockname shows as sll_ifindex -1.
    return errno === ENETDOWN && this.boundIndex() !== this.ifindex ? interfaceGoneError(this.name, errno) : null;
  }

  /** The interface index the socket is bound to now (-1 once its interface was deleted). */
  private boundIndex(): number {
    this.peerLength[0] = SOCKADDR_LL_SIZE;
    if (this.libc.getsockname(this.fd, this.peer, this.peerLength) < 0) return -1;
    return new DataView(this.peer.buffer).getInt32(4, true);
  }
}
