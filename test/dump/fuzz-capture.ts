// A capture of malformed frames for comparing our text with tcpdump's: every crafted frame cut at every
// length (as a short snapshot and as a short frame), header-length fields set to every value, and seeded
// random byte corruptions of the headers.
import { join } from 'node:path';
import { PcapReader } from '../../src/pcap/reader.js';
import { craftedFrames, prng, writePcap, type CraftedRecord } from './craft.js';

/** The frames of a capture file (Ethernet), copied out of the reader's buffer. */
export function framesOf(path: string): Uint8Array[] {
  const reader = PcapReader.open(path);
  const frames: Uint8Array[] = [];
  while (reader.next()) {
    const r = reader.record;
    frames.push(r.bytes.slice(r.offset, r.offset + r.length));
  }
  reader.close();
  if (reader.error) throw new Error(reader.error);
  return frames;
}

export function malformedRecords(seeds: Uint8Array[], seed = 1): CraftedRecord[] {
  const random = prng(seed);
  const records: CraftedRecord[] = [];
  for (const frame of seeds) {
    records.push({ data: frame });
    const limit = Math.min(frame.length, 96);
    for (let cut = 0; cut < limit; cut++) {
      // A snapshot shorter than the frame, and a frame that really is that short.
      records.push({ data: frame.slice(0, cut), origLen: frame.length });
      if (cut >= 14 && cut % 3 === 0) records.push({ data: frame.slice(0, cut) });
    }
    const etherType = (frame[12]! << 8) | frame[13]!;
    if (etherType === 0x0800 && frame.length >= 34) {
      for (let ihl = 0; ihl < 16; ihl++) {
        const copy = frame.slice();
        copy[14] = (copy[14]! & 0xf0) | ihl;
        records.push({ data: copy });
      }
      const headerLength = (frame[14]! & 15) * 4;
      const transport = 14 + headerLength;
      if (frame[23] === 6 && frame.length >= transport + 20) {
        for (let offset = 0; offset < 16; offset++) {
          const copy = frame.slice();
          copy[transport + 12] = (offset << 4) | (copy[transport + 12]! & 15);
          records.push({ data: copy });
        }
      }
      for (const version of [0, 6, 5]) {
        const copy = frame.slice();
        copy[14] = (version << 4) | (copy[14]! & 15);
        records.push({ data: copy });
      }
    }
    for (let i = 0; i < 12; i++) {
      const copy = frame.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        const at = 12 + Math.floor(random() * Math.min(copy.length - 12, 70));
        copy[at] = Math.floor(random() * 256);
      }
      records.push({ data: copy });
    }
  }
  return records;
}

/** Writes `<dir>/malformed.pcap` from the crafted frames plus `extra` (e.g. a kernel capture's frames). */
export function makeMalformedCapture(dir: string, extra: Uint8Array[] = []): string {
  return writePcap(join(dir, 'malformed.pcap'), malformedRecords([...craftedFrames(), ...extra]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? '/tmp';
  const extra = process.argv[3] ? framesOf(process.argv[3]) : [];
  console.log(makeMalformedCapture(dir, extra));
}
