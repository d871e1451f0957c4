// A minimal classic-pcap reader for the tests (the library's streaming reader lives in src/pcap/; the wire
// tests keep their own so they do not depend on it). Reads both byte orders, micro and nanosecond.
import { readFileSync } from 'node:fs';

export interface PcapRecord {
  /** 1-based, as tshark numbers frames. */
  number: number;
  /** The captured bytes of the frame (a copy, owned by the record). */
  bytes: Uint8Array;
  /** Length on the wire; greater than bytes.length when the snapshot length cut the frame. */
  originalLength: number;
}

export function readPcap(path: string): { linkType: number; records: PcapRecord[] } {
  const file = readFileSync(path);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, false);
  let little: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) little = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) little = true;
  else throw new Error(`${path} is not a classic pcap file (magic 0x${magic.toString(16)})`);
  const linkType = view.getUint32(20, little) & 0x0fff_ffff;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const captured = view.getUint32(at + 8, little);
    const originalLength = view.getUint32(at + 12, little);
    at += 16;
    if (at + captured > file.length) throw new Error(`${path}: record ${records.length + 1} is truncated`);
    records.push({ number: records.length + 1, bytes: new Uint8Array(file.subarray(at, at + captured)), originalLength });
    at += captured;
  }
  return { linkType, records };
}

/** Writes Ethernet frames as a classic pcap file (microseconds, little endian), for tshark to decode. */
export function pcapBytes(frames: Uint8Array[]): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true);
  view.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  let at = 24;
  frames.forEach((frame, i) => {
    view.setUint32(at, 1_700_000_000 + i, true);
    view.setUint32(at + 8, frame.length, true);
    view.setUint32(at + 12, frame.length, true);
    out.set(frame, at + 16);
    at += 16 + frame.length;
  });
  return out;
}
