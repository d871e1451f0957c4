// MessageDevice: two NetStacks joined by a real MessageChannel (as two stacks in a page or a Worker),
// the bounded receive queue, and the WebSocket and VM-hook transports.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageChannel } from 'node:worker_threads';
import { MessageDevice, messagePortTransport, webSocketTransport, type FrameMessage, type WebSocketLike } from '../../src/phy/message-device.js';
import { NetStack } from '../../src/stack/index.js';
import { pattern, readAll, sha256, writeAll } from './support.js';

const test = suite('stack/message-device');

test('two stacks over a MessageChannel: 1 MiB each way, every byte arrives, buffers transferred', async () => {
  const channel = new MessageChannel();
  const da = new MessageDevice(messagePortTransport(channel.port1 as unknown as Parameters<typeof messagePortTransport>[0]));
  const db = new MessageDevice(messagePortTransport(channel.port2 as unknown as Parameters<typeof messagePortTransport>[0]));
  const a = new NetStack({ device: da, address: '10.1.0.1/24' });
  const b = new NetStack({ device: db, address: '10.1.0.2/24' });
  try {
    const up = pattern(1 << 20, 1);
    const down = pattern(1 << 20, 2);
    const server = b.listenTcp({ port: 80 });
    const served = (async () => {
      const conn = (await server.accept())!;
      const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, down)]);
      return got;
    })();
    const conn = await a.connectTcp({ host: '10.1.0.2', port: 80 });
    const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, up)]);
    assert.is(sha256(got), sha256(down));
    assert.is(sha256(await served), sha256(up));
    assert.ok(da.txFrames > 700 && db.rxFrames > 700, `${da.txFrames} frames sent`);
    assert.is(da.txDropped + db.txDropped + da.rxInvalid + db.rxInvalid, 0);
    assert.ok((await a.ping('10.1.0.2')) >= 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
    da.close();
    db.close();
    channel.port1.close();
    channel.port2.close();
  }
});

test('batch: the frames of one poll travel as one message, an array; 1 MiB each way arrives whole', async () => {
  const channel = new MessageChannel();
  const port = (p: unknown) => p as Parameters<typeof messagePortTransport>[0];
  let messages = 0;
  channel.port2.on('message', () => messages++); // counts what reaches port2: one event per message
  const da = new MessageDevice(messagePortTransport(port(channel.port1), { batch: true }));
  const db = new MessageDevice(messagePortTransport(port(channel.port2), { batch: true }));
  const a = new NetStack({ device: da, address: '10.1.0.1/24' });
  const b = new NetStack({ device: db, address: '10.1.0.2/24' });
  try {
    const up = pattern(1 << 20, 3);
    const down = pattern(1 << 20, 4);
    const server = b.listenTcp({ port: 80 });
    const served = (async () => {
      const conn = (await server.accept())!;
      const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, down)]);
      return got;
    })();
    const conn = await a.connectTcp({ host: '10.1.0.2', port: 80 });
    const [got] = await Promise.all([readAll(conn.readable), writeAll(conn.writable, up)]);
    assert.is(sha256(got), sha256(down));
    assert.is(sha256(await served), sha256(up));
    assert.ok(db.rxFrames > 700, `${db.rxFrames} frames received`);
    assert.ok(messages * 2 < db.rxFrames, `${db.rxFrames} frames came in ${messages} messages`);
    assert.is(da.txDropped + db.txDropped + da.rxInvalid + db.rxInvalid + da.rxDropped + db.rxDropped, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
    da.close();
    db.close();
    channel.port1.close();
    channel.port2.close();
  }
});

test('a message that is an array delivers each frame in it; a non-frame inside is counted', () => {
  const listeners: ((event: { data: unknown }) => void)[] = [];
  const fakePort = {
    postMessage: () => undefined,
    addEventListener: (_: 'message', l: (event: { data: unknown }) => void) => listeners.push(l),
    removeEventListener: () => undefined,
  };
  const device = new MessageDevice(messagePortTransport(fakePort));
  listeners[0]!({ data: [new Uint8Array([1, 2]), 'junk', new Uint8Array([3])] });
  assert.is(device.queued, 2);
  assert.is(device.rxInvalid, 1);
});

test('the receive queue is bounded: beyond it frames are dropped and counted; non-frames are counted too', () => {
  const sent: Uint8Array[] = [];
  const device = new MessageDevice({ send: (frame) => sent.push(frame) }, { queueLength: 2, maxTransmissionUnit: 100 });
  let readable = 0;
  device.onReadable = () => readable++;
  device.deliver(new Uint8Array([1, 2, 3]));
  device.deliver(new Uint8Array([4, 5]).buffer);
  device.deliver(new DataView(new Uint8Array([9, 6, 7]).buffer, 1, 2));
  assert.is(device.queued, 2);
  assert.is(device.rxDropped, 1);
  assert.is(readable, 1, 'edge-triggered: once for the first frame');
  device.deliver('text' as unknown as FrameMessage);
  device.deliver(new Uint8Array(0));
  device.deliver(new Uint8Array(101));
  assert.is(device.rxInvalid, 3);
  const seen: number[][] = [];
  for (let pair = device.receive(0); pair !== null; pair = device.receive(0)) {
    pair.rx.consume(null, (_, bytes, offset, length) => seen.push([...bytes.subarray(offset, offset + length)]));
  }
  assert.equal(seen, [[1, 2, 3], [4, 5]]);
  // Transmit: a fresh array per frame, handed to the transport.
  const token = device.transmit(0)!;
  token.consume(4, null, (_, bytes, offset) => bytes.set([7, 7, 7, 7], offset));
  assert.equal([...sent[0]!], [7, 7, 7, 7]);
  assert.is(device.txFrames, 1);
  assert.throws(() => device.transmit(0)!.consume(101, null, () => undefined), RangeError);
  assert.throws(() => new MessageDevice({ send: () => undefined }, { queueLength: 0 }), RangeError);
  assert.throws(() => new MessageDevice({ send: () => undefined }, { maxTransmissionUnit: 10 }), RangeError);
  assert.is(device.capabilities().maxTransmissionUnit, 100);
});

test('a token consumed twice is refused; a transport that throws loses the frame, counted', () => {
  const device = new MessageDevice({
    send: () => {
      throw new Error('port closed');
    },
  });
  device.deliver(new Uint8Array([1]));
  const pair = device.receive(0)!;
  pair.rx.consume(null, () => undefined);
  assert.throws(() => pair.rx.consume(null, () => undefined), /consumed twice/);
  device.transmit(0)!.consume(10, null, () => undefined);
  assert.is(device.txDropped, 1);
  assert.is(device.txFrames, 0);
});

/** Two WebSocket-like ends joined in memory: what one sends arrives as a message event at the other, as ArrayBuffer. */
function socketPair(): [WebSocketLike & { readyState: number }, WebSocketLike & { readyState: number }] {
  const make = () => {
    const target = new EventTarget();
    const end = {
      binaryType: 'blob',
      readyState: 0,
      peer: null as unknown as { dispatch: (data: unknown) => void },
      send(data: Uint8Array) {
        if (end.readyState !== 1) throw new Error('InvalidStateError: still connecting');
        const copy = data.slice().buffer; // a WebSocket copies what it sends
        queueMicrotask(() => end.peer.dispatch(copy));
      },
      dispatch(data: unknown) {
        const event = new Event('message') as Event & { data: unknown };
        event.data = data;
        target.dispatchEvent(event);
      },
      addEventListener: (type: 'message', l: (e: { data: unknown }) => void) => target.addEventListener(type, l as unknown as EventListener),
      removeEventListener: (type: 'message', l: (e: { data: unknown }) => void) => target.removeEventListener(type, l as unknown as EventListener),
    };
    return end;
  };
  const x = make();
  const y = make();
  x.peer = y;
  y.peer = x;
  return [x, y];
}

test('two stacks over a WebSocket-like pair: frames go only while it is open; UDP and TCP work once it is', async () => {
  const [wa, wb] = socketPair();
  const da = new MessageDevice(webSocketTransport(wa));
  const db = new MessageDevice(webSocketTransport(wb));
  assert.is(wa.binaryType, 'arraybuffer');
  const a = new NetStack({ device: da, address: '10.2.0.1/24' });
  const b = new NetStack({ device: db, address: '10.2.0.2/24' });
  try {
    const lost = await a.ping('10.2.0.2', { timeout: 50 }).then(() => null, (e: Error & { code: string }) => e.code);
    assert.is(lost, 'ETIMEDOUT');
    assert.ok(da.txDropped > 0, 'the ARP request went nowhere while connecting');
    wa.readyState = wb.readyState = 1;
    const server = b.listenTcp({ port: 80 });
    const served = server.accept().then((c) => readAll(c!.readable));
    const conn = await a.connectTcp({ host: '10.2.0.2', port: 80 });
    const data = pattern(100_000, 3);
    await writeAll(conn.writable, data);
    assert.is(sha256(await served), sha256(data));
    da.close();
    assert.is(da.queued, 0);
  } finally {
    await Promise.all([a.close(), b.close()]);
    db.close();
  }
});

test('a VM-style hook transport (send + deliver, as v86 net0-send / net0-receive) joins a stack to a "machine"', async () => {
  // The "machine" is another stack; its device's deliver() is the VM's receive hook.
  let machine: MessageDevice | null = null;
  const host = new MessageDevice({ send: (frame) => queueMicrotask(() => machine!.deliver(frame)) });
  machine = new MessageDevice({
    send: (frame) => queueMicrotask(() => host.deliver(frame)),
    attach: () => () => undefined,
  });
  const a = new NetStack({ device: host, address: '10.3.0.1/24' });
  const b = new NetStack({ device: machine, address: '10.3.0.2/24' });
  try {
    const ub = b.openUdp({ port: 7 });
    const ua = a.openUdp({ port: 7 });
    await ua.send(new TextEncoder().encode('hello vm'), '10.3.0.2', 7);
    const { value } = await ub.readable.getReader().read();
    assert.is(new TextDecoder().decode(value!.data), 'hello vm');
    assert.is(value!.host, '10.3.0.1');
  } finally {
    await Promise.all([a.close(), b.close()]);
    machine.close();
  }
});

test.run();
