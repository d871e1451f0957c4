// Helpers for the capture-file tests: what tcpdump and tshark say a file holds, and builders for
// hand-made classic pcap and pcapng files (any byte order, any timestamp resolution).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapReader } from '../../src/pcap/reader.js';

export interface SeenFrame {
  /** "seconds.fraction" as the tool prints it. */
  time: string;
  /** Captured bytes as lowercase hex. */
  hex: string;
}

/** `tcpdump -r FILE -xx -tt`: one entry per packet, with every captured byte. */
export function tcpdumpFrames(file: string, nano = false): SeenFrame[] {
  const args = ['-r', file, '-nn', '-tt', '-xx'];
  if (nano) args.push('--time-stamp-precision=nano');
  const out = execFileSync('tcpdump', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const frames: SeenFrame[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (/^\s/.test(line)) {
      const m = /^\s+0x[0-9a-f]+:\s+(.*)$/.exec(line);
      if (m) frames[frames.length - 1].hex += m[1].replace(/\s+/g, '');
    } else {
      frames.push({ time: line.slice(0, line.indexOf(' ')), hex: '' });
    }
  }
  return frames;
}

export interface TsharkFrame {
  epoch: string;
  length: number;
  capturedLength: number;
}

/** `tshark -r FILE` fields: epoch time (nanosecond digits), original and captured length. */
export function tsharkFrames(file: string): TsharkFrame[] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [epoch, len, cap] = l.split('\t');
      return { epoch, length: Number(len), capturedLength: Number(cap) };
    });
}

export interface ReadFrame {
  number: number;
  interfaceId: number;
  linkType: number;
  tsSeconds: number;
  tsNanos: number;
  tsPrecision: number;
  originalLength: number;
  hex: string;
}

export interface ReadResult {
  frames: ReadFrame[];
  error: string | null;
  format: string | null;
}

export function toHex(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('hex');
}

/** Reads a whole capture with our reader (tests only: copies every frame out). */
export function readAll(reader: PcapReader): ReadResult {
  const frames: ReadFrame[] = [];
  while (reader.next()) {
    const r = reader.record;
    frames.push({
      number: r.number,
      interfaceId: r.interfaceId,
      linkType: r.linkType,
      tsSeconds: r.tsSeconds,
      tsNanos: r.tsNanos,
      tsPrecision: r.tsPrecision,
      originalLength: r.originalLength,
      hex: toHex(r.bytes, r.offset, r.length),
    });
  }
  const result = { frames, error: reader.error, format: reader.format };
  reader.close();
  return result;
}

export function readFile(path: string, bufferSize?: number): ReadResult {
  return readAll(PcapReader.open(path, { bufferSize }));
}

/** "seconds.micro" or "seconds.nano" as tcpdump -tt prints it. */
export function formatTime(f: ReadFrame, digits: number): string {
  const frac = digits === 6 ? Math.floor(f.tsNanos / 1000) : f.tsNanos;
  return `${f.tsSeconds}.${String(frac).padStart(digits, '0')}`;
}

export function tempDir(prefix: string): { dir: string; path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `smolt-${prefix}-`));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A little byte builder with a chosen byte order. */
export class Bytes {
  private parts: number[] = [];
  constructor(private readonly littleEndian = true) {}
  u8(...v: number[]): this {
    this.parts.push(...v);
    return this;
  }
  u16(v: number): this {
    return this.littleEndian ? this.u8(v & 0xff, v >>> 8) : this.u8(v >>> 8, v & 0xff);
  }
  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    return this.littleEndian ? this.u8(...b.reverse()) : this.u8(...b);
  }
  bytes(b: Uint8Array | number[]): this {
    return this.u8(...b);
  }
  pad4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface ClassicRecord {
  seconds: number;
  fraction: number;
  data: Uint8Array;
  originalLength?: number;
}

/** A classic pcap file in either byte order, micro- or nanosecond magic. */
export function classicPcap(records: ClassicRecord[], opts: { littleEndian?: boolean; nanos?: boolean; linkType?: number } = {}): Uint8Array {
  const b = new Bytes(opts.littleEndian ?? true);
  b.u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(65535).u32(opts.linkType ?? 1);
  for (const r of records) {
    b.u32(r.seconds).u32(r.fraction).u32(r.data.length).u32(r.originalLength ?? r.data.length).bytes(r.data);
  }
  return b.build();
}

/** One pcapng block: type, length, body padded to 32 bits, length again. */
export function pcapngBlock(type: number, body: Uint8Array, littleEndian = true): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const b = new Bytes(littleEndian).u32(type).u32(total).bytes(body);
  while (b.length < 8 + padded) b.u8(0);
  return b.u32(total).build();
}

export function sectionHeader(littleEndian = true): Uint8Array {
  const body = new Bytes(littleEndian).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).build();
  return pcapngBlock(0x0a0d0d0a, body, littleEndian);
}

export function interfaceDescription(
  linkType: number,
  opts: { littleEndian?: boolean; tsresol?: number; tsoffset?: number; snapLength?: number } = {},
): Uint8Array {
  const le = opts.littleEndian ?? true;
  const b = new Bytes(le).u16(linkType).u16(0).u32(opts.snapLength ?? 0);
  // An option we do not interpret first (if_name), to show options are walked correctly.
  b.u16(2).u16(5).bytes([...Buffer.from('veth0')]).pad4();
  if (opts.tsresol !== undefined) b.u16(9).u16(1).u8(opts.tsresol).pad4();
  if (opts.tsoffset !== undefined) {
    b.u16(14).u16(8);
    const hi = Math.floor(opts.tsoffset / 2 ** 32);
    const lo = opts.tsoffset >>> 0;
    if (le) b.u32(lo).u32(hi);
    else b.u32(hi).u32(lo);
  }
  b.u16(0).u16(0);
  return pcapngBlock(1, b.build(), le);
}

export function enhancedPacket(
  interfaceId: number,
  timestamp: bigint,
  data: Uint8Array,
  opts: { littleEndian?: boolean; originalLength?: number } = {},
): Uint8Array {
  const le = opts.littleEndian ?? true;
  const b = new Bytes(le)
    .u32(interfaceId)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(data.length)
    .u32(opts.originalLength ?? data.length)
    .bytes(data)
    .pad4();
  return pcapngBlock(6, b.build(), le);
}

export function simplePacket(data: Uint8Array, originalLength = data.length, littleEndian = true): Uint8Array {
  return pcapngBlock(3, new Bytes(littleEndian).u32(originalLength).bytes(data).pad4().build(), littleEndian);
}

export function obsoletePacket(interfaceId: number, timestamp: bigint, data: Uint8Array, littleEndian = true): Uint8Array {
  const b = new Bytes(littleEndian)
    .u16(interfaceId)
    .u16(0)
    .u32(Number(timestamp >> 32n))
    .u32(Number(timestamp & 0xffffffffn))
    .u32(data.length)
    .u32(data.length)
    .bytes(data)
    .pad4();
  return pcapngBlock(2, b.build(), littleEndian);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** A frame of `length` bytes whose content depends on `seed`. */
export function frame(length: number, seed: number): Uint8Array {
  const f = new Uint8Array(length);
  for (let i = 0; i < length; i++) f[i] = (seed * 31 + i * 7) & 0xff;
  return f;
}
