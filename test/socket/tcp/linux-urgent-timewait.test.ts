// Against the Linux kernel, in a namespace this test creates (our stack on a tap): urgent data sent by
// a kernel sender with MSG_OOB arrives inline, every byte once and in order (RFC 6093), and a kernel
// client that reconnects from the same port while our side, the active closer, is in TIME-WAIT is
// answered at once (RFC 6191) rather than after the old connection's challenge ACK and the kernel's RST.
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import * as assert from 'uvu/assert';
import { Netns, disableIpv6, startCapture, withNetns } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { Interface } from '../../../src/iface/interface.js';
import { TapInterface } from '../../../src/phy/tap-interface.js';
import { interfaceHardwareAddress } from '../../../src/phy/sys/interface.js';
import { SocketSet } from '../../../src/socket/socket-set.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TCP_RECV_FINISHED, TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { now as clock } from '../../../src/time.js';

const test = suiteNeeding('socket/tcp/linux-urgent-timewait', ['root', 'python3', 'tcpdump']);

let serial = 0;

interface Setup {
  ns: Netns;
  tap: TapInterface;
  iface: Interface;
  sockets: SocketSet;
  kernelIp: string;
  ourIp: string;
  kernelMac: number;
  tapName: string;
}

function setUp(): Setup {
  const n = serial++;
  const tapName = `tu${process.pid % 10000}x${n}`;
  const kernelIp = `10.78.${60 + n}.1`;
  const ourIp = `10.78.${60 + n}.2`;
  const ns = Netns.create('tcpu');
  try {
    ns.run('ip', ['tuntap', 'add', 'name', tapName, 'mode', 'tap']);
    disableIpv6(ns, tapName);
    ns.run('ip', ['addr', 'add', `${kernelIp}/24`, 'dev', tapName]);
    ns.run('ip', ['link', 'set', tapName, 'up']);
    ns.run('ip', ['neigh', 'replace', ourIp, 'lladdr', '02:00:00:00:00:02', 'dev', tapName, 'nud', 'permanent']);
    const kernelMac = withNetns(ns, () => interfaceHardwareAddress(tapName)).reduce((v, b) => v * 256 + b, 0);
    const tap = withNetns(ns, () => new TapInterface(tapName));
    const iface = new Interface({ hardwareAddr: '02:00:00:00:00:02', addresses: [`${ourIp}/24`] });
    return { ns, tap, iface, sockets: new SocketSet(4), kernelIp, ourIp, kernelMac, tapName };
  } catch (e) {
    ns.destroy();
    throw e;
  }
}

function tearDown(s: Setup, children: ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  s.tap.close();
  s.ns.destroy();
}

function ipValue(text: string): number {
  return text.split('.').reduce((v, part) => v * 256 + Number(part), 0);
}

/** Polls until `done()`, running `step()` after each poll; fails after `limitMs` with `what()`. */
async function drive(s: Setup, step: () => void, done: () => boolean, limitMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    s.iface.neighbors.fill(ipValue(s.kernelIp), s.kernelMac, clock());
    s.iface.poll(clock(), s.tap, s.sockets);
    step();
    s.iface.poll(clock(), s.tap, s.sockets);
    if (done()) break;
    if (performance.now() > deadline) throw new Error(`${what()}: not done after ${limitMs} ms`);
    const delay = s.iface.pollDelay(clock(), s.sockets);
    if (delay !== 0) await s.tap.waitReadable(delay === null ? 50_000 : Math.min(delay, 50_000));
  }
}

function newSocket(): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(1 << 16), txBuffer: new RingBuffer(1 << 16) });
}

function collect(child: ChildProcess): { out: () => string } {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { out: () => out };
}

// The kernel sender: normal data with one urgent byte (MSG_OOB) between sends, then the SHA-256 of all.
const URGENT_SENDER = `
import hashlib, os, socket, sys, time
data = b''
s = socket.create_connection((sys.argv[1], 8081))
rnd = os.urandom(200000)
for i in range(20):
    chunk = rnd[i * 10000:(i + 1) * 10000]
    s.sendall(chunk)
    s.send(b'!', socket.MSG_OOB)
    data += chunk + b'!'
s.shutdown(socket.SHUT_WR)
s.recv(1)
print(hashlib.sha256(data).hexdigest(), len(data))
`;

if (test) {
  test('a kernel sender with MSG_OOB between sends: every byte arrives inline, in order, SHA-256 equal; the urgent marks are seen', async () => {
    const s = setUp();
    const children: ChildProcess[] = [];
    try {
      const listener = new TcpListener({ pool: [newSocket()], backlog: 1 });
      listener.listen(8081);
      s.sockets.add(listener);
      const child = s.ns.spawn('python3', ['-c', URGENT_SENDER, s.ourIp]);
      children.push(child);
      const output = collect(child);
      const hash = createHash('sha256');
      const buf = new Uint8Array(4096);
      let conn: TcpSocket | null = null;
      let received = 0;
      let marks = 0;
      let lastMarkAt = -1;
      let finished = false;
      await drive(
        s,
        () => {
          conn ??= listener.accept();
          if (conn === null) return;
          for (;;) {
            // Read up to the urgent mark, so each urgent byte is seen at the mark.
            const offset = conn.urgentOffset();
            if (offset === 0 && lastMarkAt !== received) {
              marks++;
              lastMarkAt = received;
            }
            const n = conn.recv(buf, 0, offset > 0 && offset < buf.length ? offset : buf.length);
            if (n === TCP_RECV_FINISHED) {
              finished = true;
              conn.close();
              break;
            }
            if (n <= 0) break;
            hash.update(buf.subarray(0, n));
            received += n;
          }
        },
        () => finished && child.exitCode !== null,
        60_000,
        () => `urgent: ${received} bytes, python ${child.exitCode === null ? 'running' : `exited: ${output.out()}`}`,
      );
      const [digest, length] = output.out().trim().split(' ');
      assert.is(received, Number(length));
      assert.is(hash.digest('hex'), digest);
      assert.is(received, 20 * 10001);
      // Linux sends the urgent pointer with every segment up to it, so a mark is seen for most of the
      // 20 bytes; one whose segments were all read before the pointer moved on can be passed unseen.
      assert.ok(marks >= 1, `urgent marks seen: ${marks}`);
      console.log(`    urgent: ${marks} of 20 marks seen at the read position`);
    } finally {
      tearDown(s, children);
    }
  });

  test('our sendUrgent to a kernel reader: Linux takes exactly the last urgent byte out of band (RFC 6093 pointer), the rest in order', async () => {
    const s = setUp();
    const children: ChildProcess[] = [];
    try {
      // Without SO_OOBINLINE, Linux's reader gets the byte before the urgent pointer with MSG_OOB and the
      // other bytes in the stream: that it finds '!' there shows our pointer is the byte after the data.
      const script = `
import select, socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], 9093))
srv.listen(1)
print('listening', flush=True)
conn, _ = srv.accept()
data = b''
oob = b''
while True:
    r, _, x = select.select([conn], [], [conn], 20)
    if x:
        try:
            oob += conn.recv(1, socket.MSG_OOB)
        except OSError:
            pass
    if r:
        b = conn.recv(4096)
        if not b: break
        data += b
    if not r and not x: break
print(data.decode(), oob.decode(), flush=True)
`;
      const child = s.ns.spawn('python3', ['-u', '-c', script, s.kernelIp]);
      children.push(child);
      const output = collect(child);
      const socket = newSocket();
      s.sockets.add(socket);
      let step = 0;
      let port = 42000;
      const remote = { addr: ipValue(s.kernelIp), port: 9093 };
      await drive(
        s,
        () => {
          if (!output.out().includes('listening')) return;
          if (socket.state === TcpState.Closed && step === 0) socket.connect(remote, { addr: ipValue(s.ourIp), port: port++ });
          if (socket.state !== TcpState.Established) return;
          if (step === 0) {
            socket.send(new TextEncoder().encode('abc'));
            step = 1;
          } else if (step === 1 && socket.sendQueue() === 0) {
            // Once "abc" is acknowledged, the urgent byte goes alone, then the rest.
            socket.sendUrgent(new TextEncoder().encode('!'));
            step = 2;
          } else if (step === 2 && socket.sendQueue() === 0) {
            socket.send(new TextEncoder().encode('def'));
            socket.close();
            step = 3;
          }
        },
        () => child.exitCode !== null,
        30_000,
        () => `urgent to the kernel: step ${step}, state ${TcpState[socket.state]}, python ${child.exitCode === null ? 'running' : `exited: ${output.out()}`}`,
      );
      const lines = output.out().trim().split('\n');
      assert.is(lines[lines.length - 1], 'abcdef !', output.out());
    } finally {
      tearDown(s, children);
    }
  });

  test('a kernel client reconnects from the same port while our side is in TIME-WAIT: the new connection is taken at once', async () => {
    const s = setUp();
    const children: ChildProcess[] = [];
    try {
      const pool = [newSocket(), newSocket()];
      const listener = new TcpListener({ pool, backlog: 2 });
      listener.listen(8082);
      s.sockets.add(listener);
      // Two connections from port 45555, one after the other: each reads our greeting until we close.
      const script = `
import socket, sys, time
for i in range(2):
    # The kernel's side of the first connection stays in LAST-ACK until our ACK of its FIN arrives;
    # until then the same 4-tuple cannot connect (EADDRNOTAVAIL): try again.
    while True:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((sys.argv[2], 45555))
        try:
            s.connect((sys.argv[1], 8082))
            break
        except OSError as e:
            s.close()
            if e.errno != 99: raise
            time.sleep(0.01)
    got = b''
    while True:
        b = s.recv(100)
        if not b: break
        got += b
    s.close()
    print(i, got.decode())
`;
      // The kernel's SYNs from the client port, counted on the tap.
      const capture = await startCapture(s.ns, s.tapName, 'tcp[tcpflags] & tcp-syn != 0 and src port 45555', 3, 30_000);
      const child = s.ns.spawn('python3', ['-c', script, s.ourIp, s.kernelIp]);
      children.push(child);
      const output = collect(child);
      const served: TcpSocket[] = [];
      let timeWaitSeen = false;
      await drive(
        s,
        () => {
          for (let c = listener.accept(); c !== null; c = listener.accept()) {
            c.send(new TextEncoder().encode(`hello ${served.length}`));
            served.push(c);
            listener.release(c); // we close first: our side goes to TIME-WAIT
          }
          if (served.length === 1 && served[0]!.state === TcpState.TimeWait) timeWaitSeen = true;
        },
        () => child.exitCode !== null,
        30_000,
        () => `reconnect: ${served.length} served, python ${child.exitCode === null ? 'running' : `exited: ${output.out()}`}`,
      );
      const lines = output.out().trim().split('\n');
      assert.is(lines.length, 2, output.out());
      assert.ok(timeWaitSeen, 'the first connection was in TIME-WAIT on our side');
      assert.is(lines[0], '0 hello 0');
      assert.is(lines[1], '1 hello 1');
      // One SYN per connection: without RFC 6191 the second connection's first SYN would draw the old
      // connection's ACK, the kernel would answer it with an RST and send its SYN again a second later.
      capture.stop();
      const syns = await capture.frames;
      assert.is(syns.length, 2, `the kernel sent ${syns.length} SYNs for two connections`);
      assert.ok(served.length === 2);
    } finally {
      tearDown(s, children);
    }
  });

  test.run();
}
