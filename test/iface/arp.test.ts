// ARP: requests for our address are answered with exact fields; senders are learned from requests and
// replies addressed to us, refreshed by gratuitous ARP, expire after 60 s; at most one request per
// second per address; a packet waiting for resolution goes out when the reply arrives.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArpOperation, EtherType, IpProtocol } from '../../generated/index.js';
import { Interface } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { NO_HARDWARE_ADDR } from '../../src/iface/neighbor-cache.js';
import { LogLevel } from '../../src/iface/logger.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { seconds } from '../../src/time.js';
import { EthernetAddress } from '../../src/wire/ethernet-address.js';
import { Ipv4Cidr } from '../../src/wire/ipv4-address.js';
import {
  BROADCAST_MAC, GW_IP, OUR_IP, OUR_MAC, PEER_IP, PEER_MAC, TestDevice, arpFrame, echoRequest, ip, ipv4Frame, mac, pattern,
} from './support.js';

const test = suite('iface/arp');
const T0 = 1_000_000_000;

function setup(options: Partial<ConstructorParameters<typeof Interface>[0]> = {}) {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], defaultGateway: '192.168.69.254', ...options });
  return { iface, device: new TestDevice(), sockets: new SocketSet(4) };
}

test('a request for our address gets a reply with exact fields, and the sender is learned', () => {
  const { iface, device, sockets } = setup();
  device.inject(arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, OUR_IP));
  assert.ok(iface.poll(T0, device, sockets));
  const [reply, ...rest] = device.take();
  assert.is(rest.length, 0);
  assert.is(reply.ethernet.srcAddr, OUR_MAC);
  assert.is(reply.ethernet.dstAddr, PEER_MAC);
  assert.is(reply.ethernet.etherType, EtherType.Arp);
  assert.is(reply.arp!.operation, ArpOperation.Reply);
  assert.is(reply.arp!.sourceHardwareAddr, OUR_MAC);
  assert.is(reply.arp!.sourceProtocolAddr, OUR_IP);
  assert.is(reply.arp!.targetHardwareAddr, PEER_MAC);
  assert.is(reply.arp!.targetProtocolAddr, PEER_IP);
  assert.is(iface.neighbors.lookup(PEER_IP, T0), PEER_MAC);
  assert.is(iface.counters.count(RxOutcome.Accepted), 1);
});

test('the reply is the exact 42-byte frame', () => {
  const { iface, device, sockets } = setup();
  device.inject(arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, OUR_IP));
  iface.poll(T0, device, sockets);
  const [frame] = device.takeRaw();
  const hex = Buffer.from(frame).toString('hex');
  assert.is(
    hex,
    '020000000002' + '020000000001' + '0806' + '0001' + '0800' + '06' + '04' + '0002' +
      '020000000001' + 'c0a84501' + '020000000002' + 'c0a84502',
  );
});

test('a request for another address is not answered nor learned from', () => {
  const { iface, device, sockets } = setup();
  device.inject(arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, ip('192.168.69.77')));
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.neighbors.lookup(PEER_IP, T0), NO_HARDWARE_ADDR);
  assert.is(iface.counters.count(RxOutcome.NotForUs), 1);
});

test('gratuitous ARP refreshes a known entry but creates none', () => {
  const { iface, device, sockets } = setup();
  const newMac = mac('02:00:00:00:00:99');
  device.inject(arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, PEER_IP));
  iface.poll(T0, device, sockets);
  assert.is(iface.neighbors.lookup(PEER_IP, T0), NO_HARDWARE_ADDR, 'not learned from a gratuitous ARP');
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  device.inject(arpFrame(ArpOperation.Request, newMac, PEER_IP, 0, PEER_IP));
  iface.poll(T0 + seconds(50), device, sockets);
  assert.is(iface.neighbors.lookup(PEER_IP, T0 + seconds(50)), newMac, 'refreshed with the new address');
  assert.is(iface.neighbors.lookup(PEER_IP, T0 + seconds(100)), newMac, 'and its lifetime restarted');
  assert.is(device.take().length, 0);
});

test('entries expire after 60 s', () => {
  const { iface, device, sockets } = setup();
  device.inject(arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP));
  iface.poll(T0, device, sockets);
  assert.is(iface.neighbors.lookup(PEER_IP, T0 + seconds(59)), PEER_MAC);
  assert.is(iface.neighbors.lookup(PEER_IP, T0 + seconds(60)), NO_HARDWARE_ADDR);
});

test('a full cache evicts the least recently used entry', () => {
  const { iface, device, sockets } = setup({ neighborCacheCapacity: 2 });
  const a = ip('192.168.69.10');
  const b = ip('192.168.69.11');
  const c = ip('192.168.69.12');
  device.inject(
    arpFrame(ArpOperation.Reply, mac('02:00:00:00:00:0a'), a, OUR_MAC, OUR_IP),
    arpFrame(ArpOperation.Reply, mac('02:00:00:00:00:0b'), b, OUR_MAC, OUR_IP),
  );
  iface.poll(T0, device, sockets);
  assert.is(iface.neighbors.lookup(a, T0), mac('02:00:00:00:00:0a')); // a is now more recent than b
  device.inject(arpFrame(ArpOperation.Reply, mac('02:00:00:00:00:0c'), c, OUR_MAC, OUR_IP));
  iface.poll(T0, device, sockets);
  assert.is(iface.neighbors.lookup(b, T0), NO_HARDWARE_ADDR, 'b evicted');
  assert.is(iface.neighbors.lookup(a, T0), mac('02:00:00:00:00:0a'));
  assert.is(iface.neighbors.lookup(c, T0), mac('02:00:00:00:00:0c'));
});

test('senders that are not unicast hosts on our subnet are dropped as malformed', () => {
  const { iface, device, sockets } = setup();
  device.inject(
    arpFrame(ArpOperation.Request, BROADCAST_MAC, PEER_IP, 0, OUR_IP),
    arpFrame(ArpOperation.Request, PEER_MAC, ip('10.0.0.1'), 0, OUR_IP),
    arpFrame(ArpOperation.Request, PEER_MAC, ip('192.168.69.255'), 0, OUR_IP),
  );
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.count(RxOutcome.Malformed), 3);
});

test('the first packet to an unknown neighbour waits for the ARP reply, then goes out', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(10), 0, 10, PEER_IP, 5000);
  iface.poll(T0, device, sockets);
  const [request, ...rest] = device.take();
  assert.is(rest.length, 0, 'only the ARP request went out');
  assert.is(request.ethernet.dstAddr, BROADCAST_MAC);
  assert.is(request.arp!.operation, ArpOperation.Request);
  assert.is(request.arp!.sourceProtocolAddr, OUR_IP);
  assert.is(request.arp!.targetProtocolAddr, PEER_IP);
  assert.is(request.arp!.targetHardwareAddr, 0);
  assert.is(iface.waitingPackets, 1);
  assert.is(udp.sendQueue, 0, 'the interface holds it now');
  device.inject(arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP));
  iface.poll(T0 + 1000, device, sockets);
  const [datagram, ...more] = device.take();
  assert.is(more.length, 0);
  assert.is(datagram.ethernet.dstAddr, PEER_MAC);
  assert.is(datagram.ipv4!.dstAddr, PEER_IP);
  assert.is(datagram.udp!.dstPort, 5000);
  assert.equal(datagram.udp!.payload!.subarray(datagram.udp!.payloadOffset, datagram.udp!.payloadOffset + 10), pattern(10));
  assert.is(iface.waitingPackets, 0);
});

test('the first echo reply to an unknown pinger is not lost', () => {
  const { iface, device, sockets } = setup();
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(7, 1, pattern(56))));
  iface.poll(T0, device, sockets);
  const [request] = device.take();
  assert.is(request.arp!.targetProtocolAddr, PEER_IP);
  device.inject(arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP));
  iface.poll(T0 + 1000, device, sockets);
  const [reply] = device.take();
  assert.is(reply.icmpv4!.echoSeqNo, 1);
});

test('at most one request per second per address, three in all, then the waiting packets are dropped', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(1), 0, 1, PEER_IP, 5000);
  udp.send(pattern(1), 0, 1, PEER_IP, 5001);
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 1, 'one request for two packets');
  assert.is(iface.pollAt(T0, sockets), T0 + seconds(1));
  iface.poll(T0 + seconds(0.5), device, sockets);
  assert.is(device.take().length, 0, 'not again within the second');
  iface.poll(T0 + seconds(1), device, sockets);
  assert.is(device.take().length, 1, 'a second request after a second');
  iface.poll(T0 + seconds(2), device, sockets);
  assert.is(device.take().length, 1, 'a third');
  iface.poll(T0 + seconds(3), device, sockets);
  assert.is(device.take().length, 0, 'given up');
  assert.is(iface.waitingPackets, 0);
  assert.is(iface.counters.txUnresolved, 2);
  assert.is(iface.counters.arpRequests, 3);
  assert.is(iface.pollAt(T0 + seconds(3), sockets), null);
});

test('requests for two addresses are limited separately', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(1), 0, 1, PEER_IP, 5000);
  udp.send(pattern(1), 0, 1, ip('192.168.69.3'), 5000);
  iface.poll(T0, device, sockets);
  const frames = device.take();
  assert.equal(frames.map((f) => f.arp!.targetProtocolAddr), [PEER_IP, ip('192.168.69.3')]);
});

test('an off-link destination is resolved through the default gateway', () => {
  const { iface, device, sockets } = setup();
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  const far = ip('10.9.8.7');
  udp.send(pattern(4), 0, 4, far, 53);
  iface.poll(T0, device, sockets);
  const [request] = device.take();
  assert.is(request.arp!.targetProtocolAddr, GW_IP, 'ARP asks for the gateway, not the destination');
  device.inject(arpFrame(ArpOperation.Reply, mac('02:00:00:00:00:fe'), GW_IP, OUR_MAC, OUR_IP));
  iface.poll(T0 + 10, device, sockets);
  const [datagram] = device.take();
  assert.is(datagram.ethernet.dstAddr, mac('02:00:00:00:00:fe'));
  assert.is(datagram.ipv4!.dstAddr, far);
  assert.is(datagram.ipv4!.srcAddr, OUR_IP);
});

test('without a route the packet is dropped and counted', () => {
  const { iface, device, sockets } = setup({ defaultGateway: null });
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(4), 0, 4, ip('10.9.8.7'), 53);
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.txNoRoute, 1);
  assert.is(udp.sendQueue, 0);
});

test('a more specific route wins over the default gateway', () => {
  const { iface, device, sockets } = setup({ routes: [{ network: '10.9.0.0/16', via: '192.168.69.9' }] });
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(4), 0, 4, ip('10.9.8.7'), 53);
  udp.send(pattern(4), 0, 4, ip('10.10.8.7'), 53);
  iface.poll(T0, device, sockets);
  assert.equal(device.take().map((f) => f.arp!.targetProtocolAddr), [ip('192.168.69.9'), GW_IP]);
});

test('addresses, routes and the hardware address may be given as objects as well as text; a /32 address has no broadcast', () => {
  const { iface, device, sockets } = setup({
    hardwareAddr: EthernetAddress.fromNumber(OUR_MAC),
    addresses: [Ipv4Cidr.from('192.168.69.1/24'), Ipv4Cidr.from('10.0.0.1/32')],
    routes: [{ network: Ipv4Cidr.from('10.9.0.0/16'), via: '192.168.69.9' }],
  });
  // The peer is learned first, so the echo reply below goes out at once.
  device.inject(arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, OUR_IP));
  iface.poll(T0, device, sockets);
  assert.is(device.take()[0]!.arp!.sourceHardwareAddr, OUR_MAC);
  // The /32 address is ours: an echo request to it is answered from it.
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(7, 1, pattern(8)), { dst: ip('10.0.0.1') }));
  iface.poll(T0, device, sockets);
  const [reply] = device.take();
  assert.is(reply!.ipv4!.srcAddr, ip('10.0.0.1'));
  // The route given as an Ipv4Cidr is used.
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(4), 0, 4, ip('10.9.8.7'), 53);
  iface.poll(T0, device, sockets);
  assert.equal(device.take().map((f) => f.arp!.targetProtocolAddr), [ip('192.168.69.9')]);
});

test('the log names ARP events: learned and refreshed at trace level, an address that did not answer at debug level, and so does a missing route', () => {
  const lines: string[] = [];
  const { iface, device, sockets } = setup({ logger: { log: (level, m) => lines.push(`${level}:${m}`) }, defaultGateway: null });
  device.inject(arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP));
  iface.poll(T0, device, sockets);
  device.inject(arpFrame(ArpOperation.Request, mac('02:00:00:00:00:99'), PEER_IP, 0, PEER_IP));
  iface.poll(T0 + 1, device, sockets);
  const udp = new UdpSocket();
  udp.bind(4000);
  sockets.add(udp);
  udp.send(pattern(1), 0, 1, ip('192.168.69.3'), 5000);
  udp.send(pattern(1), 0, 1, ip('10.9.8.7'), 5000);
  for (let i = 0; i < 4; i++) iface.poll(T0 + seconds(i + 1), device, sockets);
  const text = lines.join('\n');
  assert.ok(lines.includes(`${LogLevel.Trace}:arp: learned 192.168.69.2 at 02:00:00:00:00:02`), text);
  assert.ok(lines.includes(`${LogLevel.Trace}:arp: refreshed 192.168.69.2 at 02:00:00:00:00:99`), text);
  assert.ok(lines.includes(`${LogLevel.Debug}:arp: 192.168.69.3 did not answer; 1 waiting packet(s) dropped`), text);
  assert.ok(lines.includes(`${LogLevel.Debug}:ipv4: no route to 10.9.8.7`), text);
});

test.run();
