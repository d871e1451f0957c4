// Ipv6Repr and Icmpv6Repr paths the round trips do not take: a payload too long for Payload Length,
// copyFrom; Icmpv6Repr's refusals of malformed and unrecognized messages, and equals field by field.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ChecksumCapabilities } from '../../src/wire/checksum-capabilities.js';
import { Icmpv6Message, Icmpv6Packet, IpProtocol, Ipv6Packet, Ipv6Repr, Icmpv6Repr, WireError, parseIpv6 } from '../../src/wire/index.js';

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

/** An ICMPv6 message of `type`/`code` with `body` after the 4-byte header, checksum left 0 (parsed with checksums ignored). */
function message(type: number, code: number, body: number[]): Icmpv6Packet {
  return new Icmpv6Packet(new Uint8Array([type, code, 0, 0, ...body]));
}

test('icmpv6: malformed and unrecognized messages are told apart, each as RFC 4443/4861 says', () => {
  const caps = ChecksumCapabilities.ignored();
  const parse = (p: Icmpv6Packet) => Icmpv6Repr.parse(p, SRC, DST, caps);
  const zeros = (n: number) => new Array<number>(n).fill(0);
  assert.is(parse(message(128, 1, zeros(4))), WireError.Unrecognized, 'echo with a code other than 0');
  assert.is(parse(message(200, 0, zeros(4))), WireError.Unrecognized, 'an informational type the stack does not take');
  assert.is(parse(message(135, 1, zeros(20))), WireError.Unrecognized, 'NDP with a code other than 0 (RFC 4861 section 7.1)');
  assert.is(parse(message(135, 0, zeros(12))), WireError.Malformed, 'a solicitation without its whole target address');
  assert.is(parse(message(135, 0, [...zeros(20), 1])), WireError.Malformed, 'an option cut before its length');
  assert.is(parse(message(135, 0, [...zeros(20), 1, 0, ...zeros(6)])), WireError.Malformed, 'an option of length 0');
  assert.is(parse(message(135, 0, [...zeros(20), 1, 2, ...zeros(6)])), WireError.Malformed, 'an option longer than the message');
  assert.type(parse(message(135, 0, [...zeros(20), 1, 1, 2, 0, 0, 0, 0, 1])), 'object', 'and the same with a whole option parses');
  // With checksums verified, a message whose checksum is wrong is BadChecksum before anything else.
  assert.is(Icmpv6Repr.parse(message(128, 0, zeros(4)), SRC, DST), WireError.BadChecksum);
});

test('icmpv6: equals compares the fields of the message\'s type', () => {
  const ns = () => new Icmpv6Repr({ msgType: Icmpv6Message.NeighborAdvert, targetAddr: DST, linkLayerAddr: 0x020000000001, solicited: true });
  assert.ok(ns().equals(ns()));
  const cases: Array<[string, (r: Icmpv6Repr) => void]> = [
    ['code', (r) => (r.msgCode = 1)],
    ['link-layer address', (r) => (r.linkLayerAddr = -1)],
    ['target', (r) => (r.targetAddr[0] = 0xff)],
    ['flags', (r) => (r.override = true)],
  ];
  for (const [what, change] of cases) {
    const other = ns();
    change(other);
    assert.not.ok(ns().equals(other), what);
  }
  const redirect = () => new Icmpv6Repr({ msgType: Icmpv6Message.Redirect, targetAddr: SRC, destAddr: DST });
  const moved = redirect();
  moved.destAddr[15] ^= 1;
  assert.not.ok(redirect().equals(moved), 'redirect destination');
  const ra = () => new Icmpv6Repr({ msgType: Icmpv6Message.RouterAdvert, curHopLimit: 64, routerLifetime: 1800, hasPrefix: true, prefixLength: 64, onLink: true });
  assert.ok(ra().equals(ra()));
  const noPrefix = ra();
  noPrefix.hasPrefix = false;
  assert.not.ok(ra().equals(noPrefix), 'router advertisement prefix');
  const shorter = ra();
  shorter.prefixLength = 48;
  assert.not.ok(ra().equals(shorter), 'router advertisement prefix length');
  const echo = (seq: number) => new Icmpv6Repr({ msgType: Icmpv6Message.EchoRequest, echoIdent: 1, echoSeqNo: seq });
  assert.not.ok(echo(1).equals(echo(2)), 'echo sequence number');
  const error = (param: number) => new Icmpv6Repr({ msgType: Icmpv6Message.ParamProblem, param });
  assert.not.ok(error(1).equals(error(2)), 'error parameter');
});

test.run();
