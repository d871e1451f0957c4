// Compares our --json output with what tshark reports for the same capture (checksum validation on, absolute
// sequence numbers, no reassembly): every field of our schema, by the tshark field it stands for.
import { spawnSync } from 'node:child_process';

const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.cap_len', 'frame.len',
  'eth.src', 'eth.dst', 'eth.type', 'eth.len',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ip.hdr_len', 'ip.dsfield', 'ip.len', 'ip.id', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset',
  'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.checksum.status',
  'icmp.type', 'icmp.code', 'icmp.checksum.status', 'icmp.ident', 'icmp.seq',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum', 'udp.checksum.status',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.ack', 'tcp.hdr_len', 'tcp.flags', 'tcp.window_size_value',
  'tcp.urgent_pointer', 'tcp.checksum.status', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
  'tcp.options.sack_perm', 'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr', 'tcp.options.sack_le',
  'tcp.options.sack_re', 'tcp.len',
  'ipv6.src', 'ipv6.dst', 'ipv6.tclass', 'ipv6.flow', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.fraghdr.offset',
  'ipv6.fraghdr.more', 'ipv6.fraghdr.ident', 'ipv6.fraghdr.nxt', 'ipv6.hopopts.nxt', 'ipv6.dstopts.nxt', 'ipv6.routing.nxt',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status', 'icmpv6.echo.identifier',
  'icmpv6.echo.sequence_number', 'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.nd.rd.target_address',
  'icmpv6.mtu', 'icmpv6.mldr.nb_mcast_records', 'icmpv6.opt.src_linkaddr', 'icmpv6.opt.target_linkaddr',
];

export const TSHARK_OPTIONS = [
  '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
  '-o', 'tcp.relative_sequence_numbers:FALSE', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
];

type Layers = Record<string, string[]>;

/** tshark -T json with our fields, one layers object per packet. */
export function tsharkPackets(file: string, extraFields: readonly string[] = []): Layers[] {
  const args = ['-T', 'json', ...TSHARK_OPTIONS, '-r', file];
  for (const f of [...FIELDS, ...TSHARK_FIELDS, ...extraFields]) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { _source: { layers: Layers } }[]).map((p) => p._source.layers);
}

/**
 * Differences between one of our JSON objects and tshark's layers for the same packet: the frame's fields,
 * then every field of our schema that either side reports (a field only one side reports is a difference).
 */
export function compareJsonPacket(ours: Record<string, any>, t: Layers): string[] {
  const problems: string[] = [];
  const first = (field: string): string | undefined => t[field]?.[0];
  const expect = (what: string, mine: unknown, theirs: unknown): void => {
    if (mine !== theirs) problems.push(`${what}: ours ${JSON.stringify(mine)}, tshark ${JSON.stringify(theirs)}`);
  };
  expect('n', ours.n, hexNumber(first('frame.number')));
  const [sec, frac] = (first('frame.time_epoch') ?? '').split('.');
  const [ourSec, ourFrac = ''] = String(ours.ts).split('.');
  expect('ts seconds', ourSec, sec);
  expect('ts fraction', ourFrac.padEnd(9, '0').replace(/0+$/, ''), (frac ?? '').replace(/0+$/, ''));
  expect('caplen', ours.caplen, hexNumber(first('frame.cap_len')));
  expect('len', ours.len, hexNumber(first('frame.len')));
  const mine = ourSchemaFields(ours);
  const theirs = tsharkSchemaFields(t);
  for (const key of new Set([...mine.keys(), ...theirs.keys()])) expect(key, mine.get(key), theirs.get(key));
  return problems;
}


export const TSHARK_FIELDS = [
  'sll.pkttype', 'sll.hatype', 'sll.src.eth', 'sll.etype', 'sll.ltype', 'sll.ifindex', 'null.family',
  'ip.version', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.proto',
  'vlan.id', 'vlan.priority', 'vlan.dei', 'vlan.etype', 'vlan.len', 'ieee8021ad.id', 'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ah.etype',
  'arp.hw.type', 'arp.proto.type', 'arp.hw.size', 'arp.proto.size', 'arp.src.hw', 'arp.src.proto', 'arp.dst.hw', 'arp.dst.proto',
];

function hexNumber(v: string | undefined): number | undefined {
  return v === undefined ? undefined : v.startsWith('0x') ? parseInt(v, 16) : Number(v);
}

/** Every field of our schema for one packet, by name, as tshark reports it. */
export function tsharkSchemaFields(t: Layers): Map<string, unknown> {
  const f = new Map<string, unknown>();
  const first = (name: string): string | undefined => t[name]?.[0];
  const num = (name: string): number | undefined => hexNumber(first(name));
  const put = (key: string, value: unknown): void => {
    if (value !== undefined) f.set(key, value);
  };
  put('sll.pkttype', num('sll.pkttype'));
  put('sll.hatype', num('sll.hatype'));
  put('sll.ifindex', num('sll.ifindex'));
  put('sll.src', first('sll.src.eth'));
  put('sll.type', num('sll.etype') ?? num('sll.ltype'));
  put('null.family', num('null.family'));
  put('eth.src', first('eth.src'));
  put('eth.dst', first('eth.dst'));
  put('eth.type', num('eth.type') ?? num('eth.len'));
  // tshark files an 802.1ad (0x88a8) outer tag under ieee8021ad, the 802.1Q tags under vlan.
  let tag = 0;
  const serviceIds = t['ieee8021ad.id'] ?? [];
  serviceIds.forEach((id, i) => {
    put(`vlan.${tag}.id`, Number(id));
    put(`vlan.${tag}.pcp`, hexNumber(t['ieee8021ad.priority']?.[i]));
    put(`vlan.${tag}.dei`, hexNumber(t['ieee8021ad.dei']?.[i]) === 1);
    put(`vlan.${tag}.type`, hexNumber(t['ieee8021ah.etype']?.[i]));
    tag++;
  });
  const vlanIds = t['vlan.id'] ?? [];
  vlanIds.forEach((id, i) => {
    put(`vlan.${tag}.id`, Number(id));
    put(`vlan.${tag}.pcp`, hexNumber(t['vlan.priority']?.[i]));
    put(`vlan.${tag}.dei`, hexNumber(t['vlan.dei']?.[i]) === undefined ? undefined : hexNumber(t['vlan.dei']?.[i]) === 1);
    // Our `type` is the field after the tag, an 802.3 length (tshark's vlan.len) included, as in eth. Only the
    // last tag can be followed by a length: it ends the tags.
    const length = i === vlanIds.length - 1 ? num('vlan.len') : undefined;
    put(`vlan.${tag}.type`, hexNumber(t['vlan.etype']?.[i]) ?? length);
    tag++;
  });
  put('arp.htype', num('arp.hw.type'));
  put('arp.ptype', num('arp.proto.type'));
  put('arp.hlen', num('arp.hw.size'));
  put('arp.plen', num('arp.proto.size'));
  put('arp.op', num('arp.opcode'));
  put('arp.sha', first('arp.src.hw_mac') ?? first('arp.src.hw'));
  put('arp.spa', first('arp.src.proto_ipv4') ?? first('arp.src.proto'));
  put('arp.tha', first('arp.dst.hw_mac') ?? first('arp.dst.hw'));
  put('arp.tpa', first('arp.dst.proto_ipv4') ?? first('arp.dst.proto'));
  // A version-6 header is IPv6 to tshark (its ipv6.* fields; its IPv6 dissector sets ip.version too), under
  // EtherType 0x0800 as well: so it is to us.
  // IPv6 fields under an IPv4 header belong to what that header carries or quotes (an ICMP error quoting
  // bytes whose version nibble is 6), which our schema does not decode.
  if (first('ip.src') === undefined) ipv6Fields();
  // An ICMPv6 error quotes a packet whose transport tshark decodes; our schema has no object for it. Nor for
  // the packet a redirect quotes in its Redirected Header option (RFC 4861 section 4.6.3).
  if (Number(first('icmpv6.type')) < 128 || Number(first('icmpv6.type')) === 137) return f;
  // In an ICMP error tshark lists the quoted datagram's fields after the packet's own: ip.* and icmp.* second,
  // udp.* and tcp.* only there. Ours sit in icmp.quoted.
  const icmpError = [3, 4, 5, 11, 12].includes(Number(first('icmp.type')));
  const outerIsIcmp = Number(first('ip.proto')) === 1;
  ipFields(0, 'ipv4');
  icmpFields(0, 'icmp');
  if (icmpError) {
    ipFields(1, 'icmp.quoted.ipv4');
    icmpFields(1, 'icmp.quoted.icmp');
  }
  const transport = outerIsIcmp && icmpError ? 'icmp.quoted.' : '';
  // tshark files UDP-Lite (136), which we do not decode, under udp.* too: only protocol 17 counts. Over IPv6
  // the protocol is the last Next Header of the chain tshark walked.
  const ipv6Chain = ['ipv6.nxt', 'ipv6.hopopts.nxt', 'ipv6.dstopts.nxt', 'ipv6.routing.nxt', 'ipv6.fraghdr.nxt'].flatMap((k) => t[k] ?? []);
  const transportProto = t['ip.proto'] === undefined && ipv6Chain.length > 0 ? (ipv6Chain.includes('17') ? 17 : 0) : Number(t['ip.proto']?.[transport ? 1 : 0]);
  const udpOrNot = (v: unknown): unknown => (transportProto === 17 ? v : undefined);
  put(transport + 'udp.sport', udpOrNot(num('udp.srcport')));
  put(transport + 'udp.dport', udpOrNot(num('udp.dstport')));
  put(transport + 'udp.len', udpOrNot(num('udp.length')));
  put(transport + 'udp.checksum', udpOrNot(num('udp.checksum')));
  put(transport + 'udp.checksum_ok', udpOrNot(status(first('udp.checksum.status'), num('udp.checksum') === 0)));
  put(transport + 'tcp.sport', num('tcp.srcport'));
  put(transport + 'tcp.dport', num('tcp.dstport'));
  put(transport + 'tcp.seq', num('tcp.seq'));
  put(transport + 'tcp.ack', num('tcp.ack'));
  put(transport + 'tcp.hlen', num('tcp.hdr_len'));
  const flags = num('tcp.flags');
  if (flags !== undefined) {
    let text = '';
    for (let bit = 0; bit < 8; bit++) if (flags & (1 << bit)) text += 'FSRPAUEC'[bit];
    put(transport + 'tcp.flags', text);
  }
  put(transport + 'tcp.win', num('tcp.window_size_value'));
  put(transport + 'tcp.urg', num('tcp.urgent_pointer'));
  put(transport + 'tcp.checksum_ok', status(first('tcp.checksum.status')));
  put(transport + 'tcp.mss', num('tcp.options.mss_val'));
  put(transport + 'tcp.wscale', num('tcp.options.wscale.shift'));
  put(transport + 'tcp.sack_perm', t['tcp.options.sack_perm'] ? true : undefined);
  put(transport + 'tcp.tsval', num('tcp.options.timestamp.tsval'));
  put(transport + 'tcp.tsecr', num('tcp.options.timestamp.tsecr'));
  const le = t['tcp.options.sack_le'] ?? [];
  const re = t['tcp.options.sack_re'] ?? [];
  if (le.length) put(transport + 'tcp.sack', JSON.stringify(le.map((l, i) => (re[i] === undefined ? [Number(l)] : [Number(l), Number(re[i])]))));
  put(transport + 'tcp.payload', num('tcp.len'));

  function ipFields(i: number, prefix: string): void {
    const at = (name: string): string | undefined => t[name]?.[i];
    const n = (name: string): number | undefined => hexNumber(at(name));
    if (at('ip.version') === undefined && at('ip.src') === undefined && at('ip.hdr_len') === undefined) return;
    put(prefix + '.src', at('ip.src'));
    put(prefix + '.dst', at('ip.dst'));
    put(prefix + '.ihl', n('ip.hdr_len'));
    put(prefix + '.tos', n('ip.dsfield'));
    put(prefix + '.len', n('ip.len'));
    put(prefix + '.id', n('ip.id'));
    put(prefix + '.df', at('ip.flags.df') === undefined ? undefined : at('ip.flags.df') === '1');
    put(prefix + '.mf', at('ip.flags.mf') === undefined ? undefined : at('ip.flags.mf') === '1');
    put(prefix + '.frag', n('ip.frag_offset') === undefined ? undefined : n('ip.frag_offset')! * 8);
    put(prefix + '.ttl', n('ip.ttl'));
    put(prefix + '.proto', n('ip.proto'));
    put(prefix + '.checksum', n('ip.checksum'));
    put(prefix + '.checksum_ok', status(at('ip.checksum.status')));
  }

  /**
   * IPv6 and ICMPv6 (README.md, "The --json schema"): the fixed header, a fragment header's fields, and the
   * ICMPv6 fields. The upper-layer protocol ("proto") is not compared: tshark lists the Next Header of every
   * extension header, the quoted packet's of an error included, without saying whose it is.
   */
  function ipv6Fields(): void {
    if (first('ipv6.tclass') === undefined && first('ipv6.src') === undefined) return;
    put('ipv6.src', first('ipv6.src'));
    put('ipv6.dst', first('ipv6.dst'));
    put('ipv6.tclass', num('ipv6.tclass'));
    put('ipv6.flow', num('ipv6.flow'));
    put('ipv6.plen', num('ipv6.plen'));
    put('ipv6.nxt', num('ipv6.nxt'));
    put('ipv6.hlim', num('ipv6.hlim'));
    if (first('ipv6.fraghdr.ident') !== undefined) {
      // tshark reports the offset in 8-byte units; the schema has it in bytes (RFC 8200 section 4.5).
      put('ipv6.frag', num('ipv6.fraghdr.offset')! * 8);
      put('ipv6.mf', first('ipv6.fraghdr.more') === '1');
      put('ipv6.frag_id', num('ipv6.fraghdr.ident'));
    }
    put('icmp6.type', num('icmpv6.type'));
    put('icmp6.code', num('icmpv6.code'));
    put('icmp6.checksum', num('icmpv6.checksum'));
    put('icmp6.checksum_ok', status(first('icmpv6.checksum.status')));
    put('icmp6.ident', num('icmpv6.echo.identifier'));
    put('icmp6.seq', num('icmpv6.echo.sequence_number'));
    put('icmp6.target', first('icmpv6.nd.ns.target_address') ?? first('icmpv6.nd.na.target_address') ?? first('icmpv6.nd.rd.target_address'));
    put('icmp6.mtu', num('icmpv6.mtu'));
    put('icmp6.records', num('icmpv6.mldr.nb_mcast_records'));
    put('icmp6.src_lladdr', first('icmpv6.opt.src_linkaddr'));
    put('icmp6.tgt_lladdr', first('icmpv6.opt.target_linkaddr'));
  }

  function icmpFields(i: number, prefix: string): void {
    const n = (name: string): number | undefined => hexNumber(t[name]?.[i]);
    put(prefix + '.type', n('icmp.type'));
    put(prefix + '.code', n('icmp.code'));
    put(prefix + '.checksum_ok', status(t['icmp.checksum.status']?.[i]));
    put(prefix + '.ident', n('icmp.ident'));
    put(prefix + '.seq', n('icmp.seq'));
  }
  return f;
}

function status(value: string | undefined, zeroChecksum = false): boolean | undefined {
  if (value === '1') return true;
  if (value === '0') return false;
  // tshark's "not present" for a UDP checksum of zero (RFC 768: the sender computed none).
  if (value === '3' && zeroChecksum) return true;
  return undefined;
}

/** Every field of our schema in one of our JSON lines, by the same names as tsharkSchemaFields. */
export function ourSchemaFields(ours: Record<string, any>): Map<string, unknown> {
  const f = new Map<string, unknown>();
  const flatten = (prefix: string, object: Record<string, unknown>): void => {
    for (const [key, value] of Object.entries(object)) {
      if (key === 'sack') f.set(`${prefix}.${key}`, JSON.stringify(value));
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(`${prefix}.${key}`, value as Record<string, unknown>);
      else f.set(`${prefix}.${key}`, value);
    }
  };
  for (const layer of ['null', 'sll', 'eth', 'arp', 'ipv4', 'icmp', 'ipv6', 'icmp6', 'udp', 'tcp']) {
    const object = ours[layer] as Record<string, unknown> | undefined;
    if (object) flatten(layer, object);
  }
  // Not compared (tsharkSchemaFields says why).
  f.delete('ipv6.proto');
  const vlans = (ours.vlan ?? []) as Record<string, unknown>[];
  vlans.forEach((tag, i) => {
    for (const [key, value] of Object.entries(tag)) f.set(`vlan.${i}.${key}`, value);
  });
  return f;
}

/** Every schema field of every packet of `file`: ours (from `--json` lines) against tshark's. */
export function compareSchemaFields(ourLines: string[], theirs: Layers[]): { compared: number; differences: FieldDifference[] } {
  const differences: FieldDifference[] = [];
  let compared = 0;
  ourLines.forEach((line, i) => {
    const ours = ourSchemaFields(JSON.parse(line) as Record<string, unknown>);
    const tshark = tsharkSchemaFields(theirs[i] ?? {});
    for (const key of new Set([...ours.keys(), ...tshark.keys()])) {
      compared++;
      if (ours.get(key) !== tshark.get(key)) differences.push({ packet: i + 1, field: key, ours: ours.get(key), tshark: tshark.get(key) });
    }
  });
  return { compared, differences };
}

export interface FieldDifference {
  packet: number;
  field: string;
  ours: unknown;
  tshark: unknown;
}

