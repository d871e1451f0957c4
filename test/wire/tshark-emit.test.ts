// What our reprs emit, read by the reference decoder: frames built from reprs (including what the kernel
// capture lacks - SACK blocks, ICMP errors built by us, UDP with the checksum offloaded, IPv4 fragments)
// are written to a pcap and tshark must read back the same fields and find every checksum good.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import {
  EtherType,
  EthernetFrame,
  Icmpv4DstUnreachable,
  Icmpv4Message,
  Icmpv4Packet,
  IpProtocol,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
} from '../../generated/index.js';
import { ChecksumCapabilities } from '../../src/wire/checksum-capabilities.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { pcapBytes } from './support/pcap.js';
import { field, tsharkFields } from './support/tshark.js';

const test = suite('wire/tshark-emit');
const A = Ipv4Address.from('192.0.2.1').value;
const B = Ipv4Address.from('198.51.100.7').value;

function frame(ip: Ipv4Repr, emitUpper: (bytes: Uint8Array, at: number, length: number) => void, caps = ChecksumCapabilities.default()): Uint8Array {
  const ethernet = new EthernetRepr({ srcAddr: 0x0200_0000_0001, dstAddr: 0x0200_0000_0002, etherType: EtherType.Ipv4 });
  const bytes = new Uint8Array(ethernet.headerLength() + ip.bufferLength());
  ethernet.emit(new EthernetFrame(bytes));
  ip.emit(new Ipv4Packet(bytes, 14), caps);
  emitUpper(bytes, 34, ip.payloadLength);
  return bytes;
}

function tcpFrame(tcp: TcpRepr): Uint8Array {
  const ip = new Ipv4Repr({ srcAddr: A, dstAddr: B, protocol: IpProtocol.Tcp, payloadLength: tcp.bufferLength(), ident: 7 });
  return frame(ip, (bytes, at, length) => tcp.emit(new TcpPacket(bytes, at, length), A, B));
}

const sackSegment = new TcpRepr({ srcPort: 443, dstPort: 51000, seqNumber: 0xfffffff0, ack: true, ackNumber: 0x8000_0001, windowLen: 501, hasTimestamp: true, tsVal: 0xdeadbeef, tsEcr: 12345 })
  .setSackBlock(0, 0x8000_1000, 0x8000_2000)
  .setSackBlock(1, 0x8000_3000, 0x8000_3100)
  .setSackBlock(2, 100, 200)
  .setPayload(new TextEncoder().encode('GET / HTTP/1.1\r\n'), 0, 16);
const synNoTs = new TcpRepr({ srcPort: 1234, dstPort: 80, control: TcpControl.Syn, seqNumber: 1, windowLen: 65535, maxSegSize: 536, windowScale: 0, sackPermitted: true });
const quoted = new Ipv4Repr({ srcAddr: B, dstAddr: A, protocol: IpProtocol.Udp, payloadLength: 40, ident: 99 });
const quotedUdp = new Uint8Array([0x9c, 0x40, 0x00, 0x35, 0x00, 0x28, 0x12, 0x34]);
const portUnreachable = new Icmpv4Repr({ msgType: Icmpv4Message.DstUnreachable, msgCode: Icmpv4DstUnreachable.PortUnreachable, quotedHeader: quoted, data: quotedUdp });
const udpNoChecksum = new UdpRepr({ srcPort: 5353, dstPort: 5353 }).setPayload(new Uint8Array(12).fill(0x41), 0, 12);
const fragment = new Ipv4Repr({ srcAddr: A, dstAddr: B, protocol: IpProtocol.Udp, payloadLength: 16, ident: 0x4242, dontFrag: false, moreFrags: true, fragOffset: 1480, dscp: 46, ecn: 1, hopLimit: 3 });

const frames = [
  tcpFrame(sackSegment),
  tcpFrame(synNoTs),
  frame(new Ipv4Repr({ srcAddr: A, dstAddr: B, protocol: IpProtocol.Icmp, payloadLength: portUnreachable.bufferLength() }), (bytes, at, length) =>
    portUnreachable.emit(new Icmpv4Packet(bytes, at, length)),
  ),
  frame(
    new Ipv4Repr({ srcAddr: A, dstAddr: B, protocol: IpProtocol.Udp, payloadLength: udpNoChecksum.bufferLength() }),
    (bytes, at, length) => udpNoChecksum.emit(new UdpPacket(bytes, at, length), A, B, new ChecksumCapabilities('both', 'none')),
  ),
  frame(fragment, (bytes, at, length) => bytes.fill(0x5a, at, at + length)),
];

const FIELDS = [
  'ip.checksum.status', 'ip.id', 'ip.flags.mf', 'ip.flags.df', 'ip.frag_offset', 'ip.dsfield.dscp', 'ip.dsfield.ecn', 'ip.ttl',
  'tcp.checksum.status', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr',
  'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_perm', 'tcp.len', 'tcp.flags',
  'icmp.type', 'icmp.code', 'icmp.checksum.status', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'udp.checksum',
  '_ws.expert.message',
];

test('tshark reads what the reprs emit, with every checksum good', () => {
  if (!needs('wire/tshark-emit', ['tshark'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'smoltcp-wire-emit-'));
  try {
    const file = join(dir, 'emitted.pcap');
    writeFileSync(file, pcapBytes(frames));
    const t = tsharkFields(file, FIELDS);
    assert.is(t.length, frames.length);
    for (const frameFields of t) assert.is(field(frameFields, 'ip.checksum.status'), '1');

    const sack = t[0]!;
    assert.is(field(sack, 'tcp.checksum.status'), '1');
    assert.is(Number(field(sack, 'tcp.seq_raw')), 0xfffffff0);
    assert.is(Number(field(sack, 'tcp.ack_raw')), 0x8000_0001);
    assert.is(Number(field(sack, 'tcp.options.timestamp.tsval')), 0xdeadbeef);
    assert.is(Number(field(sack, 'tcp.options.timestamp.tsecr')), 12345);
    assert.is(Number(field(sack, 'tcp.len')), 16);
    assert.equal(sack.get('tcp.options.sack_le')!.map(Number), [0x8000_1000, 0x8000_3000, 100]);
    assert.equal(sack.get('tcp.options.sack_re')!.map(Number), [0x8000_2000, 0x8000_3100, 200]);

    const syn = t[1]!;
    assert.is(field(syn, 'tcp.checksum.status'), '1');
    assert.is(Number(field(syn, 'tcp.options.mss_val')), 536);
    assert.is(Number(field(syn, 'tcp.options.wscale.shift')), 0);
    assert.ok(syn.has('tcp.options.sack_perm'));
    assert.is(field(syn, 'tcp.flags'), '0x0002');

    const icmp = t[2]!;
    assert.is(field(icmp, 'icmp.type'), '3');
    assert.is(field(icmp, 'icmp.code'), '3');
    assert.is(field(icmp, 'icmp.checksum.status'), '1');
    assert.is(field(icmp, 'ip.checksum.status', 1), '1', 'the quoted header checksum');
    assert.is(field(icmp, 'ip.src', 1), '198.51.100.7');
    assert.is(field(icmp, 'ip.dst', 1), '192.0.2.1');
    assert.is(field(icmp, 'udp.srcport'), '40000');
    assert.is(field(icmp, 'udp.dstport'), '53');

    const udp = t[3]!;
    assert.is(field(udp, 'udp.checksum'), '0x0000', 'offloaded: zero, "no checksum" (RFC 768)');

    const frag = t[4]!;
    assert.is(field(frag, 'ip.id'), '0x4242');
    assert.is(field(frag, 'ip.flags.mf'), '1');
    assert.is(field(frag, 'ip.flags.df'), '0');
    // tshark 4.0 (Debian 12) shows the raw 13-bit field (185 units of 8 bytes); other versions show bytes.
    assert.ok([185, 1480].includes(Number(field(frag, 'ip.frag_offset'))), field(frag, 'ip.frag_offset'));
    assert.is(field(frag, 'ip.dsfield.dscp'), '46');
    assert.is(field(frag, 'ip.dsfield.ecn'), '1');
    assert.is(field(frag, 'ip.ttl'), '3');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
