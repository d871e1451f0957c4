// One scenario per test: what each repr refuses, how emit treats the caller's buffer, and the small
// helpers around them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArpHardware,
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
  WireError,
} from '../../generated/index.js';
import { ChecksumCapabilities } from '../../src/wire/checksum-capabilities.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { copyBytes, sameBytes } from '../../src/wire/byte-ranges.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { fromHex, toHex } from './support/hex.js';

const test = suite('wire/repr');
const IGNORED = ChecksumCapabilities.ignored();

test('ethernet: a frame shorter than its header is Truncated; parseInto leaves the repr alone', () => {
  const repr = new EthernetRepr({ srcAddr: 1, dstAddr: 2, etherType: EtherType.Arp });
  assert.is(repr.parseInto(new EthernetFrame(new Uint8Array(13))), WireError.Truncated);
  assert.ok(repr.equals(new EthernetRepr({ srcAddr: 1, dstAddr: 2, etherType: EtherType.Arp })));
  assert.is(EthernetRepr.parse(new EthernetFrame(new Uint8Array(13))), WireError.Truncated);
  assert.is(repr.headerLength(), 14);
  assert.not.ok(repr.equals(new EthernetRepr({ srcAddr: 1, dstAddr: 2, etherType: EtherType.Ipv4 })));
});

test('ethernet: emit refuses a view too short or past its buffer', () => {
  const repr = new EthernetRepr();
  assert.throws(() => repr.emit(new EthernetFrame(new Uint8Array(10))), /Ethernet repr emits 14 bytes \(its bufferLength\(\)\), but the view given to emit has 10/);
  assert.throws(() => repr.emit(new EthernetFrame(new Uint8Array(20), 10, 14)), /covers bytes 10 to 24, but its buffer has 20/);
});

test('arp: hardware, protocol and address sizes other than Ethernet/IPv4 are Unrecognized', () => {
  const good = new ArpRepr({ operation: ArpOperation.Reply, sourceHardwareAddr: 0x0200_0000_0001, sourceProtocolAddr: 0x0a00_0001, targetHardwareAddr: 0x0200_0000_0002, targetProtocolAddr: 0x0a00_0002 });
  const bytes = new Uint8Array(28);
  good.emit(new ArpPacket(bytes));
  assert.ok((ArpRepr.parse(new ArpPacket(bytes)) as ArpRepr).equals(good));
  for (const [at, value] of [[1, 6], [2, 0x86], [4, 4], [5, 2]] as const) {
    const bad = bytes.slice();
    bad[at] = value;
    assert.is(ArpRepr.parse(new ArpPacket(bad)), WireError.Unrecognized, `byte ${at}`);
  }
  assert.is(ArpRepr.parse(new ArpPacket(bytes, 0, 27)), WireError.Truncated);
  assert.is(new ArpPacket(bytes).hardwareType, ArpHardware.Ethernet);
  assert.is(good.headerLength(), 28);
  assert.not.ok(good.equals(new ArpRepr()));
  assert.throws(() => good.emit(new ArpPacket(new Uint8Array(27))), /ARP repr emits 28 bytes/);
});

test('ipv4: a bad header checksum is BadChecksum unless the device verifies', () => {
  const repr = new Ipv4Repr({ srcAddr: 1, dstAddr: 2, protocol: IpProtocol.Udp, payloadLength: 0 });
  const bytes = new Uint8Array(20);
  repr.emit(new Ipv4Packet(bytes));
  bytes[8] ^= 1; // hop limit changed in flight, checksum not updated
  assert.is(Ipv4Repr.parse(new Ipv4Packet(bytes)), WireError.BadChecksum);
  const parsed = Ipv4Repr.parse(new Ipv4Packet(bytes), IGNORED) as Ipv4Repr;
  assert.is(parsed.hopLimit, 65);
  assert.is(parsed.headerLength(), 20);
});

test('ipv4: emit with the checksum offloaded writes zero there', () => {
  const repr = new Ipv4Repr({ srcAddr: 1, dstAddr: 2 });
  const bytes = new Uint8Array(20).fill(0xff);
  repr.emit(new Ipv4Packet(bytes), IGNORED);
  assert.is(new Ipv4Packet(bytes).checksum, 0);
  assert.is(new Ipv4Packet(bytes).flags, 2, 'reserved bit cleared, DF set');
});

test('ipv4: options are skipped on parse; emit writes a 20-byte header', () => {
  // IHL 6: one record-route-less 4-byte option (NOP NOP NOP EOL) before 4 bytes of payload.
  const bytes = fromHex('4600001c000040004011000001020304050607080101010000112233');
  const packet = new Ipv4Packet(bytes);
  packet.fillChecksum();
  const repr = Ipv4Repr.parse(packet) as Ipv4Repr;
  assert.is(repr.payloadLength, 4);
  const out = new Uint8Array(repr.bufferLength());
  repr.emit(new Ipv4Packet(out));
  assert.is(new Ipv4Packet(out).headerLength, 20);
  assert.is(new Ipv4Packet(out).totalLen, 24);
});

test('ipv4: emit refuses a short view and a payload beyond 65515 bytes', () => {
  assert.throws(() => new Ipv4Repr().emit(new Ipv4Packet(new Uint8Array(19))), /IPv4 repr emits 20 bytes/);
  const big = new Ipv4Repr({ payloadLength: 65516 });
  assert.throws(() => big.emit(new Ipv4Packet(new Uint8Array(20))), /at most 65515 bytes of payload, not 65516/);
});

test('icmpv4: echo with a non-zero code and other message types are Unrecognized', () => {
  const echo = new Icmpv4Repr({ msgType: Icmpv4Message.EchoReply, echoIdent: 1, echoSeqNo: 2, data: fromHex('0102') });
  const bytes = new Uint8Array(echo.bufferLength());
  echo.emit(new Icmpv4Packet(bytes));
  assert.ok((Icmpv4Repr.parse(new Icmpv4Packet(bytes)) as Icmpv4Repr).equals(echo));
  bytes[1] = 1;
  assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bytes), IGNORED), WireError.Unrecognized);
  bytes[1] = 0;
  bytes[0] = Icmpv4Message.Redirect;
  assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bytes), IGNORED), WireError.Unrecognized);
  bytes[0] = Icmpv4Message.EchoReply;
  bytes[5] ^= 1;
  assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bytes)), WireError.BadChecksum);
});

test('icmpv4: an error must quote a valid IPv4 header and at least 8 bytes after it', () => {
  const header = new Ipv4Repr({ srcAddr: 0x0a00_0001, dstAddr: 0x0a00_0002, protocol: IpProtocol.Udp, payloadLength: 100 });
  const quoted = fromHex('0001000200640000');
  const error = new Icmpv4Repr({ msgType: Icmpv4Message.DstUnreachable, msgCode: 3, quotedHeader: header, data: quoted });
  assert.is(error.headerLength(), 28);
  const bytes = new Uint8Array(error.bufferLength());
  error.emit(new Icmpv4Packet(bytes));
  const back = Icmpv4Repr.parse(new Icmpv4Packet(bytes)) as Icmpv4Repr;
  assert.ok(back.equals(error));
  assert.is(back.quotedHeader.payloadLength, 100, 'the quoted header keeps its own Total Length');
  // 7 bytes of the datagram only
  assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bytes, 0, bytes.length - 1), IGNORED), WireError.Malformed);
  // fewer than 20 bytes of quoted header
  assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bytes, 0, 27), IGNORED), WireError.Malformed);
  for (const [at, value, why] of [[8, 0x65, 'version 6'], [8, 0x44, 'IHL 4'], [8, 0x4f, 'IHL 15 beyond the quote'], [11, 4, 'total length below IHL']] as const) {
    const bad = bytes.slice();
    bad[at] = value;
    if (at === 11) bad[10] = 0;
    assert.is(Icmpv4Repr.parse(new Icmpv4Packet(bad), IGNORED), WireError.Malformed, why);
  }
  const other = new Icmpv4Repr({ msgType: Icmpv4Message.DstUnreachable, msgCode: 3, quotedHeader: new Ipv4Repr(), data: quoted });
  assert.not.ok(other.equals(error), 'a different quoted header');
  assert.not.ok(new Icmpv4Repr({ msgType: Icmpv4Message.TimeExceeded, msgCode: 3, quotedHeader: header, data: quoted }).equals(error));
});

test('icmpv4: echo reprs differ by ident, sequence and data', () => {
  const a = new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 1, echoSeqNo: 2, data: fromHex('aa') });
  assert.not.ok(a.equals(new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 1, echoSeqNo: 3, data: fromHex('aa') })));
  assert.not.ok(a.equals(new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 1, echoSeqNo: 2, data: fromHex('ab') })));
  assert.ok(a.equals(new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 1, echoSeqNo: 2, data: fromHex('00aa'), dataOffset: 1, dataLength: 1 })));
});

test('icmpv4: emit refuses a short view; data null leaves the data for the caller', () => {
  const echo = new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 7, echoSeqNo: 8, data: fromHex('01020304') });
  assert.throws(() => echo.emit(new Icmpv4Packet(new Uint8Array(11))), /ICMPv4 repr emits 12 bytes \(its bufferLength\(\)\), but the view given to emit has 11/);
  const bytes = new Uint8Array(12);
  bytes.set(fromHex('cafebabe'), 8);
  echo.setData(null, 0, 4);
  echo.emit(new Icmpv4Packet(bytes));
  const back = Icmpv4Repr.parse(new Icmpv4Packet(bytes)) as Icmpv4Repr;
  assert.is(toHex(back.data!, back.dataOffset, back.dataLength), 'cafebabe');
  const noChecksum = new Uint8Array(12);
  echo.emit(new Icmpv4Packet(noChecksum), IGNORED);
  assert.is(new Icmpv4Packet(noChecksum).checksum, 0);
});

test('udp: destination port 0 is Malformed, source port 0 is fine (RFC 768)', () => {
  const bytes = new Uint8Array(8);
  new UdpRepr({ srcPort: 0, dstPort: 53 }).emit(new UdpPacket(bytes), 1, 2);
  assert.is((UdpRepr.parse(new UdpPacket(bytes), 1, 2) as UdpRepr).srcPort, 0);
  new UdpRepr({ srcPort: 53, dstPort: 0 }).emit(new UdpPacket(bytes), 1, 2);
  assert.is(UdpRepr.parse(new UdpPacket(bytes), 1, 2), WireError.Malformed);
});

test('udp: a bad checksum is BadChecksum unless the device verifies; a wrong address fails it too', () => {
  const repr = new UdpRepr({ srcPort: 1000, dstPort: 2000 }).setPayload(fromHex('68656c6c6f'), 0, 5);
  const bytes = new Uint8Array(repr.bufferLength());
  repr.emit(new UdpPacket(bytes), 0x0a00_0001, 0x0a00_0002);
  assert.ok(UdpRepr.parse(new UdpPacket(bytes), 0x0a00_0001, 0x0a00_0002) instanceof UdpRepr);
  assert.is(UdpRepr.parse(new UdpPacket(bytes), 0x0a00_0001, 0x0a00_0003), WireError.BadChecksum);
  assert.ok(UdpRepr.parse(new UdpPacket(bytes), 0x0a00_0001, 0x0a00_0003, IGNORED) instanceof UdpRepr);
  assert.is(repr.headerLength(), 8);
  assert.not.ok(repr.equals(new UdpRepr({ srcPort: 1000, dstPort: 2001 }).setPayload(fromHex('68656c6c6f'), 0, 5)));
});

test('udp: emit refuses a short view and a payload beyond 65527 bytes', () => {
  const repr = new UdpRepr({ srcPort: 1, dstPort: 2 }).setPayload(new Uint8Array(4), 0, 4);
  assert.throws(() => repr.emit(new UdpPacket(new Uint8Array(11)), 1, 2), /UDP repr emits 12 bytes \(its bufferLength\(\)\), but the view given to emit has 11/);
  repr.setPayload(null, 0, 65528);
  assert.throws(() => repr.emit(new UdpPacket(new Uint8Array(8)), 1, 2), /at most 65527 bytes of payload, not 65528/);
});

test('udp: the payload is bounded by the Length field, not the buffer', () => {
  const bytes = fromHex('0001000200090000ff' + 'eeeeee');
  const repr = UdpRepr.parse(new UdpPacket(bytes), 0, 0) as UdpRepr;
  assert.is(repr.payloadLength, 1);
  assert.is(toHex(repr.payload!, repr.payloadOffset, repr.payloadLength), 'ff');
});

function segment(flags: number): Uint8Array {
  const bytes = new Uint8Array(20);
  bytes.set(fromHex('00500051000000010000000050'), 0);
  bytes[13] = flags;
  return bytes;
}

test('tcp: SYN+FIN, SYN+RST, FIN+RST are Malformed; PSH goes with any single control', () => {
  for (const flags of [0x03, 0x06, 0x05, 0x07, 0x13]) {
    assert.is(TcpRepr.parse(new TcpPacket(segment(flags)), 0, 0, IGNORED), WireError.Malformed, `flags 0x${flags.toString(16)}`);
  }
  const control = (flags: number) => (TcpRepr.parse(new TcpPacket(segment(flags)), 0, 0, IGNORED) as TcpRepr).control;
  assert.is(control(0x00), TcpControl.None);
  assert.is(control(0x08), TcpControl.Psh);
  assert.is(control(0x0a), TcpControl.Syn);
  assert.is(control(0x19), TcpControl.Fin);
  assert.is(control(0x0c), TcpControl.Rst);
  assert.is(control(0x10), TcpControl.None);
});

test('tcp: source or destination port 0 is Malformed', () => {
  const bytes = segment(0x02);
  bytes[1] = 0;
  assert.is(TcpRepr.parse(new TcpPacket(bytes), 0, 0, IGNORED), WireError.Malformed);
  const other = segment(0x02);
  other[3] = 0;
  assert.is(TcpRepr.parse(new TcpPacket(other), 0, 0, IGNORED), WireError.Malformed);
});

test('tcp: unknown options are skipped; more than 3 SACK blocks keep the first 3', () => {
  // Header of 60 bytes: unknown kind 30 (length 4), then a 4-block SACK (34 bytes), then NOP padding.
  const bytes = new Uint8Array(60);
  bytes.set(segment(0x10));
  bytes[12] = 15 << 4;
  bytes.set([30, 4, 9, 9, 5, 34], 20);
  for (let i = 0; i < 8; i++) new DataView(bytes.buffer).setUint32(26 + 4 * i, 1000 * (i + 1));
  bytes.fill(1, 58);
  const repr = TcpRepr.parse(new TcpPacket(bytes), 0, 0, IGNORED) as TcpRepr;
  assert.equal(repr.sackRanges(), [[1000, 2000], [3000, 4000], [5000, 6000]]);
});

test('tcp: emit refuses options beyond 40 bytes and short views', () => {
  const repr = new TcpRepr({ srcPort: 1, dstPort: 2, maxSegSize: 1460, hasTimestamp: true, windowScale: 7 });
  repr.setSackBlock(0, 1, 2).setSackBlock(1, 3, 4).setSackBlock(2, 5, 6);
  assert.is(repr.headerLength(), 68);
  assert.throws(() => repr.emit(new TcpPacket(new Uint8Array(68)), 1, 2), /need 48 bytes, more than the 40 a header has room for/);
  const small = new TcpRepr({ srcPort: 1, dstPort: 2 });
  assert.throws(() => small.emit(new TcpPacket(new Uint8Array(19)), 1, 2), /TCP repr emits 20 bytes \(its bufferLength\(\)\), but the view given to emit has 19/);
});

test('tcp: emit with the checksum offloaded writes zero; the reserved bits are cleared', () => {
  const repr = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Rst, ack: true, ackNumber: 0xffff_ffff });
  const bytes = new Uint8Array(20).fill(0xff);
  repr.emit(new TcpPacket(bytes), 1, 2, IGNORED);
  const view = new TcpPacket(bytes);
  assert.is(view.checksum, 0);
  assert.is(bytes[12], 0x50);
  assert.is(view.flags, 0x14);
  assert.is(view.urgentAt, 0);
  assert.is(view.ackNumber, 0xffff_ffff);
});

test('tcp: the Urgent Pointer is read with URG only, and emit sets URG exactly when urgentPointer is not null', () => {
  // ACK+PSH+URG with pointer 3 (RFC 6093: the byte after the urgent data), as Linux sends MSG_OOB.
  const urgent = segment(0x38);
  urgent[18] = 0;
  urgent[19] = 3;
  const repr = TcpRepr.parse(new TcpPacket(urgent), 0, 0, IGNORED) as TcpRepr;
  assert.is(repr.urgentPointer, 3);
  assert.is(repr.control, TcpControl.Psh);
  // Without URG the field means nothing, whatever it holds (RFC 9293 section 3.1).
  const stale = segment(0x18);
  stale[19] = 7;
  assert.is((TcpRepr.parse(new TcpPacket(stale), 0, 0, IGNORED) as TcpRepr).urgentPointer, null);
  const bytes = new Uint8Array(20).fill(0xff);
  new TcpRepr({ srcPort: 1, dstPort: 2, ack: true, urgentPointer: 0xfffe }).emit(new TcpPacket(bytes), 1, 2, IGNORED);
  assert.is(new TcpPacket(bytes).flags, 0x30);
  assert.is(new TcpPacket(bytes).urgentAt, 0xfffe);
  assert.not.ok(repr.equals(new TcpRepr({ ...repr, urgentPointer: null })), 'equals compares the urgent pointer');
});

test('tcp: payload null leaves the payload for the caller, who wrote it first', () => {
  const repr = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Psh }).setPayload(null, 0, 3);
  const bytes = new Uint8Array(23);
  bytes.set(fromHex('616263'), 20);
  repr.emit(new TcpPacket(bytes), 5, 6);
  const back = TcpRepr.parse(new TcpPacket(bytes), 5, 6) as TcpRepr;
  assert.is(toHex(back.payload!, back.payloadOffset, back.payloadLength), '616263');
  assert.is(back.segmentLength(), 3);
});

test('tcp: parseInto into a reused repr forgets the previous segment\'s options and payload', () => {
  const syn = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Syn, maxSegSize: 1460, windowScale: 7, sackPermitted: true, hasTimestamp: true, tsVal: 9, tsEcr: 0 })
    .setSackBlock(0, 5, 6)
    .setPayload(fromHex('0102'), 0, 2);
  const ack = new TcpRepr({ srcPort: 1, dstPort: 2, ack: true, ackNumber: 10 });
  const synBytes = new Uint8Array(syn.bufferLength());
  syn.emit(new TcpPacket(synBytes), 1, 2);
  const ackBytes = new Uint8Array(ack.bufferLength());
  ack.emit(new TcpPacket(ackBytes), 1, 2);
  const reused = new TcpRepr();
  assert.is(reused.parseInto(new TcpPacket(synBytes), 1, 2), WireError.Ok);
  assert.ok(reused.equals(syn));
  assert.is(reused.parseInto(new TcpPacket(ackBytes), 1, 2), WireError.Ok);
  assert.ok(reused.equals(ack));
  assert.is(reused.maxSegSize, null);
  assert.is(reused.sackBlockCount, 0);
  assert.is(reused.hasTimestamp, false);
  assert.is(reused.payloadLength, 0);
});

test('icmpv4: parseInto into a reused repr switches cleanly between echo and error messages', () => {
  const echo = new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 0x1234, echoSeqNo: 0x5678, data: fromHex('aabbccdd') });
  const error = new Icmpv4Repr({ msgType: Icmpv4Message.TimeExceeded, msgCode: 0, quotedHeader: new Ipv4Repr({ srcAddr: 1, dstAddr: 2, protocol: IpProtocol.Icmp, payloadLength: 12 }), data: fromHex('0800000012345678') });
  const echoBytes = new Uint8Array(echo.bufferLength());
  echo.emit(new Icmpv4Packet(echoBytes));
  const errorBytes = new Uint8Array(error.bufferLength());
  error.emit(new Icmpv4Packet(errorBytes));
  const reused = new Icmpv4Repr();
  assert.is(reused.parseInto(new Icmpv4Packet(echoBytes)), WireError.Ok);
  assert.ok(reused.equals(echo));
  assert.is(reused.parseInto(new Icmpv4Packet(errorBytes)), WireError.Ok);
  assert.ok(reused.equals(error));
  assert.is(reused.echoIdent, 0);
  assert.is(reused.parseInto(new Icmpv4Packet(echoBytes)), WireError.Ok);
  assert.ok(reused.equals(echo));
});

test('tcp: equals compares every field that means something', () => {
  const base = () => new TcpRepr({ srcPort: 1, dstPort: 2, ack: true, ackNumber: 5, hasTimestamp: true, tsVal: 1, tsEcr: 2 }).setSackBlock(0, 1, 2);
  assert.ok(base().equals(base()));
  const changes: Array<(r: TcpRepr) => void> = [
    (r) => (r.ackNumber = 6),
    (r) => (r.tsEcr = 3),
    (r) => r.setSackBlock(0, 1, 3),
    (r) => (r.windowLen = 1),
    (r) => r.setPayload(fromHex('00'), 0, 1),
  ];
  for (const change of changes) {
    const r = base();
    change(r);
    assert.not.ok(r.equals(base()));
  }
  const noAck = new TcpRepr({ srcPort: 1, dstPort: 2, ackNumber: 9 });
  assert.ok(noAck.equals(new TcpRepr({ srcPort: 1, dstPort: 2, ackNumber: 7 })), 'ackNumber is meaningless without ACK');
});

test('byte ranges: copies within one buffer, between views of one buffer, and comparison', () => {
  const buf = fromHex('0102030405060708');
  copyBytes(buf, 0, buf, 2, 4);
  assert.is(toHex(buf), '0102010203040708');
  copyBytes(buf, 3, buf, 3, 2); // same place: nothing to do
  assert.is(toHex(buf), '0102010203040708');
  const whole = new Uint8Array(8);
  const left = whole.subarray(0, 4);
  const right = whole.subarray(2, 8);
  left.set([9, 8, 7, 6]);
  copyBytes(left, 0, right, 0, 4); // overlapping views of one ArrayBuffer
  assert.is(toHex(whole), '0908090807060000');
  assert.ok(sameBytes(null, 0, 3, null, 0, 3));
  assert.not.ok(sameBytes(null, 0, 3, whole, 0, 3));
  assert.not.ok(sameBytes(whole, 0, 2, whole, 0, 3));
});

test.run();
