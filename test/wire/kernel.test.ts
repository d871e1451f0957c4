// Real packets: the Linux kernel talks between two network namespaces while tcpdump records, then every
// frame is decoded by our views and reprs and compared with what tshark reads from the same capture, and
// every repr is emitted back and compared byte for byte with the kernel's frame.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import {
  ArpOperation,
  EtherType,
  EthernetFrame,
  Icmpv4Message,
  IpProtocol,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import { formatMac, EthernetAddress } from '../../src/wire/ethernet-address.js';
import { formatIpv4, Ipv4Address } from '../../src/wire/ipv4-address.js';
import { TcpControl } from '../../src/wire/tcp.js';
import { suiteNeeding } from '../helpers/needs.js';
import { decodeFrame, emitFrame, isDecoded, type DecodedFrame } from './support/frames.js';
import { toHex } from './support/hex.js';
import { ADDR_A, ADDR_B, BEYOND_B, CAPTURE_TOOLS, captureKernelTraffic } from './support/kernel-capture.js';
import { readPcap, type PcapRecord } from './support/pcap.js';
import { field, tsharkFields, type TsharkFrame } from './support/tshark.js';

const FIELDS = [
  'eth.src', 'eth.dst', 'eth.type',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'ip.id', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.len',
  'ip.hdr_len', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.checksum.status',
  'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'icmp.checksum.status',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum.status',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value',
  'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_perm', 'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr', 'tcp.len', 'tcp.checksum.status',
];

const test = suiteNeeding('wire/kernel', ['root', ...CAPTURE_TOOLS]);

if (test) {
  const state = { dir: '', records: [] as PcapRecord[], tshark: [] as TsharkFrame[], decoded: [] as DecodedFrame[] };

  test.before(async () => {
    state.dir = mkdtempSync(join(tmpdir(), 'smoltcp-wire-'));
    const file = await captureKernelTraffic(state.dir);
    const pcap = readPcap(file);
    assert.is(pcap.linkType, 1, 'Ethernet capture');
    state.records = pcap.records;
    state.tshark = tsharkFields(file, FIELDS);
    for (const record of state.records) {
      const d = decodeFrame(record.bytes);
      if (!isDecoded(d)) throw new Error(`frame ${record.number}: ${d.layer} refused it with WireError ${d.error}`);
      state.decoded.push(d);
    }
  });

  test.after(() => {
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });

  const num = (frame: TsharkFrame, name: string, occurrence = 0): number => {
    const v = field(frame, name, occurrence);
    if (v === undefined) throw new Error(`tshark gave no ${name}`);
    return v.startsWith('0x') ? parseInt(v, 16) : Number(v);
  };

  test('the capture holds every kind of packet the tests want', () => {
    const d = state.decoded;
    assert.is(state.records.length, state.tshark.length);
    const count = (p: (x: DecodedFrame) => boolean) => d.filter(p).length;
    assert.ok(count((x) => x.arp?.operation === ArpOperation.Request) >= 1, 'ARP request');
    assert.ok(count((x) => x.arp?.operation === ArpOperation.Reply) >= 1, 'ARP reply');
    assert.is(count((x) => x.icmpv4?.msgType === Icmpv4Message.EchoRequest), 3);
    assert.is(count((x) => x.icmpv4?.msgType === Icmpv4Message.EchoReply), 2);
    assert.is(count((x) => x.icmpv4?.msgType === Icmpv4Message.TimeExceeded), 1);
    assert.is(count((x) => x.icmpv4?.msgType === Icmpv4Message.DstUnreachable), 1);
    assert.is(count((x) => x.udp !== undefined), 2);
    assert.is(count((x) => x.tcp?.control === TcpControl.Syn), 3); // SYN, SYN-ACK, SYN to a closed port
    assert.ok(count((x) => x.tcp?.control === TcpControl.Fin) >= 2);
    assert.is(count((x) => x.tcp?.control === TcpControl.Rst), 1);
    assert.ok(count((x) => x.tcp !== undefined && x.tcp.payloadLength > 0) >= 1);
  });

  test('ethernet and ARP fields agree with tshark', () => {
    state.decoded.forEach((d, i) => {
      const t = state.tshark[i]!;
      const what = `frame ${i + 1}`;
      assert.is(formatMac(d.ethernet.srcAddr), field(t, 'eth.src'), what);
      assert.is(formatMac(d.ethernet.dstAddr), field(t, 'eth.dst'), what);
      assert.is(d.ethernet.etherType, num(t, 'eth.type'), what);
      if (!d.arp) return;
      assert.is(d.ethernet.etherType, EtherType.Arp);
      assert.is(d.arp.operation, num(t, 'arp.opcode'), what);
      assert.is(d.arp.sourceHardwareAddr, EthernetAddress.from(field(t, 'arp.src.hw_mac')!).value, what);
      assert.is(formatIpv4(d.arp.sourceProtocolAddr), field(t, 'arp.src.proto_ipv4'), what);
      assert.is(d.arp.targetHardwareAddr, EthernetAddress.from(field(t, 'arp.dst.hw_mac')!).value, what);
      assert.is(formatIpv4(d.arp.targetProtocolAddr), field(t, 'arp.dst.proto_ipv4'), what);
    });
  });

  test('IPv4 fields agree with tshark, checksums verified by both', () => {
    let seen = 0;
    state.decoded.forEach((d, i) => {
      if (!d.ipv4) return;
      seen++;
      const t = state.tshark[i]!;
      const what = `frame ${i + 1}`;
      const ip = d.ipv4;
      assert.is(formatIpv4(ip.srcAddr), field(t, 'ip.src'), what);
      assert.is(formatIpv4(ip.dstAddr), field(t, 'ip.dst'), what);
      assert.is(ip.protocol, num(t, 'ip.proto'), what);
      assert.is(ip.hopLimit, num(t, 'ip.ttl'), what);
      assert.is(ip.ident, num(t, 'ip.id'), what);
      assert.is(ip.dontFrag, field(t, 'ip.flags.df') === '1', what);
      assert.is(ip.moreFrags, field(t, 'ip.flags.mf') === '1', what);
      assert.is(ip.fragOffset, 0, what); // Linux sent no fragments here
      assert.is(num(t, 'ip.frag_offset'), 0, what);
      assert.is(ip.bufferLength(), num(t, 'ip.len'), what);
      assert.is(d.ipv4HeaderLength, num(t, 'ip.hdr_len'), what);
      assert.is(ip.dscp, num(t, 'ip.dsfield.dscp'), what);
      assert.is(ip.ecn, num(t, 'ip.dsfield.ecn'), what);
      assert.is(field(t, 'ip.checksum.status'), '1', `${what}: tshark says the IP checksum is good`);
      const view = new Ipv4Packet(state.records[i]!.bytes, 14);
      assert.ok(view.verifyChecksum(), what);
    });
    assert.ok(seen >= 15);
  });

  test('ICMP fields agree with tshark, quoted headers included', () => {
    state.decoded.forEach((d, i) => {
      const icmp = d.icmpv4;
      if (!icmp) return;
      const t = state.tshark[i]!;
      const what = `frame ${i + 1}`;
      assert.is(icmp.msgType, num(t, 'icmp.type'), what);
      assert.is(icmp.msgCode, num(t, 'icmp.code'), what);
      assert.is(field(t, 'icmp.checksum.status'), '1', what);
      if (icmp.isEcho()) {
        assert.is(icmp.echoIdent, num(t, 'icmp.ident'), what);
        assert.is(icmp.echoSeqNo, num(t, 'icmp.seq'), what);
        assert.is(icmp.dataLength, 56, `${what}: ping's default 56 data bytes`);
        return;
      }
      // tshark lists the quoted header as the second IP header of the frame.
      const q = icmp.quotedHeader;
      assert.is(formatIpv4(q.srcAddr), field(t, 'ip.src', 1), what);
      assert.is(formatIpv4(q.dstAddr), field(t, 'ip.dst', 1), what);
      assert.is(q.protocol, num(t, 'ip.proto', 1), what);
      assert.is(q.hopLimit, num(t, 'ip.ttl', 1), what);
      assert.is(q.ident, num(t, 'ip.id', 1), what);
      assert.is(q.bufferLength(), num(t, 'ip.len', 1), what);
      if (icmp.msgType === Icmpv4Message.TimeExceeded) {
        assert.is(formatIpv4(q.dstAddr), BEYOND_B);
        assert.is(q.hopLimit, 1);
        assert.is(icmp.dataLength, 64, `${what}: Linux quotes the whole 84-byte echo request`);
      } else {
        assert.is(icmp.msgCode, 3, 'port unreachable');
        assert.is(q.protocol, IpProtocol.Udp);
        const data = icmp.data!;
        // The quoted UDP header: ports and length as tshark read them.
        assert.is((data[icmp.dataOffset]! << 8) | data[icmp.dataOffset + 1]!, num(t, 'udp.srcport'), what);
        assert.is((data[icmp.dataOffset + 2]! << 8) | data[icmp.dataOffset + 3]!, num(t, 'udp.dstport'), what);
      }
    });
  });

  test('UDP fields agree with tshark, checksums verified by both', () => {
    state.decoded.forEach((d, i) => {
      if (!d.udp) return;
      const t = state.tshark[i]!;
      const what = `frame ${i + 1}`;
      assert.is(d.udp.srcPort, num(t, 'udp.srcport'), what);
      assert.is(d.udp.dstPort, num(t, 'udp.dstport'), what);
      assert.is(d.udp.bufferLength(), num(t, 'udp.length'), what);
      assert.is(field(t, 'udp.checksum.status'), '1', what);
      const view = new UdpPacket(state.records[i]!.bytes, 34, d.ipv4!.payloadLength);
      assert.is.not(view.checksum, 0, `${what}: Linux computes UDP checksums`);
      assert.ok(view.verifyChecksum(d.ipv4!.srcAddr, d.ipv4!.dstAddr), what);
      assert.is(formatIpv4(d.ipv4!.srcAddr), ADDR_A);
    });
  });

  test('TCP fields and options agree with tshark, checksums verified by both', () => {
    let synWithOptions = 0;
    state.decoded.forEach((d, i) => {
      const tcp = d.tcp;
      if (!tcp) return;
      const t = state.tshark[i]!;
      const what = `frame ${i + 1}`;
      assert.is(tcp.srcPort, num(t, 'tcp.srcport'), what);
      assert.is(tcp.dstPort, num(t, 'tcp.dstport'), what);
      assert.is(tcp.seqNumber, num(t, 'tcp.seq_raw'), what);
      const flags = num(t, 'tcp.flags');
      assert.is(tcp.ack, (flags & 0x10) !== 0, what);
      assert.is(tcp.ackNumber, tcp.ack ? num(t, 'tcp.ack_raw') : 0, what);
      const expectedControl =
        flags & 0x02 ? TcpControl.Syn : flags & 0x01 ? TcpControl.Fin : flags & 0x04 ? TcpControl.Rst : flags & 0x08 ? TcpControl.Psh : TcpControl.None;
      assert.is(tcp.control, expectedControl, what);
      assert.is(tcp.windowLen, num(t, 'tcp.window_size_value'), what);
      assert.is(tcp.payloadLength, num(t, 'tcp.len'), what);
      assert.is(tcp.maxSegSize, t.has('tcp.options.mss_val') ? num(t, 'tcp.options.mss_val') : null, what);
      assert.is(tcp.windowScale, t.has('tcp.options.wscale.shift') ? num(t, 'tcp.options.wscale.shift') : null, what);
      assert.is(tcp.sackPermitted, t.has('tcp.options.sack_perm'), what);
      assert.is(tcp.hasTimestamp, t.has('tcp.options.timestamp.tsval'), what);
      if (tcp.hasTimestamp) {
        assert.is(tcp.tsVal, num(t, 'tcp.options.timestamp.tsval'), what);
        assert.is(tcp.tsEcr, num(t, 'tcp.options.timestamp.tsecr'), what);
      }
      assert.is(field(t, 'tcp.checksum.status'), '1', what);
      const view = new TcpPacket(state.records[i]!.bytes, 34, d.ipv4!.payloadLength);
      assert.ok(view.verifyChecksum(d.ipv4!.srcAddr, d.ipv4!.dstAddr), what);
      if (tcp.control === TcpControl.Syn) {
        // Linux's SYN: mss, sackOK, TS, nop, wscale.
        assert.is(tcp.maxSegSize, 1460, what);
        assert.ok(tcp.sackPermitted, what);
        assert.ok(tcp.hasTimestamp, what);
        assert.ok(tcp.windowScale !== null, what);
        synWithOptions++;
      }
      if (tcp.payloadLength > 0) {
        assert.is(new TextDecoder().decode(tcp.payload!.subarray(tcp.payloadOffset, tcp.payloadOffset + tcp.payloadLength)), 'hello tcp\n');
      }
    });
    assert.is(synWithOptions, 3);
  });

  test('every frame emitted back from its reprs equals the kernel bytes', () => {
    state.decoded.forEach((d, i) => {
      const original = state.records[i]!.bytes;
      const emitted = emitFrame(d);
      assert.ok(emitted !== null, `frame ${i + 1} is fully described by reprs`);
      assert.is(toHex(emitted!), toHex(original), `frame ${i + 1}`);
    });
  });

  test('the addresses are the ones the namespaces were given', () => {
    const arp = state.decoded.find((d) => d.arp?.operation === ArpOperation.Request)!.arp!;
    assert.is(formatIpv4(arp.sourceProtocolAddr), ADDR_A);
    assert.is(formatIpv4(arp.targetProtocolAddr), ADDR_B);
    assert.is(arp.sourceProtocolAddr, Ipv4Address.from(ADDR_A).value);
    const frame = new EthernetFrame(state.records[0]!.bytes);
    assert.is(frame.dstAddr, 0xffff_ffff_ffff, 'the request is broadcast');
  });

  test.run();
}
