// Compares our --json output with what tshark reports for the same capture (checksum validation on, absolute
// sequence numbers, no reassembly): every field of every layer we print must equal tshark's.
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
  '-o', 'tcp.relative_sequence_numbers:FALSE', '-o', 'ip.defragment:FALSE',
  '-o', 'ipv6.defragment:FALSE',
];

type Layers = Record<string, string[]>;

/** tshark -T json with our fields, one layers object per packet. */
export function tsharkPackets(file: string, extraFields: readonly string[] = []): Layers[] {
  const args = ['-T', 'json', ...TSHARK_OPTIONS, '-r', file];
  for (const f of [...FIELDS, ...extraFields]) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { _source: { layers: Layers } }[]).map((p) => p._source.layers);
}

const FLAG_LETTERS = 'FSRPAUEC';

function flagsFromHex(hex: string): string {
  const value = parseInt(hex, 16);
  let text = '';
  for (let bit = 0; bit < 8; bit++) if (value & (1 << bit)) text += FLAG_LETTERS[bit];
  return text;
}

function statusToOk(status: string | undefined, zeroMeansOk = false): boolean | undefined {
  if (status === '1') return true;
  if (status === '0') return false;
  if (status === '3' && zeroMeansOk) return true;
  return undefined;
}

/** Differences between one of our JSON objects and tshark's layers for the same packet. */
export function compareJsonPacket(ours: Record<string, any>, t: Layers): string[] {
  const problems: string[] = [];
  const first = (field: string): string | undefined => t[field]?.[0];
  const expect = (what: string, mine: unknown, theirs: unknown): void => {
    if (mine !== theirs) problems.push(`${what}: ours ${JSON.stringify(mine)}, tshark ${JSON.stringify(theirs)}`);
  };
  const num = (field: string): number | undefined => {
    const v = first(field);
    return v === undefined ? undefined : v.startsWith('0x') ? parseInt(v, 16) : Number(v);
  };
  expect('n', ours.n, num('frame.number'));
  const [sec, frac] = (first('frame.time_epoch') ?? '').split('.');
  const ourTs = String(ours.ts);
  const [ourSec, ourFrac = ''] = ourTs.split('.');
  expect('ts seconds', ourSec, sec);
  expect('ts fraction', ourFrac.padEnd(9, '0').replace(/0+$/, ''), (frac ?? '').replace(/0+$/, ''));
  expect('caplen', ours.caplen, num('frame.cap_len'));
  expect('len', ours.len, num('frame.len'));
  if (ours.eth) {
    expect('eth.src', ours.eth.src, first('eth.src'));
    expect('eth.dst', ours.eth.dst, first('eth.dst'));
    // Values up to 1500 are an IEEE 802.3 length, which tshark reports as eth.len.
    expect('eth.type', ours.eth.type, ours.eth.type <= 1500 ? num('eth.len') : num('eth.type'));
  }
  if (ours.arp) {
    expect('arp.op', ours.arp.op, num('arp.opcode'));
    expect('arp.sha', ours.arp.sha, first('arp.src.hw_mac'));
    expect('arp.spa', ours.arp.spa, first('arp.src.proto_ipv4'));
    expect('arp.tha', ours.arp.tha, first('arp.dst.hw_mac'));
    // For DRARP-Error (operation 7, RFC 1931) tshark reads the target address bytes as an error status.
    if (ours.arp.op !== 7) expect('arp.tpa', ours.arp.tpa, first('arp.dst.proto_ipv4'));
  }
  if (ours.ipv4) {
    const ip = ours.ipv4;
    expect('ipv4.src', ip.src, first('ip.src'));
    expect('ipv4.dst', ip.dst, first('ip.dst'));
    expect('ipv4.ihl', ip.ihl, num('ip.hdr_len'));
    expect('ipv4.tos', ip.tos, num('ip.dsfield'));
    expect('ipv4.len', ip.len, num('ip.len'));
    expect('ipv4.id', ip.id, num('ip.id'));
    expect('ipv4.df', ip.df, first('ip.flags.df') === '1');
    expect('ipv4.mf', ip.mf, first('ip.flags.mf') === '1');
    // tshark 4.0 reports the offset in 8-byte units; the schema has it in bytes (RFC 791 section 3.1).
    expect('ipv4.frag', ip.frag, (num('ip.frag_offset') ?? 0) * 8);
    expect('ipv4.ttl', ip.ttl, num('ip.ttl'));
    expect('ipv4.proto', ip.proto, num('ip.proto'));
    expect('ipv4.checksum', ip.checksum, num('ip.checksum'));
    expect('ipv4.checksum_ok', ip.checksum_ok, statusToOk(first('ip.checksum.status')));
  }
  if (ours.icmp) {
    expect('icmp.type', ours.icmp.type, num('icmp.type'));
    expect('icmp.code', ours.icmp.code, num('icmp.code'));
    expect('icmp.checksum_ok', ours.icmp.checksum_ok, statusToOk(first('icmp.checksum.status')));
    if (ours.icmp.type === 0 || ours.icmp.type === 8) {
      expect('icmp.ident', ours.icmp.ident, num('icmp.ident'));
      expect('icmp.seq', ours.icmp.seq, num('icmp.seq'));
    }
  }
  if (ours.udp) {
    expect('udp.sport', ours.udp.sport, num('udp.srcport'));
    expect('udp.dport', ours.udp.dport, num('udp.dstport'));
    expect('udp.len', ours.udp.len, num('udp.length'));
    expect('udp.checksum', ours.udp.checksum, num('udp.checksum'));
    if (!ours.error) expect('udp.checksum_ok', ours.udp.checksum_ok, statusToOk(first('udp.checksum.status'), true));
  }
  if (ours.tcp) {
    const tcp = ours.tcp;
    expect('tcp.sport', tcp.sport, num('tcp.srcport'));
    expect('tcp.dport', tcp.dport, num('tcp.dstport'));
    expect('tcp.seq', tcp.seq, num('tcp.seq'));
    if ((tcp.flags ?? '').includes('A') || t['tcp.ack'] !== undefined) expect('tcp.ack', tcp.ack, num('tcp.ack') ?? 0);
    expect('tcp.hlen', tcp.hlen, num('tcp.hdr_len'));
    expect('tcp.flags', tcp.flags, t['tcp.flags'] === undefined ? undefined : flagsFromHex(first('tcp.flags')!));
    expect('tcp.win', tcp.win, num('tcp.window_size_value'));
    expect('tcp.urg', tcp.urg, num('tcp.urgent_pointer'));
    expect('tcp.checksum_ok', tcp.checksum_ok, statusToOk(first('tcp.checksum.status')));
    expect('tcp.mss', tcp.mss, num('tcp.options.mss_val'));
    expect('tcp.wscale', tcp.wscale, num('tcp.options.wscale.shift'));
    expect('tcp.sack_perm', tcp.sack_perm, t['tcp.options.sack_perm'] ? true : undefined);
    expect('tcp.tsval', tcp.tsval, num('tcp.options.timestamp.tsval'));
    expect('tcp.tsecr', tcp.tsecr, num('tcp.options.timestamp.tsecr'));
    const le = t['tcp.options.sack_le'] ?? [];
    const re = t['tcp.options.sack_re'] ?? [];
    const sack = le.length ? JSON.stringify(le.map((l, i) => [Number(l), Number(re[i])])) : undefined;
    expect('tcp.sack', tcp.sack ? JSON.stringify(tcp.sack) : undefined, sack);
    expect('tcp.payload', tcp.payload, num('tcp.len'));
  }
  // A layer tshark decoded that we did not print must come with our error (or be a quoted datagram).
  if (ours.ipv6) {
    const ip = ours.ipv6;
    expect('ipv6.src', ip.src, first('ipv6.src'));
    expect('ipv6.dst', ip.dst, first('ipv6.dst'));
    expect('ipv6.tclass', ip.tclass, num('ipv6.tclass'));
    expect('ipv6.flow', ip.flow, num('ipv6.flow'));
    expect('ipv6.plen', ip.plen, num('ipv6.plen'));
    expect('ipv6.nxt', ip.nxt, num('ipv6.nxt'));
    expect('ipv6.hlim', ip.hlim, num('ipv6.hlim'));
    if (t['ipv6.fraghdr.ident'] !== undefined || ip.frag_id !== undefined) {
      // tshark reports the offset in 8-byte units; the schema has it in bytes (RFC 8200 section 4.5).
      expect('ipv6.frag', ip.frag, (num('ipv6.fraghdr.offset') ?? 0) * 8);
      expect('ipv6.mf', ip.mf, first('ipv6.fraghdr.more') === '1');
      expect('ipv6.frag_id', ip.frag_id, num('ipv6.fraghdr.ident'));
    }
    // The upper layer: the last Next Header of the chain tshark walked.
    const chain = ['ipv6.fraghdr.nxt', 'ipv6.hopopts.nxt', 'ipv6.dstopts.nxt', 'ipv6.routing.nxt'].flatMap((k) => t[k] ?? []);
    if (chain.length === 0) expect('ipv6.proto', ip.proto, num('ipv6.nxt'));
    else if (!chain.includes(String(ip.proto))) problems.push(`ipv6.proto: ours ${ip.proto}, tshark's chain ${chain.join(',')}`);
  }
  if (ours.icmp6) {
    const icmp = ours.icmp6;
    expect('icmp6.type', icmp.type, num('icmpv6.type'));
    expect('icmp6.code', icmp.code, num('icmpv6.code'));
    expect('icmp6.checksum', icmp.checksum, num('icmpv6.checksum'));
    expect('icmp6.checksum_ok', icmp.checksum_ok, statusToOk(first('icmpv6.checksum.status')));
    expect('icmp6.ident', icmp.ident, num('icmpv6.echo.identifier'));
    expect('icmp6.seq', icmp.seq, num('icmpv6.echo.sequence_number'));
    const target = first('icmpv6.nd.ns.target_address') ?? first('icmpv6.nd.na.target_address') ?? first('icmpv6.nd.rd.target_address');
    expect('icmp6.target', icmp.target, target);
    expect('icmp6.mtu', icmp.mtu, num('icmpv6.mtu'));
    expect('icmp6.records', icmp.records, num('icmpv6.mldr.nb_mcast_records'));
    expect('icmp6.src_lladdr', icmp.src_lladdr, first('icmpv6.opt.src_linkaddr'));
    expect('icmp6.tgt_lladdr', icmp.tgt_lladdr, first('icmpv6.opt.target_linkaddr'));
  }
  const quoted = (ours.icmp && ours.icmp.type !== 0 && ours.icmp.type !== 8) || (ours.icmp6 && ours.icmp6.type < 128);
  const fragment = (ours.ipv4 && ours.ipv4.frag !== 0) || (ours.ipv6 && ours.ipv6.frag > 0);
  // (tshark also files UDP-Lite under udp.*, which we do not decode: the IP protocol number must match.)
  const protocols: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, icmp6: 58 };
  for (const [layer, field] of [['arp', 'arp.opcode'], ['ipv4', 'ip.src'], ['icmp', 'icmp.type'], ['udp', 'udp.srcport'], ['tcp', 'tcp.srcport'], ['ipv6', 'ipv6.src'], ['icmp6', 'icmpv6.type']] as const) {
    const ip = ours.ipv4 ?? ours.ipv6;
    const otherProtocol = protocols[layer] !== undefined && ip !== undefined && ip.proto !== protocols[layer];
    if (t[field] !== undefined && ours[layer] === undefined && !ours.error && !quoted && !fragment && !otherProtocol) {
      problems.push(`tshark decoded ${layer} but we printed neither the layer nor an error`);
    }
  }
  return problems;
}
