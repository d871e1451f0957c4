// The 41 packets of smoltcp's wire-format tests (test/wire/fixtures/smoltcp-wire-vectors.json): every
// listed field is asserted through the generated views and our reprs, every "expect: error" vector must
// be refused, and reprs whose bytes smoltcp's tests emit must emit the same bytes here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArpPacket,
  EthernetFrame,
  Icmpv4Message,
  Icmpv4Packet,
  IpProtocol,
  Ipv4Packet,
  TcpOptionIterator,
  TcpOptionKind,
  TcpPacket,
  UdpPacket,
  WireError,
  arpHardwareName,
  arpOperationName,
  etherTypeName,
  ipProtocolName,
  icmpv4MessageName,
} from '../../generated/index.js';
import { ChecksumCapabilities } from '../../src/wire/checksum-capabilities.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { EthernetAddress } from '../../src/wire/ethernet-address.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { fromHex, loadWireVectors, toHex, type WireVector } from './support/hex.js';

const test = suite('wire/vectors');
const vectors = loadWireVectors();
const caps = ChecksumCapabilities.default();

/** smoltcp names enum values in CamelCase ("Ipv4", "EchoRequest"); ours are the spec's labels. */
function sameName(ours: string | undefined, theirs: unknown): boolean {
  return ours !== undefined && ours.replace(/[^a-z0-9]/gi, '').toLowerCase() === String(theirs).replace(/[^a-z0-9]/gi, '').toLowerCase();
}

function isError<T>(result: T | WireError): result is WireError {
  return typeof result === 'number';
}

function expectRepr<T>(result: T | WireError, what: string): T {
  if (isError(result)) throw new assert.Assertion({ message: `${what}: expected a repr, got WireError ${WireError[result]}`, operator: 'repr' } as never);
  return result;
}

function byLayer(layer: WireVector['layer']): WireVector[] {
  return vectors.filter((v) => v.layer === layer);
}

function f(v: WireVector, name: string): unknown {
  return v.fields[name];
}

test('the reference file holds the 41 vectors, 15 of them malformed', () => {
  assert.is(vectors.length, 41);
  assert.is(vectors.filter((v) => v.expect === 'error').length, 15);
});

test('ethernet vectors: view fields and repr (IPv6 payload not decoded: out of scope)', () => {
  const list = byLayer('ethernet');
  assert.is(list.length, 2);
  for (const v of list) {
    const bytes = fromHex(v.hex);
    const frame = new EthernetFrame(bytes);
    assert.is(frame.check(), WireError.Ok, v.test);
    assert.is(frame.dstAddr, EthernetAddress.from(f(v, 'destination') as string).value);
    assert.is(frame.srcAddr, EthernetAddress.from(f(v, 'source') as string).value);
    assert.is(frame.etherType, f(v, 'ethertype'));
    assert.ok(sameName(etherTypeName(frame.etherType), f(v, 'ethertype_name')), v.test);
    assert.is(toHex(bytes, frame.payloadOffset, frame.payloadLength), f(v, 'payload_hex'));
    const repr = expectRepr(EthernetRepr.parse(frame), v.test);
    assert.is(repr.dstAddr, frame.dstAddr);
    assert.is(repr.srcAddr, frame.srcAddr);
    assert.is(repr.etherType, frame.etherType);
    // test_construct: emitting the header over a 0xa5 buffer and copying the payload gives these bytes.
    const out = new Uint8Array(bytes.length).fill(0xa5);
    repr.emit(new EthernetFrame(out));
    out.set(bytes.subarray(14), 14);
    assert.is(toHex(out), v.hex);
  }
});

test('arp vector: view fields, repr, emit', () => {
  const [v] = byLayer('arp');
  const bytes = fromHex(v!.hex);
  const packet = new ArpPacket(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.hardwareType, f(v!, 'hardware_type'));
  assert.ok(sameName(arpHardwareName(packet.hardwareType), f(v!, 'hardware_type_name')));
  assert.is(packet.protocolType, f(v!, 'protocol_type'));
  assert.ok(sameName(etherTypeName(packet.protocolType), f(v!, 'protocol_type_name')));
  assert.is(packet.hardwareLen, f(v!, 'hardware_len'));
  assert.is(packet.protocolLen, f(v!, 'protocol_len'));
  assert.is(packet.operation, f(v!, 'operation'));
  assert.ok(sameName(arpOperationName(packet.operation), f(v!, 'operation_name')));
  const repr = expectRepr(ArpRepr.parse(packet), 'arp');
  assert.is(repr.operation, f(v!, 'operation'));
  assert.is(repr.sourceHardwareAddr, EthernetAddress.from(f(v!, 'source_hardware_addr') as string).value);
  assert.is(repr.sourceProtocolAddr, Ipv4Address.from(f(v!, 'source_protocol_addr') as string).value);
  assert.is(repr.targetHardwareAddr, EthernetAddress.from(f(v!, 'target_hardware_addr') as string).value);
  assert.is(repr.targetProtocolAddr, Ipv4Address.from(f(v!, 'target_protocol_addr') as string).value);
  const out = new Uint8Array(repr.bufferLength()).fill(0xa5);
  repr.emit(new ArpPacket(out));
  assert.is(toHex(out), v!.hex);
});

test('ipv4 vectors: view fields, repr fields and emit', () => {
  const list = byLayer('ipv4').filter((v) => v.expect !== 'error');
  assert.is(list.length, 3);
  for (const v of list) {
    const bytes = fromHex(v.hex);
    const packet = new Ipv4Packet(bytes);
    assert.is(packet.check(), WireError.Ok, v.test);
    // Header fields: asserted ones in `fields`, decoded-by-hand ones in `derived_fields` (same meaning).
    const header = { ...v.derived_fields, ...v.fields };
    const expectField = (name: string, actual: unknown) => {
      if (name in header) assert.is(actual, header[name], `${v.test}: ${name}`);
    };
    expectField('version', packet.version);
    expectField('header_len', packet.headerLength);
    expectField('dscp', packet.dscp);
    expectField('ecn', packet.ecn);
    expectField('total_len', packet.totalLen);
    expectField('ident', packet.ident);
    expectField('dont_frag', packet.dontFrag);
    expectField('more_frags', packet.moreFrags);
    expectField('frag_offset', packet.fragOffset);
    expectField('hop_limit', packet.hopLimit);
    expectField('next_header', packet.protocol);
    expectField('checksum', packet.checksum);
    expectField('checksum_valid', packet.verifyChecksum());
    expectField('payload_len', packet.payloadLength);
    expectField('payload_hex', toHex(bytes, packet.payloadOffset, packet.payloadLength));
    assert.is(packet.srcAddr, Ipv4Address.from(header.src_addr as string).value);
    assert.is(packet.dstAddr, Ipv4Address.from(header.dst_addr as string).value);
    assert.ok(sameName(ipProtocolName(packet.protocol), header.next_header_name), v.test);

    const repr = expectRepr(Ipv4Repr.parse(packet), v.test);
    assert.is(repr.srcAddr, Ipv4Address.from(header.src_addr as string).value);
    assert.is(repr.dstAddr, Ipv4Address.from(header.dst_addr as string).value);
    assert.is(repr.protocol, IpProtocol.Icmp);
    assert.is(repr.hopLimit, header.hop_limit);
    assert.is(repr.payloadLength, packet.payloadLength);
    if ('payload_len' in header) assert.is(repr.payloadLength, header.payload_len);
    // The repr keeps every header field, so emitting it reproduces the header exactly.
    const out = new Uint8Array(bytes.length).fill(0xa5);
    repr.emit(new Ipv4Packet(out));
    out.set(bytes.subarray(20), 20);
    assert.is(toHex(out), v.hex, v.test);
  }
});

test('ipv4 test_overlong: a longer buffer does not lengthen the payload', () => {
  const v = vectors.find((x) => x.layer === 'ipv4' && x.test === 'test_deconstruct')!;
  const bytes = fromHex(v.hex + '00');
  const packet = new Ipv4Packet(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.payloadLength, fromHex(v.hex).length - 20);
  assert.is(expectRepr(Ipv4Repr.parse(packet), 'overlong').payloadLength, 10);
});

test('ipv4 error vectors are refused by the view and the repr', () => {
  const list = byLayer('ipv4').filter((v) => v.expect === 'error');
  assert.is(list.length, 5);
  const expected: Record<string, WireError> = {
    test_total_len_overflow: WireError.Truncated,
    test_parse_total_len_less_than_header_len: WireError.BadVersion,
    test_parse_small_ihl: WireError.Malformed,
    test_parse_bad_version: WireError.BadVersion,
    parse_ipv4_packet_error: WireError.Truncated,
  };
  for (const v of list) {
    const packet = new Ipv4Packet(fromHex(v.hex));
    assert.is(packet.check(), expected[v.test], v.test);
    assert.is(Ipv4Repr.parse(packet), expected[v.test], v.test);
  }
});

test('ipv6 vectors: out of scope, and the IPv4 view refuses them as another version', () => {
  // IPv6 is not part of this stack (issue 2 covers Ethernet, ARP, IPv4, ICMPv4, UDP, TCP); the Ethernet
  // layer of the IPv6 frame is checked above. Here only: an IPv6 packet is not mistaken for IPv4.
  const list = byLayer('ipv6');
  assert.is(list.length, 2);
  for (const v of list) {
    const packet = new Ipv4Packet(fromHex(v.hex));
    assert.is(packet.check(), WireError.BadVersion, v.test);
  }
});

test('icmpv4 echo vector: view fields, repr, emit', () => {
  const v = vectors.find((x) => x.layer === 'icmpv4' && x.test === 'test_echo_deconstruct')!;
  const bytes = fromHex(v.hex);
  const packet = new Icmpv4Packet(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.msgType, f(v, 'msg_type'));
  assert.ok(sameName(icmpv4MessageName(packet.msgType), f(v, 'msg_type_name')));
  assert.is(packet.msgCode, f(v, 'msg_code'));
  assert.is(packet.checksum, f(v, 'checksum'));
  assert.is(packet.verifyChecksum(), f(v, 'checksum_valid'));
  assert.is(packet.echoIdent, f(v, 'echo_ident'));
  assert.is(packet.echoSeqNo, f(v, 'echo_seq_no'));
  assert.is(toHex(bytes, packet.payloadOffset, packet.payloadLength), f(v, 'payload_hex'));
  const repr = expectRepr(Icmpv4Repr.parse(packet), 'echo');
  assert.is(repr.msgType, Icmpv4Message.EchoRequest);
  assert.is(repr.echoIdent, 0x1234);
  assert.is(repr.echoSeqNo, 0xabcd);
  assert.is(toHex(repr.data!, repr.dataOffset, repr.dataLength), 'aa0000ff');
  const built = new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 0x1234, echoSeqNo: 0xabcd, data: fromHex('aa0000ff') });
  assert.ok(built.equals(repr));
  const out = new Uint8Array(built.bufferLength()).fill(0xa5);
  built.emit(new Icmpv4Packet(out));
  assert.is(toHex(out), v.hex);
});

test('icmpv4 test_check_len: 8 bytes are the minimum', () => {
  const v = vectors.find((x) => x.layer === 'icmpv4' && x.test === 'test_check_len')!;
  const bytes = fromHex(v.hex);
  assert.is(v.expect, 'ok');
  assert.is(new Icmpv4Packet(bytes, 0, 0).check(), WireError.Truncated);
  assert.is(new Icmpv4Packet(bytes, 0, 4).check(), WireError.Truncated);
  const packet = new Icmpv4Packet(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.msgType, f(v, 'msg_type'));
  assert.ok(sameName(icmpv4MessageName(packet.msgType), f(v, 'msg_type_name')));
  // A time exceeded message must quote an IPv4 header and 8 bytes; these 8 bytes quote nothing.
  assert.is(Icmpv4Repr.parse(packet, ChecksumCapabilities.ignored()), WireError.Malformed);
});

test('udp vectors: view fields, checksum rules, repr, emit', () => {
  const list = byLayer('udp').filter((v) => v.expect !== 'error');
  assert.is(list.length, 4);
  for (const v of list) {
    const bytes = fromHex(v.hex);
    const src = Ipv4Address.from(v.pseudo_src!).value;
    const dst = Ipv4Address.from(v.pseudo_dst!).value;
    const packet = new UdpPacket(bytes);
    assert.is(packet.check(), WireError.Ok, v.test);
    assert.is(packet.srcPort, f(v, 'src_port'));
    assert.is(packet.dstPort, f(v, 'dst_port'));
    assert.is(packet.len, f(v, 'len'));
    assert.is(packet.checksum, f(v, 'checksum'));
    if ('checksum_valid' in v.fields) assert.is(packet.verifyChecksum(src, dst), f(v, 'checksum_valid'));
    if ('payload_hex' in v.fields) assert.is(toHex(bytes, packet.payloadOffset, packet.payloadLength), f(v, 'payload_hex'));
    const repr = expectRepr(UdpRepr.parse(packet, src, dst), v.test);
    assert.is(repr.srcPort, f(v, 'src_port'));
    assert.is(repr.dstPort, f(v, 'dst_port'));
    assert.is(repr.payloadLength, (f(v, 'len') as number) - 8);
    // Emitting computes the checksum; where the vector carries a computed one, the bytes match.
    if (v.test !== 'test_checksum_omitted' && v.test !== 'test_no_checksum') {
      const out = new Uint8Array(repr.bufferLength()).fill(0xa5);
      repr.emit(new UdpPacket(out), src, dst);
      assert.is(toHex(out), v.hex, v.test);
    }
  }
  // test_zero_checksum: a checksum that computes to 0 is sent as 0xffff (RFC 768).
  const zero = vectors.find((x) => x.layer === 'udp' && x.test === 'test_zero_checksum')!;
  const bytes = fromHex(zero.hex);
  const packet = new UdpPacket(bytes);
  packet.checksum = 0x1234;
  packet.fillChecksum(Ipv4Address.from(zero.pseudo_src!).value, Ipv4Address.from(zero.pseudo_dst!).value);
  assert.is(packet.checksum, 0xffff);
  // Omitting the checksum on emit (offloaded) writes 0, which parses.
  const repr = new UdpRepr({ srcPort: 48896, dstPort: 53 }).setPayload(fromHex('aa0000ff'), 0, 4);
  const out = new Uint8Array(12);
  repr.emit(new UdpPacket(out), 1, 2, new ChecksumCapabilities('both', 'none'));
  assert.is(toHex(out), 'bf000035000c0000aa0000ff');
});

test('udp error vector is refused', () => {
  const [v] = byLayer('udp').filter((x) => x.expect === 'error');
  const packet = new UdpPacket(fromHex(v!.hex));
  assert.is(packet.check(), WireError.Malformed);
  assert.is(UdpRepr.parse(packet, 0, 0), WireError.Malformed);
});

test('tcp test_deconstruct: view fields; the repr refuses FIN+RST', () => {
  const v = vectors.find((x) => x.layer === 'tcp' && x.test === 'test_deconstruct')!;
  const bytes = fromHex(v.hex);
  const src = Ipv4Address.from(v.pseudo_src!).value;
  const dst = Ipv4Address.from(v.pseudo_dst!).value;
  const packet = new TcpPacket(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.srcPort, f(v, 'src_port'));
  assert.is(packet.dstPort, f(v, 'dst_port'));
  assert.is(packet.seqNumber, f(v, 'seq_number'));
  assert.is(packet.ackNumber, f(v, 'ack_number'));
  assert.is(packet.headerLength, f(v, 'header_len'));
  const flagOf = (name: string): boolean => (packet as unknown as Record<string, boolean>)[name.toLowerCase()]!;
  for (const flag of f(v, 'flags') as string[]) assert.ok(flagOf(flag), `${flag} set`);
  for (const flag of f(v, 'flags_not_set') as string[]) assert.not.ok(flagOf(flag), `${flag} clear`);
  assert.is(packet.windowLen, f(v, 'window_len'));
  assert.is(packet.urgentAt, f(v, 'urgent_at'));
  assert.is(packet.checksum, f(v, 'checksum'));
  assert.is(packet.verifyChecksum(src, dst), f(v, 'checksum_valid'));
  assert.is(toHex(bytes, 20, packet.headerLength - 20), f(v, 'options_hex'));
  assert.is(toHex(bytes, packet.payloadOffset, packet.payloadLength), f(v, 'payload_hex'));
  // "Flag combination FIN+RST is deliberately nonsensical": a repr must not accept it.
  assert.is(TcpRepr.parse(packet, src, dst), WireError.Malformed);
});

test('tcp error vectors are refused', () => {
  const list = byLayer('tcp').filter((x) => x.expect === 'error');
  assert.is(list.length, 2);
  const expected: Record<string, WireError> = { test_truncated: WireError.Truncated, test_impossible_len: WireError.Malformed };
  for (const v of list) {
    const packet = new TcpPacket(fromHex(v.hex));
    assert.is(packet.headerLength, f(v, 'header_len'), v.test);
    assert.is(packet.check(), expected[v.test], v.test);
    assert.is(TcpRepr.parse(packet, 0, 0), expected[v.test], v.test);
  }
});

test('tcp test_parse: repr fields, and emit reproduces the bytes', () => {
  const v = vectors.find((x) => x.layer === 'tcp' && x.test === 'test_parse')!;
  const bytes = fromHex(v.hex);
  const src = Ipv4Address.from(v.pseudo_src!).value;
  const dst = Ipv4Address.from(v.pseudo_dst!).value;
  const repr = expectRepr(TcpRepr.parse(new TcpPacket(bytes), src, dst, caps), 'tcp parse');
  assert.is(repr.srcPort, f(v, 'src_port'));
  assert.is(repr.dstPort, f(v, 'dst_port'));
  assert.is(repr.seqNumber, f(v, 'seq_number'));
  assert.is(f(v, 'ack_number'), null);
  assert.is(repr.ack, false);
  assert.is(repr.windowLen, f(v, 'window_len'));
  assert.is(repr.control, TcpControl.Syn);
  assert.is(repr.windowScale, f(v, 'window_scale'));
  assert.is(repr.maxSegSize, f(v, 'max_seg_size'));
  assert.is(repr.sackPermitted, f(v, 'sack_permitted'));
  assert.equal(f(v, 'sack_ranges'), [null, null, null]);
  assert.is(repr.sackBlockCount, 0);
  assert.is(f(v, 'timestamp'), null);
  assert.is(repr.hasTimestamp, false);
  assert.is(toHex(repr.payload!, repr.payloadOffset, repr.payloadLength), f(v, 'payload_hex'));
  const out = new Uint8Array(repr.bufferLength()).fill(0xa5);
  repr.emit(new TcpPacket(out), src, dst, caps);
  assert.is(toHex(out), v.hex);
});

/** smoltcp's TcpOption::parse on a standalone buffer: exactly one option, or an error. */
function parseOneOption(hex: string): TcpOptionIterator | WireError {
  const bytes = fromHex(hex);
  const it = new TcpOptionIterator().initRaw(bytes, 0, bytes.length);
  if (!it.next()) return it.error === WireError.Ok ? WireError.Truncated : it.error;
  return it;
}

test('tcp option vectors: each parses to the listed option and consumes all its bytes', () => {
  const list = byLayer('tcp_option').filter((x) => x.expect !== 'error');
  assert.is(list.length, 10);
  for (const v of list) {
    const it = parseOneOption(v.hex);
    if (typeof it === 'number') throw new Error(`${v.hex}: ${WireError[it]}`);
    assert.is(it.optionLength, v.hex.length / 2, v.hex);
    switch (f(v, 'option')) {
      case 'EndOfList':
        assert.is(it.kind, TcpOptionKind.EndOfList);
        break;
      case 'NoOperation':
        assert.is(it.kind, TcpOptionKind.Nop);
        break;
      case 'MaxSegmentSize':
        assert.is(it.kind, TcpOptionKind.Mss);
        assert.is(it.mss, f(v, 'value'));
        break;
      case 'WindowScale':
        assert.is(it.kind, TcpOptionKind.WindowScale);
        assert.is(it.windowScale, f(v, 'value'));
        break;
      case 'SackPermitted':
        assert.is(it.kind, TcpOptionKind.SackPermitted);
        break;
      case 'SackRange': {
        assert.is(it.kind, TcpOptionKind.Sack);
        const ranges = (f(v, 'ranges') as Array<[number, number] | null>).filter((r) => r !== null);
        assert.is(it.sackBlockCount, ranges.length);
        ranges.forEach((r, i) => {
          assert.is(it.sackLeft(i), r![0]);
          assert.is(it.sackRight(i), r![1]);
        });
        break;
      }
      case 'TimeStamp':
        assert.is(it.kind, TcpOptionKind.Timestamps);
        assert.is(it.tsVal, f(v, 'tsval'));
        assert.is(it.tsEcr, f(v, 'tsecr'));
        break;
      case 'Unknown':
        assert.is(it.kind, f(v, 'kind'));
        assert.is(toHex(it.bytes, it.valueOffset, it.valueLength), f(v, 'data_hex'));
        break;
      default:
        throw new Error(`unexpected option ${String(f(v, 'option'))}`);
    }
  }
});

test('tcp option vectors: options a repr carries come back from emit and parse', () => {
  // Our emitter aligns options with NOPs (RFC 7323 Appendix A), so a lone option is not emitted on its
  // own as in smoltcp's test; instead each option the repr models survives a segment round trip.
  const repr = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Syn, maxSegSize: 1500, windowScale: 12, sackPermitted: true, hasTimestamp: true, tsVal: 5000000, tsEcr: 7000000 });
  const out = new Uint8Array(repr.bufferLength());
  repr.emit(new TcpPacket(out), 1, 2);
  const back = expectRepr(TcpRepr.parse(new TcpPacket(out), 1, 2), 'options');
  assert.ok(back.equals(repr));
  // The option bytes themselves are the vectors' bytes.
  const hex = toHex(out, 20, back.optionsLength());
  for (const option of ['020405dc', '03030c', '080a004c4b40006acfc0']) assert.ok(hex.includes(option), option);
  const sack = new TcpRepr({ srcPort: 1, dstPort: 2, ack: true, ackNumber: 1 })
    .setSackBlock(0, 875000, 1225000)
    .setSackBlock(1, 1500000, 2500000)
    .setSackBlock(2, 876543210, 876654320);
  const sackOut = new Uint8Array(sack.bufferLength());
  sack.emit(new TcpPacket(sackOut), 1, 2);
  assert.ok(toHex(sackOut).includes('051a000d59f80012b1280016e360002625a0343efcea3440aef0'));
  assert.ok(expectRepr(TcpRepr.parse(new TcpPacket(sackOut), 1, 2), 'sack').equals(sack));
});

test('tcp malformed option vectors are refused', () => {
  const list = byLayer('tcp_option').filter((x) => x.expect === 'error');
  assert.is(list.length, 6);
  for (const v of list) {
    const result = parseOneOption(v.hex);
    assert.type(result, 'number', v.hex);
    assert.is.not(result, WireError.Ok, v.hex);
    // Inside a segment (padded to a 4-byte boundary with zeros) the repr refuses the segment.
    if (v.hex.length === 0) continue;
    const options = fromHex(v.hex.padEnd(8, '0'));
    const segment = new Uint8Array(20 + options.length);
    segment.set(fromHex('000100020000000000000000'), 0);
    segment[12] = ((20 + options.length) / 4) << 4;
    segment.set(options, 20);
    assert.is(TcpRepr.parse(new TcpPacket(segment), 0, 0, ChecksumCapabilities.ignored()), WireError.Malformed, v.hex);
  }
});

test('tcp test_tcp_options_summary: port 0 refused; the options read as listed', () => {
  const v = vectors.find((x) => x.test === 'test_tcp_options_summary')!;
  const bytes = fromHex(v.hex);
  const packet = new TcpPacket(bytes);
  assert.is(packet.check(), WireError.Ok);
  assert.is(packet.headerLength, f(v, 'header_len'));
  assert.is(toHex(bytes, 20, 12), f(v, 'options_hex'));
  assert.is(TcpRepr.parse(packet, 0, 0, ChecksumCapabilities.ignored()), WireError.Malformed);
  bytes[1] = 1; // source port 1
  bytes[3] = 2; // destination port 2
  const repr = expectRepr(TcpRepr.parse(packet, 0, 0, ChecksumCapabilities.ignored()), 'summary');
  assert.is(repr.maxSegSize, f(v, 'max_segment_size'));
  assert.is(repr.windowScale, f(v, 'window_scale'));
  assert.is(repr.sackPermitted, f(v, 'sack_permitted'));
  assert.equal(f(v, 'sack_ranges'), [null, null, null]);
  assert.is(repr.sackBlockCount, 0);
  assert.is(TcpRepr.parse(packet, 0, 0), WireError.BadChecksum);
});

test('every vector is covered by one of the tests above', () => {
  const layers = new Set(vectors.map((v) => v.layer));
  assert.equal([...layers].sort(), ['arp', 'ethernet', 'icmpv4', 'ipv4', 'ipv6', 'tcp', 'tcp_option', 'udp']);
  const counted =
    byLayer('ethernet').length + byLayer('arp').length + byLayer('ipv4').length + byLayer('ipv6').length +
    byLayer('icmpv4').length + byLayer('udp').length + byLayer('tcp').length + byLayer('tcp_option').length;
  assert.is(counted, 41);
});

test.run();
