// examples/loopback.ts: smoltcp-ts talking to itself. One interface on a Loopback device holds a
// server and a client TCP socket; the client connects, sends a chunk of data and closes, the server
// reads it all and closes too. Needs no root and no tap. With --pcap FILE it writes the exchange as
// Wireshark sees it: handshake, data, FIN both ways, every checksum computed.
//
//   npx tsx examples/loopback.ts --pcap loopback.pcap

import { formatFrame } from '../src/format/index.js';
import { Interface } from '../src/iface/interface.js';
import { consoleLogger } from '../src/iface/logger.js';
import { Loopback } from '../src/phy/loopback.js';
import { Runner } from '../src/runner/runner.js';
import { SocketSet } from '../src/socket/socket-set.js';
import { IpEndpoint } from '../src/socket/socket.js';
import { TcpSocket, TcpState } from '../src/socket/tcp/socket.js';
import { RingBuffer } from '../src/storage/ring-buffer.js';
import { ExampleDevice, fail } from './utils/device.js';
import { OptionError, buildMiddleware, parseMiddlewareOptionsOrExit } from './utils/options.js';

const USAGE = `Usage: npx tsx examples/loopback.ts [--pcap FILE]
A server and a client TCP socket on one interface over a loopback device transfer a chunk of data.`;

const { options, rest } = parseMiddlewareOptionsOrExit(process.argv.slice(2), USAGE);
if (rest.length > 0) fail(`unexpected argument '${rest[0]}'; loopback takes only the options (try --help)`);

const CHUNK = 4096; // bytes the client sends
const ADDRESS = 0x7f000001; // 127.0.0.1
const PORT = 1234;

// The Loopback computes and verifies every checksum (its default), so the capture shows what a wire
// would carry; the PcapWriter keeps only the sent copy of each frame.
let stack;
try {
  stack = buildMiddleware(new Loopback(), options, { loopback: true, format: formatFrame });
} catch (e) {
  if (e instanceof OptionError) fail(e.message);
  throw e;
}
const device = new ExampleDevice(stack);
const iface = new Interface({ hardwareAddr: '02:00:00:00:00:01', addresses: ['127.0.0.1/8'], logger: consoleLogger });

const sockets = new SocketSet(2);
const newSocket = (): TcpSocket => new TcpSocket({ rxBuffer: new RingBuffer(65536), txBuffer: new RingBuffer(65536) });
const server = newSocket();
const client = newSocket();
sockets.add(server);
sockets.add(client);

const data = new Uint8Array(CHUNK);
for (let i = 0; i < data.length; i++) data[i] = 0x61 + (i % 26); // abc...z, repeated
const received = new Uint8Array(CHUNK);
let sent = 0;
let got = 0;
let clientConnecting = false;
let serverClosed = false;
let clientClosed = false;

server.listen(PORT);

const stop = new AbortController();
const runner = new Runner(iface, device, sockets, {
  onPoll() {
    // The server: read everything, close when the client has.
    for (let n = server.recv(received, got); n > 0; n = server.recv(received, got)) got += n;
    if (server.recvFinished() && !serverClosed) {
      console.log(`server: received ${got} bytes, closing`);
      server.close();
      serverClosed = true;
    }
    // The client: connect once, send the chunk, close.
    if (!clientConnecting) {
      console.log(`client: connecting to 127.0.0.1:${PORT}`);
      client.connect(new IpEndpoint(ADDRESS, PORT), new IpEndpoint(ADDRESS, 65000));
      clientConnecting = true;
    }
    if (client.canSend() && sent < data.length) sent += client.send(data, sent);
    if (sent === data.length && !clientClosed) {
      console.log(`client: sent ${sent} bytes, closing`);
      client.close();
      clientClosed = true;
    }
    // Done when both ends are closed or waiting out TIME-WAIT.
    const over = (s: TcpSocket): boolean => s.state === TcpState.Closed || s.state === TcpState.TimeWait;
    if (serverClosed && clientClosed && over(server) && over(client)) stop.abort();
  },
});

await runner.run(stop.signal);
stack.close();
const intact = got === data.length && received.every((b, i) => b === data[i]);
console.log(intact ? `transferred ${got} bytes intact` : `transfer failed: ${got} of ${data.length} bytes`);
if (options.pcap !== null) console.log(`wrote ${options.pcap}`);
process.exit(intact ? 0 : 1);
