// Our stack on a tap against the Linux kernel, in namespaces each test creates (test/interop/lab.ts):
// the kernel's ping (100 at 10 ms, the first reply included; 4000 bytes, fragmented both ways), arping,
// socat over UDP both ways (8000-byte datagrams included), "Connection refused" from a closed port, a host
// in a second namespace routed through the first reaching us and our replies going back through our
// default gateway, and a 4000-byte datagram we fragment that tshark reassembles. Our stack runs in this
// process under the Runner; the kernel's tools are child processes in the namespace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { privilegedSuite } from '../helpers/privileged.js';
import { Netns, disableIpv6, startCapture } from '../helpers/netns.js';
import { waitForStderr } from '../helpers/child.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { Tracer } from '../../src/phy/tracer.js';
import type { TapInterface } from '../../src/phy/tap-interface.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { ECHO_PORT, OUR_MAC, addr, collect, stdoutLength, udpListening, withLab } from './lab.js';

const test = privilegedSuite('interop/linux-iface', ['ping', 'socat', 'ss', 'tcpdump', 'tshark']);
// arping (Thomas Habets' arping, apt package `arping`) gates only its own test.
const arpingTest = privilegedSuite('interop/linux-iface arping', ['arping']);

function pingSummary(output: string): { transmitted: number; received: number; loss: string } {
  const m = /(\d+) packets transmitted, (\d+) received.*?([\d.]+)% packet loss/.exec(output);
  if (!m) throw new Error(`no ping summary in: ${output}`);
  return { transmitted: Number(m[1]), received: Number(m[2]), loss: m[3] };
}

/** Bytes 0..n-1 of a recognisable pattern. */
function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return b;
}

if (test) {
  test('ping -c 100 -i 0.01: 100 replies, 0% loss, the first one included', async () => {
    await withLab(async (lab) => {
      const ping = collect(lab.spawn('ping', ['-n', '-c', '100', '-i', '0.01', '-w', '30', lab.ourAddr]));
      const code = await ping.exit;
      const out = ping.stdout().toString();
      const summary = pingSummary(out);
      assert.is(summary.transmitted, 100, out);
      assert.is(summary.received, 100, out);
      assert.is(summary.loss, '0', out);
      assert.ok(/icmp_seq=1 /.test(out), 'the first request was answered');
      assert.is(code, 0);
      assert.is(lab.iface.counters.rx[RxOutcome.Malformed] + lab.iface.counters.rx[RxOutcome.BadChecksum], 0);
      // The runner slept in waitReadable between requests instead of spinning: about one poll per frame.
      const stats = lab.runner;
      assert.ok(stats.readableWakes >= 50, `woken by the tap ${stats.readableWakes} times`);
      assert.ok(stats.polls < 4 * lab.iface.counters.rxFrames + 20, `${stats.polls} polls for ${lab.iface.counters.rxFrames} frames`);
    });
  });

  test('middleware over the tap (a Tracer): the runner polls it and waits on the tap (waitOn); 10 pings answered', async () => {
    let rx = 0;
    let tx = 0;
    const wrap = (tap: TapInterface) =>
      new Tracer(tap, (direction) => {
        if (direction === 'rx') rx++;
        else tx++;
      });
    await withLab(async (lab) => {
      const ping = collect(lab.spawn('ping', ['-n', '-c', '10', '-i', '0.02', '-w', '20', lab.ourAddr]));
      await ping.exit;
      const out = ping.stdout().toString();
      assert.is(pingSummary(out).received, 10, out);
      assert.ok(rx >= 11 && tx >= 11, `the tracer saw ${rx} frames in, ${tx} out`);
      assert.ok(lab.runner.readableWakes >= 5, `woken by the tap under the tracer ${lab.runner.readableWakes} times`);
    }, { wrap });
  });

  test('ping -s 4000: fragments both ways, every reply reassembled by the kernel', async () => {
    await withLab(async (lab) => {
      const ping = collect(lab.spawn('ping', ['-n', '-c', '5', '-i', '0.05', '-s', '4000', '-w', '30', lab.ourAddr]));
      await ping.exit;
      const out = ping.stdout().toString();
      const summary = pingSummary(out);
      assert.is(summary.received, 5, out);
      assert.ok(/4008 bytes from/.test(out), out);
      // 4028-byte datagrams at a 1500-byte MTU: 3 fragments each way per request.
      assert.ok(lab.iface.counters.txFragments >= 15, `${lab.iface.counters.txFragments} fragments sent`);
      assert.is(lab.iface.counters.rx[RxOutcome.ReassemblyOverlap], 0);
    });
  });

  test('socat -> our UDP echo: 1-, 1472- and 8000-byte datagrams come back byte for byte', async () => {
    await withLab(async (lab) => {
      const socat = lab.spawn('socat', ['-b', '65536', 'STDIO', `UDP:${lab.ourAddr}:${ECHO_PORT}`]);
      for (const size of [1, 1472, 8000]) {
        const data = pattern(size, size);
        const reply = stdoutLength(socat, size);
        socat.stdin!.write(data);
        const got = await reply;
        assert.is(got.length, size, `${size}: one datagram back`);
        assert.ok(got.equals(data), `${size}: the same bytes`);
        socat.stdout!.removeAllListeners('data');
        socat.removeAllListeners('close');
      }
      assert.equal(lab.echoed.map((d) => d.length), [1, 1472, 8000], 'our socket saw each datagram whole');
      assert.ok(lab.iface.counters.txFragments >= 5, 'the 8000-byte reply left in fragments');
    });
  });

  test('our UDP socket -> socat: 64- and 8000-byte datagrams arrive whole', async () => {
    await withLab(async (lab) => {
      const port = 9100;
      const socat = lab.spawn('socat', ['-u', '-b', '65536', `UDP-RECV:${port}`, 'STDOUT']);
      await udpListening(lab.ns, port);
      const sender = new UdpSocket({ tx: { packets: 4, payload: 32768 } });
      sender.bind(4444);
      lab.sockets.add(sender);
      const small = pattern(64, 1);
      const big = pattern(8000, 2);
      const arrived = stdoutLength(socat, small.length + big.length);
      sender.send(small, 0, small.length, addr(lab.kernelAddr), port);
      sender.send(big, 0, big.length, addr(lab.kernelAddr), port);
      lab.runner.wake();
      const got = await arrived;
      assert.ok(got.subarray(0, 64).equals(small), 'the 64-byte datagram');
      assert.ok(got.subarray(64).equals(big), 'the 8000-byte datagram, reassembled by the kernel');
      assert.is(sender.txPackets, 2);
    });
  });

  test('UDP to a closed port of ours: socat reports "Connection refused"', async () => {
    await withLab(async (lab) => {
      const socat = lab.spawn('socat', ['STDIO', `UDP:${lab.ourAddr}:9`]);
      const run = collect(socat);
      socat.stdin!.write('anyone there?\n');
      const refused = waitForStderr(socat, 'Connection refused', 20_000);
      // socat only learns of the ICMP error on its next read or write of the socket.
      socat.stdin!.write('still?\n');
      await refused;
      const code = await run.exit;
      assert.ok(code !== 0, 'socat failed');
      assert.ok(lab.iface.counters.rx[RxOutcome.NoSocket] >= 1);
      assert.ok(lab.iface.counters.icmpErrors >= 1);
    });
  });

  test('a host in a second namespace, routed by the kernel, reaches our UDP echo through our default gateway', async () => {
    await withLab(async (lab) => {
      const far = Netns.create('far');
      lab.extraNamespaces.push(far);
      const m = /^10\.78\.(\d+)\.1$/.exec(lab.kernelAddr)!;
      const n = Number(m[1]);
      const farNet = `10.79.${n}`;
      const veth = `fv${process.pid % 10000}x${n}`;
      // ns <-> far over a veth pair; ns forwards between the tap and the veth.
      lab.ns.run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'far0', 'netns', far.name]);
      disableIpv6(lab.ns, veth);
      disableIpv6(far, 'far0');
      lab.ns.run('ip', ['addr', 'add', `${farNet}.1/24`, 'dev', veth]);
      lab.ns.run('ip', ['link', 'set', veth, 'up']);
      lab.ns.run('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
      far.run('ip', ['addr', 'add', `${farNet}.2/24`, 'dev', 'far0']);
      far.run('ip', ['link', 'set', 'far0', 'up']);
      far.run('ip', ['route', 'add', 'default', 'via', `${farNet}.1`]);
      const capture = await startCapture(lab.ns, lab.tapName, `udp and src host ${lab.ourAddr} and dst host ${farNet}.2`, 1, 20_000);
      const socat = lab.spawn('socat', ['-b', '65536', 'STDIO', `UDP:${lab.ourAddr}:${ECHO_PORT}`], far);
      const data = pattern(3000, 9);
      const reply = stdoutLength(socat, data.length);
      socat.stdin!.write(data);
      const got = await reply;
      assert.ok(got.equals(data), 'the far host got its 3000 bytes back');
      const frames = await capture.frames;
      assert.is(frames.length, 1, 'our reply was captured on the tap');
      assert.equal([...frames[0].subarray(0, 6)], [...lab.kernelMac], 'sent to the gateway (the tap) at the link layer');
      assert.equal([...frames[0].subarray(30, 34)], `${farNet}.2`.split('.').map(Number), 'addressed to the far host at IP');
      const gatewayMac = lab.iface.neighbors.lookup(addr(lab.kernelAddr), Date.now() * 1000);
      assert.is(gatewayMac, parseInt(Buffer.from(lab.kernelMac).toString('hex'), 16), 'the gateway is in our neighbour cache');
      assert.is(lab.iface.counters.txNoRoute, 0);
    });
  });

  test('a 4000-byte datagram we send leaves in fragments that tshark reassembles into the same payload', async () => {
    await withLab(async (lab) => {
      const dir = mkdtempSync(join(tmpdir(), 'smolt-frag-'));
      try {
        const file = join(dir, 'frag.pcap');
        const port = 9200;
        const dump = lab.spawn('tcpdump', ['-i', lab.tapName, '-n', '-U', '--immediate-mode', '-w', file, '-c', '3', `ip and src host ${lab.ourAddr}`]);
        await waitForStderr(dump, 'listening on');
        const run = collect(dump);
        const sender = new UdpSocket({ tx: { packets: 2, payload: 8192 } });
        sender.bind(4445);
        lab.sockets.add(sender);
        const data = pattern(4000, 42);
        sender.send(data, 0, data.length, addr(lab.kernelAddr), port);
        lab.runner.wake();
        await run.exit;
        const fields = execFileSync(
          'tshark',
          ['-r', file, '-o', 'ip.defragment:TRUE', '-Y', `udp.dstport == ${port}`, '-T', 'fields', '-e', 'ip.fragment.count', '-e', 'udp.length', '-e', 'udp.payload'],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        ).trim();
        const [count, udpLength, hex = ''] = fields.split('\t');
        assert.is(count, '3', `tshark: ${fields.slice(0, 200)}`);
        assert.is(udpLength, '4008');
        assert.ok(Buffer.from(hex.replace(/:/g, ''), 'hex').equals(data), 'the reassembled payload is what we sent');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  test.run();
}

if (arpingTest) {
  arpingTest('arping: our stack answers ARP requests for its address', async () => {
    await withLab(async (lab) => {
      const arping = collect(lab.spawn('arping', ['-c', '3', '-W', '0.2', '-w', '15', '-i', lab.tapName, lab.ourAddr]));
      const code = await arping.exit;
      const out = arping.stdout().toString();
      assert.is(code, 0, `${out}${arping.stderr()}`);
      const replies = out.match(new RegExp(`bytes from ${OUR_MAC} \\(${lab.ourAddr.replace(/\./g, '\\.')}\\)`, 'g')) ?? [];
      assert.is(replies.length, 3, out);
      assert.ok(/3 packets transmitted, 3 packets received/.test(out), out);
    });
  });

  arpingTest.run();
}
