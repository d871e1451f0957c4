// Node's http over our stack against the Linux kernel, in a namespace this test creates: our NetStack at
// 192.168.69.1 on a tap, the kernel at 192.168.69.100 on the other side of it.
// - `curl`, run by the kernel in the namespace, fetches 10 MiB from Node's http.createServer on our stack.
// - Node's http.request({ createConnection }) through our stack fetches a 10 MiB file from the kernel's
//   `python3 -m http.server`.
// Both compare SHA-256 with what was sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { createNet, type StackNet } from '../../src/net/index.js';
import { TapInterface } from '../../src/phy/tap-interface.js';
import { NetStack } from '../../src/stack/index.js';
import { Netns, disableIpv6, waitForListener, withNetns } from '../helpers/netns.js';
import { waitForExit } from '../helpers/child.js';
import { suiteNeeding } from '../helpers/needs.js';
import { shellIn } from '../examples/support.js';
import { collect, pattern, sha256 } from './support.js';

const OUR_IP = '192.168.69.1';
const KERNEL_IP = '192.168.69.100';
const SIZE = 10 * 1024 * 1024;

const test = suiteNeeding('net/linux', ['root', 'curl', 'python3', 'ss']);
if (test !== null) {
  let ns: Netns;
  let tap: TapInterface;
  let stack: NetStack;
  let net: StackNet;
  const body = pattern(SIZE, 7);

  test.before(() => {
    ns = Netns.create('nethttp');
    try {
      ns.run('ip', ['tuntap', 'add', 'name', 'tap0', 'mode', 'tap']);
      disableIpv6(ns, 'tap0');
      ns.run('ip', ['addr', 'add', `${KERNEL_IP}/24`, 'dev', 'tap0']);
      ns.run('ip', ['link', 'set', 'tap0', 'up']);
      tap = withNetns(ns, () => new TapInterface('tap0'));
    } catch (e) {
      ns.destroy();
      throw e;
    }
    stack = new NetStack({ device: tap, address: `${OUR_IP}/24`, mac: '02:00:00:00:00:01', tcp: { rxBufferSize: 256 * 1024, txBufferSize: 256 * 1024 } });
    net = createNet(stack);
  });

  test.after(async () => {
    await stack?.close();
    tap?.close();
    ns?.destroy();
  });

  test('curl in the namespace fetches 10 MiB from http.createServer on our stack, SHA-256 equal', async () => {
    const httpServer = http.createServer((req, res) => {
      assert.is(req.url, '/big');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      // In 64 KiB writes, so the response streams through the socket's backpressure.
      let at = 0;
      const more = (): void => {
        while (at < SIZE) {
          const chunk = body.subarray(at, at + 65536);
          at += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end();
      };
      more();
    });
    const server = net.createServer((socket) => httpServer.emit('connection', socket)).listen(8080);
    const out = await shellIn(ns, `curl -sS --fail --max-time 120 http://${OUR_IP}:8080/big | sha256sum`);
    assert.is(out.split(' ')[0], sha256(body));
    await new Promise((resolve) => server.close(resolve));
  });

  test('http.request({ createConnection }) through our stack fetches 10 MiB from python3 -m http.server, SHA-256 equal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoltcp-net-'));
    let python: ChildProcess | null = null;
    try {
      writeFileSync(join(dir, 'big.bin'), body);
      python = ns.spawn('python3', ['-m', 'http.server', '8000', '--bind', KERNEL_IP, '--directory', dir]);
      python.stderr!.resume();
      python.stdout!.resume();
      await waitForListener(ns, 'tcp', 8000);
      const got = await new Promise<Buffer>((resolve, reject) => {
        const req = http.get({ host: KERNEL_IP, port: 8000, path: '/big.bin', createConnection: net.createConnection }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          collect(res).then(resolve, reject);
        });
        req.on('error', reject);
      });
      assert.is(got.length, SIZE);
      assert.is(sha256(got), sha256(body));
    } finally {
      if (python !== null) {
        python.kill('SIGTERM');
        await waitForExit(python);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.run();
}
