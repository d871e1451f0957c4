// --json: every field of every layer we print equals what tshark -T json reports for the same packet (checksum
// validation on, absolute sequence numbers, no IP reassembly), on crafted malformed frames and kernel captures.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { needs, suiteNeeding } from '../helpers/needs.js';
import { KERNEL_CAPTURE_NEEDS, makeKernelCapture } from './captures.js';
import { craftedFrames, ethernet, ipv4, tcp, writePcap } from './craft.js';
import { framesOf, makeMalformedCapture } from './fuzz-capture.js';
import { assertRareMismatches, removeDir, runDump, tempDir } from './helpers.js';
import { compareJsonPacket, tsharkPackets } from './tshark.js';
import { join } from 'node:path';

process.env.TZ = 'UTC';

async function compareWithTshark(file: string, dir: string, rareMismatches = false): Promise<{ packets: number; layers: Record<string, number> }> {
  const theirs = tsharkPackets(file);
  const run = await runDump(['--json', '-r', file], dir);
  assert.is(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.is(lines.length, theirs.length, 'one JSON line per packet');
  const problems: string[] = [];
  const differing: string[] = [];
  const layers: Record<string, number> = {};
  lines.forEach((line, i) => {
    const ours = JSON.parse(line) as Record<string, unknown>;
    for (const key of Object.keys(ours)) layers[key] = (layers[key] ?? 0) + 1;
    const found = compareJsonPacket(ours, theirs[i]!);
    if (found.length > 0) differing.push(`packet ${i + 1}: ${found.join('; ')}\n  ${line}`);
    for (const p of found) if (problems.length < 200) problems.push(`packet ${i + 1}: ${p}\n  ${line}`);
  });
  if (rareMismatches) assertRareMismatches(differing, lines.length, 'JSON against tshark');
  else assert.equal(problems, [], problems.join('\n'));
  return { packets: lines.length, layers };
}

const crafted = suite('dump --json vs tshark on crafted frames');
let dir = '';
crafted.before(() => {
  dir = tempDir('dump-json');
});
crafted.after(() => removeDir(dir));

crafted('well-formed and malformed frames: every printed field equals tshark', async () => {
  if (!needs('dump --json vs tshark on crafted frames', ['tshark'])) return;
  const file = makeMalformedCapture(dir);
  const { packets, layers } = await compareWithTshark(file, dir);
  assert.ok(packets > 7000);
  // Each layer and the error path are exercised many times, not just present.
  for (const layer of ['eth', 'arp', 'ipv4', 'icmp', 'udp', 'tcp', 'error']) assert.ok((layers[layer] ?? 0) > 50, `${layer}: ${layers[layer]}`);
});

crafted('the schema of one TCP SYN, field by field', async () => {
  const syn = ethernet(0x0800, ipv4({ protocol: 6 }, tcp({ flags: 0x02, seq: 4000000000, options: [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7] })));
  const file = writePcap(join(dir, 'syn.pcap'), [{ data: syn, seconds: 1700000000, micros: 123456 }]);
  const run = await runDump(['--json', '-r', file], dir);
  assert.is(
    run.stdout,
    '{"n":1,"ts":1700000000.123456,"caplen":74,"len":74,' +
      '"eth":{"src":"02:00:00:00:00:01","dst":"02:00:00:00:00:02","type":2048},' +
      '"ipv4":{"src":"10.0.0.1","dst":"10.0.0.2","ihl":20,"tos":0,"len":60,"id":4660,"df":true,"mf":false,"frag":0,"ttl":64,"proto":6,"checksum":' +
      ((syn[24]! << 8) | syn[25]!) + ',"checksum_ok":true},' +
      '"tcp":{"sport":40000,"dport":40080,"seq":4000000000,"ack":0,"hlen":40,"flags":"S","win":64240,"urg":0,"checksum_ok":true,' +
      '"mss":1460,"sack_perm":true,"tsval":1,"tsecr":0,"wscale":7,"payload":0}}\n',
  );
});

crafted('a malformed layer keeps the fields tshark shows and names the damage in "error"', async () => {
  const badOffset = ethernet(0x0800, ipv4({ protocol: 6 }, tcp({ flags: 0x02, dataOffset: 1 })));
  const badOption = ethernet(0x0800, ipv4({ protocol: 6 }, tcp({ flags: 0x10, options: [2, 4, 5, 0xb4, 5, 14, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 3, 0] })));
  const file = writePcap(join(dir, 'bad.pcap'), [{ data: badOffset }, { data: badOption }]);
  const [first, second] = (await runDump(['--json', '-r', file], dir)).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  // tshark stops at a header length under 20 after the ports, sequence number and header length.
  assert.equal(first!.tcp, { sport: 40000, dport: 40080, seq: 1000, hlen: 4, payload: 16 });
  assert.is(first!.error, 'tcp: header length 4 shorter than 20');
  // The fixed header and the options before the bad one stay; a SACK of 14 bytes holds one block and a left edge.
  assert.is(second!.tcp.mss, 1460);
  assert.equal(second!.tcp.sack, [[1, 2], [3]]);
  assert.is(second!.error, 'tcp: option 3 has length 0, below 2');
});

crafted.run();

const kernel = suiteNeeding('dump --json vs tshark on kernel captures', [...KERNEL_CAPTURE_NEEDS, 'tshark']);
if (kernel) {
  let kdir = '';
  kernel.before(() => {
    kdir = tempDir('dump-json-kernel');
  });
  kernel.after(() => removeDir(kdir));
  kernel('kernel traffic and its mutations: every printed field equals tshark', async () => {
    const file = await makeKernelCapture(kdir);
    const { layers } = await compareWithTshark(file, kdir);
    for (const layer of ['arp', 'icmp', 'udp', 'tcp']) assert.ok((layers[layer] ?? 0) > 0, layer);
    const mutated = makeMalformedCapture(kdir, framesOf(file));
    await compareWithTshark(mutated, kdir, true);
  });
  kernel.run();
}
