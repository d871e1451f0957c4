// Small helpers the wire tests share: hex conversion and the smoltcp reference vectors.
import { readFileSync } from 'node:fs';

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  let s = '';
  for (let i = offset; i < offset + length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

export interface WireVector {
  source: string;
  test: string;
  layer: 'ethernet' | 'arp' | 'ipv4' | 'ipv6' | 'icmpv4' | 'udp' | 'tcp' | 'tcp_option';
  hex: string;
  expect?: 'error' | 'ok';
  pseudo_src?: string;
  pseudo_dst?: string;
  fields: Record<string, unknown>;
  derived_fields?: Record<string, unknown>;
  notes?: string;
}

/**
 * The 41 packets of smoltcp's wire-format unit tests with the field values those tests assert (facts
 * gathered from smoltcp's repository, 0BSD; fixtures/smoltcp-wire-vectors.json).
 */
export function loadWireVectors(): WireVector[] {
  const path = new URL('../fixtures/smoltcp-wire-vectors.json', import.meta.url);
  return JSON.parse(readFileSync(path, 'utf8')) as WireVector[];
}
