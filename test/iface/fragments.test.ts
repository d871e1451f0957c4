// IPv4 reassembly (in order, out of order, duplicated, overlapping, timed out with and without the first
// fragment) and fragmentation of outgoing datagrams larger than the MTU (a 4000-byte UDP datagram that
// tshark reassembles).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Icmpv4Message, Icmpv4TimeExceeded, IpProtocol } from '../../generated/index.js';
import { Interface, type InterfaceOptions } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { RawIpSocket } from '../../src/socket/raw-ip.js';
import { seconds } from '../../src/time.js';
import { field, tsharkFields } from '../wire/support/tshark.js';
import { pcapBytes } from '../wire/support/pcap.js';
import { OUR_MAC, PEER_IP, PEER_MAC, TestDevice, fragments, ipv4Frame, pattern, udpBytes } from './support.js';

const test = suite('iface/fragments');
const T0 = 1_000_000_000;

function setup(options: Partial<InterfaceOptions> = {}, device = new TestDevice()) {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], ...options });
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  const sockets = new SocketSet(4);
  const udp = new UdpSocket({ rx: { packets: 4, payload: 70_000 }, tx: { packets: 4, payload: 70_000 } });
  udp.bind(9000);
  sockets.add(udp);
  return { iface, device, sockets, udp };
}

const DATAGRAM = udpBytes(1234, 9000, pattern(3000, 9)); // 3008 bytes of UDP
const PIECES = fragments(IpProtocol.Udp, DATAGRAM, 1200, { ident: 77 }); // 1200, 1200, 608

function received(udp: UdpSocket): Uint8Array | null {
  const out = new Uint8Array(70_000);
  const from = new IpEndpoint();
  const n = udp.recv(out, 0, out.length, from);
  if (n < 0) return null;
  assert.is(from.addr, PEER_IP);
  assert.is(from.port, 1234);
  return out.slice(0, n);
}

test('in order', () => {
  const { iface, device, sockets, udp } = setup();
  device.inject(...PIECES);
  iface.poll(T0, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
  assert.is(iface.counters.count(RxOutcome.Accepted), 3);
});

test('out of order', () => {
  const { iface, device, sockets, udp } = setup();
  device.inject(PIECES[2], PIECES[0], PIECES[1]);
  iface.poll(T0, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
});

test('last fragment first, then the middle, then the first', () => {
  const { iface, device, sockets, udp } = setup();
  device.inject(PIECES[2]);
  iface.poll(T0, device, sockets);
  device.inject(PIECES[1]);
  iface.poll(T0 + 1, device, sockets);
  assert.is(received(udp), null);
  device.inject(PIECES[0]);
  iface.poll(T0 + 2, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
});

test('duplicated fragments are ignored and the datagram still completes once', () => {
  const { iface, device, sockets, udp } = setup();
  device.inject(PIECES[0], PIECES[0], PIECES[2], PIECES[1], PIECES[1]);
  iface.poll(T0, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
  assert.is(received(udp), null, 'delivered once');
  assert.is(iface.counters.count(RxOutcome.FragmentDuplicate), 1, 'the first duplicate; the second lands after completion');
});

test('a fragment inside what was received is a duplicate', () => {
  const { iface, device, sockets, udp } = setup();
  const inner = ipv4Frame(IpProtocol.Udp, DATAGRAM.subarray(8, 16), { ident: 77, fragOffset: 8, moreFrags: true });
  device.inject(PIECES[0], inner, PIECES[1], PIECES[2]);
  iface.poll(T0, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
  assert.is(iface.counters.count(RxOutcome.FragmentDuplicate), 1);
});

test('an overlapping fragment drops the datagram (as Linux)', () => {
  const { iface, device, sockets, udp } = setup();
  const overlapping = ipv4Frame(IpProtocol.Udp, DATAGRAM.subarray(1192, 1208), { ident: 77, fragOffset: 1192, moreFrags: true });
  device.inject(PIECES[0], overlapping, PIECES[1], PIECES[2]);
  iface.poll(T0, device, sockets);
  assert.is(received(udp), null);
  assert.is(iface.counters.count(RxOutcome.ReassemblyOverlap), 1);
  // What arrives after the drop starts a new datagram that never completes.
  assert.is(iface.pollAt(T0, sockets), T0 + seconds(30));
});

test('a datagram not complete in 30 s is dropped, with ICMP time exceeded when its first fragment came', () => {
  const { iface, device, sockets, udp } = setup();
  device.inject(PIECES[0], PIECES[2]);
  iface.poll(T0, device, sockets);
  assert.is(iface.pollAt(T0, sockets), T0 + seconds(30));
  iface.poll(T0 + seconds(29), device, sockets);
  assert.is(device.take().length, 0);
  iface.poll(T0 + seconds(30), device, sockets);
  const [error, ...rest] = device.take();
  assert.is(rest.length, 0);
  assert.is(error.icmpv4!.msgType, Icmpv4Message.TimeExceeded);
  assert.is(error.icmpv4!.msgCode, Icmpv4TimeExceeded.FragExpired);
  assert.is(error.icmpv4!.quotedHeader.ident, 77);
  assert.ok(error.icmpv4!.quotedHeader.moreFrags, 'the first fragment\'s header');
  assert.is(error.icmpv4!.dataLength, 528, 'as much of the first fragment as fits in 576 bytes');
  assert.is(iface.counters.reassemblyTimeouts, 1);
  device.inject(PIECES[1]);
  iface.poll(T0 + seconds(31), device, sockets);
  assert.is(received(udp), null, 'the late fragment starts afresh');
});

test('no time exceeded when the first fragment never came (RFC 792)', () => {
  const { iface, device, sockets } = setup();
  device.inject(PIECES[1], PIECES[2]);
  iface.poll(T0, device, sockets);
  iface.poll(T0 + seconds(30), device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.reassemblyTimeouts, 1);
});

test('two datagrams at once, and running out of buffers', () => {
  const { iface, device, sockets, udp } = setup({ reassembly: { buffers: 1 } });
  const other = fragments(IpProtocol.Udp, DATAGRAM, 1200, { ident: 78 });
  device.inject(PIECES[0], other[0], PIECES[1], PIECES[2]);
  iface.poll(T0, device, sockets);
  assert.equal(received(udp), pattern(3000, 9));
  assert.is(iface.counters.count(RxOutcome.ReassemblyNoBuffer), 1);
});

test('a raw socket receives the reassembled datagram with fragment fields cleared', () => {
  const { iface, device, sockets } = setup();
  const raw = new RawIpSocket({ protocol: IpProtocol.Udp, rx: { packets: 2, payload: 8000 } });
  sockets.add(raw);
  device.inject(...PIECES);
  iface.poll(T0, device, sockets);
  const out = new Uint8Array(8000);
  const n = raw.recv(out, 0, out.length);
  assert.is(n, 20 + DATAGRAM.length);
  assert.is((out[2] << 8) | out[3], n, 'Total Length of the whole datagram');
  assert.is(((out[6] << 8) | out[7]) & 0x3fff, 0, 'MF clear, offset 0');
  assert.equal(out.subarray(20, n), DATAGRAM);
});

test('a 4000-byte UDP datagram leaves as fragments of at most the MTU, which tshark reassembles', () => {
  const { iface, device, sockets, udp } = setup();
  const payload = pattern(4000, 5);
  udp.send(payload, 0, payload.length, PEER_IP, 7777);
  iface.poll(T0, device, sockets);
  const frames = device.takeRaw();
  assert.is(frames.length, 3);
  assert.equal(frames.map((f) => f.length), [1514, 1514, 14 + 20 + (4008 - 2960)]);
  assert.is(iface.counters.txFragments, 3);
  // Feed them to a second interface: it reassembles them into the datagram.
  const other = new Interface({ hardwareAddr: PEER_MAC, addresses: ['192.168.69.2/24'] });
  const otherDevice = new TestDevice();
  const otherSockets = new SocketSet(1);
  const sink = new UdpSocket({ rx: { packets: 2, payload: 8000 } });
  sink.bind(7777);
  otherSockets.add(sink);
  otherDevice.inject(...frames);
  other.poll(T0, otherDevice, otherSockets);
  const out = new Uint8Array(8000);
  assert.is(sink.recv(out, 0, out.length), 4000);
  assert.equal(out.subarray(0, 4000), payload);

  const tshark = spawnSync('sh', ['-c', 'command -v tshark']).status === 0;
  if (!tshark) {
    if (process.env.CI === 'true') throw new Error('tshark is missing: .ci/run installs it (apt-get install tshark)');
    console.log('  skipped the tshark check: tshark is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'smoltcp-iface-frag-'));
  try {
    const file = join(dir, 'fragments.pcap');
    writeFileSync(file, pcapBytes(frames));
    const t = tsharkFields(file, ['ip.checksum.status', 'ip.flags.mf', 'ip.frag_offset', 'udp.length', 'udp.checksum.status', 'udp.dstport', 'ip.reassembled.length']);
    assert.is(t.length, 3);
    for (const f of t) assert.is(field(f, 'ip.checksum.status'), '1');
    const last = t[2]!;
    assert.is(field(last, 'ip.reassembled.length'), '4008', 'tshark reassembled the UDP datagram');
    assert.is(field(last, 'udp.length'), '4008');
    assert.is(field(last, 'udp.dstport'), '7777');
    assert.is(field(last, 'udp.checksum.status'), '1', 'the UDP checksum over the whole datagram is good');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a datagram larger than the MTU with DF set is dropped and counted', () => {
  const { iface, device, sockets } = setup();
  // Through a raw socket, which sends the header as given (DF set).
  const raw = new RawIpSocket({ protocol: 253, tx: { packets: 2, payload: 4000 } });
  sockets.add(raw);
  const packet = ipv4Frame(253, pattern(2000), { dontFrag: true, src: 0, dst: PEER_IP }).subarray(14);
  raw.send(packet, 0, packet.length);
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.txTooLarge, 1);
});

test('a fragmented datagram waiting for ARP goes out in fragments after the reply', async () => {
  const { ArpOperation } = await import('../../generated/index.js');
  const { arpFrame, OUR_IP } = await import('./support.js');
  const { iface, device, sockets, udp } = setup();
  const far = 0xc0a84503; // 192.168.69.3, unknown
  const payload = pattern(4000, 1);
  udp.send(payload, 0, payload.length, far, 7777);
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 1, 'the ARP request');
  assert.is(iface.waitingPackets, 3);
  device.inject(arpFrame(ArpOperation.Reply, 0x020000000003, far, OUR_MAC, OUR_IP));
  iface.poll(T0 + 10, device, sockets);
  const frames = device.take();
  assert.equal(frames.map((f) => f.ipv4!.fragOffset), [0, 1480, 2960]);
  assert.equal(frames.map((f) => f.ipv4!.moreFrags), [true, true, false]);
});

test.run();
