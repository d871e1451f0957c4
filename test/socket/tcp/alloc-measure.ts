// Allocation per segment of the TCP socket in steady state, printed as JSON for alloc.test.ts, which
// runs this in a fresh process. Two sockets exchange data through preallocated segment slots (the
// payload copied, as a device would), with timestamps, SACK, window scaling and sequence numbers above
// 2^31 (the values V8 would box if they escaped into a heap number).
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { EmitResult, IpEndpoint } from '../../../src/socket/socket.js';
import { TcpSocket } from '../../../src/socket/tcp/socket.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import { bytesPer } from '../../helpers/alloc.js';

const A_ADDR = 0xc0a80001;
const B_ADDR = 0xc0a80002;
const SLOTS = 256;

class Wire {
  readonly ips: Ipv4Repr[] = [];
  readonly tcps: TcpRepr[] = [];
  /** One buffer for every slot's payload, as a device's receive ring would be. */
  readonly frames = new Uint8Array(SLOTS * 2048);
  count = 0;
  constructor() {
    for (let i = 0; i < SLOTS; i++) {
      this.ips.push(new Ipv4Repr());
      this.tcps.push(new TcpRepr());
    }
  }
  emitTcp(ip: Ipv4Repr, tcp: TcpRepr): EmitResult {
    if (this.count === SLOTS) return EmitResult.Busy;
    const i = this.count++;
    const ipc = this.ips[i]!;
    ipc.srcAddr = ip.srcAddr;
    ipc.dstAddr = ip.dstAddr;
    const c = this.tcps[i]!;
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
    c.sackBlockCount = tcp.sackBlockCount;
    for (let k = 0; k < tcp.sackBlockCount; k++) {
      c.sackLeft[k] = tcp.sackLeft[k]!;
      c.sackRight[k] = tcp.sackRight[k]!;
    }
    c.hasTimestamp = tcp.hasTimestamp;
    c.tsVal = tcp.tsVal;
    c.tsEcr = tcp.tsEcr;
    const at = i * 2048;
    const src = tcp.payload;
    if (src !== null) {
      const frames = this.frames;
      const from = tcp.payloadOffset;
      for (let k = 0; k < tcp.payloadLength; k++) frames[at + k] = src[from + k]!;
    }
    c.setPayload(this.frames, at, tcp.payloadLength);
    return EmitResult.Sent;
  }
  deliver(to: TcpSocket, back: Wire, now: number): number {
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const ip = this.ips[i]!;
      const tcp = this.tcps[i]!;
      if (!to.accepts(ip, tcp)) continue;
      const reply = to.process(now, ip, tcp);
      if (reply !== null) back.emitTcp(to.replyIp, reply);
    }
    this.count = 0;
    return n;
  }
}

const options = { timestamps: true, sack: true, windowScaling: true, ackDelay: 1000 };
const chunk = new Uint8Array(65536);
const sink = new Uint8Array(65536);
// 2000 steps (about 93,000 segments) a round: the measurement itself costs about 600 bytes a round.
const STEPS = 2000;

/**
 * A connection measured from `start` (µs). With `tickEvery` 1 the clock moves 100 µs every step; with more,
 * it moves tickEvery * 100 µs every tickEvery-th step, as an application reading a real clock now and
 * then: an epoch instant (about 1.76e15 µs) is a heap number the caller makes per read, 16 bytes, which
 * must be all there is (the socket's deadlines, RTT samples and timestamps derived from it must not box).
 */
function measure(prefix: string, start: number, tickEvery: number, results: Record<string, number | boolean | string>): void {
  const a = new TcpSocket({ rxBuffer: new RingBuffer(1 << 18), txBuffer: new RingBuffer(1 << 18), random: () => 0xfffff000, ...options });
  const b = new TcpSocket({ rxBuffer: new RingBuffer(1 << 18), txBuffer: new RingBuffer(1 << 18), random: () => 0x90000000, ...options });
  b.listen(80);
  a.connect(new IpEndpoint(B_ADDR, 80), new IpEndpoint(A_ADDR, 50000));
  const aToB = new Wire();
  const bToA = new Wire();
  // The instant sits in a generic array slot (the array starts with null, so its elements stay tagged, not
  // unboxed doubles): a boxed epoch instant stays the one box until the clock moves.
  const clock: (number | null)[] = [null];
  clock[0] = start;
  let steps = 0;
  let segments = 0;
  const step = (): void => {
    if (++steps % tickEvery === 0) clock[0] = clock[0]! + 100 * tickEvery;
    const now = clock[0]!;
    if (a.maySend()) a.send(chunk, 0, chunk.length);
    a.dispatch(now, aToB);
    segments += aToB.deliver(b, bToA, now);
    while (b.recv(sink, 0, sink.length) > 0) {}
    b.dispatch(now, bToA);
    segments += bToA.deliver(a, aToB, now);
  };
  for (let i = 0; i < 100; i++) step();
  results[`${prefix}established`] = a.state === 4 && b.state === 4;
  let segmentsInRound = 0;
  const trace: number[] = [];
  const perStep = bytesPer(STEPS, (n) => {
    const before = segments;
    for (let i = 0; i < n; i++) step();
    segmentsInRound = segments - before;
  }, 8, trace);
  results[`${prefix}roundsBytesPerStep`] = trace.join(' ');
  results[`${prefix}stepsPerRound`] = STEPS;
  results[`${prefix}bytesPerSegment`] = (perStep * STEPS) / Math.max(1, segmentsInRound);
  results[`${prefix}segmentsPerRound`] = segmentsInRound;
}

const results: Record<string, number | boolean | string> = {};
measure('', 1_000_000, 1, results);
// A real clock's instants: microseconds since the epoch, read every 16th step.
measure('epoch', 1_764_547_200_000_000, 16, results);
process.stdout.write(JSON.stringify(results));
