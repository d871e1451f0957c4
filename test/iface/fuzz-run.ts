// Random and mutated frames through Interface.poll() with a fixed seed. Every frame must end in exactly
// one rx outcome (the counters add up to the frames sent), nothing may escape poll(), and the interface
// must still answer a ping afterwards. test/iface/fuzz.test.ts runs 20 000 frames; for a million, with
// the heap checked to stay flat:
//   node --import tsx test/iface/fuzz-run.ts 1000000
import { ArpOperation, IpProtocol } from '../../generated/index.js';
import { ChecksumCapabilities, type DeviceCapabilities } from '../../src/phy/capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from '../../src/phy/device.js';
import { Interface } from '../../src/iface/interface.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { RawSocket } from '../../src/socket/raw.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { TcpControl } from '../../src/wire/tcp.js';
import {
  OUR_IP, OUR_MAC, PEER_IP, PEER_MAC, TestDevice, arpFrame, echoRequest, fragments, ipv4Frame, pattern, tcpBytes, udpBytes, udpFrame,
} from './support.js';

/** A small fast PRNG (mulberry32): the same seed gives the same frames. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Uint8Array[] {
  const big = udpBytes(1, 7, pattern(3000));
  return [
    arpFrame(ArpOperation.Request, PEER_MAC, PEER_IP, 0, OUR_IP),
    arpFrame(ArpOperation.Reply, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP),
    ipv4Frame(IpProtocol.Icmp, echoRequest(1, 2, pattern(56))),
    udpFrame(1000, 7, pattern(100)),
    udpFrame(1000, 9, pattern(100)),
    ipv4Frame(IpProtocol.Tcp, tcpBytes({ srcPort: 5, dstPort: 80, control: TcpControl.Syn, seqNumber: 1, maxSegSize: 1460, windowScale: 7, sackPermitted: true, hasTimestamp: true, tsVal: 1 })),
    ipv4Frame(IpProtocol.Tcp, tcpBytes({ srcPort: 5, dstPort: 80, ack: true, ackNumber: 9, seqNumber: 1 }, pattern(20))),
    ipv4Frame(253, pattern(30)),
    ...fragments(IpProtocol.Udp, big, 1200, { ident: 5 }),
  ];
}

/** A device that allocates nothing: one frame to receive at a time, sent frames written to scratch. */
class FuzzDevice implements Device {
  readonly rxBytes = new Uint8Array(2048);
  rxLength = -1;
  readonly txBytes = new Uint8Array(65536);
  txFrames = 0;
  private readonly caps: DeviceCapabilities = { medium: 'ethernet', maxTransmissionUnit: 1514, maxBurstSize: null, checksum: ChecksumCapabilities.default() };
  private readonly rxToken: RxToken = {
    consume: <C, R>(ctx: C, f: FrameConsumer<C, R>): R => {
      const n = this.rxLength;
      this.rxLength = -1;
      return f(ctx, this.rxBytes, 0, n);
    },
  };
  private readonly txToken: TxToken = {
    consume: <C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R => {
      this.txFrames++;
      return f(ctx, this.txBytes, 0, length);
    },
  };
  private readonly pair: RxPair = { rx: this.rxToken, tx: this.txToken };
  capabilities(): DeviceCapabilities {
    return this.caps;
  }
  receive(): RxPair | null {
    return this.rxLength < 0 ? null : this.pair;
  }
  transmit(): TxToken | null {
    return this.txToken;
  }
}

export interface FuzzResult {
  frames: number;
  counters: Record<string, number>;
  rxFrames: number;
  accepted: number;
  dropped: number;
  heapGrowth: number;
  answersAfter: boolean;
}

export function runFuzz(count: number, seed: number): FuzzResult {
  const random = prng(seed);
  const iface = new Interface({ hardwareAddr: OUR_MAC, addresses: ['192.168.69.1/24'], defaultGateway: '192.168.69.254', reassembly: { buffers: 2 } });
  const device = new FuzzDevice();
  const sockets = new SocketSet(4);
  const udp = new UdpSocket({ rx: { packets: 4, payload: 8000 } });
  udp.bind(7);
  const icmp = new IcmpSocket();
  icmp.bindIdent(1);
  const raw = new RawSocket({ protocol: 253 });
  sockets.add(udp);
  sockets.add(icmp);
  sockets.add(raw);
  const seeds = corpus();
  const scratch = device.rxBytes;
  const sink = new Uint8Array(8000);
  let now = 1_000_000_000;
  let heapBefore = 0;
  for (let i = 0; i < count; i++) {
    if (i === Math.min(10_000, count >> 1)) heapBefore = process.memoryUsage().heapUsed;
    const r = random();
    let n = 0;
    if (r < 0.1) {
      // Random bytes of a random length.
      n = Math.floor(random() * 1514);
      for (let k = 0; k < n; k++) scratch[k] = (random() * 256) | 0;
    } else {
      const base = seeds[(random() * seeds.length) | 0];
      n = r < 0.2 ? Math.floor(random() * base.length) : base.length; // truncated
      for (let k = 0; k < n; k++) scratch[k] = base[k];
      if (r >= 0.3) {
        // Flip a few bytes, often in the headers.
        const flips = 1 + ((random() * 4) | 0);
        for (let k = 0; k < flips && n > 0; k++) {
          const at = random() < 0.7 ? Math.floor(random() * Math.min(n, 60)) : Math.floor(random() * n);
          scratch[at] = (random() * 256) | 0;
        }
      }
    }
    device.rxLength = n;
    iface.poll(now, device, sockets);
    while (udp.recv(sink, 0, sink.length) >= 0);
    while (icmp.recv(sink, 0, sink.length) >= 0);
    while (raw.recv(sink, 0, sink.length) >= 0);
    if ((i & 1023) === 0) iface.neighbors.fill(PEER_IP, PEER_MAC, now);
    now += 1000 + Math.floor(random() * 100_000);
  }
  const heapGrowth = count > 1 ? process.memoryUsage().heapUsed - heapBefore : 0;
  // Still a working stack: a ping is answered.
  iface.neighbors.fill(PEER_IP, PEER_MAC, now);
  const check = new TestDevice();
  check.inject(ipv4Frame(IpProtocol.Icmp, echoRequest(9, 9, pattern(8))));
  iface.poll(now, check, sockets);
  const answersAfter = check.take().some((f) => f.icmpv4?.echoSeqNo === 9);
  const c = iface.counters;
  return {
    frames: count + 1,
    counters: c.snapshot(),
    rxFrames: c.rxFrames,
    accepted: c.rx[0],
    dropped: c.rxDropped(),
    heapGrowth,
    answersAfter,
  };
}

if (process.argv[1]?.endsWith('fuzz-run.ts')) {
  const count = Number(process.argv[2] ?? 1_000_000);
  const result = runFuzz(count, Number(process.argv[3] ?? 42));
  console.log(JSON.stringify(result, null, 2));
  // The heap is measured from frame 10 000 on, with a device and a frame generator that allocate nothing:
  // growth beyond a megabyte would be a leak per frame (a byte a frame over a million).
  const ok =
    result.rxFrames === result.frames && result.accepted + result.dropped === result.rxFrames && result.answersAfter && result.heapGrowth < 1 << 20;
  if (!ok) {
    console.error('fuzz: the counters do not add up, the heap grew or the stack stopped answering');
    process.exit(1);
  }
}
