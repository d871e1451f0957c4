// examples/httpd.ts against the kernel, in a namespace with tap0 at 192.168.69.100: `curl
// http://192.168.69.1:8080/` gets the page, /bytes/N the right bytes, an unknown path a 404; each request is
// logged. Then the same through the fault injector (--drop-chance 15 --corrupt-chance 15, with --pcap),
// where every request must still complete with the right bytes and the capture holds the HTTP exchange.
// And a mistake on the command line is one sentence and exit status 2.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import type { Netns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { tempDir } from '../pcap/support.js';
import { type ExampleRun, ROOT, shellIn, startExample, tapNamespace } from './support.js';

const URL_BASE = 'http://192.168.69.1:8080';

/** SHA-256 of the first `size` bytes of i % 256. */
function countingHash(size: number): string {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  return createHash('sha256').update(bytes).digest('hex');
}

function httpdSuite(name: string, extra: string[], bytes: number): void {
  const faulty = extra.length > 0;
  const test = suiteNeeding(name, faulty ? ['root', 'curl', 'tshark'] : ['root', 'curl']);
  if (test === null) return;
  let ns: Netns;
  let httpd: ExampleRun;
  const tmp = tempDir('httpd');
  const pcap = tmp.path('httpd.pcap');
  if (faulty) extra = [...extra, '--pcap', pcap];
  // curl gives up on a stalled transfer after this long; the kernel's retransmission timer backs off
  // under 15 % loss each way, so the bodies under faults stay small.
  const curl = (path: string, tail = ''): Promise<string> => shellIn(ns, `curl -sS --fail --max-time 120 ${URL_BASE}${path}${tail}`, undefined, 150_000);

  test.before(async () => {
    // A static neighbour on the kernel's side: ARP carries no checksum, a corrupted reply could teach
    // the kernel a wrong address.
    ns = tapNamespace('exhttpd', faulty ? { ip: '192.168.69.1', mac: '02:00:00:00:00:01' } : undefined);
    httpd = startExample(ns, 'httpd', ['tap0', ...extra]);
    await httpd.waitFor('httpd: http://192.168.69.1:8080/ on tap0 ready');
  });
  test.after(async () => {
    await httpd?.kill();
    ns?.destroy();
    tmp.remove();
  });

  test('curl gets the page, twice, and each request is logged', async () => {
    for (let i = 1; i <= 2; i++) {
      const page = await curl('/');
      assert.match(page, '<h1>Hello from smoltcp-ts</h1>');
      assert.match(page, /You are 192\.168\.69\.100:\d+; this is request \d+\./);
    }
    await httpd.waitFor(/(GET \/ 200 192\.168\.69\.100:\d+[\s\S]*){2}/);
  });

  test(`/bytes/${bytes} is ${bytes} bytes of i % 256; an unknown path is a 404`, async () => {
    const out = await curl(`/bytes/${bytes}`, ' | sha256sum');
    assert.is(out.split(' ')[0], countingHash(bytes));
    const notFound = await shellIn(ns, `curl -sS -o /dev/null -w '%{http_code}' --max-time 120 ${URL_BASE}/nope`, undefined, 150_000);
    assert.is(notFound, '404');
    await httpd.waitFor('GET /nope 404');
  });

  test('SIGTERM stops it with status 0', async () => {
    assert.is(await httpd.stop(), 0, httpd.tail());
    if (faulty) {
      assert.match(httpd.output, /fault injection seed: 7/);
      // The capture, flushed as it stopped, holds the requests as tshark decodes them.
      const requests = spawnSync('tshark', ['-r', pcap, '-Y', 'http.request.method == "GET"', '-T', 'fields', '-e', 'http.request.uri'], { encoding: 'utf8' });
      assert.ok(requests.stdout.split('\n').includes('/'), `no GET / in the capture: ${requests.stdout} ${requests.stderr}`);
    }
  });

  test.run();
}

httpdSuite('examples/httpd', [], 1_000_000);
httpdSuite('examples/httpd with faults', ['--drop-chance', '15', '--corrupt-chance', '15', '--seed', '7'], 20_000);

const usage = suiteNeeding('examples/httpd on the command line', ['linux']);
if (usage !== null) {
  usage('an extra argument is one sentence and exit status 2; --help prints the usage', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/httpd.ts', 'tap0', 'extra'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(run.status, 2);
    assert.is(run.stderr, "error: unexpected argument 'extra'; httpd takes only the tap name and options (try --help)\n");
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'examples/httpd.ts', '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(help.status, 0);
    assert.match(help.stdout, 'Usage: npx tsx examples/httpd.ts TAP [options]');
  });
  usage.run();
}
