// The portable core (time, wire, storage, socket, iface) bundles with esbuild for the browser platform,
// where any `node:` import or Node-only module fails the build, and the bundle runs in a bare V8
// context (no process, Buffer, require or timers): two interfaces exchange a UDP datagram there.
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('iface/portable');
const root = fileURLToPath(new URL('../../', import.meta.url));

// Two interfaces joined by two PacketBuffers, written against the public entries of the core only.
const ENTRY = `
import { Interface } from './src/iface/index.ts';
import { SocketSet, UdpSocket, IpEndpoint } from './src/socket/index.ts';
import { PacketBuffer } from './src/storage/index.ts';
import { ChecksumCapabilities, EthernetRepr } from './src/wire/index.ts';
import { seconds } from './src/time.ts';

class End {
  constructor() {
    this.queue = new PacketBuffer({ packets: 8, payload: 1514 * 10 });
    this.caps = { medium: 'ethernet', maxTransmissionUnit: 1514, maxBurstSize: null, checksum: ChecksumCapabilities.default() };
    const self = this;
    this.pair = {
      rx: { consume(ctx, f) { const q = self.queue; try { return f(ctx, q.payload.storage, q.headOffset(), q.headLength()); } finally { q.dequeue(); } } },
      tx: { consume(length, ctx, f) { const q = self.peer.queue; return f(ctx, q.payload.storage, q.enqueue(length), length); } },
    };
  }
  capabilities() { return this.caps; }
  receive() { return this.queue.isEmpty() ? null : this.pair; }
  transmit() { return this.peer.queue.isFull() ? null : this.pair.tx; }
}

export function exchange() {
  const a = new End();
  const b = new End();
  a.peer = b;
  b.peer = a;
  const A = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['10.0.0.1/24'] });
  const B = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: ['10.0.0.2/24'] });
  const sa = new SocketSet(1);
  const sb = new SocketSet(1);
  const client = new UdpSocket();
  client.bind(1000);
  const server = new UdpSocket();
  server.bind(7);
  sa.add(client);
  sb.add(server);
  client.send(new Uint8Array([1, 2, 3]), 0, 3, 0x0a000002, 7);
  for (let t = 0; t < 4; t++) {
    A.poll(seconds(t), a, sa);
    B.poll(seconds(t), b, sb);
  }
  const out = new Uint8Array(8);
  const from = new IpEndpoint();
  const n = server.recv(out, 0, 8, from);
  return { n, first: out[0], last: out[2], fromAddr: from.addr, fromPort: from.port, wire: typeof EthernetRepr };
}
`;

test('the core bundles for the browser and runs without Node', async () => {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'portable-entry.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'core',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile!.inputs);
  const foreign = inputs.filter((p) => !/^(src\/(time\.ts|wire\/|storage\/|socket\/|iface\/)|generated\/|portable-entry\.ts)/.test(p));
  assert.equal(foreign, [], `the core pulled in ${foreign.join(', ')}`);
  const code = result.outputFiles[0]!.text;
  const context: Record<string, unknown> = {};
  runInNewContext(`${code}\nthis.result = core.exchange();`, context);
  // The object comes from another realm: compare its JSON.
  assert.equal(JSON.parse(JSON.stringify(context.result)), { n: 3, first: 1, last: 3, fromAddr: 0x0a000001, fromPort: 1000, wire: 'function' });
});

test('a node: import in the core would fail the browser build', async () => {
  let failed = false;
  try {
    await build({
      stdin: { contents: "import { readFileSync } from 'node:fs'; export const x = readFileSync;", resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
  } catch {
    failed = true;
  }
  assert.ok(failed, 'esbuild refuses node: modules for the browser, so the first test would catch one');
});

test.run();
