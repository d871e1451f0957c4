// Runner: drives two interfaces over a LinkedPair until the application is done, sleeps when idle
// (no busy loop: polls stay few), stops on abort, and rejects when the device fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../../src/iface/interface.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import type { WaitableDevice } from '../../src/phy/device.js';
import { PhyError } from '../../src/phy/errors.js';
import { Runner } from '../../src/runner/runner.js';
import { IpEndpoint } from '../../src/socket/socket.js';
import { SocketSet } from '../../src/socket/socket-set.js';
import { UdpSocket } from '../../src/socket/udp.js';

const test = suite('runner');
const B_IP = 0xc0a84502;

test('two runners over a linked pair carry a UDP exchange, then stop on abort', async () => {
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

test('a device that fails makes run() reject with its error', async () => {
  const pair = new LinkedPair();
  const gone = new PhyError('ERR_PHY_DEVICE_GONE', 'the tap tap0 was deleted; recreate it and restart.');
  const failing: WaitableDevice = {
    capabilities: () => pair.a.capabilities(),
    receive: (t) => pair.a.receive(t),
    transmit: (t) => pair.a.transmit(t),
    waitReadable: () => Promise.reject(gone),
  };
  const iface = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const runner = new Runner(iface, failing, new SocketSet(1));
  try {
    await runner.run();
    assert.unreachable('run() should reject');
  } catch (error) {
    assert.is(error, gone);
  }
});

test('run() twice at once is refused', async () => {
  const pair = new LinkedPair();
  const iface = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['192.168.69.1/24'] });
  const runner = new Runner(iface, pair.a, new SocketSet(1));
  const controller = new AbortController();
  const first = runner.run(controller.signal);
  let refused = false;
  await runner.run(controller.signal).catch(() => (refused = true));
  assert.ok(refused);
  controller.abort();
  await first;
});

test.run();
