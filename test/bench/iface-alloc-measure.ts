// Bytes allocated per packet by two interfaces over a LinkedPair (bench/iface/stack.ts): ICMP echo round
// trips and UDP datagrams of 64 and 1472 bytes. Run by iface-alloc.test.ts in a fresh process without
// coverage counters. The caller's timestamp is one heap number per poll (a poll per 32 packets, so about
// 0.5 to 1.5 bytes per packet); anything the stack allocated per packet would add 16 bytes or more.
import { benchStack } from '../../bench/iface/stack.js';

const r = benchStack(0.3);
console.log(JSON.stringify({ icmp: r.icmp.bytesPerPacket, udp64: r.udp64.bytesPerPacket, udp1472: r.udp1472.bytesPerPacket, dropped: r.dropped }));
