// The portable core (src/time.ts, src/wire, src/storage, src/socket, src/iface) bundles for the browser
// platform with nothing Node-only in it: no node: builtin, no native package (koffi), no Node global
// (process, Buffer, setImmediate, ...), and no module from outside the core. A finding names the module
// that brought it. The check itself is shown to catch a module that imports node:fs and one that only
// reads process and Buffer (fixtures/). The runner and the LinkedPair pass the same check. And the bundle
// runs: built from the public entries of the core, in a bare V8 context (no process, Buffer, require or
// timers), two interfaces exchange a UDP datagram.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeOnlyFindings } from './bundle-check.js';

const test = suite('portability/browser-bundle');
const root = fileURLToPath(new URL('../../', import.meta.url));

const CORE_DIRS = ['src/wire', 'src/storage', 'src/socket', 'src/iface'];

function coreEntries(): string[] {
  const entries = ['./src/time.ts'];
  for (const dir of CORE_DIRS) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name.endsWith('.ts')) entries.push(`./${dir}/${name}`);
    }
  }
  return entries;
}

test('time, wire, storage, socket and iface bundle for the browser with nothing Node-only', async () => {
  const entries = coreEntries();
  assert.ok(entries.some((e) => e.includes('src/iface/interface.ts')), 'the interface is among the entries');
  const { findings, modules } = await nodeOnlyFindings(root, entries);
  assert.equal(findings, [], `Node-only code in the portable core:\n${findings.map((f) => `  ${f.module}: ${f.what}`).join('\n')}`);
  assert.ok(modules.includes('src/iface/interface.ts') && modules.some((m) => m.startsWith('generated/')), 'the bundle holds the core and the generated views');
  const foreign = modules.filter((m) => !/^(src\/(time\.ts|wire\/|storage\/|socket\/|iface\/)|generated\/)/.test(m));
  assert.equal(foreign, [], `the core pulled in modules from outside it: ${foreign.join(', ')}`);
});

test('the check names the module that imports a Node builtin or reads a Node global', async () => {
  const { findings } = await nodeOnlyFindings(root, ['./src/time.ts', './test/portability/fixtures/node-only.ts', './test/portability/fixtures/uses-global.ts']);
  const lines = findings.map((f) => `${f.module}: ${f.what}`).sort();
  assert.equal(lines, [
    'test/portability/fixtures/node-only.ts: global Buffer',
    'test/portability/fixtures/node-only.ts: global process',
    'test/portability/fixtures/node-only.ts: import node:fs',
    'test/portability/fixtures/uses-global.ts: global Buffer',
    'test/portability/fixtures/uses-global.ts: global process',
  ]);
});

test('the runner and the linked pair are portable too (web-standard timers only)', async () => {
  const { findings } = await nodeOnlyFindings(root, ['./src/runner/runner.ts', './src/phy/linked-pair.ts']);
  assert.equal(findings.map((f) => `${f.module}: ${f.what}`), []);
});

test('the self-driving stack and the message device are portable too (timers, microtasks, Web Streams)', async () => {
  const { findings, modules } = await nodeOnlyFindings(root, ['./src/stack/index.ts', './src/phy/message-device.ts']);
  assert.equal(findings.map((f) => `${f.module}: ${f.what}`), []);
  assert.ok(modules.includes('src/stack/net-stack.ts') && modules.includes('src/runner/runner.ts'), 'the bundle holds the stack and its runner');
});

// Two interfaces joined by two PacketBuffers, written against the public entries of the core only.
const EXCHANGE = `
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

test('the bundle of the core runs without Node: two interfaces exchange a UDP datagram in a bare V8 context', async () => {
  const result = await build({
    stdin: { contents: EXCHANGE, resolveDir: root, loader: 'ts', sourcefile: 'exchange-entry.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'core',
    write: false,
    logLevel: 'silent',
  });
  const context: Record<string, unknown> = {};
  runInNewContext(`${result.outputFiles[0]!.text}\nthis.result = core.exchange();`, context);
  // The object comes from another realm: compare its JSON.
  assert.equal(JSON.parse(JSON.stringify(context.result)), { n: 3, first: 1, last: 3, fromAddr: 0x0a000001, fromPort: 1000, wire: 'function' });
});

test.run();
