// A realistic capture for the dump benchmark, generated quickly: a few hundred TCP conversations (handshake
// with options, data segments with timestamps, ACKs with SACK, FIN), UDP datagrams, pings and ARP, built as
// one block of records and written many times with large writes; timestamps move on by 10 us a packet.
import { closeSync, openSync, writeSync } from 'node:fs';
import { checksumFold, checksumSum, pseudoHeaderSum } from '../../src/wire/checksum.js';

const BLOCK_PACKETS = 10_000;

function frame(length: number): Buffer {
  return Buffer.alloc(length);
}

function ethernet(b: Buffer, etherType: number, host: number): void {
  b.set([0x02, 0, 0, 0, 0, 0x02], 0);
  b.set([0x02, 0, 0, 0, (host >> 8) & 255, host & 255], 6);
  b.writeUInt16BE(etherType, 12);
}

function ipv4(b: Buffer, protocol: number, src: number, dst: number, id: number): void {
  const total = b.length - 14;
  b[14] = 0x45;
  b.writeUInt16BE(total, 16);
  b.writeUInt16BE(id & 0xffff, 18);
  b.writeUInt16BE(0x4000, 20);
  b[22] = 64;
  b[23] = protocol;
  b.writeUInt32BE(src >>> 0, 26);
  b.writeUInt32BE(dst >>> 0, 30);
  b.writeUInt16BE(checksumFold(checksumSum(b, 14, 20)), 24);
}

function transportChecksum(b: Buffer, protocol: number, at: number, field: number): void {
  const length = b.length - at;
  const src = b.readUInt32BE(26);
  const dst = b.readUInt32BE(30);
  b.writeUInt16BE(0, at + field);
  b.writeUInt16BE(checksumFold(checksumSum(b, at, length, pseudoHeaderSum(src, dst, protocol, length))), at + field);
}

interface CaptureRecord {
  data: Buffer;
}

/** One block of records: TCP conversations dominate, as on most links. */
function makeBlock(): CaptureRecord[] {
  const records: CaptureRecord[] = [];
  let id = 1;
  const client = 0x0a000001;
  const server = 0x0a000102;
  for (let conversation = 0; records.length < BLOCK_PACKETS; conversation++) {
    const clientPort = 40000 + (conversation % 2000);
    const serverPort = 40080;
    const host = conversation % 250;
    const tcpFrame = (toServer: boolean, flags: number, seq: number, ack: number, options: number[], payload: number): CaptureRecord => {
      const headerLength = 20 + options.length;
      const b = frame(14 + 20 + headerLength + payload);
      ethernet(b, 0x0800, host);
      ipv4(b, 6, toServer ? client + host : server, toServer ? server : client + host, id++);
      const t = 34;
      b.writeUInt16BE(toServer ? clientPort : serverPort, t);
      b.writeUInt16BE(toServer ? serverPort : clientPort, t + 2);
      b.writeUInt32BE(seq >>> 0, t + 4);
      b.writeUInt32BE(ack >>> 0, t + 8);
      b[t + 12] = (headerLength / 4) << 4;
      b[t + 13] = flags;
      b.writeUInt16BE(502, t + 14);
      b.set(options, t + 20);
      for (let i = 0; i < payload; i++) b[t + headerLength + i] = 32 + (i % 95);
      transportChecksum(b, 6, t, 16);
      return { data: b };
    };
    const isn = (conversation * 2654435761) >>> 0;
    const serverIsn = (isn ^ 0x5a5a5a5a) >>> 0;
    const ts = [8, 10, 0, 1, 0x86, 0xa0, 0, 0, 0x75, 0x30];
    records.push(tcpFrame(true, 0x02, isn, 0, [2, 4, 5, 0xb4, 4, 2, ...ts, 1, 3, 3, 7], 0));
    records.push(tcpFrame(false, 0x12, serverIsn, isn + 1, [2, 4, 5, 0xb4, 4, 2, ...ts, 1, 3, 3, 7], 0));
    records.push(tcpFrame(true, 0x10, isn + 1, serverIsn + 1, [1, 1, ...ts], 0));
    let sent = 1;
    for (let segment = 0; segment < 12; segment++) {
      const size = segment % 3 === 0 ? 1448 : 512;
      records.push(tcpFrame(true, 0x18, isn + sent, serverIsn + 1, [1, 1, ...ts], size));
      sent += size;
      if (segment % 2 === 1) {
        const sack = segment === 5 ? [1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2] : [];
        records.push(tcpFrame(false, 0x10, serverIsn + 1, isn + sent, [1, 1, ...ts, ...sack], 0));
      }
    }
    records.push(tcpFrame(true, 0x11, isn + sent, serverIsn + 1, [1, 1, ...ts], 0));
    records.push(tcpFrame(false, 0x11, serverIsn + 1, isn + sent + 1, [1, 1, ...ts], 0));
    records.push(tcpFrame(true, 0x10, isn + sent + 1, serverIsn + 2, [1, 1, ...ts], 0));
    // Beside each conversation: a DNS-sized UDP exchange (on ports tcpdump does not dissect), a ping, an ARP.
    const udp = frame(14 + 20 + 8 + 60);
    ethernet(udp, 0x0800, host);
    ipv4(udp, 17, client + host, server, id++);
    udp.writeUInt16BE(50000 + host, 34);
    udp.writeUInt16BE(40053, 36);
    udp.writeUInt16BE(68, 38);
    transportChecksum(udp, 17, 34, 6);
    records.push({ data: udp });
    if (conversation % 2 === 0) {
      const ping = frame(98);
      ethernet(ping, 0x0800, host);
      ipv4(ping, 1, client + host, server, id++);
      ping[34] = 8;
      ping.writeUInt16BE(conversation & 0xffff, 38);
      ping.writeUInt16BE(1, 40);
      ping.writeUInt16BE(checksumFold(checksumSum(ping, 34, 64)), 36);
      records.push({ data: ping });
    }
    if (conversation % 8 === 0) {
      const arp = frame(42);
      ethernet(arp, 0x0806, host);
      arp.set([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, host & 255], 14);
      arp.writeUInt32BE((client + host) >>> 0, 28);
      arp.writeUInt32BE(server, 38);
      records.push({ data: arp });
    }
  }
  return records.slice(0, BLOCK_PACKETS);
}

/**
 * Writes a classic pcap of at least `packets` packets to `path` (in whole blocks of 10 000) and returns the
 * number written. Each copy of the block is one large write.
 */
export function writeBenchCapture(path: string, packets: number): number {
  const block = makeBlock();
  const size = block.reduce((n, r) => n + 16 + r.data.length, 0);
  const buffer = Buffer.alloc(size);
  const fd = openSync(path, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  let written = 0;
  const start = 1_700_000_000;
  for (let copy = 0; written < packets; copy++) {
    let at = 0;
    for (let i = 0; i < block.length; i++) {
      const r = block[i]!;
      // 100 packets per millisecond of capture time.
      const micros = (copy * block.length + i) * 10;
      buffer.writeUInt32LE(start + Math.floor(micros / 1_000_000), at);
      buffer.writeUInt32LE(micros % 1_000_000, at + 4);
      buffer.writeUInt32LE(r.data.length, at + 8);
      buffer.writeUInt32LE(r.data.length, at + 12);
      r.data.copy(buffer, at + 16);
      at += 16 + r.data.length;
    }
    writeSync(fd, buffer, 0, at);
    written += block.length;
  }
  closeSync(fd);
  return written;
}

/** The first `packets` records of a capture, copied to `path` (for the slow reference decoders). */
export function writePrefix(source: Buffer, path: string, packets: number): void {
  let at = 24;
  for (let i = 0; i < packets && at + 16 <= source.length; i++) at += 16 + source.readUInt32LE(at + 8);
  const fd = openSync(path, 'w');
  writeSync(fd, source, 0, at);
  closeSync(fd);
}
