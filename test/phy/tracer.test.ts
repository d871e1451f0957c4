// Tracer: the callback sees each frame with its direction and timestamp (received frames before the
// layer above, sent frames after they were written), and the default printer writes smoltcp-style
// trace lines around the wire layer's tcpdump-style summary.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Loopback } from '../../src/phy/loopback.js';
import { Tracer, printingTraceCallback, type FrameDirection } from '../../src/phy/tracer.js';
import { formatFrame } from '../../src/format/index.js';

const test = suite('phy/tracer');

// ARP request who-has 10.0.0.2 tell 10.0.0.1, from 02:00:00:00:00:01 to broadcast.
const ARP_REQUEST = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 10, 0, 0, 1,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2,
]);

function writeArp(_c: null, bytes: Uint8Array, offset: number): void {
  bytes.set(ARP_REQUEST, offset);
}

interface Seen {
  direction: FrameDirection;
  timestamp: number;
  frame: number[];
}

function recordingTracer(lo: Loopback): { tracer: Tracer; seen: Seen[] } {
  const seen: Seen[] = [];
  const tracer = new Tracer(lo, (direction, timestamp, bytes, offset, length) => {
    seen.push({ direction, timestamp, frame: Array.from(bytes.subarray(offset, offset + length)) });
  });
  return { tracer, seen };
}

test('transmitted frames are traced after the layer above wrote them', () => {
  const lo = new Loopback();
  const { tracer, seen } = recordingTracer(lo);
  const result = tracer.transmit(1_000)!.consume(ARP_REQUEST.length, null, (c, b, o) => {
    writeArp(c, b, o);
    assert.is(seen.length, 0, 'not traced before it is written');
    return 'done';
  });
  assert.is(result, 'done');
  assert.equal(seen, [{ direction: 'tx', timestamp: 1_000, frame: Array.from(ARP_REQUEST) }]);
});

test('received frames are traced before the layer above sees them, replies as tx', () => {
  const lo = new Loopback();
  const { tracer, seen } = recordingTracer(lo);
  lo.transmit(0)!.consume(ARP_REQUEST.length, null, writeArp);
  const pair = tracer.receive(2_000)!;
  const length = pair.rx.consume(null, (_c, _b, _o, len) => {
    assert.is(seen.length, 1, 'traced before the consumer runs');
    return len;
  });
  assert.is(length, 42);
  pair.tx.consume(60, null, () => undefined);
  assert.equal(seen.map((s) => [s.direction, s.timestamp, s.frame.length]), [['rx', 2_000, 42], ['tx', 2_000, 60]]);
  assert.is(tracer.receive(3_000) === null, false, 'the reply looped back');
  assert.is(tracer.capabilities(), lo.capabilities());
});

test('nothing to receive, nothing traced; a full device gives no transmit token', () => {
  const lo = new Loopback({ capacity: 1 });
  const { tracer, seen } = recordingTracer(lo);
  assert.is(tracer.receive(0), null);
  tracer.transmit(0)!.consume(10, null, () => undefined);
  assert.is(tracer.transmit(0), null);
  assert.is(seen.length, 1);
});

test('the printing trace: smoltcp-style time and arrow, then the line the formatter gives', () => {
  const lines: string[] = [];
  const lo = new Loopback();
  const tracer = new Tracer(lo, printingTraceCallback(formatFrame, (line) => lines.push(line)));
  tracer.transmit(5_000_000)!.consume(42, null, writeArp);
  tracer.receive(6_234_567)!.rx.consume(null, () => undefined);
  const summary = formatFrame(ARP_REQUEST, 0, 42);
  assert.match(summary, /ARP/);
  assert.equal(lines, [`[     0.000s] -> ${summary}`, `[     1.234s] <- ${summary}`]);
});

test.run();
