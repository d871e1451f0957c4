// examples/benchmark.ts: TCP throughput between our stack and the Linux kernel, after current smoltcp's
// examples/benchmark.rs. Our stack on 192.168.69.1 (tap0) serves port 1234, which sends (reader mode), and
// port 1235, which sinks (writer mode); a kernel TCP client in a worker thread reads or writes 1 GB (or
// --size BYTES) through the tap and the example prints `throughput: N Gbit/s`.
//
//   npx tsx examples/benchmark.ts tap0 reader
//   npx tsx examples/benchmark.ts tap0 writer --size 100000000

import { Worker } from 'node:worker_threads';
import { Runner } from '../src/runner/runner.js';
import { SocketSet } from '../src/socket/socket-set.js';
import { TcpSocket, TcpState } from '../src/socket/tcp/socket.js';
import { RingBuffer } from '../src/storage/ring-buffer.js';
import { fail } from './utils/device.js';
import { openTap, tapArguments } from './utils/tap.js';

interface Job {
  mode: 'reader' | 'writer';
  port: number;
  size: number;
}

// The kernel's side, run in a worker thread: a plain Node TCP client, timed from connect to the last
// byte. Plain JavaScript (the worker evaluates it), so it runs the same with or without tsx.
const KERNEL_CLIENT = `
const { connect } = require('node:net');
const { parentPort, workerData: job } = require('node:worker_threads');
const started = performance.now();
const conn = connect({ host: '192.168.69.1', port: job.port });
let done = 0;
const finish = () => {
  parentPort.postMessage({ bytes: done, seconds: (performance.now() - started) / 1000 });
  conn.destroy();
};
conn.on('error', (e) => parentPort.postMessage({ error: e.message }));
if (job.mode === 'reader') {
  conn.on('data', (chunk) => {
    done += chunk.length;
    if (done >= job.size) finish();
  });
} else {
  const chunk = Buffer.alloc(1 << 16);
  const write = () => {
    while (done < job.size) {
      const n = Math.min(chunk.length, job.size - done);
      done += n;
      if (!conn.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        conn.once('drain', write);
        return;
      }
    }
    conn.end(finish);
  };
  conn.on('connect', write);
}
`;


const USAGE = `Usage: npx tsx examples/benchmark.ts TAP reader|writer [--size BYTES] [options]
Our stack on 192.168.69.1 sends (reader) or sinks (writer) BYTES (default 1000000000) to or from a
kernel TCP client through TAP, and prints the throughput.`;
const parsed = tapArguments(USAGE);
const { args, tapName } = parsed;

let mode: 'reader' | 'writer' | null = null;
let size = 1_000_000_000;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === 'reader' || arg === 'writer') {
    if (mode !== null) fail(`give one mode, reader or writer, not '${mode}' and '${arg}'`);
    mode = arg;
  } else if (arg === '--size') {
    const text = args[++i];
    size = text === undefined ? NaN : Number(text);
    if (!(Number.isSafeInteger(size) && size > 0)) fail(`--size needs a number of bytes above 0, got '${text ?? ''}'`);
  } else {
    fail(`unexpected argument '${arg}'; expected reader or writer (try --help)`);
  }
}
if (mode === null) fail('missing the mode: reader (our stack sends) or writer (our stack receives)');
const chosen: 'reader' | 'writer' = mode;
// No trace and no log: a line per segment would measure the console (--pcap still captures).
const { device, iface } = openTap(parsed, { hardwareAddr: '02:00:00:00:00:01', address: '192.168.69.1/24' }, true);

const BUFFER = 1 << 20;
const socket = new TcpSocket({ rxBuffer: new RingBuffer(BUFFER), txBuffer: new RingBuffer(BUFFER) });
const port = mode === 'reader' ? 1234 : 1235;
socket.listen(port);
const sockets = new SocketSet(1);
sockets.add(socket);

const stop = new AbortController();
let sent = 0;
const serve = (): void => {
  if (chosen === 'reader') {
    // Queue whatever is left of `size`; the bytes' values do not matter here.
    while (sent < size && socket.maySend()) {
      const room = Math.min(socket.sendWindowLength(), size - sent);
      if (room === 0) break;
      socket.commitSend(room);
      sent += room;
    }
  } else {
    for (let n = socket.recvWindowLength(); n > 0; n = socket.recvWindowLength()) socket.commitRecv(n);
  }
  if (socket.state === TcpState.CloseWait) socket.close();
};

const runner = new Runner(iface, device, sockets, { onPoll: serve });
const running = runner.run(stop.signal).catch((e: unknown) => fail(`${tapName}: ${(e as Error).message}`, 1));
console.log(`benchmark: ${mode}, ${size} bytes through ${tapName}, port ${port}`);
const worker = new Worker(KERNEL_CLIENT, { eval: true, workerData: { mode: chosen, port, size } satisfies Job });
const result = await new Promise<{ bytes?: number; seconds?: number; error?: string }>((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
await worker.terminate();
stop.abort();
await running;
if (result.error !== undefined) fail(`the kernel's client failed: ${result.error}`, 1);
const gbits = (result.bytes! * 8) / result.seconds! / 1e9;
console.log(`throughput: ${gbits.toFixed(3)} Gbit/s`);
process.exit(0);
