// Crafted application payloads for the paths real tools rarely take: DNS records of every layout tcpdump
// prints (SOA, SRV, TXT, AAAA, A6, TSIG, URI, EDNS options, other classes, mDNS bits, compression pointers good
// and bad, bit-string and reserved labels), DHCP options of every type and each special one, NTP stratum-1
// references, keys and digests, control messages. Each is a whole frame; the test cuts them too.
import { ethernet, ipv4, udp } from './craft.js';

const text = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
/** A name as labels: `name('a.b')` is 1 'a' 1 'b' 0. */
function name(dotted: string): number[] {
  const out: number[] = [];
  for (const label of dotted.split('.').filter((l) => l !== '')) out.push(label.length, ...text(label));
  out.push(0);
  return out;
}
const be16 = (v: number): number[] => [v >>> 8, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
function rr(owner: number[], type: number, cls: number, ttl: number, data: number[]): number[] {
  return [...owner, ...be16(type), ...be16(cls), ...be32(ttl), ...be16(data.length), ...data];
}
function dns(id: number, flags: number, counts: [number, number, number, number], body: number[]): number[] {
  return [...be16(id), ...be16(flags), ...be16(counts[0]), ...be16(counts[1]), ...be16(counts[2]), ...be16(counts[3]), ...body];
}
/** The question `example.com. A IN`, at offset 12, so later names may point at 12 (0xc00c). */
const QUESTION = [...name('example.com'), ...be16(1), ...be16(1)];
const PTR = [0xc0, 12];

function frame(srcPort: number, dstPort: number, payload: number[]): Uint8Array {
  return ethernet(0x0800, ipv4({ protocol: 17 }, udp(srcPort, dstPort, Uint8Array.from(payload))));
}

function dnsFrames(): Uint8Array[] {
  const answers = [
    rr(PTR, 6, 1, 3600, [...name('ns.example.com'), ...name('admin.example.com'), ...be32(2024010101), ...be32(7200), ...be32(900), ...be32(1209600), ...be32(300)]),
    rr(PTR, 33, 1, 86400, [...be16(10), ...be16(5), ...be16(5060), ...name('sip.example.com')]),
    rr(PTR, 16, 1, 90061, [5, ...text('hello'), 3, 0x80, 0x01, 0x7f]),
    rr(PTR, 28, 1, 60, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    rr(PTR, 38, 1, 60, [64, 0, 0, 0, 0, 0, 0, 0, 1, ...name('prefix.example.com')]),
    rr(PTR, 256, 1, 60, [...be16(1), ...be16(2), ...text('https://example.com/')]),
    rr(PTR, 104, 1, 60, text('unspec text')),
    rr(PTR, 2, 3, 60, name('chaos.example')),
    rr(PTR, 39, 1, 60, PTR),
    rr(PTR, 999, 1, 60, [1, 2, 3]),
  ];
  const additional = [
    rr([0], 41, 1232, 0x00008000, [...be16(10), ...be16(24), ...Array.from({ length: 24 }, (_, i) => i), ...be16(11), ...be16(2), ...be16(35), ...be16(9), ...be16(4), ...be32(600), ...be16(12), ...be16(3), 0, 0, 0, ...be16(14), ...be16(4), ...be16(20326), ...be16(19036), ...be16(3), ...be16(2), 0xab, 0xcd, ...be16(10), ...be16(5), 1, 2, 3, 4, 5]),
    rr(name('key.example'), 250, 255, 0, [...name('hmac-sha256'), 0, 0, 0x65, 0x5c, 0x19, 0x80, ...be16(300), ...be16(4), 1, 2, 3, 4, ...be16(0x1234), ...be16(0), ...be16(0)]),
  ];
  const authority = [rr(PTR, 2, 1, 60, name('ns1.example.com'))];
  const frames = [
    // A response with every record layout, authority and additional sections (shown at -vv), TTLs (-vvv).
    frame(53, 40000, dns(0x1234, 0x8580, [1, answers.length, 1, additional.length], [...QUESTION, ...answers.flat(), ...authority.flat(), ...additional.flat()])),
    // Queries: opcodes, CD, weird bits, several questions, inverse query, a class other than IN.
    frame(40000, 53, dns(7, 0x0110, [2, 0, 0, 0], [...QUESTION, ...name('other.example'), ...be16(15), ...be16(3)])),
    frame(40000, 53, dns(8, 0x0800, [0, 1, 0, 0], rr(name('example.com'), 1, 1, 0, [1, 2, 3, 4]))),
    frame(40000, 53, dns(9, 0x28c7, [1, 2, 3, 4], QUESTION)),
    // Response codes, extended through OPT (BADVERS 16), truncated, no recursion, authentic data.
    frame(53, 40000, dns(10, 0x8203, [1, 0, 0, 1], [...QUESTION, ...rr([0], 41, 4096, 0x01000000, [])])),
    frame(53, 40000, dns(11, 0x87a5, [1, 0, 0, 0], QUESTION)),
    // Names: a pointer forwards (bad), a bit-string label, an unknown extended label, a reserved label type, a
    // name longer than 255 characters.
    frame(53, 40000, dns(12, 0x8180, [1, 1, 0, 0], [...QUESTION, ...rr(PTR, 5, 1, 60, [0xc0, 0x60])])),
    frame(40000, 53, dns(13, 0x0100, [1, 0, 0, 0], [0x41, 12, 0xab, 0xc0, 0, ...be16(1), ...be16(1)])),
    frame(40000, 53, dns(14, 0x0100, [1, 0, 0, 0], [0x42, 0, ...be16(1), ...be16(1)])),
    frame(40000, 53, dns(15, 0x0100, [1, 0, 0, 0], [0x80, 0, ...be16(1), ...be16(1)])),
    frame(40000, 53, dns(16, 0x0100, [1, 0, 0, 0], [...Array.from({ length: 5 }, () => [60, ...text('x'.repeat(60))]).flat(), 0, ...be16(1), ...be16(1)])),
    // Multicast DNS: unicast-response and cache-flush bits.
    frame(5353, 5353, dns(0, 0x0000, [1, 0, 0, 0], [...name('printer.local'), ...be16(12), ...be16(0x8001)])),
    frame(5353, 5353, dns(0, 0x8400, [0, 1, 0, 0], rr(name('printer.local'), 1, 0x8001, 120, [10, 0, 0, 9]))),
    // Short messages.
    frame(40000, 53, [1, 2, 3]),
  ];
  return frames;
}

function bootp(op: number, htype: number, hlen: number, fields: { sname?: string; file?: string; hops?: number; secs?: number; ciaddr?: number }, options: number[]): number[] {
  const m = new Array<number>(236).fill(0);
  m[0] = op;
  m[1] = htype;
  m[2] = hlen;
  m[3] = fields.hops ?? 0;
  m.splice(4, 4, ...be32(0xdeadbeef));
  m.splice(8, 2, ...be16(fields.secs ?? 0));
  if (fields.ciaddr) m.splice(12, 4, ...be32(fields.ciaddr));
  m.splice(28, 6, 2, 0, 0, 0, 0, 0xbb);
  if (fields.sname) m.splice(44, fields.sname.length, ...text(fields.sname));
  if (fields.file) m.splice(108, fields.file.length, ...text(fields.file));
  return [...m, 99, 130, 83, 99, ...options, 255];
}

function dhcpFrames(): Uint8Array[] {
  const options = [
    53, 1, 3, 0, 0,
    12, 4, ...text('host'), 2, 4, ...be32(0xfffff1f0), 25, 4, ...be16(576), ...be16(1500), 33, 8, 10, 0, 0, 0, 10, 0, 0, 1,
    19, 2, 0, 1, 20, 1, 7, 23, 1, 64, 46, 1, 8, 52, 1, 3,
    81, 9, 0x05, 0, 0, ...text('a.b.ex'), 61, 7, 1, 2, 0, 0, 0, 0, 0xbb,
    82, 16, 1, 4, ...text('eth0'), 2, 2, 0xaa, 0xbb, 5, 4, 1, 2, 3, 4,
    121, 13, 0, 10, 0, 0, 1, 24, 192, 168, 1, 10, 0, 0, 2,
    77, 7, 3, ...text('abc'), 2, ...text('de'),
    200, 3, 1, 2, 3, 201, 2, 1, 2, 202, 4, 1, 2, 3, 4, 55, 6, 1, 3, 6, 15, 200, 121,
    60, 8, ...text('vendor-x'),
  ];
  return [
    frame(68, 67, bootp(1, 1, 6, { sname: 'server', file: 'boot.img', hops: 1, secs: 3, ciaddr: 0x0a000005 }, options)),
    frame(67, 68, bootp(2, 6, 6, {}, [53, 1, 5, 61, 4, 0, ...text('abc'), 0, 0, 0])),
    frame(68, 67, bootp(3, 1, 6, {}, [81, 2, 0, 0, 61, 0, 77, 1, 0, 121, 2, 33, 1, 46, 0])),
  ];
}

function ntp(first: number, stratum: number, poll: number, refid: number[], extra: number[]): number[] {
  return [first, stratum, poll & 255, 0xec, ...be32(0x00010000), ...be32(0x8000), ...refid, ...be32(3913056000), ...be32(1 << 31), ...new Array(8).fill(0), ...be32(3913056001), ...be32(5), ...be32(3913056000), ...be32(9), ...extra];
}

function ntpFrames(): Uint8Array[] {
  return [
    frame(123, 123, ntp(0x24, 1, 10, text('GPS\0'), [])),
    frame(123, 123, ntp(0xe4, 16, -3, be32(0x0a000001), be32(7))),
    frame(123, 123, ntp(0x24, 2, 6, be32(0x0a000001), [...be32(7), ...new Array(16).fill(0x11)])),
    frame(123, 123, ntp(0x24, 2, 6, be32(0x0a000001), [...be32(7), ...new Array(20).fill(0x22)])),
    frame(123, 123, ntp(0x24, 2, 40, be32(0x0a000001), new Array(9).fill(0))),
    frame(123, 123, ntp(0x21, 62, 6, be32(0x0a000001), [])),
    frame(123, 123, ntp(0x21, 63, 6, be32(0x0a000001), [])),
    frame(40123, 123, [0x16, 0x82, ...be16(5), ...be16(0x0615), ...be16(0), ...be16(0), ...be16(4), 1, 2, 3, 4]),
    frame(40123, 123, [0x16, 0x02, ...be16(5), ...be16(0), ...be16(0), ...be16(0), ...be16(40), 1, 2, 3, 4]),
    frame(40123, 123, [0x16, 0x02, 0, 1]),
    frame(40123, 123, [0x23, 0, 0, 0]),
    frame(40123, 123, [0x27, 0, 0, 0]),
  ];
}

/** Every crafted application frame. */
export function applicationFrames(): Uint8Array[] {
  return [...dnsFrames(), ...dhcpFrames(), ...ntpFrames()];
}
