// Against the Linux kernel, in a namespace this test creates (our stack on a tap): urgent data sent by
// a kernel sender with MSG_OOB arrives inline, every byte once and in order (RFC 6093), and a kernel
// client that reconnects from the same port while our side, the active closer, is in TIME-WAIT is
// answered at once (RFC 6191) rather than after the old connection's challenge ACK and the kernel's RST.
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import { startCapture } from '../../helpers/netns.js';
import { suiteNeeding } from '../../helpers/needs.js';
import { TcpListener } from '../../../src/socket/tcp/listener.js';
import { TCP_RECV_FINISHED, TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { KernelTap, output as collect } from './kernel-tap.js';

const test = suiteNeeding('socket/tcp/linux-urgent-timewait', ['root', 'python3', 'tcpdump']);

let serial = 0;

function setUp(): KernelTap {
  return new KernelTap({ tag: 'u', subnet: `10.78.${60 + serial++}`, sockets: 4 });
}

function newSocket(): TcpSocket {
  return new TcpSocket({ rxBuffer: new RingBuffer(1 << 16), txBuffer: new RingBuffer(1 << 16) });
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
    try {
      const listener = new TcpListener({ pool: [newSocket()], backlog: 1 });
      listener.listen(8081);
      s.sockets.add(listener);
      const child = s.spawn('python3', ['-c', URGENT_SENDER, s.ourIp]);
      const output = collect(child);
      const hash = createHash('sha256');
      const buf = new Uint8Array(4096);
      let conn: TcpSocket | null = null;
      let received = 0;
      let marks = 0;
      let lastMarkAt = -1;
      let finished = false;
      await s.drive(
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
        () => `urgent: ${received} bytes, python ${child.exitCode === null ? 'running' : `exited: ${output()}`}`,
      );
      const [digest, length] = output().trim().split(' ');
      assert.is(received, Number(length));
      assert.is(hash.digest('hex'), digest);
      assert.is(received, 20 * 10001);
      // Linux sends the urgent pointer with every segment up to it, so a mark is seen for most of the
      // 20 bytes; one whose segments were all read before the pointer moved on can be passed unseen.
      assert.ok(marks >= 1, `urgent marks seen: ${marks}`);
      console.log(`    urgent: ${marks} of 20 marks seen at the read position`);
    } finally {
      s.close();
    }
  });

  test('our sendUrgent to a kernel reader: Linux takes exactly the last urgent byte out of band (RFC 6093 pointer), the rest in order', async () => {
    const s = setUp();
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
      const child = s.spawn('python3', ['-u', '-c', script, s.kernelIp]);
      const output = collect(child);
      const socket = newSocket();
      s.sockets.add(socket);
      let step = 0;
      let port = 42000;
      const remote = { addr: s.kernelAddr, port: 9093 };
      await s.drive(
        () => {
          if (!output().includes('listening')) return;
          if (socket.state === TcpState.Closed && step === 0) socket.connect(remote, { addr: s.ourAddr, port: port++ });
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
        () => `urgent to the kernel: step ${step}, state ${TcpState[socket.state]}, python ${child.exitCode === null ? 'running' : `exited: ${output()}`}`,
      );
      const lines = output().trim().split('\n');
      assert.is(lines[lines.length - 1], 'abcdef !', output());
    } finally {
      s.close();
    }
  });

  test('a kernel client reconnects from the same port while our side is in TIME-WAIT: the new connection is taken at once', async () => {
    const s = setUp();
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
      // Every segment of both connections, captured on the tap.
      const capture = s.track(await startCapture(s.ns, s.tapName, 'tcp port 45555', 10_000, 60_000));
      const child = s.spawn('python3', ['-c', script, s.ourIp, s.kernelIp]);
      const output = collect(child);
      const served: TcpSocket[] = [];
      let timeWaitSeen = false;
      await s.drive(
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
        () => `reconnect: ${served.length} served, python ${child.exitCode === null ? 'running' : `exited: ${output()}`}`,
      );
      const lines = output().trim().split('\n');
      assert.is(lines.length, 2, output());
      assert.ok(timeWaitSeen, 'the first connection was in TIME-WAIT on our side');
      assert.is(lines[0], '0 hello 0');
      assert.is(lines[1], '1 hello 1');
      // Without RFC 6191 the second connection's first SYN would draw the old connection's ACK, and the
      // kernel would answer that with an RST and send its SYN again a second later. So: our first answer
      // to each new ISN is a SYN-ACK of it, and the kernel resets nothing. (A SYN retransmitted because a
      // loaded machine answered late is fine: it carries the same ISN.)
      capture.stop();
      const segments = (await capture.frames).map(tcpSegment).filter((t) => t !== null);
      assert.is(segments.filter((t) => t.fromClient && t.rst).length, 0, 'the kernel reset nothing');
      const isns = [...new Set(segments.filter((t) => t.fromClient && t.syn).map((t) => t.seq))];
      assert.is(isns.length, 2, `the kernel's SYNs carry ${isns.length} ISNs for two connections`);
      for (const isn of isns) {
        const first = segments.findIndex((t) => t.fromClient && t.syn && t.seq === isn);
        const answer = segments.slice(first + 1).find((t) => !t.fromClient);
        assert.ok(answer !== undefined && answer.syn && answer.ack === ((isn + 1) >>> 0), `our first answer to the SYN with ISN ${isn} is its SYN-ACK`);
      }
      assert.ok(served.length === 2);
    } finally {
      s.close();
    }
  });

  test.run();
}

/** The TCP fields this file's checks need, from an Ethernet/IPv4 frame; null for anything else. */
function tcpSegment(frame: Uint8Array): { fromClient: boolean; syn: boolean; rst: boolean; seq: number; ack: number } | null {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 6) return null;
  const tcp = 14 + (frame[14]! & 0x0f) * 4;
  if (frame.length < tcp + 20) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const flags = frame[tcp + 13]!;
  return {
    fromClient: view.getUint16(tcp) === 45555,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    seq: view.getUint32(tcp + 4),
    ack: view.getUint32(tcp + 8),
  };
}
