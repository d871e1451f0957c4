// The interface against the Linux kernel. Each test makes a namespace with a tap (the kernel's side
// 192.168.69.100/24), runs our stack on it at 192.168.69.1 (default gateway: the kernel) with a Runner
// in this process, and talks to it with the kernel's tools: ping (100 quick ones, the first answered;
// 4000-byte ones, fragmented both ways), arping, socat over UDP both ways with 8000-byte datagrams,
// "Connection refused" from a closed port, and a host in a second namespace routed by the kernel.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, withNetns } from '../helpers/netns.js';
import { waitForExit, waitForStderr } from '../helpers/child.js';
import { suiteNeeding } from '../helpers/needs.js';
import { Interface } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { Runner } from '../../src/runner/runner.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';

const test = suiteNeeding('iface/linux', ['root', 'ping', 'arping', 'socat']);

const OUR_IP = '192.168.69.1';
const KERNEL_IP = '192.168.69.100';
let serial = 0;

interface Stack {
  ns: Netns;
  tapName: string;
  iface: Interface;
  echo: UdpSocket;
  sender: UdpSocket;
  runner: Runner;
  stop(): Promise<void>;
}

/**
 * A namespace with a tap, our stack on it, a UDP echo socket on port 7 and a socket on port 5000 the
 * test sends from. The stack runs until stop().
 */
function startStack(): Stack {
  const tapName = `ti${process.pid % 100000}x${serial++}`;
  const ns = Netns.create('iface');
  let tap: TapInterface | null = null;
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['addr', 'add', `${KERNEL_IP}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    tap = withNetns(ns, () => new TapInterface(tapName));
  } catch (e) {
    ns.destroy();
    throw e;
  }
  const device = tap;
  const iface = new Interface({
    hardwareAddr: '02:00:00:00:00:01',
    addresses: [`${OUR_IP}/24`],
    defaultGateway: KERNEL_IP,
    neighborQueue: { packets: 16, perDestination: 8 },
  });
  const sockets = new SocketSet(4);
  const buffers = { rx: { packets: 32, payload: 128 * 1024 }, tx: { packets: 32, payload: 128 * 1024 } };
  const echo = new UdpSocket(buffers);
  echo.bind(7);
  const sender = new UdpSocket(buffers);
  sender.bind(5000);
  sockets.add(echo);
  sockets.add(sender);
  const buffer = new Uint8Array(65536);
  const from = new IpEndpoint();
  const runner = new Runner(iface, device, sockets, {
    onPoll: () => {
      for (let n = echo.recv(buffer, 0, buffer.length, from); n >= 0; n = echo.recv(buffer, 0, buffer.length, from)) {
        echo.send(buffer, 0, n, from.addr, from.port);
      }
    },
  });
  const controller = new AbortController();
  const running = runner.run(controller.signal);
  return {
    ns,
    tapName,
    iface,
    echo,
    sender,
    runner,
    async stop() {
      controller.abort();
      try {
        await running;
      } finally {
        device.close();
        ns.destroy();
      }
    },
  };
}

interface Finished {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Collects a child's output until it exits; kills it after `ms` so a test cannot hang. */
async function finish(child: ChildProcess, ms = 30_000): Promise<Finished> {
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await waitForExit(child);
  clearTimeout(timer);
  return { code, stdout: Buffer.concat(out), stderr };
}

function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 131 + seed) & 0xff;
  return b;
}

if (test) {
  test('ping -c 100 -i 0.01: every request answered, the first included', async () => {
    const s = startStack();
    try {
      const r = await finish(s.ns.spawn('ping', ['-c', '100', '-i', '0.01', '-W', '2', OUR_IP]));
      const text = r.stdout.toString();
      assert.match(text, /100 packets transmitted, 100 received, 0% packet loss/, text + r.stderr);
      assert.match(text, /icmp_seq=1 ttl=64/, 'the first request got its reply');
      assert.is(r.code, 0);
      assert.is(s.iface.counters.rxDropped(), s.iface.counters.count(RxOutcome.NotForUs), 'nothing dropped but frames for others');
    } finally {
      await s.stop();
    }
  });

  test('ping -s 4000: fragmented both ways, answered', async () => {
    const s = startStack();
    try {
      const r = await finish(s.ns.spawn('ping', ['-c', '3', '-i', '0.2', '-W', '2', '-s', '4000', OUR_IP]));
      const text = r.stdout.toString();
      assert.match(text, /3 packets transmitted, 3 received, 0% packet loss/, text + r.stderr);
      assert.match(text, /4008 bytes from 192\.168\.69\.1/);
      assert.ok(s.iface.counters.txFragments >= 9, `${s.iface.counters.txFragments} fragments sent`);
    } finally {
      await s.stop();
    }
  });

  test('arping is answered', async () => {
    const s = startStack();
    try {
      const r = await finish(s.ns.spawn('arping', ['-c', '3', '-w', '2000000', '-i', s.tapName, OUR_IP]));
      const text = r.stdout.toString();
      assert.is(r.code, 0, text + r.stderr);
      assert.is(text.match(/bytes from 02:00:00:00:00:01 \(192\.168\.69\.1\)/g)?.length, 3, text);
    } finally {
      await s.stop();
    }
  });

  test('socat over UDP: a short and an 8000-byte datagram echoed', async () => {
    const s = startStack();
    try {
      for (const payload of [Buffer.from('hello, stack\n'), pattern(8000, 3)]) {
        const child = s.ns.spawn('socat', ['-b', '65536', '-t', '5', '-', `UDP:${OUR_IP}:7`]);
        child.stdin!.end(payload);
        const r = await finish(child);
        assert.is(r.code, 0, r.stderr);
        assert.ok(r.stdout.equals(payload), `echoed ${r.stdout.length} of ${payload.length} bytes`);
      }
    } finally {
      await s.stop();
    }
  });

  test('our 8000-byte datagram reaches socat listening in the namespace', async () => {
    const s = startStack();
    try {
      const listener = s.ns.spawn('socat', ['-d', '-d', '-u', '-b', '65536', `UDP-RECV:9000,bind=${KERNEL_IP}`, '-']);
      const done = finish(listener, 20_000);
      await waitForStderr(listener, 'starting data transfer loop');
      const payload = pattern(8000, 9);
      const received = new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        listener.stdout!.on('data', (c: Buffer) => {
          chunks.push(c);
          const all = Buffer.concat(chunks);
          if (all.length >= payload.length) resolve(all);
        });
      });
      s.sender.send(payload, 0, payload.length, Ipv4Address.from(KERNEL_IP).value, 9000);
      s.runner.wake(); // queued from outside onPoll: the sleeping runner must poll now
      const got = await Promise.race([
        received,
        done.then((r) => {
          throw new Error(`socat exited (${r.code}) before the datagram arrived: ${r.stderr}`);
        }),
      ]);
      listener.kill('SIGTERM');
      await done;
      assert.ok(got.equals(payload), `${got.length} bytes, equal: ${got.equals(payload)}`);
    } finally {
      await s.stop();
    }
  });

  test('UDP to a closed port: socat reports "Connection refused"', async () => {
    const s = startStack();
    try {
      const child = s.ns.spawn('socat', ['-t', '5', '-', `UDP:${OUR_IP}:9`]);
      child.stdin!.end('anyone?\n');
      const r = await finish(child);
      assert.match(r.stderr, /Connection refused/, r.stderr);
      assert.is(s.iface.counters.icmpErrors, 1);
    } finally {
      await s.stop();
    }
  });

  test('a host in a second namespace, routed by the kernel, reaches us; the replies go via our gateway', async () => {
    const s = startStack();
    const far = Netns.create('far');
    const veth = `vf${process.pid % 100000}x${serial++}`;
    try {
      // The first namespace routes between the tap and a veth to the second one.
      s.ns.run('ip', ['link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`, 'netns', far.name]);
      disableIpv6(s.ns, `${veth}a`);
      disableIpv6(far, `${veth}b`);
      s.ns.run('ip', ['addr', 'add', '10.0.2.1/24', 'dev', `${veth}a`]);
      s.ns.run('ip', ['link', 'set', `${veth}a`, 'up']);
      // /proc/sys follows the calling thread's namespace (as disableIpv6 does it: no procps needed).
      withNetns(s.ns, () => writeFileSync('/proc/sys/net/ipv4/ip_forward', '1'));
      far.run('ip', ['addr', 'add', '10.0.2.2/24', 'dev', `${veth}b`]);
      far.run('ip', ['link', 'set', `${veth}b`, 'up']);
      far.run('ip', ['route', 'add', 'default', 'via', '10.0.2.1']);
      const payload = Buffer.from('from far away\n');
      const child = far.spawn('socat', ['-t', '5', '-', `UDP:${OUR_IP}:7`]);
      child.stdin!.end(payload);
      const r = await finish(child);
      assert.is(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(payload), `got ${JSON.stringify(r.stdout.toString())}`);
      const ping = await finish(far.spawn('ping', ['-c', '3', '-i', '0.2', '-W', '2', OUR_IP]));
      assert.match(ping.stdout.toString(), /3 received/, ping.stdout.toString());
    } finally {
      far.destroy();
      await s.stop();
    }
  });

  test.run();
}
