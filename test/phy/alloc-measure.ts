// Measures allocation per frame with V8's GC profiler (heap growth plus what every GC freed) for
// Loopback, a LinkedPair (both directions, onReadable set), the full middleware stack (FaultInjector over Tracer over PcapWriter over Loopback) and
// the pcap reader, and prints the figures as JSON. Timestamps are real microsecond instants (doubles
// beyond the small-integer range), as an interface passes them.
// test/phy/alloc.test.ts runs this in a fresh process: in the test runner's own process, JIT feedback
// left by other suites (other byte sources, fuzzed captures) makes the reader's call sites
// polymorphic, which says nothing about a program that reads captures.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { Loopback } from '../../src/phy/loopback.js';
import { PcapWriter } from '../../src/phy/pcap-writer.js';
import { Tracer } from '../../src/phy/tracer.js';
import type { Device } from '../../src/phy/device.js';
import { PcapReader } from '../../src/pcap/reader.js';
import { PcapFileWriter } from '../../src/pcap/writer.js';
import { bytesPer } from '../helpers/alloc.js';
import { concat, enhancedPacket, frame, interfaceDescription, sectionHeader, tempDir } from '../pcap/support.js';

const tmp = tempDir('alloc');

function writeFrame(seq: number, bytes: Uint8Array, offset: number, length: number): void {
  bytes[offset] = seq;
  bytes[offset + length - 1] = seq;
}

function readFrame(_ctx: null, bytes: Uint8Array, offset: number, length: number): number {
  return bytes[offset] + length;
}

const T0 = 1_764_547_200_000_000; // 2025-12-01 in microseconds: not a small integer

// Like an interface's poll: one timestamp (a number the caller already holds) for a burst of frames.
function pumpBurst(device: Device, now: number, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const tx = device.transmit(now);
    if (tx !== null) tx.consume(1514, i & 0xff, writeFrame);
    const pair = device.receive(now);
    if (pair !== null) sum += pair.rx.consume(null, readFrame);
  }
  return sum;
}

// The caller boxes one timestamp per burst of 64 frames: 16 bytes / 64 = 0.25 bytes per frame.
function pump(device: Device, n: number): number {
  let sum = 0;
  for (let burst = 0; burst < n / 64; burst++) sum += pumpBurst(device, T0 + burst * 640, 64);
  return sum;
}

const results: Record<string, number | boolean> = {};

{
  const lo = new Loopback();
  results.loopback = bytesPer(256_000, (n) => pump(lo, n));
}

{
  // Both directions of a LinkedPair in bursts, as two interfaces' polls use it, with onReadable set (a
  // runner's wake): one timestamp per burst of 128 frames.
  let crossed = 0;
  let woken = 0;
  const pair = new LinkedPair({ capacity: 64 });
  pair.b.onReadable = () => {
    woken++;
  };
  const burst = (now: number): void => {
    for (let i = 0; i < 64; i++) {
      pair.a.transmit(now)!.consume(60 + (i % 16) * 90, i, writeFrame);
      pair.b.transmit(now)!.consume(1514, i, writeFrame);
    }
    for (let i = 0; i < 64; i++) {
      crossed = (crossed + pair.b.receive(now)!.rx.consume(null, readFrame)) | 0;
      crossed = (crossed + pair.a.receive(now)!.rx.consume(null, readFrame)) | 0;
    }
  };
  results.linkedPair = bytesPer(256_000, (n) => {
    for (let b = 0; b < n / 128; b++) burst(T0 + b * 100);
  });
  results.linkedPairExercised = crossed !== 0 && woken > 0;
}

{
  const devNull = openSync('/dev/null', 'w');
  try {
    const lo = new Loopback();
    let traced = 0;
    const writer = new PcapWriter(lo, devNull);
    // A counter, not a byte sum: a captured variable growing past 2^31 would be boxed by the test itself.
    const tracer = new Tracer(writer, () => {
      traced++;
    });
    const fi = new FaultInjector(tracer, { dropChance: 10, corruptChance: 10, seed: 1 });
    const b = bytesPer(32_000, (n) => pump(fi, n));
    results.stackExercised = traced > 0 && fi.txDropped > 0 && fi.rxCorrupted > 0;
    results.stack = b;
    writer.close();
  } finally {
    closeSync(devNull);
  }
}

{
  const path = tmp.path('alloc.pcap');
  const w = new PcapFileWriter(path);
  const f = frame(200, 1);
  for (let i = 0; i < 100_000; i++) w.writeFrame(T0 + i, f, 0, 60 + (i % 140));
  w.close();
  // The same records as pcapng enhanced packet blocks (microsecond resolution, as editcap writes them).
  const blocks = [sectionHeader(), interfaceDescription(1)];
  for (let i = 0; i < 100_000; i++) blocks.push(enhancedPacket(0, BigInt(T0 + i), f.subarray(0, 60 + (i % 140))));
  writeFileSync(tmp.path('alloc.pcapng'), concat(...blocks));
  for (const [name, file] of [['pcap', path], ['pcapng', tmp.path('alloc.pcapng')]]) {
    let check = 0;
    const b = bytesPer(100_000, () => {
      const reader = PcapReader.open(file);
      // Int32 arithmetic only: a growing double sum in this loop would itself be boxed per record.
      let local = 0;
      while (reader.next()) local = (local ^ reader.record.tsNanos ^ reader.record.length ^ reader.record.tsSeconds) | 0;
      reader.close();
      check = local;
    });
    results[`${name}Read`] = check !== 0;
    results[name] = b;
  }
}

tmp.remove();
console.log(JSON.stringify(results));
