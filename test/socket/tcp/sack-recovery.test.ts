// SACK loss recovery between two of our sockets, with chosen segments dropped: a retransmission of a
// hole that is itself lost is found from the SACKs of data sent after it (RFC 8985's idea, by sending
// order), not left to the retransmission timeout.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import { EmitResult, IpEndpoint } from '../../../src/socket/socket.js';
import { TcpSocket, TcpState } from '../../../src/socket/tcp/socket.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpRepr } from '../../../src/wire/tcp.js';

const test = suite('socket/tcp/sack-recovery');

const A = new IpEndpoint(0x0a000001, 40000);
const B = new IpEndpoint(0x0a000002, 80);

function copy(tcp: TcpRepr): TcpRepr {
  const c = new TcpRepr(tcp);
  for (let i = 0; i < tcp.sackBlockCount; i++) c.setSackBlock(i, tcp.sackLeft[i]!, tcp.sackRight[i]!);
  const payload = tcp.payload === null ? new Uint8Array(0) : tcp.payload.slice(tcp.payloadOffset, tcp.payloadOffset + tcp.payloadLength);
  return c.setPayload(payload, 0, payload.length);
}

/** Runs a transfer of `size` bytes from a to b, 1 ms a round; `drop(seq, nth)` drops a's nth transmission of a data segment at `seq`. */
function transfer(size: number, drop: (offset: number, nth: number) => boolean): { events: string[]; sends: Map<number, number[]>; ms: number } {
  const events: string[] = [];
  const logger = { trace: (m: string) => events.push(m), debug: (m: string) => events.push(m) };
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 0x7fffffff);
  const a = new TcpSocket({ rxBuffer: new RingBuffer(1 << 16), txBuffer: new RingBuffer(1 << 16), random, logger, ackDelay: 0 });
  const b = new TcpSocket({ rxBuffer: new RingBuffer(1 << 16), txBuffer: new RingBuffer(1 << 16), random, ackDelay: 0 });
  b.listen(B.port);
  a.connect(B, A);
  const data = new Uint8Array(size).map((_, i) => i * 7);
  const got = new Uint8Array(size);
  let sent = 0;
  let received = 0;
  let iss = -1;
  const sends = new Map<number, number[]>();
  let now = 0;
  const toB: TcpRepr[] = [];
  const toA: TcpRepr[] = [];
  const emitter = (queue: TcpRepr[], fromA: boolean) => ({
    ipMtu: 1500,
    emitTcp(_ip: Ipv4Repr, tcp: TcpRepr): EmitResult {
      if (fromA && iss < 0) iss = tcp.seqNumber;
      if (fromA && tcp.payloadLength > 0) {
        const offset = (tcp.seqNumber - iss - 1) >>> 0;
        const times = sends.get(offset) ?? [];
        times.push(now);
        sends.set(offset, times);
        if (drop(offset, times.length)) return EmitResult.Sent;
      }
      queue.push(copy(tcp));
      return EmitResult.Sent;
    },
  });
  const ea = emitter(toB, true);
  const eb = emitter(toA, false);
  const ipTo = (dst: IpEndpoint, src: IpEndpoint) => new Ipv4Repr({ srcAddr: src.addr, dstAddr: dst.addr });
  for (now = 0; now < 60_000_000 && received < size; now += 1000) {
    if (a.maySend() && sent < size) sent += a.send(data, sent, size - sent);
    a.dispatch(now, ea);
    b.dispatch(now, eb);
    // Replies process() returns (immediate ACKs) travel like the rest.
    for (const seg of toB.splice(0)) {
      const reply = b.accepts(ipTo(B, A), seg) ? b.process(now, ipTo(B, A), seg) : null;
      if (reply !== null) toA.push(copy(reply));
    }
    for (const seg of toA.splice(0)) {
      const reply = a.accepts(ipTo(A, B), seg) ? a.process(now, ipTo(A, B), seg) : null;
      if (reply !== null) toB.push(copy(reply));
    }
    for (let n = b.recv(got, received); n > 0; n = b.recv(got, received)) received += n;
  }
  if (process.env.DEBUG_SACK) console.log(events.slice(0, 40).join('\n'), [...sends].slice(0, 12));
  assert.is(received, size);
  assert.equal(got, data);
  assert.is(a.state, TcpState.Established);
  return { events, sends, ms: now / 1000 };
}

test('sack_lost_retransmission_of_second_hole: found from later SACKs and resent without a timeout', () => {
  const MSS = 1460 - 12; // timestamps are on by default
  // Two holes in the first flight (segments 2 and 5); the first retransmission of segment 5 is lost too.
  const { events, sends } = transfer(60 * MSS, (offset, nth) => (offset === 2 * MSS && nth === 1) || (offset === 5 * MSS && nth <= 2));
  assert.is(sends.get(5 * MSS)!.length, 3, 'segment 5: sent, resent (lost), resent');
  assert.is(events.filter((e) => e.includes('retransmission timeout')).length, 0, events.filter((e) => /timeout|retransmission|fast/.test(e)).join('\n'));
  assert.ok(events.some((e) => e.includes('lost retransmission')), 'the lost retransmission was detected');
});

test.run();
