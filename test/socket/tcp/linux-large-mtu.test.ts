// Our TCP against the Linux kernel over a tap with the largest MTU Linux gives a tap (65521), the setting
// bench tcp measures throughput with: 10 MiB each way (a kernel client to our listener, our client to a
// kernel server), SHA-256 equal, and the segments really large on the wire, both ways: the MSS each side
// announces follows the MTU (65481 = 65521 - 40), and tcpdump in the namespace sees data frames of more
// than 32 KiB from the kernel and from us. Each both without and with the tap's checksum offload (a
// virtio-net header, TUN_F_CSUM: neither side sums TCP payloads, src/phy/tap-interface.ts).
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { startCapture, type Capture } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { TcpPacket, WireError } from '../../../generated/index.js';
import { ChecksumCapabilities } from '../../../src/phy/capabilities.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import { foldSum, pseudoHeaderSum } from '../../../src/wire/checksum.js';
import { KernelTap } from './kernel-tap.js';

const test = suiteNeeding('socket/tcp/linux-large-mtu', ['root', 'socat', 'tcpdump']);

const MTU = 65521;
const MSS = MTU - 40;
/** A data frame "really large": more than half of the largest, far beyond any 1500- or 9000-byte MTU. */
const LARGE = 32768;
const SIZE = 10 << 20;
/** socat's block size: 256 KiB reads and writes, so socat is not what limits the segment sizes. */
const SOCAT = ['-b', '262144'];

let serial = 0;

function setUp(checksumOffload: boolean): KernelTap {
  return new KernelTap({ tag: 'j', subnet: `10.81.${serial++}`, mtu: MTU, checksumOffload, sockets: 4 });
}

function newSocket(): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20) });
}

/** The TCP header of a captured Ethernet/IPv4 frame (options parsed; checksums are not this test's subject). */
function tcpOf(frame: Uint8Array): TcpRepr {
  const ihl = (frame[14]! & 0x0f) * 4;
  const repr = new TcpRepr();
  assert.is(repr.parseInto(new TcpPacket(frame.subarray(14 + ihl)), 0, 0, ChecksumCapabilities.ignored()), WireError.Ok);
  return repr;
}

/** IPv4 total length of a captured frame: the segment as sent, whatever the capture kept. */
function ipLength(frame: Uint8Array): number {
  return (frame[16]! << 8) | frame[17]!;
}

/** Captures: the SYN and SYN-ACK, and the first four data frames larger than LARGE from `from`. */
async function capture(s: KernelTap, from: string): Promise<{ syns: Capture; large: Capture }> {
  const syns = s.track(await startCapture(s.ns, s.tapName, 'tcp[tcpflags] & tcp-syn != 0', 2, 60_000));
  const large = s.track(await startCapture(s.ns, s.tapName, `src host ${from} and tcp and greater ${LARGE}`, 4, 60_000));
  return { syns, large };
}

/**
 * Checks the captured handshake and large frames. With `partialFrom` (our address, when we send with
 * checksum offload): our large frames carry the pseudo-header sum in the TCP checksum field, not a checksum,
 * which shows that we left the payload unsummed and the kernel took the frames as NEEDS_CSUM.
 */
async function checkCapture(c: { syns: Capture; large: Capture }, partialFrom: string | null = null): Promise<void> {
  const [syn, synAck] = await c.syns.frames;
  assert.ok(syn !== undefined && synAck !== undefined, 'the handshake was captured');
  assert.is(tcpOf(syn!).maxSegSize, MSS, 'the SYN announces the MSS of a 65521-byte MTU');
  assert.is(tcpOf(synAck!).maxSegSize, MSS, 'the SYN-ACK announces the MSS of a 65521-byte MTU');
  const large = await c.large.frames;
  assert.is(large.length, 4, `four data frames over ${LARGE} bytes were seen`);
  for (const frame of large) assert.ok(ipLength(frame) > LARGE && ipLength(frame) <= MTU, `an IPv4 packet of ${ipLength(frame)} bytes`);
  if (partialFrom === null) return;
  for (const frame of large) {
    const ihl = (frame[14]! & 0x0f) * 4;
    const view = new DataView(frame.buffer, frame.byteOffset);
    const tcpLength = ipLength(frame) - ihl;
    const pseudo = foldSum(pseudoHeaderSum(view.getInt32(26), view.getInt32(30), 6, tcpLength));
    assert.is(view.getUint16(14 + ihl + 16), pseudo, 'the TCP checksum field holds the pseudo-header sum (NEEDS_CSUM)');
  }
}

if (test) for (const offload of [false, true]) {
  const how = offload ? ', checksum offload' : '';
  test(`a kernel client (socat) sends 10 MiB to our listener over MTU ${MTU}: equal SHA-256, segments of more than ${LARGE} bytes${how}`, async () => {
    const s = setUp(offload);
    try {
      const listener = new TcpListener({ pool: [newSocket(), newSocket()], backlog: 2 });
      listener.listen(8080);
      s.sockets.add(listener);
      const c = await capture(s, s.kernelIp);
      await s.receiveFromSocat(listener, randomBytes(SIZE), 120_000, SOCAT);
      await checkCapture(c);
      if (offload) {
        checkOffload(s);
        assert.ok(s.tap.rxOffloaded > 100, `${s.tap.rxOffloaded} frames came with a partial or validated checksum`);
      }
    } finally {
      s.close();
    }
  });

  test(`our client sends 10 MiB to a kernel server (socat) over MTU ${MTU}: equal SHA-256, segments of more than ${LARGE} bytes${how}`, async () => {
    const s = setUp(offload);
    try {
      const c = await capture(s, s.ourIp);
      const socket = newSocket();
      s.sockets.add(socket);
      await s.sendToSocat(socket, randomBytes(SIZE), 120_000, SOCAT);
      await checkCapture(c, offload ? s.ourIp : null);
      if (offload) checkOffload(s);
    } finally {
      s.close();
    }
  });
}

/** With offload: every frame came in through the header, none was dropped as unsupported or with a bad checksum. */
function checkOffload(s: KernelTap): void {
  assert.ok(s.tap.checksumOffload);
  assert.is(s.tap.rxUnsupported, 0, 'no frame with a header the driver does not take');
  assert.is(s.tap.rxBadChecksums, 0, 'no frame with a wrong checksum');
  assert.ok(s.tap.rxFrames > 20 && s.tap.txFrames > 20, `${s.tap.rxFrames} frames in, ${s.tap.txFrames} out`);
}

if (test) test.run();
