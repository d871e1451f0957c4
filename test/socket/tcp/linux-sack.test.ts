// The kernel's SACK blocks drive our retransmissions (RFC 2018, RFC 6675): in a namespace this test creates,
// our client on a tap sends to a kernel server (socat) with SACK negotiated, and a device wrapper drops the
// first transmission of three chosen data segments of ours. The kernel answers the segments after each hole
// with SACK blocks; from our own transmit trace, exactly the dropped segments are sent again, each once, and
// nothing else is; the file the kernel wrote is equal to what we sent.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, withNetns } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { Interface } from '../../../src/iface/interface.js';
import type { DeviceCapabilities } from '../../../src/phy/capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from '../../../src/phy/device.js';
import { TapInterface } from '../../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../../src/phy/sys/interface.js';
import { SocketSet } from '../../../src/socket/socket-set.js';
import { IpEndpoint } from '../../../src/socket/socket.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { now as clock } from '../../../src/time.js';

const test = suiteNeeding('socket/tcp/linux-sack', ['root', 'socat']);

/** The TCP segment in an Ethernet/IPv4 frame: sequence number, payload length, SACK blocks; null if not TCP. */
function tcpOf(bytes: Uint8Array, offset: number, length: number): { src: number; dst: number; seq: number; ack: number; payload: number; sackBlocks: number } | null {
  if (length < 54 || bytes[offset + 12] !== 0x08 || bytes[offset + 13] !== 0x00 || bytes[offset + 23] !== 6) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const ihl = (view.getUint8(14) & 0x0f) * 4;
  const total = view.getUint16(16);
  const tcp = 14 + ihl;
  const doff = (view.getUint8(tcp + 12) >> 4) * 4;
  let sackBlocks = 0;
  for (let at = tcp + 20; at < tcp + doff; ) {
    const kind = view.getUint8(at);
    if (kind === 0) break;
    if (kind === 1) {
      at++;
      continue;
    }
    const len = view.getUint8(at + 1);
    if (kind === 5) sackBlocks += (len - 2) / 8;
    at += Math.max(2, len);
  }
  return { src: view.getUint16(tcp), dst: view.getUint16(tcp + 2), seq: view.getUint32(tcp + 4), ack: view.getUint32(tcp + 8), payload: total - ihl - doff, sackBlocks };
}

/**
 * Passes frames to and from `inner`, recording every TCP data segment we send and the SACK blocks we
 * receive, and dropping the first transmission of the `dropNth` new data segments (counted from 1).
 */
class SegmentDropper implements Device {
  /** Every data segment we sent, in order: [seq, payload length, dropped, the highest cumulative ACK received before]. */
  readonly sent: [number, number, boolean, number][] = [];
  /** The kernel's highest cumulative acknowledgment so far, by our port (u32s). */
  readonly highestAck = new Map<number, number>();
  readonly dropped: number[] = [];
  sackBlocksReceived = 0;
  private newSegments = 0;
  private highest = -1;
  private readonly scratch: Uint8Array;

  constructor(
    readonly inner: Device,
    private readonly dropNth: Set<number>,
  ) {
    this.scratch = new Uint8Array(inner.capabilities().maxTransmissionUnit);
  }

  capabilities(): DeviceCapabilities {
    return this.inner.capabilities();
  }

  receive(timestamp: number): RxPair | null {
    const pair = this.inner.receive(timestamp);
    if (pair === null) return null;
    const rx: RxToken = {
      consume: <C, R>(ctx: C, f: FrameConsumer<C, R>): R =>
        pair.rx.consume(null, (_: null, bytes, offset, length) => {
          const seg = tcpOf(bytes, offset, length);
          if (seg !== null) {
            this.sackBlocksReceived += seg.sackBlocks;
            const before = this.highestAck.get(seg.dst);
            if (before === undefined || ((seg.ack - before) | 0) > 0) this.highestAck.set(seg.dst, seg.ack);
          }
          return f(ctx, bytes, offset, length);
        }),
    };
    return { rx, tx: this.wrapTx(pair.tx) };
  }

  transmit(timestamp: number): TxToken | null {
    const tx = this.inner.transmit(timestamp);
    return tx === null ? null : this.wrapTx(tx);
  }

  private wrapTx(tx: TxToken): TxToken {
    return {
      consume: <C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R => {
        const result = f(ctx, this.scratch, 0, length);
        const seg = tcpOf(this.scratch, 0, length);
        let drop = false;
        if (seg !== null && seg.payload > 0) {
          const isNew = this.highest < 0 || ((seg.seq - this.highest) | 0) >= 0;
          if (isNew) {
            this.highest = (seg.seq + seg.payload) >>> 0;
            this.newSegments++;
            drop = this.dropNth.has(this.newSegments);
            if (drop) this.dropped.push(seg.seq);
          }
          this.sent.push([seg.seq, seg.payload, drop, this.highestAck.get(seg.src) ?? -1]);
        }
        if (!drop) tx.consume(length, this.scratch, (scratch: Uint8Array, bytes, offset) => bytes.set(scratch.subarray(0, length), offset));
        return result;
      },
    };
  }
}

function ipValue(text: string): number {
  return text.split('.').reduce((v, part) => v * 256 + Number(part), 0);
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

if (test) {
  test('the kernel SACKs around three dropped segments of ours: exactly those are resent, each once', async () => {
    const tapName = `ts${process.pid % 10000}`;
    const kernelIp = '10.79.120.1';
    const ourIp = '10.79.120.2';
    const ns = Netns.create('tcpsack');
    const dir = mkdtempSync(join(tmpdir(), 'smoltcp-sack-'));
    const children: ChildProcess[] = [];
    let tap: TapInterface | null = null;
    try {
      ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
      disableIpv6(ns, tapName);
      ns.run('ip', ['addr', 'add', `${kernelIp}/24`, 'dev', tapName]);
      ns.run('ip', ['link', 'set', tapName, 'up']);
      ns.run('ip', ['neigh', 'replace', ourIp, 'lladdr', '02:00:00:00:00:02', 'dev', tapName, 'nud', 'permanent']);
      // SACK on in the kernel (its default, stated so the test does not depend on the host's setting).
      ns.run('sysctl', ['-qw', 'net.ipv4.tcp_sack=1']);
      const kernelMac = withNetns(ns, () => interfaceHardwareAddress(tapName)).reduce((v, b) => v * 256 + b, 0);
      tap = withNetns(ns, () => new TapInterface(tapName));
      // The 30th, 33rd and 60th new data segments: two holes in one window, a third in a later one.
      const device = new SegmentDropper(tap, new Set([30, 33, 60]));
      const iface = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: [`${ourIp}/24`] });
      const sockets = new SocketSet(2);
      const size = 1 << 20;
      const data = randomBytes(size);
      const out = join(dir, 'out.bin');
      const server = ns.spawn('socat', ['-u', `TCP-LISTEN:9090,bind=${kernelIp},reuseaddr`, `CREATE:${out}`]);
      children.push(server);
      let stderr = '';
      server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      // A minimum RTO of 3 s: on a loaded machine a pause of this process longer than the default 200 ms
      // would fire a (spurious) timeout that resends the whole flight; the SACK recovery under test needs
      // no timer at all.
      const socket = new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20), rto: { min: 3_000_000 } });
      sockets.add(socket);
      let port = 41000;
      const connect = (): void => socket.connect(new IpEndpoint(ipValue(kernelIp), 9090), new IpEndpoint(ipValue(ourIp), port++));
      connect();
      let sent = 0;
      let closed = false;
      const deadline = performance.now() + 60_000;
      while (!(closed && server.exitCode !== null)) {
        iface.neighbors.fill(ipValue(kernelIp), kernelMac, clock());
        iface.poll(clock(), device, sockets);
        // socat may not listen yet: a refused attempt is retried from a new port.
        if (socket.state === TcpState.Closed && !closed) connect();
        if (socket.maySend() && sent < size) sent += socket.send(data, sent, size - sent);
        if (sent === size && !closed && socket.state === TcpState.Established) {
          socket.close();
          closed = true;
        }
        iface.poll(clock(), device, sockets);
        if (performance.now() > deadline) throw new Error(`not done after 60 s: ${sent} bytes queued, state ${TcpState[socket.state]}, socat ${stderr}`);
        const delay = iface.pollDelay(clock(), sockets);
        if (delay !== 0) await tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
      }
      assert.is(await exited(server), 0, `socat: ${stderr}`);
      const got = readFileSync(out);
      assert.is(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));

      assert.is(device.dropped.length, 3, 'three segments dropped');
      assert.ok(device.sackBlocksReceived > 0, 'the kernel sent SACK blocks');
      const firstSent = new Set<number>();
      const resent: number[] = [];
      const ackWhenResent = new Map<number, number>();
      for (const [seq, , dropped, ack] of device.sent) {
        if (firstSent.has(seq) && !dropped) {
          resent.push(seq);
          ackWhenResent.set(seq, ack);
        }
        firstSent.add(seq);
      }
      const rel = (seq: number): number => (seq - device.sent[0]![0]) >>> 0;
      // The two holes of one window are both resent before the cumulative ACK passes the first: the
      // scoreboard (RFC 6675) names the second hole from the SACK blocks, where NewReno without SACK
      // would learn of it only from the partial ACK that follows the first retransmission (RFC 6582).
      const [first, second] = device.dropped.slice(0, 2).sort((a, b) => rel(a) - rel(b));
      const ackAtSecond = ackWhenResent.get(second!);
      assert.ok(ackAtSecond !== undefined && rel(ackAtSecond) <= rel(first!), `second hole resent at cumulative ACK ${ackAtSecond === undefined ? '-' : rel(ackAtSecond)}, first hole at ${rel(first!)}`);
      assert.equal(
        resent.map(rel).sort((a, b) => a - b),
        device.dropped.map(rel).sort((a, b) => a - b),
        `resent (relative sequence numbers) ${resent.map(rel)}, dropped ${device.dropped.map(rel)}`,
      );
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      tap?.close();
      ns.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.run();
}
