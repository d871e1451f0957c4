// Runner: drives poll from frames, deadlines and wake() with no busy loop and no fixed sleep, stops
// cleanly on abort, and reports a poll mistake or a device that went away by rejecting run().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkedPair, type LinkedEnd } from '../../src/phy/linked-pair.js';
import type { Device, WaitableDevice } from '../../src/phy/device.js';
import { Interface } from '../../src/iface/interface.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { parseIpv4 } from '../../src/wire/ipv4-address.js';
import { Runner } from '../../src/runner/runner.js';
import { millis } from '../../src/time.js';

const test = suite('runner');

const B = parseIpv4('10.9.0.2');

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
  const runB = new Runner({
    iface: b.iface, device: pair.b, sockets: b.sockets,
    afterPoll: () => {
      for (let n; (n = b.udp.recv(buf, 0, buf.length, from)) >= 0; echoed++) b.udp.send(buf, 0, n, from.addr, from.port);
    },
  });
  const runA = new Runner({
    iface: a.iface, device: pair.a, sockets: a.sockets,
    afterPoll: () => {
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
  pair.endA.onReadable = runA.wake;
  pair.endB.onReadable = runB.wake;
  const stop = new AbortController();
  const running = Promise.all([runA.run(stop.signal), runB.run(stop.signal)]);
  await done.promise;
  assert.is(echoed, 100);
  // Idle now: nothing is due, so neither runner polls while the event loop goes round.
  const polls = runA.stats.polls + runB.stats.polls;
  await turns(50);
  assert.is(runA.stats.polls + runB.stats.polls, polls, 'an idle runner does not poll');
  stop.abort();
  await running;
  assert.ok(polls < 400, `${polls} polls for 200 datagrams: bursts are taken per poll`);
  assert.ok(runB.stats.explicitWakes > 0, 'B was woken by its onReadable');
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
  const runB = new Runner({
    iface: b.iface, device: pair.b, sockets: b.sockets,
    afterPoll: () => {
      if (b.iface.counters.reassemblyTimeouts === 1) timedOut.resolve();
    },
  });
  pair.endB.onReadable = runB.wake;
  const stop = new AbortController();
  const running = runB.run(stop.signal);
  inject(pair.a, firstFragment([2, 0, 0, 0, 0, 0x0b], [2, 0, 0, 0, 0, 0x0a]));
  await timedOut.promise;
  assert.ok(runB.stats.timerWakes >= 1, `woken by its timer (${JSON.stringify(runB.stats)})`);
  assert.is(b.iface.counters.count(0), 1, 'the fragment was accepted');
  stop.abort();
  await running;
});

test('abort ends a runner sleeping without a deadline; an aborted signal does not start one', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const runner = new Runner({ iface: b.iface, device: pair.b, sockets: b.sockets });
  const stop = new AbortController();
  const running = runner.run(stop.signal);
  await turns(5);
  assert.is(runner.stats.polls, 1, 'polled once, then slept: nothing is due');
  assert.is(runner.stats.waits, 1);
  stop.abort();
  await running;
  assert.is(runner.stats.polls, 1);
  await runner.run(stop.signal);
  assert.is(runner.stats.polls, 1, 'an aborted signal: no poll');
});

test('wake() before run() or during a turn is not lost; running twice at once is refused', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  let woke = 0;
  const second = signalled();
  const runner = new Runner({
    iface: b.iface, device: pair.b, sockets: b.sockets,
    afterPoll: () => {
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
  assert.is(runner.stats.explicitWakes, 1);
  stop.abort();
  await running;
});

test('run() rejects when poll throws for a programmer mistake (a device that is not Ethernet)', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const notEthernet: Device = {
    capabilities: () => ({ ...pair.b.capabilities(), medium: 'ip' as 'ethernet' }),
    receive: () => null,
    transmit: () => null,
  };
  const runner = new Runner({ iface: b.iface, device: notEthernet, sockets: b.sockets });
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
  constructor(readonly end: LinkedEnd) {
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
  const device = new WaitableEnd(pair.endB);
  const got = signalled();
  const runner = new Runner({
    iface: b.iface, device, sockets: b.sockets,
    afterPoll: () => {
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
  assert.ok(runner.stats.readableWakes >= 2, JSON.stringify(runner.stats));
  assert.ok(device.waits <= runner.stats.readableWakes + 1, `${device.waits} waitReadable calls`);
  stop.abort();
  await running;
});

test('run() rejects with the error of a device that went away (waitReadable rejected)', async () => {
  const pair = new LinkedPair();
  const b = stack('02:00:00:00:00:0b', '10.9.0.2/24', 2000);
  const device = new WaitableEnd(pair.endB);
  device.fail = new Error('device gone');
  const runner = new Runner({ iface: b.iface, device, sockets: b.sockets });
  let error: Error | null = null;
  try {
    await runner.run();
  } catch (e) {
    error = e as Error;
  }
  assert.is(error?.message, 'device gone');
});

test.run();
