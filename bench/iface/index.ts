// `npm run bench -- iface [--seconds S]`: two of our interfaces in one process over a LinkedPair:
// ICMP echo round trips per second (from an ICMP socket, answered by the other interface) and UDP
// datagrams per second with 64- and 1472-byte payloads (socket to socket), with bytes allocated and GCs
// per packet in the timed loops; in the same run, Node's own dgram over 127.0.0.1 moving the same
// datagrams, which is what a user would otherwise reach for. Ends with one line:
//   bench iface: icmp_pps=.. udp_pps=.. node_dgram_pps=.. udp_vs_dgram=.. bytes_per_packet=.. gcs=..
// udp_pps and node_dgram_pps are the 64-byte figures; bytes_per_packet is the worst of the loops.
import { createSocket } from 'node:dgram';
import v8 from 'node:v8';
import { Icmpv4Message, Icmpv4Packet } from '../../generated/index.js';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { IcmpSocket } from '../../src/socket/icmp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { Icmpv4Repr } from '../../src/wire/icmpv4.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench iface: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

const seconds = option('seconds', 2);
/** Packets per poll: an application sends a burst, then polls. */
const BURST = 32;
const A_IP = 0xc0a84501;
const B_IP = 0xc0a84502;

const pair = new LinkedPair({ capacity: 256 });
const ifaceA = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
const ifaceB = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['192.168.69.2/24'] });
const socketsA = new SocketSet(4);
const socketsB = new SocketSet(4);
const big = { rx: { packets: 256, payload: 512 * 1024 }, tx: { packets: 256, payload: 512 * 1024 } };
const udpA = new UdpSocket(big);
udpA.bind(1000);
const udpB = new UdpSocket(big);
udpB.bind(2000);
const ping = new IcmpSocket(big);
ping.bindIdent(0x1234);
socketsA.add(udpA);
socketsA.add(ping);
socketsB.add(udpB);

let now = 1_764_547_200_000_000;
const payload = new Uint8Array(1472).fill(0x5a);
const sink = new Uint8Array(2048);
const from = new IpEndpoint();

function udpBurst(size: number): number {
  now += 10;
  for (let k = 0; k < BURST; k++) udpA.send(payload, 0, size, B_IP, 2000);
  ifaceA.poll(now, pair.a, socketsA);
  ifaceB.poll(now, pair.b, socketsB);
  let got = 0;
  while (udpB.recv(sink, 0, sink.length, from) >= 0) got++;
  return got;
}

const echo = new Icmpv4Repr();
echo.msgType = Icmpv4Message.EchoRequest;
echo.echoIdent = 0x1234;
echo.setData(payload, 0, 56);
const request = new Uint8Array(echo.bufferLength());
const requestView = new Icmpv4Packet(request);

function pingBurst(): number {
  now += 10;
  for (let k = 0; k < BURST; k++) {
    echo.echoSeqNo = k;
    echo.emit(requestView);
    ping.send(request, 0, request.length, B_IP);
  }
  ifaceA.poll(now, pair.a, socketsA);
  ifaceB.poll(now, pair.b, socketsB);
  ifaceA.poll(now, pair.a, socketsA);
  let got = 0;
  while (ping.recv(sink, 0, sink.length, from) >= 0) got++;
  return got;
}

interface Loop {
  pps: number;
  bytesPerPacket: number;
  gcs: number;
}

/** Runs `burst` for `seconds` after a warm-up; packets per second, bytes allocated and GCs per packet. */
function measure(burst: () => number): Loop {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) burst();
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  const start = performance.now();
  const end = start + seconds * 1000;
  let packets = 0;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 64; i++) packets += burst();
    t = performance.now();
  }
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const gc of report.statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
  return {
    pps: packets / ((t - start) / 1000),
    bytesPerPacket: Math.max(0, heapAfter - heapBefore + freed) / packets,
    gcs: report.statistics.length,
  };
}

/**
 * Node's dgram over 127.0.0.1: datagrams of `size` received per second. The sender sends batches of 32
 * per event-loop turn while fewer than 512 are in flight (more only fills the socket buffer and loses
 * them); the receiver counts 'message' events.
 */
async function nodeDgram(size: number): Promise<number> {
  const receiver = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  const port = receiver.address().port;
  const data = Buffer.alloc(size, 0x5a);
  let received = 0;
  let sent = 0;
  let running = true;
  receiver.on('message', () => {
    received++;
  });
  const pump = (): void => {
    if (!running) return;
    if (sent - received < 512) {
      for (let k = 0; k < 32; k++) sender.send(data, port, '127.0.0.1');
      sent += 32;
    } else if (sent - received > 4096) {
      sent = received; // datagrams were lost: do not wait for them
    }
    setImmediate(pump);
  };
  pump();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const startCount = received;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const rate = (received - startCount) / ((performance.now() - start) / 1000);
  running = false;
  sender.close();
  receiver.close();
  return rate;
}

// Resolve the neighbours both ways before timing (ARP is not per packet).
udpA.send(payload, 0, 1, B_IP, 2000);
for (let i = 0; i < 4; i++) {
  ifaceA.poll(now, pair.a, socketsA);
  ifaceB.poll(now, pair.b, socketsB);
}
while (udpB.recv(sink, 0, sink.length, from) >= 0);
void A_IP;

const icmp = measure(pingBurst);
const udp64 = measure(() => udpBurst(64));
const udp1472 = measure(() => udpBurst(1472));
const dgram64 = await nodeDgram(64);
const dgram1472 = await nodeDgram(1472);

const fmt = (n: number): string => Math.round(n).toString();
const fixed = (n: number, digits = 2): string => n.toFixed(digits);
console.log(`icmp echo round trips: ${fmt(icmp.pps)}/s, ${fixed(icmp.bytesPerPacket)} bytes/round trip, ${icmp.gcs} GCs`);
console.log(`udp 64-byte datagrams: ${fmt(udp64.pps)}/s, ${fixed(udp64.bytesPerPacket)} bytes/datagram, ${udp64.gcs} GCs; node dgram ${fmt(dgram64)}/s`);
console.log(`udp 1472-byte datagrams: ${fmt(udp1472.pps)}/s (${fixed((udp1472.pps * 1472 * 8) / 1e9)} Gbit/s of payload), ${fixed(udp1472.bytesPerPacket)} bytes/datagram, ${udp1472.gcs} GCs; node dgram ${fmt(dgram1472)}/s`);
const bytesPerPacket = Math.max(icmp.bytesPerPacket, udp64.bytesPerPacket, udp1472.bytesPerPacket);
const gcs = icmp.gcs + udp64.gcs + udp1472.gcs;
const received = ifaceB.counters.rxDropped() === 0 && ifaceA.counters.rxDropped() === 0;
if (!received) console.log('warning: frames were dropped:', ifaceA.counters.snapshot(), ifaceB.counters.snapshot());
console.log(
  `bench iface: icmp_pps=${fmt(icmp.pps)} udp_pps=${fmt(udp64.pps)} node_dgram_pps=${fmt(dgram64)} ` +
    `udp_vs_dgram=${fixed(udp64.pps / dgram64)} bytes_per_packet=${fixed(bytesPerPacket)} gcs=${gcs}`,
);
