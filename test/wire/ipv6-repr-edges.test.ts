// Ipv6Repr and Icmpv6Repr paths the round trips do not take: a payload too long for Payload Length,
// copyFrom, and an ICMPv6 error type RFC 4443 does not define.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ChecksumCapabilities } from '../../src/wire/checksum-capabilities.js';
import { Icmpv6Packet, IpProtocol, Ipv6Packet, Ipv6Repr, Icmpv6Repr, WireError, parseIpv6 } from '../../src/wire/index.js';

const test = suite('wire/ipv6-repr-edges');

const SRC = parseIpv6('fe80::1') as Uint8Array;
const DST = parseIpv6('2001:db8::2') as Uint8Array;

test('ipv6: emit refuses a payload beyond 65535 bytes (no jumbogram) and says so', () => {
  const repr = new Ipv6Repr({ srcAddr: SRC, dstAddr: DST, nextHeader: IpProtocol.Udp, payloadLength: 65536 });
  assert.throws(() => repr.emit(new Ipv6Packet(new Uint8Array(40))), (e: unknown) => e instanceof RangeError && /at most 65535 bytes of payload/.test((e as Error).message));
});

test('ipv6: copyFrom copies every field into the repr\'s own address arrays', () => {
  const from = new Ipv6Repr({ srcAddr: SRC, dstAddr: DST, nextHeader: IpProtocol.Tcp, payloadLength: 20, hopLimit: 7, trafficClass: 0x2e, flowLabel: 0xabcde });
  const to = new Ipv6Repr();
  assert.is(to.copyFrom(from), to);
  assert.ok(to.equals(from));
  assert.ok(to.srcAddr !== from.srcAddr, 'the addresses are copied, not shared');
  from.srcAddr[15] = 9;
  assert.is(to.srcAddr[15], 1);
});

test('icmpv6: an error type below 128 that RFC 4443 does not define is Unrecognized', () => {
  const bytes = new Uint8Array(8);
  bytes[0] = 5; // unassigned error type
  const caps = ChecksumCapabilities.ignored();
  assert.is(Icmpv6Repr.parse(new Icmpv6Packet(bytes), SRC, DST, caps), WireError.Unrecognized);
});

test.run();
