// What a user would otherwise reach for: Node's own dgram sockets over 127.0.0.1, one sending and one
// receiving datagrams of the same sizes, with a window of BATCH datagrams in flight (the next batch goes
// when the previous one has arrived), so the kernel's socket buffer never drops and the rate is what
// Node delivers end to end.
import dgram from 'node:dgram';
import { BATCH } from './stack.js';

export async function benchDgram(size: number, seconds: number): Promise<number> {
  const rx = dgram.createSocket('udp4');
  const tx = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => rx.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tx.bind(0, '127.0.0.1', resolve));
  const port = rx.address().port;
  tx.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => tx.once('connect', resolve));
  const payload = Buffer.alloc(size, 7);
  let received = 0;
  let target = 0;
  let deadline = 0;
  let counting = false;
  let counted = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sendBatch = (): void => {
    target += BATCH;
    for (let i = 0; i < BATCH; i++) tx.send(payload);
  };
  let start = 0;
  rx.on('message', () => {
    received++;
    if (counting) counted++;
    if (received < target) return;
    const t = performance.now();
    if (!counting && t >= deadline) {
      // Warm-up over: count from here for `seconds`.
      counting = true;
      start = t;
      deadline = t + seconds * 1000;
    } else if (counting && t >= deadline) {
      done();
      return;
    }
    sendBatch();
  });
  deadline = performance.now() + 300; // warm-up
  sendBatch();
  await finished;
  const elapsed = performance.now() - start;
  rx.close();
  tx.close();
  return counted / (elapsed / 1000);
}
