// The stack's edges: bounded resources (no socket free, the set full, TIME-WAIT reused), the stack's own
// signal and a device that fails, callbacks that throw, calls after the end, cancelled readables.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LinkedPair, type LinkedDevice } from '../../src/phy/linked-pair.js';
import type { WaitableDevice } from '../../src/phy/device.js';
import { NetError, NetStack, EOF } from '../../src/stack/index.js';
import { waitUntil } from '../helpers/child.js';
import { A_IP, B_IP, connectedPair, pattern, readAll, sha256, twoStacks, writeAll } from './support.js';

const test = suite('stack/edges');

async function rejection(promise: Promise<unknown>): Promise<NetError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, NetError, `expected a NetError, got ${String(error)}`);
  return error as NetError;
}

function thrown(f: () => unknown): NetError {
  try {
    f();
  } catch (e) {
    assert.instance(e, NetError);
    return e as NetError;
  }
  throw new Error('expected a NetError to be thrown');
}

/** A LinkedDevice end that also says when a frame is readable, and can go away like an unplugged tap. */
class UnpluggableDevice implements WaitableDevice {
  private fail: ((e: Error) => void) | null = null;
  private readonly gone = new Promise<void>((_, reject) => (this.fail = reject));
  constructor(private readonly inner: LinkedDevice) {
    this.gone.catch(() => {});
  }
  capabilities() {
    return this.inner.capabilities();
  }
  receive(t: number) {
    return this.inner.receive(t);
  }
  transmit(t: number) {
    return this.inner.transmit(t);
  }
  waitReadable(): Promise<void> {
    return this.gone;
  }
  unplug(): void {
    this.fail!(new Error('device gone'));
  }
}

test('outbound sockets are bounded: ENOBUFS when all are taken; a TIME-WAIT socket is reused when one is needed', async () => {
  const { a, b, close } = twoStacks({ a: { tcp: { maxConnections: 1 } } });
  try {
    const server = b.listenTcp({ port: 80 });
    const accepted = server.accept();
    const first = await a.connectTcp({ host: B_IP, port: 80 });
    const error = await rejection(a.connectTcp({ host: B_IP, port: 80 }));
    assert.is(error.code, 'ENOBUFS');
    // We close first: our socket ends in TIME-WAIT (10 s), then the next connect takes it over.
    const peer = (await accepted)!;
    first.close();
    assert.is(await peer.read(new Uint8Array(1)), EOF);
    peer.close();
    await first.closed;
    assert.is(first.state, 0);
    const second = await a.connectTcp({ host: B_IP, port: 80 });
    second.abort();
  } finally {
    await close();
  }
});

test('the socket set is bounded: ENOBUFS for a listener, a connection, a UDP endpoint or a ping when it is full', async () => {
  const { a, b, close } = twoStacks({ a: { maxSockets: 1 } });
  try {
    a.openUdp({ port: 1 });
    assert.is(thrown(() => a.listenTcp({ port: 80 })).code, 'ENOBUFS');
    assert.is(thrown(() => a.openUdp({ port: 2 })).code, 'ENOBUFS');
    assert.is((await rejection(a.connectTcp({ host: B_IP, port: 80 }))).code, 'ENOBUFS');
    assert.is(thrown(() => a.ping(B_IP)).code, 'ENOBUFS');
    // The ports taken by the failed attempts were given back.
    b.listenTcp({ port: 80 });
  } finally {
    await close();
  }
});

test('too many pings at once: ENOBUFS once the ICMP send buffer is full', async () => {
  const { a, close } = twoStacks();
  try {
    const pings: Promise<number>[] = [];
    const error = thrown(() => {
      for (let i = 0; i < 100; i++) pings.push(a.ping(B_IP, { size: 1400 }));
    });
    assert.is(error.code, 'ENOBUFS');
    const rtts = await Promise.all(pings);
    assert.ok(rtts.length > 0 && rtts.length < 100);
  } finally {
    await close();
  }
});

test("the stack's own signal closes it; a signal aborted already closes it at once", async () => {
  const pair = new LinkedPair();
  const stop = new AbortController();
  const a = new NetStack({ device: pair.a, address: `${A_IP}/24`, signal: stop.signal });
  const b = new NetStack({ device: pair.b, address: `${B_IP}/24`, signal: AbortSignal.abort() });
  await b.closed;
  assert.is(thrown(() => b.listenTcp({ port: 80 })).code, 'ECONNABORTED');
  const server = a.listenTcp({ port: 80 });
  const waiting = server.accept();
  stop.abort();
  await a.closed;
  assert.is(await waiting, null);
});

test('a device that goes away stops the stack: closed rejects, connections fail with ECONNABORTED', async () => {
  const pair = new LinkedPair();
  const device = new UnpluggableDevice(pair.a);
  // The device's readiness comes from waitReadable; the other end wakes from onReadable.
  const a = new NetStack({ device, address: `${A_IP}/24`, waitOn: device });
  pair.a.onReadable = a.wake;
  const b = new NetStack({ device: pair.b, address: `${B_IP}/24` });
  try {
    b.listenTcp({ port: 80 });
    const conn = await a.connectTcp({ host: B_IP, port: 80 });
    device.unplug();
    const stopped = await a.closed.then(
      () => null,
      (e: Error) => e.message,
    );
    assert.is(stopped, 'device gone');
    const error = await rejection(conn.closed);
    assert.is(error.code, 'ECONNABORTED');
    assert.match(error.message, 'its device failed');
    assert.is((error.cause as Error).message, 'device gone');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a callback that throws is reported as uncaught; the stack goes on', async () => {
  const { a, b, close } = twoStacks();
  const caught: unknown[] = [];
  const listener = (e: unknown): void => {
    caught.push(e);
  };
  process.on('uncaughtException', listener);
  try {
    const { conn, peer } = await connectedPair(a, b);
    peer.onReadable = () => {
      throw new Error('bad callback');
    };
    await conn.write(new Uint8Array([1]));
    await waitUntil(() => caught.length > 0, 'the callback error');
    assert.is((caught[0] as Error).message, 'bad callback');
    // The stack still works.
    const got = new Uint8Array(1);
    assert.is(peer.tryRead(got), 1);
    assert.ok((await a.ping(B_IP)) >= 0);
  } finally {
    process.off('uncaughtException', listener);
    await close();
  }
});

test('calls after the end are harmless; waits resolve at once when there is something; zero-length reads', async () => {
  const { a, b, close } = twoStacks();
  try {
    const server = b.listenTcp({ port: 80 });
    assert.is(server.pending, 0);
    const conn = await a.connectTcp({ host: B_IP, port: 80 });
    await waitUntil(() => server.pending === 1, 'the connection waiting in the backlog');
    const peer = (await server.accept())!;
    assert.is(await conn.read(new Uint8Array(0)), 0);
    await conn.whenWritable(); // room now: resolves at once
    await conn.write(new Uint8Array([5]));
    await peer.whenReadable();
    await peer.whenReadable(); // still something to read: at once again
    conn.setKeepAlive(false);
    conn.setUserTimeout(0);
    conn.abort();
    await peer.closed.catch(() => undefined);
    conn.abort();
    conn.close();
    conn.shutdownWrite();
    conn.setNoDelay();
    conn.setKeepAlive(true);
    conn.setUserTimeout(100);
    assert.is(conn.state, 0);
    assert.is(conn.readableLength, 0);
    assert.is(conn.tryRead(new Uint8Array(1)), EOF);
    assert.is(thrown(() => conn.tryWrite(new Uint8Array(1))).code, 'EPIPE');
    await conn.whenReadable();
    await conn.whenWritable();
    // Streams made after a failure are errored from the start.
    assert.is((await rejection(peer.writable.getWriter().write(new Uint8Array(1)))).code, 'ECONNRESET');
    assert.is((await rejection(peer.readable.getReader().read())).code, 'ECONNRESET');
  } finally {
    await close();
  }
});

test('close() discards what arrives afterwards; a cancelled readable does the same; the peer still finishes', async () => {
  const { a, b, close } = twoStacks();
  try {
    const { server, conn, peer } = await connectedPair(a, b);
    const reading = conn.readable.getReader().read();
    conn.close();
    assert.is((await reading).done, true);
    await writeAll(peer.writable, pattern(200_000, 1)); // all taken, though nobody reads it
    await peer.closed;
    await conn.closed;

    const accepted2 = server.accept();
    const conn2 = await a.connectTcp({ host: B_IP, port: 80 });
    const peer2 = (await accepted2)!;
    await conn2.readable.cancel();
    await writeAll(peer2.writable, pattern(100_000, 2));
    conn2.shutdownWrite();
    await peer2.closed;
    await conn2.closed;
  } finally {
    await close();
  }
});

test('a connection closed with close() whose peer never finishes is aborted after finTimeout', async () => {
  const { a, b, close } = twoStacks({ a: { tcp: { finTimeout: 100 } } });
  try {
    const { conn, peer } = await connectedPair(a, b);
    conn.close();
    assert.is(await peer.read(new Uint8Array(1)), EOF); // our FIN arrived; the peer stays open (CLOSE-WAIT)
    await conn.closed;
    assert.is((await rejection(peer.closed)).code, 'ECONNRESET');
  } finally {
    await close();
  }
});

test('a BYOB read into a DataView; a writer used after a failure rejects with it', async () => {
  const { a, b, close } = twoStacks();
  try {
    const { conn, peer } = await connectedPair(a, b);
    await conn.write(new Uint8Array([1, 2, 3, 4]));
    const reader = peer.readable.getReader({ mode: 'byob' });
    const { value } = await reader.read(new DataView(new ArrayBuffer(8)));
    assert.is(value!.byteLength, 4);
    assert.is(value!.getUint8(3), 4);
    const writer = peer.writable.getWriter();
    conn.abort();
    await waitUntil(() => peer.error !== null, 'the reset to arrive');
    assert.is((await rejection(writer.write(new Uint8Array(1)))).code, 'ECONNRESET');
  } finally {
    await close();
  }
});

test('UDP: a send waits while the transmit buffer is full; a readable made after close() is closed', async () => {
  const { a, b, close } = twoStacks({ a: { udp: { tx: { packets: 2, payload: 4096 } } } });
  try {
    const ub = b.openUdp({ port: 9 });
    const ua = a.openUdp({ port: 9 });
    const data = pattern(1000, 3);
    // 20 sends at once into room for 2: the rest wait for the polls that send them.
    await Promise.all(Array.from({ length: 20 }, () => ua.send(data, B_IP, 9)));
    const reader = ub.readable.getReader();
    assert.is(sha256((await reader.read()).value!.data), sha256(data));
    ub.close();
    ua.close();
    assert.is((await ua.readable.getReader().read()).done, true);
    ua.close();
  } finally {
    await close();
  }
});

test('NetError without an address prints only the syscall and code', () => {
  const error = new NetError({ code: 'ECONNABORTED', syscall: 'read', hint: 'why' });
  assert.is(error.message, 'read ECONNABORTED: why');
  assert.is(new NetError({ code: 'EINVAL', syscall: 'ping', address: '1.2.3.4' }).message, 'ping EINVAL 1.2.3.4');
  assert.is(error.name, 'NetError');
});

test('a server closed while an iteration waits ends the loop', async () => {
  const { b, close } = twoStacks();
  try {
    const server = b.listenTcp({ port: 80 });
    const looping = (async () => {
      let n = 0;
      for await (const _ of server) n++;
      return n;
    })();
    server.close();
    server.close();
    assert.is(await looping, 0);
    assert.is(b.listenTcp({ port: 80 }).port, 80); // the port is free again once nothing of it is left
  } finally {
    await close();
  }
});

test('readAll helper sanity: an empty connection reads as empty', async () => {
  const { a, b, close } = twoStacks();
  try {
    const server = b.listenTcp({ port: 80 });
    const accepted = server.accept();
    const conn = await a.connectTcp({ host: B_IP, port: 80 });
    conn.shutdownWrite();
    assert.is((await readAll((await accepted)!.readable)).length, 0);
  } finally {
    await close();
  }
});

test.run();
