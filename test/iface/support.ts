// Helpers for the interface tests: a device whose received frames the test queues and whose sent frames
// the test reads back, and builders for exact frames from reprs.
import {
  ArpOperation,
  ArpPacket,
  EtherType,
  EthernetFrame,
  Icmpv4Message,
  Icmpv4Packet,
  IpProtocol,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import { ChecksumCapabilities, type DeviceCapabilities } from '../../src/phy/capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from '../../src/phy/device.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { EthernetAddress } from '../../src/wire/ethernet-address.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';
import { TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { decodeFrame, isDecoded, type DecodedFrame } from '../wire/support/frames.js';

export const OUR_MAC = mac('02:00:00:00:00:01');
export const PEER_MAC = mac('02:00:00:00:00:02');
export const GW_MAC = mac('02:00:00:00:00:fe');
export const BROADCAST_MAC = 0xffff_ffff_ffff;
export const OUR_IP = ip('192.168.69.1');
export const PEER_IP = ip('192.168.69.2');
export const GW_IP = ip('192.168.69.254');
export const FAR_IP = ip('10.9.8.7');

export function mac(text: string): number {
  return EthernetAddress.from(text).value;
}

export function ip(text: string): number {
  return Ipv4Address.from(text).value;
}

/** A device the test feeds and reads: `inject` queues a received frame, `sent` collects transmitted ones. */
export class TestDevice implements Device {
  readonly rxQueue: Uint8Array[] = [];
  readonly sent: Uint8Array[] = [];
  /** When false, transmit() returns null (the device has no room). */
  writable = true;
  private readonly caps: DeviceCapabilities;
  private readonly rxToken: RxToken;
  private readonly txToken: TxToken;

  constructor(mtu = 1514, checksum = ChecksumCapabilities.default(), maxBurstSize: number | null = null) {
    this.caps = { medium: 'ethernet', maxTransmissionUnit: mtu, maxBurstSize, checksum };
    const device = this;
    this.rxToken = {
      consume<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
        const frame = device.rxQueue.shift()!;
        return f(ctx, frame, 0, frame.length);
      },
    };
    this.txToken = {
      consume<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
        if (length > device.caps.maxTransmissionUnit) throw new RangeError(`frame of ${length} bytes exceeds the MTU`);
        const frame = new Uint8Array(length);
        const result = f(ctx, frame, 0, length);
        device.sent.push(frame);
        return result;
      },
    };
  }

  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  receive(): RxPair | null {
    if (this.rxQueue.length === 0) return null;
    return { rx: this.rxToken, tx: this.txToken };
  }

  transmit(): TxToken | null {
    return this.writable ? this.txToken : null;
  }

  inject(...frames: Uint8Array[]): void {
    this.rxQueue.push(...frames);
  }

  /** The frames sent since the last call, decoded. */
  take(): DecodedFrame[] {
    const frames = this.sent.splice(0);
    return frames.map((f) => {
      const d = decodeFrame(f);
      if (!isDecoded(d)) throw new Error(`the interface sent an undecodable frame (${d.layer}: ${d.error})`);
      return d;
    });
  }

  /** The raw frames sent since the last call. */
  takeRaw(): Uint8Array[] {
    return this.sent.splice(0);
  }
}

export function ethernetFrame(src: number, dst: number, etherType: EtherType, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(14 + payload.length);
  const eth = new EthernetRepr();
  eth.srcAddr = src;
  eth.dstAddr = dst;
  eth.etherType = etherType;
  eth.emit(new EthernetFrame(bytes));
  bytes.set(payload, 14);
  return bytes;
}

export function arpFrame(
  operation: ArpOperation,
  senderMac: number,
  senderIp: number,
  targetMac: number,
  targetIp: number,
  ethDst = operation === ArpOperation.Request ? BROADCAST_MAC : targetMac,
): Uint8Array {
  const arp = new ArpRepr();
  arp.operation = operation;
  arp.sourceHardwareAddr = senderMac;
  arp.sourceProtocolAddr = senderIp;
  arp.targetHardwareAddr = targetMac;
  arp.targetProtocolAddr = targetIp;
  const payload = new Uint8Array(28);
  arp.emit(new ArpPacket(payload));
  return ethernetFrame(senderMac, ethDst, EtherType.Arp, payload);
}

export interface IpOptions {
  src?: number;
  dst?: number;
  ident?: number;
  ttl?: number;
  moreFrags?: boolean;
  fragOffset?: number;
  dontFrag?: boolean;
  srcMac?: number;
  dstMac?: number;
}

/** An IPv4 packet (header + payload bytes) in an Ethernet frame from the peer to us by default. */
export function ipv4Frame(protocol: IpProtocol | number, payload: Uint8Array, o: IpOptions = {}): Uint8Array {
  const repr = new Ipv4Repr();
  repr.srcAddr = o.src ?? PEER_IP;
  repr.dstAddr = o.dst ?? OUR_IP;
  repr.protocol = protocol;
  repr.payloadLength = payload.length;
  repr.hopLimit = o.ttl ?? 64;
  repr.ident = o.ident ?? 0x1234;
  repr.dontFrag = o.dontFrag ?? false;
  repr.moreFrags = o.moreFrags ?? false;
  repr.fragOffset = o.fragOffset ?? 0;
  const packet = new Uint8Array(20 + payload.length);
  repr.emit(new Ipv4Packet(packet));
  packet.set(payload, 20);
  return ethernetFrame(o.srcMac ?? PEER_MAC, o.dstMac ?? OUR_MAC, EtherType.Ipv4, packet);
}

export function icmpBytes(icmp: Icmpv4Repr): Uint8Array {
  const bytes = new Uint8Array(icmp.bufferLength());
  icmp.emit(new Icmpv4Packet(bytes));
  return bytes;
}

export function echo(msgType: Icmpv4Message.EchoRequest | Icmpv4Message.EchoReply, ident: number, seq: number, data: Uint8Array): Uint8Array {
  const icmp = new Icmpv4Repr();
  icmp.msgType = msgType;
  icmp.echoIdent = ident;
  icmp.echoSeqNo = seq;
  icmp.setData(data, 0, data.length);
  return icmpBytes(icmp);
}

export function echoRequest(ident: number, seq: number, data: Uint8Array): Uint8Array {
  return echo(Icmpv4Message.EchoRequest, ident, seq, data);
}

export function udpBytes(srcPort: number, dstPort: number, payload: Uint8Array, src = PEER_IP, dst = OUR_IP): Uint8Array {
  const udp = new UdpRepr();
  udp.srcPort = srcPort;
  udp.dstPort = dstPort;
  udp.setPayload(payload, 0, payload.length);
  const bytes = new Uint8Array(udp.bufferLength());
  udp.emit(new UdpPacket(bytes), src, dst);
  return bytes;
}

export function tcpBytes(fields: Partial<TcpRepr>, payload: Uint8Array = new Uint8Array(0), src = PEER_IP, dst = OUR_IP): Uint8Array {
  const tcp = new TcpRepr();
  Object.assign(tcp, fields);
  tcp.setPayload(payload, 0, payload.length);
  const bytes = new Uint8Array(tcp.bufferLength());
  tcp.emit(new TcpPacket(bytes), src, dst);
  return bytes;
}

export function udpFrame(srcPort: number, dstPort: number, payload: Uint8Array, o: IpOptions = {}): Uint8Array {
  return ipv4Frame(IpProtocol.Udp, udpBytes(srcPort, dstPort, payload, o.src ?? PEER_IP, o.dst ?? OUR_IP), o);
}

export function pattern(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Splits an IP payload into fragments of `size` bytes (a multiple of 8), as frames. */
export function fragments(protocol: IpProtocol, payload: Uint8Array, size: number, o: IpOptions = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let start = 0; start < payload.length; start += size) {
    const end = Math.min(start + size, payload.length);
    out.push(ipv4Frame(protocol, payload.subarray(start, end), { ...o, fragOffset: start, moreFrags: end < payload.length }));
  }
  return out;
}
