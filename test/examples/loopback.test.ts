// `npm start`: examples/loopback.ts transfers its chunk over the loopback and writes a capture that
// tshark, with checksum validation on, reads as a clean exchange: handshake, data, FIN both ways, every
// IPv4 and TCP checksum verified good, no expert error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { suiteNeeding } from '../helpers/needs.js';
import { tempDir } from '../pcap/support.js';

const test = suiteNeeding('examples/loopback', ['tshark']);

if (test !== null) {
  const tmp = tempDir('loopback');
  test.after(() => tmp.remove());

  test('the transfer completes and tshark reads a clean capture', () => {
    const pcap = tmp.path('loopback.pcap');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/loopback.ts', '--pcap', pcap], { encoding: 'utf8', timeout: 120_000 });
    assert.is(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /transferred 4096 bytes intact/);
    assert.match(run.stdout, /-> IP 127\.0\.0\.1\.65000 > 127\.0\.0\.1\.1234: Flags \[S\]/, 'the trace is printed');
    assert.ok(existsSync(pcap));

    const fields = ['tcp.srcport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.len', 'ip.checksum.status', 'tcp.checksum.status'];
    const args = ['-r', pcap, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,'];
    for (const f of fields) args.push('-e', f);
    const shark = spawnSync('tshark', args, { encoding: 'utf8' });
    assert.is(shark.status, 0, shark.stderr);
    const rows = shark.stdout.trim().split('\n').map((line) => {
      const [port, syn, ack, fin, len, ipSum, tcpSum] = line.split(',');
      const flag = (v: string | undefined): boolean => v === '1' || v === 'True';
      return { client: port === '65000', syn: flag(syn), ack: flag(ack), fin: flag(fin), len: Number(len), ipSum, tcpSum };
    });
    assert.ok(rows.length >= 7, `${rows.length} frames`);
    for (const r of rows) {
      assert.is(r.ipSum, '1', 'IPv4 checksum good');
      assert.is(r.tcpSum, '1', 'TCP checksum good');
    }
    assert.ok(rows.some((r) => r.client && r.syn && !r.ack), 'client SYN');
    assert.ok(rows.some((r) => !r.client && r.syn && r.ack), 'server SYN-ACK');
    assert.is(rows.filter((r) => r.client).reduce((n, r) => n + r.len, 0), 4096, 'the data, once');
    assert.ok(rows.some((r) => r.client && r.fin), 'client FIN');
    assert.ok(rows.some((r) => !r.client && r.fin), 'server FIN');

    // No expert info of error severity (malformed, bad checksum).
    const expert = spawnSync('tshark', ['-r', pcap, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', '_ws.expert.severity == error || _ws.malformed'], { encoding: 'utf8' });
    assert.is(expert.status, 0, expert.stderr);
    assert.is(expert.stdout.trim(), '', 'frames with errors');
  });

  test.run();
}
