// In-process timing of the text printer and the JSON writer of one source tree, on CPU time, for before/after
// comparisons on a shared machine (bench/README.md, dump):
//   node --import tsx bench/dump/inprocess.ts TREE CAPTURE.pcap
// TREE is a checkout of this repository (its src/format, or src/wire/format.ts before the printer moved);
// CAPTURE a classic little-endian pcap file of Ethernet frames, e.g. from writeBenchCapture (capture.ts).
// Run it alternately on the two trees, a fresh process each time, and compare the best rounds.
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [treeArg, capture] = process.argv.slice(2);
if (treeArg === undefined || capture === undefined) {
  console.error('usage: node --import tsx bench/dump/inprocess.ts TREE CAPTURE.pcap');
  process.exit(2);
}
const tree = resolve(treeArg);
const printer = existsSync(join(tree, 'src/format/index.ts')) ? 'src/format/index.ts' : 'src/wire/format.ts';
const { FrameFormatter } = await import(join(tree, printer));
const { JsonPrinter } = await import(join(tree, 'src/dump/json.ts'));
const { BlockWriter } = await import(join(tree, 'src/dump/output.ts'));

const file = readFileSync(capture);
const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const offsets: number[] = [];
const caplens: number[] = [];
const lens: number[] = [];
for (let at = 24; at + 16 <= bytes.length; ) {
  const caplen = view.getUint32(at + 8, true);
  offsets.push(at + 16);
  caplens.push(caplen);
  lens.push(view.getUint32(at + 12, true));
  at += 16 + caplen;
}
const n = offsets.length;
const writer = new BlockWriter(openSync('/dev/null', 'w'));
const json = new JsonPrinter();

function cpuNanosPerPacket(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}

function textRound(): number {
  const formatter = new FrameFormatter({ relativeSequence: true });
  let characters = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) characters += formatter.format(bytes, offsets[i]!, caplens[i]!, lens[i]!).length;
  const result = cpuNanosPerPacket(start);
  if (characters === 0) throw new Error('no text');
  return result;
}

function jsonRound(): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) json.write(writer, i + 1, 1000, i * 10_000, 6, 1, bytes, offsets[i]!, caplens[i]!, lens[i]!);
  writer.flush();
  return cpuNanosPerPacket(start);
}

const text: number[] = [];
const lines: number[] = [];
for (let round = 0; round < 7; round++) {
  text.push(textRound());
  lines.push(jsonRound());
}
text.sort((a, b) => a - b);
lines.sort((a, b) => a - b);
console.log(
  `${tree}: ${n} packets, text best ${text[0]!.toFixed(0)} ns/packet (median ${text[3]!.toFixed(0)}), ` +
    `json best ${lines[0]!.toFixed(0)} ns/packet (median ${lines[3]!.toFixed(0)})`,
);
