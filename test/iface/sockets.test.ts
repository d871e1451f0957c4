// Sockets through the interface: UDP both ways with endpoints and broadcast, a full socket buffer
// counted, an ICMP socket bound to a UDP port hearing "port unreachable", raw sockets, TCP segments
// without a socket answered with RST (RFC 9293 3.10.7.1), a TCP socket plugged in through the contract, a
// burst read in one poll acknowledged once after it, ICMP errors and ARP failures told to the TCP
// socket whose segment they are about,
// poll's return value, pollAt/pollDelay and the logger.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Icmpv4DstUnreachable, Icmpv4Message, IpProtocol } from '../../generated/index.js';
import { Interface, type InterfaceOptions } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { Loopback } from '../../src/phy/loopback.js';
import { LogLevel } from '../../src/iface/logger.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { RawIpSocket } from '../../src/socket/raw-ip.js';
import { EmitResult, IpEndpoint, SocketKind, SocketMeta, type PacketEmitter, type TcpSocketContract } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { TcpListener } from '../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../../src/socket/tcp/socket.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { RingBuffer } from '../../src/storage/ring-buffer.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { seconds } from '../../src/time.js';
import { TcpControl, TcpRepr } from '../../src/wire/tcp.js';
import {
  BROADCAST_MAC, GW_IP, OUR_IP, OUR_MAC, PEER_IP, PEER_MAC, TestDevice, echoRequest, icmpBytes, ip, ipv4Frame, pattern, tcpBytes, udpFrame,
} from './support.js';

const test = suite('iface/sockets');
const T0 = 1_000_000_000;

function setup(options: Partial<InterfaceOptions> = {}) {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], ...options });
  iface.neighbors.fill(PEER_IP, PEER_MAC, T0);
  return { iface, device: new TestDevice(), sockets: new SocketSet(8) };
}

test('udp: a datagram in reaches the socket with its sender; the reply goes back', () => {
  const { iface, device, sockets } = setup();
  const s = new UdpSocket();
  s.bind(7);
  sockets.add(s);
  device.inject(udpFrame(40000, 7, pattern(100)));
  assert.ok(iface.poll(T0, device, sockets));
  const out = new Uint8Array(2000);
  const from = new IpEndpoint();
  const n = s.recv(out, 0, out.length, from);
  assert.is(n, 100);
  assert.equal(out.subarray(0, n), pattern(100));
  s.send(out, 0, n, from.addr, from.port);
  assert.ok(iface.poll(T0 + 1, device, sockets));
  const [reply] = device.take();
  assert.is(reply.ethernet.dstAddr, PEER_MAC);
  assert.is(reply.ipv4!.srcAddr, OUR_IP);
  assert.is(reply.udp!.srcPort, 7);
  assert.is(reply.udp!.dstPort, 40000);
  assert.is(reply.udp!.payloadLength, 100);
  assert.not.ok(iface.poll(T0 + 2, device, sockets), 'nothing to do: poll says so');
});

test('udp: broadcast to 255.255.255.255 and the subnet broadcast go to the Ethernet broadcast', () => {
  const { iface, device, sockets } = setup();
  const s = new UdpSocket();
  s.bind(68);
  sockets.add(s);
  s.send(pattern(4), 0, 4, 0xffffffff, 67);
  s.send(pattern(4), 0, 4, 0xc0a845ff, 67);
  iface.poll(T0, device, sockets);
  const frames = device.take();
  assert.equal(frames.map((f) => f.ethernet.dstAddr), [BROADCAST_MAC, BROADCAST_MAC]);
  assert.equal(frames.map((f) => f.ipv4!.srcAddr), [OUR_IP, OUR_IP]);
  assert.is(iface.counters.arpRequests, 0);
});

test('udp: a full socket buffer is counted by the socket and the interface', () => {
  const { iface, device, sockets } = setup();
  const s = new UdpSocket({ rx: { packets: 1, payload: 1000 } });
  s.bind(7);
  sockets.add(s);
  device.inject(udpFrame(1, 7, pattern(10)), udpFrame(1, 7, pattern(10)));
  iface.poll(T0, device, sockets);
  assert.is(s.rxDropped, 1);
  assert.is(iface.counters.count(RxOutcome.SocketBufferFull), 1);
  assert.is(device.take().length, 0, 'no ICMP error for a full buffer');
});

test('icmp socket bound to a UDP port hears the port unreachable about its datagram', () => {
  const { iface, device, sockets } = setup();
  const peer = new Interface({ hardwareAddr: PEER_MAC, addresses: ['192.168.69.2/24'] });
  peer.neighbors.fill(OUR_IP, OUR_MAC, T0);
  const peerDevice = new TestDevice();
  const udp = new UdpSocket();
  udp.bind(5555);
  const errors = new IcmpSocket();
  errors.bindUdpPort(5555);
  sockets.add(udp);
  sockets.add(errors);
  udp.send(pattern(20), 0, 20, PEER_IP, 9);
  iface.poll(T0, device, sockets);
  peerDevice.inject(...device.takeRaw());
  peer.poll(T0, peerDevice, new SocketSet(1));
  device.inject(...peerDevice.takeRaw());
  iface.poll(T0 + 1, device, sockets);
  const out = new Uint8Array(600);
  const from = new IpEndpoint();
  const n = errors.recv(out, 0, out.length, from);
  assert.ok(n > 0);
  assert.is(from.addr, PEER_IP);
  assert.is(out[0], Icmpv4Message.DstUnreachable);
  assert.is(out[1], 3);
});

test('icmp socket: a ping and its reply', () => {
  const { iface, device, sockets } = setup();
  const s = new IcmpSocket();
  s.bindIdent(0x99);
  sockets.add(s);
  const request = echoRequest(0x99, 1, pattern(8));
  s.send(request, 0, request.length, PEER_IP);
  iface.poll(T0, device, sockets);
  const [sent] = device.take();
  assert.is(sent.icmpv4!.msgType, Icmpv4Message.EchoRequest);
  assert.is(sent.ipv4!.srcAddr, OUR_IP);
  assert.is(sent.ipv4!.hopLimit, 64);
});

test('raw socket: receives a copy while the interface still answers; a taken protocol is not unreachable', () => {
  const { iface, device, sockets } = setup();
  const icmpRaw = new RawIpSocket({ protocol: IpProtocol.Icmp });
  const other = new RawIpSocket({ protocol: 253 });
  sockets.add(icmpRaw);
  sockets.add(other);
  device.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(1, 1, pattern(8))), ipv4Frame(253, pattern(5)));
  iface.poll(T0, device, sockets);
  assert.is(icmpRaw.recvQueue, 1);
  assert.is(other.recvQueue, 1);
  const frames = device.take();
  assert.is(frames.length, 1, 'the echo reply, and no protocol unreachable');
  assert.is(frames[0].icmpv4!.msgType, Icmpv4Message.EchoReply);
  const out = new Uint8Array(100);
  assert.is(other.recv(out, 0, 100), 25);
  assert.is(out[9], 253);
});

test('raw socket: a packet with source 0.0.0.0 gets ours and a fresh header checksum', () => {
  const { iface, device, sockets } = setup();
  const raw = new RawIpSocket({ protocol: 253 });
  sockets.add(raw);
  const packet = ipv4Frame(253, pattern(5), { src: 0, dst: PEER_IP }).subarray(14);
  raw.send(packet, 0, packet.length);
  iface.poll(T0, device, sockets);
  const [sent] = device.take();
  assert.is(sent.ipv4!.srcAddr, OUR_IP, 'decoded with its checksum verified');
});

function tcpIn(fields: Partial<TcpRepr>, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return ipv4Frame(IpProtocol.Tcp, tcpBytes({ srcPort: 40000, dstPort: 80, windowLen: 1000, ...fields }, payload));
}

test('tcp without a socket: a SYN gets RST,ACK with ACK = SEQ + 1 (RFC 9293 3.10.7.1)', () => {
  const { iface, device, sockets } = setup();
  device.inject(tcpIn({ control: TcpControl.Syn, seqNumber: 0xfffffff0 }));
  iface.poll(T0, device, sockets);
  const [rst] = device.take();
  const t = rst.tcp!;
  assert.is(t.control, TcpControl.Rst);
  assert.ok(t.ack);
  assert.is(t.seqNumber, 0);
  assert.is(t.ackNumber, 0xfffffff1);
  assert.is(t.srcPort, 80);
  assert.is(t.dstPort, 40000);
  assert.is(rst.ipv4!.dstAddr, PEER_IP);
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1);
});

test('tcp without a socket: a segment with ACK gets RST with SEQ = SEG.ACK; data counts in SEG.LEN', () => {
  const { iface, device, sockets } = setup();
  device.inject(tcpIn({ ack: true, seqNumber: 100, ackNumber: 0x80000000 }, pattern(10)));
  device.inject(tcpIn({ control: TcpControl.Fin, seqNumber: 5 }, pattern(10)));
  iface.poll(T0, device, sockets);
  const [a, b] = device.take();
  assert.is(a.tcp!.control, TcpControl.Rst);
  assert.not.ok(a.tcp!.ack);
  assert.is(a.tcp!.seqNumber, 0x80000000);
  assert.is(b.tcp!.ackNumber, 5 + 10 + 1, 'payload plus FIN');
});

test('tcp without a socket: a RST is not answered', () => {
  const { iface, device, sockets } = setup();
  device.inject(tcpIn({ control: TcpControl.Rst, seqNumber: 1 }));
  iface.poll(T0, device, sockets);
  assert.is(device.take().length, 0);
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1);
});

/** The smallest TCP "socket" honouring the contract: accepts port 80, answers with an ACK, sends a FIN on dispatch. */
class FakeTcp implements TcpSocketContract {
  readonly kind = SocketKind.Tcp;
  readonly meta = new SocketMeta();
  readonly reply = new TcpRepr();
  readonly ip = new Ipv4Repr();
  received = 0;
  pendingFin = false;
  accepts(_ip: Ipv4Repr, tcp: TcpRepr): boolean {
    return tcp.dstPort === 80;
  }
  process(_now: number, ip: Ipv4Repr, tcp: TcpRepr): TcpRepr | null {
    this.received += tcp.payloadLength;
    this.ip.dstAddr = ip.srcAddr;
    const r = this.reply;
    r.srcPort = 80;
    r.dstPort = tcp.srcPort;
    r.ack = true;
    r.ackNumber = (tcp.seqNumber + tcp.segmentLength()) >>> 0;
    r.seqNumber = 1000;
    r.windowLen = 512;
    this.pendingFin = true;
    return r;
  }
  dispatch(_now: number, emitter: PacketEmitter): boolean {
    if (!this.pendingFin) return false;
    this.reply.control = TcpControl.Fin;
    this.ip.srcAddr = 0;
    this.ip.protocol = IpProtocol.Tcp;
    this.ip.hopLimit = 0;
    this.ip.dontFrag = true;
    if (emitter.ipMtu !== 1500) throw new Error(`the emitter says the IP MTU is ${emitter.ipMtu}`);
    if (emitter.emitTcp(this.ip, this.reply) === EmitResult.Busy) return false;
    this.pendingFin = false;
    return true;
  }
  pollAt(now: number): number | null {
    return this.pendingFin ? now : null;
  }
}

test('tcp: a socket implementing the contract gets the segment, and its reply and dispatch go out', () => {
  const { iface, device, sockets } = setup();
  const tcp = new FakeTcp();
  sockets.add(tcp);
  device.inject(tcpIn({ ack: true, seqNumber: 7, ackNumber: 1000 }, pattern(3)));
  iface.poll(T0, device, sockets);
  assert.is(tcp.received, 3);
  const [ack, fin] = device.take();
  assert.is(ack.tcp!.ackNumber, 10);
  assert.is(ack.tcp!.control, TcpControl.None);
  assert.is(fin.tcp!.control, TcpControl.Fin);
  assert.ok(fin.ipv4!.dontFrag);
  assert.is(iface.counters.count(RxOutcome.Accepted), 1);
});

// A burst read in one poll is acknowledged once, after it (a stretch ACK, as Linux acknowledges what GRO
// or its socket backlog gathered): the sockets dispatch when the burst is read. Dispatching mid-burst,
// an ACK every second segment, was measured against the kernel on a tap: its ACKs let the kernel refill
// the queue as fast as the poll read it, the application could not read until the poll ended, the window
// closed, and the kernel writing to us fell from about 17 to about 11 Gbit/s.
for (const via of ['a socket', 'a listener'] as const) {
  test(`tcp: a burst of ten full-sized segments read in one poll draws one ACK for all of them (${via})`, () => {
    const { iface, device, sockets } = setup();
    const socket = new TcpSocket({
      rxBuffer: new RingBuffer(new Uint8Array(64 * 1024)),
      txBuffer: new RingBuffer(new Uint8Array(1024)),
      ackDelay: 100_000,
      timestamps: false,
    });
    if (via === 'a socket') {
      socket.listen(80);
      sockets.add(socket);
    } else {
      const listener = new TcpListener({ pool: [socket] });
      listener.listen(80);
      sockets.add(listener);
    }
    device.inject(tcpIn({ control: TcpControl.Syn, seqNumber: 1000, windowLen: 8192, maxSegSize: 1460 }));
    iface.poll(T0, device, sockets);
    const [synAck] = device.take();
    assert.is(synAck.tcp!.control, TcpControl.Syn);
    const iss = synAck.tcp!.seqNumber;
    device.inject(tcpIn({ ack: true, seqNumber: 1001, ackNumber: (iss + 1) >>> 0, windowLen: 8192 }));
    iface.poll(T0, device, sockets);
    assert.is(device.take().length, 0);
    for (let i = 0; i < 10; i++) {
      device.inject(tcpIn({ ack: true, seqNumber: 1001 + 1460 * i, ackNumber: (iss + 1) >>> 0, windowLen: 8192 }, pattern(1460, i)));
    }
    iface.poll(T0, device, sockets);
    assert.equal(device.take().map((f) => f.tcp!.ackNumber), [1001 + 10 * 1460]);
  });
}

// ICMP errors about TCP segments (RFC 1122 section 4.2.3.9) reach the socket that sent the segment; so
// does a datagram dropped because the next hop never answered ARP, as Linux reports it.

/** A TcpSocket connecting from OUR_IP:40000 to PEER_IP:80 through the interface; its SYN's frame. */
function connecting(iface: Interface, device: TestDevice, sockets: SocketSet, now = T0): { socket: TcpSocket; syn: Uint8Array } {
  const socket = new TcpSocket({ rxBuffer: new RingBuffer(new Uint8Array(1024)), txBuffer: new RingBuffer(new Uint8Array(1024)) });
  sockets.add(socket);
  socket.connect(new IpEndpoint(PEER_IP, 80), new IpEndpoint(OUR_IP, 40000));
  iface.poll(now, device, sockets);
  const [syn] = device.takeRaw();
  return { socket, syn: syn! };
}

/** An ICMP error from GW_IP quoting the IPv4 header and first 8 payload bytes of our frame `frame`. */
function icmpAbout(frame: Uint8Array, msgType: Icmpv4Message, msgCode: number, patch?: (quoted: Uint8Array) => void): Uint8Array {
  const quoted = frame.slice(14, 14 + 28);
  patch?.(quoted);
  const icmp = new Icmpv4Repr();
  icmp.msgType = msgType;
  icmp.msgCode = msgCode;
  const header = new DataView(quoted.buffer);
  const q = icmp.quotedHeader;
  q.srcAddr = header.getUint32(12);
  q.dstAddr = header.getUint32(16);
  q.protocol = quoted[9]!;
  q.hopLimit = quoted[8]!;
  q.payloadLength = header.getUint16(2) - 20;
  icmp.setData(quoted, 20, 8);
  return ipv4Frame(IpProtocol.Icmp, icmpBytes(icmp), { src: GW_IP });
}

test('tcp: ICMP host unreachable about our SYN ends the connect at once (Accepted), with the cause', () => {
  const { iface, device, sockets } = setup();
  const { socket, syn } = connecting(iface, device, sockets);
  device.inject(icmpAbout(syn, Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.HostUnreachable));
  iface.poll(T0 + 1000, device, sockets);
  assert.is(socket.state, TcpState.Closed);
  assert.is(socket.endCause, 'host-unreachable');
  assert.is(iface.counters.count(RxOutcome.Accepted), 1);
});

test('tcp: each ICMP code as Linux reads it: net codes, port and protocol (refused), time exceeded (host)', () => {
  const cases: [Icmpv4Message, number, string][] = [
    [Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.NetUnreachable, 'net-unreachable'],
    [Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.NetProhibited, 'net-unreachable'],
    [Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.PortUnreachable, 'refused'],
    [Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.ProtoUnreachable, 'refused'],
    [Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.CommProhibited, 'host-unreachable'],
    [Icmpv4Message.TimeExceeded, 0, 'host-unreachable'],
  ];
  for (const [msgType, code, cause] of cases) {
    const { iface, device, sockets } = setup();
    const { socket, syn } = connecting(iface, device, sockets);
    device.inject(icmpAbout(syn, msgType, code));
    iface.poll(T0 + 1000, device, sockets);
    assert.is(socket.endCause, cause, `type ${msgType} code ${code}`);
  }
});

test('tcp: ICMP errors quoting another sequence number, another port, or fragmentation needed leave the connect alone', () => {
  const patches: [string, number, (q: Uint8Array) => void][] = [
    ['sequence number', Icmpv4DstUnreachable.HostUnreachable, (q) => (q[27] = q[27]! ^ 1)],
    ['source port', Icmpv4DstUnreachable.HostUnreachable, (q) => (q[21] = q[21]! ^ 1)],
    ['fragmentation needed', Icmpv4DstUnreachable.FragRequired, () => {}],
  ];
  for (const [what, code, patch] of patches) {
    const { iface, device, sockets } = setup();
    const { socket, syn } = connecting(iface, device, sockets);
    device.inject(icmpAbout(syn, Icmpv4Message.DstUnreachable, code, patch));
    iface.poll(T0 + 1000, device, sockets);
    assert.is(socket.state, TcpState.SynSent, what);
    assert.is(socket.endCause, 'none', what);
  }
});

test('tcp: a listener hands an ICMP error to the connection it quotes (SYN-RECEIVED goes back to LISTEN, the pool socket is free again)', () => {
  const { iface, device, sockets } = setup();
  const listener = new TcpListener({ pool: [new TcpSocket({ rxBuffer: new RingBuffer(new Uint8Array(1024)), txBuffer: new RingBuffer(new Uint8Array(1024)) })] });
  listener.listen(80);
  sockets.add(listener);
  device.inject(tcpIn({ control: TcpControl.Syn, seqNumber: 1000, windowLen: 8192 }));
  iface.poll(T0, device, sockets);
  const [synAck] = device.takeRaw();
  device.inject(icmpAbout(synAck!, Icmpv4Message.DstUnreachable, Icmpv4DstUnreachable.HostUnreachable));
  iface.poll(T0 + 1000, device, sockets);
  assert.is(iface.counters.count(RxOutcome.Accepted), 2);
  // The one socket of the pool takes a new SYN from another port.
  device.inject(tcpIn({ control: TcpControl.Syn, srcPort: 40001, seqNumber: 5000, windowLen: 8192 }));
  iface.poll(T0 + 2000, device, sockets);
  const [again] = device.take();
  assert.is(again.tcp!.control, TcpControl.Syn);
  assert.is(again.tcp!.dstPort, 40001);
  assert.is(listener.synDropped, 0);
});

test('tcp: a SYN whose next hop never answers ARP ends the connect with host-unreachable when ARP gives up', () => {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'] });
  const device = new TestDevice();
  const sockets = new SocketSet(8);
  const { socket } = connecting(iface, device, sockets);
  let t = T0;
  let arps = 0;
  while (socket.state === TcpState.SynSent && t < T0 + seconds(60)) {
    t += seconds(1);
    iface.poll(t, device, sockets);
    arps += device.take().filter((f) => f.arp !== undefined).length;
  }
  assert.is(socket.state, TcpState.Closed);
  assert.is(socket.endCause, 'host-unreachable');
  assert.ok(arps >= 2, `${arps} ARP requests before giving up`);
  assert.ok(t <= T0 + seconds(10), 'ended when ARP gave up, not after the SYN retries');
  assert.ok(iface.counters.txUnresolved >= 1, 'the SYN (and any retransmission) dropped unsent');
});

test('an interface on a Loopback device reaches its own address with its own MAC, without ARP', () => {
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['127.0.0.1/8'] });
  const device = new Loopback();
  const sockets = new SocketSet(4);
  const server = new UdpSocket();
  server.bind(7);
  const client = new UdpSocket();
  client.bind(40000);
  sockets.add(server);
  sockets.add(client);
  client.send(pattern(10), 0, 10, ip('127.0.0.1'), 7);
  for (let i = 0; i < 3; i++) iface.poll(T0 + i, device, sockets);
  const from = new IpEndpoint();
  const got = new Uint8Array(64);
  assert.is(server.recv(got, 0, got.length, from), 10);
  assert.equal(got.subarray(0, 10), pattern(10));
  assert.is(from.port, 40000);
  assert.is(iface.counters.arpRequests, 0);
});

test('nothing escapes poll(): a socket that throws while taking a packet is counted as internal', () => {
  const { iface, device, sockets } = setup();
  const broken = new FakeTcp();
  broken.process = () => {
    throw new Error('bug in a socket');
  };
  sockets.add(broken);
  device.inject(tcpIn({ ack: true, seqNumber: 7, ackNumber: 1000 }), udpFrame(1, 9, pattern(4)));
  iface.poll(T0, device, sockets);
  assert.is(iface.counters.count(RxOutcome.Internal), 1);
  assert.is(iface.counters.count(RxOutcome.NoSocket), 1, 'the next frame was processed');
});

test('pollAt and pollDelay: now while a socket has something to send, null when idle', () => {
  const { iface, device, sockets } = setup();
  const s = new UdpSocket();
  s.bind(7);
  sockets.add(s);
  assert.is(iface.pollAt(T0, sockets), null);
  assert.is(iface.pollDelay(T0, sockets), null);
  s.send(pattern(1), 0, 1, PEER_IP, 9);
  assert.is(iface.pollAt(T0, sockets), T0);
  assert.is(iface.pollDelay(T0, sockets), 0);
  iface.poll(T0, device, sockets);
  assert.is(iface.pollDelay(T0, sockets), null);
});

test('a busy device keeps the datagram in the socket for the next poll', () => {
  const { iface, device, sockets } = setup();
  const s = new UdpSocket();
  s.bind(7);
  sockets.add(s);
  s.send(pattern(1), 0, 1, PEER_IP, 9);
  device.writable = false;
  iface.poll(T0, device, sockets);
  assert.is(s.sendQueue, 1);
  assert.is(iface.counters.txDeviceBusy, 1);
  device.writable = true;
  iface.poll(T0 + 1, device, sockets);
  assert.is(s.sendQueue, 0);
  assert.is(device.take().length, 1);
});

test('logging: silent by default; trace and debug events through the logger; verbose adds socket events', () => {
  const lines: string[] = [];
  const logger = { log: (level: LogLevel, message: string) => lines.push(`${level}:${message}`) };
  const quiet = setup();
  quiet.device.inject(udpFrame(1, 9, pattern(4)));
  quiet.iface.poll(T0, quiet.device, quiet.sockets);

  const { iface, device, sockets } = setup({ logger, verbose: true });
  const s = new UdpSocket();
  s.bind(7);
  sockets.add(s);
  const bad = udpFrame(1, 7, pattern(4));
  bad[14 + 10] ^= 1;
  device.inject(udpFrame(1, 7, pattern(4)), bad);
  iface.poll(T0, device, sockets);
  assert.ok(lines.includes(`${LogLevel.Trace}:socket udp: received 4 bytes from 192.168.69.2:1, 1 queued`), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith(`${LogLevel.Debug}:rx: ipv4: bad checksum`)), lines.join('\n'));
  const debugOnly: string[] = [];
  const d = setup({ logger: { log: (_l, m) => debugOnly.push(m) }, logLevel: LogLevel.Debug });
  d.device.inject(udpFrame(1, 9, pattern(4)));
  d.iface.poll(T0, d.device, d.sockets);
  assert.ok(debugOnly.every((m) => !m.startsWith('icmp: error')), 'trace events filtered out');
  assert.ok(debugOnly.some((m) => m.includes('noSocket')));
});

test.run();
