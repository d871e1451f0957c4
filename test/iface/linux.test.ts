// The interface against the Linux kernel. Each test makes a namespace with a tap (the kernel's side
// 192.168.69.100/24), runs our stack on it at 192.168.69.1 (default gateway: the kernel) with a Runner
// in this process, and talks to it with the kernel's tools: ping (100 quick ones, the first answered, the
// runner sleeping on the tap between them; 4000-byte ones, fragmented both ways), the same pings through
// middleware over the tap (the runner waits on the tap through waitOn), arping, socat over UDP both ways
// with 1-, 64-, 1472- and 8000-byte datagrams, "Connection refused" from a closed port, and a host in a
// second namespace routed by the kernel, our replies captured going to the gateway's Ethernet address.
// (A 4000-byte datagram of ours reassembled by tshark is in fragments.test.ts, from exact frames.)
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, startCapture, withNetns } from '../helpers/netns.js';
import { waitForExit, waitForStderr } from '../helpers/child.js';
import { suiteNeeding } from '../helpers/needs.js';
import { Interface } from '../../src/iface/interface.js';
import { RxOutcome } from '../../src/iface/counters.js';
import type { Device } from '../../src/phy/device.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { Tracer } from '../../src/phy/tracer.js';
import { Runner } from '../../src/runner/runner.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';

const test = suiteNeeding('iface/linux', ['root', 'ping', 'arping', 'socat', 'tcpdump']);

const OUR_IP = '192.168.69.1';
const KERNEL_IP = '192.168.69.100';
let serial = 0;

interface Stack {
  ns: Netns;
  tapName: string;
  /** The Ethernet address of the kernel's side of the tap (our default gateway). */
  kernelMac: Uint8Array;
  iface: Interface;
  echo: UdpSocket;
  sender: UdpSocket;
  runner: Runner;
  stop(): Promise<void>;
}

/**
 * A namespace with a tap, our stack on it, a UDP echo socket on port 7 and a socket on port 5000 the
 * test sends from. The stack runs until stop(). `wrap` puts middleware over the tap: the runner polls
 * the middleware and waits on the tap (waitOn).
 */
function startStack(wrap?: (tap: TapInterface) => Device): Stack {
  const tapName = `ti${process.pid % 100000}x${serial++}`;
  const ns = Netns.create('iface');
  let tap: TapInterface | null = null;
  let kernelMac: Uint8Array = new Uint8Array(0);
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['addr', 'add', `${KERNEL_IP}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    tap = withNetns(ns, () => {
      kernelMac = interfaceHardwareAddress(tapName);
      return new TapInterface(tapName);
    });
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
  const runner = new Runner(iface, wrap ? wrap(device) : device, sockets, {
    waitOn: device,
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
    kernelMac,
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

/** Resolves when `child` has written `length` bytes to stdout; rejects if it exits first or after `ms`. */
function stdoutLength(child: ChildProcess, length: number, ms = 20_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    let err = '';
    const timer = setTimeout(() => reject(new Error(`timed out: ${got} of ${length} bytes on stdout; stderr: ${err}`)), ms);
    const onErr = (c: Buffer): void => {
      err += c.toString();
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= length) done(null);
    };
    const onClose = (code: number | null): void => done(new Error(`exited (${code}) after ${got} of ${length} bytes on stdout; stderr: ${err}`));
    const done = (error: Error | null): void => {
      clearTimeout(timer);
      child.stderr!.off('data', onErr);
      child.stdout!.off('data', onData);
      child.off('close', onClose);
      if (error === null) resolve(Buffer.concat(chunks));
      else reject(error);
    };
    child.stderr!.on('data', onErr);
    child.stdout!.on('data', onData);
    child.on('close', onClose);
  });
}

const SIZES = [1, 64, 1472, 8000];

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
      // The runner slept in the tap's waitReadable between requests instead of spinning: about one poll a frame.
      assert.ok(s.runner.readableWakes >= 50, `woken by the tap ${s.runner.readableWakes} times`);
      const frames = s.iface.counters.rxFrames;
      assert.ok(s.runner.polls < 4 * frames + 20, `${s.runner.polls} polls for ${frames} frames`);
    } finally {
      await s.stop();
    }
  });

  test('middleware over the tap (a Tracer): the runner polls it, waits on the tap (waitOn), 10 pings answered', async () => {
    let rx = 0;
    let tx = 0;
    const s = startStack(
      (tap) =>
        new Tracer(tap, (direction) => {
          if (direction === 'rx') rx++;
          else tx++;
        }),
    );
    try {
      const r = await finish(s.ns.spawn('ping', ['-c', '10', '-i', '0.02', '-W', '2', OUR_IP]));
      const text = r.stdout.toString();
      assert.match(text, /10 packets transmitted, 10 received, 0% packet loss/, text + r.stderr);
      assert.ok(rx >= 11 && tx >= 11, `the tracer saw ${rx} frames in, ${tx} out`);
      assert.ok(s.runner.readableWakes >= 5, `woken by the tap under the tracer ${s.runner.readableWakes} times`);
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
      assert.is(s.iface.counters.count(RxOutcome.ReassemblyOverlap), 0);
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

  test('socat over UDP: 1-, 64-, 1472- and 8000-byte datagrams echoed byte for byte', async () => {
    const s = startStack();
    try {
      // One socat for all sizes: each datagram is written, and its echo awaited, in turn.
      const child = s.ns.spawn('socat', ['-b', '65536', 'STDIO', `UDP:${OUR_IP}:7`]);
      const done = finish(child);
      for (const size of SIZES) {
        const payload = pattern(size, size);
        const reply = stdoutLength(child, size);
        child.stdin!.write(payload);
        const got = await reply;
        assert.ok(got.equals(payload), `${size}: echoed ${got.length} bytes, equal: ${got.equals(payload)}`);
      }
      child.kill('SIGTERM');
      await done;
      assert.ok(s.iface.counters.txFragments >= 5, 'the 8000-byte reply left in fragments');
    } finally {
      await s.stop();
    }
  });

  test('our 1-, 64-, 1472- and 8000-byte datagrams reach socat listening in the namespace', async () => {
    const s = startStack();
    try {
      const listener = s.ns.spawn('socat', ['-d', '-d', '-u', '-b', '65536', `UDP-RECV:9000,bind=${KERNEL_IP}`, '-']);
      const done = finish(listener, 20_000);
      await waitForStderr(listener, 'starting data transfer loop');
      const datagrams = SIZES.map((size) => pattern(size, size + 9));
      const payload = Buffer.concat(datagrams);
      const received = new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        listener.stdout!.on('data', (c: Buffer) => {
          chunks.push(c);
          const all = Buffer.concat(chunks);
          if (all.length >= payload.length) resolve(all);
        });
      });
      for (const d of datagrams) s.sender.send(d, 0, d.length, Ipv4Address.from(KERNEL_IP).value, 9000);
      s.runner.wake(); // queued from outside onPoll: the sleeping runner must poll now
      const got = await Promise.race([
        received,
        done.then((r) => {
          throw new Error(`socat exited (${r.code}) before the datagram arrived: ${r.stderr}`);
        }),
      ]);
      listener.kill('SIGTERM');
      await done;
      assert.ok(got.equals(payload), `${got.length} bytes, in order and equal: ${got.equals(payload)}`);
      assert.is(s.sender.txPackets, SIZES.length);
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
      const capture = await startCapture(s.ns, s.tapName, `udp and src host ${OUR_IP} and dst host 10.0.2.2`, 1, 20_000);
      const payload = Buffer.from('from far away\n');
      const child = far.spawn('socat', ['-t', '5', '-', `UDP:${OUR_IP}:7`]);
      child.stdin!.end(payload);
      const r = await finish(child);
      assert.is(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(payload), `got ${JSON.stringify(r.stdout.toString())}`);
      const frames = await capture.frames;
      assert.is(frames.length, 1, 'our reply was captured on the tap');
      assert.equal([...frames[0]!.subarray(0, 6)], [...s.kernelMac], 'sent to the gateway (the tap) at the link layer');
      assert.equal([...frames[0]!.subarray(30, 34)], [10, 0, 2, 2], 'addressed to the far host at IP');
      assert.is(s.iface.counters.txNoRoute, 0);
      const ping = await finish(far.spawn('ping', ['-c', '3', '-i', '0.2', '-W', '2', OUR_IP]));
      assert.match(ping.stdout.toString(), /3 received/, ping.stdout.toString());
    } finally {
      far.destroy();
      await s.stop();
    }
  });

  test.run();
}
