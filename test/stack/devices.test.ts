// The existing devices under a NetStack: a Loopback (the stack talks to itself) and a tap in a network
// namespace the test creates, where the Linux kernel (socat) is the peer.
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import type { ChildProcess } from 'node:child_process';
import { Loopback } from '../../src/phy/loopback.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { NetError, NetStack } from '../../src/stack/index.js';
import { Netns, disableIpv6, startCapture, waitForListener, withNetns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { waitForExit } from '../helpers/child.js';
import { pattern, readAll, sha256, writeAll } from './support.js';

const loopback = suite('stack/devices: loopback');

loopback('a stack on a Loopback connects to its own listener and pings itself', async () => {
  const stack = new NetStack({ device: new Loopback(), address: '10.4.0.1/24' });
  try {
    const server = stack.listenTcp({ port: 80 });
    const served = server.accept().then(async (conn) => {
      await conn!.readable.pipeTo(conn!.writable);
    });
    const conn = await stack.connectTcp({ host: '10.4.0.1', port: 80 });
    const data = pattern(200_000, 5);
    const [echoed] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, data)]);
    assert.is(sha256(echoed), sha256(data));
    await served;
    assert.ok((await stack.ping('10.4.0.1')) >= 0);
  } finally {
    await stack.close();
  }
});

loopback.run();

const tap = suiteNeeding('stack/devices: tap', ['root', 'socat', 'tcpdump']);

tap?.('a stack on a tap in a namespace: the kernel pings it, socat sends to its listener, it connects to socat', async () => {
  const name = `st${process.pid % 100000}`;
  const ns = Netns.create('stack');
  const children: ChildProcess[] = [];
  let device: TapInterface | null = null;
  let stack: NetStack | null = null;
  try {
    ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
    disableIpv6(ns, name);
    ns.run('ip', ['addr', 'add', '10.78.0.1/24', 'dev', name]);
    ns.run('ip', ['link', 'set', name, 'up']);
    device = withNetns(ns, () => new TapInterface(name));
    stack = new NetStack({ device, address: '10.78.0.2/24' });
    const s = stack;

    // The kernel pings us (ping(8) runs in the namespace, as a child: the event loop must stay free for
    // the stack to answer).
    const ping = ns.spawn('ping', ['-c', '2', '-W', '5', '10.78.0.2']);
    children.push(ping);
    let pingOut = '';
    ping.stdout!.on('data', (chunk: Buffer) => (pingOut += chunk.toString()));
    assert.is(await waitForExit(ping), 0, pingOut);
    assert.match(pingOut, '2 received');
    assert.ok((await s.ping('10.78.0.1')) >= 0);

    // Kernel to our listener: socat sends 256 KiB and closes.
    const data = pattern(256 << 10, 9);
    const server = s.listenTcp({ port: 8080 });
    const sender = ns.spawn('socat', ['-u', 'STDIN', 'TCP:10.78.0.2:8080']);
    children.push(sender);
    sender.stdin!.end(data);
    const conn = (await server.accept())!;
    assert.is(conn.remoteAddress, '10.78.0.1');
    assert.is(sha256(await readAll(conn.readable)), sha256(data));
    assert.is(await waitForExit(sender), 0);

    // Us to the kernel: socat echoes (PIPE) what we send; we read it all back, then close.
    const echo = ns.spawn('socat', ['TCP-LISTEN:7,bind=10.78.0.1,reuseaddr', 'PIPE']);
    children.push(echo);
    await waitForListener(ns, 'tcp', 7);
    const client = await s.connectTcp({ host: '10.78.0.1', port: 7 });
    const back = new Uint8Array(data.length);
    const reading = (async () => {
      let got = 0;
      while (got < back.length) {
        const n = await client.read(back.subarray(got));
        if (n < 0) break;
        got += n;
      }
      return got;
    })();
    await client.write(data);
    assert.is(await reading, data.length);
    assert.is(sha256(back), sha256(data));
    client.close();
    await client.closed;
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await stack?.close();
    device?.close();
    ns.destroy();
  }
});

tap?.('the kernel as our router: its ICMP net unreachable, host unreachable and prohibited end a connect at once, as ENETUNREACH and EHOSTUNREACH', async () => {
  const name = `su${process.pid % 100000}`;
  const ns = Netns.create('unreach');
  let device: TapInterface | null = null;
  let stack: NetStack | null = null;
  try {
    ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
    disableIpv6(ns, name);
    ns.run('ip', ['addr', 'add', '10.79.0.1/24', 'dev', name]);
    ns.run('ip', ['link', 'set', name, 'up']);
    // The namespace's kernel forwards, and knows three kinds of destination it cannot reach: no route
    // (10.97/16: net unreachable), an unreachable route (host unreachable), a prohibit route (code 13,
    // communication administratively prohibited).
    ns.run('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    ns.run('ip', ['route', 'add', 'unreachable', '10.99.0.0/24']);
    ns.run('ip', ['route', 'add', 'prohibit', '10.98.0.0/24']);
    device = withNetns(ns, () => new TapInterface(name));
    stack = new NetStack({ device, address: '10.79.0.2/24', gateway: '10.79.0.1' });
    const capture = await startCapture(ns, name, 'icmp', 3, 60_000);
    const codes: Record<string, string> = {};
    for (const host of ['10.97.0.5', '10.99.0.5', '10.98.0.5']) {
      const error = await stack.connectTcp({ host, port: 80 }).then(
        () => null,
        (e: unknown) => e as NetError,
      );
      assert.instance(error, NetError, host);
      codes[host] = error!.code;
    }
    assert.equal(codes, { '10.97.0.5': 'ENETUNREACH', '10.99.0.5': 'EHOSTUNREACH', '10.98.0.5': 'EHOSTUNREACH' });
    // What the kernel sent, as tcpdump captured it: destination unreachable, codes 0, 1 and 13, each quoting our SYN.
    const frames = await capture.frames;
    assert.is(frames.length, 3);
    assert.equal(frames.map((f) => [f[34], f[35]]), [[3, 0], [3, 1], [3, 13]]);
    for (const f of frames) assert.is(f[34 + 8 + 9], 6, 'the quoted datagram is TCP');
  } finally {
    await stack?.close();
    device?.close();
    ns.destroy();
  }
});

tap?.run();
