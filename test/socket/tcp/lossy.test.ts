// Two of our sockets over a simulated link that drops, duplicates, reorders and delays segments, with
// explicit time: every transfer must complete, byte for byte, for every seed. Sockets only (the
// interface and the linked pair of devices come later); segments cross as reprs with copied payloads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { IpEndpoint, EmitResult } from '../../../src/socket/socket.js';
import { TcpSocket, TcpState, type TcpSocketOptions } from '../../../src/socket/tcp/socket.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpRepr } from '../../../src/wire/tcp.js';

const test = suite('socket/tcp/lossy');

const A_ADDR = 0x0a000001;
const B_ADDR = 0x0a000002;

interface InFlight {
  at: number;
  to: 0 | 1;
  ip: Ipv4Repr;
  tcp: TcpRepr;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

function copyRepr(tcp: TcpRepr): TcpRepr {
  const c = new TcpRepr();
  c.srcPort = tcp.srcPort;
  c.dstPort = tcp.dstPort;
  c.control = tcp.control;
  c.seqNumber = tcp.seqNumber;
  c.ack = tcp.ack;
  c.ackNumber = tcp.ackNumber;
  c.windowLen = tcp.windowLen;
  c.windowScale = tcp.windowScale;
  c.maxSegSize = tcp.maxSegSize;
  c.sackPermitted = tcp.sackPermitted;
  for (let i = 0; i < tcp.sackBlockCount; i++) c.setSackBlock(i, tcp.sackLeft[i]!, tcp.sackRight[i]!);
  c.hasTimestamp = tcp.hasTimestamp;
  c.tsVal = tcp.tsVal;
  c.tsEcr = tcp.tsEcr;
  const payload = tcp.payload === null ? new Uint8Array(0) : tcp.payload.slice(tcp.payloadOffset, tcp.payloadOffset + tcp.payloadLength);
  c.setPayload(payload, 0, payload.length);
  return c;
}

interface LinkOptions {
  seed: number;
  loss: number;
  duplicate: number;
  reorder: number;
  delayMs: number;
  size: number;
  socket: Partial<TcpSocketOptions>;
}

/** Runs a transfer of `size` bytes from A to B and `size / 2` from B to A; returns the simulated time taken, ms. */
function transfer(o: LinkOptions): { ms: number; a: TcpSocket; b: TcpSocket } {
  const random = rng(o.seed);
  const mk = (iss: number) =>
    new TcpSocket({
      rxBuffer: new RingBuffer(4096),
      txBuffer: new RingBuffer(4096),
      random: () => iss,
      ackDelay: 5_000,
      ...o.socket,
    });
  const a = mk(0xfffff000 + o.seed);
  const b = mk(1000 + o.seed);
  b.listen(80);
  a.connect(new IpEndpoint(B_ADDR, 80), new IpEndpoint(A_ADDR, 50000));
  const sockets = [a, b];
  const queue: InFlight[] = [];
  let now = 0;
  const emitterFor = (from: 0 | 1) => ({
    emitTcp(ip: Ipv4Repr, tcp: TcpRepr): EmitResult {
      if (random() < o.loss) return EmitResult.Sent;
      const copies = random() < o.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const ipc = new Ipv4Repr();
        ipc.srcAddr = from === 0 ? A_ADDR : B_ADDR;
        ipc.dstAddr = from === 0 ? B_ADDR : A_ADDR;
        const jitter = random() < o.reorder ? random() * 3 * o.delayMs : 0;
        queue.push({ at: now + (o.delayMs + jitter) * 1000, to: from === 0 ? 1 : 0, ip: ipc, tcp: copyRepr(tcp) });
      }
      return EmitResult.Sent;
    },
  });
  const emitters = [emitterFor(0), emitterFor(1)];
  const outA = new Uint8Array(o.size);
  const outB = new Uint8Array(o.size >> 1);
  for (let i = 0; i < outA.length; i++) outA[i] = (i * 7 + o.seed) & 0xff;
  for (let i = 0; i < outB.length; i++) outB[i] = (i * 13 + 5) & 0xff;
  const gotA = new Uint8Array(outB.length);
  const gotB = new Uint8Array(outA.length);
  let sentA = 0;
  let sentB = 0;
  let recvA = 0;
  let recvB = 0;
  let closedA = false;
  let closedB = false;
  for (let step = 0; step < 200_000; step++) {
    // Application side.
    if (a.maySend() && sentA < outA.length) sentA += a.send(outA, sentA, outA.length - sentA);
    if (b.maySend() && sentB < outB.length) sentB += b.send(outB, sentB, outB.length - sentB);
    if (sentA === outA.length && !closedA && (a.state === TcpState.Established || a.state === TcpState.CloseWait)) {
      a.close();
      closedA = true;
    }
    if (sentB === outB.length && !closedB && (b.state === TcpState.Established || b.state === TcpState.CloseWait)) {
      b.close();
      closedB = true;
    }
    const ra = a.recv(gotA, recvA, gotA.length - recvA);
    if (ra > 0) recvA += ra;
    const rb = b.recv(gotB, recvB, gotB.length - recvB);
    if (rb > 0) recvB += rb;
    for (let i = 0; i < 2; i++) {
      sockets[i]!.dispatch(now, emitters[i]!);
      const at = sockets[i]!.pollAt(now);
      assert.ok(at === null || at > now, `seed ${o.seed}: pollAt asks for a dispatch that sends nothing, at ${now / 1000} ms`);
    }
    const done =
      recvA === gotA.length && recvB === gotB.length &&
      (a.state === TcpState.Closed || a.state === TcpState.TimeWait) &&
      (b.state === TcpState.Closed || b.state === TcpState.TimeWait);
    if (done) return { ms: now / 1000, a, b };
    // Next event: the earliest arrival or timer.
    let next = Infinity;
    for (const f of queue) if (f.at < next) next = f.at;
    for (const s of sockets) {
      const t = s.pollAt(now);
      if (t !== null && t < next) next = t;
    }
    assert.ok(next !== Infinity, `seed ${o.seed}: stalled at ${now / 1000} ms, A ${TcpState[a.state]} ${recvA}/${gotA.length}, B ${TcpState[b.state]} ${recvB}/${gotB.length}`);
    now = Math.max(now, next);
    for (let i = 0; i < queue.length; ) {
      const f = queue[i]!;
      if (f.at <= now) {
        queue.splice(i, 1);
        const s = sockets[f.to]!;
        if (!s.accepts(f.ip, f.tcp)) {
          // What the interface does for a segment no socket takes (RFC 9293 section 3.10.7.1).
          const rstIp = new Ipv4Repr();
          const rst = new TcpRepr();
          if (TcpSocket.rstReply(f.ip, f.tcp, rstIp, rst)) emitters[f.to]!.emitTcp(rstIp, rst);
          continue;
        }
        const reply = s.process(now, f.ip, f.tcp);
        if (reply !== null) emitters[f.to]!.emitTcp(s.replyIp, reply);
      } else {
        i++;
      }
    }
  }
  throw new Error(`seed ${o.seed}: no completion at ${now / 1000} ms, A ${TcpState[a.state]} ${recvA}/${gotA.length}, B ${TcpState[b.state]} ${recvB}/${gotB.length}`);
}

function check(o: LinkOptions): number {
  const { ms } = transfer(o);
  return ms;
}

test('a clean link: 64 KiB each way arrives whole', () => {
  check({ seed: 1, loss: 0, duplicate: 0, reorder: 0, delayMs: 1, size: 65536, socket: {} });
});

for (const [name, socketOptions] of [
  ['NewReno with SACK and timestamps', { sack: true, timestamps: true, windowScaling: true }],
  ['NewReno with SACK and tail loss probes', { sack: true, timestamps: true, windowScaling: true, tailLossProbe: true }],
  ['NewReno without options', { sack: false, timestamps: false, windowScaling: false }],
  ['CUBIC with SACK', { congestion: 'cubic' as const, sack: true, timestamps: true }],
  ['the original RTO mode', { rto: { mode: 'original' as const } }],
  ['Nagle off, no delayed ACK', { nagle: false, ackDelay: 0 }],
] as Array<[string, Partial<TcpSocketOptions>]>) {
  test(`lossy link, ${name}: 40 seeds at 15 % loss with duplicates and reordering all complete`, () => {
    for (let seed = 1; seed <= 40; seed++) {
      check({ seed, loss: 0.15, duplicate: 0.05, reorder: 0.1, delayMs: 2, size: 20000, socket: socketOptions });
    }
  });
}

test('lossy link: 30 % loss still completes', () => {
  for (let seed = 100; seed < 110; seed++) {
    check({ seed, loss: 0.3, duplicate: 0, reorder: 0.2, delayMs: 1, size: 8000, socket: { sack: true, timestamps: true } });
  }
});

test('lossy link: 30 % loss with tail loss probes still completes', () => {
  for (let seed = 100; seed < 110; seed++) {
    check({ seed, loss: 0.3, duplicate: 0, reorder: 0.2, delayMs: 1, size: 8000, socket: { sack: true, timestamps: true, tailLossProbe: true } });
  }
});

test.run();
