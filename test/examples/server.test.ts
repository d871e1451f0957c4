// examples/server.ts against the kernel, in a namespace with tap0 at 192.168.69.100: pings, the UDP
// hello, the TCP greeting twice in a row, reversed chunks, 10 MB swallowed and 10 MB of the fountain's
// bytes; then the same through the fault injector (--drop-chance 15 --corrupt-chance 15), where every
// exchange must still complete with the right bytes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { Netns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { tempDir } from '../pcap/support.js';
import { type ExampleRun, shellIn, startExample, tapNamespace } from './support.js';

const SERVER = '192.168.69.1';

/** The first `size` bytes of the fountain (i % 256), hashed. */
function fountainHash(size: number): string {
  const pattern = new Uint8Array(65536);
  for (let i = 0; i < pattern.length; i++) pattern[i] = i & 0xff;
  const hash = createHash('sha256');
  for (let left = size; left > 0; left -= pattern.length) hash.update(pattern.subarray(0, Math.min(left, pattern.length)));
  return hash.digest('hex');
}

/**
 * Writes each line to a connection to `port` and waits for its whole reply before the next. The server
 * reverses each chunk it reads, and a line may be read in several chunks (64-byte buffers, replies not yet
 * acknowledged): a line's reply is the reply lines that add up to its length, and read last-first they
 * spell the line reversed. Returns that per line.
 */
function converse(ns: Netns, port: number, lines: string[], ms = 60_000): Promise<string[]> {
  const child = ns.spawn('socat', ['-t', '30', 'stdio', `tcp4-connect:${SERVER}:${port}`]);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const replies: string[] = [];
    let chunks: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`port ${port}: ${replies.length} of ${lines.length} replies after ${ms} ms (${JSON.stringify(out)}): ${err}`));
    }, ms);
    const next = (): void => {
      if (replies.length === lines.length) {
        clearTimeout(timer);
        child.stdin!.end();
        child.on('close', () => resolve(replies));
        return;
      }
      child.stdin!.write(`${lines[replies.length]}\n`);
    };
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const chunk = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (chunk === '' || replies.length === lines.length) continue; // a chunk that was only the newline
        chunks.push(chunk);
        if (chunks.join('').length >= lines[replies.length]!.length) {
          replies.push(chunks.reverse().join(''));
          chunks = [];
          next();
        }
      }
    });
    child.on('error', reject);
    next();
  });
}

/** `attempts` tries of `f`, for datagrams the fault injector may drop. */
async function retry<T>(attempts: number, f: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

function serverSuite(name: string, extra: string[], sizes: { sink: number; fountain: number }): void {
  const faulty = extra.length > 0;
  const test = suiteNeeding(name, faulty ? ['root', 'socat', 'ping', 'tshark'] : ['root', 'socat', 'ping']);
  if (test === null) return;
  let ns: Netns;
  let server: ExampleRun;
  const tmp = tempDir('server');
  const pcap = tmp.path('server.pcap');
  if (faulty) extra = [...extra, '--pcap', pcap];

  test.before(async () => {
    // A static neighbour for our server on the kernel's side: ARP carries no checksum, so a corrupted
    // reply could teach the kernel a wrong address for a minute.
    ns = tapNamespace('exsrv', faulty ? { ip: SERVER, mac: '02:00:00:00:00:01' } : undefined);
    server = startExample(ns, 'server', ['tap0', ...extra]);
    await server.waitFor('ready');
  });
  test.after(async () => {
    await server?.kill();
    ns?.destroy();
    tmp.remove();
  });

  test('answers 10 pings', async () => {
    // -c 10 with a deadline waits for 10 replies, so requests the injector drops are made up for.
    const out = await shellIn(ns, `ping -n -c 10 -i 0.2 -w 120 ${SERVER}`);
    assert.match(out, /10 received/, out);
  });

  test('UDP 6969 replies "hello"', async () => {
    const reply = await retry(faulty ? 20 : 1, () => shellIn(ns, `socat -T 3 stdio udp4-connect:${SERVER}:6969`, 'abcdefg\n', 10_000).then((out) => {
      if (out !== 'hello\n') throw new Error(`reply ${JSON.stringify(out)}`);
      return out;
    }));
    assert.is(reply, 'hello\n');
  });

  test('TCP 6969 greets and closes, twice in a row', async () => {
    for (let i = 0; i < 2; i++) {
      const out = await shellIn(ns, `socat -t 60 stdio tcp4-connect:${SERVER}:6969 </dev/null`);
      assert.is(out, 'hello\n', `connection ${i + 1}`);
    }
    await server.waitFor(/(tcp:6969 send greeting, close[\s\S]*){2}/);
  });

  test('TCP 6970 replies with the reversed chunks', async () => {
    const lines = ['abcdefg', 'hello, world', '0123456789'.repeat(5), 'x', 'smoltcp-ts', 'the quick brown fox jumps over the lazy dog '.repeat(4)];
    const replies = await converse(ns, 6970, lines);
    assert.equal(replies, lines.map((l) => [...l].reverse().join('')));
  });

  test(`TCP 6971 swallows ${sizes.sink} bytes`, async () => {
    await shellIn(ns, `head -c ${sizes.sink} /dev/urandom | socat -u stdin tcp4-connect:${SERVER}:6971`, undefined, 300_000);
    await server.waitFor(`tcp:6971 close after ${sizes.sink} bytes`);
  });

  test(`TCP 6972 streams ${sizes.fountain} bytes of i % 256`, async () => {
    const out = await shellIn(ns, `socat -u tcp4-connect:${SERVER}:6972 - | head -c ${sizes.fountain} | sha256sum`, undefined, 300_000);
    assert.is(out.split(' ')[0], fountainHash(sizes.fountain));
    await server.waitFor('tcp:6972 close after');
    if (faulty) {
      // The frames the injector dropped left holes the kernel reported with SACK blocks (RFC 2018),
      // and the stream above still came out whole. The capture is flushed as the server stops.
      assert.is(await server.stop(), 0, server.tail());
      const sacks = spawnSync('tshark', ['-r', pcap, '-Y', 'tcp.dstport == 6972 && tcp.options.sack_le', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      assert.ok(sacks.stdout.trim().split('\n').filter(Boolean).length > 0, `no SACK from the kernel on 6972: ${sacks.stderr}`);
    }
  });

  test.run();
}

serverSuite('examples/server', [], { sink: 10_000_000, fountain: 10_000_000 });
// Under 15 % drop and 15 % corruption each way the kernel's retransmission timer backs off to tens of
// seconds after a few losses of one segment in a row, so the bulk transfers are kept short (100 kB):
// the point here is that every exchange completes with the right bytes, not throughput.
serverSuite('examples/server with faults', ['--drop-chance', '15', '--corrupt-chance', '15', '--seed', '7'], { sink: 100_000, fountain: 100_000 });
