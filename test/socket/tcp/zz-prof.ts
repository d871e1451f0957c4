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
const a = new TcpSocket({ rxBuffer: new RingBuffer(1 << 18), txBuffer: new RingBuffer(1 << 18), random: () => 0xfffff000, ...options });
const b = new TcpSocket({ rxBuffer: new RingBuffer(1 << 18), txBuffer: new RingBuffer(1 << 18), random: () => 0x90000000, ...options });
b.listen(80);
a.connect(new IpEndpoint(B_ADDR, 80), new IpEndpoint(A_ADDR, 50000));
const aToB = new Wire();
const bToA = new Wire();
const chunk = new Uint8Array(65536);
const sink = new Uint8Array(65536);
let now = 1_000_000;
let segments = 0;

function step(): void {
  now += 100;
  if (a.maySend()) a.send(chunk, 0, chunk.length);
  a.dispatch(now, aToB);
  segments += aToB.deliver(b, bToA, now);
  while (b.recv(sink, 0, sink.length) > 0) {}
  b.dispatch(now, bToA);
  segments += bToA.deliver(a, aToB, now);
}
import { Session } from 'node:inspector/promises';
for (let i = 0; i < 30000; i++) step();
const s = new Session(); s.connect();
await s.post('HeapProfiler.enable');
await s.post('HeapProfiler.startSampling', { samplingInterval: 8, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as any);
const seg0 = segments;
for (let i = 0; i < 4000; i++) step();
const { profile } = await s.post('HeapProfiler.stopSampling') as any;
const out: [number, string][] = [];
let total = 0;
function walk(n: any, stack: string[]) { const fr = n.callFrame; const name = fr.functionName + '@' + fr.url.split('/').slice(-1).join('/') + ':' + (fr.lineNumber + 1) + ':' + (fr.columnNumber + 1); const st = [...stack, name]; total += n.selfSize; if (n.selfSize > 0) out.push([n.selfSize, st.slice(-6).join(' <- ')]); for (const c of n.children) walk(c, st); }
walk(profile.head, []);
out.sort((a, b) => b[0] - a[0]);
console.log('segments', segments - seg0, 'sampled bytes', total);
console.log(out.slice(0, 20).map((x) => x[0] + ' ' + x[1]).join('\n'));
