// Records real Linux traffic for the wire tests: two network namespaces joined by a veth pair, tcpdump on one
// end, and the kernel's own ping, ARP, UDP, TCP and ICMP errors between them. Nothing here touches the
// machine's own interfaces or sends outside the two namespaces.
//
// veth hands packets over with the TCP/UDP checksum left for the NIC to fill (CHECKSUM_PARTIAL), so a
// capture would show wrong checksums; `ethtool -K DEV tx off` makes the kernel compute them in software.
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitForExit, waitForStderr, waitUntil } from '../../helpers/child.js';
import { isTcpResetFrom, Netns, pcapFileFrames, waitForListener } from '../../helpers/netns.js';

/** Tools the capture needs on PATH, for suiteNeeding. */
export const CAPTURE_TOOLS = ['tcpdump', 'tshark', 'socat', 'ping', 'ethtool', 'ss', 'sysctl'];

export const ADDR_A = '10.81.0.1';
export const ADDR_B = '10.81.0.2';
/** A network routed from A through B and back, so a TTL-1 ping draws an ICMP time exceeded from B. */
export const BEYOND_B = '10.82.0.9';

let deviceCounter = 0;

/**
 * Captures into `<dir>/wire-kernel.pcap` (as seen on A's interface): ARP request and reply, two pings and
 * their replies, a TTL-1 ping answered by ICMP time exceeded, a UDP datagram to a listener and one to a
 * closed port (ICMP port unreachable), a TCP connection with Linux's SYN options (mss, sackOK, TS, wscale),
 * data and FIN close, and a SYN to a closed port answered by RST.
 */
export async function captureKernelTraffic(dir: string): Promise<string> {
  const file = join(dir, 'wire-kernel.pcap');
  const tag = `${process.pid % 100000}${deviceCounter++}`;
  const devA = `wka${tag}`;
  const devB = `wkb${tag}`;
  const a = Netns.create('wirea');
  let b: Netns | null = null;
  const children: ChildProcess[] = [];
  try {
    b = Netns.create('wireb');
    for (const ns of [a, b]) {
      // IPv6 would add neighbour discovery and MLD reports at random moments: keep the capture IPv4 only.
      ns.run('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
      ns.run('sysctl', ['-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    }
    a.run('ip', ['link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b.name]);
    a.run('ethtool', ['-K', devA, 'tx', 'off']);
    b.run('ethtool', ['-K', devB, 'tx', 'off']);
    a.run('ip', ['addr', 'add', `${ADDR_A}/24`, 'dev', devA]);
    b.run('ip', ['addr', 'add', `${ADDR_B}/24`, 'dev', devB]);
    a.run('ip', ['link', 'set', devA, 'up']);
    b.run('ip', ['link', 'set', devB, 'up']);
    a.run('ip', ['route', 'add', '10.82.0.0/24', 'via', ADDR_B]);
    b.run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    b.run('sysctl', ['-q', '-w', 'net.ipv4.conf.all.send_redirects=0']);
    b.run('sysctl', ['-q', '-w', `net.ipv4.conf.${devB}.send_redirects=0`]);
    b.run('ip', ['route', 'add', '10.82.0.0/24', 'via', ADDR_A]);

    const tcpdump = a.spawn('tcpdump', ['-i', devA, '--immediate-mode', '-U', '-n', '-w', file]);
    children.push(tcpdump);
    await waitForStderr(tcpdump, 'listening on');

    a.run('ping', ['-n', '-c', '2', '-i', '0.2', ADDR_B]);
    try {
      a.run('ping', ['-n', '-c', '1', '-t', '1', '-W', '1', BEYOND_B]);
    } catch {
      // ping exits 1 when it gets time exceeded instead of a reply: that is the packet we want.
    }

    const udp = b.spawn('socat', ['-u', 'UDP-RECV:40053', 'OPEN:/dev/null']);
    children.push(udp);
    await waitForListener(b, 'udp', 40053);
    a.run('socat', ['-u', 'STDIN', `UDP-SENDTO:${ADDR_B}:40053,sourceport=40052`], 'hello udp\n');
    a.run('socat', ['-u', 'STDIN', `UDP-SENDTO:${ADDR_B}:40054,sourceport=40052`], 'nobody here\n');

    const tcp = b.spawn('socat', ['-u', 'TCP-LISTEN:40080,reuseaddr', 'OPEN:/dev/null']);
    children.push(tcp);
    await waitForListener(b, 'tcp', 40080);
    a.run('socat', ['-u', 'STDIN', `TCP:${ADDR_B}:40080`], 'hello tcp\n');
    await waitForExit(tcp);
    try {
      a.run('socat', ['-u', 'STDIN', `TCP:${ADDR_B}:40081`], '');
    } catch {
      // connection refused: the RST is the point
    }
    // The RST is the last packet: once tcpdump has written it (-U), everything before it is in the file.
    await waitUntil(() => pcapFileFrames(file).some((f) => isTcpResetFrom(f, 40081)), `the RST from port 40081 in ${file}`);
    tcpdump.kill('SIGINT');
    await waitForExit(tcpdump);
  } finally {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await waitForExit(child);
      }
    }
    b?.destroy();
    a.destroy();
  }
  return file;
}

// By hand: `npx tsx test/wire/support/kernel-capture.ts DIR` records and prints the capture.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { execFileSync } = await import('node:child_process');
  const out = await captureKernelTraffic(process.argv[2] ?? '/tmp');
  console.log(out);
  execFileSync('tcpdump', ['-nn', '-v', '-r', out], { stdio: 'inherit' });
}
