// A Linux tap device as a smoltcp-style Device: Ethernet frames in and out of /dev/net/tun, one read(2)
// per received frame and one write(2) per transmitted one (see FdDevice for what all fd-backed drivers
// share: buffers, tokens, counters, readiness and failure handling). A tap deleted under us (or whose
// namespace is removed) fails reads with EBADFD: that sets `failure`, and waitReadable rejects.
//
// With `checksumOffload`, the tap is opened with IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM): every frame
// travels behind a virtio-net header (src/wire/virtio-net.ts), and TCP and UDP checksums are left to
// whoever needs them, as between the kernel and a virtio NIC. The kernel then sends TCP and UDP with a
// partial checksum (NEEDS_CSUM) that nobody has to complete for a local delivery, and takes ours the same
// way: this driver marks each TCP or UDP frame NEEDS_CSUM with the pseudo-header sum in its checksum field,
// and the kernel, delivering it locally, trusts it (Linux's CHECKSUM_PARTIAL). So neither side sums the
// payload: a 64 KiB segment costs no checksum pass. Frames the kernel sends without either flag (control
// segments it builds whole, or traffic it forwards) are verified here, and dropped when wrong (counted
// in `rxBadChecksums`), so the stack, whose TCP and UDP checksum capabilities are 'none' on such a tap,
// never sees a frame nobody checked.
import { FdDevice, type FdDeviceOptions } from './fd-device.js';
import {
  type PhyError,
  checkInterfaceName,
  noSuchTapError,
  tapAttachError,
  tapGoneError,
  tunOpenError,
} from './errors.js';
import { ChecksumCapabilities } from './capabilities.js';
import { EBADFD, IFF_NO_PI, IFF_TAP, IFF_VNET_HDR, IFNAMSIZ, O_CLOEXEC, O_NONBLOCK, O_RDWR, TUNSETIFF, TUNSETOFFLOAD, TUN_F_CSUM } from './sys/constants.js';
import { ifreq, interfaceIndex, interfaceMtu, osError } from './sys/interface.js';
import { loadLibc } from './sys/libc.js';
import { EtherType } from '../../generated/ethernet.js';
import { IpProtocol, Ipv4Packet } from '../../generated/ipv4.js';
import { TcpField } from '../../generated/tcp.js';
import { UdpField } from '../../generated/udp.js';
import { VirtioNetHeader } from '../../generated/virtio-net.js';
import { WireError } from '../../generated/runtime.js';
import { checksumFold, checksumSum, foldSum, pseudoHeaderSum } from '../wire/checksum.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import { VIRTIO_NET_HEADER_LENGTH, VirtioNetRepr } from '../wire/virtio-net.js';

/** Options of a TapInterface, beyond those every fd-backed device takes. */
export interface TapInterfaceOptions extends FdDeviceOptions {
  /**
   * When no interface of that name exists: false (default) throws ERR_PHY_NO_SUCH_INTERFACE with the
   * commands that create one; true lets the kernel create a transient tap (needs CAP_NET_ADMIN) that
   * is down, has no address, and disappears when closed.
   */
  create?: boolean;
  /**
   * Open the tap with a virtio-net header and TCP/UDP checksum offload (IFF_VNET_HDR, TUNSETOFFLOAD with
   * TUN_F_CSUM): neither the kernel nor the stack sums TCP or UDP payloads. The device's checksum
   * capabilities then say 'none' for TCP and UDP (a `checksum` option replaces them; one that verifies TCP
   * or UDP would drop the kernel's partial checksums as bad). Default false. The tap
   * must not be attached by another reader at the same time without the header (the flag is per queue).
   */
  checksumOffload?: boolean;
}

/** The EtherType field's offset in an Ethernet header (IEEE 802.3), for the frames the driver looks into. */
const ETHER_TYPE_AT = 12;

/**
 * A Linux tap device as a Device: frames the kernel sends into the tap are received here, and frames
 * sent here reach the kernel as if they had come in on a wire.
 */
export class TapInterface extends FdDevice {
  /** Whether frames travel behind a virtio-net header with TCP/UDP checksum offload (`checksumOffload`). */
  readonly checksumOffload: boolean;
  /** Frames the kernel sent with a wrong TCP or UDP checksum and no offload flag, dropped here (offload only). */
  rxBadChecksums = 0;
  /** Frames with a virtio-net header this driver does not take (segmentation offload, unknown flags), dropped. */
  rxUnsupported = 0;
  /** Frames whose checksum the kernel left partial (NEEDS_CSUM) or marked validated (DATA_VALID): not summed by anyone (offload only). */
  rxOffloaded = 0;
  // Reused views and repr for the virtio-net header and the IPv4 header behind it: nothing per frame.
  private readonly vnetView = new VirtioNetHeader();
  private readonly vnet = new VirtioNetRepr();
  private readonly ipView = new Ipv4Packet();

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
    const offload = options.checksumOffload ?? false;
    let mtu: number;
    try {
      const req = ifreq(name);
      new DataView(req.buffer, req.byteOffset).setInt16(IFNAMSIZ, IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0), true);
      if (libc.ioctlPtr(fd, TUNSETIFF, req) < 0) {
        const errno = libc.errno();
        throw tapAttachError(name, errno) ?? osError(libc, `TUNSETIFF on ${name}`, errno);
      }
      if (offload && libc.ioctlInt(fd, TUNSETOFFLOAD, TUN_F_CSUM) < 0) {
        throw osError(libc, `TUNSETOFFLOAD on ${name}`, libc.errno());
      }
      mtu = interfaceMtu(name);
    } catch (e) {
      libc.close(fd);
      throw e;
    }
    const offloaded = offload ? new ChecksumCapabilities('both', 'none', 'none', 'both', 'both') : undefined;
    super('tap', name, fd, libc, mtu, options, offload ? VIRTIO_NET_HEADER_LENGTH : 0, offloaded);
    this.checksumOffload = offload;
  }

  protected readFrame(): number {
    return this.libc.read(this.fd, this.rxBuffer, this.rxBuffer.length);
  }

  /**
   * With offload: takes the frame behind the virtio-net header when the header is one this driver
   * handles (no segmentation offload: the tap was not given TUN_F_TSO*), and its TCP or UDP checksum is
   * partial (NEEDS_CSUM: to be trusted, virtio 1.2 5.1.6.4), validated (DATA_VALID) or, failing both,
   * correct as verified here.
   */
  protected override acceptRead(n: number): boolean {
    if (!this.checksumOffload) return n > 0;
    if (n <= VIRTIO_NET_HEADER_LENGTH) {
      this.rxUnsupported++;
      return false;
    }
    const buffer = this.rxBuffer;
    const v = this.vnet;
    if (v.parseInto(this.vnetView.init(buffer, 0, VIRTIO_NET_HEADER_LENGTH)) !== WireError.Ok || v.gsoType !== 0) {
      this.rxUnsupported++;
      return false;
    }
    if (v.needsCsum || v.dataValid) {
      this.rxOffloaded++;
      return true;
    }
    if (this.transportChecksumOk(buffer, VIRTIO_NET_HEADER_LENGTH, n - VIRTIO_NET_HEADER_LENGTH)) return true;
    this.rxBadChecksums++;
    return false;
  }

  /**
   * With offload: a TCP or UDP frame goes out with NEEDS_CSUM, its checksum field holding the pseudo-header
   * sum (what a virtio driver hands a device that completes checksums); anything else with no flags.
   */
  protected override prepareWrite(length: number): void {
    if (!this.checksumOffload) return;
    const buffer = this.txBuffer;
    const v = this.vnet;
    v.needsCsum = false;
    v.dataValid = false;
    v.gsoType = 0;
    v.hdrLen = 0;
    v.gsoSize = 0;
    v.csumStart = 0;
    v.csumOffset = 0;
    const field = this.transportChecksumField(buffer, VIRTIO_NET_HEADER_LENGTH, length);
    if (field > 0) {
      const ip = this.ipView;
      const start = VIRTIO_NET_HEADER_LENGTH + ETHERNET_HEADER_LENGTH + ip.headerLength;
      const transportLength = ip.totalLen - ip.headerLength;
      const partial = foldSum(pseudoHeaderSum(ip.srcAddrI32, ip.dstAddrI32, ip.protocol, transportLength));
      buffer[start + field] = partial >>> 8;
      buffer[start + field + 1] = partial & 0xff;
      v.needsCsum = true;
      v.csumStart = start - VIRTIO_NET_HEADER_LENGTH;
      v.csumOffset = field;
    }
    v.emit(this.vnetView.init(buffer, 0, VIRTIO_NET_HEADER_LENGTH));
  }

  /**
   * Where the TCP or UDP checksum field is, from the transport header, for the Ethernet frame of
   * `length` bytes at `buffer[at]`: 16 (TCP), 6 (UDP), or -1 when the frame is neither, a fragment, or
   * too short. Leaves ipView on the IPv4 header.
   */
  private transportChecksumField(buffer: Uint8Array, at: number, length: number): number {
    if (length < ETHERNET_HEADER_LENGTH + 20 || ((buffer[at + ETHER_TYPE_AT]! << 8) | buffer[at + ETHER_TYPE_AT + 1]!) !== EtherType.Ipv4) return -1;
    const ip = this.ipView.init(buffer, at + ETHERNET_HEADER_LENGTH, length - ETHERNET_HEADER_LENGTH);
    if (ip.check() !== WireError.Ok || ip.moreFrags || ip.fragOffset !== 0) return -1;
    const transportLength = ip.totalLen - ip.headerLength;
    const protocol = ip.protocol;
    if (protocol === IpProtocol.Tcp) return transportLength >= 20 ? TcpField.Checksum : -1;
    if (protocol === IpProtocol.Udp) return transportLength >= 8 ? UdpField.Checksum : -1;
    return -1;
  }

  /** Whether the Ethernet frame at `buffer[at]` is not TCP/UDP over IPv4, or is with a correct checksum (a UDP 0 means none). */
  private transportChecksumOk(buffer: Uint8Array, at: number, length: number): boolean {
    const field = this.transportChecksumField(buffer, at, length);
    if (field < 0) return true;
    const ip = this.ipView;
    const start = at + ETHERNET_HEADER_LENGTH + ip.headerLength;
    const transportLength = ip.totalLen - ip.headerLength;
    if (field === UdpField.Checksum && buffer[start + field] === 0 && buffer[start + field + 1] === 0) return true;
    const sum = checksumSum(buffer, start, transportLength, pseudoHeaderSum(ip.srcAddrI32, ip.dstAddrI32, ip.protocol, transportLength));
    return checksumFold(sum) === 0;
  }

  protected goneError(errno: number): PhyError | null {
    // A detached tap file stays readable-with-error forever: without this, a poll loop would spin.
    return errno === EBADFD ? tapGoneError(this.name, errno) : null;
  }
}
