// Our TCP against the Linux kernel over a tap with the largest MTU Linux gives a tap (65521), the setting
// bench tcp measures throughput with: 10 MiB each way (a kernel client to our listener, our client to a
// kernel server), SHA-256 equal, and the segments really large on the wire, both ways: the MSS each side
// announces follows the MTU (65481 = 65521 - 40), and tcpdump in the namespace sees data frames of more
// than 32 KiB from the kernel and from us. Each both without and with the tap's checksum offload (a
// virtio-net header, TUN_F_CSUM: neither side sums TCP payloads, src/phy/tap-interface.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, startCapture, withNetns, type Capture } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { TcpPacket, WireError } from '../../../generated/index.js';
import { Interface } from '../../../src/iface/interface.js';
import { ChecksumCapabilities } from '../../../src/phy/capabilities.js';
import { TapInterface } from '../../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../../src/phy/sys/interface.js';
import { SocketSet } from '../../../src/socket/socket-set.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { now as clock } from '../../../src/time.js';
import { TcpRepr } from '../../../src/wire/tcp.js';
import { foldSum, pseudoHeaderSum } from '../../../src/wire/checksum.js';

const test = suiteNeeding('socket/tcp/linux-large-mtu', ['root', 'socat', 'tcpdump']);

const MTU = 65521;
const MSS = MTU - 40;
/** A data frame "really large": more than half of the largest, far beyond any 1500- or 9000-byte MTU. */
const LARGE = 32768;
const SIZE = 10 << 20;

let serial = 0;

interface Setup {
  ns: Netns;
  tap: TapInterface;
  iface: Interface;
  sockets: SocketSet;
  kernelIp: string;
  ourIp: string;
  tapName: string;
  dir: string;
  kernelMac: number;
}

function ipValue(text: string): number {
  return text.split('.').reduce((v, part) => v * 256 + Number(part), 0);
}

function setUp(checksumOffload: boolean): Setup {
  const n = serial++;
  const tapName = `tj${process.pid % 10000}x${n}`;
  const kernelIp = `10.81.${n}.1`;
  const ourIp = `10.81.${n}.2`;
  const ns = Netns.create('tcpj');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['link', 'set', tapName, 'mtu', String(MTU)]);
    ns.run('ip', ['addr', 'add', `${kernelIp}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    ns.run('ip', ['neigh', 'replace', ourIp, 'lladdr', '02:00:00:00:00:02', 'dev', tapName, 'nud', 'permanent']);
    const kernelMac = withNetns(ns, () => interfaceHardwareAddress(tapName)).reduce((v, b) => v * 256 + b, 0);
    const tap = withNetns(ns, () => new TapInterface(tapName, { checksumOffload }));
    const iface = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: [`${ourIp}/24`] });
    const dir = mkdtempSync(join(tmpdir(), 'smoltcp-tcpj-'));
    return { ns, tap, iface, sockets: new SocketSet(4), kernelIp, ourIp, tapName, dir, kernelMac };
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

function tearDown(s: Setup, children: ChildProcess[], captures: Capture[]): void {
  for (const c of captures) c.stop();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  s.tap.close();
  s.ns.destroy();
  rmSync(s.dir, { recursive: true, force: true });
}

function newSocket(): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20) });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

async function drive(s: Setup, step: () => void, done: () => boolean, limitMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + limitMs;
  const kernelAddr = ipValue(s.kernelIp);
  while (!done()) {
    s.iface.neighbors.fill(kernelAddr, s.kernelMac, clock());
    s.iface.poll(clock(), s.tap, s.sockets);
    step();
    s.iface.poll(clock(), s.tap, s.sockets);
    if (done()) break;
    if (performance.now() > deadline) throw new Error(`${what()}: not done after ${limitMs} ms`);
    const delay = s.iface.pollDelay(clock(), s.sockets);
    if (delay !== 0) await s.tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
  }
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
async function capture(s: Setup, from: string): Promise<{ syns: Capture; large: Capture }> {
  const syns = await startCapture(s.ns, s.tapName, 'tcp[tcpflags] & tcp-syn != 0', 2, 60_000);
  const large = await startCapture(s.ns, s.tapName, `src host ${from} and tcp and greater ${LARGE}`, 4, 60_000);
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
    const children: ChildProcess[] = [];
    const captures: Capture[] = [];
    try {
      const data = randomBytes(SIZE);
      const file = join(s.dir, 'in.bin');
      writeFileSync(file, data);
      const listener = new TcpListener({ pool: [newSocket(), newSocket()], backlog: 2 });
      listener.listen(8080);
      s.sockets.add(listener);
      const c = await capture(s, s.kernelIp);
      captures.push(c.syns, c.large);
      const client = s.ns.spawn('socat', ['-u', '-b', '262144', `OPEN:${file}`, `TCP:${s.ourIp}:8080`]);
      children.push(client);
      let stderr = '';
      client.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const hash = createHash('sha256');
      const buf = new Uint8Array(65536);
      let conn: TcpSocket | null = null;
      let received = 0;
      let finished = false;
      await drive(
        s,
        () => {
          conn ??= listener.accept();
          if (conn === null) return;
          for (;;) {
            const n = conn.recv(buf);
            if (n === -1) {
              finished = true;
              conn.close();
              break;
            }
            if (n === 0) break;
            hash.update(buf.subarray(0, n));
            received += n;
          }
        },
        () => finished && client.exitCode !== null,
        120_000,
        () => `kernel to us, ${received} of ${SIZE} bytes, socat ${client.exitCode === null ? 'running' : `exited ${client.exitCode}: ${stderr}`}`,
      );
      assert.is(await exited(client), 0, `socat: ${stderr}`);
      assert.is(received, SIZE);
      assert.is(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
      await checkCapture(c);
      if (offload) {
        checkOffload(s);
        assert.ok(s.tap.rxOffloaded > 100, `${s.tap.rxOffloaded} frames came with a partial or validated checksum`);
      }
    } finally {
      tearDown(s, children, captures);
    }
  });

  test(`our client sends 10 MiB to a kernel server (socat) over MTU ${MTU}: equal SHA-256, segments of more than ${LARGE} bytes${how}`, async () => {
    const s = setUp(offload);
    const children: ChildProcess[] = [];
    const captures: Capture[] = [];
    try {
      const data = randomBytes(SIZE);
      const out = join(s.dir, 'out.bin');
      const server = s.ns.spawn('socat', ['-u', '-b', '262144', `TCP-LISTEN:9090,bind=${s.kernelIp},reuseaddr`, `CREATE:${out}`]);
      children.push(server);
      let stderr = '';
      server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const c = await capture(s, s.ourIp);
      captures.push(c.syns, c.large);
      const socket = newSocket();
      s.sockets.add(socket);
      let port = 40000;
      let sent = 0;
      let closed = false;
      const connect = (): void => socket.connect(new IpEndpoint(ipValue(s.kernelIp), 9090), new IpEndpoint(ipValue(s.ourIp), port++));
      connect();
      await drive(
        s,
        () => {
          // socat may not listen yet: a refused attempt is retried from a new port.
          if (socket.state === TcpState.Closed && !closed) connect();
          if (socket.maySend() && sent < SIZE) sent += socket.send(data, sent, SIZE - sent);
          if (sent === SIZE && !closed && socket.state === TcpState.Established) {
            socket.close();
            closed = true;
          }
        },
        () => closed && server.exitCode !== null,
        120_000,
        () => `us to kernel, ${sent} of ${SIZE} bytes queued, state ${TcpState[socket.state]}, socat ${server.exitCode === null ? 'running' : `exited ${server.exitCode}: ${stderr}`}`,
      );
      assert.is(await exited(server), 0, `socat: ${stderr}`);
      const got = readFileSync(out);
      assert.is(got.length, SIZE);
      assert.is(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
      await checkCapture(c, offload ? s.ourIp : null);
      if (offload) checkOffload(s);
    } finally {
      tearDown(s, children, captures);
    }
  });

}

/** With offload: every frame came in through the header, none was dropped as unsupported or with a bad checksum. */
function checkOffload(s: Setup): void {
  assert.ok(s.tap.checksumOffload);
  assert.is(s.tap.rxUnsupported, 0, 'no frame with a header the driver does not take');
  assert.is(s.tap.rxBadChecksums, 0, 'no frame with a wrong checksum');
  assert.ok(s.tap.rxFrames > 20 && s.tap.txFrames > 20, `${s.tap.rxFrames} frames in, ${s.tap.txFrames} out`);
}

if (test) test.run();
