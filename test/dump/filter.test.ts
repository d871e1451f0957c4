// The filter language: the packets it selects equal those tcpdump's own filter selects on the same capture,
// and an expression that does not parse says where and what was expected.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FilterSyntaxError, parseFilter, tokenize } from '../../src/dump/filter.js';
import { needs, suiteNeeding } from '../helpers/needs.js';
import { KERNEL_CAPTURE_NEEDS, makeKernelCapture } from './captures.js';
import { makeMalformedCapture, framesOf } from './fuzz-capture.js';
import { removeDir, runDump, tcpdump, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

/** Expressions whose selection must equal tcpdump's, packet for packet. */
const EXPRESSIONS = [
  'ip',
  'arp',
  'icmp',
  'tcp',
  'udp',
  'not ip',
  'tcp and port 40080',
  'udp or arp',
  'host 10.0.0.1',
  'src host 10.0.0.1',
  'dst host 10.0.0.2',
  'host 10.77.0.2',
  'src host 10.77.0.1 and dst host 10.77.0.2',
  'net 10.77.0.0/24',
  'net 10.0.0.0/8 and not net 10.77.0.0/16',
  'net 10.77',
  'src net 10.77.0.0 mask 255.255.255.0',
  'port 40080',
  'src port 40080',
  'dst port 40080 or dst port 40053',
  'port 40080 or 40053',
  'tcp port 40080',
  'udp port 40053',
  'udp dst port 40054',
  'portrange 40000-40060',
  'tcp portrange 40050-40090',
  'tcp and not port 40080',
  '(tcp or udp) and host 10.77.0.2',
  'not (arp or icmp)',
  '! tcp && ! udp',
  'icmp or tcp and host 10.77.0.1',
  'arp host 10.77.0.1',
  'ip host 10.77.0.1',
  'src or dst host 10.77.0.2',
  'src and dst net 10.77.0.0/24',
  'ether host 02:00:00:00:00:01',
  'ether src 02:00:00:00:00:01 and tcp',
  'ip proto 17',
  'ether proto 0x0806',
  'less 60',
  'greater 1000',
  'host 10.0.0.1 or 10.0.0.2',
  'port 1 or 2 or 3',
  // Byte tests with tcpdump's named offsets and values, arithmetic, len, broadcast and multicast, proto.
  'tcp[tcpflags] & tcp-syn != 0',
  'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0',
  'tcp[tcpflags] = tcp-ack',
  'tcp[13] & 0x12 == 0x12',
  'tcp[tcpflags] & tcp-rst != 0 or tcp[tcpflags] & tcp-push != 0',
  'not tcp[tcpflags] & tcp-ack != 0',
  'tcp[2:2] = 40080',
  'tcp[((tcp[12:1] & 0xf0) >> 2):4] != 0',
  'udp[0:2] > 1024 and udp[4:2] - 8 < 20',
  'icmp[icmptype] = icmp-echo',
  'icmp[icmptype] == icmp-echoreply or icmp[icmptype] = icmp-unreach',
  'icmp[icmpcode] != 0',
  'ip[0] & 0xf > 5',
  'ip[8] < 64',
  'ip[2:2] > 1000',
  'ip[6:2] & 0x1fff != 0',
  'ip[9] * 2 = 34',
  'ip[9] % 5 = 1',
  'ip[9] / 3 = 2',
  'ip[9] ^ 1 = 7',
  'ip[1] | 2 = 2',
  'ip[9] = -(-17)',
  'ip[9] + -ip[9] = 0 and udp',
  'ip[12:4] = 0x0a4d0001',
  'ether[0] & 1 != 0',
  'ether[12:2] = 0x0806',
  'ether[6:4] = 0x02000000',
  'ip6[6] = 58',
  'len > 100',
  'len <= 60',
  'len - 14 >= 20 and len < 1000',
  '(ip[0] & 0xf) > 5 or len = 42',
  'broadcast',
  'ether broadcast',
  'multicast',
  'ether multicast and not broadcast',
  'ip multicast',
  'proto 6',
  'ip proto \\udp',
  'ether dst ff:ff:ff:ff:ff:ff',
  'ether src host 02:00:00:00:00:01 or ether dst 02:00:00:00:00:02',
];

function words(expression: string): string[] {
  return [expression];
}

async function compareSelections(file: string, dir: string): Promise<void> {
  const failures: string[] = [];
  let nonEmpty = 0;
  for (const expression of EXPRESSIONS) {
    const theirs = tcpdump(['-tt', '-r', file, ...words(expression)]);
    const ours = await runDump(['-nn', '-tt', '-r', file, expression], dir);
    if (ours.status !== 0) failures.push(`${expression}: exit ${ours.status} ${ours.stderr}`);
    // Compare which packets were selected (their timestamps are unique in these captures).
    const pick = (text: string) => text.split('\n').filter((l) => /^\d+\.\d{6} /.test(l)).map((l) => l.slice(0, 17));
    const a = pick(theirs);
    const b = pick(ours.stdout);
    if (a.length > 0) nonEmpty++;
    if (a.join() !== b.join()) failures.push(`${expression}: tcpdump selects ${a.length}, we select ${b.length}`);
  }
  assert.equal(failures, [], failures.join('\n'));
  // Most expressions select something, so equality is not trivially met by two empty outputs.
  assert.ok(nonEmpty > EXPRESSIONS.length / 2, `only ${nonEmpty} expressions selected packets`);
}

const parsing = suite('dump filter parsing');

parsing('tokens carry 1-based columns', () => {
  assert.equal(
    tokenize('tcp&&(port 80)').map((t) => [t.type, t.position]),
    [['word', 1], ['&&', 4], ['(', 6], ['word', 7], ['word', 12], [')', 14], ['end', 15]],
  );
});

parsing('and/or have equal precedence and associate left to right, not binds tightest (pcap-filter(7))', () => {
  const ast = parseFilter('icmp or tcp and not udp');
  assert.equal(ast, {
    kind: 'and',
    left: { kind: 'or', left: { kind: 'proto', proto: 'icmp' }, right: { kind: 'proto', proto: 'tcp' } },
    right: { kind: 'not', operand: { kind: 'proto', proto: 'udp' } },
  });
});

for (const [expression, message] of [
  ['tcp port', "filter: at 9: expected a port number after 'port', found the end of the filter"],
  ['tcp port http', "filter: at 10: expected a port number after 'port', found 'http'"],
  ['port 70000', 'filter: at 6: a port number 70000 is out of range (0-65535)'],
  ['host 10.0.0', "filter: at 6: expected an IPv4 address like 10.0.0.1 after 'host', found '10.0.0'"],
  ['tcp and', "filter: at 8: expected a primitive (e.g. 'tcp', 'host 10.0.0.1', 'port 80') or '(', found the end of the filter"],
  ['(tcp or udp', "filter: at 12: expected ')' to close the '(' at 1, found the end of the filter"],
  ['tcp udp', "filter: at 5: expected 'and', 'or' or the end of the filter, found 'udp'"],
  ['foo', "filter: at 1: unknown word 'foo'; expected a protocol (ether, ip, ip6, arp, icmp, icmp6, tcp, udp, vlan), a direction (src, dst), host, net, port, portrange, proto, broadcast, multicast, less, greater, a comparison such as 'len > 100' or 'tcp[13] & 2 != 0', not or '('"],
  ['tcp[13] & 2 !=', "filter: at 15: expected a number, 'len' or a byte test like 'tcp[13]', found the end of the filter"],
  ['tcp[13:3] = 0', "filter: at 8: a byte test's size is 1, 2 or 4, not '3'"],
  ['mpls and tcp', "filter: at 1: 'mpls' is not supported by smoltcp-dump's filter; it knows ether, ip, ip6, arp, icmp, icmp6, tcp, udp, vlan, host, net, port, portrange, proto, broadcast, multicast, less, greater, len and byte tests such as 'tcp[tcpflags] & tcp-syn != 0'"],
  ['ip broadcast', "filter: at 4: 'ip broadcast' is not supported: it needs the network's netmask; use 'dst host A.B.C.255' or 'ether broadcast'"],
  ['arp port 80', "filter: at 5: 'port' applies to tcp and udp, not to 'arp'"],
  ['tcp host 10.0.0.1', "filter: at 5: 'host' cannot follow 'tcp'; use e.g. 'tcp and host ...'"],
  ['net 10.0.0.1/8', 'filter: at 5: network 10.0.0.1/8 has host bits set beyond its mask'],
  ['portrange 10', "filter: at 11: expected a port range like 1000-2000 after 'portrange', found '10'"],
  ['ether host 10.0.0.1', "filter: at 12: expected a MAC address like 02:00:00:00:00:01 after 'host', found '10.0.0.1'"],
  ['tcp | udp', "filter: at 5: expected 'and', 'or' or the end of the filter, found '|'"],
] as const) {
  parsing(`error: ${expression}`, () => {
    try {
      parseFilter(expression);
      assert.unreachable(`"${expression}" parsed`);
    } catch (e) {
      assert.instance(e, FilterSyntaxError);
      assert.is((e as Error).message, message);
    }
  });
}

parsing('a bad filter is a usage error (exit 2) with the position, and no packet is read', async () => {
  const dir = tempDir('dump-filter-usage');
  try {
    const r = await runDump(['-r', '/nonexistent.pcap', 'tcp', 'port'], dir);
    assert.is(r.status, 2);
    assert.is(r.stderr, "smoltcp-dump: filter: at 9: expected a port number after 'port', found the end of the filter\n");
  } finally {
    removeDir(dir);
  }
});

parsing('selections equal tcpdump\'s on crafted frames', async () => {
  if (!needs('dump filter vs tcpdump on crafted frames', ['tcpdump'])) return;
  const dir = tempDir('dump-filter');
  try {
    await compareSelections(makeMalformedCapture(dir), dir);
  } finally {
    removeDir(dir);
  }
});

parsing.run();

const kernel = suiteNeeding('dump filter vs tcpdump on kernel captures', KERNEL_CAPTURE_NEEDS);
if (kernel) {
  kernel("selections equal tcpdump's on kernel traffic", async () => {
    const dir = tempDir('dump-filter-kernel');
    try {
      const file = await makeKernelCapture(dir);
      await compareSelections(file, dir);
      await compareSelections(makeMalformedCapture(dir, framesOf(file)), dir);
    } finally {
      removeDir(dir);
    }
  });
  kernel.run();
}
