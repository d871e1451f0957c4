// IPv4 receive and ICMPv4: which destinations are ours, checksums per the device's capabilities, options
// skipped; echo replies with exact fields; port and protocol unreachable quoting the datagram (576-byte
// cap, RFC 1812 4.3.2.3); no error where RFC 1122 3.2.2 forbids one; the token bucket.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EtherType, Icmpv4DstUnreachable, Icmpv4Message, IpProtocol, Ipv4Packet } from '../../generated/index.js';
import { Interface, type InterfaceOptions } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { ChecksumCapabilities } from '../../src/phy/capabilities.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { seconds } from '../../src/time.js';
import { internetChecksum } from '../../src/wire/checksum.js';
import {
  BROADCAST_MAC, OUR_IP, OUR_MAC, PEER_IP, PEER_MAC, TestDevice, echo, echoRequest, ethernetFrame, icmpBytes, ip, ipv4Frame,
  pattern, udpBytes, udpFrame,
} from './support.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';

const test = suite('iface/ipv4-icmp');
const T0 = 1_000_000_000;

function setup(options: Partial<InterfaceOptions> = {}, device = new TestDevice()) {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], ...options });
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  return { iface, device, sockets: new SocketSet(4) };
}

test('an echo request gets a reply with its identifier, sequence number, data and a valid checksum', () => {
  const { iface, device, sockets } = setup();
  const data = pattern(56, 3);
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(0x4242, 7, data), { ident: 99, ttl: 3 }));
  iface.poll(T0, device, sockets);
  const [frame] = device.takeRaw();
  assert.is(frame.length, 14 + 20 + 8 + 56);
  const ipHeader = new Ipv4Packet(frame, 14);
  assert.ok(ipHeader.verifyChecksum());
  assert.is(ipHeader.srcAddr >>> 0, OUR_IP);
  assert.is(ipHeader.dstAddr >>> 0, PEER_IP);
  assert.is(ipHeader.hopLimit, 64, 'our TTL, not the request\'s');
  const icmp = frame.subarray(34);
  assert.is(icmp[0], Icmpv4Message.EchoReply);
  assert.is(icmp[1], 0);
  assert.is((icmp[4] << 8) | icmp[5], 0x4242);
  assert.is((icmp[6] << 8) | icmp[7], 7);
  assert.equal(icmp.subarray(8), data);
  assert.is(internetChecksum(icmp, 0, icmp.length), 0, 'the checksum over the message verifies');
  assert.is(iface.counters.count(RxOutcome.Accepted), 1);
});

test('echo replies can be switched off', () => {
  const { iface, device, sockets } = setup({ icmpEchoReplies: false });
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(1, 1, pattern(8))));
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1);
});

test('accepted: our unicast address, the limited broadcast, our subnet broadcast; others silently dropped', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(67);
  sockets.add(udp);
  device.inject(
    udpFrame(68, 67, pattern(1)),
    udpFrame(68, 67, pattern(1), { dst: 0xffffffff, dstMac: BROADCAST_MAC }),
    udpFrame(68, 67, pattern(1), { dst: ip('192.168.69.255'), dstMac: BROADCAST_MAC }),
    udpFrame(68, 67, pattern(1), { dst: ip('192.168.69.9') }),
    udpFrame(68, 67, pattern(1), { dst: ip('10.0.0.255') }),
    udpFrame(68, 67, pattern(1), { dstMac: 0x020000000077 }),
  );
  iface.poll(T0, device, sockets);
  assert.is(udp.recvQueue, 3);
  assert.is(iface.counters.count(RxOutcome.NotForUs), 3);
  assert.is(device.take().length, 0, 'nothing answered');
});

test('a bad header checksum is dropped unless the device verifies it', () => {
  const frame = udpFrame(1, 2, pattern(4));
  frame[14 + 10] ^= 0xff;
  const { iface, device, sockets } = setup();
  device.inject(frame);
  iface.poll(T0, device, sockets);
  assert.is(iface.counters.count(RxOutcome.BadChecksum), 1);
  const offloaded = setup({}, new TestDevice(1514, ChecksumCapabilities.ignored()));
  offloaded.device.inject(frame.slice());
  offloaded.iface.poll(T0, offloaded.device, offloaded.sockets);
  assert.is(offloaded.iface.counters.count(RxOutcome.BadChecksum), 0);
  assert.is(offloaded.iface.counters.count(RxOutcome.NoSocket), 1);
});

test('IPv4 options are skipped', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(2);
  sockets.add(udp);
  const payload = udpBytes(1, 2, pattern(5));
  const packet = new Uint8Array(24 + payload.length);
  const repr = new Ipv4Repr();
  repr.srcAddr = PEER_IP;
  repr.dstAddr = OUR_IP;
  repr.protocol = IpProtocol.Udp;
  repr.payloadLength = payload.length;
  const view = new Ipv4Packet(packet);
  repr.emit(view);
  packet[0] = 0x46; // version 4, IHL 6: a 24-byte header
  packet[3] = packet.length; // Total Length (below 256 here)
  packet.set([1, 1, 1, 0], 20); // NOP NOP NOP EOL
  packet.set(payload, 24);
  view.fillChecksum();
  device.inject(ethernetFrame(PEER_MAC, OUR_MAC, EtherType.Ipv4, packet));
  iface.poll(T0, device, sockets);
  const out = new Uint8Array(16);
  assert.is(udp.recv(out, 0, 16), 5);
  assert.equal(out.subarray(0, 5), pattern(5));
});

function errorOf(device: TestDevice) {
  const frames = device.take();
  assert.is(frames.length, 1, 'one ICMP error');
  const f = frames[0];
  assert.ok(f.icmpv4, 'an ICMP message');
  return f;
}

test('UDP to a closed port: port unreachable quoting the header and the whole datagram', () => {
  const { iface, device, sockets } = setup();
  const frame = udpFrame(3333, 4444, pattern(30), { ident: 0xabcd });
  device.inject(frame);
  iface.poll(T0, device, sockets);
  const f = errorOf(device);
  assert.is(f.ipv4!.srcAddr, OUR_IP);
  assert.is(f.ipv4!.dstAddr, PEER_IP);
  assert.is(f.icmpv4!.msgType, Icmpv4Message.DstUnreachable);
  assert.is(f.icmpv4!.msgCode, Icmpv4DstUnreachable.PortUnreachable);
  const quoted = f.icmpv4!;
  assert.is(quoted.quotedHeader.ident, 0xabcd);
  assert.is(quoted.quotedHeader.srcAddr, PEER_IP);
  assert.is(quoted.quotedHeader.protocol, IpProtocol.Udp);
  // The quote is the original header then the whole UDP datagram (38 bytes).
  assert.equal(quoted.data!.subarray(quoted.dataOffset, quoted.dataOffset + quoted.dataLength), frame.subarray(34));
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1);
  assert.is(iface.counters.icmpErrors, 1);
});

test('the quoted original header is byte-identical', () => {
  const { iface, device, sockets } = setup();
  const frame = udpFrame(3333, 4444, pattern(30), { ident: 0xabcd, ttl: 17 });
  device.inject(frame);
  iface.poll(T0, device, sockets);
  const [out] = device.takeRaw();
  assert.equal(out.subarray(14 + 20 + 8), frame.subarray(14), 'original IP header + datagram');
});

test('the quote is cut so the error is at most 576 bytes', () => {
  const { iface, device, sockets } = setup();
  device.inject(udpFrame(3333, 4444, pattern(1400)));
  iface.poll(T0, device, sockets);
  const [out] = device.takeRaw();
  assert.is(out.length - 14, 576, 'IPv4 header 20 + ICMP header 8 + quoted header 20 + 528 bytes of the datagram');
});

test('an unknown protocol: protocol unreachable', () => {
  const { iface, device, sockets } = setup();
  device.inject(ipv4Frame(253, pattern(12)));
  iface.poll(T0, device, sockets);
  const f = errorOf(device);
  assert.is(f.icmpv4!.msgType, Icmpv4Message.DstUnreachable);
  assert.is(f.icmpv4!.msgCode, Icmpv4DstUnreachable.ProtoUnreachable);
  assert.is(f.icmpv4!.quotedHeader.protocol, 253);
  assert.is(f.icmpv4!.dataLength, 12);
  assert.is(iface.counters.count(RxOutcome.UnsupportedProtocol), 1);
});

test('no ICMP error about a broadcast, a link-layer broadcast, an ICMP error, or a non-unicast source', () => {
  const { iface, device, sockets } = setup();
  const portUnreachable = new Icmpv4Repr();
  portUnreachable.msgType = Icmpv4Message.DstUnreachable;
  portUnreachable.msgCode = 3;
  portUnreachable.quotedHeader.srcAddr = OUR_IP;
  portUnreachable.quotedHeader.dstAddr = PEER_IP;
  portUnreachable.quotedHeader.protocol = IpProtocol.Udp;
  portUnreachable.quotedHeader.payloadLength = 8;
  portUnreachable.setData(pattern(8), 0, 8);
  device.inject(
    udpFrame(1, 9, pattern(4), { dst: 0xffffffff, dstMac: BROADCAST_MAC }),
    udpFrame(1, 9, pattern(4), { dst: ip('192.168.69.255') }),
    udpFrame(1, 9, pattern(4), { dstMac: BROADCAST_MAC }),
    ipv4Frame(IpProtocol.Icmp, icmpBytes(portUnreachable)),
    udpFrame(1, 9, pattern(4), { src: 0 }),
    udpFrame(1, 9, pattern(4), { src: ip('127.0.0.1') }),
    ipv4Frame(254, pattern(4), { dst: 0xffffffff, dstMac: BROADCAST_MAC }),
  );
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.icmpErrors, 0);
  assert.is(iface.counters.rxFrames, 7);
});

test('no echo reply to a broadcast ping', () => {
  const { iface, device, sockets } = setup();
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(1, 1, pattern(8)), { dst: 0xffffffff, dstMac: BROADCAST_MAC }));
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
});

test('a broadcast or multicast source is invalid (RFC 1122 3.2.1.3)', () => {
  const { iface, device, sockets } = setup();
  device.inject(
    udpFrame(1, 9, pattern(4), { src: 0xffffffff }),
    udpFrame(1, 9, pattern(4), { src: ip('224.0.0.1') }),
    udpFrame(1, 9, pattern(4), { src: ip('192.168.69.255') }),
  );
  iface.poll(T0, device, sockets);
  assert.is(iface.counters.count(RxOutcome.Malformed), 3);
  assert.is(device.take().length, 0);
});

test('ICMP errors are rate limited by a token bucket', () => {
  const { iface, device, sockets } = setup({ icmpErrorRate: { perSecond: 2, burst: 3 } });
  for (let i = 0; i < 10; i++) device.inject(udpFrame(1, 9, pattern(4)));
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 3, 'the burst');
  assert.is(iface.counters.icmpRateLimited, 7);
  for (let i = 0; i < 10; i++) device.inject(udpFrame(1, 9, pattern(4)));
  iface.poll(T0 + seconds(1), device, sockets);
  assert.is(device.take().length, 2, 'two tokens a second later');
  assert.is(iface.counters.count(RxOutcome.NoSocket), 20, 'every datagram counted whether answered or not');
});

test('an echo reply goes to an ICMP socket bound to its identifier', async () => {
  const { IcmpSocket } = await import('../../src/socket/icmp.js');
  const { iface, device, sockets } = setup();
  const s = new IcmpSocket();
  s.bindIdent(0x77);
  sockets.add(s);
  device.inject(ipv4Frame(IpProtocol.Icmp, echo(Icmpv4Message.EchoReply, 0x77, 5, pattern(4))));
  device.inject(ipv4Frame(IpProtocol.Icmp, echo(Icmpv4Message.EchoReply, 0x78, 5, pattern(4))));
  iface.poll(T0, device, sockets);
  assert.is(s.recvQueue, 1);
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1);
});

test.run();
