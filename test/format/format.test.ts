// The formatter's API as the phy Tracer and the demo use it: one frame in, tcpdump's -nn line out. The exact
// agreement with tcpdump over thousands of frames is in text.test.ts; these pin the API and its edges.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatFrame, formatFrameWith, FrameFormatter, hexAsciiDump, hexDump } from '../../src/format/index.js';
import { arp, craftedFrames, ethernet, icmp, ipv4, IP_A, IP_B, MAC_A, MAC_B, prng, tcp, udp } from '../dump/craft.js';

const test = suite('wire format: tcpdump -nn one-liners');

const synAck = ethernet(
  0x0800,
  ipv4({ protocol: 6 }, tcp({ srcPort: 80, dstPort: 5555, flags: 0x12, seq: 1, ack: 2, options: [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7] })),
);

test('TCP with every option Linux sends', () => {
  assert.is(
    formatFrame(synAck),
    'IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
  );
});

test('ARP, ICMP echo and UDP', () => {
  assert.is(formatFrame(ethernet(0x0806, arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B))), 'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
  const echo = ethernet(0x0800, ipv4({ protocol: 1 }, icmp(8, 0, [0, 1, 0, 1, ...new Uint8Array(56)])));
  assert.is(formatFrame(echo), 'IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64');
  const datagram = ethernet(0x0800, ipv4({ protocol: 17 }, udp(5353, 53, new Uint8Array(12))));
  // Port 53 is DNS to tcpdump: twelve zero bytes are a query with ID 0 and no question.
  assert.is(formatFrame(datagram), 'IP 10.0.0.1.5353 > 10.0.0.2.53: 0 [0q] (12)');
});

test('a frame inside a larger buffer, and the -e, -v and -q variants', () => {
  const buffer = new Uint8Array(synAck.length + 10);
  buffer.set(synAck, 7);
  assert.is(formatFrame(buffer, 7, synAck.length), formatFrame(synAck));
  assert.is(
    formatFrameWith({ link: true }, synAck),
    '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 74: 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
  );
  assert.match(
    formatFrameWith({ verbose: true }, synAck),
    /^IP \(tos 0x0, ttl 64, id 4660, offset 0, flags \[DF\], proto TCP \(6\), length 60\)\n {4}10\.0\.0\.1\.80 > 10\.0\.0\.2\.5555: Flags \[S\.\], cksum 0x[0-9a-f]{4} \(correct\), seq 1, ack 2/,
  );
  assert.is(formatFrameWith({ quiet: true }, synAck), 'IP 10.0.0.1.80 > 10.0.0.2.5555: tcp 0');
});

test('relative sequence numbers follow a conversation until reset()', () => {
  const formatter = new FrameFormatter({ relativeSequence: true });
  const ack = ethernet(0x0800, ipv4({ protocol: 6, src: IP_B, dst: IP_A }, tcp({ srcPort: 5555, dstPort: 80, flags: 0x10, seq: 2, ack: 11 }, IP_B, IP_A)));
  assert.match(formatter.format(synAck, 0, synAck.length), /seq 1, ack 2/);
  assert.is(formatter.format(ack, 0, ack.length), 'IP 10.0.0.2.5555 > 10.0.0.1.80: Flags [.], ack 10, win 64240, length 0');
  formatter.reset();
  assert.is(formatter.format(ack, 0, ack.length), 'IP 10.0.0.2.5555 > 10.0.0.1.80: Flags [.], ack 11, win 64240, length 0');
});

test('IPv4 and ARP without a link header; a wire length larger than the capture', () => {
  const formatter = new FrameFormatter();
  const packet = synAck.subarray(14);
  assert.is(formatter.formatIpv4(packet, 0, packet.length), formatFrame(synAck));
  assert.is(formatter.formatIpv4(packet, 0, 19, 19), 'IP  [|ip]');
  assert.is(formatter.formatIpv4(packet, 0, 20, 19), 'IP truncated-ip 19');
  assert.match(formatter.formatIpv4(packet, 0, packet.length, 100), /^IP 10\.0\.0\.1\.80 > /);
  assert.is(formatter.formatIpv4(packet, 0, 50, 60), 'IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460,sackOK,TS [|tcp]>');
  const request = arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B);
  assert.is(formatter.formatArp(request, 0, 28), 'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
  assert.is(formatter.formatArp(request, 0, 20), ' [|arp]');
});

test('frames we do not decode: their link header and bytes, like tcpdump shows unknown EtherTypes', () => {
  // 0x88b5 is IEEE 802's local experimental EtherType, which tcpdump names but does not decode.
  const experimental = ethernet(0x88b5, Uint8Array.from([0x60, 0, 0, 0, 0, 8, 59, 64]));
  assert.is(formatFrame(experimental), '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 22: \n\t0x0000:  6000 0000 0008 3b40                      `.....;@');
  // IPv6 is decoded now (test/dump/ipv6.test.ts): eight bytes are a header cut short, as tcpdump says.
  assert.is(formatFrame(ethernet(0x86dd, Uint8Array.from([0x60, 0, 0, 0, 0, 8, 59, 64]))), ' [|ip6]');
  // Behind an 802.1Q tag it is the inner EtherType that counts (strings from tcpdump 4.99.3).
  const vlan = ethernet(0x8100, Uint8Array.from([0x60, 5, 0x12, 0x34, 1, 2]));
  assert.is(formatFrame(vlan), '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x1234), length 20: \n\t0x0000:  0102                                     ..');
  assert.is(formatFrameWith({ link: true, suppressDefaultPrint: true }, vlan), '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 20: vlan 5, p 3, ethertype Unknown (0x1234), ');
  const cutIp = ethernet(0x8100, Uint8Array.from([0, 5, 8, 0]));
  assert.is(formatFrame(cutIp), ' [|ip]');
  assert.is(formatFrameWith({ link: true }, cutIp), '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype 802.1Q (0x8100), length 18: vlan 5, p 0, ethertype IPv4 (0x0800),  [|ip]');
  assert.is(formatFrameWith({ quiet: true }, ethernet(0x1234, new Uint8Array(4))), '02:00:00:00:00:01 > 02:00:00:00:00:02, Unknown Ethertype (0x1234), length 18: ');
  // An 802.3 frame (a length of 100 where the EtherType goes; the frame holds 46 bytes) of zeros: an LLC
  // information frame between the null SAPs, as tcpdump 4.99.3 prints it (test/dump/links.test.ts has the rest).
  const zeros = '\n\t0x0000:  0000 0000 0000 0000 0000 0000 0000 0000  ................';
  assert.is(
    formatFrame(ethernet(100, new Uint8Array(46))),
    '02:00:00:00:00:01 > 02:00:00:00:00:02 Null Information, send seq 0, rcv seq 0, Flags [Command], length 46' + zeros +
      zeros.replace('0x0000', '0x0010') + '\n\t0x0020:  0000 0000 0000 0000 0000 0000 0000       ..............',
  );
  assert.is(formatFrameWith({ quiet: true }, ethernet(100, new Uint8Array(46))), '02:00:00:00:00:01 > 02:00:00:00:00:02 Null Information, send seq 0, rcv seq 0, Flags [Command], length 46');
  assert.is(formatFrame(new Uint8Array(10)), ' [|ether]');
});

test('a formatter reports its options; formatLink decodes the link types tcpdump reads and no other', () => {
  const plain = new FrameFormatter();
  assert.equal([plain.verbose, plain.link, plain.quiet, plain.relativeSequence, plain.suppressDefaultPrint], [false, false, false, false, false]);
  const every = new FrameFormatter({ verbose: true, link: true, quiet: true, relativeSequence: true, suppressDefaultPrint: true });
  assert.equal([every.verbose, every.link, every.quiet, every.relativeSequence, every.suppressDefaultPrint], [true, true, true, true, true]);
  const ip = synAck.subarray(14);
  const line = 'IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0';
  // LINKTYPE_RAW (101), LINKTYPE_IPV4 (228): the bare packet; LINKTYPE_ETHERNET (1): the frame.
  assert.is(plain.formatLink(101, ip, 0, ip.length), line);
  assert.is(plain.formatLink(228, ip, 0, ip.length), line);
  assert.is(plain.formatLink(1, synAck, 0, synAck.length), line);
  // 802.11 (105) is not ours to decode: null, and the next line is not disturbed.
  assert.is(plain.formatLink(105, synAck, 0, synAck.length), null);
  assert.is(plain.formatIpv4(ip, 0, ip.length), line);
});

test('hex dumps in tcpdump -x and -X layout', () => {
  const bytes = Uint8Array.from({ length: 19 }, (_, i) => 0x20 + i * 3);
  assert.is(hexDump(bytes, 0, 19), '\n\t0x0000:  2023 2629 2c2f 3235 383b 3e41 4447 4a4d\n\t0x0010:  5053 56');
  assert.is(
    hexAsciiDump(bytes, 0, 19),
    '\n\t0x0000:  2023 2629 2c2f 3235 383b 3e41 4447 4a4d  .#&),/258;>ADGJM\n\t0x0010:  5053 56                                  PSV',
  );
  assert.is(hexDump(bytes, 0, 0), '');
});

test('no frame, however damaged, makes the formatter throw', () => {
  const random = prng(7);
  const formatters = [new FrameFormatter(), new FrameFormatter({ verbose: true, link: true, relativeSequence: true }), new FrameFormatter({ quiet: true })];
  let formatted = 0;
  for (const frame of craftedFrames()) {
    for (let round = 0; round < 30; round++) {
      const copy = frame.slice();
      for (let i = 0; i < 1 + (round % 5); i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      const cut = Math.floor(random() * (copy.length + 1));
      for (const f of formatters) {
        assert.type(f.format(copy, 0, cut, copy.length), 'string');
        formatted++;
      }
    }
  }
  assert.ok(formatted > 5000);
});

test.run();
