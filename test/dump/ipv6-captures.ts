// IPv6 captures the dump tests make themselves: two namespaces joined by a veth pair with IPv6 on, the kernel
// doing what it does when an interface comes up (duplicate address detection, MLDv2 reports with a Hop-by-Hop
// router alert, router solicitations), then ping -6 (neighbour discovery, echo, a fragmented echo), UDP to a
// listener and to a closed port (ICMPv6 port unreachable), TCP with socat and a RST, and a Segment Routing
// header (a routing extension header) added by a seg6 route. Nothing here touches the machine's own interfaces.
import { type ChildProcess } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForExit, waitForStderr, waitUntil } from '../helpers/child.js';
import { isTcpResetFrom, Netns, pcapFileFrames, waitForListener } from '../helpers/netns.js';
import type { Need } from '../helpers/needs.js';

/** What makeIpv6Capture needs, for suiteNeeding. */
export const IPV6_CAPTURE_NEEDS: Need[] = ['root', 'tcpdump', 'socat', 'ping', 'sysctl', 'ss'];

export const ADDR_A = 'fd77::1';
export const ADDR_B = 'fd77::2';

let counter = 0;

/** Records the IPv6 traffic described above into `<dir>/ipv6.pcap`. */
export async function makeIpv6Capture(dir: string): Promise<string> {
  const file = join(dir, 'ipv6.pcap');
  const tag = `${process.pid % 100000}${counter++}`;
  const devA = `d6a${tag}`;
  const devB = `d6b${tag}`;
  const a = Netns.create('dump6a');
  let b: Netns | null = null;
  let capture: ChildProcess | null = null;
  const helpers: ChildProcess[] = [];
  try {
    b = Netns.create('dump6b');
    a.run('ip', ['link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b.name]);
    // tcpdump needs devA up; the link has no carrier (and IPv6 stays quiet) until devB is up too.
    a.run('ip', ['link', 'set', devA, 'up']);
    // --immediate-mode: without it TPACKET_V3 hands packets over in blocks and SIGINT loses the last ones.
    capture = a.spawn('tcpdump', ['-i', devA, '--immediate-mode', '-U', '-n', '-w', file]);
    await waitForStderr(capture, 'listening on');
    // nodad: the addresses are usable at once; the link-local ones still go through DAD (NS from ::).
    a.run('ip', ['addr', 'add', `${ADDR_A}/64`, 'dev', devA, 'nodad']);
    b.run('ip', ['addr', 'add', `${ADDR_B}/64`, 'dev', devB, 'nodad']);
    b.run('ip', ['link', 'set', devB, 'up']);
    a.run('ping', ['-6', '-c', '2', '-i', '0.2', ADDR_B]);
    // A 3000-byte echo on a 1500-byte link: the kernel sends it in IPv6 fragments (RFC 8200 section 4.5).
    a.run('ping', ['-6', '-c', '1', '-s', '3000', ADDR_B]);
    // Echo to all nodes: a multicast destination.
    a.run('ping', ['-6', '-c', '1', '-I', devA, 'ff02::1']);
    const udpListener = b.spawn('socat', ['-u', 'UDP6-RECV:40053', 'OPEN:/dev/null']);
    helpers.push(udpListener);
    await waitForListener(b, 'udp', 40053);
    a.run('socat', ['-u', 'STDIN', `UDP6-SENDTO:[${ADDR_B}]:40053`], 'hello udp over ipv6\n');
    a.run('socat', ['-u', 'STDIN', `UDP6-SENDTO:[${ADDR_B}]:40054`], 'closed\n');
    const bulk = Buffer.alloc(20_000);
    for (let i = 0; i < bulk.length; i++) bulk[i] = 32 + (i % 95);
    const bulkFile = join(dir, 'bulk6.bin');
    writeFileSync(bulkFile, bulk);
    const tcpListener = b.spawn('socat', ['-u', 'TCP6-LISTEN:40080,reuseaddr', 'OPEN:/dev/null']);
    helpers.push(tcpListener);
    await waitForListener(b, 'tcp', 40080);
    a.run('socat', ['-u', `OPEN:${bulkFile}`, `TCP6:[${ADDR_B}]:40080`]);
    await waitForExit(tcpListener);
    // A Segment Routing header (routing type 4, RFC 8754) on the way to fd78::1 through fd77::2.
    try {
      a.run('ip', ['-6', 'route', 'add', 'fd78::/64', 'encap', 'seg6', 'mode', 'inline', 'segs', ADDR_B, 'dev', devA]);
      a.run('ping', ['-6', '-c', '1', '-W', '0.3', 'fd78::1']);
    } catch {
      // no reply is expected (fd78::1 is nowhere); the request with its routing header is what we want
    }
    try {
      a.run('socat', ['-u', 'STDIN', `TCP6:[${ADDR_B}]:40081`], '');
    } catch {
      // connection refused is the point
    }
    await waitUntil(() => pcapFileFrames(file).some((f) => isTcpResetFrom6(f, 40081)), `the RST from port 40081 in ${file}`);
    // The kernel sends its router solicitation after DAD on the link-local address and a random delay of up to
    // a second (RFC 4861 section 6.3.7): on a loaded machine it may come after the RST, so wait for it.
    await waitUntil(() => pcapFileFrames(file).some((f) => isIcmpv6Type(f, 133)), `a router solicitation in ${file}`);
  } finally {
    for (const h of helpers) if (h.exitCode === null) h.kill();
    if (capture) {
      capture.kill('SIGINT');
      await waitForExit(capture);
    }
    a.destroy();
    b?.destroy();
  }
  if (statSync(file).size < 1000) throw new Error(`IPv6 capture ${file} is unexpectedly small`);
  return file;
}

/** A TCP RST from `port` in an Ethernet/IPv6 frame without extension headers. */
function isTcpResetFrom6(frame: Uint8Array, port: number): boolean {
  return isTcpFlagFrom6(frame, port, 0x04);
}

/** A TCP segment from `port` with one of the `flags` bits set, in an Ethernet/IPv6 frame without extension headers. */
function isTcpFlagFrom6(frame: Uint8Array, port: number, flags: number): boolean {
  if (frame.length < 14 + 40 + 20 || frame[12] !== 0x86 || frame[13] !== 0xdd || frame[14 + 6] !== 6) return false;
  const tcp = 14 + 40;
  return ((frame[tcp]! << 8) | frame[tcp + 1]!) === port && (frame[tcp + 13]! & flags) !== 0;
}

/** An ICMPv6 message of `type` in an Ethernet/IPv6 frame without extension headers. */
function isIcmpv6Type(frame: Uint8Array, type: number): boolean {
  return frame.length >= 14 + 40 + 4 && frame[12] === 0x86 && frame[13] === 0xdd && frame[14 + 6] === 58 && frame[14 + 40] === type;
}

// Usage for exploring formats by hand: `npx tsx test/dump/ipv6-captures.ts DIR`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await makeIpv6Capture(process.argv[2] ?? '/tmp'));
}
