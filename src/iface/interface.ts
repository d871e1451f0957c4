// The interface (smoltcp's iface::Interface): turns received Ethernet frames into socket data and the
// sockets' packets into frames, over any Device, with explicit time.
//
// poll(now, device, sockets) runs the timers (reassembly timeouts, ARP retries), receives what the
// device has (at most its burst size) and then lets every socket send what it can. Received frames go
// Ethernet -> ARP | IPv4 (-> reassembly) -> ICMPv4 | UDP | TCP | raw sockets; each frame ends in one
// RxOutcome counted in `counters`, and nothing received can throw out of poll(). Outgoing packets are
// routed (on-link, routes, default gateway), resolved through the neighbour cache (waiting in a bounded
// queue while ARP asks) and fragmented when larger than the MTU.
//
// The per-frame path allocates nothing: reprs, views and buffers are made at construction, and the
// device callbacks are module-level functions that get the interface as their context.

import {
  ArpOperation,
  EtherType,
  Icmpv4DstUnreachable,
  Icmpv4Message,
  Icmpv4TimeExceeded,
  IpProtocol,
  Ipv4Packet,
  ArpPacket,
  EthernetFrame,
  Icmpv4Packet,
  TcpPacket,
  UdpPacket,
  WireError,
  wireErrorMessage,
} from '../../generated/index.js';
import { ChecksumCapabilities } from '../wire/checksum-capabilities.js';
import type { Device, FrameConsumer } from '../phy/device.js';
import { ArpRepr } from '../wire/arp.js';
import { ETHERNET_HEADER_LENGTH, EthernetRepr } from '../wire/ethernet.js';
import { EthernetAddress, formatMac } from '../wire/ethernet-address.js';
import { Icmpv4Repr } from '../wire/icmpv4.js';
import { IPV4_HEADER_LENGTH, Ipv4Repr } from '../wire/ipv4.js';
import { Ipv4Address, Ipv4Cidr, formatIpv4, prefixNetmask } from '../wire/ipv4-address.js';
import { TcpControl, TcpRepr } from '../wire/tcp.js';
import type { UdpRepr } from '../wire/udp.js';
import { copyBytes } from '../wire/byte-ranges.js';
import { dataViewOf } from '../../generated/runtime.js';
import type { IcmpSocket } from '../socket/icmp.js';
import type { RawIpSocket } from '../socket/raw-ip.js';
import { EmitResult, SocketKind, type PacketEmitter, type Socket, type TcpSocketContract, type TcpUnreachable } from '../socket/socket.js';
import type { SocketSet } from '../socket/socket-set.js';
import type { UdpSocket } from '../socket/udp.js';
import { MICROS_PER_SECOND, type Duration, type Instant } from '../time.js';
import { InterfaceCounters, RxOutcome, rxOutcomeName } from './counters.js';
import { IfaceError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { LogLevel, type Logger } from './logger.js';
import { NO_HARDWARE_ADDR, NeighborCache } from './neighbor-cache.js';
import { NeighborQueue } from './neighbor-queue.js';
import { FragmentResult, Reassembler } from './reassembly.js';
import { NO_ROUTE, RouteTable } from './route-table.js';

const BROADCAST_MAC = 0xffff_ffff_ffff;
/** 255.255.255.255 as an int32. */
const LIMITED_BROADCAST = -1;
/** RFC 1812 section 4.3.2.3: an ICMP error's datagram is at most 576 bytes. */
const ICMP_ERROR_MAX_DATAGRAM = 576;
/** Quoted bytes after the quoted header that fit in 576: 576 - IPv4 (20) - ICMP (8) - quoted IPv4 (20). */
const ICMP_ERROR_MAX_QUOTE = ICMP_ERROR_MAX_DATAGRAM - IPV4_HEADER_LENGTH - 8 - IPV4_HEADER_LENGTH;
const MAX_DATAGRAM = 0xffff;


/** What an interface is: its addresses and routes, and the sizes of everything it keeps. */
export interface InterfaceOptions {
  /** Our Ethernet address: `02:00:00:00:00:01`, a 48-bit integer or an EthernetAddress. */
  hardwareAddr: string | number | EthernetAddress;
  /** Our IPv4 addresses with prefix lengths, e.g. `['192.168.69.1/24']`. */
  addresses: (string | Ipv4Cidr)[];
  /** The default gateway (the route 0.0.0.0/0), e.g. `192.168.69.100`. */
  defaultGateway?: string | number | null;
  /** Further routes: `{ network: '10.1.0.0/16', via: '192.168.69.2' }`. */
  routes?: { network: string | Ipv4Cidr; via: string | number }[];
  /** Route table size. Default 8. */
  maxRoutes?: number;
  /** TTL of what we send. Default 64. */
  hopLimit?: number;
  /** Neighbour cache entries. Default 16. */
  neighborCacheCapacity?: number;
  /** Packets waiting for ARP: slots in all, per next hop, bytes per slot. Default 16, 4, 1500. */
  neighborQueue?: { packets?: number; perDestination?: number; packetSize?: number };
  /** Answer echo requests. Default true. */
  icmpEchoReplies?: boolean;
  /** Token bucket for ICMP errors: tokens per second and bucket size. Default 1000/s, burst 50 (Linux's). */
  icmpErrorRate?: { perSecond: number; burst: number };
  /** Reassembly: datagrams at once, largest payload, timeout. Default 4, 65515 bytes, 30 s (Linux). */
  reassembly?: { buffers?: number; maxPayload?: number; timeout?: Duration };
  /** Where log events go; silent without one. */
  logger?: Logger;
  /** Events at or below this level are logged. Default Trace when a logger is given, else Off. */
  logLevel?: LogLevel;
  /** Log every socket read and write too (smoltcp's `verbose`). */
  verbose?: boolean;
}

const enum TxKind {
  /** An IPv4 datagram described by txIp and the upper repr of txUpper. */
  Datagram,
  /** Bytes txBytes[txOffset, +txLength): a whole IPv4 packet. */
  Copy,
  /** A fragment of the datagram in `scratch`: txIp with fragment fields, payload slice at txOffset. */
  Fragment,
  /** An ARP packet, txArp. */
  Arp,
}

const enum Upper {
  Udp,
  Icmp,
  Tcp,
  Bytes,
}

/**
 * An IPv4 host on one Ethernet device (smoltcp's Interface): `poll(now, device, sockets)` moves frames
 * between the device and the sockets; `pollAt`/`pollDelay` say when to call it again.
 */
export class Interface {
  /** Our Ethernet address, a 48-bit integer. */
  readonly hardwareAddr: number;
  /** Everything counted: rx outcomes, tx events. */
  readonly counters = new InterfaceCounters();
  /** The ARP cache: IPv4 addresses of neighbours to their Ethernet addresses (fill it by hand to pre-seed it). */
  readonly neighbors: NeighborCache;
  /** Routes beyond our subnets, the default gateway among them; add and remove at any time. */
  readonly routes: RouteTable;
  /** TTL of what the interface and the sockets send (a socket may set its own). */
  readonly hopLimit: number;
  /** Whether echo requests are answered; may be switched at any time. */
  icmpEchoReplies: boolean;
  /** Where log events go (null: nowhere). */
  logger: Logger | null;
  /** Events at or below this level reach the logger. */
  logLevel: LogLevel;
  /** Also log every socket read and write (at trace level). */
  verbose: boolean;

  // Our addresses, their netmasks and subnet broadcasts, as int32s (the convention inside the interface
  // and its caches: an address `| 0` crosses calls unboxed, a u32 above 2^31 would be a heap number).
  private readonly addrs: Int32Array;
  private readonly masks: Int32Array;
  private readonly broadcasts: Int32Array;
  /** 0 where the subnet has no broadcast address (/31, /32). */
  private readonly hasBroadcast: Uint8Array;
  private readonly reassembler: Reassembler;
  private readonly waiting: NeighborQueue;
  private readonly icmpTokensPerMicro: number;
  private readonly icmpBurst: number;
  private icmpTokens: number;
  private icmpTokensAt = 0;
  private ident = 1;

  // The poll in progress. `now` starts as null (cast) on purpose: V8 then keeps the field tagged and
  // stores the caller's boxed timestamp as it is, so passing `this.now` on to sockets and caches does
  // not box it again per call (a double field would, 16 bytes a call).
  private now: Instant = null as unknown as Instant;
  private device: Device | null = null;
  private sockets: SocketSet | null = null;
  private caps = ChecksumCapabilities.default();
  /** Largest IPv4 packet a frame carries. */
  private ipMtu = 1500;
  private currentSocket: Socket | null = null;

  // Receive side.
  private readonly decoder = new FrameDecoder();
  private readonly fixView = new Ipv4Packet();
  private readonly emitter: PacketEmitter;

  // Transmit side: what writeFrame() writes, set just before a token is consumed.
  private txKind = TxKind.Datagram;
  private txDstMac = 0;
  private txEtherType = EtherType.Ipv4;
  private txIp: Ipv4Repr = new Ipv4Repr();
  private txUpperKind = Upper.Udp;
  private txUpper: UdpRepr | Icmpv4Repr | TcpRepr | null = null;
  private txBytes: Uint8Array = new Uint8Array(0);
  private txOffset = 0;
  private txLength = 0;
  private readonly fragmentIp = new Ipv4Repr();
  private readonly txEthernet = new EthernetRepr();
  private readonly txArp = new ArpRepr();
  private readonly ethernetView = new EthernetFrame();
  private readonly ipView = new Ipv4Packet();
  private readonly udpView = new UdpPacket();
  private readonly icmpView = new Icmpv4Packet();
  private readonly tcpView = new TcpPacket();
  private readonly arpView = new ArpPacket();
  /** A datagram built whole before it is fragmented or queued. */
  private readonly scratch = new Uint8Array(MAX_DATAGRAM);
  // Replies the interface makes itself.
  private readonly replyIp = new Ipv4Repr();
  private readonly replyIcmp = new Icmpv4Repr();
  private readonly replyTcp = new TcpRepr();
  /** The connection an ICMP error (or an unsent datagram) is about, as a segment from the peer would name it. */
  private readonly quotedIp = new Ipv4Repr();
  private readonly quotedTcp = new TcpRepr();

  /**
   * An interface with everything allocated now: neighbour cache, waiting queue, reassembly buffers, a 64 KiB
   * scratch datagram. Throws IfaceError (or AddressParseError for an address that does not parse).
   */
  constructor(options: InterfaceOptions) {
    this.hardwareAddr = parseHardwareAddr(options.hardwareAddr);
    const cidrs = (options.addresses ?? []).map((a) => (typeof a === 'string' ? Ipv4Cidr.from(a) : a));
    this.addrs = new Int32Array(cidrs.length);
    this.masks = new Int32Array(cidrs.length);
    this.broadcasts = new Int32Array(cidrs.length);
    this.hasBroadcast = new Uint8Array(cidrs.length);
    cidrs.forEach((cidr, i) => {
      this.addrs[i] = cidr.address.value | 0;
      this.masks[i] = prefixNetmask(cidr.prefixLength) | 0;
      const broadcast = cidr.broadcast();
      this.broadcasts[i] = broadcast === null ? 0 : broadcast.value | 0;
      this.hasBroadcast[i] = broadcast === null ? 0 : 1;
    });
    this.hopLimit = checkInt('hopLimit', options.hopLimit ?? 64, 1, 255);
    const queue = options.neighborQueue ?? {};
    this.waiting = new NeighborQueue(
      checkInt('neighborQueue.packets', queue.packets ?? 16, 1, 65536),
      checkInt('neighborQueue.packetSize', queue.packetSize ?? 1500, 68, MAX_DATAGRAM),
      checkInt('neighborQueue.perDestination', queue.perDestination ?? 4, 1, 65536),
    );
    // As many addresses may be being resolved as packets may wait (and a few for sockets kept waiting).
    this.neighbors = new NeighborCache(
      checkInt('neighborCacheCapacity', options.neighborCacheCapacity ?? 16, 1, 65536),
      this.waiting.slots + 4,
    );
    this.routes = new RouteTable(checkInt('maxRoutes', options.maxRoutes ?? 8, 1, 65536));
    if (options.defaultGateway !== undefined && options.defaultGateway !== null) {
      this.routes.setDefaultGateway(parseAddr('defaultGateway', options.defaultGateway));
    }
    for (const route of options.routes ?? []) {
      const cidr = typeof route.network === 'string' ? Ipv4Cidr.from(route.network) : route.network;
      this.routes.add(cidr.address.value, cidr.prefixLength, parseAddr('routes[].via', route.via));
    }
    this.icmpEchoReplies = options.icmpEchoReplies ?? true;
    const rate = options.icmpErrorRate ?? { perSecond: 1000, burst: 50 };
    if (!(rate.perSecond >= 0) || !(rate.burst >= 0)) {
      throw new IfaceError('ERR_IFACE_BAD_CONFIG', `Interface: icmpErrorRate needs perSecond and burst of 0 or more, got ${rate.perSecond} and ${rate.burst}; e.g. { perSecond: 1000, burst: 50 }.`);
    }
    this.icmpTokensPerMicro = rate.perSecond / MICROS_PER_SECOND;
    this.icmpBurst = rate.burst;
    this.icmpTokens = rate.burst;
    const r = options.reassembly ?? {};
    this.reassembler = new Reassembler(
      checkInt('reassembly.buffers', r.buffers ?? 4, 0, 1024),
      checkInt('reassembly.maxPayload', r.maxPayload ?? MAX_DATAGRAM - IPV4_HEADER_LENGTH, 8, MAX_DATAGRAM - IPV4_HEADER_LENGTH),
      r.timeout ?? 30 * MICROS_PER_SECOND,
    );
    this.logger = options.logger ?? null;
    this.logLevel = options.logLevel ?? (this.logger !== null ? LogLevel.Trace : LogLevel.Off);
    this.verbose = options.verbose ?? false;
    // The emitter sockets get in dispatch: arrow functions made once, here, so that the send path stays
    // private to the class.
    const self = this;
    this.emitter = {
      get ipMtu(): number {
        return self.ipMtu;
      },
      emitUdp: (ip: Ipv4Repr, udp: UdpRepr) => self.sendDatagram(ip, Upper.Udp, udp, udp.bufferLength()),
      emitIcmp: (ip: Ipv4Repr, icmp: Icmpv4Repr) => self.sendDatagram(ip, Upper.Icmp, icmp, icmp.bufferLength()),
      emitTcp: (ip: Ipv4Repr, tcp: TcpRepr) => self.sendDatagram(ip, Upper.Tcp, tcp, tcp.bufferLength()),
      emitIpPayload: (ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number) => self.sendBytes(ip, bytes, offset, length),
      emitIpPacket: (bytes: Uint8Array, offset: number, length: number) => self.sendPacket(bytes, offset, length),
    };
  }

  /** Our IPv4 addresses (u32s). */
  get ipv4Addresses(): number[] {
    return Array.from(this.addrs, (a) => a >>> 0);
  }

  /** Whether `addr` (u32) is one of ours. */
  hasAddress(addr: number): boolean {
    return this.addressIndex(addr | 0) >= 0;
  }

  /** Packets waiting for their next hop's ARP reply. */
  get waitingPackets(): number {
    return this.waiting.size;
  }

  /**
   * Receives what `device` has (at most its burst size), runs the timers and lets every socket in
   * `sockets` send what it can. Returns whether anything happened (a frame received or sent, a timer
   * fired). Never throws for anything received.
   */
  poll(now: Instant, device: Device, sockets: SocketSet): boolean {
    this.begin(now, device, sockets);
    let changed = false;
    try {
      changed = this.runTimers();
      const burst = device.capabilities().maxBurstSize;
      for (let n = 0; burst === null || n < burst; n++) {
        const pair = device.receive(now);
        if (pair === null) break;
        pair.rx.consume(this, Interface.onFrame as FrameConsumer<Interface, void>);
        changed = true;
      }
      // The sockets send once the burst is read, so a burst of segments draws one ACK (a stretch ACK, as
      // Linux acknowledges what GRO or a socket's backlog gathered). An ACK every second segment mid-burst
      // let a kernel sender refill the queue as fast as the poll read it, while the application could not
      // read until the poll ended: the window closed, and the tap writer fell from 17 to 11 Gbit/s.
      if (this.dispatchSockets()) changed = true;
    } finally {
      this.device = null;
      this.sockets = null;
      this.currentSocket = null;
    }
    return changed;
  }

  /** When poll() next has something to do: an instant (now or earlier: at once), or null (only when a frame arrives). */
  pollAt(now: Instant, sockets: SocketSet): Instant | null {
    let at = Infinity;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || this.socketWaits(socket, now)) continue;
      const t = socket.pollAt(now);
      if (t !== null && t < at) at = t;
    }
    const r = this.reassembler.pollAt();
    if (r !== null && r < at) at = r;
    const n = this.neighbors.pollAt();
    if (n !== null && n < at) at = n;
    if (at === Infinity) return null;
    return at;
  }

  /** How long until poll() has something to do (0: now), or null. */
  pollDelay(now: Instant, sockets: SocketSet): Duration | null {
    const at = this.pollAt(now, sockets);
    if (at === null) return null;
    return at <= now ? 0 : at - now;
  }

  private begin(now: Instant, device: Device, sockets: SocketSet): void {
    this.now = now;
    this.device = device;
    this.sockets = sockets;
    const caps = device.capabilities();
    if (caps.medium !== 'ethernet') {
      throw new IfaceError('ERR_IFACE_BAD_DEVICE', `Interface.poll: the device's medium is ${caps.medium}, and this interface speaks Ethernet only; give it an Ethernet device (a tap, not a tun).`);
    }
    this.caps = caps.checksum;
    this.ipMtu = caps.maxTransmissionUnit - ETHERNET_HEADER_LENGTH;
  }

  private runTimers(): boolean {
    const expired = this.reassembler.expire(this.now, this, Interface.onReassemblyTimeout);
    this.counters.reassemblyTimeouts += expired;
    const arps = this.counters.arpRequests;
    const unresolved = this.counters.txUnresolved;
    this.neighbors.poll(this.now, this, Interface.onNeighborRetry, Interface.onNeighborGiveUp);
    return expired > 0 || arps !== this.counters.arpRequests || unresolved !== this.counters.txUnresolved;
  }

  private socketWaits(socket: Socket, now: Instant): boolean {
    const meta = socket.meta;
    if (meta.waitingFor === 0) return false;
    if (this.neighbors.isPending(meta.waitingFor) && now < meta.silentUntil) return true;
    meta.waitingFor = 0;
    return false;
  }

  private dispatchSockets(): boolean {
    const sockets = this.sockets!;
    let changed = false;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || this.socketWaits(socket, this.now)) continue;
      this.currentSocket = socket;
      if (socket.dispatch(this.now, this.emitter)) changed = true;
    }
    this.currentSocket = null;
    return changed;
  }

  // ---- Receive ----------------------------------------------------------------------------------

  // The callbacks handed to devices and timers: static, so one function serves every frame (no closure
  // per call), and inside the class, so they reach its private methods.
  private static onFrame(iface: Interface, bytes: Uint8Array, offset: number, length: number): void {
    iface.receiveFrame(bytes, offset, length);
  }

  private static onWrite(iface: Interface, bytes: Uint8Array, offset: number, length: number): void {
    iface.writeFrame(bytes, offset, length);
  }

  private static onNeighborRetry(iface: Interface, addr: number): void {
    iface.sendArpRequest(addr);
  }

  private static onNeighborGiveUp(iface: Interface, addr: number): void {
    iface.dropWaiting(addr);
  }

  private static onReassemblyTimeout(iface: Interface, header: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): void {
    // Only about a datagram that was sent to one of our addresses: never about a broadcast (RFC 1122 3.2.2).
    const broadcast = iface.addressIndex(header.dstAddr | 0) < 0;
    iface.sendIcmpError(Icmpv4Message.TimeExceeded, Icmpv4TimeExceeded.FragExpired, header, bytes, offset, length, broadcast);
  }

  /** The device's receive callback: one frame, counted in exactly one RxOutcome. */
  private receiveFrame(bytes: Uint8Array, offset: number, length: number): void {
    this.counters.rxFrames++;
    let outcome: RxOutcome;
    try {
      outcome = this.processEthernet(bytes, offset, length);
    } catch (error) {
      outcome = RxOutcome.Internal;
      if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `rx: internal error while processing a frame: ${(error as Error)?.stack ?? error}`);
    }
    this.counters.rx[outcome]++;
    if (outcome !== RxOutcome.Accepted && this.logLevel >= LogLevel.Debug) {
      this.log(LogLevel.Debug, `rx: dropped a frame of ${length} bytes: ${rxOutcomeName(outcome)}`);
    }
  }

  private processEthernet(bytes: Uint8Array, offset: number, length: number): RxOutcome {
    const d = this.decoder;
    const error = d.decodeEthernet(bytes, offset, length);
    if (error !== WireError.Ok) return this.wireDrop('ethernet', error);
    const dst = d.ethernet.dstAddr;
    const linkBroadcast = dst === BROADCAST_MAC;
    if (dst !== this.hardwareAddr && !linkBroadcast) return RxOutcome.NotForUs;
    switch (d.ethernet.etherType) {
      case EtherType.Arp:
        return this.processArp();
      case EtherType.Ipv4:
        return this.processIpv4(linkBroadcast);
      default:
        return RxOutcome.UnsupportedProtocol;
    }
  }

  private wireDrop(layer: string, error: WireError): RxOutcome {
    if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `rx: ${layer}: ${wireErrorMessage(error)}`);
    if (error === WireError.BadChecksum) return RxOutcome.BadChecksum;
    if (error === WireError.Unrecognized) return RxOutcome.UnsupportedProtocol;
    return RxOutcome.Malformed;
  }

  /** RFC 826 "Packet Reception", with smoltcp's checks on the sender. */
  private processArp(): RxOutcome {
    const d = this.decoder;
    const error = d.decodeArp();
    if (error !== WireError.Ok) return this.wireDrop('arp', error);
    const arp = d.arp;
    const senderMac = arp.sourceHardwareAddr;
    const senderIp = arp.sourceProtocolAddr;
    // A sender that is not a unicast host on one of our subnets is nobody to learn (or answer).
    if (!isUnicastMac(senderMac) || !this.isUnicastOnLink(senderIp | 0)) return RxOutcome.Malformed;
    if (arp.operation !== ArpOperation.Request && arp.operation !== ArpOperation.Reply) return RxOutcome.UnsupportedProtocol;
    // "If the pair <protocol type, sender protocol address> is already in my translation table, update
    // the sender hardware address field": this is how gratuitous ARP refreshes an entry.
    const refreshed = this.neighbors.refresh(senderIp | 0, senderMac, this.now);
    if (this.addressIndex(arp.targetProtocolAddr | 0) < 0) {
      if (refreshed && this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `arp: refreshed ${formatIpv4(senderIp)} at ${formatMac(senderMac)}`);
      return refreshed ? RxOutcome.Accepted : RxOutcome.NotForUs;
    }
    if (!refreshed) {
      this.neighbors.fill(senderIp | 0, senderMac, this.now);
      if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `arp: learned ${formatIpv4(senderIp)} at ${formatMac(senderMac)}`);
    }
    if (arp.operation === ArpOperation.Request) {
      this.sendArp(ArpOperation.Reply, senderMac, arp.targetProtocolAddr, senderMac, senderIp);
    }
    this.flushWaiting(senderIp | 0, senderMac);
    return RxOutcome.Accepted;
  }

  private processIpv4(linkBroadcast: boolean): RxOutcome {
    const d = this.decoder;
    const error = d.decodeIpv4(this.caps);
    if (error !== WireError.Ok) return this.wireDrop('ipv4', error);
    const ip = d.ipv4;
    // RFC 1122 section 3.2.1.3: a source that is broadcast or multicast is invalid; discard silently.
    const src = ip.srcAddr | 0;
    if (src === LIMITED_BROADCAST || isMulticast(src) || this.isSubnetBroadcast(src)) {
      return RxOutcome.Malformed;
    }
    const dst = ip.dstAddr | 0;
    let broadcast = linkBroadcast;
    if (dst === LIMITED_BROADCAST || this.isSubnetBroadcast(dst)) broadcast = true;
    else if (this.addressIndex(dst) < 0) return RxOutcome.NotForUs; // a host, not a router (RFC 1122 3.3.4.1)
    const bytes = d.ethernetFrame.bytes;
    if (ip.moreFrags || ip.fragOffset !== 0) return this.processFragment(bytes, broadcast);
    return this.processIpPayload(ip, bytes, d.ipv4HeaderOffset, d.ipv4HeaderLength, d.ipv4PayloadOffset, broadcast);
  }

  private processFragment(bytes: Uint8Array, broadcast: boolean): RxOutcome {
    const d = this.decoder;
    const ip = d.ipv4;
    const r = this.reassembler;
    const result = r.add(this.now, ip, bytes, d.ipv4HeaderOffset, d.ipv4HeaderLength, d.ipv4PayloadOffset);
    switch (result) {
      case FragmentResult.Stored:
        return RxOutcome.Accepted;
      case FragmentResult.Duplicate:
        return RxOutcome.FragmentDuplicate;
      case FragmentResult.Overlap:
        if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `ipv4: overlapping fragment of datagram ${ip.ident} from ${formatIpv4(ip.srcAddr)}: datagram dropped`);
        return RxOutcome.ReassemblyOverlap;
      case FragmentResult.NoBuffer:
        return RxOutcome.ReassemblyNoBuffer;
      case FragmentResult.Malformed:
        return RxOutcome.Malformed;
    }
    // Complete: the datagram lies whole in the reassembly buffer; make its header say so (raw sockets
    // and ICMP quotes see an unfragmented datagram).
    try {
      const buffer = r.completeBuffer();
      const headerOffset = r.completeHeaderOffset();
      const headerLength = r.completeHeaderLength();
      const payloadLength = r.completePayloadLength();
      const view = this.fixView.init(buffer, headerOffset, headerLength + payloadLength);
      view.totalLen = headerLength + payloadLength;
      view.moreFrags = false;
      view.fragOffset = 0;
      view.fillChecksum();
      ip.moreFrags = false;
      ip.fragOffset = 0;
      ip.payloadLength = payloadLength;
      if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `ipv4: reassembled datagram ${ip.ident} from ${formatIpv4(ip.srcAddr)}, ${payloadLength} bytes`);
      return this.processIpPayload(ip, buffer, headerOffset, headerLength, r.completePayloadOffset(), broadcast);
    } finally {
      r.releaseComplete();
    }
  }

  private processIpPayload(
    ip: Ipv4Repr,
    bytes: Uint8Array,
    headerOffset: number,
    headerLength: number,
    payloadOffset: number,
    broadcast: boolean,
  ): RxOutcome {
    const rawTook = this.deliverRaw(ip, bytes, headerOffset, headerLength + ip.payloadLength);
    switch (ip.protocol) {
      case IpProtocol.Icmp:
        return this.processIcmp(ip, bytes, payloadOffset, broadcast, rawTook);
      case IpProtocol.Udp:
        return this.processUdp(ip, bytes, payloadOffset, broadcast, rawTook);
      case IpProtocol.Tcp:
        return this.processTcp(ip, bytes, payloadOffset, broadcast, rawTook);
      default:
        if (rawTook) return RxOutcome.Accepted;
        this.sendIcmpError(Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.ProtoUnreachable, ip, bytes, payloadOffset, ip.payloadLength, broadcast);
        return RxOutcome.UnsupportedProtocol;
    }
  }

  private deliverRaw(ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): boolean {
    const sockets = this.sockets!;
    let took = false;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || socket.kind !== SocketKind.Raw) continue;
      const raw = socket as RawIpSocket;
      if (!raw.accepts(ip)) continue;
      raw.process(this.now, ip, bytes, offset, length);
      took = true;
      if (this.verbose) this.socketEvent('raw', 'received', length, ip.srcAddr, 0, raw.recvQueue);
    }
    return took;
  }

  private processIcmp(ip: Ipv4Repr, bytes: Uint8Array, offset: number, broadcast: boolean, rawTook: boolean): RxOutcome {
    const d = this.decoder;
    const length = ip.payloadLength;
    const error = d.decodeIcmpv4(bytes, offset, length, this.caps);
    if (error !== WireError.Ok) return rawTook && error === WireError.Unrecognized ? RxOutcome.Accepted : this.wireDrop('icmpv4', error);
    const icmp = d.icmpv4;
    let outcome = rawTook ? RxOutcome.Accepted : RxOutcome.NoSocket;
    const sockets = this.sockets!;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || socket.kind !== SocketKind.Icmp) continue;
      const s = socket as IcmpSocket;
      if (!s.accepts(ip, icmp)) continue;
      outcome = s.process(this.now, ip, bytes, offset, length) ? RxOutcome.Accepted : RxOutcome.SocketBufferFull;
      if (this.verbose) this.socketEvent('icmp', 'received', length, ip.srcAddr, 0, s.recvQueue);
      break;
    }
    if ((icmp.msgType === Icmpv4Message.DstUnreachable || icmp.msgType === Icmpv4Message.TimeExceeded) && icmp.quotedHeader.protocol === IpProtocol.Tcp) {
      const cause = tcpUnreachableCause(icmp.msgType, icmp.msgCode);
      if (cause !== null && this.tcpUnreachable(icmp.quotedHeader.srcAddr, icmp.quotedHeader.dstAddr, icmp.data!, icmp.dataOffset, icmp.dataLength, cause)) {
        outcome = RxOutcome.Accepted;
      }
    }
    if (icmp.msgType === Icmpv4Message.EchoRequest && this.icmpEchoReplies && !broadcast) {
      // RFC 1122 section 3.2.2.6: the reply carries the request's identifier, sequence number and data.
      const reply = this.replyIcmp;
      reply.msgType = Icmpv4Message.EchoReply;
      reply.msgCode = 0;
      reply.echoIdent = icmp.echoIdent;
      reply.echoSeqNo = icmp.echoSeqNo;
      reply.setData(icmp.data, icmp.dataOffset, icmp.dataLength);
      const rip = this.replyTo(ip, IpProtocol.Icmp);
      this.sendDatagram(rip, Upper.Icmp, reply, reply.bufferLength());
      if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `icmp: echo reply to ${formatIpv4(ip.srcAddr)} id ${icmp.echoIdent} seq ${icmp.echoSeqNo}`);
      return RxOutcome.Accepted;
    }
    return outcome;
  }

  private processUdp(ip: Ipv4Repr, bytes: Uint8Array, offset: number, broadcast: boolean, rawTook: boolean): RxOutcome {
    const d = this.decoder;
    const error = d.decodeUdp(bytes, offset, ip.payloadLength, ip.srcAddr | 0, ip.dstAddr | 0, this.caps);
    if (error !== WireError.Ok) return this.wireDrop('udp', error);
    const udp = d.udp;
    const sockets = this.sockets!;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || socket.kind !== SocketKind.Udp) continue;
      const s = socket as UdpSocket;
      if (!s.accepts(ip, udp)) continue;
      const ok = s.process(this.now, ip, udp);
      if (this.verbose) this.socketEvent('udp', ok ? 'received' : 'dropped (buffer full)', udp.payloadLength, ip.srcAddr, udp.srcPort, s.recvQueue);
      return ok ? RxOutcome.Accepted : RxOutcome.SocketBufferFull;
    }
    if (rawTook) return RxOutcome.Accepted;
    // RFC 1122 section 4.1.3.1: a datagram to a port nobody listens on gets port unreachable.
    this.sendIcmpError(Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.PortUnreachable, ip, bytes, offset, ip.payloadLength, broadcast);
    return RxOutcome.NoSocket;
  }

  private processTcp(ip: Ipv4Repr, bytes: Uint8Array, offset: number, broadcast: boolean, rawTook: boolean): RxOutcome {
    const d = this.decoder;
    const error = d.decodeTcp(bytes, offset, ip.payloadLength, ip.srcAddr | 0, ip.dstAddr | 0, this.caps);
    if (error !== WireError.Ok) return this.wireDrop('tcp', error);
    const tcp = d.tcp;
    // RFC 9293 section 3.9.1.1... segments to broadcast addresses are not TCP's (RFC 1122 4.2.3.10).
    if (broadcast) return RxOutcome.NotForUs;
    const sockets = this.sockets!;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || socket.kind !== SocketKind.Tcp) continue;
      const s = socket as TcpSocketContract;
      if (!s.accepts(ip, tcp)) continue;
      const reply = s.process(this.now, ip, tcp);
      if (reply !== null) this.sendDatagram(this.replyTo(ip, IpProtocol.Tcp), Upper.Tcp, reply, reply.bufferLength());
      return RxOutcome.Accepted;
    }
    if (rawTook) return RxOutcome.Accepted;
    // RFC 9293 section 3.10.7.1 (CLOSED): a RST answers anything but a RST. If the segment has an ACK,
    // <SEQ=SEG.ACK><CTL=RST>; otherwise <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    if (tcp.control !== TcpControl.Rst) {
      const rst = this.replyTcp;
      rst.srcPort = tcp.dstPort;
      rst.dstPort = tcp.srcPort;
      rst.control = TcpControl.Rst;
      rst.windowLen = 0;
      rst.windowScale = null;
      rst.maxSegSize = null;
      rst.sackPermitted = false;
      rst.sackBlockCount = 0;
      rst.hasTimestamp = false;
      rst.setPayload(null, 0, 0);
      if (tcp.ack) {
        rst.seqNumber = tcp.ackNumber;
        rst.ack = false;
        rst.ackNumber = 0;
      } else {
        rst.seqNumber = 0;
        rst.ack = true;
        rst.ackNumber = (tcp.seqNumber + tcp.segmentLength()) >>> 0;
      }
      this.sendDatagram(this.replyTo(ip, IpProtocol.Tcp), Upper.Tcp, rst, rst.bufferLength());
    }
    return RxOutcome.NoSocket;
  }

  /** The reply header for `ip`: from its destination back to its source. */
  private replyTo(ip: Ipv4Repr, protocol: IpProtocol): Ipv4Repr {
    const r = this.replyIp;
    r.srcAddr = ip.dstAddr;
    r.dstAddr = ip.srcAddr;
    r.protocol = protocol;
    r.hopLimit = 0;
    r.dscp = 0;
    r.ecn = 0;
    r.dontFrag = false;
    r.moreFrags = false;
    r.fragOffset = 0;
    return r;
  }

  /**
   * Sends an ICMP error about the datagram `ip` whose payload is `bytes[offset, offset + length)`,
   * unless RFC 1122 section 3.2.2 forbids one or the rate limit says no.
   */
  private sendIcmpError(msgType: Icmpv4Message, msgCode: number, ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number, broadcast: boolean): void {
    // RFC 1122 3.2.2: never about an ICMP error, a datagram to a broadcast or multicast address or sent
    // as link-layer broadcast, a fragment other than the first, or one whose source is not a unicast host.
    if (broadcast || isMulticast(ip.dstAddr | 0) || ip.fragOffset !== 0) return;
    if (!this.isUnicastHost(ip.srcAddr | 0)) return;
    if (ip.protocol === IpProtocol.Icmp && (length < 1 || !isIcmpQuery(bytes[offset]))) return;
    if (!this.takeIcmpToken()) {
      this.counters.icmpRateLimited++;
      return;
    }
    const icmp = this.replyIcmp;
    icmp.msgType = msgType;
    icmp.msgCode = msgCode;
    icmp.echoIdent = 0;
    icmp.echoSeqNo = 0;
    icmp.quotedHeader.copyFrom(ip);
    // RFC 1812 section 4.3.2.3: as much of the datagram as fits in 576 bytes.
    icmp.setData(bytes, offset, length < ICMP_ERROR_MAX_QUOTE ? length : ICMP_ERROR_MAX_QUOTE);
    // From the address the datagram was sent to when it is ours, else (a timed-out reassembly for a
    // broadcast never gets here) from the outgoing subnet's address.
    const rip = this.replyTo(ip, IpProtocol.Icmp);
    if (this.addressIndex(rip.srcAddr | 0) < 0) rip.srcAddr = 0;
    this.counters.icmpErrors++;
    if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `icmp: error type ${msgType} code ${msgCode} to ${formatIpv4(ip.srcAddr)}`);
    this.sendDatagram(rip, Upper.Icmp, icmp, icmp.bufferLength());
  }

  private takeIcmpToken(): boolean {
    const elapsed = this.now - this.icmpTokensAt;
    this.icmpTokensAt = this.now;
    if (elapsed > 0) {
      const t = this.icmpTokens + elapsed * this.icmpTokensPerMicro;
      this.icmpTokens = t < this.icmpBurst ? t : this.icmpBurst;
    }
    if (this.icmpTokens < 1) return false;
    this.icmpTokens -= 1;
    return true;
  }

  // ---- Transmit ---------------------------------------------------------------------------------

  /**
   * Where a packet to `dst` goes: sets routeMac (known Ethernet address, broadcast, or
   * NO_HARDWARE_ADDR), routeHop (next hop, int32) and fills a zero source. False when there is no route.
   */
  private routeMac = 0;
  private routeHop = 0;
  private route(ip: Ipv4Repr): boolean {
    const dst = ip.dstAddr | 0;
    let index = -1;
    if (dst === LIMITED_BROADCAST) {
      this.routeMac = BROADCAST_MAC;
      this.routeHop = dst;
      index = this.addrs.length > 0 ? 0 : -1;
    } else {
      index = this.subnetIndex(dst);
      let hop = dst;
      if (index >= 0 && this.hasBroadcast[index] !== 0 && this.broadcasts[index] === dst) {
        this.routeMac = BROADCAST_MAC;
      } else {
        if (index < 0) {
          hop = this.routes.lookup(dst);  // int32 in, int32 out
          if (hop === NO_ROUTE) return false;
          index = this.subnetIndex(hop);
          if (index < 0) index = this.addrs.length > 0 ? 0 : -1;
        }
        // The slot, then the 48-bit address read here: a double returned from a call would be boxed,
        // and so would one merged with the small integer -1 in a conditional expression (measured).
        const slot = this.neighbors.lookupSlot(hop, this.now);
        if (slot >= 0) this.routeMac = this.neighbors.hardwareAddrs[slot];
        // One of our own addresses (an interface on a Loopback device talking to itself, as smoltcp's
        // loopback example): our own Ethernet address, without asking ARP, which we would not answer.
        else if (this.addressIndex(hop) >= 0) this.routeMac = this.hardwareAddr;
        else this.routeMac = NO_HARDWARE_ADDR;
      }
      this.routeHop = hop;
    }
    if (ip.srcAddr === 0) {
      if (index < 0) return false;
      ip.srcAddr = this.addrs[index] >>> 0;
    }
    return true;
  }

  /** Sends an IPv4 datagram whose upper layer is `upper` (a repr of kind `kind`) of `payloadLength` bytes. */
  private sendDatagram(ip: Ipv4Repr, kind: Upper, upper: UdpRepr | Icmpv4Repr | TcpRepr | null, payloadLength: number): EmitResult {
    ip.payloadLength = payloadLength;
    if (IPV4_HEADER_LENGTH + payloadLength > MAX_DATAGRAM) return this.txDrop('too large for IPv4', ip);
    if (!this.route(ip)) {
      this.counters.txNoRoute++;
      return this.txDropRoute(ip);
    }
    if (ip.hopLimit === 0) ip.hopLimit = this.hopLimit;
    ip.ident = this.nextIdent();
    const total = IPV4_HEADER_LENGTH + payloadLength;
    const fits = total <= this.ipMtu;
    if (!fits && ip.dontFrag) {
      this.counters.txTooLarge++;
      return this.txDrop('larger than the MTU with DF set', ip);
    }
    this.txIp = ip;
    this.txUpperKind = kind;
    this.txUpper = upper;
    if (this.routeMac !== NO_HARDWARE_ADDR && fits) {
      // The common case: straight into the device's buffer.
      this.txKind = TxKind.Datagram;
      this.txDstMac = this.routeMac;
      return this.transmitFrame(EtherType.Ipv4, ETHERNET_HEADER_LENGTH + total);
    }
    // Fragmented or waiting: built whole first.
    this.writeDatagram(this.scratch, 0, total);
    return this.sendBuilt(ip, total);
  }

  /** Sends an IPv4 datagram whose payload is `bytes[offset, offset + length)` verbatim. */
  private sendBytes(ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): EmitResult {
    this.txBytes = bytes;
    this.txOffset = offset;
    this.txLength = length;
    return this.sendDatagram(ip, Upper.Bytes, null, length);
  }

  /** Sends a whole IPv4 packet (a raw socket's): see RawIpSocket for the contract. */
  private sendPacket(bytes: Uint8Array, offset: number, length: number): EmitResult {
    if (length > this.scratch.length) return this.txDrop('a raw packet larger than IPv4 allows', null);
    copyBytes(bytes, offset, this.scratch, 0, length);
    const view = this.ipView.init(this.scratch, 0, length);
    if (view.check() !== WireError.Ok) return this.txDrop('a raw packet that is not IPv4', null);
    const ip = this.fragmentIp;
    ip.readHeader(view);
    if (!this.route(ip)) {
      this.counters.txNoRoute++;
      return this.txDropRoute(ip);
    }
    view.srcAddr = ip.srcAddr | 0;
    view.fillChecksum();
    if (this.caps.ipv4 === 'rx' || this.caps.ipv4 === 'none') view.checksum = 0;
    if (length > this.ipMtu || length > this.waiting.slotSize) {
      this.counters.txTooLarge++;
      return this.txDrop('a raw packet larger than the MTU (raw packets are not fragmented)', ip);
    }
    return this.sendBuilt(null, length);
  }

  /**
   * Sends the packet in scratch[0, total): as it is or in fragments (when `ip`, its header, is given:
   * only datagrams we built, with a 20-byte header, are fragmented), now or after ARP.
   */
  private sendBuilt(ip: Ipv4Repr | null, total: number): EmitResult {
    const hop = this.routeHop;
    const mac = this.routeMac;
    const fragmentPayload = ((Math.min(this.ipMtu, this.waiting.slotSize) - IPV4_HEADER_LENGTH) >> 3) << 3;
    if (mac !== NO_HARDWARE_ADDR) {
      if (total <= this.ipMtu) {
        this.txKind = TxKind.Copy;
        this.txBytes = this.scratch;
        this.txOffset = 0;
        this.txLength = total;
        this.txDstMac = mac;
        return this.transmitFrame(EtherType.Ipv4, ETHERNET_HEADER_LENGTH + total);
      }
      this.txDstMac = mac;
      return this.transmitFragments(ip!, ((this.ipMtu - IPV4_HEADER_LENGTH) >> 3) << 3);
    }
    // Unresolved: ask (at most once a second), and queue (in fragments if need be) while the address
    // is being resolved.
    if (this.neighbors.mayRequest(hop, this.now)) this.sendArpRequest(hop);
    const pieces = total <= this.waiting.slotSize ? 1 : Math.ceil((total - IPV4_HEADER_LENGTH) / fragmentPayload);
    if (!this.neighbors.isPending(hop) || this.waiting.room(hop) < pieces) {
      const socket = this.currentSocket;
      if (socket !== null) {
        // The socket keeps the packet and is not asked again until the neighbour answers (or a second).
        socket.meta.waitingFor = hop;
        socket.meta.silentUntil = this.now + MICROS_PER_SECOND;
        return EmitResult.Busy;
      }
      this.counters.txUnresolved++;
      return this.txDrop('its next hop is unresolved and the waiting queue is full', ip);
    }
    if (pieces === 1) {
      const at = this.waiting.reserve(hop, total);
      copyBytes(this.scratch, 0, this.waiting.storage, at, total);
    } else {
      const payloadLength = total - IPV4_HEADER_LENGTH;
      for (let start = 0; start < payloadLength; start += fragmentPayload) {
        const size = Math.min(fragmentPayload, payloadLength - start);
        const at = this.waiting.reserve(hop, IPV4_HEADER_LENGTH + size);
        this.writeFragment(ip!, this.waiting.storage, at, start, size, start + size < payloadLength);
      }
    }
    if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `arp: ${pieces} packet(s) wait for ${formatIpv4(hop)}`);
    return EmitResult.Sent;
  }

  /** Sends the datagram in scratch (header `ip`) in fragments to txDstMac. */
  private transmitFragments(ip: Ipv4Repr, fragmentPayload: number): EmitResult {
    const payloadLength = ip.payloadLength;
    for (let start = 0; start < payloadLength; start += fragmentPayload) {
      const size = Math.min(fragmentPayload, payloadLength - start);
      this.txKind = TxKind.Fragment;
      this.txOffset = start;
      this.txLength = size;
      this.txIp = ip;
      const result = this.transmitFrame(EtherType.Ipv4, ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH + size);
      if (result !== EmitResult.Sent) return start === 0 ? result : EmitResult.Sent;
      this.counters.txFragments++;
    }
    return EmitResult.Sent;
  }

  /** Writes the fragment [start, start + size) of the datagram in scratch (header `ip`) at bytes[at]. */
  private writeFragment(ip: Ipv4Repr, bytes: Uint8Array, at: number, start: number, size: number, more: boolean): void {
    const f = this.fragmentIp.copyFrom(ip);
    f.payloadLength = size;
    f.fragOffset = start;
    f.moreFrags = more;
    f.dontFrag = false;
    f.emit(this.ipView.init(bytes, at, IPV4_HEADER_LENGTH + size), this.caps);
    copyBytes(this.scratch, IPV4_HEADER_LENGTH + start, bytes, at + IPV4_HEADER_LENGTH, size);
  }

  /**
   * Sends a frame of `length` bytes to txDstMac (set by the caller: a 48-bit address passed as an
   * argument to a call V8 does not inline would be boxed) as writeFrame describes it.
   */
  private transmitFrame(etherType: EtherType, length: number): EmitResult {
    const tx = this.device!.transmit(this.now);
    if (tx === null) {
      this.counters.txDeviceBusy++;
      return EmitResult.Busy;
    }
    this.txEtherType = etherType;
    tx.consume(length, this, Interface.onWrite as FrameConsumer<Interface, void>);
    this.counters.txFrames++;
    if (this.verbose && this.currentSocket !== null && etherType === EtherType.Ipv4) {
      this.socketEvent(socketKindName(this.currentSocket.kind), 'sent', length - ETHERNET_HEADER_LENGTH, this.txIp.dstAddr, 0, -1);
    }
    return EmitResult.Sent;
  }

  /** The device's transmit callback: writes the frame described by the tx fields. */
  private writeFrame(bytes: Uint8Array, offset: number, length: number): void {
    const eth = this.txEthernet;
    eth.srcAddr = this.hardwareAddr;
    eth.dstAddr = this.txDstMac;
    eth.etherType = this.txEtherType;
    eth.emit(this.ethernetView.init(bytes, offset, length));
    const at = offset + ETHERNET_HEADER_LENGTH;
    const rest = length - ETHERNET_HEADER_LENGTH;
    switch (this.txKind) {
      case TxKind.Datagram:
        this.writeDatagram(bytes, at, rest);
        break;
      case TxKind.Copy:
        copyBytes(this.txBytes, this.txOffset, bytes, at, this.txLength);
        break;
      case TxKind.Fragment:
        this.writeFragment(this.txIp, bytes, at, this.txOffset, this.txLength, this.txOffset + this.txLength < this.txIp.payloadLength);
        break;
      case TxKind.Arp:
        this.txArp.emit(this.arpView.init(bytes, at, rest));
        break;
    }
  }

  /** Writes the IPv4 datagram of txIp and txUpper, `total` bytes, at bytes[at]. */
  private writeDatagram(bytes: Uint8Array, at: number, total: number): void {
    const ip = this.txIp;
    ip.emit(this.ipView.init(bytes, at, total), this.caps);
    const p = at + IPV4_HEADER_LENGTH;
    const n = total - IPV4_HEADER_LENGTH;
    switch (this.txUpperKind) {
      case Upper.Udp:
        (this.txUpper as UdpRepr).emit(this.udpView.init(bytes, p, n), ip.srcAddr | 0, ip.dstAddr | 0, this.caps);
        break;
      case Upper.Icmp:
        (this.txUpper as Icmpv4Repr).emit(this.icmpView.init(bytes, p, n), this.caps);
        break;
      case Upper.Tcp:
        (this.txUpper as TcpRepr).emit(this.tcpView.init(bytes, p, n), ip.srcAddr | 0, ip.dstAddr | 0, this.caps);
        break;
      case Upper.Bytes:
        copyBytes(this.txBytes, this.txOffset, bytes, p, n);
        break;
    }
  }

  private sendArp(operation: ArpOperation, dstMac: number, senderIp: number, targetMac: number, targetIp: number): void {
    const arp = this.txArp;
    arp.operation = operation;
    arp.sourceHardwareAddr = this.hardwareAddr;
    arp.sourceProtocolAddr = senderIp;
    arp.targetHardwareAddr = targetMac;
    arp.targetProtocolAddr = targetIp;
    this.txKind = TxKind.Arp;
    this.txDstMac = dstMac;
    this.transmitFrame(EtherType.Arp, ETHERNET_HEADER_LENGTH + arp.bufferLength());
  }

  /** Asks who has `addr` (the rate limit is the caller's: NeighborCache.mayRequest/poll). */
  private sendArpRequest(addr: number): void {
    let index = this.subnetIndex(addr);
    if (index < 0) index = 0;
    if (this.addrs.length === 0) return;
    this.counters.arpRequests++;
    if (this.logLevel >= LogLevel.Trace) this.log(LogLevel.Trace, `arp: who has ${formatIpv4(addr)}?`);
    this.sendArp(ArpOperation.Request, BROADCAST_MAC, this.addrs[index] >>> 0, 0, addr >>> 0);
  }

  /** The neighbour did not answer: drop what waited for it. */
  private dropWaiting(addr: number): void {
    // As Linux answers each datagram dropped for want of a neighbour with an ICMP host unreachable to its
    // sender, the TCP socket of each dropped segment hears of it: a connect() to a host that is not
    // there fails with EHOSTUNREACH after the ARP retries, not after the SYN's.
    const q = this.waiting;
    let n = 0;
    for (let slot = q.oldest(addr); slot >= 0; slot = q.oldest(addr)) {
      const bytes = q.storage;
      const at = q.offsetOf(slot);
      const headerLength = (bytes[at]! & 0x0f) * 4;
      const firstFragment = (((bytes[at + 6]! & 0x1f) << 8) | bytes[at + 7]!) === 0;
      if (bytes[at + 9] === IpProtocol.Tcp && firstFragment) {
        const header = dataViewOf(bytes);
        this.tcpUnreachable(header.getUint32(at + 12), header.getUint32(at + 16), bytes, at + headerLength, q.lengthOf(slot) - headerLength, 'host-unreachable');
      }
      q.release(slot);
      n++;
    }
    this.counters.txUnresolved += n;
    if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `arp: ${formatIpv4(addr)} did not answer; ${n} waiting packet(s) dropped`);
  }

  /**
   * Tells the TCP socket whose segment from `srcAddr` to `dstAddr` an ICMP error quotes, or the interface
   * dropped unsent, that its path failed (`bytes[offset, +length)` is the segment's start, at least the
   * 8 bytes RFC 792 quotes: ports and sequence number). Whether a socket took it.
   */
  private tcpUnreachable(srcAddr: number, dstAddr: number, bytes: Uint8Array, offset: number, length: number, cause: TcpUnreachable): boolean {
    if (length < 8 || this.addressIndex(srcAddr | 0) < 0) return false;
    const ip = this.quotedIp;
    ip.srcAddr = dstAddr;
    ip.dstAddr = srcAddr;
    const tcp = this.quotedTcp;
    tcp.srcPort = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    tcp.dstPort = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const seq = dataViewOf(bytes).getUint32(offset + 4);
    const sockets = this.sockets!;
    for (let i = 0; i < sockets.capacity; i++) {
      const socket = sockets.at(i);
      if (socket === null || socket.kind !== SocketKind.Tcp) continue;
      const s = socket as TcpSocketContract;
      if (!s.accepts(ip, tcp)) continue;
      if (s.icmpError !== undefined) s.icmpError(ip, tcp, seq, cause);
      if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `tcp: ${cause} for ${formatIpv4(dstAddr)}:${tcp.srcPort}, told to the socket of port ${tcp.dstPort}`);
      return true;
    }
    return false;
  }

  /** Sends what waited for `addr`, now at `mac`, oldest first, as long as the device takes frames. */
  private flushWaiting(addr: number, mac: number): void {
    const q = this.waiting;
    for (let slot = q.oldest(addr); slot >= 0; slot = q.oldest(addr)) {
      this.txKind = TxKind.Copy;
      this.txBytes = q.storage;
      this.txOffset = q.offsetOf(slot);
      this.txLength = q.lengthOf(slot);
      this.txDstMac = mac;
      if (this.transmitFrame(EtherType.Ipv4, ETHERNET_HEADER_LENGTH + this.txLength) !== EmitResult.Sent) return;
      q.release(slot);
    }
  }

  private nextIdent(): number {
    const ident = this.ident;
    this.ident = ident === 0xffff ? 1 : ident + 1;
    return ident;
  }

  private txDropRoute(ip: Ipv4Repr): EmitResult {
    if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `ipv4: no route to ${formatIpv4(ip.dstAddr)}`);
    return EmitResult.Dropped;
  }

  private txDrop(why: string, ip: Ipv4Repr | null): EmitResult {
    if (this.logLevel >= LogLevel.Debug) this.log(LogLevel.Debug, `ipv4: dropped a packet${ip ? ` to ${formatIpv4(ip.dstAddr)}` : ''}: ${why}`);
    return EmitResult.Dropped;
  }

  // ---- Addresses --------------------------------------------------------------------------------

  private addressIndex(addr: number): number {
    for (let i = 0; i < this.addrs.length; i++) if (this.addrs[i] === addr) return i;
    return -1;
  }

  /** The index of our subnet containing `addr`, or -1. */
  private subnetIndex(addr: number): number {
    for (let i = 0; i < this.addrs.length; i++) {
      const mask = this.masks[i];
      if ((addr & mask) === (this.addrs[i] & mask)) return i;
    }
    return -1;
  }

  private isSubnetBroadcast(addr: number): boolean {
    for (let i = 0; i < this.broadcasts.length; i++) if (this.hasBroadcast[i] !== 0 && this.broadcasts[i] === addr) return true;
    return false;
  }

  /** A unicast host address on one of our subnets, not ours (ARP senders). */
  private isUnicastOnLink(addr: number): boolean {
    const i = this.subnetIndex(addr);
    if (i < 0 || (this.hasBroadcast[i] !== 0 && addr === this.broadcasts[i]) || this.addrs[i] === addr) return false;
    // The network address itself (all host bits zero) is no host, except in a /31 or /32 (RFC 3021).
    return this.hasBroadcast[i] === 0 || (addr & ~this.masks[i]) !== 0;
  }

  /** RFC 1122 3.2.2: an address an ICMP error may be sent to. */
  private isUnicastHost(addr: number): boolean {
    if (addr === 0 || addr === LIMITED_BROADCAST || isMulticast(addr)) return false;
    if (addr >>> 24 === 127 || addr >>> 28 === 15) return false; // loopback, class E (RFC 1122 3.2.1.3)
    return !this.isSubnetBroadcast(addr);
  }

  // ---- Logging ----------------------------------------------------------------------------------

  private log(level: LogLevel, message: string): void {
    if (this.logger !== null && level <= this.logLevel) this.logger.log(level, message);
  }

  /** A socket read or write (verbose): size, peer and, on receive, how many packets the socket now holds. */
  private socketEvent(kind: string, what: string, length: number, addr: number, port: number, queued: number): void {
    if (this.logLevel >= LogLevel.Trace) {
      const peer = `${what === 'sent' ? 'to' : 'from'} ${formatIpv4(addr)}${port ? `:${port}` : ''}`;
      this.log(LogLevel.Trace, `socket ${kind}: ${what} ${length} bytes ${peer}${queued >= 0 ? `, ${queued} queued` : ''}`);
    }
  }
}

function socketKindName(kind: SocketKind): string {
  switch (kind) {
    case SocketKind.Udp:
      return 'udp';
    case SocketKind.Icmp:
      return 'icmp';
    case SocketKind.Raw:
      return 'raw';
    case SocketKind.Tcp:
      return 'tcp';
  }
  return 'socket';
}

/** 224.0.0.0/4 (an int32 or u32). */
function isMulticast(addr: number): boolean {
  return addr >>> 28 === 14;
}

function isUnicastMac(mac: number): boolean {
  return Math.floor(mac / 0x100_0000_0000) % 2 === 0;
}

/** Whether an ICMP type is a query (echo, timestamp, ...) rather than an error (RFC 1122 3.2.2). */
function isIcmpQuery(type: number): boolean {
  return type !== 3 && type !== 4 && type !== 5 && type !== 11 && type !== 12;
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new IfaceError('ERR_IFACE_BAD_CONFIG', `Interface: ${name} must be an integer from ${min} to ${max}, got ${value}; fix the option or leave it out for the default.`);
  }
  return value;
}

function parseHardwareAddr(value: string | number | EthernetAddress): number {
  if (value instanceof EthernetAddress) return value.value;
  if (typeof value === 'string') return EthernetAddress.from(value).value;
  return EthernetAddress.fromNumber(value).value;
}

function parseAddr(name: string, value: string | number): number {
  if (typeof value === 'number') return Ipv4Address.fromNumber(value).value;
  const address: unknown = Ipv4Address.parse(value);
  if (!(address instanceof Ipv4Address)) {
    throw new IfaceError('ERR_IFACE_BAD_CONFIG', `Interface: ${name} ${JSON.stringify(value)} is not an IPv4 address; write it as four decimal octets, e.g. 192.168.69.100.`);
  }
  return address.value;
}

/**
 * What an ICMP error means for the TCP connection it quotes, as Linux reads it (its icmp_err_convert):
 * net unreachable for the network codes, refused for protocol and port unreachable, host unreachable for
 * the rest and for time exceeded; null for fragmentation needed, which is path MTU discovery's, not an
 * unreachable path.
 */
function tcpUnreachableCause(msgType: Icmpv4Message, code: number): TcpUnreachable | null {
  if (msgType === Icmpv4Message.TimeExceeded) return 'host-unreachable';
  switch (code) {
    case Icmpv4DstUnreachable.NetUnreachable:
    case Icmpv4DstUnreachable.DstNetUnknown:
    case Icmpv4DstUnreachable.NetProhibited:
    case Icmpv4DstUnreachable.NetUnreachToS:
      return 'net-unreachable';
    case Icmpv4DstUnreachable.ProtoUnreachable:
    case Icmpv4DstUnreachable.PortUnreachable:
      return 'refused';
    case Icmpv4DstUnreachable.FragRequired:
      return null;
    default:
      return 'host-unreachable';
  }
}
