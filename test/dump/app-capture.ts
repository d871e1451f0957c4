// A capture of the application protocols smoltcp-dump tags, made with the real tools between two network
// namespaces joined by a veth pair: dig against dnsmasq (A, AAAA, CNAME, MX, TXT, PTR, a refused name, DNS over
// TCP), curl against Python's http.server on ports 80 and 8080 (a page and a 404), a DHCP DISCOVER answered by
// dnsmasq's DHCP server, and NTP client requests answered by a small responder. Nothing touches the machine's
// own interfaces.
import type { ChildProcess } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForExit, waitForStderr, waitUntil } from '../helpers/child.js';
import { pcapFileFrames, waitForListener } from '../helpers/netns.js';
import type { Need } from '../helpers/needs.js';
import { VethPair } from './captures.js';

/** What makeApplicationCapture needs, for suiteNeeding. */
export const APPLICATION_CAPTURE_NEEDS: Need[] = ['root', 'tcpdump', 'dnsmasq', 'dig', 'curl', 'python3', 'socat', 'ss'];

/** The UDP port of the datagram that ends the capture. */
const LAST_PORT = 40999;

// A DHCPDISCOVER from 02:00:00:00:00:aa, sent from port 68 to the broadcast address on the given device.
const DHCP_CLIENT = String.raw`
import socket, struct, sys
dev = sys.argv[1].encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev)
s.bind(('0.0.0.0', 68))
mac = bytes([2, 0, 0, 0, 0, 0xaa])
msg = struct.pack('!BBBBIHH4s4s4s4s16s64s128s', 1, 1, 6, 0, 0x12345678, 0, 0x8000, bytes(4), bytes(4), bytes(4), bytes(4), mac + bytes(10), bytes(64), bytes(128))
msg += bytes([99, 130, 83, 99, 53, 1, 1, 61, 7, 1]) + mac + bytes([55, 3, 1, 3, 6, 255])
msg += bytes(300 - len(msg))
s.sendto(msg, ('255.255.255.255', 67))
s.settimeout(5)
try:
    s.recvfrom(2048)
except socket.timeout:
    pass
`;

// An NTP server that answers each client request (mode 3) with a server reply (mode 4, stratum 2).
const NTP_SERVER = String.raw`
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 123))
for _ in range(int(sys.argv[2])):
    data, peer = s.recvfrom(2048)
    now = int(time.time()) + 2208988800
    reply = struct.pack('!BBbbIII', (0 << 6) | (4 << 3) | 4, 2, 6, -20, 0x10, 0x20, 0x0a4d0002)
    reply += struct.pack('!II', now, 0) + data[40:48] + struct.pack('!IIII', now, 1, now, 2)
    s.sendto(reply, peer)
`;

// An NTP client request (version 4, mode 3), then one of version 3, as ntpdate and sntp send them.
const NTP_CLIENT = String.raw`
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for version in (4, 3):
    now = int(time.time()) + 2208988800
    msg = struct.pack('!BBbbIII', (version << 3) | 3, 0, 6, -20, 0, 0, 0) + bytes(24) + struct.pack('!II', now, 7)
    s.sendto(msg, (sys.argv[1], 123))
    s.recvfrom(2048)
`;

/** Records the traffic into `<dir>/apps.pcap` and returns its path. */
export async function makeApplicationCapture(dir: string): Promise<string> {
  const file = join(dir, 'apps.pcap');
  const pair = new VethPair('app');
  let capture: ChildProcess | null = null;
  const helpers: ChildProcess[] = [];
  try {
    capture = pair.a.spawn('tcpdump', ['-i', pair.devA, '--immediate-mode', '-U', '-n', '-w', file]);
    await waitForStderr(capture, 'listening on');
    // DNS and DHCP from dnsmasq in b.
    const dnsmasq = pair.b.spawn('dnsmasq', [
      '--no-daemon', '--no-resolv', '--no-hosts', '--user=root', '--pid-file=', `--interface=${pair.devB}`, '--bind-interfaces',
      '--host-record=example.com,10.77.0.2,fd00::2', '--cname=www.example.com,example.com',
      '--mx-host=example.com,mail.example.com,10', '--txt-record=txt.example.com,"hello world",second',
      '--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h', `--dhcp-leasefile=${join(dir, 'leases')}`,
      '--log-facility=-',
    ]);
    helpers.push(dnsmasq);
    await waitForListener(pair.b, 'udp', 53);
    await waitForListener(pair.b, 'tcp', 53);
    const dig = (...args: string[]): void => void pair.a.run('dig', ['@' + pair.addrB, '+tries=1', '+time=5', ...args]);
    dig('example.com');
    dig('example.com', 'AAAA');
    dig('www.example.com');
    dig('example.com', 'MX');
    dig('txt.example.com', 'TXT');
    dig('-x', pair.addrB);
    dig('+noedns', 'example.com');
    dig('nothing.example.org');
    dig('+tcp', 'example.com');
    pair.a.run('python3', ['-c', DHCP_CLIENT, pair.devA]);
    // HTTP from Python's http.server in b, on both ports tcpdump tags.
    writeFileSync(join(dir, 'index.html'), '<html><body>hello</body></html>\n');
    for (const port of [80, 8080]) {
      const server = pair.b.spawn('python3', ['-m', 'http.server', String(port), '--bind', pair.addrB, '--directory', dir]);
      helpers.push(server);
      await waitForListener(pair.b, 'tcp', port);
      pair.a.run('curl', ['-s', '-o', '/dev/null', `http://${pair.addrB}:${port}/index.html`]);
      pair.a.run('curl', ['-s', '-o', '/dev/null', `http://${pair.addrB}:${port}/missing`]);
    }
    // NTP.
    const ntp = pair.b.spawn('python3', ['-c', NTP_SERVER, pair.addrB, '2']);
    helpers.push(ntp);
    await waitForListener(pair.b, 'udp', 123);
    pair.a.run('python3', ['-c', NTP_CLIENT, pair.addrB]);
    await waitForExit(ntp);
    // The last datagram: once tcpdump has written it (-U), everything before it is in the file.
    pair.a.run('socat', ['-u', 'STDIN', `UDP-SENDTO:${pair.addrB}:${LAST_PORT}`], 'end\n');
    await waitUntil(() => pcapFileFrames(file).some((f) => isUdpTo(f, LAST_PORT)), `the last datagram in ${file}`);
  } finally {
    for (const h of helpers) if (h.exitCode === null) h.kill();
    for (const h of helpers) if (h.exitCode === null && h.signalCode === null) await waitForExit(h);
    if (capture) {
      capture.kill('SIGINT');
      await waitForExit(capture);
    }
    pair.destroy();
  }
  if (statSync(file).size < 1000) throw new Error(`application capture ${file} is unexpectedly small`);
  return file;
}

function isUdpTo(frame: Uint8Array, port: number): boolean {
  if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 17) return false;
  const udp = 14 + (frame[14]! & 0x0f) * 4;
  return frame.length >= udp + 4 && ((frame[udp + 2]! << 8) | frame[udp + 3]!) === port;
}

// Usage for exploring by hand: `npx tsx test/dump/app-capture.ts DIR`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await makeApplicationCapture(process.argv[2] ?? '/tmp');
  console.log(out);
}
