// TapInterface against the Linux kernel, in a network namespace per test: the kernel's ARP requests
// reach us, tcpdump sees what we send, waitReadable wakes on arrival and on timeout without stopping
// the event loop, and each setup mistake a user can make gives its PhyError.
import { readlinkSync, statSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { thrownPhyError } from '../helpers/phy-error.js';
import { Netns, disableIpv6, runModuleInNetns, startCapture, withNetns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { PhyError } from '../../src/phy/errors.js';
import { ChecksumCapabilities } from '../../src/phy/capabilities.js';
import { interfaceHardwareAddress } from '../../src/phy/sys/interface.js';
import { millis, seconds } from '../../src/time.js';

/** Settles on the event loop's next turn (after every microtask queued before it). */
function nextTurn(): Promise<string> {
  return new Promise((resolve) => setImmediate(() => resolve('next turn')));
}

const test = suiteNeeding('phy/tap', ['root', 'tcpdump', 'ping', 'setpriv']);

let serial = 0;
/** A tap name unique to this process and test (at most 15 bytes). */
function tapName(): string {
  return `tp${process.pid % 100000}x${serial++}`;
}

/** A namespace with tap `name` holding `address`, IPv6 off so the only traffic is what a test causes. */
function namespaceWithTap(name: string, address: string | null, up = true): Netns {
  const ns = Netns.create('tap');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
    disableIpv6(ns, name);
    if (address !== null) ns.run('ip', ['addr', 'add', address, 'dev', name]);
    if (up) ns.run('ip', ['link', 'set', name, 'up']);
  } catch (e) {
    ns.destroy();
    throw e;
  }
  return ns;
}

/** Receives frames until `match` accepts one or `timeoutUs` passes; returns a copy of it or null. */
async function receiveMatching(
  tap: TapInterface,
  match: (frame: Uint8Array) => boolean,
  timeoutUs: number,
): Promise<Uint8Array | null> {
  const deadline = performance.now() + timeoutUs / 1000;
  for (;;) {
    let pair;
    while ((pair = tap.receive(0)) !== null) {
      const frame = pair.rx.consume(null, (_ctx, bytes, offset, length) => bytes.slice(offset, offset + length));
      if (match(frame)) return frame;
    }
    const left = deadline - performance.now();
    if (left <= 0) return null;
    await tap.waitReadable(Math.ceil(left * 1000));
  }
}

function ipv4Bytes(dotted: string): number[] {
  return dotted.split('.').map(Number);
}

function isArpRequestFor(frame: Uint8Array, target: string): boolean {
  const t = ipv4Bytes(target);
  return (
    frame.length >= 42 &&
    frame[12] === 0x08 && frame[13] === 0x06 && // EtherType ARP
    frame[20] === 0 && frame[21] === 1 && // operation: request
    frame[38] === t[0] && frame[39] === t[1] && frame[40] === t[2] && frame[41] === t[3]
  );
}

if (test) {
  test('a kernel ARP request for an address on the subnet arrives at the tap', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, '10.77.1.1/24');
    let tap: TapInterface | null = null;
    const ping = () => ns.spawn('ping', ['-c1', '-W1', '10.77.1.2']);
    try {
      let kernelMac: Uint8Array = new Uint8Array(0);
      tap = withNetns(ns, () => {
        kernelMac = interfaceHardwareAddress(name);
        return new TapInterface(name);
      });
      assert.is(tap.mtu, 1500);
      assert.is(tap.capabilities().maxTransmissionUnit, 1514);
      assert.is(tap.capabilities().medium, 'ethernet');
      const pinger = ping();
      const frame = await receiveMatching(tap, (f) => isArpRequestFor(f, '10.77.1.2'), seconds(3));
      pinger.kill();
      assert.ok(frame, 'no ARP request for 10.77.1.2 within 3 s');
      assert.equal([...frame!.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'broadcast destination');
      assert.equal([...frame!.subarray(6, 12)], [...kernelMac], 'source is the tap');
      assert.equal([...frame!.subarray(22, 28)], [...kernelMac], 'sender hardware address');
      assert.equal([...frame!.subarray(28, 32)], ipv4Bytes('10.77.1.1'), 'sender protocol address');
      assert.ok(tap.rxFrames >= 1);
      assert.is(tap.rxErrors, 0);
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test('a frame we transmit is seen by tcpdump on the tap', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null);
    let tap: TapInterface | null = null;
    try {
      tap = withNetns(ns, () => new TapInterface(name));
      // IEEE 802 local experimental EtherType 0x88b5 so nothing else matches the filter.
      const frame = new Uint8Array(60);
      frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5]);
      for (let i = 14; i < frame.length; i++) frame[i] = i * 7;
      const capture = await startCapture(ns, name, 'ether proto 0x88b5');
      const token = tap.transmit(0);
      assert.ok(token);
      const written = token!.consume(frame.length, frame, (src, bytes, offset, length) => {
        bytes.set(src, offset);
        return length;
      });
      assert.is(written, 60);
      const frames = await capture.frames;
      assert.is(frames.length, 1, 'tcpdump captured our frame');
      assert.equal([...frames[0]], [...frame]);
      assert.is(tap.txFrames, 1);
      assert.is(tap.txErrors, 0);
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test("capabilities follow the interface's MTU and the options; a larger frame is a programmer mistake", () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null);
    let tap: TapInterface | null = null;
    try {
      ns.run('ip', ['link', 'set', name, 'mtu', '9000']);
      const checksum = ChecksumCapabilities.ignored();
      tap = withNetns(ns, () => new TapInterface(name, { maxBurstSize: 8, checksum }));
      assert.is(tap.mtu, 9000);
      const caps = tap.capabilities();
      assert.is(caps.maxTransmissionUnit, 9014);
      assert.is(caps.maxBurstSize, 8);
      assert.is(caps.checksum, checksum);
      assert.is(tap.transmit(0)!.consume(9014, null, (_c, bytes, offset, length) => bytes.length >= offset + length), true);
      assert.throws(() => tap!.transmit(0)!.consume(9015, null, () => 0), (e: Error) => e instanceof RangeError);
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test('waitReadable times out on a silent tap while the event loop keeps running', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null, false); // down: the kernel sends nothing
    let tap: TapInterface | null = null;
    try {
      tap = withNetns(ns, () => new TapInterface(name));
      let ticks = 0;
      const interval = setInterval(() => ticks++, 5);
      const start = performance.now();
      await tap.waitReadable(millis(100));
      const elapsed = performance.now() - start;
      clearInterval(interval);
      // Node may fire a timer up to 1 ms early (its loop clock is sampled once per iteration).
      assert.ok(elapsed >= 99, `resolved after ${elapsed} ms, before the 100 ms timeout`);
      assert.ok(ticks >= 5, `only ${ticks} interval ticks while waiting`);
      assert.is(tap.receive(0), null);
      // A zero timeout resolves at once: before the event loop's next turn, not by a timer.
      assert.is(await Promise.race([tap.waitReadable(0).then(() => 'resolved'), nextTurn()]), 'resolved');
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test('waitReadable without timeout resolves when a frame arrives, with the event loop running', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, '10.77.2.1/24');
    let tap: TapInterface | null = null;
    try {
      tap = withNetns(ns, () => new TapInterface(name));
      assert.is(tap.receive(0), null, 'nothing queued before the ping');
      // The ping starts only after the event loop has run five timer callbacks during the wait (counted in
      // ticks, not milliseconds: a loaded machine may run the timers late), so a wait that blocked the loop
      // would hang until the guard, and one that woke before anything was sent is seen doing so.
      let ticks = 0;
      let sent = false;
      const interval = setInterval(() => {
        if (++ticks === 5) {
          sent = true;
          ns.spawn('ping', ['-c1', '-W1', '10.77.2.2']);
        }
      }, 5);
      const guard = setTimeout(() => tap!.close(), 20_000); // a hang fails below instead of stalling the run
      const woke = tap.waitReadable(null).then(() => sent);
      assert.ok(await woke, 'woke before anything was sent');
      clearInterval(interval);
      clearTimeout(guard);
      assert.ok(tap.fileDescriptor >= 0, 'woke only because the guard closed the tap');
      assert.ok(ticks >= 5, `only ${ticks} interval ticks while waiting`);
      const frame = await receiveMatching(tap, (f) => isArpRequestFor(f, '10.77.2.2'), 0);
      assert.ok(frame, 'the frame that woke us is the ARP request');
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test('close settles a pending waitReadable and later waits resolve at once', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null, false);
    try {
      const tap = withNetns(ns, () => new TapInterface(name));
      const pending = tap.waitReadable(null);
      const second = tap.waitReadable(seconds(10));
      setTimeout(() => tap.close(), 10);
      await pending;
      await second;
      await tap.waitReadable(null);
      assert.is(tap.receive(0), null);
      assert.is(tap.transmit(0), null);
      assert.is(tap.fileDescriptor, -1);
      tap.close(); // twice is harmless
    } finally {
      ns.destroy();
    }
  });

  test('a tap deleted while attached makes waitReadable reject instead of spinning', async () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null);
    let tap: TapInterface | null = null;
    try {
      tap = withNetns(ns, () => new TapInterface(name));
      ns.run('ip', ['link', 'del', name]);
      await tap.waitReadable(seconds(2)); // the detached descriptor polls as readable (in error)
      assert.is(tap.receive(0), null);
      assert.is(tap.rxErrors, 1);
      assert.is(tap.failure?.code, 'ERR_PHY_DEVICE_GONE');
      let rejected: unknown = null;
      await tap.waitReadable(seconds(2)).catch((e: unknown) => (rejected = e));
      assert.is(rejected, tap.failure);
      assert.match((rejected as PhyError).message, `tap '${name}' went away while in use`);
      assert.is(tap.transmit(0)!.consume(60, null, () => 'sent'), 'sent', 'transmit stays a value, not a throw');
      assert.is(tap.txErrors, 1);
    } finally {
      tap?.close();
      ns.destroy();
    }
  });

  test('withNetns returns the thread to its own namespace, also when the callback throws', () => {
    const ns = Netns.create('tap');
    try {
      const own = readlinkSync('/proc/thread-self/ns/net');
      const inside = withNetns(ns, () => readlinkSync('/proc/thread-self/ns/net'));
      assert.is.not(inside, own);
      assert.throws(() => withNetns(ns, () => {
        throw new Error('boom');
      }), /boom/);
      assert.is(readlinkSync('/proc/thread-self/ns/net'), own);
    } finally {
      ns.destroy();
    }
  });

  test('a process that waited on a tap and closed it exits by itself', () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null);
    try {
      // No process.exit: the child ends only if close() released everything that keeps the loop alive.
      const child = runModuleInNetns(ns, [], `
        const tap = new TapInterface(${JSON.stringify(name)});
        await tap.waitReadable(20_000);
        tap.waitReadable(null);
        tap.close();
        console.log('closed');`);
      assert.is(child.status, 0, child.stderr);
      assert.is(child.stdout.trim(), 'closed');
    } finally {
      ns.destroy();
    }
  });

  test('a tap that does not exist gives the commands that create it', () => {
    const ns = Netns.create('tap');
    try {
      const error = thrownPhyError(() => withNetns(ns, () => new TapInterface('nosuchtap0')));
      assert.is(error.code, 'ERR_PHY_NO_SUCH_INTERFACE');
      assert.match(error.message, "there is no tap named 'nosuchtap0'");
      assert.match(error.message, 'ip tuntap add name nosuchtap0 mode tap user $USER');
      assert.match(error.message, 'ip link set nosuchtap0 up');
    } finally {
      ns.destroy();
    }
  });

  test('create: true makes a transient tap that disappears on close', () => {
    const ns = Netns.create('tap');
    const name = tapName();
    try {
      const tap = withNetns(ns, () => new TapInterface(name, { create: true }));
      assert.match(ns.run('ip', ['link', 'show', name]), name);
      tap.close();
      assert.throws(() => ns.run('ip', ['link', 'show', name]));
    } finally {
      ns.destroy();
    }
  });

  test('an interface that is not a tap is refused', () => {
    const ns = Netns.create('tap');
    try {
      const error = thrownPhyError(() => withNetns(ns, () => new TapInterface('lo')));
      assert.is(error.code, 'ERR_PHY_NOT_A_TAP');
      assert.match(error.message, "'lo' is an interface but not a tap");
    } finally {
      ns.destroy();
    }
  });

  test('a tap another program holds is reported busy', () => {
    const name = tapName();
    const ns = namespaceWithTap(name, null);
    let first: TapInterface | null = null;
    try {
      first = withNetns(ns, () => new TapInterface(name));
      const error = thrownPhyError(() => withNetns(ns, () => new TapInterface(name)));
      assert.is(error.code, 'ERR_PHY_TAP_BUSY');
    } finally {
      first?.close();
      ns.destroy();
    }
  });

  test("a tap owned by another user needs the owner's account or CAP_NET_ADMIN", () => {
    const ns = Netns.create('tap');
    const foreign = tapName();
    const own = tapName();
    try {
      ns.run('ip', ['tuntap', 'add', 'name', foreign, 'mode', 'tap', 'user', '65534']);
      ns.run('ip', ['tuntap', 'add', 'name', own, 'mode', 'tap', 'user', '0']);
      // Root without CAP_NET_ADMIN: may open /dev/net/tun, may not take another user's tap.
      const child = runModuleInNetns(ns, ['--bounding-set=-net_admin'], `
        for (const name of [${JSON.stringify(foreign)}, ${JSON.stringify(own)}]) {
          try { new TapInterface(name).close(); console.log('opened'); }
          catch (e) { console.log(e.code); }
        }`);
      assert.is(child.status, 0, child.stderr);
      // The fix the message suggests (a tap owned by the user) is what makes the second one work.
      assert.equal(child.stdout.trim().split('\n'), ['ERR_PHY_TAP_PERMISSION', 'opened']);
    } finally {
      ns.destroy();
    }
  });

  test('a user who may not open /dev/net/tun is told so', () => {
    const ns = Netns.create('tap');
    const name = tapName();
    try {
      ns.run('ip', ['tuntap', 'add', 'name', name, 'mode', 'tap']);
      const nobody = { uid: 65534, gid: 65534 };
      const child = runModuleInNetns(ns, [], `
        console.log(process.getuid(), process.geteuid(), process.getgid(), process.getgroups().join(','));
        try { new TapInterface(${JSON.stringify(name)}).close(); console.log('opened'); }
        catch (e) { console.log(e.code); console.log(e.message); }`, nobody);
      assert.is(child.status, 0, child.stderr);
      const [ids, code, message] = child.stdout.trim().split('\n');
      // Node's getgroups() lists the effective group too: nobody's group is the only one.
      assert.is(ids, '65534 65534 65534 65534', 'the snippet ran as nobody, in no other group');
      // Whether nobody may open /dev/net/tun depends on its mode (0666 on most systems, 0600 on some).
      const worldUsable = (statSync('/dev/net/tun').mode & 0o006) === 0o006;
      assert.is(code, worldUsable ? 'opened' : 'ERR_PHY_TUN_PERMISSION', message);
      if (!worldUsable) assert.match(message, 'no permission to open /dev/net/tun');
    } finally {
      ns.destroy();
    }
  });

  test.run();
}
