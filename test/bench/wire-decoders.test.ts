// The wire benchmark compares equal work only if its three decoders read the same fields and
// verify the same checksums: check that they agree on every field of every corpus frame, that the
// corpus is what it claims (tshark accepts every checksum), and that a corrupted frame is caught.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/needs.js';
import { buildCorpus, type Corpus, FrameClass } from '../../bench/wire/corpus.js';
import { DecodedFrame, DecodeStatus, meaningfulFields } from '../../bench/wire/decoded-frame.js';
import { decodeWithDataView } from '../../bench/wire/dataview-decoder.js';
import { decodeWithKaitai, type KaitaiParsers, loadKaitai } from '../../bench/wire/kaitai-decoder.js';
import { decodeWithViews } from '../../bench/wire/smoltcp-decoder.js';

const test = suite('bench wire decoders');
const corpus = buildCorpus();
let kaitai: KaitaiParsers;

test.before(async () => {
  kaitai = await loadKaitai();
});

function decodeAll(c: Corpus, i: number): { name: string; status: number; out: DecodedFrame }[] {
  const results = [];
  for (const [name, decode] of [
    ['DataView', (out: DecodedFrame) => decodeWithDataView(c.view, c.offsets[i]!, c.lengths[i]!, out)],
    ['views', (out: DecodedFrame) => decodeWithViews(c.bytes, c.offsets[i]!, c.lengths[i]!, out)],
    ['Kaitai', (out: DecodedFrame) => decodeWithKaitai(kaitai, c.bytes, c.offsets[i]!, c.lengths[i]!, out)],
  ] as const) {
    const out = new DecodedFrame();
    results.push({ name, status: decode(out), out });
  }
  return results;
}

test('the corpus mixes every traffic class and the option layouts the decoders must walk', () => {
  assert.is(corpus.count, 4096);
  const seen = new Set<number>(corpus.classes);
  for (let cls = FrameClass.TcpSyn; cls <= FrameClass.IcmpEcho; cls++) assert.ok(seen.has(cls), `class ${FrameClass[cls]} missing`);
  let ipOptions = 0;
  let threeSackBlocks = 0;
  let endOfList = 0;
  let udpWithoutChecksum = 0;
  let highAddresses = 0;
  for (let i = 0; i < corpus.count; i++) {
    const out = new DecodedFrame();
    decodeWithDataView(corpus.view, corpus.offsets[i]!, corpus.lengths[i]!, out);
    if (out.ipOptionsLength > 0) ipOptions++;
    if (out.ipProtocol === 6 && out.tcpSackBlocks === 3) threeSackBlocks++;
    // An MSS-only SYN-ACK padded with End of Option List: one option in an 8-byte option area.
    if (out.ipProtocol === 6 && out.tcpOptionCount === 1 && out.tcpHeaderLength === 28) endOfList++;
    if (out.ipProtocol === 17 && out.l4Checksum === 0) udpWithoutChecksum++;
    if (out.ipSrc >= 0x80000000) highAddresses++;
  }
  assert.ok(ipOptions > 0 && threeSackBlocks > 0 && endOfList > 0 && udpWithoutChecksum > 0 && highAddresses > 0,
    `ip options ${ipOptions}, 3 SACK blocks ${threeSackBlocks}, EOL ${endOfList}, UDP without checksum ${udpWithoutChecksum}`);
});

test('the three decoders accept every frame, verify its checksums and agree on every field', () => {
  for (let i = 0; i < corpus.count; i++) {
    const [reference, ...others] = decodeAll(corpus, i);
    assert.is(reference!.status, DecodeStatus.Ok, `DataView rejected frame ${i}`);
    assert.is(reference!.out.ipChecksumOk, 1, `frame ${i} IPv4 checksum`);
    assert.is(reference!.out.l4ChecksumOk, 1, `frame ${i} transport checksum`);
    const expected = meaningfulFields(reference!.out);
    for (const other of others) {
      assert.is(other.status, DecodeStatus.Ok, `${other.name} rejected frame ${i}`);
      assert.equal(meaningfulFields(other.out), expected, `${other.name} differs from DataView on frame ${i}`);
    }
  }
});

test('a corrupted payload byte fails the transport checksum in all three decoders', () => {
  const bytes = corpus.bytes.slice();
  const copy: Corpus = { ...corpus, bytes, view: new DataView(bytes.buffer) };
  for (const cls of [FrameClass.TcpDataSmall, FrameClass.UdpDns, FrameClass.IcmpEcho]) {
    const i = corpus.classes.indexOf(cls);
    const probe = new DecodedFrame();
    decodeWithDataView(copy.view, copy.offsets[i]!, copy.lengths[i]!, probe);
    bytes[probe.payloadOffset] ^= 0x40;
    for (const result of decodeAll(copy, i)) {
      assert.is(result.out.ipChecksumOk, 1, `${result.name} IPv4 checksum, class ${FrameClass[cls]}`);
      assert.is(result.out.l4ChecksumOk, 0, `${result.name} missed the corruption, class ${FrameClass[cls]}`);
    }
  }
});

test('tshark finds every checksum of the corpus correct', () => {
  if (!needs('bench/wire-decoders vs tshark', ['tshark'])) return;
  // Classic pcap (LINKTYPE_ETHERNET) of the first 512 frames.
  const count = 512;
  let size = 24;
  for (let i = 0; i < count; i++) size += 16 + corpus.lengths[i]!;
  const file = new Uint8Array(size);
  const view = new DataView(file.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true);
  view.setUint32(20, 1, true);
  let at = 24;
  for (let i = 0; i < count; i++) {
    const length = corpus.lengths[i]!;
    view.setUint32(at, i, true);
    view.setUint32(at + 8, length, true);
    view.setUint32(at + 12, length, true);
    file.set(corpus.bytes.subarray(corpus.offsets[i]!, corpus.offsets[i]! + length), at + 16);
    at += 16 + length;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-wire-test-'));
  try {
    const path = join(dir, 'corpus.pcap');
    writeFileSync(path, file);
    const result = spawnSync('tshark', [
      '-n', '-r', path,
      '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
      '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'udp.checksum.status',
      '-e', 'icmp.checksum.status',
    ], { encoding: 'utf8' });
    assert.is(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.is(lines.length, count);
    // Wireshark's checksum status: 1 is good, 3 is "not present" (UDP checksum 0, RFC 768).
    for (let i = 0; i < count; i++) {
      const [ipStatus, tcpStatus, udpStatus, icmpStatus] = lines[i]!.split('\t');
      assert.is(ipStatus, '1', `frame ${i}: IPv4 checksum status: ${lines[i]}`);
      const transport = tcpStatus || udpStatus || icmpStatus;
      assert.ok(transport === '1' || (udpStatus === '3' && corpus.classes[i] === FrameClass.UdpDns),
        `frame ${i}: transport checksum status: ${lines[i]}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
