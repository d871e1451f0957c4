// The decode demo (npx tsx examples/decode-demo.ts) must do something real and exit 0: decode the built-in frames and answer two of them.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const test = suite('wire/demo');

test('the decode demo prints each frame tcpdump-style and as reprs, then the replies', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/decode-demo.ts'], { cwd: root, encoding: 'utf8' });
  for (const line of [
    'ARP, Request who-has 10.81.0.2 tell 10.81.0.1, length 28',
    'IP 10.81.0.1 > 10.81.0.2: ICMP echo request, id 16799, seq 1, length 64',
    'options [mss 1460,sackOK,TS val 2143933168 ecr 0,nop,wscale 10], length 0',
    'IP 10.81.0.1.40053 > 10.81.0.2.53: 43981+ A? example.com. (29)',
    'tcp       40576 > 40080, Syn, seq 1681884231, win 64240, options {mss 1460, sackOK, TS 2143933168/0, wscale 10}, checksum verified',
    'ARP, Reply 10.81.0.2 is-at f6:2b:ee:80:3a:22, length 28',
    'IP 10.81.0.2 > 10.81.0.1: ICMP echo reply, id 16799, seq 1, length 64',
  ]) {
    assert.ok(out.includes(line), `missing: ${line}\n--- output ---\n${out}`);
  }
});

test.run();
