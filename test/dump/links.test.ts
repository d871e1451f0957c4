// Link layers besides plain Ethernet, on captures the kernel makes in namespaces: 802.1Q and QinQ (802.1ad)
// tagged frames on a veth, `tcpdump -i any` (Linux cooked v1) and `-y LINUX_SLL2` (v2), and a tun device
// (raw IP); BSD loopback, which Linux never writes, from crafted frames. Text equals tcpdump's, JSON fields
// equal tshark's, and the `vlan` filter selects what tcpdump's selects.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitForExit, waitForStderr, waitUntil } from '../helpers/child.js';
import { needs, suiteNeeding } from '../helpers/needs.js';
import { pcapFileFrames, waitForListener } from '../helpers/netns.js';
import { VethPair } from './captures.js';
import { arp, bytesOf, ethernet, icmp, ipv4, IP_A, IP_B, MAC_A, tcp, udp, writePcap } from './craft.js';
import { removeDir, runDump, tcpdump, tempDir } from './helpers.js';
import { compareSchemaFields, tsharkPackets } from './tshark.js';
import { LinuxSllHeader } from '../../generated/linux-sll.js';
import { LinuxSll2Header } from '../../generated/linux-sll2.js';
import { WireError } from '../../generated/runtime.js';

process.env.TZ = 'UTC';

const STYLES = ['', '-e', '-v', '-e -v', '-q', '-e -q', '-x', '-XX'];

function words(flags: string): string[] {
  return flags === '' ? [] : flags.split(' ');
}

async function sameTextAsTcpdump(file: string, dir: string): Promise<void> {
  for (const style of STYLES) {
    const theirs = tcpdump(['-nn', '-tt', ...words(style), '-r', file]);
    const ours = await runDump(['-nn', '-tt', ...words(style), '-r', file], dir);
    assert.is(ours.status, 0, ours.stderr);
    assert.fixture(ours.stdout, theirs, `${file} ${style}`);
  }
}

async function sameFieldsAsTshark(file: string, dir: string): Promise<number> {
  const theirs = tsharkPackets(file);
  const run = await runDump(['--json', '-r', file], dir);
  assert.is(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.is(lines.length, theirs.length);
  const { compared, differences } = compareSchemaFields(lines, theirs);
  assert.equal(differences.slice(0, 10), [], `${file}: ${differences.length} of ${compared} fields differ`);
  return compared;
}

async function sameSelectionAsTcpdump(file: string, dir: string, filter: string): Promise<number> {
  const stamps = (text: string): string[] => text.split('\n').filter((l) => /^\d+\.\d{6} /.test(l)).map((l) => l.split(' ')[0]!);
  const theirs = stamps(tcpdump(['-nn', '-tt', '-r', file, filter]));
  const ours = await runDump(['-nn', '-tt', '-r', file, filter], dir);
  assert.is(ours.status, 0, ours.stderr);
  assert.equal(stamps(ours.stdout), theirs, `filter '${filter}'`);
  return theirs.length;
}

const crafted = suite('link types on crafted frames');
let craftedDir = '';
crafted.before(() => {
  craftedDir = tempDir('dump-links');
});
crafted.after(() => removeDir(craftedDir));

crafted('BSD loopback in both byte orders, IPv4 and other families, cut headers', async () => {
  if (!needs('BSD loopback vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  const packet = ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(5)));
  const file = writePcap(join(craftedDir, 'null.pcap'), [
    { data: Uint8Array.from([2, 0, 0, 0, ...packet]) },
    { data: Uint8Array.from([0, 0, 0, 2, ...packet]) },
    { data: Uint8Array.from([2, 0, 0, 0, ...packet.subarray(0, 10)]), origLen: 4 + packet.length },
    { data: Uint8Array.from([99, 0, 0, 0, 1, 2, 3]) },
    { data: Uint8Array.from([2, 0]) },
  ], 0);
  await sameTextAsTcpdump(file, craftedDir);
  assert.ok((await sameFieldsAsTshark(file, craftedDir)) > 20);
});

crafted('802.1Q tags cut short, unknown EtherTypes behind a tag, priority and DEI bits', async () => {
  if (!needs('VLAN edge cases vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  const packet = ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(5)));
  const tag = (tci: number, inner: number): number[] => [tci >> 8, tci & 255, inner >> 8, inner & 255];
  const file = writePcap(join(craftedDir, 'vlan.pcap'), [
    { data: ethernet(0x8100, Uint8Array.from([...tag(0xf064, 0x0800), ...packet])) },
    { data: ethernet(0x9100, Uint8Array.from([...tag(0x0005, 0x8100), ...tag(0x2006, 0x0800), ...packet])) },
    { data: ethernet(0x8100, Uint8Array.from([...tag(5, 0x1234), 1, 2, 3])) },
    { data: ethernet(0x8100, Uint8Array.from([0, 5])) },
    { data: ethernet(0x88a8, Uint8Array.from([...tag(7, 0x8100), 0])) },
    { data: ethernet(0x8100, Uint8Array.from([...tag(4095, 0x0800), ...packet.subarray(0, 10)])), origLen: 100 },
  ]);
  await sameTextAsTcpdump(file, craftedDir);
  for (const filter of ['vlan', 'vlan 100', 'vlan and vlan', 'vlan 5 or vlan 6', 'vlan and udp', 'not vlan']) {
    await sameSelectionAsTcpdump(file, craftedDir, filter);
  }
});

crafted('Linux cooked v1 and v2, raw IP: every direction, VLAN payloads, unknown protocols, cut headers', async () => {
  if (!needs('cooked and raw IP vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  const packet = ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(5)));
  const request = arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B);
  const tagged = (inner: number, p: Uint8Array): Uint8Array => Uint8Array.from([0x60, 100, inner >> 8, inner & 255, ...p]);
  const sll = (type: number, protocol: number, p: Uint8Array, addressLength = 6): Uint8Array =>
    Uint8Array.from([0, type, 0, 1, 0, addressLength, ...MAC_A, 0, 0, protocol >> 8, protocol & 255, ...p]);
  const sll2 = (type: number, protocol: number, p: Uint8Array, addressLength = 6): Uint8Array =>
    Uint8Array.from([protocol >> 8, protocol & 255, 0, 0, 0, 0, 0, 1, 0, 1, type, addressLength, ...MAC_A, 0, 0, ...p]);
  const v1: Uint8Array[] = [];
  const v2: Uint8Array[] = [];
  for (const [make, out] of [[sll, v1], [sll2, v2]] as const) {
    for (let type = 0; type <= 5; type++) out.push(make(type, 0x0800, packet));
    out.push(make(4, 0x0806, request), make(0, 0x8100, tagged(0x0800, packet)), make(0, 0x8100, tagged(0x0806, request)));
    out.push(make(0, 0x8100, tagged(0x1234, Uint8Array.from([1, 2]))), make(0, 0x8100, Uint8Array.from([0, 1])));
    // (Protocols below 1536, 802.2 LLC and friends, lead to tcpdump's LLC printers, which we do not have.)
    out.push(make(0, 0x1234, Uint8Array.from([1, 2, 3])), make(0, 0x0800, packet, 0));
    out.push(make(0, 0x0800, packet, 8));
  }
  const records = (frames: Uint8Array[]): { data: Uint8Array; origLen?: number }[] => [
    ...frames.map((data) => ({ data })),
    ...[3, 10, 15, 19].map((cut) => ({ data: frames[0]!.subarray(0, cut), origLen: frames[0]!.length })),
  ];
  const raw = [packet, packet.subarray(0, 12), Uint8Array.from([0x50, 1, 2]), new Uint8Array(0)];
  for (const [name, linkType, frames] of [['sll', 113, records(v1)], ['sll2', 276, records(v2)], ['raw', 101, raw.map((data) => ({ data, origLen: Math.max(data.length, 1) }))]] as const) {
    const file = writePcap(join(craftedDir, `${name}.pcap`), frames as { data: Uint8Array }[], linkType);
    await sameTextAsTcpdump(file, craftedDir);
    if (name !== 'raw') assert.ok((await sameFieldsAsTshark(file, craftedDir)) > 100);
  }
});

crafted('spanning-tree BPDUs over 802.2 LLC in cooked captures (protocol 0x0004): 802.1D config and TCN, 802.1w', async () => {
  if (!needs('STP over cooked captures vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  // IEEE 802.1D clause 9.3.1: LLC 42 42 03, protocol 0, version, type, flags, root id, root path cost,
  // bridge id, port id, then message age, max age, hello time and forward delay in 1/256 s.
  const config = [0x42, 0x42, 0x03, 0, 0, 0, 0, 0x01, 0x80, 0x00, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0, 0, 0, 4,
    0x80, 0x00, 0x02, 0x42, 0xac, 0x11, 0x00, 0x03, 0x80, 0x01, 0x01, 0x80, 0x14, 0, 0x02, 0, 0x0f, 0];
  const tcn = [0x42, 0x42, 0x03, 0, 0, 0, 0x80];
  // 802.1w clause 9.3.3: version 2, type 2, the port role in flag bits 2-3, and a version 1 length byte.
  const rapid = [...config.slice(0, 5), 2, 2, 0x3c, ...config.slice(8), 0];
  const withFlags = (bpdu: number[], flags: number): number[] => bpdu.map((b, i) => (i === 7 ? flags : b));
  const bpdus = [config, tcn, rapid, withFlags(config, 0x81), withFlags(config, 0), withFlags(rapid, 0x42), withFlags(rapid, 0x7a),
    [...config, 0, 0, 0], config.slice(0, 20), rapid.slice(0, 30)];
  const sll = (type: number, p: number[]): Uint8Array => Uint8Array.from([0, type, 0, 1, 0, 6, ...MAC_A, 0, 0, 0, 4, ...p]);
  const sll2 = (type: number, p: number[]): Uint8Array => Uint8Array.from([0, 4, 0, 0, 0, 0, 0, 1, 0, 1, type, 6, ...MAC_A, 0, 0, ...p]);
  // (Other LLC payloads, IPX, SNAP, NetBIOS, lead to tcpdump's printers for them, which we do not have.)
  for (const [name, linkType, make] of [['stp-sll', 113, sll], ['stp-sll2', 276, sll2]] as const) {
    const frames = bpdus.flatMap((bpdu, i) => [make(i % 2 === 0 ? 0 : 4, bpdu)]);
    const file = writePcap(join(craftedDir, `${name}.pcap`), frames.map((data) => ({ data })), linkType);
    await sameTextAsTcpdump(file, craftedDir);
    assert.ok((await sameFieldsAsTshark(file, craftedDir)) > 20);
  }
  const line = (await runDump(['-nn', '-v', '-r', join(craftedDir, 'stp-sll.pcap')], craftedDir)).stdout;
  assert.match(line, /STP 802\.1d, Config, Flags \[Topology change\], bridge-id 8000\.02:42:ac:11:00:03\.8001, length 35\n\tmessage-age 1\.50s/);
});

crafted('802.3 frames: STP, SNAP, IP over LLC and every other 802.2 LLC frame print as tcpdump prints them', async () => {
  if (!needs('802.3/LLC vs tcpdump', ['tcpdump'])) return;
  // IEEE 802.3: a length where Ethernet II has its EtherType (padded to 60 bytes), then IEEE 802.2's DSAP, SSAP
  // and control field (one byte for unnumbered frames, two for information and supervisory ones).
  const frame = (llc: number[], lengthField = llc.length): Uint8Array => {
    const bytes = new Uint8Array(Math.max(60, 14 + llc.length));
    bytes.set([0x01, 0x80, 0xc2, 0, 0, 0, ...MAC_A, lengthField >> 8, lengthField & 255, ...llc]);
    return bytes;
  };
  const config = [0, 0, 0, 0, 0x80, 0x00, 2, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0x80, 0x00, 2, 0, 0, 0, 0, 1, 0x80, 0x01, 0, 0, 0x14, 0, 2, 0, 0x0f, 0];
  const ip = [...ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(4)))];
  const request = [...arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B)];
  const frames = [
    frame([0x42, 0x42, 0x03, ...config]), frame([0x43, 0x42, 0x03, 0, 0, 0, 0x80]), frame([0x42, 0x43, 0x03, ...config.slice(0, 20)]),
    frame([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ip]), frame([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06, ...request]),
    frame([0xaa, 0xaa, 0x03, 0, 0, 0xf8, 0x08, 0x06, ...request]), frame([0xaa, 0xaa, 0x03, 0, 0, 0, 0x12, 0x34, 1, 2, 3, 4]),
    frame([0xaa, 0xaa, 0x03, 0, 0, 0]), frame([0xaa, 0xaa, 0x13, 0, 0, 0, 8, 0]), frame([0x06, 0x06, 0x03, ...ip]),
    // XID in IEEE 802.2's basic format, in another, and cut; LLC headers cut at 0, 2 and 3 bytes; a length
    // field past the frame's end.
    frame([0x12, 0x35, 0xaf, 0x81, 0x05, 0x07]), frame([0x12, 0x34, 0xbf, 0x80, 0x05, 0x07, 9]), frame([0x12, 0x34, 0xaf, 0x81, 0x05]),
    frame([], 0), frame([0x12, 0x34]), frame([0x12, 0x34, 0x00]), frame([0x12, 0x34, 0x03, 1, 2, 3], 100),
  ];
  // Every control byte (unnumbered frames' commands, information and supervisory frames with both poll bits).
  for (let ctrl = 0; ctrl < 256; ctrl++) frames.push(frame([0x12, 0x35 - (ctrl & 1), ctrl, ctrl & 0x81, 5, 7, 9]));
  // Every SAP: tcpdump's names, the group and response bits, DSAP and SSAP alike or not.
  for (let sap = 0; sap < 255; sap += 3) frames.push(frame([sap, sap === 0xaa || sap === 0xe1 ? 0 : sap, 0x63, 1, 2]));
  const file = writePcap(join(craftedDir, 'llc.pcap'), frames.map((data) => ({ data })));
  await sameTextAsTcpdump(file, craftedDir);
  const ours = (await runDump(['-nn', '-r', file], craftedDir)).stdout;
  assert.not.match(ours, /LLC, length/, 'every frame decoded, none left to the old summary');
  assert.match(ours, / > 01:80:c2:00:00:00 Unknown DSAP 0x12 Information, send seq 0, rcv seq 0, Flags \[Response\], length 7\n\t0x0000:  1235 0000 0507 09 /);
});

crafted('802.3 LLC behind 802.1Q and QinQ tags, and IP over LLC and SNAP in JSON, as tcpdump and tshark show them', async () => {
  if (!needs('VLAN-tagged LLC vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  // A length instead of an EtherType after the last tag (IEEE 802.1Q clause 9.6 allows either): tcpdump
  // prints the LLC line, tshark dissects LLC with vlan.len. Padding after the LLC frame is left out.
  const tag = (tci: number, inner: number): number[] => [tci >> 8, tci & 255, inner >> 8, inner & 255];
  /** `tags` as [TCI, EtherType after it]; the last tag's EtherType is replaced by the length field. */
  const tagged = (outer: number, tags: number[][], llc: number[], lengthField = llc.length): Uint8Array => {
    const body = [...tags.flatMap(([tci, next]) => tag(tci!, next!)).slice(0, -2), lengthField >> 8, lengthField & 255, ...llc];
    const bytes = new Uint8Array(Math.max(60, 14 + body.length));
    bytes.set([0x01, 0x80, 0xc2, 0, 0, 0, ...MAC_A, outer >> 8, outer & 255, ...body]);
    return bytes;
  };
  const untagged = (llc: number[]): Uint8Array => {
    const bytes = new Uint8Array(Math.max(60, 14 + llc.length));
    bytes.set([0x01, 0x80, 0xc2, 0, 0, 0, ...MAC_A, llc.length >> 8, llc.length & 255, ...llc]);
    return bytes;
  };
  const config = [0, 0, 0, 0, 0x80, 0x00, 2, 0, 0, 0, 0, 1, 0, 0, 0, 4, 0x80, 0x00, 2, 0, 0, 0, 0, 1, 0x80, 0x01, 0, 0, 0x14, 0, 2, 0, 0x0f, 0];
  const ip = [...ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(4)))];
  const request = [...arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B)];
  const payloads = [
    [0x42, 0x42, 0x03, ...config], [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ip], [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06, ...request],
    [0xaa, 0xaa, 0x03, 0, 0, 0xf8, 0x08, 0x06, ...request], [0x06, 0x06, 0x03, ...ip], [0x12, 0x35, 0xaf, 0x81, 0x05, 0x07],
    [0x12, 0x34, 0x00, 0x01, 0x02], [0xaa, 0xaa, 0x03, 0, 0, 0, 0x12, 0x34, 1, 2, 3, 4],
  ];
  const frames: Uint8Array[] = [];
  for (const llc of payloads) {
    frames.push(tagged(0x8100, [[0x2064, 0]], llc));
    frames.push(tagged(0x88a8, [[0x0064, 0x8100], [0x00c8, 0]], llc));
    // Untagged: IP and ARP over SNAP and SAP 6 in JSON (the text side is the test above).
    frames.push(untagged(llc));
  }
  // A length past the frame's end, and an LLC header cut by the capture.
  frames.push(tagged(0x8100, [[100, 0]], [0x42, 0x42, 0x03, ...config], 200));
  frames.push(tagged(0x8100, [[100, 0]], [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, ...ip]).subarray(0, 24));
  const file = writePcap(join(craftedDir, 'vlan-llc.pcap'), frames.map((data) => ({ data })));
  await sameTextAsTcpdump(file, craftedDir);
  const ours = (await runDump(['-nn', '-r', file], craftedDir)).stdout;
  assert.not.match(ours, /ethertype Unknown \(0x0[0-5]|LLC, length/, 'no length taken for an EtherType, no frame left to the old summary');
  assert.ok((await sameFieldsAsTshark(file, craftedDir)) > 250);
  const json = (await runDump(['--json', '-r', file], craftedDir)).stdout.split('\n');
  // IPv4 over SNAP and over SAP 6, ARP over SNAP with both OUIs: tagged twice and untagged each.
  assert.is(json.filter((line) => line.includes('"ipv4":{')).length, 6);
  assert.is(json.filter((line) => line.includes('"arp":{')).length, 6);
  assert.match(json[1]!, /"vlan":\[\{"id":100,"pcp":0,"dei":false,"type":33024\},\{"id":200,"pcp":0,"dei":false,"type":37\}\]\}$/);
  assert.match(json[3]!, /"vlan":\[\{"id":100,"pcp":1,"dei":false,"type":\d+\}\],"ipv4":\{"src":"10\.0\.0\.1"/);
});

crafted('cooked headers written through the generated views (setters) read back by tcpdump and tshark as written', async () => {
  if (!needs('smoltcp-dump vs tcpdump and tshark', ['tcpdump', 'tshark'])) return;
  const packet = ipv4({ protocol: 17 }, udp(40001, 40002, new Uint8Array(5)));
  const mac = Uint8Array.of(0x02, 0x42, 0xac, 0x11, 0x00, 0x07);
  const v1 = new Uint8Array(16 + packet.length);
  const sll = new LinuxSllHeader(v1);
  assert.is(sll.check(), WireError.Ok);
  sll.packetType = 4; // sent by us: tcpdump's "Out"
  sll.hardwareType = 1;
  sll.addressLen = 6;
  sll.address = 0x0242_ac11_0007;
  sll.protocol = 0x0800;
  v1.set(packet, sll.payloadOffset);
  const copied = new Uint8Array(6);
  sll.copyAddressTo(copied);
  assert.equal(copied, mac);
  assert.is(sll.payloadLength, packet.length);
  const v2 = new Uint8Array(20 + packet.length);
  const sll2 = new LinuxSll2Header(v2);
  sll2.protocol = 0x0800;
  sll2.interfaceIndex = 1; // lo on every Linux machine: tcpdump looks the name up
  sll2.hardwareType = 1;
  sll2.packetType = 0;
  sll2.addressLen = 6;
  sll2.setAddressFrom(mac);
  v2.set(packet, sll2.payloadOffset);
  assert.is(sll2.address, 0x0242_ac11_0007);
  // Too short for the header: newChecked refuses it rather than hand out a view that reads past the end.
  assert.is(LinuxSllHeader.newChecked(v1, 0, 15), WireError.Truncated);
  assert.is(LinuxSll2Header.newChecked(v2, 0, 19), WireError.Truncated);
  assert.ok(LinuxSll2Header.newChecked(v2) instanceof LinuxSll2Header);
  for (const [linkType, frame, name] of [[113, v1, 'sll-views'], [276, v2, 'sll2-views']] as const) {
    const file = writePcap(join(craftedDir, `${name}.pcap`), [{ data: frame }], linkType);
    await sameTextAsTcpdump(file, craftedDir);
    assert.ok((await sameFieldsAsTshark(file, craftedDir)) > 10);
    assert.ok(tcpdump(['-nn', '-e', '-r', file]).includes('02:42:ac:11:00:07'));
  }
  assert.match(tcpdump(['-nn', '-e', '-r', join(craftedDir, 'sll-views.pcap')]), / Out 02:42:ac:11:00:07 ethertype IPv4/);
});

crafted.run();

/**
 * Tagged frames as a VLAN-aware host would send them: VLAN 100 (priority 3) and QinQ (service tag 10 over
 * customer tag 20) carrying ARP, ICMP echo, UDP and a TCP SYN, the last one marked so the test knows it arrived.
 */
function taggedFrames(): Uint8Array[] {
  const tag = (tci: number, inner: number): number[] => [tci >> 8, tci & 255, inner >> 8, inner & 255];
  const packets: [number, Uint8Array][] = [
    [0x0806, arp(1, MAC_A, IP_A, [0, 0, 0, 0, 0, 0], IP_B)],
    [0x0800, ipv4({ protocol: 1 }, icmp(8, 0, [0, 7, 0, 1, ...bytesOf('ping over a vlan')]))],
    [0x0800, ipv4({ protocol: 17 }, udp(40001, 40053, bytesOf('hello vlan')))],
    [0x0800, ipv4({ protocol: 6 }, tcp({ flags: 0x02, options: [2, 4, 5, 0xb4, 4, 2, 1, 3, 3, 7, 1, 1] }))],
  ];
  const frames: Uint8Array[] = [];
  for (const [type, packet] of packets) {
    frames.push(ethernet(0x8100, Uint8Array.from([...tag(0x6064, type), ...packet])));
    frames.push(ethernet(0x88a8, Uint8Array.from([...tag(10, 0x8100), ...tag(20, type), ...packet])));
  }
  frames.push(ethernet(0x8100, Uint8Array.from([...tag(100, 0x0800), ...ipv4({ protocol: 17 }, udp(40001, 40053, bytesOf('last tagged')))])));
  return frames;
}

const kernel = suiteNeeding('link types on kernel captures', ['root', 'tcpdump', 'tshark', 'socat', 'ping', 'sysctl', 'ss']);
if (kernel) {
  let dir = '';
  const files: Record<string, string> = {};
  kernel.before(async () => {
    dir = tempDir('dump-links-kernel');
    const pair = new VethPair('lnk');
    const captures: ChildProcess[] = [];
    const helpers: ChildProcess[] = [];
    try {
      // This kernel may lack 802.1Q support (no 8021q module, no tc): the tagged frames are built here and sent
      // through a packet socket (socat's INTERFACE address) on one end; tcpdump on the other end records them.
      const { a, b, devA, devB } = pair;
      // A tun device held open by socat: what the kernel routes to 10.80.0.0/24 is captured as raw IP.
      const tun = `tun${devA.slice(3)}`;
      const holder = a.spawn('socat', ['-u', `TUN:10.80.0.1/24,tun-name=${tun},tun-type=tun,iff-no-pi,iff-up`, 'OPEN:/dev/null']);
      helpers.push(holder);
      await waitUntil(() => a.run('ip', ['-o', 'link', 'show']).includes(`${tun}:`), `the tun device ${tun}`);
      files.tagged = join(dir, 'tagged.pcap');
      files.sll = join(dir, 'sll.pcap');
      files.sll2 = join(dir, 'sll2.pcap');
      files.raw = join(dir, 'raw.pcap');
      const starts: [string, string[]][] = [
        [files.tagged, ['-i', devB]],
        [files.sll, ['-i', 'any', '-y', 'LINUX_SLL']],
        [files.sll2, ['-i', 'any', '-y', 'LINUX_SLL2']],
        [files.raw, ['-i', tun]],
      ];
      for (const [file, args] of starts) {
        const c = (file === files.tagged ? b : a).spawn('tcpdump', [...args, '--immediate-mode', '-U', '-n', '-w', file]);
        captures.push(c);
        await waitForStderr(c, 'listening on');
      }
      const listener = b.spawn('socat', ['-u', 'TCP-LISTEN:40090,reuseaddr,fork', 'OPEN:/dev/null']);
      helpers.push(listener);
      await waitForListener(b, 'tcp', 40090);
      for (const frame of taggedFrames()) a.run('socat', ['-u', 'STDIN', `INTERFACE:${devA}`], frame);
      a.run('ping', ['-c', '2', '-i', '0.2', pair.addrB]);
      a.run('socat', ['-u', 'STDIN', `TCP:${pair.addrB}:40090`], 'hello tcp\n');
      // Nothing answers behind the tun: the requests are what the capture needs, ping's failure is expected.
      try {
        a.run('ping', ['-c', '2', '-i', '0.2', '-W', '1', '10.80.0.2']);
      } catch {
        // no reply
      }
      a.run('socat', ['-u', 'STDIN', 'UDP-SENDTO:10.80.0.2:40053'], 'hello tun\n');
      // Each capture has what was sent through it once the last UDP datagram is in the file.
      await waitUntil(() => pcapFileFrames(files.raw!).length >= 3, 'the tun capture');
      await waitUntil(() => pcapFileFrames(files.tagged!).some((f) => Buffer.from(f).includes('last tagged')), 'the tagged capture');
      for (const file of [files.sll!, files.sll2!]) {
        await waitUntil(() => pcapFileFrames(file).filter((f) => Buffer.from(f).includes('hello tun')).length >= 1, `${file}`);
      }
    } catch (e) {
      // uvu reports a failing hook without its error.
      console.error(e);
      throw e;
    } finally {
      for (const h of helpers) if (h.exitCode === null) h.kill();
      for (const c of captures) {
        c.kill('SIGINT');
        await waitForExit(c);
      }
      pair.destroy();
    }
  });
  kernel.after(() => removeDir(dir));

  kernel('the captures hold what the tests claim', () => {
    const tagged = tcpdump(['-nn', '-e', '-r', files.tagged!]);
    for (const needle of ['vlan 100, p 3, ethertype IPv4', 'ethertype 802.1Q-QinQ (0x88a8)', 'vlan 20, p 0, ethertype ARP', 'ICMP echo request', 'Flags [S]', 'UDP, length']) {
      assert.ok(tagged.includes(needle), `tagged capture lacks "${needle}"`);
    }
    assert.ok(tcpdump(['-nn', '-e', '-r', files.sll!]).includes('Out '), 'cooked v1 capture');
    assert.ok(tcpdump(['-nn', '-e', '-r', files.sll2!]).includes('ifindex '), 'cooked v2 capture');
    assert.ok(tcpdump(['-nn', '-e', '-r', files.raw!]).includes('ip: 10.80.0.1 > 10.80.0.2: ICMP echo request'), 'raw IP capture');
  });

  for (const kind of ['tagged', 'sll', 'sll2', 'raw']) {
    kernel(`${kind}: text equals tcpdump's, JSON fields equal tshark's`, async () => {
      await sameTextAsTcpdump(files[kind]!, dir);
      assert.ok((await sameFieldsAsTshark(files[kind]!, dir)) > 50);
    });
  }

  kernel('the vlan filter selects what tcpdump selects', async () => {
    const counts: number[] = [];
    for (const filter of ['vlan', 'vlan 100', 'vlan 10', 'vlan and vlan 20', 'vlan 100 and icmp', 'vlan and vlan and tcp port 40080', 'not vlan', 'vlan 100 or vlan 20']) {
      counts.push(await sameSelectionAsTcpdump(files.tagged!, dir, filter));
    }
    // 9 tagged frames: 5 on VLAN 100 (priority 3, and the last one), 4 in QinQ (service 10, customer 20).
    assert.equal(counts.slice(0, 6), [9, 5, 4, 4, 1, 1], counts.join(' '));
  });

  kernel.run();
}
