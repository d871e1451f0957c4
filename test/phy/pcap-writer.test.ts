// PcapWriter and the classic pcap file writer: what we write is read back by tcpdump -r and tshark -r
// with the same packet count, bytes, lengths and timestamps; modes pick directions; streams get the
// same bytes as files; long frames are cut at the snap length; a FaultInjector above does not hide
// received frames it drops.
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { Loopback } from '../../src/phy/loopback.js';
import { PcapWriter, type PcapMode } from '../../src/phy/pcap-writer.js';
import { PcapFileWriter } from '../../src/pcap/writer.js';
import { formatTime, frame, readFile, tcpdumpFrames, tempDir, toHex, tsharkFrames } from '../pcap/support.js';

const test = suite('phy/pcap-writer');
const tmp = tempDir('pcapw');
test.after(() => tmp.remove());

const T0 = 1_700_000_000_000_000; // microseconds

function fill(seq: number, bytes: Uint8Array, offset: number, length: number): void {
  const f = frame(length, seq);
  for (let i = 0; i < length; i++) bytes[offset + i] = f[i];
}

/** Sends `count` frames through the writer and receives each back through it. */
function exchange(writer: PcapWriter, lo: Loopback, count: number): void {
  for (let seq = 0; seq < count; seq++) {
    const length = 60 + ((seq * 97) % 1455);
    writer.transmit(T0 + seq * 1001)!.consume(length, seq, fill);
    writer.receive(T0 + seq * 1001 + 500)!.rx.consume(null, () => undefined);
  }
  assert.is(lo.queued, 0);
}

test('tcpdump and tshark read back every frame we write, byte for byte, with our timestamps', () => {
  if (!needs('phy/pcap-writer vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  const path = tmp.path('both.pcap');
  const lo = new Loopback();
  const writer = new PcapWriter(lo, path, { mode: 'both' });
  exchange(writer, lo, 50);
  writer.close();
  const expected: { time: string; hex: string }[] = [];
  for (let seq = 0; seq < 50; seq++) {
    const length = 60 + ((seq * 97) % 1455);
    const hex = toHex(frame(length, seq));
    for (const at of [T0 + seq * 1001, T0 + seq * 1001 + 500]) {
      expected.push({ time: `${Math.floor(at / 1e6)}.${String(at % 1e6).padStart(6, '0')}`, hex });
    }
  }
  assert.is(writer.file.packets, 100);
  assert.equal(tcpdumpFrames(path), expected);
  const tshark = tsharkFrames(path);
  assert.is(tshark.length, 100);
  assert.equal(tshark.map((f) => f.epoch), expected.map((e) => `${e.time}000`));
  assert.equal(tshark.map((f) => f.length), expected.map((e) => e.hex.length / 2));
  // And our own reader agrees.
  const ours = readFile(path);
  assert.is(ours.error, null);
  assert.equal(ours.frames.map((f) => ({ time: formatTime(f, 6), hex: f.hex })), expected);
});

test('modes: rx only, tx only', () => {
  if (!needs('phy/pcap-writer vs tcpdump', ['tcpdump'])) return;
  for (const mode of ['rx', 'tx'] as PcapMode[]) {
    const path = tmp.path(`${mode}.pcap`);
    const lo = new Loopback();
    const writer = new PcapWriter(lo, path, { mode });
    exchange(writer, lo, 10);
    writer.close();
    const seen = tcpdumpFrames(path);
    assert.is(seen.length, 10, mode);
    // The rx record of frame 0 is 500 us after the tx one.
    assert.is(seen[0].time, mode === 'rx' ? '1700000000.000500' : '1700000000.000000');
  }
});

test('a Writable stream gets the same bytes as a file', async () => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const lo1 = new Loopback();
  const w1 = new PcapWriter(lo1, stream, { flushInterval: null });
  exchange(w1, lo1, 20);
  w1.close();
  const path = tmp.path('same.pcap');
  const lo2 = new Loopback();
  const w2 = new PcapWriter(lo2, path);
  exchange(w2, lo2, 20);
  w2.close();
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(Buffer.concat(chunks).equals(readFileSync(path)));
});

test('batches: nothing is written until the buffer fills, the flush interval passes, or flush()', () => {
  if (!needs('phy/pcap-writer vs tcpdump', ['tcpdump'])) return;
  const path = tmp.path('batch.pcap');
  const file = new PcapFileWriter(path, { bufferSize: 4096, flushInterval: 10_000 });
  const f = frame(1200, 1);
  file.writeFrame(T0, f, 0, 1200);
  file.writeFrame(T0 + 1, f, 0, 1200);
  assert.is(readFileSync(path).length, 0, 'still buffered');
  file.writeFrame(T0 + 2, f, 0, 1200);
  file.writeFrame(T0 + 3, f, 0, 1200); // does not fit: the first three go out
  assert.is(readFileSync(path).length, 24 + 3 * 1216);
  file.writeFrame(T0 + 20_000, f, 0, 1200); // 20 ms of frame time later: flushed
  assert.is(readFileSync(path).length, 24 + 5 * 1216);
  file.writeFrame(T0 + 20_001, frame(9000, 2), 0, 9000); // larger than the buffer: it grows
  file.flush();
  assert.is(readFileSync(path).length, 24 + 5 * 1216 + 9016);
  file.close();
  file.close();
  file.writeFrame(0, f, 0, 1); // a frame after close() is counted, not written, and does not throw
  assert.is(file.dropped, 1);
  assert.is(file.error, null);
  assert.is(tcpdumpFrames(path).length, 6);
});

test('a failing sink (disk full, broken pipe) is an error value, never an exception from a frame', () => {
  const full = new PcapFileWriter('/dev/full', { bufferSize: 2048 });
  const f = frame(1000, 1);
  for (let i = 0; i < 5; i++) full.writeFrame(T0 + i, f, 0, 1000);
  assert.match(full.error?.message ?? '', /ENOSPC/);
  assert.ok(full.dropped >= 3, `dropped ${full.dropped}`);
  full.close();

  const broken = new PassThrough();
  const writer = new PcapFileWriter(broken, { bufferSize: 2048 });
  broken.destroy(new Error('pipe closed'));
  return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    for (let i = 0; i < 5; i++) writer.writeFrame(T0 + i, f, 0, 1000);
    assert.match(writer.error?.message ?? '', /pipe closed/);
    writer.close();
  });
});

test('frames longer than the snap length are cut, keeping their original length', () => {
  if (!needs('phy/pcap-writer vs tshark', ['tshark'])) return;
  const path = tmp.path('snap.pcap');
  const file = new PcapFileWriter(path, { snapLength: 100 });
  const f = frame(300, 3);
  file.writeFrame(T0, f, 0, 300);
  file.writeFrame(T0, f, 10, 50);
  file.close();
  const seen = tsharkFrames(path);
  assert.equal(seen.map((s) => [s.length, s.capturedLength]), [[300, 100], [50, 50]]);
  const ours = readFile(path);
  assert.equal(ours.frames.map((r) => [r.originalLength, r.hex]), [[300, toHex(f, 0, 100)], [50, toHex(f, 10, 50)]]);
});

test('below a FaultInjector, received frames it drops are still written; dropped sends never reach it', () => {
  if (!needs('phy/pcap-writer vs tcpdump', ['tcpdump'])) return;
  const path = tmp.path('faults.pcap');
  const lo = new Loopback({ capacity: 200 });
  const writer = new PcapWriter(lo, path, { mode: 'rx' });
  const fi = new FaultInjector(writer, { dropChance: 40, seed: 11 });
  for (let k = 0; k < 100; k++) lo.transmit(0)!.consume(80, k, fill);
  let delivered = 0;
  for (let k = 0; k < 100; k++) {
    const pair = fi.receive(T0 + k);
    if (pair !== null) {
      pair.rx.consume(null, () => undefined);
      delivered++;
    }
  }
  writer.flush();
  assert.ok(fi.rxDropped > 20, `dropped ${fi.rxDropped}`);
  assert.is(delivered + fi.rxDropped, 100);
  assert.is(tcpdumpFrames(path).length, 100, 'every received frame is in the capture');

  const txPath = tmp.path('faults-tx.pcap');
  const lo2 = new Loopback({ capacity: 200 });
  const fi2 = new FaultInjector(new PcapWriter(lo2, txPath, { mode: 'tx', flushInterval: 0 }), { dropChance: 40, seed: 11 });
  for (let k = 0; k < 100; k++) fi2.transmit(T0 + k)!.consume(80, k, fill);
  assert.is(tcpdumpFrames(txPath).length, 100 - fi2.txDropped);
  assert.is(lo2.queued, 100 - fi2.txDropped);
});

test('a PcapFileWriter can be shared by two writers (two devices, one capture)', () => {
  if (!needs('phy/pcap-writer vs tcpdump', ['tcpdump'])) return;
  const path = tmp.path('shared.pcap');
  const file = new PcapFileWriter(path);
  const a = new Loopback();
  const b = new Loopback();
  const wa = new PcapWriter(a, file, { mode: 'tx' });
  const wb = new PcapWriter(b, file, { mode: 'tx' });
  wa.transmit(T0)!.consume(60, 1, fill);
  wb.transmit(T0 + 1)!.consume(70, 2, fill);
  wa.close();
  assert.equal(tcpdumpFrames(path).map((f) => f.hex.length / 2), [60, 70]);
});

test.run();
