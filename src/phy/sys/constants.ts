// Linux constants from <fcntl.h>, <linux/if_tun.h>, <linux/if_packet.h>, <linux/if_ether.h>,
// <linux/sockios.h>, <sys/socket.h>, <poll.h> and <sched.h>. Values are those of the generic Linux ABI
// (x86-64, AArch64, RISC-V); the architectures with different numbers (MIPS, SPARC, Alpha) are not supported.

export const O_RDWR = 0o2;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_RDONLY = 0;

/** _IOW('T', 202, int) */
export const TUNSETIFF = 0x400454ca;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
/** Each frame is preceded by a struct virtio_net_hdr (checksum and segmentation offload). */
export const IFF_VNET_HDR = 0x4000;
/** _IOW('T', 208, unsigned int): the offloads the tap's reader takes (TUN_F_*). */
export const TUNSETOFFLOAD = 0x400454d0;
/** The reader completes (or trusts) partial checksums: the kernel may hand it frames with NEEDS_CSUM. */
export const TUN_F_CSUM = 0x01;

export const SIOCGIFMTU = 0x8921;
export const SIOCGIFHWADDR = 0x8927;
export const SIOCGIFFLAGS = 0x8913;
export const IFF_UP = 0x1;

/** Interface names are at most IFNAMSIZ - 1 = 15 bytes plus a terminating NUL. */
export const IFNAMSIZ = 16;
/** sizeof(struct ifreq) */
export const IFREQ_SIZE = 40;

export const AF_INET = 2;
export const AF_PACKET = 17;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const ETH_P_ALL = 0x0003;

export const SOL_PACKET = 263;
/** setsockopt(SOL_PACKET): do not deliver frames this host sends (Linux 4.20). */
export const PACKET_IGNORE_OUTGOING = 23;

/** sockaddr_ll.sll_pkttype values */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;
/** sizeof(struct sockaddr_ll) */
export const SOCKADDR_LL_SIZE = 20;

export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

export const CLONE_NEWNET = 0x40000000;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

// errno values
export const EPERM = 1;
export const ENOENT = 2;
export const EINTR = 4;
export const EIO = 5;
export const EBADF = 9;
export const EAGAIN = 11;
export const EACCES = 13;
export const EBUSY = 16;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOBUFS = 105;
export const ENETDOWN = 100;
export const ENXIO = 6;
export const EBADFD = 77;
