// Bytes allocated per packet by two interfaces over a LinkedPair (bench/iface/stack.ts): ICMP echo round
// trips and UDP datagrams of 64 and 1472 bytes. Run by iface-alloc.test.ts in a fresh process without
// coverage counters. The caller's timestamp is one heap number per poll (a poll per 32 packets, so about
// 0.5 to 1.5 bytes per packet); anything the stack allocated per packet would add 16 bytes or more.
// Measured twice, the second time after forced full GCs: a full GC can throw optimised code away, and the
// code V8 compiles again may inline differently, so a value boxed only across a call that is no longer
// inlined shows up then (it did: a 48-bit MAC in a double field passed to transmitFrame).
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { benchStack } from '../../bench/iface/stack.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const first = benchStack(0.3);
gc();
gc();
const second = benchStack(0.3);
// Every buffer in one ArrayBuffer: copies go through copyWithin on a cached view, still nothing per packet.
const third = benchStack(0.3, false, true);
const worst = (pick: (r: typeof first) => number): number => Math.max(pick(first), pick(second), pick(third));
console.log(
  JSON.stringify({
    icmp: worst((r) => r.icmp.bytesPerPacket),
    udp64: worst((r) => r.udp64.bytesPerPacket),
    udp1472: worst((r) => r.udp1472.bytesPerPacket),
    dropped: first.dropped + second.dropped + third.dropped,
  }),
);
