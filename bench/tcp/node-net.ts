// Node's net over 127.0.0.1 for bench/tcp: a server and a client in this process, the client writing
// argv[2] bytes in 256 KiB writes (waiting for 'drain' when write() says so). Prints "BYTES SECONDS",
// timed from the first byte received to the end.
import { createConnection, createServer } from 'node:net';

const total = Number(process.argv[2] ?? 1 << 30);
const chunk = Buffer.alloc(1 << 18, 0x5a);
let received = 0;
let start = 0;
const server = createServer((socket) => {
  socket.on('data', (data: Buffer) => {
    if (received === 0) start = performance.now();
    received += data.length;
  });
  socket.on('end', () => {
    console.log(`${received} ${((performance.now() - start) / 1000).toFixed(6)}`);
    server.close();
  });
});
server.listen(7000, '127.0.0.1', () => {
  const client = createConnection(7000, '127.0.0.1', () => {
    let sent = 0;
    const write = (): void => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!client.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          client.once('drain', write);
          return;
        }
      }
      client.end();
    };
    write();
  });
});
