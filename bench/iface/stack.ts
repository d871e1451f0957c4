// Two interfaces over a LinkedPair in one process, driven by hand (poll A, poll B, poll A): ICMP echo
// round trips and one-way UDP datagrams per second, with the bytes allocated and the GCs in the timed
// loops. Time is a simulated clock (a microsecond per poll) so nothing reads a clock per packet. Its
// instants are microseconds since the epoch, as a program passes them: doubles beyond the small-integer
// range, so each poll's timestamp is one 16-byte heap number made by the caller (0.5 to 1.5 bytes a packet
// at 32 packets per batch); benchStack(s, true) starts the clock at 0 to show the stack's own share.
import v8 from 'node:v8';
import { Icmpv4Message, Icmpv4Packet } from '../../generated/index.js';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';

const A_IP = Ipv4Address.from('10.9.0.1').value;
const B_IP = Ipv4Address.from('10.9.0.2').value;
const T0 = 1_764_547_200_000_000;
/** Packets queued per poll: what a busy application hands the stack between two polls. */
export const BATCH = 32;

export interface Measured {
  /** Packets (ICMP: round trips; UDP: datagrams received by B) per second. */
  pps: number;
  packets: number;
  bytesPerPacket: number;
  gcs: number;
}

/** Hands out views of one ArrayBuffer, 8-byte aligned. */
export class Arena {
  private used = 0;
  readonly bytes: Uint8Array;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  readonly allocate = (size: number): Uint8Array => {
    const at = this.used;
    this.used = (at + size + 7) & ~7;
    if (this.used > this.bytes.length) throw new Error('bench iface: the arena is too small');
    return this.bytes.subarray(at, at + size);
  };
}

export class Bench {
  readonly pair: LinkedPair;
  readonly a = new Interface({ hardwareAddr: '02:00:00:00:00:0a', addresses: ['10.9.0.1/24'] });
  readonly b = new Interface({ hardwareAddr: '02:00:00:00:00:0b', addresses: ['10.9.0.2/24'] });
  readonly setA = new SocketSet(4);
  readonly setB = new SocketSet(4);
  readonly udpA: UdpSocket;
  readonly udpB: UdpSocket;
  readonly icmpA: IcmpSocket;
  readonly echo: Uint8Array;
  readonly sink: Uint8Array;
  readonly from = new IpEndpoint();
  now: number;

  /**
   * `clockBase`: the first instant; T0 (microseconds since the epoch, a heap number) unless given.
   * `arena`: every buffer (the pair's queues, the sockets', the program's) a view of one ArrayBuffer.
   */
  constructor(clockBase = T0, arena = false) {
    const alloc = arena ? new Arena(4 << 20).allocate : (size: number) => new Uint8Array(size);
    this.pair = new LinkedPair({ capacity: 128, allocate: alloc });
    this.udpA = new UdpSocket({ tx: { packets: 64, payload: alloc(128 * 1024) } });
    this.udpB = new UdpSocket({ rx: { packets: 64, payload: alloc(128 * 1024) } });
    this.icmpA = new IcmpSocket({ tx: { packets: 64, payload: alloc(16 * 1024) }, rx: { packets: 64, payload: alloc(16 * 1024) } });
    this.echo = alloc(64);
    this.sink = alloc(2048);
    this.now = clockBase;
    this.udpA.bind(1000);
    this.udpB.bind(2000);
    this.icmpA.bindIdent(0x1234);
    this.setA.add(this.udpA);
    this.setA.add(this.icmpA);
    this.setB.add(this.udpB);
    // An echo request with 56 bytes of data, as ping sends.
    const data = Uint8Array.from({ length: 56 }, (_, i) => i);
    const repr = new Icmpv4Repr({ msgType: Icmpv4Message.EchoRequest, echoIdent: 0x1234, echoSeqNo: 1, data: data });
    repr.emit(new Icmpv4Packet().init(this.echo, 0, 64));
    // Resolve both ways before timing: one datagram each way.
    this.udpA.send(this.sink, 0, 1, B_IP, 2000);
    for (let i = 0; i < 4; i++) this.pollBoth();
    if (this.udpB.recv(this.sink, 0, this.sink.length) !== 1) throw new Error('bench iface: the warm-up datagram did not arrive');
  }

  pollBoth(): void {
    this.now += 1;
    this.a.poll(this.now, this.pair.a, this.setA);
    this.now += 1;
    this.b.poll(this.now, this.pair.b, this.setB);
  }

  /** `rounds` batches of BATCH echo requests A -> B, the replies read back at A. Returns replies. */
  icmp(rounds: number): number {
    let replies = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < BATCH; i++) this.icmpA.send(this.echo, 0, 64, B_IP);
      this.pollBoth(); // A sends, B answers
      this.now += 1;
      this.a.poll(this.now, this.pair.a, this.setA); // A receives
      while (this.icmpA.recv(this.sink, 0, this.sink.length) >= 0) replies++;
    }
    return replies;
  }

  /** `rounds` batches of BATCH datagrams of `size` bytes A -> B, read at B. Returns datagrams received. */
  udp(rounds: number, size: number): number {
    let received = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < BATCH; i++) this.udpA.send(this.sink, 0, size, B_IP, 2000);
      this.pollBoth();
      while (this.udpB.recv(this.sink, 0, this.sink.length, this.from) >= 0) received++;
    }
    return received;
  }
}

export function measure(run: (rounds: number) => number, seconds: number): Measured {
  // Warm up until optimised, then time batches of rounds until `seconds` have passed.
  for (let i = 0; i < 5; i++) run(2000);
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  let packets = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    packets += run(2000);
    elapsed = performance.now() - t0;
  }
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return {
    pps: packets / (elapsed / 1000),
    packets,
    bytesPerPacket: Math.max(0, (heapAfter - heapBefore + freed) / packets),
    gcs: report.statistics.length,
  };
}

export interface StackResult {
  icmp: Measured;
  udp64: Measured;
  udp1472: Measured;
  /** Frames either interface dropped, by any reason (must be 0: nothing is lost on the pair). */
  dropped: number;
}

/**
 * `smallClock`: time starts at 0 instead of the epoch, so every instant is a small integer and the
 * caller allocates nothing per poll; what remains is the stack's own allocation.
 */
export function benchStack(seconds: number, smallClock = false, arena = false): StackResult {
  const bench = new Bench(smallClock ? 0 : T0, arena);
  const icmp = measure((n) => bench.icmp(n), seconds);
  const udp64 = measure((n) => bench.udp(n, 64), seconds);
  const udp1472 = measure((n) => bench.udp(n, 1472), seconds);
  const expected = icmp.packets;
  if (expected === 0) throw new Error('bench iface: no echo replies');
  return { icmp, udp64, udp1472, dropped: bench.a.counters.rxDropped() + bench.b.counters.rxDropped() + bench.udpB.rxDropped };
}
