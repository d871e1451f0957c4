// NetStack's TCP over Web Streams, between two stacks on a LinkedPair: connect, listen with a backlog of
// several clients at once, half-close, abort, refused, timed out, reset; every byte checked by SHA-256,
// with and without the fault injector (15 % drop, 15 % corrupt, each way). No error may become an
// unhandled rejection: a process-level trap watches the whole suite.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FaultInjector } from '../../src/phy/fault-injector.js';
import { LinkedPair } from '../../src/phy/linked-pair.js';
import { NetError, NetStack, EOF, type TcpConnection } from '../../src/stack/index.js';
import { waitUntil } from '../helpers/child.js';
import { A_IP, B_IP, connectedPair, faultsHappened, pattern, readAll, sha256, twoStacks, writeAll } from './support.js';

const test = suite('stack/tcp');

// Under loss the retransmission timer decides how long a test takes: bounded low so the suite stays short.
const LOSSY_TCP = { tcp: { rto: { min: 10, max: 100 }, synRetries: 20 } };

const unhandled: unknown[] = [];
const trap = (reason: unknown): void => {
  unhandled.push(reason);
};
test.before(() => {
  process.on('unhandledRejection', trap);
});
test.after(() => {
  process.off('unhandledRejection', trap);
});

async function rejection(promise: Promise<unknown>): Promise<NetError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, NetError, `expected a NetError, got ${String(error)}`);
  return error as NetError;
}

for (const faults of [false, true]) {
  const how = faults ? ' under 15 % drop and 15 % corrupt' : '';
  const size = faults ? 64 << 10 : 1 << 20;

  test(`connect, ${size >> 10} KiB each way at once, every byte arrives${how}`, async () => {
    const { a, b, injector, close } = twoStacks({ faults, seed: 3, a: LOSSY_TCP, b: LOSSY_TCP });
    try {
      const up = pattern(size, 1);
      const down = pattern(size, 2);
      const server = b.listenTcp({ port: 80 });
      const served = (async () => {
        const conn = (await server.accept())!;
        assert.is(conn.remoteAddress, A_IP);
        assert.is(conn.localAddress, B_IP);
        assert.is(conn.localPort, 80);
        const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, down)]);
        await conn.closed;
        return got;
      })();
      const conn = await a.connectTcp({ host: B_IP, port: 80 });
      assert.is(conn.localAddress, A_IP);
      assert.is(conn.remoteAddress, B_IP);
      assert.is(conn.remotePort, 80);
      assert.ok(conn.localPort >= 49152, `ephemeral port ${conn.localPort}`);
      const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, up)]);
      assert.is(sha256(got), sha256(down));
      assert.is(sha256(await served), sha256(up));
      await conn.closed;
      assert.is(conn.bytesRead, size);
      assert.is(conn.bytesWritten, size);
      server.close();
      assert.ok(faultsHappened(injector), 'the injector dropped and corrupted frames both ways');
    } finally {
      await close();
    }
  });

  test(`listen with a backlog of 3: 6 clients at once, each gets its own bytes back${how}`, async () => {
    const { a, b, injector, close } = twoStacks({ faults, seed: 5, a: LOSSY_TCP, b: LOSSY_TCP });
    try {
      const server = b.listenTcp({ port: 7, backlog: 3, maxConnections: 6 });
      assert.is(server.port, 7);
      assert.is(server.address, '0.0.0.0');
      const serving = (async () => {
        const echoes: Promise<void>[] = [];
        for await (const conn of server) {
          echoes.push(conn.readable.pipeTo(conn.writable));
          if (echoes.length === 6) break; // leaving the loop closes the server; accepted connections go on
        }
        await Promise.all(echoes);
      })();
      const clients = Array.from({ length: 6 }, async (_, i) => {
        const data = pattern(faults ? 8192 : 65536, 10 + i);
        const conn = await a.connectTcp({ host: B_IP, port: 7 });
        const [echoed] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, data, 4096)]);
        assert.is(sha256(echoed), sha256(data), `client ${i}`);
        await conn.closed;
      });
      await Promise.all(clients);
      await serving;
      assert.not.ok(server.listening);
      assert.is(await server.accept(), null);
      assert.ok(faultsHappened(injector), 'the injector dropped and corrupted frames both ways');
    } finally {
      await close();
    }
  });

  test(`half-close: the request ends with a FIN, the reply still comes back${how}`, async () => {
    const { a, b, injector, close } = twoStacks({ faults, seed: 7, a: LOSSY_TCP, b: LOSSY_TCP });
    try {
      const server = b.listenTcp({ port: 80 });
      const request = pattern(faults ? 20_000 : 200_000, 3);
      void (async () => {
        const conn = (await server.accept())!;
        const got = await readAll(conn.readable); // to the client's FIN
        const writer = conn.writable.getWriter();
        await writer.write(new TextEncoder().encode(sha256(got)));
        await writer.close();
      })();
      const conn = await a.connectTcp({ host: B_IP, port: 80 });
      await writeAll(conn.writable, request);
      const reply = await readAll(conn.readable);
      assert.is(new TextDecoder().decode(reply), sha256(request));
      await conn.closed;
      assert.ok(faultsHappened(injector), 'the injector dropped and corrupted frames both ways');
    } finally {
      await close();
    }
  });

  test(`connecting to a port nobody listens on fails with ECONNREFUSED${how}`, async () => {
    const { a, close } = twoStacks({ faults, seed: 9, a: LOSSY_TCP, b: LOSSY_TCP });
    try {
      const error = await rejection(a.connectTcp({ host: B_IP, port: 81 }));
      assert.is(error.code, 'ECONNREFUSED');
      assert.is(error.errno, -111);
      assert.is(error.syscall, 'connect');
      assert.is(error.address, B_IP);
      assert.is(error.port, 81);
      assert.match(error.message, `connect ECONNREFUSED ${B_IP}:81`);
    } finally {
      await close();
    }
  });

  test(`the peer's abort reaches the reader and the writer as ECONNRESET${how}`, async () => {
    const { a, b, close } = twoStacks({ faults, seed: 11, a: LOSSY_TCP, b: LOSSY_TCP });
    try {
      const { conn, peer } = await connectedPair(a, b);
      await conn.write(new Uint8Array([1, 2, 3]));
      const got = new Uint8Array(3);
      assert.is(await peer.read(got), 3);
      peer.abort();
      assert.is(peer.state, 0); // CLOSED
      await peer.closed; // an abort of one's own is not an error
      const reader = conn.readable.getReader();
      const error = await rejection(reader.read());
      assert.is(error.code, 'ECONNRESET');
      assert.is(error.errno, -104);
      assert.is((await rejection(conn.closed)).code, 'ECONNRESET');
      assert.is((await rejection(conn.write(new Uint8Array(1)))).code, 'ECONNRESET');
      assert.is(conn.error, error);
    } finally {
      await close();
    }
  });
}

test('aborting the writable resets the connection: the peer reads ECONNRESET, our streams error with the reason', async () => {
  const { a, b, close } = twoStacks();
  try {
    const { conn, peer } = await connectedPair(a, b);
    const reason = new Error('changed my mind');
    await conn.writable.abort(reason);
    await conn.closed;
    const readError = await conn.readable.getReader().read().then(
      () => null,
      (e: unknown) => e,
    );
    assert.is(readError, reason);
    assert.is((await rejection(readAll(peer.readable))).code, 'ECONNRESET');
  } finally {
    await close();
  }
});

test('connecting where nobody answers fails with ETIMEDOUT after the timeout given', async () => {
  const { a, close } = twoStacks();
  try {
    // 10.0.0.3 is on the link but no one has it: ARP goes unanswered, the SYN never leaves.
    const error = await rejection(a.connectTcp({ host: '10.0.0.3', port: 80, timeout: 200 }));
    assert.is(error.code, 'ETIMEDOUT');
    assert.is(error.errno, -110);
    assert.is(error.syscall, 'connect');
  } finally {
    await close();
  }
});

test('connecting to an address on the link that no one has fails with EHOSTUNREACH once ARP gives up (3 requests, a second apart), as on Linux', async () => {
  const { a, close } = twoStacks();
  try {
    const error = await rejection(a.connectTcp({ host: '10.0.0.3', port: 80 }));
    assert.is(error.code, 'EHOSTUNREACH');
    assert.is(error.errno, -113);
    assert.is(error.syscall, 'connect');
    // Not ETIMEDOUT after the SYN retries (about two minutes by default): the ARP retries ended it.
    assert.match(error.message, 'connect EHOSTUNREACH 10.0.0.3:80');
  } finally {
    await close();
  }
});

test('connecting with no SYN retries left fails with ETIMEDOUT from the socket itself', async () => {
  const { a, close } = twoStacks({ a: { tcp: { synRetries: 0, rto: { initial: 50 } } } });
  try {
    const error = await rejection(a.connectTcp({ host: '10.0.0.3', port: 80 }));
    assert.is(error.code, 'ETIMEDOUT');
    assert.match(error.message, 'no answer to the SYN');
  } finally {
    await close();
  }
});

test('a peer that goes silent ends a connection with data outstanding in ETIMEDOUT (user timeout)', async () => {
  const pair = new LinkedPair();
  const cut = new FaultInjector(pair.a, { seed: 1 });
  const a = new NetStack({ device: cut, address: `${A_IP}/24`, tcp: { userTimeout: 300, rto: { min: 20, max: 100 } } });
  const b = new NetStack({ device: pair.b, address: `${B_IP}/24` });
  try {
    const server = b.listenTcp({ port: 80 });
    const accepted = server.accept();
    const conn = await a.connectTcp({ host: B_IP, port: 80 });
    await accepted;
    cut.dropChance = 100; // the link goes dead both ways
    await conn.write(new Uint8Array(1000));
    const error = await rejection(conn.closed);
    assert.is(error.code, 'ETIMEDOUT');
    assert.is(error.syscall, 'read');
    assert.is((await rejection(conn.readable.getReader().read())).code, 'ETIMEDOUT');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('no route: ENETUNREACH at once, as on Linux; a taken port: EADDRINUSE; a bad address: EINVAL', async () => {
  const { a, b, close } = twoStacks();
  try {
    const unreachable = await rejection(a.connectTcp({ host: '192.168.7.1', port: 80 }));
    assert.is(unreachable.code, 'ENETUNREACH');
    assert.is(unreachable.errno, -101);
    const server = b.listenTcp({ port: 80 });
    const taken = (() => {
      try {
        b.listenTcp({ port: 80 });
      } catch (e) {
        return e as NetError;
      }
      return null;
    })();
    assert.is(taken?.code, 'EADDRINUSE');
    assert.is(taken?.errno, -98);
    assert.is(taken?.syscall, 'listen');
    const first = await a.connectTcp({ host: B_IP, port: 80, localPort: 40000 });
    assert.is(first.localPort, 40000);
    assert.is((await rejection(a.connectTcp({ host: B_IP, port: 80, localPort: 40000 }))).code, 'EADDRINUSE');
    assert.is((await rejection(a.connectTcp({ host: 'example.com', port: 80 }))).code, 'EINVAL');
    assert.is((await rejection(a.connectTcp({ host: B_IP, port: 70000 }))).code, 'EINVAL');
    assert.throws(() => b.listenTcp({ port: 81, backlog: 4, maxConnections: 2 }), (e: NetError) => e.code === 'EINVAL');
    first.close();
    server.close();
  } finally {
    await close();
  }
});

test('an AbortSignal fails a connect in progress with its reason, and aborts an open connection', async () => {
  const { a, b, close } = twoStacks();
  try {
    const stop = new AbortController();
    const connecting = a.connectTcp({ host: '10.0.0.3', port: 80, signal: stop.signal });
    stop.abort(new Error('user gave up'));
    const error = await connecting.then(
      () => null,
      (e: unknown) => e as Error,
    );
    assert.is(error?.message, 'user gave up');
    const already = await a.connectTcp({ host: B_IP, port: 80, signal: AbortSignal.abort() }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    assert.is(already?.name, 'AbortError');

    const server = b.listenTcp({ port: 80 });
    const accepted = server.accept();
    const later = new AbortController();
    const conn = await a.connectTcp({ host: B_IP, port: 80, signal: later.signal });
    const peer = (await accepted)!;
    later.abort();
    await conn.closed;
    assert.is((await rejection(peer.closed)).code, 'ECONNRESET');
  } finally {
    await close();
  }
});

test('backpressure: a reader that stops reading fills its window, the writer waits, then all arrives', async () => {
  const { a, b, close } = twoStacks({ a: { tcp: { rxBufferSize: 16384, txBufferSize: 16384 } }, b: { tcp: { rxBufferSize: 16384, txBufferSize: 16384 } } });
  try {
    const { conn, peer } = await connectedPair(a, b);
    const data = pattern(100_000, 4);
    let written = false;
    const writing = writeAll(conn.writable, data, 8192).then(() => (written = true));
    // Nobody reads at the peer: its ring fills (the window it offers closes), then ours.
    await waitUntil(() => peer.readableLength === 16384 && conn.writableLength === 16384, 'both rings full');
    assert.is(peer.readableLength, 16384);
    assert.is(conn.writableLength, 16384);
    assert.not.ok(written, 'the writer is still waiting');
    const got = await readAll(peer.readable);
    await writing;
    assert.is(sha256(got), sha256(data));
  } finally {
    await close();
  }
});

test('the lower interface: tryRead/tryWrite with onReadable/onWritable, shutdownWrite, onClose', async () => {
  const { a, b, close } = twoStacks({ a: { tcp: { txBufferSize: 4096 } } });
  try {
    const { conn, peer } = await connectedPair(a, b);
    conn.setNoDelay(true);
    conn.setKeepAlive(true, 5000);
    conn.setUserTimeout(10_000);
    const data = pattern(50_000, 6);
    // Writer side, driven by onWritable only.
    let at = 0;
    const pump = (): void => {
      while (at < data.length) {
        const n = conn.tryWrite(data, at, data.length - at);
        if (n === 0) return; // onWritable calls back
        at += n;
      }
      conn.shutdownWrite();
      assert.throws(() => conn.tryWrite(data), (e: NetError) => e.code === 'EPIPE');
    };
    conn.onWritable = pump;
    pump();
    // Reader side, driven by onReadable only.
    const received = new Uint8Array(data.length);
    let got = 0;
    const ended = new Promise<void>((resolve) => {
      const drain = (): void => {
        for (;;) {
          const n = peer.tryRead(received, got);
          if (n === 0) return;
          if (n === EOF) {
            resolve();
            return;
          }
          got += n;
        }
      };
      peer.onReadable = drain;
      drain();
    });
    await ended;
    assert.is(got, data.length);
    assert.is(sha256(received), sha256(data));
    assert.is(peer.tryRead(received), EOF);
    const closedWith = new Promise<unknown>((resolve) => (conn.onClose = resolve));
    peer.close();
    assert.is(await closedWith, null);
    await peer.closed;
    assert.is(peer.state, 0);
    assert.is(peer.readableLength, 0);
    assert.is(peer.writableLength, 0);
    assert.is(await conn.read(new Uint8Array(10)), EOF);
  } finally {
    await close();
  }
});

test('a BYOB reader is filled straight from the receive ring', async () => {
  const { a, b, close } = twoStacks();
  try {
    const { conn, peer } = await connectedPair(a, b);
    const data = pattern(300_000, 8);
    const writing = writeAll(conn.writable, data, 65536);
    const reader = peer.readable.getReader({ mode: 'byob' });
    const received = new Uint8Array(data.length);
    let got = 0;
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(new ArrayBuffer(32768)));
      if (done) break;
      received.set(value!, got);
      got += value!.length;
    }
    await writing;
    assert.is(got, data.length);
    assert.is(sha256(received), sha256(data));
  } finally {
    await close();
  }
});

test('close() of the stack fails its connections with ECONNABORTED and ends its servers', async () => {
  const { a, b, close } = twoStacks();
  try {
    const { server, conn, peer } = await connectedPair(a, b);
    const waiting = server.accept();
    const reading = conn.readable.getReader().read();
    await a.close();
    assert.is((await rejection(reading)).code, 'ECONNABORTED');
    assert.is((await rejection(conn.closed)).code, 'ECONNABORTED');
    assert.is((await rejection(a.connectTcp({ host: B_IP, port: 80 }))).code, 'ECONNABORTED');
    // The RST of the closing stack reached the peer.
    assert.is((await rejection(peer.closed)).code, 'ECONNRESET');
    await b.close();
    assert.is(await waiting, null);
  } finally {
    await close();
  }
});

test('an idle stack does not poll', async () => {
  const { a, b, close } = twoStacks();
  try {
    const server = b.listenTcp({ port: 80 });
    const accepted = server.accept();
    const conn = await a.connectTcp({ host: B_IP, port: 80 });
    await accepted;
    await conn.write(new Uint8Array(100));
    await (await accepted)!.read(new Uint8Array(100));
    // Let the delayed ACK go out, then count: nothing is due, so nothing polls while the loop turns.
    while (a.iface.pollDelay(Date.now() * 1000, a.sockets) !== null || b.iface.pollDelay(Date.now() * 1000, b.sockets) !== null) {
      await new Promise((r) => setImmediate(r));
    }
    const polls = a.runner.polls + b.runner.polls;
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    assert.is(a.runner.polls + b.runner.polls, polls);
  } finally {
    await close();
  }
});

test('no error of the suite became an unhandled rejection', async () => {
  // Let any stray rejection of the tests above surface first.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(unhandled, []);
});

test.run();

export type { TcpConnection };
