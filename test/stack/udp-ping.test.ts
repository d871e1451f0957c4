// NetStack's UDP endpoints and ping between two stacks on a LinkedPair.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NetError, type UdpDatagram } from '../../src/stack/index.js';
import { A_IP, B_IP, pattern, sha256, twoStacks } from './support.js';

const test = suite('stack/udp-ping');

async function rejection(promise: Promise<unknown>): Promise<NetError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, NetError, `expected a NetError, got ${String(error)}`);
  return error as NetError;
}

test('UDP both ways: 200 datagrams each way, each with its sender, every payload intact', async () => {
  const { a, b, close } = twoStacks();
  try {
    const ua = a.openUdp({ port: 5000 });
    const ub = b.openUdp({ port: 6000 });
    assert.is(ua.port, 5000);
    assert.is(ub.address, '0.0.0.0');
    const sent: Uint8Array[] = Array.from({ length: 200 }, (_, i) => pattern(1 + ((i * 37) % 1400), i));
    // b echoes each datagram back to its sender.
    const echo = (async () => {
      const reader = ub.readable.getReader();
      for (let i = 0; i < sent.length; i++) {
        const { value } = await reader.read();
        const d = value as UdpDatagram;
        assert.is(d.host, A_IP);
        assert.is(d.port, 5000);
        await ub.send(d.data, d.host, d.port);
      }
      reader.releaseLock();
    })();
    const reader = ua.readable.getReader();
    const back: Uint8Array[] = [];
    // At most 8 in flight, so no receive buffer (16 datagrams) overflows.
    let next = 0;
    while (back.length < sent.length) {
      while (next < sent.length && next - back.length < 8) await ua.send(sent[next++]!, B_IP, 6000);
      const { value } = await reader.read();
      assert.is(value!.host, B_IP);
      assert.is(value!.port, 6000);
      back.push(value!.data);
    }
    await echo;
    assert.is(sha256(...back), sha256(...sent));
    assert.is(ua.dropped, 0);
    ua.close();
    assert.is((await reader.read()).done, true);
    assert.is((await rejection(ua.send(new Uint8Array(1), B_IP, 6000))).code, 'EPIPE');
    ub.close();
  } finally {
    await close();
  }
});

test('UDP: a receive buffer that overflows drops and counts; a taken port, a datagram too large, a bad address', async () => {
  const { a, b, close } = twoStacks({ b: { udp: { rx: { packets: 4, payload: 4096 } } } });
  try {
    const ub = b.openUdp({ port: 53 });
    const ua = a.openUdp();
    assert.ok(ua.port >= 49152);
    for (let i = 0; i < 10; i++) await ua.send(new Uint8Array([i]), B_IP, 53);
    const reader = ub.readable.getReader();
    const first = await reader.read();
    assert.equal([...first.value!.data], [0]);
    // 10 were sent into room for 4: once the rest has been processed, 6 were dropped.
    for (let i = 1; i < 4; i++) assert.equal([...(await reader.read()).value!.data], [i]);
    assert.is(ub.dropped, 6);
    assert.throws(() => b.openUdp({ port: 53 }), (e: NetError) => e.code === 'EADDRINUSE' && e.syscall === 'bind');
    assert.is((await rejection(ua.send(new Uint8Array(70_000), B_IP, 53))).code, 'EMSGSIZE');
    assert.is((await rejection(ua.send(new Uint8Array(1), 'nowhere', 53))).code, 'EINVAL');
    const cancelled = b.openUdp({ port: 54 });
    await cancelled.readable.cancel();
    b.openUdp({ port: 54 }).close(); // the port was given back
  } finally {
    await close();
  }
});

test('ping answers with the round-trip time; an absent host times out; no route is ENETUNREACH', async () => {
  const { a, b, close } = twoStacks();
  try {
    const rtt = await a.ping(B_IP);
    assert.ok(Number.isFinite(rtt) && rtt >= 0, `rtt ${rtt}`);
    const rtts = await Promise.all([b.ping(A_IP, { size: 1000 }), b.ping(A_IP, { size: 0 }), b.ping(A_IP)]);
    assert.is(rtts.length, 3);
    const lost = await rejection(a.ping('10.0.0.3', { timeout: 100 }));
    assert.is(lost.code, 'ETIMEDOUT');
    assert.is(lost.syscall, 'ping');
    assert.throws(() => a.ping('192.168.1.1'), (e: NetError) => e.code === 'ENETUNREACH');
    assert.throws(() => a.ping(B_IP, { size: 5000 }), (e: NetError) => e.code === 'EMSGSIZE');
    const stop = new AbortController();
    const pinging = a.ping('10.0.0.3', { signal: stop.signal, timeout: 10_000 });
    stop.abort(new Error('enough'));
    assert.is(await pinging.then(() => '', (e: Error) => e.message), 'enough');
    const pending = a.ping('10.0.0.3', { timeout: 10_000 });
    await a.close();
    assert.is((await rejection(pending)).code, 'ECONNABORTED');
  } finally {
    await close();
  }
});

test.run();
