// Part of `npm run build` (scripts/build.js runs it with the Node flags of bin/smoltcp-dump.js): writes the V8
// code cache of dist/bin/smoltcp-dump.cjs that the bin compiles the bundle from (bin/load-built.js). The cache
// holds the bytecode of every function compiled when it is made, so it is made after the runs users start most:
// text, --json and -v over a small capture of the kinds of packets most captures are made of (TCP with its
// options, UDP, DNS, ICMP, ARP, IPv6). A function it lacks is compiled when first called, as without a cache.
'use strict';
const { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadBundle } = require('../bin/load-built.js');

/** The Internet checksum of `bytes[at, at + length)`, starting from `sum`. */
function checksum(bytes, at, length, sum = 0) {
  for (let i = 0; i < length; i += 2) sum += (bytes[at + i] << 8) | (i + 1 < length ? bytes[at + i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An Ethernet frame of `etherType` carrying `payload`. */
function ethernet(etherType, payload) {
  return Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, etherType >> 8, etherType & 255]), payload]);
}

/** An IPv4 packet 10.0.0.1 > 10.0.1.2 of `protocol` carrying `payload`, its transport checksum filled in. */
function ipv4(protocol, payload, checksumField) {
  const b = Buffer.alloc(20 + payload.length);
  b.set([0x45, 0, (b.length >> 8) & 255, b.length & 255, 0, 1, 0x40, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 1, 2]);
  payload.copy(b, 20);
  b.writeUInt16BE(checksum(b, 0, 20), 10);
  if (checksumField !== undefined) {
    const pseudo = checksum(Buffer.from([10, 0, 0, 1, 10, 0, 1, 2, 0, protocol, payload.length >> 8, payload.length & 255]), 0, 12);
    b.writeUInt16BE(checksum(b, 20, payload.length, ~pseudo & 0xffff), 20 + checksumField);
  }
  return b;
}

function tcp(flags, options, payloadLength) {
  const header = 20 + options.length;
  const b = Buffer.alloc(header + payloadLength, 0x61);
  b.fill(0, 0, header);
  b.set([0x9c, 0x40, 0x9c, 0x90, 0, 0, 1, 0, 0, 0, 2, 0, (header / 4) << 4, flags, 1, 0xf6]);
  b.set(options, 20);
  return ipv4(6, b, 16);
}

const TIMESTAMPS = [1, 1, 8, 10, 0, 1, 0x86, 0xa0, 0, 0, 0x75, 0x30];
const frames = [
  ethernet(0x0800, tcp(0x02, [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 1, 0x86, 0xa0, 0, 0, 0, 0, 1, 3, 3, 7], 0)),
  ethernet(0x0800, tcp(0x18, TIMESTAMPS, 100)),
  ethernet(0x0800, tcp(0x10, [...TIMESTAMPS, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2], 0)),
  ethernet(0x0800, tcp(0x11, TIMESTAMPS, 0)),
  // UDP on a port no printer claims, then a DNS query for example.com's A record.
  ethernet(0x0800, ipv4(17, Buffer.from([0xc3, 0x50, 0x9c, 0x55, 0, 16, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]), 6)),
  ethernet(0x0800, ipv4(17, Buffer.from([0xc3, 0x51, 0, 53, 0, 37, 0, 0, 0x30, 0x39, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    7, ...Buffer.from('example'), 3, ...Buffer.from('com'), 0, 0, 1, 0, 1]), 6)),
  ethernet(0x0800, ipv4(1, (() => {
    const icmp = Buffer.alloc(64);
    icmp.set([8, 0, 0, 0, 0, 1, 0, 1]);
    icmp.writeUInt16BE(checksum(icmp, 0, 64), 2);
    return icmp;
  })())),
  ethernet(0x0806, Buffer.from([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 1, 2])),
  // IPv6: UDP from fe80::1 to ff02::fb (the checksum left out: the printers' paths are what counts here).
  ethernet(0x86dd, Buffer.from([0x60, 0, 0, 0, 0, 12, 17, 255, 0xfe, 0x80, ...Array(13).fill(0), 1, 0xff, 2, ...Array(13).fill(0), 0xfb,
    0x14, 0xe9, 0x14, 0xe9, 0, 12, 0, 0, 1, 2, 3, 4])),
];

const dir = mkdtempSync(join(tmpdir(), 'smoltcp-code-cache-'));
const capture = join(dir, 'warm.pcap');
const records = [Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0])];
frames.forEach((frame, i) => {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(1_700_000_000, 0);
  header.writeUInt32LE(i * 10, 4);
  header.writeUInt32LE(frame.length, 8);
  header.writeUInt32LE(frame.length, 12);
  records.push(header, frame);
});
writeFileSync(capture, Buffer.concat(records));

const bundle = loadBundle('smoltcp-dump', '../dist/bin/smoltcp-dump.cjs');
const devNull = openSync('/dev/null', 'w');
(async () => {
  try {
    for (const args of [['-r', capture], ['--json', '-r', capture], ['-v', '-r', capture]]) {
      const status = await bundle.exports.main(args, { stdoutFd: devNull, stderr: (text) => process.stderr.write(text) });
      if (status !== 0) throw new Error(`smoltcp-dump ${args.join(' ')} exited with ${status} while making its code cache`);
    }
    bundle.saveCodeCache(true);
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
