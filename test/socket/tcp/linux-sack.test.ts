// The kernel's SACK blocks drive our retransmissions (RFC 2018, RFC 6675): in a namespace this test creates,
// our client on a tap sends to a kernel server (socat) with SACK negotiated, and a device wrapper drops the
// first transmission of three chosen data segments of ours. The kernel answers the segments after each hole
// with SACK blocks; from our own transmit trace, exactly the dropped segments are sent again, each once, and
// nothing else is; the file the kernel wrote is equal to what we sent.
import { randomBytes } from 'node:crypto';
import * as assert from 'uvu/assert';
import { suiteNeeding } from '../../helpers/needs.js';
import type { DeviceCapabilities } from '../../../src/phy/capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from '../../../src/phy/device.js';
import { TcpSocket } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { KernelTap } from './kernel-tap.js';

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

if (test) {
  test('the kernel SACKs around three dropped segments of ours: exactly those are resent, each once', async () => {
    // The 30th, 33rd and 60th new data segments: two holes in one window, a third in a later one.
    const s = new KernelTap({ tag: 's', subnet: '10.79.120', sockets: 2, wrap: (tap) => new SegmentDropper(tap, new Set([30, 33, 60])) });
    const device = s.device as SegmentDropper;
    try {
      // SACK on in the kernel (its default, stated so the test does not depend on the host's setting).
      s.ns.run('sysctl', ['-qw', 'net.ipv4.tcp_sack=1']);
      // A minimum RTO of 3 s: on a loaded machine a pause of this process longer than the default 200 ms
      // would fire a (spurious) timeout that resends the whole flight; the SACK recovery under test needs
      // no timer at all.
      const socket = new TcpSocket({ rxBuffer: new RingBuffer(1 << 20), txBuffer: new RingBuffer(1 << 20), rto: { min: 3_000_000 } });
      s.sockets.add(socket);
      await s.sendToSocat(socket, randomBytes(1 << 20), 60_000);

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
      s.close();
    }
  });

  test.run();
}
