// Captures the dump tests make themselves: the Linux kernel talks between two network namespaces joined by a
// veth pair while tcpdump records one end. Nothing here touches the machine's own interfaces.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitForExit, waitForStderr, waitUntil } from '../helpers/child.js';
import { isTcpResetFrom, Netns, pcapFileFrames, waitForListener } from '../helpers/netns.js';
import type { Need } from '../helpers/needs.js';

/** What makeKernelCapture needs, for suiteNeeding. */
export const KERNEL_CAPTURE_NEEDS: Need[] = ['root', 'tcpdump', 'socat', 'ping', 'sysctl', 'ss'];

let deviceCounter = 0;

/** A pair of namespaces joined by a veth pair: `a` (10.77.0.1 on `devA`) and `b` (10.77.0.2 on `devB`). */
export class VethPair {
  readonly a: Netns;
  readonly b: Netns;
  readonly devA: string;
  readonly devB: string;
  readonly addrA = '10.77.0.1';
  readonly addrB = '10.77.0.2';

  constructor(prefix: string, mtu = 1500) {
    // Interface names are at most 15 characters; pid and counter keep parallel runs apart.
    const tag = `${process.pid % 100000}${deviceCounter++}`;
    this.devA = `dpa${tag}`;
    this.devB = `dpb${tag}`;
    this.a = Netns.create(`${prefix}a`);
    try {
      this.b = Netns.create(`${prefix}b`);
    } catch (e) {
      this.a.destroy();
      throw e;
    }
    try {
      for (const ns of [this.a, this.b]) {
        // IPv6 would add router solicitations and MLD reports at random moments; keep the captures IPv4 only.
        ns.run('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
        ns.run('sysctl', ['-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
      }
      this.a.run('ip', ['link', 'add', this.devA, 'type', 'veth', 'peer', 'name', this.devB, 'netns', this.b.name]);
      this.a.run('ip', ['link', 'set', this.devA, 'mtu', String(mtu)]);
      this.b.run('ip', ['link', 'set', this.devB, 'mtu', String(mtu)]);
      this.a.run('ip', ['addr', 'add', `${this.addrA}/24`, 'dev', this.devA]);
      this.b.run('ip', ['addr', 'add', `${this.addrB}/24`, 'dev', this.devB]);
      this.a.run('ip', ['link', 'set', this.devA, 'up']);
      this.b.run('ip', ['link', 'set', this.devB, 'up']);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  destroy(): void {
    this.a.destroy();
    this.b.destroy();
  }
}

/**
 * Records kernel traffic between two namespaces into `<dir>/kernel.pcap`: ARP, ping, UDP (to a listener and to a
 * closed port), a TCP handshake with every option Linux sends (mss, sackOK, TS, wscale), a bulk transfer with
 * socat, a FIN close, a RST from a closed port, and IPv4 fragments (a 3000-byte ping without DF).
 */
export async function makeKernelCapture(dir: string): Promise<string> {
  const file = join(dir, 'kernel.pcap');
  const pair = new VethPair('dump');
  let capture: ChildProcess | null = null;
  const helpers: ChildProcess[] = [];
  try {
    // --immediate-mode: without it TPACKET_V3 hands packets over in blocks and SIGINT loses the last ones.
    capture = pair.a.spawn('tcpdump', ['-i', pair.devA, '--immediate-mode', '-U', '-n', '-w', file]);
    await waitForStderr(capture, 'listening on');
    pair.a.run('ping', ['-c', '2', '-i', '0.2', pair.addrB]);
    pair.a.run('ping', ['-c', '1', '-M', 'dont', '-s', '3000', pair.addrB]);
    // UDP to a listener (one datagram, no reply) and to a closed port (ICMP port unreachable).
    const udpListener = pair.b.spawn('socat', ['-u', 'UDP-RECV:40053', 'OPEN:/dev/null']);
    helpers.push(udpListener);
    await waitForListener(pair.b, 'udp', 40053);
    pair.a.run('socat', ['-u', 'STDIN', `UDP-SENDTO:${pair.addrB}:40053`], 'hello udp\n');
    pair.a.run('socat', ['-u', 'STDIN', `UDP-SENDTO:${pair.addrB}:40054`], 'closed\n');
    // TCP: a bulk transfer with handshake and FIN close, then a connect to a closed port (RST).
    const bulk = Buffer.alloc(200_000);
    for (let i = 0; i < bulk.length; i++) bulk[i] = 32 + (i % 95);
    const bulkFile = join(dir, 'bulk.bin');
    writeFileSync(bulkFile, bulk);
    const tcpListener = pair.b.spawn('socat', ['-u', 'TCP-LISTEN:40080,reuseaddr', 'OPEN:/dev/null']);
    helpers.push(tcpListener);
    await waitForListener(pair.b, 'tcp', 40080);
    pair.a.run('socat', ['-u', `OPEN:${bulkFile}`, `TCP:${pair.addrB}:40080`]);
    await waitForExit(tcpListener);
    try {
      pair.a.run('socat', ['-u', 'STDIN', `TCP:${pair.addrB}:40081`], '');
    } catch {
      // connection refused is the point
    }
    // The RST is the last packet: once tcpdump has written it (-U), everything before it is in the file.
    await waitUntil(() => pcapFileFrames(file).some((f) => isTcpResetFrom(f, 40081)), `the RST from port 40081 in ${file}`);
  } finally {
    for (const h of helpers) if (h.exitCode === null) h.kill();
    if (capture) {
      capture.kill('SIGINT');
      await waitForExit(capture);
    }
    pair.destroy();
  }
  if (statSync(file).size < 1000) throw new Error(`kernel capture ${file} is unexpectedly small`);
  return file;
}

// Usage for exploring formats by hand: `npx tsx test/dump/captures.ts DIR`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await makeKernelCapture(process.argv[2] ?? '/tmp');
  console.log(out);
  execFileSync('tcpdump', ['-nn', '-r', out], { stdio: 'inherit' });
}
