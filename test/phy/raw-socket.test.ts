// RawSocket on a veth pair inside a namespace per test: it sees what the kernel sends from the other
// end (and in which direction), what it sends reaches tcpdump on the other end, and raw sockets
// without CAP_NET_RAW fail with the advice to grant it.
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, runModuleInNetns, startCapture, waitForLinkUp, withNetns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { PACKET_BROADCAST, PACKET_OUTGOING, RawSocket } from '../../src/phy/raw-socket.js';
import { millis, seconds } from '../../src/time.js';

const test = suiteNeeding('phy/raw-socket', ['root', 'tcpdump', 'ping', 'setpriv']);

let serial = 0;

/** A namespace with veth pair a <-> b, both up, IPv6 off, `b` holding 10.78.0.1/24. */
function namespaceWithVeth(): { ns: Netns; a: string; b: string } {
  const id = `${process.pid % 100000}x${serial++}`;
  const a = `va${id}`;
  const b = `vb${id}`;
  const ns = Netns.create('raw');
  try {
    ns.run('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    for (const name of [a, b]) disableIpv6(ns, name);
    ns.run('ip', ['addr', 'add', '10.78.0.1/24', 'dev', b]);
    ns.run('ip', ['link', 'set', a, 'up']);
    ns.run('ip', ['link', 'set', b, 'up']);
  } catch (e) {
    ns.destroy();
    throw e;
  }
  return { ns, a, b };
}

interface Received {
  frame: Uint8Array;
  packetType: number;
}

async function receiveMatching(raw: RawSocket, match: (f: Uint8Array) => boolean, timeoutUs: number): Promise<Received | null> {
  const deadline = performance.now() + timeoutUs / 1000;
  for (;;) {
    let pair;
    while ((pair = raw.receive(0)) !== null) {
      const frame = pair.rx.consume(null, (_c, bytes, offset, length) => bytes.slice(offset, offset + length));
      if (match(frame)) return { frame, packetType: raw.packetType };
    }
    const left = deadline - performance.now();
    if (left <= 0) return null;
    await raw.waitReadable(Math.ceil(left * 1000));
  }
}

function isArpRequestFor(frame: Uint8Array, target: number[]): boolean {
  return (
    frame.length >= 42 && frame[12] === 0x08 && frame[13] === 0x06 && frame[21] === 1 &&
    frame[38] === target[0] && frame[39] === target[1] && frame[40] === target[2] && frame[41] === target[3]
  );
}

const probe = (bytes: Uint8Array) => bytes.length >= 14 && bytes[12] === 0x88 && bytes[13] === 0xb5;

if (test) {
  test('sees what the other end of a veth pair sends, as broadcast, and the sender sees it as outgoing', async () => {
    const { ns, a, b } = namespaceWithVeth();
    let far: RawSocket | null = null;
    let near: RawSocket | null = null;
    try {
      [far, near] = withNetns(ns, () => [new RawSocket(a), new RawSocket(b)]);
      assert.is(far.mtu, 1500);
      assert.is(far.capabilities().maxTransmissionUnit, 1514);
      const pinger = ns.spawn('ping', ['-c1', '-W1', '10.78.0.2']);
      const arrived = await receiveMatching(far, (f) => isArpRequestFor(f, [10, 78, 0, 2]), seconds(3));
      const left = await receiveMatching(near, (f) => isArpRequestFor(f, [10, 78, 0, 2]), seconds(1));
      pinger.kill();
      assert.ok(arrived, `no ARP request on ${a}`);
      assert.ok(left, `no outgoing ARP request on ${b}`);
      assert.equal([...arrived!.frame], [...left!.frame], 'the same bytes on both ends');
      assert.is(arrived!.packetType, PACKET_BROADCAST);
      assert.is(left!.packetType, PACKET_OUTGOING);
      assert.ok(near.lastFrameOutgoing);
      assert.is(far.rxErrors, 0);
    } finally {
      far?.close();
      near?.close();
      ns.destroy();
    }
  });

  test('ignoreOutgoing hides what this host sends', async () => {
    const { ns, b } = namespaceWithVeth();
    let all: RawSocket | null = null;
    let incoming: RawSocket | null = null;
    try {
      [all, incoming] = withNetns(ns, () => [new RawSocket(b), new RawSocket(b, { ignoreOutgoing: true })]);
      const pinger = ns.spawn('ping', ['-c1', '-W1', '10.78.0.2']);
      const seen = await receiveMatching(all, (f) => isArpRequestFor(f, [10, 78, 0, 2]), seconds(3));
      pinger.kill();
      assert.ok(seen, 'the ARP request left');
      // The kernel queues a frame to every packet socket in the same pass, so it is in `incoming` by now.
      assert.is(incoming.receive(0), null);
    } finally {
      all?.close();
      incoming?.close();
      ns.destroy();
    }
  });

  test('a frame it sends is seen by tcpdump on the other end, and not by itself', async () => {
    const { ns, a, b } = namespaceWithVeth();
    let raw: RawSocket | null = null;
    try {
      raw = withNetns(ns, () => new RawSocket(a));
      await waitForLinkUp(ns, a);
      await waitForLinkUp(ns, b);
      const frame = new Uint8Array(100);
      frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5]);
      for (let i = 14; i < frame.length; i++) frame[i] = 255 - i;
      const capture = await startCapture(ns, b, 'ether proto 0x88b5');
      raw.transmit(0)!.consume(frame.length, frame, (src, bytes, offset) => bytes.set(src, offset));
      const frames = await capture.frames;
      assert.is(frames.length, 1, 'tcpdump captured our frame');
      assert.equal([...frames[0]], [...frame]);
      assert.is(raw.txFrames, 1);
      assert.is(raw.txErrors, 0);
      assert.is(await receiveMatching(raw, probe, millis(50)), null, 'our own frame came back to us');
    } finally {
      raw?.close();
      ns.destroy();
    }
  });

  test('waitReadable resolves on arrival and close settles a pending wait', async () => {
    const { ns, a, b } = namespaceWithVeth();
    let far: RawSocket | null = null;
    let near: RawSocket | null = null;
    try {
      [far, near] = withNetns(ns, () => [new RawSocket(a), new RawSocket(b)]);
      await waitForLinkUp(ns, a);
      await waitForLinkUp(ns, b);
      const waiting = far.waitReadable(seconds(60));
      setTimeout(() => near!.transmit(0)!.consume(60, null, (_c, bytes) => {
        bytes.fill(0);
        bytes.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x03, 0x88, 0xb5]);
      }), 20);
      await waiting;
      // Woken by the frame, not by the 60 s timeout: the frame is there to read.
      assert.ok(await receiveMatching(far, probe, 0), 'woke by the timeout, not the frame');
      const pending = near.waitReadable(null);
      near.close();
      await pending;
      assert.is(near.receive(0), null);
      assert.is(near.transmit(0), null);
    } finally {
      far?.close();
      near?.close();
      ns.destroy();
    }
  });

  test('an interface set down recovers; one deleted makes waitReadable reject', async () => {
    const { ns, a, b } = namespaceWithVeth();
    let downed: RawSocket | null = null;
    let deleted: RawSocket | null = null;
    try {
      [downed, deleted] = withNetns(ns, () => [new RawSocket(a), new RawSocket(b)]);
      ns.run('ip', ['link', 'set', a, 'down']);
      await downed.waitReadable(seconds(2));
      assert.is(downed.receive(0), null);
      assert.is(downed.lastErrno, 100, 'ENETDOWN');
      assert.is(downed.failure, null, 'down is not gone');
      ns.run('ip', ['link', 'del', b]); // takes its peer `a` with it
      await deleted.waitReadable(seconds(2));
      assert.is(deleted.receive(0), null);
      assert.is(deleted.failure?.code, 'ERR_PHY_DEVICE_GONE');
      await deleted.waitReadable(null).then(
        () => assert.unreachable('waitReadable resolved on a deleted interface'),
        (e: Error) => assert.match(e.message, `interface '${b}' went away while in use`),
      );
    } finally {
      downed?.close();
      deleted?.close();
      ns.destroy();
    }
  });

  test('without CAP_NET_RAW the error says how to grant it', () => {
    const ns = Netns.create('raw');
    try {
      const child = runModuleInNetns(ns, ['--bounding-set=-net_raw'], `
        try { new RawSocket('lo').close(); console.log('opened'); }
        catch (e) { console.log(e.code); console.log(e.message); }`);
      assert.is(child.status, 0, child.stderr);
      const [code, message] = child.stdout.trim().split('\n');
      assert.is(code, 'ERR_PHY_RAW_PERMISSION');
      assert.match(message, 'raw sockets need root or CAP_NET_RAW');
      assert.match(message, 'setcap cap_net_raw+ep');
    } finally {
      ns.destroy();
    }
  });

  test('an interface missing from the namespace is reported by name', () => {
    const ns = Netns.create('raw');
    try {
      assert.throws(
        () => withNetns(ns, () => new RawSocket('eth0')),
        (e: Error & { code?: string }) => e.code === 'ERR_PHY_NO_SUCH_INTERFACE' && e.message.includes("'eth0'"),
      );
    } finally {
      ns.destroy();
    }
  });

  test.run();
}
