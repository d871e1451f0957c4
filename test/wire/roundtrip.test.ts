// Property: for random reprs of every protocol, parse(emit(x)) equals x, wherever in a larger buffer the
// packet sits and whichever checksum capabilities are in force.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  ArpPacket,
  EthernetFrame,
  Icmpv4Message,
  Icmpv4Packet,
  Ipv4Packet,
  TcpPacket,
  UdpPacket,
  WireError,
} from '../../generated/index.js';
import { ChecksumCapabilities, type Checksum } from '../../src/wire/checksum-capabilities.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TCP_MAX_HEADER_LENGTH, TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import { UdpRepr } from '../../src/wire/udp.js';

const test = suite('wire/roundtrip');
const RUNS = { numRuns: 500 };

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const mac = fc.integer({ min: 0, max: 0xffff_ffff_ffff });
const port = fc.integer({ min: 1, max: 0xffff });
const payload = fc.uint8Array({ maxLength: 80 });
/** Where the packet sits in a larger buffer: bytes before it and after it. */
const placement = fc.record({ before: fc.integer({ min: 0, max: 7 }), after: fc.integer({ min: 0, max: 7 }) });
const checksum: fc.Arbitrary<Checksum> = fc.constantFrom('both', 'tx', 'rx', 'none');
const caps = fc.record({ ipv4: checksum, udp: checksum, tcp: checksum, icmpv4: checksum }).map(
  (c) => new ChecksumCapabilities(c.ipv4, c.udp, c.tcp, c.icmpv4),
);
/** Emitting with `tx` disabled zeroes the checksum, so the receiver must not verify: same caps both ways. */
function symmetric(c: ChecksumCapabilities): ChecksumCapabilities {
  const both = (x: Checksum): Checksum => (x === 'both' || x === 'tx' ? 'both' : 'none');
  return new ChecksumCapabilities(both(c.ipv4), both(c.udp), both(c.tcp), both(c.icmpv4));
}

function buffer(before: number, length: number, after: number): Uint8Array {
  // Poison around the packet so a read outside it would show up as a different value.
  return new Uint8Array(before + length + after).fill(0xa5);
}

function unwrap<T>(r: T | WireError, what: string): T {
  if (typeof r === 'number') throw new Error(`${what}: parse failed with WireError ${WireError[r]}`);
  return r;
}

const ipv4Repr = fc
  .record({
    srcAddr: u32,
    dstAddr: u32,
    protocol: u8,
    payloadLength: fc.integer({ min: 0, max: 200 }),
    hopLimit: u8,
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    ident: u16,
    dontFrag: fc.boolean(),
    moreFrags: fc.boolean(),
    fragOffset: fc.integer({ min: 0, max: 0x1fff }).map((x) => x * 8),
  })
  .map((f) => new Ipv4Repr(f));

test('ethernet: parse(emit(x)) = x', () => {
  fc.assert(
    fc.property(mac, mac, u16, placement, (src, dst, etherType, p) => {
      const repr = new EthernetRepr({ srcAddr: src, dstAddr: dst, etherType: etherType });
      const bytes = buffer(p.before, repr.headerLength(), p.after);
      repr.emit(new EthernetFrame(bytes, p.before, repr.headerLength()));
      const back = unwrap(EthernetRepr.parse(new EthernetFrame(bytes, p.before, repr.headerLength())), 'ethernet');
      assert.ok(back.equals(repr));
    }),
    RUNS,
  );
});

test('arp: parse(emit(x)) = x', () => {
  fc.assert(
    fc.property(u16, mac, u32, mac, u32, placement, (op, sha, spa, tha, tpa, p) => {
      const repr = new ArpRepr({ operation: op, sourceHardwareAddr: sha, sourceProtocolAddr: spa, targetHardwareAddr: tha, targetProtocolAddr: tpa });
      const bytes = buffer(p.before, repr.bufferLength(), p.after);
      repr.emit(new ArpPacket(bytes, p.before, repr.bufferLength()));
      const back = unwrap(ArpRepr.parse(new ArpPacket(bytes, p.before, repr.bufferLength())), 'arp');
      assert.ok(back.equals(repr));
    }),
    RUNS,
  );
});

test('ipv4: parse(emit(x)) = x', () => {
  fc.assert(
    fc.property(ipv4Repr, caps, placement, (repr, c, p) => {
      const sym = symmetric(c);
      const length = repr.bufferLength();
      const bytes = buffer(p.before, length, p.after);
      repr.emit(new Ipv4Packet(bytes, p.before, length), sym);
      const back = unwrap(Ipv4Repr.parse(new Ipv4Packet(bytes, p.before, length), sym), 'ipv4');
      assert.ok(back.equals(repr), JSON.stringify({ repr, back }));
    }),
    RUNS,
  );
});

const icmpRepr = fc.oneof(
  fc
    .record({ type: fc.constantFrom(Icmpv4Message.EchoRequest, Icmpv4Message.EchoReply), ident: u16, seq: u16, data: payload })
    .map((f) => new Icmpv4Repr({ msgType: f.type, echoIdent: f.ident, echoSeqNo: f.seq, data: f.data })),
  fc
    .record({
      type: fc.constantFrom(Icmpv4Message.DstUnreachable, Icmpv4Message.TimeExceeded),
      code: u8,
      header: ipv4Repr,
      data: fc.uint8Array({ minLength: 8, maxLength: 40 }),
    })
    .map((f) => new Icmpv4Repr({ msgType: f.type, msgCode: f.code, quotedHeader: f.header, data: f.data })),
);

test('icmpv4: parse(emit(x)) = x, echo and error messages', () => {
  fc.assert(
    fc.property(icmpRepr, caps, placement, (repr, c, p) => {
      const sym = symmetric(c);
      const length = repr.bufferLength();
      const bytes = buffer(p.before, length, p.after);
      repr.emit(new Icmpv4Packet(bytes, p.before, length), sym);
      const back = unwrap(Icmpv4Repr.parse(new Icmpv4Packet(bytes, p.before, length), sym), 'icmpv4');
      assert.ok(back.equals(repr));
      assert.ok(repr.equals(back));
    }),
    RUNS,
  );
});

test('udp: parse(emit(x)) = x', () => {
  fc.assert(
    fc.property(u16, port, payload, u32, u32, caps, placement, (src, dst, data, srcAddr, dstAddr, c, p) => {
      const sym = symmetric(c);
      const repr = new UdpRepr({ srcPort: src, dstPort: dst }).setPayload(data, 0, data.length);
      const length = repr.bufferLength();
      const bytes = buffer(p.before, length, p.after);
      repr.emit(new UdpPacket(bytes, p.before, length), srcAddr, dstAddr, sym);
      const back = unwrap(UdpRepr.parse(new UdpPacket(bytes, p.before, length), srcAddr, dstAddr, sym), 'udp');
      assert.ok(back.equals(repr));
    }),
    RUNS,
  );
});

const tcpRepr = fc
  .record({
    srcPort: port,
    dstPort: port,
    control: fc.constantFrom(TcpControl.None, TcpControl.Psh, TcpControl.Syn, TcpControl.Fin, TcpControl.Rst),
    seqNumber: u32,
    ack: fc.boolean(),
    ackNumber: u32,
    windowLen: u16,
    windowScale: fc.option(fc.integer({ min: 0, max: 14 })),
    maxSegSize: fc.option(u16),
    sackPermitted: fc.boolean(),
    hasTimestamp: fc.boolean(),
    tsVal: u32,
    tsEcr: u32,
    sack: fc.array(fc.tuple(u32, u32), { maxLength: 3 }),
    payload,
  })
  .map((f) => {
    const repr = new TcpRepr({
      srcPort: f.srcPort,
      dstPort: f.dstPort,
      control: f.control,
      seqNumber: f.seqNumber,
      ack: f.ack,
      ackNumber: f.ack ? f.ackNumber : 0,
      windowLen: f.windowLen,
      windowScale: f.windowScale,
      maxSegSize: f.maxSegSize,
      sackPermitted: f.sackPermitted,
      hasTimestamp: f.hasTimestamp,
      tsVal: f.hasTimestamp ? f.tsVal : 0,
      tsEcr: f.hasTimestamp ? f.tsEcr : 0,
    });
    // Keep only the SACK blocks the 40 bytes of option space can hold with the other options.
    for (const [left, right] of f.sack) {
      repr.setSackBlock(repr.sackBlockCount, left, right);
      if (repr.headerLength() > TCP_MAX_HEADER_LENGTH) {
        repr.sackBlockCount--;
        break;
      }
    }
    return repr.setPayload(f.payload, 0, f.payload.length);
  });

test('tcp: parse(emit(x)) = x, with every option combination that fits', () => {
  fc.assert(
    fc.property(tcpRepr, u32, u32, caps, placement, (repr, srcAddr, dstAddr, c, p) => {
      const sym = symmetric(c);
      const length = repr.bufferLength();
      assert.is(repr.headerLength() % 4, 0);
      const bytes = buffer(p.before, length, p.after);
      repr.emit(new TcpPacket(bytes, p.before, length), srcAddr, dstAddr, sym);
      const back = unwrap(TcpRepr.parse(new TcpPacket(bytes, p.before, length), srcAddr, dstAddr, sym), 'tcp');
      assert.ok(back.equals(repr), JSON.stringify({ repr: { ...repr, payload: null }, back: { ...back, payload: null } }));
      assert.is(back.segmentLength(), repr.segmentLength());
    }),
    RUNS,
  );
});

test('tcp: a received window scale above 14 is used as 14 (RFC 7323 section 2.3)', () => {
  const repr = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Syn, windowScale: 14 });
  const bytes = new Uint8Array(repr.bufferLength());
  repr.emit(new TcpPacket(bytes), 1, 2);
  bytes[23] = 15; // NOP, kind 3, length 3, shift
  const back = unwrap(TcpRepr.parse(new TcpPacket(bytes), 1, 2, ChecksumCapabilities.ignored()), 'ws');
  assert.is(back.windowScale, 14);
});

test.run();
