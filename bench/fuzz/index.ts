// `npm run bench -- fuzz [--frames N] [--seed S]`: the fuzz at scale, outside npm test.
//
// 1. Frames at one interface: test/iface/fuzz-run.ts (the iface tests' fuzz, 20 000 frames in npm test)
//    with a million random and mutated frames (ARP, ICMP, UDP, TCP, raw, fragments; random bytes,
//    truncations, flipped header bytes) and a fixed seed.
// 2. Traffic between two interfaces over a LinkedPair: echo requests, UDP both ways (small and
//    fragmented datagrams) with both ends' FaultInjectors corrupting and dropping frames, and
//    random or mutated copies of real frames pushed straight into the wire, until a million frames
//    have reached the interfaces.
// Both check that nothing escapes poll(), that every frame an interface received is counted in exactly
// one outcome (accepted plus every drop reason equals the frames the device handed it), that the heap
// is flat (after a forced GC, at the start of the run and at its end: less than 1 MiB plus a byte a frame,
// where keeping anything per frame would cost 16 bytes a frame) and that the stacks still work
// afterwards. Ends with one line:
//   bench fuzz: frames=.. escaped=0 counters_add_up=true heap_growth_kb=.. stack_frames=.. stack_escaped=0 stack_counters_add_up=true stack_heap_growth_kb=.. seconds=..
import { runFuzz } from '../../test/iface/fuzz-run.js';
import { Icmpv4Message, Icmpv4Packet } from '../../generated/index.js';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`bench fuzz: --${name} needs a whole number`);
    process.exit(2);
  }
  return value;
}

const frames = option('frames', 1_000_000);
const seed = option('seed', 42);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('bench fuzz: run through `npm run bench -- fuzz` (it needs --expose-gc)');
  process.exit(2);
}

/** mulberry32: a float in [0, 1) per call; the same seed gives the same run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

// ---- 1. Frames at one interface -------------------------------------------------------------------

const t0 = performance.now();
let escaped = 0;
let single: ReturnType<typeof runFuzz> | null = null;
// A short run first, so compiled code and inline caches are in the heap before it is measured.
runFuzz(20_000, seed + 1000);
const heapBefore1 = heapAfterGc();
try {
  single = runFuzz(frames, seed);
} catch (e) {
  escaped++;
  console.error('bench fuzz: something escaped poll():', e);
}
const heapGrowth1 = heapAfterGc() - heapBefore1;
const t1 = performance.now();
const addsUp1 = single !== null && single.rxFrames === single.frames && single.accepted + single.dropped === single.rxFrames && single.counters.rx_internal === 0;
console.log(
  `one interface: ${single?.frames ?? 0} frames (seed ${seed}) in ${((t1 - t0) / 1000).toFixed(1)} s; accepted ${single?.accepted}, ` +
    `dropped ${single?.dropped} (${['malformed', 'badChecksum', 'notForUs', 'unsupportedProtocol', 'noSocket', 'fragmentDuplicate', 'reassemblyOverlap', 'reassemblyNoBuffer', 'socketBufferFull']
      .map((k) => `${k} ${single?.counters[`rx_${k}`]}`)
      .join(', ')}); internal ${single?.counters.rx_internal}; answers a ping afterwards: ${single?.answersAfter}; ` +
    `${(single?.bytesPerFrame ?? 0).toFixed(2)} bytes allocated a frame, retained after GC ${((single?.retainedGrowth ?? 0) / 1024).toFixed(0)} KiB (runFuzz's own figure), ${(heapGrowth1 / 1024).toFixed(0)} KiB around the whole run`,
);

// ---- 2. Traffic between two interfaces over a lossy, corrupting LinkedPair ----------------------------

const A_IP = Ipv4Address.from('10.9.0.1').value;
const B_IP = Ipv4Address.from('10.9.0.2').value;
const pair = new LinkedPair({ capacity: 64 });
// The interfaces poll through the injectors; inject() writes into the ends below them.
const faultA = new FaultInjector(pair.a, { corruptChance: 15, dropChance: 3, seed: seed + 1 });
const faultB = new FaultInjector(pair.b, { corruptChance: 15, dropChance: 3, seed: seed + 2 });
const ifA = new Interface({ hardwareAddr: '02:00:00:00:00:0a', addresses: ['10.9.0.1/24'], reassembly: { buffers: 4, timeout: 2_000_000 } });
const ifB = new Interface({ hardwareAddr: '02:00:00:00:00:0b', addresses: ['10.9.0.2/24'], reassembly: { buffers: 4, timeout: 2_000_000 } });
const setA = new SocketSet(4);
const setB = new SocketSet(4);
const udpA = new UdpSocket({ tx: { packets: 16, payload: 65536 }, rx: { packets: 16, payload: 65536 } });
const udpB = new UdpSocket({ tx: { packets: 16, payload: 65536 }, rx: { packets: 16, payload: 65536 } });
const pingA = new IcmpSocket();
udpA.bind(1000);
udpB.bind(2000);
pingA.bindIdent(7);
setA.add(udpA);
setA.add(pingA);
setB.add(udpB);
const random = prng(seed);
const echo = new Uint8Array(64);
new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 7, echoSeqNo: 1, data: new Uint8Array(56) }).emit(new Icmpv4Packet().init(echo, 0, 64));
const payload = new Uint8Array(6000);
for (let i = 0; i < payload.length; i++) payload[i] = i * 13;
const sink = new Uint8Array(65536);
const from = new IpEndpoint();
// The last frame seen on the wire, kept to mutate: a copy made by a module-level consumer.
const seen = new Uint8Array(1514);
let seenLength = 0;

/** Pushes a random or mutated frame straight into the wire towards `to` (bypassing the fault injectors). */
function inject(toB: boolean): void {
  const end = toB ? pair.a : pair.b;
  const tx = end.transmit(0);
  if (tx === null) return;
  const r = random();
  let n: number;
  if (r < 0.3 || seenLength === 0) {
    n = 14 + Math.floor(random() * 1500);
    for (let k = 0; k < n; k++) seen[k] = (random() * 256) | 0;
    // A plausible Ethernet header half the time, so the bytes reach IPv4 and ARP parsing.
    if (random() < 0.5) {
      seen.set(toB ? [2, 0, 0, 0, 0, 0x0b] : [2, 0, 0, 0, 0, 0x0a], 0);
      seen[12] = 0x08;
      seen[13] = random() < 0.8 ? 0x00 : 0x06;
    }
  } else {
    n = r < 0.5 ? 1 + Math.floor(random() * seenLength) : seenLength;
    const flips = 1 + ((random() * 4) | 0);
    for (let k = 0; k < flips; k++) seen[Math.floor(random() * Math.min(n, 64))] = (random() * 256) | 0;
  }
  tx.consume(n, n, copySeen);
}

function copySeen(_n: number, bytes: Uint8Array, offset: number, length: number): void {
  for (let k = 0; k < length; k++) bytes[offset + k] = seen[k];
}

function remember(_ctx: null, bytes: Uint8Array, offset: number, length: number): void {
  seenLength = Math.min(length, seen.length);
  for (let k = 0; k < seenLength; k++) seen[k] = bytes[offset + k];
}

let now = 1_764_547_200_000_000;
let stackEscaped = 0;
let sentA = 0;
let sentB = 0;
let heapBefore2 = 0;
const t2 = performance.now();
let round = 0;
while (ifA.counters.rxFrames + ifB.counters.rxFrames < frames) {
  if (round === 2000) heapBefore2 = heapAfterGc();
  round++;
  // Traffic: an echo request, UDP both ways (a fragmented one now and then).
  if (pingA.canSend(64)) pingA.send(echo, 0, 64, B_IP);
  const sizeA = random() < 0.1 ? 3000 + Math.floor(random() * 3000) : Math.floor(random() * 1400);
  if (udpA.canSend(sizeA)) {
    udpA.send(payload, 0, sizeA, B_IP, 2000);
    sentA++;
  }
  const sizeB = random() < 0.1 ? 2000 + Math.floor(random() * 4000) : Math.floor(random() * 1400);
  if (udpB.canSend(sizeB)) {
    udpB.send(payload, 0, sizeB, A_IP, 1000);
    sentB++;
  }
  // Now and then, take a frame off the wire to mutate later, and push junk both ways.
  if ((round & 7) === 0 && pair.b.queued > 0) pair.b.receive(0)!.rx.consume(null, remember);
  inject(true);
  inject(false);
  try {
    now += 1000;
    ifA.poll(now, faultA, setA);
    now += 1000;
    ifB.poll(now, faultB, setB);
  } catch (e) {
    stackEscaped++;
    if (stackEscaped < 5) console.error('bench fuzz: something escaped poll():', e);
  }
  while (udpA.recv(sink, 0, sink.length, from) >= 0);
  while (udpB.recv(sink, 0, sink.length, from) >= 0);
  while (pingA.recv(sink, 0, sink.length) >= 0);
}
const heapGrowth2 = heapAfterGc() - heapBefore2;
const t3 = performance.now();
// Still working: with the faults off, a datagram each way arrives.
faultA.corruptChance = faultA.dropChance = faultB.corruptChance = faultB.dropChance = 0;
udpA.send(payload, 0, 100, B_IP, 2000);
udpB.send(payload, 0, 100, A_IP, 1000);
let worksA = false;
let worksB = false;
for (let i = 0; i < 200 && !(worksA && worksB); i++) {
  now += 1_000_000;
  ifA.poll(now, faultA, setA);
  ifB.poll(now, faultB, setB);
  while (udpA.recv(sink, 0, sink.length, from) >= 0) if (from.addr === B_IP) worksB = true;
  while (udpB.recv(sink, 0, sink.length, from) >= 0) if (from.addr === A_IP) worksA = true;
}
const addsUp = (iface: Interface, fi: FaultInjector): boolean =>
  iface.counters.rxFrames === fi.rxFrames && iface.counters.rx[0] + iface.counters.rxDropped() === iface.counters.rxFrames;
const stackAddsUp = addsUp(ifA, faultA) && addsUp(ifB, faultB) && ifA.counters.rx[10] === 0 && ifB.counters.rx[10] === 0;
const stackFrames = ifA.counters.rxFrames + ifB.counters.rxFrames;
const snapshot = (iface: Interface): string =>
  Object.entries(iface.counters.snapshot())
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
console.log(
  `two interfaces over a corrupting LinkedPair: ${stackFrames} frames received in ${round} rounds, ${((t3 - t2) / 1000).toFixed(1)} s; ` +
    `datagrams queued A->B ${sentA}, B->A ${sentB}; injectors corrupted ${faultA.rxCorrupted + faultA.txCorrupted + faultB.rxCorrupted + faultB.txCorrupted}, ` +
    `dropped ${faultA.rxDropped + faultA.txDropped + faultB.rxDropped + faultB.txDropped}; heap growth after GC ${(heapGrowth2 / 1024).toFixed(0)} KiB; ` +
    `works afterwards: ${worksA && worksB}`,
);
console.log(`  A: ${snapshot(ifA)}`);
console.log(`  B: ${snapshot(ifB)}`);

// Flat: what stays after a GC may be compiled code and inline caches (a few hundred KiB whatever the
// count); anything kept per frame would be 16 bytes or more a frame, 16 MB over a million.
const heapLimit = 1024 * 1024 + frames;
const ok = escaped === 0 && addsUp1 && single!.answersAfter && heapGrowth1 < heapLimit && stackEscaped === 0 && stackAddsUp && heapGrowth2 < heapLimit && worksA && worksB;
console.log(
  `bench fuzz: frames=${single?.frames ?? 0} escaped=${escaped} counters_add_up=${addsUp1} heap_growth_kb=${(heapGrowth1 / 1024).toFixed(0)} ` +
    `stack_frames=${stackFrames} stack_escaped=${stackEscaped} stack_counters_add_up=${stackAddsUp} stack_heap_growth_kb=${(heapGrowth2 / 1024).toFixed(0)} ` +
    `seconds=${((t3 - t0) / 1000).toFixed(1)}`,
);
if (!ok) {
  console.error('bench fuzz: FAILED: something escaped, the counters do not add up, the heap grew or a stack stopped working');
  process.exit(1);
}
