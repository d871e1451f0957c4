// The socket set and the UDP, ICMP and raw sockets on their own (no interface): bind errors, send
// errors, recv into a caller's buffer with the remote endpoint, peek, canSend/canRecv, full buffers,
// typed get; and the dispatch contract against a recording emitter.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Icmpv4Message, IpProtocol } from '../../generated/index.js';
import { SocketError } from '../../src/socket/errors.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { RawIpSocket } from '../../src/socket/raw-ip.js';
import { EmitResult, IpEndpoint, SocketKind, type PacketEmitter } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Repr } from '../../src/wire/ipv4.js';
import { UdpRepr } from '../../src/wire/udp.js';
import type { TcpRepr } from '../../src/wire/tcp.js';

const test = suite('socket/sockets');
const A = 0xc0a84501;
const B = 0xc0a84502;

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, SocketError);
    assert.ok((e as Error).message.includes(';'), 'the message says what to do');
    return (e as SocketError).code;
  }
  return 'no error';
}

interface Sent {
  kind: string;
  dst: number;
  src: number;
  ttl: number;
  srcPort?: number;
  dstPort?: number;
  bytes: number[];
}

class RecordingEmitter implements PacketEmitter {
  readonly ipMtu = 1500;
  results: EmitResult[] = [];
  sent: Sent[] = [];
  private next(): EmitResult {
    return this.results.shift() ?? EmitResult.Sent;
  }
  emitUdp(ip: Ipv4Repr, udp: UdpRepr): EmitResult {
    const r = this.next();
    if (r !== EmitResult.Busy) {
      this.sent.push({
        kind: 'udp',
        dst: ip.dstAddr,
        src: ip.srcAddr,
        ttl: ip.hopLimit,
        srcPort: udp.srcPort,
        dstPort: udp.dstPort,
        bytes: Array.from(udp.payload!.subarray(udp.payloadOffset, udp.payloadOffset + udp.payloadLength)),
      });
    }
    return r;
  }
  emitIcmp(): EmitResult {
    throw new Error('not used');
  }
  emitTcp(_ip: Ipv4Repr, _tcp: TcpRepr): EmitResult {
    throw new Error('not used');
  }
  emitIpPayload(ip: Ipv4Repr, bytes: Uint8Array, offset: number, length: number): EmitResult {
    const r = this.next();
    if (r !== EmitResult.Busy) {
      this.sent.push({ kind: `ip${ip.protocol}`, dst: ip.dstAddr, src: ip.srcAddr, ttl: ip.hopLimit, bytes: Array.from(bytes.subarray(offset, offset + length)) });
    }
    return r;
  }
  emitIpPacket(bytes: Uint8Array, offset: number, length: number): EmitResult {
    const r = this.next();
    if (r !== EmitResult.Busy) this.sent.push({ kind: 'packet', dst: 0, src: 0, ttl: 0, bytes: Array.from(bytes.subarray(offset, offset + length)) });
    return r;
  }
}

// ---- SocketSet ----

test('set: add gives handles, get is typed, remove invalidates the handle', () => {
  const set = new SocketSet(2);
  const udp = new UdpSocket();
  const icmp = new IcmpSocket();
  const h1 = set.add(udp);
  const h2 = set.add(icmp);
  assert.is(set.size, 2);
  assert.is(set.get(h1, UdpSocket), udp);
  assert.is(set.get(h2, IcmpSocket), icmp);
  assert.is(set.get(h2), icmp);
  assert.is(code(() => set.get(h1, IcmpSocket)), 'ERR_SOCKET_WRONG_KIND');
  assert.is(code(() => set.add(new UdpSocket())), 'ERR_SOCKET_SET_FULL');
  assert.is(set.remove(h1), udp);
  assert.is(code(() => set.get(h1)), 'ERR_SOCKET_BAD_HANDLE');
  const h3 = set.add(new UdpSocket());
  assert.is.not(h3, h1, 'the slot is reused under a new handle');
  assert.is(code(() => set.remove(h1)), 'ERR_SOCKET_BAD_HANDLE');
  assert.is(code(() => set.get(12345)), 'ERR_SOCKET_BAD_HANDLE');
  assert.is(code(() => set.add(icmp)), 'ERR_SOCKET_BAD_HANDLE');
  assert.is(code(() => new SocketSet(0)), 'ERR_SOCKET_BAD_OPTIONS');
});

test('set: over storage the caller gives', () => {
  const storage: (UdpSocket | null)[] = [null, null];
  const set = new SocketSet(storage);
  assert.is(set.capacity, 2);
  const s = new UdpSocket();
  set.add(s);
  assert.is(storage[0], s);
  assert.is(code(() => new SocketSet([s])), 'ERR_SOCKET_BAD_OPTIONS');
  assert.is(code(() => new SocketSet([])), 'ERR_SOCKET_BAD_OPTIONS');
});

test('set: iterating visits every socket', () => {
  const set = new SocketSet(8);
  set.add(new UdpSocket());
  set.add(new RawIpSocket({ protocol: 1 }));
  let kinds = 0;
  for (let i = 0; i < set.capacity; i++) {
    const s = set.at(i);
    if (s !== null) kinds += s.kind;
  }
  assert.is(kinds, SocketKind.Udp + SocketKind.Raw);
  assert.is(set.get(set.handleAt(1)).kind, SocketKind.Raw);
});

// ---- UDP ----

test('udp: bind refuses port 0 and a second bind', () => {
  const s = new UdpSocket();
  assert.is(code(() => s.bind(0)), 'ERR_SOCKET_BAD_PORT');
  assert.is(code(() => s.bind(70000)), 'ERR_SOCKET_BAD_PORT');
  s.bind(53);
  assert.ok(s.isOpen());
  assert.is(s.port, 53);
  assert.is(code(() => s.bind(54)), 'ERR_SOCKET_ALREADY_BOUND');
  s.close();
  assert.not.ok(s.isOpen());
  s.bind(54);
});

test('udp: send before bind, to a bad endpoint, too large, buffer full', () => {
  const s = new UdpSocket({ tx: { packets: 2, payload: 100 } });
  const data = new Uint8Array(200);
  assert.is(code(() => s.send(data, 0, 10, B, 53)), 'ERR_SOCKET_UNBOUND');
  s.bind(1000);
  assert.is(code(() => s.send(data, 0, 10, 0, 53)), 'ERR_SOCKET_BAD_ENDPOINT');
  assert.is(code(() => s.send(data, 0, 10, B, 0)), 'ERR_SOCKET_BAD_ENDPOINT');
  assert.is(code(() => s.send(data, 0, 101, B, 53)), 'ERR_SOCKET_PAYLOAD_TOO_LARGE');
  assert.ok(s.canSend(60));
  s.send(data, 0, 60, B, 53);
  assert.not.ok(s.canSend(60));
  assert.is(code(() => s.send(data, 0, 60, B, 53)), 'ERR_SOCKET_BUFFER_FULL');
  s.send(data, 0, 40, B, 53);
  assert.is(code(() => s.send(data, 0, 0, B, 53)), 'ERR_SOCKET_BUFFER_FULL', 'no packet slot left');
  assert.is(s.sendQueue, 2);
});

test('udp: accepts by port and bound address; recv gives data and sender, peek keeps it', () => {
  const s = new UdpSocket({ rx: { packets: 2, payload: 64 } });
  s.bind(53, A);
  const ip = new Ipv4Repr();
  ip.srcAddr = B;
  ip.dstAddr = A;
  const udp = new UdpRepr();
  udp.srcPort = 4000;
  udp.dstPort = 53;
  const payload = Uint8Array.from([1, 2, 3, 4, 5]);
  udp.setPayload(payload, 1, 3);
  assert.ok(s.accepts(ip, udp));
  ip.dstAddr = 0xffffffff;
  assert.not.ok(s.accepts(ip, udp), 'bound to an address: only that address');
  ip.dstAddr = A;
  udp.dstPort = 54;
  assert.not.ok(s.accepts(ip, udp));
  udp.dstPort = 53;
  assert.not.ok(s.canRecv());
  assert.ok(s.process(0, ip, udp));
  assert.ok(s.canRecv());
  const out = new Uint8Array(10);
  const from = new IpEndpoint();
  assert.is(s.peek(out, 0, 10, from), 3);
  assert.is(s.recvQueue, 1);
  assert.is(s.recv(out, 2, 2, from), 3, 'the datagram\'s size, though only 2 bytes fit');
  assert.equal(Array.from(out.subarray(0, 4)), [2, 3, 2, 3]);
  assert.is(from.addr, B);
  assert.is(from.port, 4000);
  assert.is(s.recv(out, 0, 10, from), -1);
});

test('udp: a full receive buffer drops and counts', () => {
  const s = new UdpSocket({ rx: { packets: 1, payload: 64 } });
  s.bind(53);
  const ip = new Ipv4Repr();
  const udp = new UdpRepr();
  udp.dstPort = 53;
  udp.setPayload(new Uint8Array(8), 0, 8);
  assert.ok(s.process(0, ip, udp));
  assert.not.ok(s.process(0, ip, udp));
  assert.is(s.rxDropped, 1);
  assert.is(s.rxPackets, 1);
});

test('udp: dispatch hands datagrams to the emitter in order; Busy keeps, Dropped discards', () => {
  const s = new UdpSocket({ hopLimit: 5 });
  s.bind(1000, A);
  s.send(Uint8Array.from([1]), 0, 1, B, 53);
  s.send(Uint8Array.from([2]), 0, 1, 0xffffffff, 67);
  s.send(Uint8Array.from([3]), 0, 1, B, 54);
  const e = new RecordingEmitter();
  e.results = [EmitResult.Sent, EmitResult.Busy];
  assert.ok(s.dispatch(0, e));
  assert.is(s.sendQueue, 2);
  assert.is(s.pollAt(7), 7);
  e.results = [EmitResult.Sent, EmitResult.Dropped];
  s.dispatch(0, e);
  assert.is(s.sendQueue, 0);
  assert.is(s.pollAt(7), null);
  assert.equal(
    e.sent.map((p) => [p.dst, p.src, p.ttl, p.srcPort, p.dstPort, p.bytes[0]]),
    [
      [B, A, 5, 1000, 53, 1],
      [0xffffffff, A, 5, 1000, 67, 2],
      [B, A, 5, 1000, 54, 3],
    ],
  );
  assert.is(s.txPackets, 2, 'the dropped one is not counted as sent');
});

test('udp: zero-copy send', () => {
  const s = new UdpSocket();
  s.bind(1000);
  const at = s.sendSlot(3, B, 9);
  s.sendStorage.set([7, 8, 9], at);
  const e = new RecordingEmitter();
  s.dispatch(0, e);
  assert.equal(e.sent[0].bytes, [7, 8, 9]);
});

// ---- ICMP ----

test('icmp: bound to an identifier, it takes echo messages with it', () => {
  const s = new IcmpSocket();
  assert.is(code(() => s.send(new Uint8Array(8), 0, 8, B)), 'ERR_SOCKET_UNBOUND');
  assert.is(code(() => s.bindIdent(70000)), 'ERR_SOCKET_BAD_PORT');
  s.bindIdent(0x1234);
  assert.is(code(() => s.bindUdpPort(53)), 'ERR_SOCKET_ALREADY_BOUND');
  const ip = new Ipv4Repr();
  ip.srcAddr = B;
  const icmp = new Icmpv4Repr();
  icmp.msgType = Icmpv4Message.EchoReply;
  icmp.echoIdent = 0x1234;
  assert.ok(s.accepts(ip, icmp));
  icmp.echoIdent = 0x1235;
  assert.not.ok(s.accepts(ip, icmp));
  icmp.msgType = Icmpv4Message.DstUnreachable;
  assert.not.ok(s.accepts(ip, icmp));
  const message = Uint8Array.from([0, 0, 0, 0, 0x12, 0x34, 0, 1]);
  assert.ok(s.process(0, ip, message, 0, message.length));
  const from = new IpEndpoint(9, 9);
  const out = new Uint8Array(64);
  assert.is(s.recv(out, 0, 64, from), message.length);
  assert.is(from.addr, B);
  assert.is(from.port, 0);
});

test('icmp: bound to a UDP port, it takes the errors quoting datagrams from that port', () => {
  const s = new IcmpSocket();
  s.bindUdpPort(4000);
  const icmp = new Icmpv4Repr();
  icmp.msgType = Icmpv4Message.DstUnreachable;
  icmp.msgCode = 3;
  icmp.quotedHeader.protocol = IpProtocol.Udp;
  const quoted = Uint8Array.from([0x0f, 0xa0, 0, 53, 0, 8, 0, 0]); // source port 4000
  icmp.setData(quoted, 0, 8);
  const ip = new Ipv4Repr();
  assert.ok(s.accepts(ip, icmp));
  quoted[1] = 0xa1;
  assert.not.ok(s.accepts(ip, icmp));
  quoted[1] = 0xa0;
  icmp.quotedHeader.protocol = IpProtocol.Tcp;
  assert.not.ok(s.accepts(ip, icmp));
  icmp.quotedHeader.protocol = IpProtocol.Udp;
  icmp.msgType = Icmpv4Message.TimeExceeded;
  assert.ok(s.accepts(ip, icmp));
  icmp.msgType = Icmpv4Message.EchoReply;
  assert.not.ok(s.accepts(ip, icmp));
});

test('icmp: send checks size and room, dispatch emits the message verbatim', () => {
  const s = new IcmpSocket({ tx: { packets: 1, payload: 64 }, hopLimit: 9 });
  s.bindIdent(1);
  assert.is(code(() => s.send(new Uint8Array(4), 0, 4, B)), 'ERR_SOCKET_PAYLOAD_TOO_LARGE');
  assert.is(code(() => s.send(new Uint8Array(8), 0, 8, 0)), 'ERR_SOCKET_BAD_ENDPOINT');
  const message = Uint8Array.from([8, 0, 0, 0, 0, 1, 0, 1, 0xaa]);
  s.send(message, 0, message.length, B);
  assert.is(code(() => s.send(message, 0, message.length, B)), 'ERR_SOCKET_BUFFER_FULL');
  const e = new RecordingEmitter();
  s.dispatch(0, e);
  assert.equal(e.sent, [{ kind: 'ip1', dst: B, src: 0, ttl: 9, bytes: Array.from(message) }]);
});

// ---- raw ----

test('raw: one protocol; send takes whole IPv4 packets of it only', () => {
  assert.is(code(() => new RawIpSocket({ protocol: 256 })), 'ERR_SOCKET_BAD_OPTIONS');
  const s = new RawIpSocket({ protocol: 253, tx: { packets: 2, payload: 100 } });
  const packet = new Uint8Array(24);
  packet.set([0x45, 0, 0, 24, 0, 0, 0, 0, 64, 253, 0, 0, 192, 168, 69, 1, 192, 168, 69, 2]);
  s.send(packet, 0, 24);
  assert.is(code(() => s.send(packet, 0, 20)), 'ERR_SOCKET_BAD_PACKET');
  packet[9] = 17;
  assert.is(code(() => s.send(packet, 0, 24)), 'ERR_SOCKET_BAD_PACKET');
  packet[9] = 253;
  packet[0] = 0x65;
  assert.is(code(() => s.send(packet, 0, 24)), 'ERR_SOCKET_BAD_PACKET');
  assert.is(code(() => s.send(new Uint8Array(200), 0, 200)), 'ERR_SOCKET_PAYLOAD_TOO_LARGE');
  const e = new RecordingEmitter();
  s.dispatch(0, e);
  assert.is(e.sent[0].kind, 'packet');
  assert.is(e.sent[0].bytes.length, 24);
  const ip = new Ipv4Repr();
  ip.protocol = 253 as IpProtocol;
  assert.ok(s.accepts(ip));
  ip.protocol = IpProtocol.Udp;
  assert.not.ok(s.accepts(ip));
});

test('misuse of buffer options is a typed error', () => {
  assert.is(code(() => new UdpSocket({ rx: { packets: 0, payload: 10 } })), 'ERR_SOCKET_BAD_OPTIONS');
  assert.is(code(() => new UdpSocket({ hopLimit: 300 })), 'ERR_SOCKET_BAD_OPTIONS');
  assert.is(code(() => new IcmpSocket({ tx: { packets: 1, payload: -1 } })), 'ERR_SOCKET_BAD_OPTIONS');
});

test.run();
