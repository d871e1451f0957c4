// Corners of the interface: a socket held back while its neighbour resolves and resumed by the reply,
// replies dropped when the waiting queue is full, Don't Fragment, raw packets without a route, malformed
// fragments, reassembly timeouts of ICMP datagrams, a device that is not Ethernet, verbose send events.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArpOperation, Icmpv4Message, IpProtocol } from '../../generated/index.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { IfaceError } from '../../src/iface/errors.js';
import { Interface, type InterfaceOptions } from '../../src/iface/interface.js';
import { LogLevel } from '../../src/iface/logger.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { RawIpSocket } from '../../src/socket/raw-ip.js';
import { EmitResult, SocketKind, SocketMeta, type PacketEmitter, type TcpSocketContract } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { seconds } from '../../src/time.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import {
  OUR_IP, OUR_MAC, PEER_IP, PEER_MAC, TestDevice, arpFrame, echoRequest, fragments, icmpBytes, ip, ipv4Frame, pattern,
} from './support.js';

const test = suite('iface/edges');
const T0 = 1_000_000_000;

function setup(options: Partial<InterfaceOptions> = {}) {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], ...options });
  return { iface, device: new TestDevice(), sockets: new SocketSet(8) };
}

test('a socket whose next hop is unresolved and whose waiting room is full waits, then resumes after the ARP reply', () => {
  const { iface, device, sockets } = setup({ neighborQueue: { perDestination: 1 } });
  const s = new UdpSocket();
  s.bind(9);
  sockets.add(s);
  s.send(pattern(4), 0, 4, PEER_IP, 7);
  s.send(pattern(4), 0, 4, PEER_IP, 8);
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 1, 'the ARP request');
  assert.is(iface.waitingPackets, 1);
  assert.is(s.sendQueue, 1, 'the second datagram stays in the socket');
  assert.is(iface.pollAt(T0, sockets), T0 + seconds(1), 'no busy loop: the next thing is the ARP retry');
  device.inject(arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP));
  iface.poll(T0 + 10, device, sockets);
  const sent = device.take();
  assert.equal(sent.map((f) => f.udp!.dstPort), [7, 8], 'the waiting one, then the socket\'s');
  assert.is(s.sendQueue, 0);
});

test('replies to an unresolved sender are dropped and counted when the waiting room is full', () => {
  const { iface, device, sockets } = setup({ neighborQueue: { perDestination: 1 } });
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(1, 1, pattern(8))), ipv4Frame(IpProtocol.Icmp, echoRequest(1, 2, pattern(8))));
  iface.poll(T0, device, sockets);
  assert.is(iface.waitingPackets, 1);
  assert.is(iface.counters.txUnresolved, 1);
  assert.is(iface.counters.count(RxOutcome.Accepted), 2, 'both requests were taken');
});

/** A TCP "socket" that sends one segment of `length` bytes, with DF, at dispatch. */
class Sender implements TcpSocketContract {
  readonly kind = SocketKind.Tcp;
  readonly meta = new SocketMeta();
  result: EmitResult | null = null;
  constructor(private readonly length: number) {}
  accepts(): boolean {
    return false;
  }
  process(): TcpRepr | null {
    return null;
  }
  dispatch(_now: number, emitter: PacketEmitter): boolean {
    if (this.result !== null) return false;
    const ip = new Ipv4Repr({ dstAddr: PEER_IP, protocol: IpProtocol.Tcp, dontFrag: true });
    const tcp = new TcpRepr({ srcPort: 1, dstPort: 2, control: TcpControl.Psh, ack: true, windowLen: 100 });
    tcp.setPayload(new Uint8Array(this.length), 0, this.length);
    this.result = emitter.emitTcp(ip, tcp);
    return true;
  }
  pollAt(): number | null {
    return null;
  }
}

test('a datagram larger than the MTU with Don\'t Fragment is dropped; one that fits goes', () => {
  const { iface, device, sockets } = setup();
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  const big = new Sender(1461);
  const fits = new Sender(1460);
  sockets.add(big);
  sockets.add(fits);
  iface.poll(T0, device, sockets);
  assert.is(big.result, EmitResult.Dropped);
  assert.is(fits.result, EmitResult.Sent);
  assert.is(iface.counters.txTooLarge, 1);
  const [frame] = device.take();
  assert.ok(frame.ipv4!.dontFrag);
  assert.is(frame.tcp!.payloadLength, 1460);
});

test('a raw packet to a destination without a route is dropped and counted', () => {
  const { iface, device, sockets } = setup();
  const raw = new RawIpSocket({ protocol: 253 });
  sockets.add(raw);
  const packet = ipv4Frame(253, pattern(4), { src: 0, dst: ip('10.1.1.1') }).subarray(14);
  raw.send(packet, 0, packet.length);
  iface.poll(T0, device, sockets);
  assert.is(iface.counters.txNoRoute, 1);
  assert.is(raw.sendQueue, 0);
});

test('a middle fragment whose length is not a multiple of 8 is malformed', () => {
  const { iface, device, sockets } = setup();
  device.inject(ipv4Frame(IpProtocol.Udp, pattern(12), { moreFrags: true, fragOffset: 0 }));
  iface.poll(T0, device, sockets);
  assert.is(iface.counters.count(RxOutcome.Malformed), 1);
});

test('reassembly timeouts: time exceeded about an echo request, none about an ICMP error', () => {
  const { iface, device, sockets } = setup();
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  const request = echoRequest(1, 1, pattern(2000));
  const error = new Icmpv4Repr();
  error.msgType = Icmpv4Message.DstUnreachable;
  error.msgCode = 3;
  error.quotedHeader.srcAddr = OUR_IP;
  error.quotedHeader.dstAddr = PEER_IP;
  error.quotedHeader.protocol = IpProtocol.Udp;
  error.quotedHeader.payloadLength = 2000;
  error.setData(pattern(1500), 0, 1500);
  device.inject(fragments(IpProtocol.Icmp, request, 1200, { ident: 1 })[0], fragments(IpProtocol.Icmp, icmpBytes(error), 1200, { ident: 2 })[0]);
  iface.poll(T0, device, sockets);
  iface.poll(T0 + seconds(30), device, sockets);
  const sent = device.take();
  assert.is(sent.length, 1);
  assert.is(sent[0].icmpv4!.msgType, Icmpv4Message.TimeExceeded);
  assert.is(sent[0].icmpv4!.quotedHeader.ident, 1);
  assert.is(iface.counters.reassemblyTimeouts, 2);
});

test('a device that is not Ethernet is refused with an IfaceError', () => {
  const { iface, sockets } = setup();
  const device = new TestDevice();
  (device.capabilities() as { medium: string }).medium = 'ip';
  assert.throws(() => iface.poll(T0, device, sockets), (e: unknown) => e instanceof IfaceError && e.code === 'ERR_IFACE_BAD_DEVICE');
});

test('verbose: a trace event for every socket write, by kind', () => {
  const lines: string[] = [];
  const { iface, device, sockets } = setup({ logger: { log: (_l: LogLevel, m: string) => lines.push(m) }, verbose: true });
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  const udp = new UdpSocket();
  udp.bind(9);
  const icmp = new IcmpSocket();
  icmp.bindIdent(3);
  const raw = new RawIpSocket({ protocol: 253 });
  const tcp = new Sender(10);
  for (const s of [udp, icmp, raw, tcp]) sockets.add(s);
  udp.send(pattern(4), 0, 4, PEER_IP, 7);
  const ping = echoRequest(3, 1, pattern(4));
  icmp.send(ping, 0, ping.length, PEER_IP);
  const packet = ipv4Frame(253, pattern(4), { src: 0, dst: PEER_IP }).subarray(14);
  raw.send(packet, 0, packet.length);
  iface.poll(T0, device, sockets);
  for (const kind of ['udp', 'icmp', 'raw', 'tcp']) {
    assert.ok(lines.some((l) => l.startsWith(`socket ${kind}: sent`)), `${kind}: ${lines.join('\n')}`);
  }
});

test('icmp and raw sockets: queues, peek, close, full receive buffers', () => {
  const icmp = new IcmpSocket({ rx: { packets: 1, payload: 64 } });
  assert.not.ok(icmp.isOpen());
  icmp.bindIdent(1);
  assert.ok(icmp.isOpen());
  assert.ok(icmp.canSend(8));
  assert.not.ok(icmp.canRecv());
  const ip4 = new Ipv4Repr({ srcAddr: PEER_IP });
  const message = echoRequest(1, 1, pattern(4));
  assert.ok(icmp.process(0, ip4, message, 0, message.length));
  assert.not.ok(icmp.process(0, ip4, message, 0, message.length));
  assert.is(icmp.rxDropped, 1);
  assert.ok(icmp.canRecv());
  assert.is(icmp.recvQueue, 1);
  assert.is(icmp.sendQueue, 0);
  assert.is(icmp.pollAt(5), null);
  assert.is(icmp.peek(new Uint8Array(64), 0, 64), message.length);
  icmp.close();
  assert.not.ok(icmp.isOpen());
  assert.is(icmp.recv(new Uint8Array(64), 0, 64), -1);
  assert.throws(() => new IcmpSocket({ hopLimit: -1 }), /hopLimit/);

  const raw = new RawIpSocket({ protocol: 253, rx: { packets: 1, payload: 64 } });
  assert.ok(raw.canSend(20));
  assert.not.ok(raw.canRecv());
  assert.ok(raw.process(0, ip4, message, 0, message.length));
  assert.not.ok(raw.process(0, ip4, message, 0, message.length));
  assert.is(raw.rxDropped, 1);
  assert.ok(raw.canRecv());
  assert.is(raw.recvQueue, 1);
  assert.is(raw.sendQueue, 0);
  assert.is(raw.pollAt(5), null);
  assert.is(raw.peek(new Uint8Array(64), 0, 64), message.length);
  assert.is(raw.recv(new Uint8Array(64), 0, 64), message.length);
  assert.is(raw.recv(new Uint8Array(64), 0, 64), -1);
});

test.run();
