// Runner: drives poll from frames, deadlines and wake() with no busy loop and no fixed sleep, stops
// cleanly on abort, and reports a poll mistake or a device that went away by rejecting run().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkedPair, type LinkedDevice } from '../../src/phy/linked-pair.js';
import type { Device, WaitableDevice } from '../../src/phy/device.js';
import { Interface } from '../../src/iface/interface.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { Ipv4Address } from '../../src/wire/ipv4-address.js';
import { Runner, browserNextTurn } from '../../src/runner/runner.js';
import { millis } from '../../src/time.js';

const test = suite('runner');
const B_IP = 0xc0a84502;

const B = Ipv4Address.from('10.9.0.2').value;

function stack(mac: string, cidr: string, port: number, reassemblyTimeout?: number) {
  const iface = new Interface({
    hardwareAddr: mac,
    addresses: [cidr],
    reassembly: reassemblyTimeout === undefined ? undefined : { timeout: reassemblyTimeout },
  });
  const sockets = new SocketSet(4);
  const udp = new UdpSocket();
  udp.bind(port);
  sockets.add(udp);
  return { iface, sockets, udp };
}

/** Lets the event loop go round `n` times (setImmediate): a busy runner would poll meanwhile. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A promise and the function that resolves it, for conditions reached inside afterPoll. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('two runners over a LinkedPair echo 100 datagrams, woken by onReadable, then stop on abort', async () => {
  const pair = new LinkedPair();
  const a = stack('02:00:00:00:00:0a', '10.9.0.1/24', 1000);
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const buf = new Uint8Array(2048);
  const from = new IpEndpoint();
  const payload = new Uint8Array(100);
  let sent = 0;
  let echoed = 0;
  let back = 0;
  const done = signalled();
  const runB = new Runner(b.iface, pair.b, b.sockets, {
    onPoll: () => {
      for (let n; (n = b.udp.recv(buf, 0, buf.length, from)) >= 0; echoed++) b.udp.send(buf, 0, n, from.addr, from.port);
    },
  });
  const runA = new Runner(a.iface, pair.a, a.sockets, {
    onPoll: () => {
      // At most 8 in flight, so B's 16-datagram receive buffer never overflows.
      for (; sent < 100 && sent - back < 8; sent++) {
        payload[0] = sent;
        a.udp.send(payload, 0, 100, B, 2000);
      }
      while (a.udp.recv(buf, 0, buf.length) >= 0) back++;
      if (back === 100) done.resolve();
      else if (sent < 100 && sent - back < 8) runA.wake(); // room again: another turn to send
    },
  });
  pair.a.onReadable = runA.wake;
  pair.b.onReadable = runB.wake;
  const stop = new AbortController();
  const running = Promise.all([runA.run(stop.signal), runB.run(stop.signal)]);
  await done.promise;
  assert.is(echoed, 100);
  // Idle now: nothing is due, so neither runner polls while the event loop goes round.
  const polls = runA.polls + runB.polls;
  await turns(50);
  assert.is(runA.polls + runB.polls, polls, 'an idle runner does not poll');
  stop.abort();
  await running;
  assert.ok(polls < 400, `${polls} polls for 200 datagrams: bursts are taken per poll`);
  assert.ok(runB.explicitWakes > 0, 'B was woken by its onReadable');
  assert.is(a.iface.counters.rxDropped() + b.iface.counters.rxDropped(), 0);
});

/** The first fragment (MF, offset 0) of a UDP datagram from 10.9.0.1 to 10.9.0.2, in an Ethernet frame to `dstMac`. */
function firstFragment(dstMac: number[], srcMac: number[]): Uint8Array {
  const f = new Uint8Array(14 + 20 + 16);
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  f.set([0x08, 0x00], 12);
  const ip = [0x45, 0, 0, 36, 0x12, 0x34, 0x20, 0x00, 64, 17, 0, 0, 10, 9, 0, 1, 10, 9, 0, 2];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip[10] = (~sum >> 8) & 0xff;
  ip[11] = ~sum & 0xff;
  f.set(ip, 14);
  f.set([0x03, 0xe8, 0x07, 0xd0, 0, 40, 0, 0], 34); // UDP 1000 -> 2000, length 40 (more to come)
  return f;
}

function inject(device: Device, frame: Uint8Array): void {
  device.transmit(0)!.consume(frame.length, frame, (src, bytes, offset) => bytes.set(src, offset));
}

test('a deadline from pollDelay (a reassembly timeout) wakes the runner by its timer', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000, millis(20));
  const timedOut = signalled();
  const runB = new Runner(b.iface, pair.b, b.sockets, {
    onPoll: () => {
      if (b.iface.counters.reassemblyTimeouts === 1) timedOut.resolve();
    },
  });
  pair.b.onReadable = runB.wake;
  const stop = new AbortController();
  const running = runB.run(stop.signal);
  inject(pair.a, firstFragment([2, 0, 0, 0, 0, 0x0b], [2, 0, 0, 0, 0, 0x0a]));
  await timedOut.promise;
  assert.ok(runB.timerWakes >= 1, `woken by its timer (${runB.timerWakes})`);
  assert.is(b.iface.counters.count(0), 1, 'the fragment was accepted');
  stop.abort();
  await running;
});

test('wakes before a deadline keep the timer armed for it: one setTimeout, not one per sleep', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000, millis(60_000));
  const runB = new Runner(b.iface, pair.b, b.sockets);
  pair.b.onReadable = runB.wake;
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((f: () => void, ms?: number) => {
    timers++;
    return realSetTimeout(f, ms);
  }) as typeof setTimeout;
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();
  try {
    running = runB.run(stop.signal);
    // A fragment: the interface's deadline is its reassembly timeout, a minute away, at every sleep.
    inject(pair.a, firstFragment([2, 0, 0, 0, 0, 0x0b], [2, 0, 0, 0, 0, 0x0a]));
    await turns(3);
    const armed = timers;
    assert.ok(armed >= 1, 'a timer for the reassembly deadline');
    for (let i = 0; i < 20; i++) {
      runB.wake();
      await turns(2);
    }
    assert.ok(runB.sleeps >= 20, `the runner slept after each wake (${runB.sleeps})`);
    assert.is(timers, armed, 'no timer armed again for the same, or a later, deadline');
  } finally {
    globalThis.setTimeout = realSetTimeout;
    stop.abort();
    await running;
  }
});

test('abort ends a runner sleeping without a deadline; an aborted signal does not start one', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const runner = new Runner(b.iface, pair.b, b.sockets);
  const stop = new AbortController();
  const running = runner.run(stop.signal);
  await turns(5);
  assert.is(runner.polls, 1, 'polled once, then slept: nothing is due');
  assert.is(runner.sleeps, 1);
  stop.abort();
  await running;
  assert.is(runner.polls, 1);
  await runner.run(stop.signal);
  assert.is(runner.polls, 1, 'an aborted signal: no poll');
});

test('wake() before run() or during a turn is not lost; running twice at once is refused', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  let woke = 0;
  const second = signalled();
  const runner = new Runner(b.iface, pair.b, b.sockets, {
    onPoll: () => {
      woke++;
      if (woke === 1) runner.wake(); // from inside a turn
      if (woke === 2) second.resolve();
    },
  });
  const stop = new AbortController();
  const running = runner.run(stop.signal);
  let refused = false;
  try {
    await runner.run(stop.signal);
  } catch (e) {
    refused = /already running/.test((e as Error).message);
  }
  assert.ok(refused, 'a second run() while running is refused');
  await second.promise;
  assert.is(runner.explicitWakes, 1);
  stop.abort();
  await running;
});

test('run() rejects with what onPoll threw, and can run again afterwards', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  let turns = 0;
  const runner = new Runner(b.iface, pair.b, b.sockets, {
    onPoll: () => {
      turns++;
      if (turns === 1) throw new Error('application bug');
    },
  });
  let error: Error | null = null;
  try {
    await runner.run();
  } catch (e) {
    error = e as Error;
  }
  assert.is(error?.message, 'application bug');
  const stop = new AbortController();
  const again = runner.run(stop.signal);
  stop.abort();
  await again;
  assert.is(turns, 2, 'not left marked as running');
});

test('run() rejects when poll throws for a programmer mistake (a device that is not Ethernet)', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const notEthernet: Device = {
    capabilities: () => ({ ...pair.b.capabilities(), medium: 'ip' as 'ethernet' }),
    receive: () => null,
    transmit: () => null,
  };
  const runner = new Runner(b.iface, notEthernet, b.sockets);
  let error: Error | null = null;
  try {
    await runner.run();
  } catch (e) {
    error = e as Error;
  }
  assert.ok(error && /Ethernet/.test(error.message), String(error));
});

/** A LinkedPair end with waitReadable, as a tap has: resolves when a frame is queued for it. */
class WaitableEnd implements WaitableDevice {
  waits = 0;
  fail: Error | null = null;
  private resolve: (() => void) | null = null;
  constructor(readonly end: LinkedDevice) {
    end.onReadable = () => {
      const r = this.resolve;
      this.resolve = null;
      r?.();
    };
  }
  capabilities() {
    return this.end.capabilities();
  }
  receive(t: number) {
    return this.end.receive(t);
  }
  transmit(t: number) {
    return this.end.transmit(t);
  }
  waitReadable(timeout: number | null): Promise<void> {
    assert.is(timeout, null, 'the runner keeps deadlines itself');
    this.waits++;
    if (this.fail) return Promise.reject(this.fail);
    if (this.end.queued > 0) return Promise.resolve();
    return new Promise((r) => (this.resolve = r));
  }
}

test('a waitable device wakes the runner when a frame is readable, one waitReadable at a time', async () => {
  const pair = new LinkedPair();
  const a = stack('02:00:00:00:00:0a', '10.9.0.1/24', 1000);
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const device = new WaitableEnd(pair.b);
  const got = signalled();
  const runner = new Runner(b.iface, device, b.sockets, {
    onPoll: () => {
      if (b.udp.recvQueue === 3) got.resolve();
    },
  });
  const stop = new AbortController();
  const running = runner.run(stop.signal);
  await turns(3);
  a.udp.send(new Uint8Array(10), 0, 10, B, 2000);
  a.udp.send(new Uint8Array(10), 0, 10, B, 2000);
  a.udp.send(new Uint8Array(10), 0, 10, B, 2000);
  const t = Date.now() * 1000;
  a.iface.poll(t, pair.a, a.sockets); // ARP request; the datagrams wait
  await turns(5); // B answers
  a.iface.poll(t + 1, pair.a, a.sockets); // the datagrams go
  await got.promise;
  assert.ok(runner.readableWakes >= 2, `${runner.readableWakes} readable wakes`);
  assert.ok(device.waits <= runner.readableWakes + 1, `${device.waits} waitReadable calls`);
  stop.abort();
  await running;
});

test('run() rejects with the error of a device that went away (waitReadable rejected)', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const device = new WaitableEnd(pair.b);
  device.fail = new Error('device gone');
  const runner = new Runner(b.iface, device, b.sockets);
  let error: Error | null = null;
  try {
    await runner.run();
  } catch (e) {
    error = e as Error;
  }
  assert.is(error?.message, 'device gone');
});

test('two runners woken by the application itself (it sees frames queued for the peer), ten round trips', async () => {
  const pair = new LinkedPair();
  const A = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const B = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['192.168.69.2/24'] });
  const socketsA = new SocketSet(1);
  const socketsB = new SocketSet(1);
  const client = new UdpSocket();
  client.bind(1000);
  const server = new UdpSocket();
  server.bind(7);
  socketsA.add(client);
  socketsB.add(server);
  const controller = new AbortController();
  const buffer = new Uint8Array(100);
  const from = new IpEndpoint();
  let replies = 0;
  // An in-memory link has nothing to wait on: each runner wakes the other when it left it frames.
  let runnerA: Runner;
  const runnerB = new Runner(B, pair.b, socketsB, {
    onPoll: () => {
      for (let n = server.recv(buffer, 0, 100, from); n >= 0; n = server.recv(buffer, 0, 100, from)) {
        server.send(buffer, 0, n, from.addr, from.port);
      }
      if (pair.a.queued > 0) runnerA.wake();
    },
  });
  runnerA = new Runner(A, pair.a, socketsA, {
    onPoll: () => {
      while (client.recv(buffer, 0, 100, from) >= 0) {
        assert.is(from.addr, B_IP);
        replies++;
        if (replies === 10) controller.abort();
        else client.send(buffer, 0, 4, B_IP, 7);
      }
      if (pair.b.queued > 0) runnerB.wake();
    },
  });
  client.send(Uint8Array.of(1, 2, 3, 4), 0, 4, B_IP, 7);
  await Promise.all([runnerA.run(controller.signal), runnerB.run(controller.signal)]);
  assert.is(replies, 10);
  assert.ok(runnerA.sleeps > 0, 'the runner slept between exchanges');
  // ARP both ways and ten round trips need a few dozen polls, not a spin.
  assert.ok(runnerA.polls < 200, `${runnerA.polls} polls`);
});

test('an idle runner sleeps until aborted', async () => {
  const pair = new LinkedPair();
  const iface = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const controller = new AbortController();
  const runner = new Runner(iface, pair.a, new SocketSet(1), {
    onPoll: () => {
      if (runner.polls === 1) setImmediate(() => controller.abort());
    },
  });
  await runner.run(controller.signal);
  assert.is(runner.polls, 1, 'one poll, then asleep until the abort');
  await runner.run(AbortSignal.abort());
  assert.is(runner.polls, 1, 'an aborted signal: no poll at all');
});

test('in a browser page (window and MessageChannel, no setImmediate), turns run in order through posted messages', async () => {
  assert.is(browserNextTurn(), null, 'Node has no window: setImmediate is used');
  const g = globalThis as { window?: unknown };
  g.window = globalThis;
  try {
    const nextTurn = browserNextTurn()!;
    assert.ok(nextTurn !== null);
    const ran: number[] = [];
    // The channel's port is unref'd (it must not keep a process alive), so a timer holds this one open.
    const keepAlive = setTimeout(() => undefined, 60_000);
    await new Promise<void>((resolve) => {
      nextTurn(() => ran.push(1));
      nextTurn(() => ran.push(2));
      nextTurn(() => {
        ran.push(3);
        resolve();
      });
      assert.equal(ran, [], 'nothing runs before a later turn');
    });
    clearTimeout(keepAlive);
    assert.equal(ran, [1, 2, 3]);
  } finally {
    delete g.window;
  }
});

test.run();
