// The repr contract (src/wire/index.ts), checked once for every protocol from one table: construction
// (defaults and a Partial of the fields), headerLength/bufferLength, emit's view rule (RangeError below
// bufferLength(), nothing written past it in a longer view) and parse(emit(x)) equal to x.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArpOperation,
  ArpPacket,
  ArpRepr,
  EtherType,
  EthernetFrame,
  EthernetRepr,
  Icmpv4DstUnreachable,
  Icmpv4Message,
  Icmpv4Packet,
  Icmpv4Repr,
  Icmpv6DstUnreachable,
  Icmpv6Message,
  Icmpv6Packet,
  Icmpv6Repr,
  IpProtocol,
  Ipv6Packet,
  Ipv6Repr,
  parseIpv6,
  Ipv4Packet,
  Ipv4Repr,
  TcpControl,
  TcpPacket,
  TcpRepr,
  UdpPacket,
  UdpRepr,
  VirtioNetGso,
  VirtioNetHeader,
  VirtioNetRepr,
  WireError,
} from '../../src/wire/index.js';

const test = suite('wire/contract');

const SRC = 0xc000_0201; // 192.0.2.1: the pseudo-header's addresses, on both sides of 2^31
const DST = 0x0a00_0002;

interface Repr {
  headerLength(): number;
  bufferLength(): number;
  equals(other: never): boolean;
}

interface Row {
  name: string;
  /** `new XRepr()`. */
  defaults: () => Repr;
  /** `new XRepr({ ...fields })`, and the header and buffer lengths it must report. */
  withFields: () => Repr;
  headerLength: number;
  bufferLength: number;
  emit: (repr: Repr, bytes: Uint8Array, offset: number, length: number) => void;
  parse: (bytes: Uint8Array, offset: number, length: number) => Repr | WireError;
}

const payload = new Uint8Array([1, 2, 3, 4, 5]);
const SRC6 = parseIpv6('fe80::1') as Uint8Array;
const DST6 = parseIpv6('2001:db8::ff00:42:8329') as Uint8Array;
const quoted = new Uint8Array([0x9c, 0x40, 0x00, 0x35, 0x00, 0x28, 0x12, 0x34]);

const rows: Row[] = [
  {
    name: 'VirtioNetRepr',
    defaults: () => new VirtioNetRepr(),
    withFields: () => new VirtioNetRepr({ needsCsum: true, gsoType: VirtioNetGso.Tcpv4, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 }),
    headerLength: 10,
    bufferLength: 10, // the header only: the frame behind it is Ethernet's
    emit: (r, b, o, l) => (r as VirtioNetRepr).emit(new VirtioNetHeader(b, o, l)),
    parse: (b, o, l) => VirtioNetRepr.parse(new VirtioNetHeader(b, o, l)),
  },
  {
    name: 'EthernetRepr',
    defaults: () => new EthernetRepr(),
    withFields: () => new EthernetRepr({ srcAddr: 0x0200_0000_0001, dstAddr: 0xffff_ffff_ffff, etherType: EtherType.Arp }),
    headerLength: 14,
    bufferLength: 14, // the header only: the payload is the next layer's
    emit: (r, b, o, l) => (r as EthernetRepr).emit(new EthernetFrame(b, o, l)),
    parse: (b, o, l) => EthernetRepr.parse(new EthernetFrame(b, o, l)),
  },
  {
    name: 'ArpRepr',
    defaults: () => new ArpRepr(),
    withFields: () =>
      new ArpRepr({ operation: ArpOperation.Reply, sourceHardwareAddr: 0x0200_0000_0001, sourceProtocolAddr: SRC, targetHardwareAddr: 0xfe00_0000_0002, targetProtocolAddr: DST }),
    headerLength: 28,
    bufferLength: 28,
    emit: (r, b, o, l) => (r as ArpRepr).emit(new ArpPacket(b, o, l)),
    parse: (b, o, l) => ArpRepr.parse(new ArpPacket(b, o, l)),
  },
  {
    name: 'Ipv4Repr',
    defaults: () => new Ipv4Repr(),
    withFields: () => new Ipv4Repr({ srcAddr: SRC, dstAddr: DST, protocol: IpProtocol.Udp, payloadLength: 13, hopLimit: 3, ident: 7 }),
    headerLength: 20,
    bufferLength: 33,
    emit: (r, b, o, l) => (r as Ipv4Repr).emit(new Ipv4Packet(b, o, l)),
    parse: (b, o, l) => Ipv4Repr.parse(new Ipv4Packet(b, o, l)),
  },
  {
    name: 'Icmpv4Repr (echo)',
    defaults: () => new Icmpv4Repr(),
    withFields: () => new Icmpv4Repr({ msgType: Icmpv4Message.EchoReply, echoIdent: 0x1234, echoSeqNo: 9, data: payload }),
    headerLength: 8,
    bufferLength: 13,
    emit: (r, b, o, l) => (r as Icmpv4Repr).emit(new Icmpv4Packet(b, o, l)),
    parse: (b, o, l) => Icmpv4Repr.parse(new Icmpv4Packet(b, o, l)),
  },
  {
    name: 'Icmpv4Repr (error)',
    defaults: () => new Icmpv4Repr(),
    withFields: () =>
      new Icmpv4Repr({
        msgType: Icmpv4Message.DstUnreachable,
        msgCode: Icmpv4DstUnreachable.PortUnreachable,
        quotedHeader: { srcAddr: DST, dstAddr: SRC, protocol: IpProtocol.Udp, payloadLength: 40 },
        data: quoted,
      }),
    headerLength: 28,
    bufferLength: 36,
    emit: (r, b, o, l) => (r as Icmpv4Repr).emit(new Icmpv4Packet(b, o, l)),
    parse: (b, o, l) => Icmpv4Repr.parse(new Icmpv4Packet(b, o, l)),
  },
  {
    name: 'Ipv6Repr',
    defaults: () => new Ipv6Repr(),
    withFields: () => new Ipv6Repr({ srcAddr: SRC6, dstAddr: DST6, nextHeader: IpProtocol.Udp, payloadLength: 13, hopLimit: 255, trafficClass: 0xb8, flowLabel: 0xfedcb }),
    headerLength: 40,
    bufferLength: 53,
    emit: (r, b, o, l) => (r as Ipv6Repr).emit(new Ipv6Packet(b, o, l)),
    parse: (b, o, l) => Ipv6Repr.parse(new Ipv6Packet(b, o, l)),
  },
  {
    name: 'Icmpv6Repr (echo)',
    defaults: () => new Icmpv6Repr(),
    withFields: () => new Icmpv6Repr({ msgType: Icmpv6Message.EchoReply, echoIdent: 0x1234, echoSeqNo: 9, data: payload }),
    headerLength: 8,
    bufferLength: 13,
    emit: (r, b, o, l) => (r as Icmpv6Repr).emit(new Icmpv6Packet(b, o, l), SRC6, DST6),
    parse: (b, o) => Icmpv6Repr.parse(new Icmpv6Packet(b, o, 13), SRC6, DST6),
  },
  {
    name: 'Icmpv6Repr (error)',
    defaults: () => new Icmpv6Repr(),
    withFields: () => new Icmpv6Repr({ msgType: Icmpv6Message.DstUnreachable, msgCode: Icmpv6DstUnreachable.PortUnreachable, data: quoted }),
    headerLength: 8,
    bufferLength: 16,
    emit: (r, b, o, l) => (r as Icmpv6Repr).emit(new Icmpv6Packet(b, o, l), SRC6, DST6),
    parse: (b, o) => Icmpv6Repr.parse(new Icmpv6Packet(b, o, 16), SRC6, DST6),
  },
  {
    name: 'Icmpv6Repr (neighbor advertisement)',
    defaults: () => new Icmpv6Repr(),
    withFields: () => new Icmpv6Repr({ msgType: Icmpv6Message.NeighborAdvert, targetAddr: SRC6, solicited: true, override: true, linkLayerAddr: 0x0200_0000_0001 }),
    headerLength: 32,
    bufferLength: 32,
    emit: (r, b, o, l) => (r as Icmpv6Repr).emit(new Icmpv6Packet(b, o, l), SRC6, DST6),
    parse: (b, o) => Icmpv6Repr.parse(new Icmpv6Packet(b, o, 32), SRC6, DST6),
  },
  {
    name: 'Icmpv6Repr (router advertisement)',
    defaults: () => new Icmpv6Repr(),
    withFields: () =>
      new Icmpv6Repr({
        msgType: Icmpv6Message.RouterAdvert, curHopLimit: 64, managed: true, routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000,
        linkLayerAddr: 0xfe00_0000_0002, mtu: 1500, hasPrefix: true, prefix: parseIpv6('2001:db8::') as Uint8Array,
        prefixLength: 64, onLink: true, autonomous: true, validLifetime: 0xffff_ffff, preferredLifetime: 604800,
      }),
    headerLength: 64,
    bufferLength: 64,
    emit: (r, b, o, l) => (r as Icmpv6Repr).emit(new Icmpv6Packet(b, o, l), SRC6, DST6),
    parse: (b, o) => Icmpv6Repr.parse(new Icmpv6Packet(b, o, 64), SRC6, DST6),
  },
  {
    name: 'UdpRepr',
    defaults: () => new UdpRepr(),
    withFields: () => new UdpRepr({ srcPort: 5353, dstPort: 53, payload }),
    headerLength: 8,
    bufferLength: 13,
    emit: (r, b, o, l) => (r as UdpRepr).emit(new UdpPacket(b, o, l), SRC, DST),
    // The IP layer gives UDP and TCP a view of exactly the datagram (Total Length minus the header).
    parse: (b, o) => UdpRepr.parse(new UdpPacket(b, o, 13), SRC, DST),
  },
  {
    name: 'TcpRepr',
    defaults: () => new TcpRepr(),
    withFields: () =>
      new TcpRepr({
        srcPort: 50000,
        dstPort: 443,
        control: TcpControl.Syn,
        seqNumber: 0xf000_0000,
        windowLen: 64240,
        urgentPointer: 2,
        maxSegSize: 1460,
        windowScale: 7,
        sackPermitted: true,
        hasTimestamp: true,
        tsVal: 0x8000_0001,
        tsEcr: 0,
        payload,
      }),
    headerLength: 40,
    bufferLength: 45,
    emit: (r, b, o, l) => (r as TcpRepr).emit(new TcpPacket(b, o, l), SRC, DST),
    parse: (b, o) => TcpRepr.parse(new TcpPacket(b, o, 45), SRC, DST),
  },
];

const FILL = 0xee;

for (const row of rows) {
  test(`${row.name}: new with no argument gives the defaults; with fields, headerLength and bufferLength follow them`, () => {
    const plain = row.defaults();
    assert.ok(plain.headerLength() >= 8, 'a header has bytes');
    assert.ok(plain.bufferLength() >= plain.headerLength());
    const repr = row.withFields();
    assert.is(repr.headerLength(), row.headerLength);
    assert.is(repr.bufferLength(), row.bufferLength);
  });

  test(`${row.name}: emit into a view shorter than bufferLength() throws RangeError`, () => {
    const repr = row.withFields();
    const bytes = new Uint8Array(repr.bufferLength() + 8);
    assert.throws(() => row.emit(repr, bytes, 4, repr.bufferLength() - 1), (e: unknown) => e instanceof RangeError && /bufferLength/.test((e as Error).message));
    // A view claiming bytes past its buffer is refused too.
    assert.throws(() => row.emit(repr, bytes, 9, repr.bufferLength()), (e: unknown) => e instanceof RangeError);
  });

  test(`${row.name}: emit into a longer view writes bufferLength() bytes and leaves the rest untouched; parse(emit(x)) equals x`, () => {
    const repr = row.withFields();
    const before = 3;
    const length = repr.bufferLength();
    const bytes = new Uint8Array(before + length + 16).fill(FILL);
    row.emit(repr, bytes, before, length + 16);
    for (let i = 0; i < before; i++) assert.is(bytes[i], FILL, `byte ${i} before the view`);
    for (let i = before + length; i < bytes.length; i++) assert.is(bytes[i], FILL, `byte ${i - before} of the view, past bufferLength()`);
    // The same bytes as an emit into a view of exactly bufferLength().
    const exact = new Uint8Array(length).fill(FILL);
    row.emit(repr, exact, 0, length);
    assert.equal(bytes.subarray(before, before + length), exact);
    const back = row.parse(bytes, before, length);
    assert.type(back, 'object', `parse failed: ${String(back)}`);
    assert.ok((back as Repr).equals(repr as never), `${row.name}: parse(emit(x)) differs from x`);
    assert.ok(repr.equals(back as never));
  });
}

test.run();
