// The client, ping, tcpdump and benchmark examples against the kernel, each in a namespace of its own
// with tap0 at 192.168.69.100 (a veth for tcpdump), and the examples' answers to a bad argument or a
// missing tap: one sentence, exit status 2 or 1, no stack trace.
import * as assert from 'uvu/assert';
import { Netns } from '../helpers/netns.js';
import { suiteNeeding } from '../helpers/needs.js';
import { waitForListener } from '../helpers/netns.js';
import { type ExampleRun, startExample, tapNamespace } from './support.js';

const test = suiteNeeding('examples on a tap', ['root', 'socat', 'ping']);

if (test !== null) {
  const cleanup: (() => void | Promise<void>)[] = [];
  const track = <T extends Netns | ExampleRun>(thing: T): T => {
    cleanup.unshift(() => (thing instanceof Netns ? thing.destroy() : thing.kill()));
    return thing;
  };
  test.after.each(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  test('client: connects to a socat listener and returns reversed chunks until it closes', async () => {
    const ns = track(tapNamespace('excli'));
    const socat = ns.spawn('socat', ['-t', '30', 'stdio', 'tcp4-listen:1234,reuseaddr']);
    cleanup.unshift(() => void socat.kill('SIGKILL'));
    await waitForListener(ns, 'tcp', 1234);
    const client = track(startExample(ns, 'client', ['tap0', '192.168.69.100', '1234']));
    await client.waitFor('client: connected');
    let out = '';
    const got = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (out.includes(text)) {
            socat.stdout!.off('data', onData);
            resolve();
          }
        };
        const onData = (c: Buffer): void => {
          out += c.toString();
          check();
        };
        socat.stdout!.on('data', onData);
        socat.once('exit', () => reject(new Error(`socat exited; it got ${JSON.stringify(out)}`)));
        check();
      });
    for (const line of ['abcdefg', 'hello, world', 'smoltcp-ts']) {
      socat.stdin!.write(`${line}\n`);
      await got(`${[...line].reverse().join('')}\n`);
    }
    socat.stdin!.end();
    assert.is(await client.exited(), 0, client.tail());
    assert.match(client.output, /client: the peer closed, closing/);
  });

  test('ping: replies, the first included, and the summary', async () => {
    const ns = track(tapNamespace('exping'));
    const ping = track(startExample(ns, 'ping', ['tap0', '192.168.69.100', '-c', '4', '-i', '0.2']));
    assert.is(await ping.exited(), 0, ping.tail());
    for (let seq = 1; seq <= 4; seq++) {
      assert.match(ping.output, new RegExp(`^64 bytes from 192\\.168\\.69\\.100: icmp_seq=${seq} ttl=64 time=[0-9.]+ ms$`, 'm'));
    }
    assert.match(ping.output, /^PING 192\.168\.69\.100 \(192\.168\.69\.100\) 56\(84\) bytes of data\.$/m);
    assert.match(ping.output, /^--- 192\.168\.69\.100 ping statistics ---$/m);
    assert.match(ping.output, /^4 packets transmitted, 4 received, 0% packet loss, time \d+ms$/m);
    assert.match(ping.output, /^rtt min\/avg\/max\/mdev = [0-9.]+\/[0-9.]+\/[0-9.]+\/[0-9.]+ ms$/m);
    // No assertion on `no answer yet` lines: one is printed when a reply takes over a second, which a
    // loaded machine can make happen; that every request was answered is what the summary above says.
  });

  test('tcpdump: prints the kernel\'s ARP requests on a veth', async () => {
    const ns = track(Netns.create('exdump'));
    ns.run('ip', ['link', 'add', 've0', 'type', 'veth', 'peer', 'name', 've1']);
    ns.run('ip', ['link', 'set', 've0', 'up']);
    ns.run('ip', ['link', 'set', 've1', 'up']);
    ns.run('ip', ['addr', 'add', '10.9.0.1/24', 'dev', 've0']);
    const dump = track(startExample(ns, 'tcpdump', ['ve1']));
    await dump.waitFor('listening on ve1');
    // The kernel ARPs for an address nobody has, from ve0, until our tcpdump has printed a request.
    const pinger = ns.spawn('ping', ['-n', '-i', '0.5', '-W', '1', '10.9.0.7']);
    cleanup.unshift(() => void pinger.kill('SIGKILL'));
    await dump.waitFor(/<- ARP, Request who-has 10\.9\.0\.7 tell 10\.9\.0\.1, length 28/);
  });

  for (const mode of ['reader', 'writer']) {
    test(`benchmark ${mode}: prints a throughput`, async () => {
      const ns = track(tapNamespace(`exb${mode[0]}`));
      const bench = track(startExample(ns, 'benchmark', ['tap0', mode, '--size', '5000000']));
      assert.is(await bench.exited(120_000), 0, bench.tail());
      assert.match(bench.output, /^throughput: \d+\.\d{3} Gbit\/s$/m);
    });
  }

  test('a bad argument: one sentence and exit status 2; a missing tap: how to create it, exit status 1', async () => {
    const ns = track(Netns.create('exargs'));
    const cases: [string, string[], number, RegExp][] = [
      ['server', ['tap0', '--drop-chance', '150'], 2, /^error: --drop-chance: expected a percentage from 0 to 100, got '150'/],
      ['server', ['tap0', 'extra'], 2, /^error: unexpected argument 'extra'/],
      ['server', [], 2, /^error: missing the tap interface name/],
      ['client', ['tap0', '192.168.69.300', '1234'], 2, /^error: '192\.168\.69\.300' is not an IPv4 address/],
      ['ping', ['tap0', '192.168.69.100', '-c', 'x'], 2, /^error: -c needs a count of 1 or more, got 'x'/],
      ['benchmark', ['tap0', 'sideways'], 2, /^error: unexpected argument 'sideways'/],
      ['tcpdump', [], 2, /^error: missing the interface name/],
      ['loopback', ['now'], 2, /^error: unexpected argument 'now'/],
      ['server', ['tap0'], 1, /^error: .*tap0.*ip tuntap add name tap0 mode tap user \$USER/],
    ];
    for (const [name, args, status, message] of cases) {
      const run = track(startExample(ns, name, args));
      assert.is(await run.exited(), status, `${name} ${args.join(' ')}: ${run.output}`);
      assert.match(run.output, message, `${name} ${args.join(' ')}`);
      assert.not.match(run.output, /\n\s+at /, 'no stack trace');
    }
  });

  test.run();
}
