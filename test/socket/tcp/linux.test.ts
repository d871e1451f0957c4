// Our TCP against the Linux kernel, the reference implementation: in a namespace this test creates,
// our stack sits on a tap and talks to socat. A kernel client sends to our listener and our client
// sends to a kernel server; the bytes are compared by SHA-256. The options negotiated (window scaling,
// SACK, timestamps) are read from a tcpdump capture on the tap, and a fault injector dropping and
// corrupting frames both ways must not keep the transfer from completing.
//
// The lossy runs are 512 KiB each way here. SMOLTCP_LOSSY_MIB=10 runs them with 10 MiB too (opt-in). Run
// on 2026-12-05 (2 vCPUs shared with other suites): the kernel to us, 10 MiB in 2.5, 8.7, 16.4 and 18.1 s
// (71.7 s before the reassembly fix, most of it one 60 s stall of the kernel's backed-off timer); us to the
// kernel 44 and 98 s (LOSSY below; 268 s with the default 200 ms RTO floor). That direction is slow because at 15 % drop and 15 % corruption both ways the
// congestion window stays at a few segments, a round whose segments or ACKs are all lost is common, and
// only the retransmission timer recovers it (145 timeouts and 110 tail loss probes for 4 MiB).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, startCapture, withNetns } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { TcpOptionIterator, TcpPacket, WireError } from '../../../generated/index.js';
import { Interface } from '../../../src/iface/interface.js';
import type { Device } from '../../../src/phy/device.js';
import { FaultInjector } from '../../../src/phy/fault-injector.js';
import { TapInterface } from '../../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../../src/phy/sys/interface.js';
import { SocketSet } from '../../../src/socket/socket-set.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TcpSocket, TcpState, type TcpSocketOptions } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { now as clock } from '../../../src/time.js';
import { TcpRepr } from '../../../src/wire/tcp.js';

const test = suiteNeeding('socket/tcp/linux', ['root', 'socat', 'tcpdump']);

let serial = 0;

interface Setup {
  ns: Netns;
  tap: TapInterface;
  device: Device;
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

function setUp(faults: { drop: number; corrupt: number } | null = null): Setup {
  const n = serial++;
  const tapName = `tt${process.pid % 10000}x${n}`;
  const subnet = 80 + n;
  const kernelIp = `10.79.${subnet}.1`;
  const ourIp = `10.79.${subnet}.2`;
  const ns = Netns.create('tcp');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['addr', 'add', `${kernelIp}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    // Static neighbours both ways: ARP has no checksum, so a corrupted ARP frame would teach a wrong
    // address and stall the transfer for reasons that are not TCP's.
    ns.run('ip', ['neigh', 'replace', ourIp, 'lladdr', '02:00:00:00:00:02', 'dev', tapName, 'nud', 'permanent']);
    const macBytes = withNetns(ns, () => interfaceHardwareAddress(tapName));
    const kernelMac = macBytes.reduce((v, b) => v * 256 + b, 0);
    const tap = withNetns(ns, () => new TapInterface(tapName));
    const device: Device = faults === null ? tap : new FaultInjector(tap, { dropChance: faults.drop, corruptChance: faults.corrupt, seed: 1234 + n });
    const iface = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: [`${ourIp}/24`] });
    const sockets = new SocketSet(8);
    const dir = mkdtempSync(join(tmpdir(), 'smoltcp-tcp-'));
    return { ns, tap, device, iface, sockets, kernelIp, ourIp, tapName, dir, kernelMac };
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

function tearDown(s: Setup, children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  s.tap.close();
  s.ns.destroy();
  rmSync(s.dir, { recursive: true, force: true });
}

/**
 * Our settings for the opt-in 10 MiB lossy runs: tail loss probes and RACK's reordering window (RFC 8985),
 * Cubic, and a minimum RTO for a link whose round trip is under a millisecond (20 ms; the default 200 ms
 * is Linux's). At 15 % drop and 15 % corruption both ways most recoveries end on a timer, so its floor
 * sets the pace: 10 MiB to the kernel took 44 and 98 s with these settings, 268 s with the 200 ms floor.
 */
const LOSSY: Partial<TcpSocketOptions> = { tailLossProbe: true, rackReorderWindow: true, congestion: 'cubic', rto: { min: 20_000 } };

function newSocket(size = 1 << 20, options: Partial<TcpSocketOptions> = {}): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(size), txBuffer: new RingBuffer(size), ...options });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

/**
 * Polls the interface until `done()` says so: `step()` runs after each poll (the application), and the
 * loop sleeps in waitReadable until a frame arrives or the interface's next timer. Fails after `limitMs`.
 */
async function drive(s: Setup, step: () => void, done: () => boolean, limitMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + limitMs;
  const kernelAddr = ipValue(s.kernelIp);
  while (!done()) {
    s.iface.neighbors.fill(kernelAddr, s.kernelMac, clock());
    s.iface.poll(clock(), s.device, s.sockets);
    step();
    s.iface.poll(clock(), s.device, s.sockets);
    if (done()) break;
    if (performance.now() > deadline) throw new Error(`${what()}: not done after ${limitMs} ms`);
    const delay = s.iface.pollDelay(clock(), s.sockets);
    if (delay !== 0) await s.tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
  }
}

/** The options of a SYN or SYN-ACK captured as an Ethernet frame. */
function synOptions(frame: Uint8Array): TcpRepr {
  const ihl = (frame[14]! & 0x0f) * 4;
  const packet = new TcpPacket(frame.subarray(14 + ihl));
  const repr = new TcpRepr();
  // The checksum was verified by the kernel or computed by us; only the options matter here.
  const error = repr.parseInto(packet, 0, 0, { ipv4: 'none', udp: 'none', tcp: 'none', icmpv4: 'none' } as never);
  assert.is(error, WireError.Ok);
  void TcpOptionIterator;
  return repr;
}

async function kernelToUs(size: number, faults: { drop: number; corrupt: number } | null, limitMs: number, options: Partial<TcpSocketOptions> = {}): Promise<void> {
  const s = setUp(faults);
  const children: ChildProcess[] = [];
  try {
    const data = randomBytes(size);
    const file = join(s.dir, 'in.bin');
    writeFileSync(file, data);
    const listener = new TcpListener({ pool: [newSocket(1 << 20, options), newSocket(1 << 20, options)], backlog: 2 });
    listener.listen(8080);
    s.sockets.add(listener);
    const capture = faults === null ? await startCapture(s.ns, s.tapName, 'tcp[tcpflags] & tcp-syn != 0', 2, limitMs) : null;
    const client = s.ns.spawn('socat', ['-u', `OPEN:${file}`, `TCP:${s.ourIp}:8080`]);
    children.push(client);
    let stderr = '';
    client.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
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
      limitMs,
      () => `kernel to us, ${received} of ${size} bytes, socat ${client.exitCode === null ? 'running' : `exited ${client.exitCode}: ${stderr}`}`,
    );
    assert.is(await exited(client), 0, `socat: ${stderr}`);
    assert.is(received, size);
    assert.is(hash.digest('hex'), createHash('sha256').update(data).digest('hex'));
    if (capture !== null) {
      const [syn, synAck] = await capture.frames;
      const a = synOptions(syn!);
      const b = synOptions(synAck!);
      // The kernel offers all three; our SYN-ACK takes them (RFC 7323, RFC 2018).
      assert.ok(a.windowScale !== null && a.sackPermitted && a.hasTimestamp, 'kernel SYN options');
      assert.ok(b.windowScale !== null && b.sackPermitted && b.hasTimestamp, 'our SYN-ACK options');
      assert.is(b.windowScale, 5, '1 MiB receive buffer: shift 5');
      assert.is(b.maxSegSize, 1460);
    }
  } finally {
    tearDown(s, children);
  }
}

async function usToKernel(size: number, faults: { drop: number; corrupt: number } | null, limitMs: number, options: Partial<TcpSocketOptions> = {}): Promise<void> {
  const s = setUp(faults);
  const children: ChildProcess[] = [];
  try {
    const data = randomBytes(size);
    const out = join(s.dir, 'out.bin');
    const server = s.ns.spawn('socat', ['-u', `TCP-LISTEN:9090,bind=${s.kernelIp},reuseaddr`, `CREATE:${out}`]);
    children.push(server);
    let stderr = '';
    server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const capture = faults === null ? await startCapture(s.ns, s.tapName, 'tcp[tcpflags] & tcp-syn != 0', 2, limitMs) : null;
    const socket = newSocket(1 << 20, options);
    s.sockets.add(socket);
    let port = 40000;
    let sent = 0;
    let closed = false;
    const connect = () => socket.connect(new IpEndpoint(ipValue(s.kernelIp), 9090), new IpEndpoint(ipValue(s.ourIp), port++));
    connect();
    await drive(
      s,
      () => {
        // socat may not listen yet: a refused attempt is retried from a new port.
        if (socket.state === TcpState.Closed && !closed) connect();
        if (socket.maySend() && sent < size) sent += socket.send(data, sent, size - sent);
        if (sent === size && !closed && socket.state === TcpState.Established) {
          socket.close();
          closed = true;
        }
      },
      () => closed && server.exitCode !== null,
      limitMs,
      () => `us to kernel, ${sent} of ${size} bytes queued, state ${TcpState[socket.state]}, socat ${server.exitCode === null ? 'running' : `exited ${server.exitCode}: ${stderr}`}`,
    );
    assert.is(await exited(server), 0, `socat: ${stderr}`);
    const got = readFileSync(out);
    assert.is(got.length, size);
    assert.is(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
    if (capture !== null) {
      const frames = await capture.frames;
      const a = synOptions(frames[frames.length - 2]!);
      const b = synOptions(frames[frames.length - 1]!);
      assert.ok(a.windowScale !== null && a.sackPermitted && a.hasTimestamp, 'our SYN options');
      assert.ok(b.windowScale !== null && b.sackPermitted && b.hasTimestamp, 'kernel SYN-ACK options');
    }
  } finally {
    tearDown(s, children);
  }
}

if (test) {
  test('a kernel client (socat) sends 10 MiB to our listener: equal SHA-256, all options negotiated', async () => {
    await kernelToUs(10 << 20, null, 120_000);
  });

  test('our client sends 10 MiB to a kernel server (socat): equal SHA-256, all options negotiated', async () => {
    await usToKernel(10 << 20, null, 120_000);
  });

  test('kernel to us through 15 % drop and 15 % corruption both ways: 512 KiB complete and equal', async () => {
    await kernelToUs(512 << 10, { drop: 15, corrupt: 15 }, 240_000);
  });

  test('us to the kernel through 15 % drop and 15 % corruption both ways: 512 KiB complete and equal', async () => {
    await usToKernel(512 << 10, { drop: 15, corrupt: 15 }, 240_000);
  });

  const lossyMib = Number(process.env.SMOLTCP_LOSSY_MIB ?? 0);
  if (lossyMib > 0) {
    test(`opt-in: kernel to us through 15 %/15 % both ways, ${lossyMib} MiB with RACK-TLP and Cubic: complete and equal`, async () => {
      const t0 = performance.now();
      await kernelToUs(lossyMib << 20, { drop: 15, corrupt: 15 }, 1_800_000, LOSSY);
      console.log(`    kernel to us: ${lossyMib} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
    test(`opt-in: us to the kernel through 15 %/15 % both ways, ${lossyMib} MiB with RACK-TLP and Cubic: complete and equal`, async () => {
      const t0 = performance.now();
      await usToKernel(lossyMib << 20, { drop: 15, corrupt: 15 }, 1_800_000, LOSSY);
      console.log(`    us to the kernel: ${lossyMib} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
  }

  test.run();
}
