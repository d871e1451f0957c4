// The standalone test harness for the TCP socket, in the manner of smoltcp's own: a test feeds exact
// segments with send(socket, time, segment) and checks the exact segments the socket emits with
// recv(socket, time). Time is explicit (milliseconds here), so a timer test takes no wall time.
//
// Segments are written as small objects; `seg()` fills the defaults so a test states only what matters
// and a failure shows a readable diff of every field.
import * as assert from 'uvu/assert';
import { RingBuffer } from '../../../src/storage/ring-buffer.js';
import type { Instant } from '../../../src/time.js';
import { EmitResult, IpEndpoint } from '../../../src/socket/socket.js';
import { Ipv4Repr } from '../../../src/wire/ipv4.js';
import { TcpControl, TcpRepr } from '../../../src/wire/tcp.js';
import { TcpSocket, TcpState, type TcpEmitter, type TcpSocketOptions, tcpStateName } from '../../../src/socket/tcp/socket.js';

export const LOCAL_ADDR = 0xc0a80101; // 192.168.1.1
export const REMOTE_ADDR = 0xc0a80102; // 192.168.1.2
export const OTHER_ADDR = 0xc0a80103;
export const LOCAL_PORT = 80;
export const REMOTE_PORT = 49500;
/**
 * Our initial sequence number in every test (the socket's random source returns it): above 2^31, where the
 * socket's int32 sequence numbers are negative and a u32 read back from a repr must be `| 0` to compare.
 */
export const LOCAL_SEQ = 2 ** 31 + 10000;
/** The peer's: close below 2^32, so most tests cross the wraparound of the sequence space. */
export const REMOTE_SEQ = (2 ** 32 - 10001) >>> 0;
export const MTU = 1500;
export const LOCAL_MSS = MTU - 40;

export const LOCAL = new IpEndpoint(LOCAL_ADDR, LOCAL_PORT);
export const REMOTE = new IpEndpoint(REMOTE_ADDR, REMOTE_PORT);

export type Ctl = 'none' | 'psh' | 'syn' | 'fin' | 'rst';

/** A segment as a test writes it. */
export interface Seg {
  control: Ctl;
  seq: number;
  /** The acknowledgment number, or null when the ACK flag is off. */
  ack: number | null;
  window: number;
  /** The Urgent Pointer when URG is set, else null. */
  urg: number | null;
  mss: number | null;
  ws: number | null;
  sackPermitted: boolean;
  sack: Array<[number, number]>;
  /** [TSval, TSecr], or null. */
  ts: [number, number] | null;
  payload: string;
  srcPort: number;
  dstPort: number;
}

const CTL_NAMES: Ctl[] = ['none', 'psh', 'syn', 'fin', 'rst'];

/** A segment with defaults for what the test does not state; seq/ack/sack values are taken modulo 2^32. */
export function seg(fields: Partial<Seg> & { seq: number }): Seg {
  return {
    control: fields.control ?? 'none',
    seq: fields.seq >>> 0,
    ack: fields.ack === undefined || fields.ack === null ? null : fields.ack >>> 0,
    window: fields.window ?? 0,
    urg: fields.urg ?? null,
    mss: fields.mss ?? null,
    ws: fields.ws ?? null,
    sackPermitted: fields.sackPermitted ?? false,
    sack: (fields.sack ?? []).map(([l, r]) => [l >>> 0, r >>> 0] as [number, number]),
    ts: fields.ts ? [fields.ts[0] >>> 0, fields.ts[1] >>> 0] : null,
    payload: fields.payload ?? '',
    srcPort: fields.srcPort ?? LOCAL_PORT,
    dstPort: fields.dstPort ?? REMOTE_PORT,
  };
}

/** A segment from the peer (ports reversed), with defaults. */
export function peer(fields: Partial<Seg> & { seq: number }): Seg {
  return seg({ srcPort: REMOTE_PORT, dstPort: LOCAL_PORT, ...fields });
}

function ctlOf(name: Ctl): TcpControl {
  return CTL_NAMES.indexOf(name) as TcpControl;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');

export function toRepr(s: Seg): TcpRepr {
  const r = new TcpRepr();
  r.srcPort = s.srcPort;
  r.dstPort = s.dstPort;
  r.control = ctlOf(s.control);
  r.seqNumber = s.seq;
  r.ack = s.ack !== null;
  r.ackNumber = s.ack ?? 0;
  r.windowLen = s.window;
  r.urgentPointer = s.urg;
  r.maxSegSize = s.mss;
  r.windowScale = s.ws;
  r.sackPermitted = s.sackPermitted;
  s.sack.forEach(([l, r2], i) => r.setSackBlock(i, l, r2));
  r.hasTimestamp = s.ts !== null;
  if (s.ts) {
    r.tsVal = s.ts[0];
    r.tsEcr = s.ts[1];
  }
  const bytes = encoder.encode(s.payload);
  r.setPayload(bytes, 0, bytes.length);
  return r;
}

export function fromRepr(r: TcpRepr): Seg {
  return {
    control: CTL_NAMES[r.control]!,
    seq: r.seqNumber >>> 0,
    ack: r.ack ? r.ackNumber >>> 0 : null,
    window: r.windowLen,
    urg: r.urgentPointer,
    mss: r.maxSegSize,
    ws: r.windowScale,
    sackPermitted: r.sackPermitted,
    sack: r.sackRanges(),
    ts: r.hasTimestamp ? [r.tsVal >>> 0, r.tsEcr >>> 0] : null,
    payload: r.payload === null ? '' : decoder.decode(r.payload.subarray(r.payloadOffset, r.payloadOffset + r.payloadLength)),
    srcPort: r.srcPort,
    dstPort: r.dstPort,
  };
}

export function ms(t: number): Instant {
  return t * 1000;
}

/** The emitter a test's interface would be: records what it is given, or refuses when told to. */
export class TestEmitter implements TcpEmitter {
  ipMtu = MTU;
  refuse = false;
  readonly sent: Array<{ ip: Ipv4Repr; tcp: Seg }> = [];
  emitTcp(ip: Ipv4Repr, tcp: TcpRepr): EmitResult {
    if (this.refuse) return EmitResult.Busy;
    const copy = new Ipv4Repr();
    copy.srcAddr = ip.srcAddr;
    copy.dstAddr = ip.dstAddr;
    copy.hopLimit = ip.hopLimit;
    copy.payloadLength = ip.payloadLength;
    this.sent.push({ ip: copy, tcp: fromRepr(tcp) });
    return EmitResult.Sent;
  }
}

export function ipFromPeer(src = REMOTE_ADDR, dst = LOCAL_ADDR): Ipv4Repr {
  const ip = new Ipv4Repr();
  ip.srcAddr = src;
  ip.dstAddr = dst;
  return ip;
}

/** Feeds a segment from the peer at `t` ms; returns the immediate reply, if any. Fails if the socket does not accept it. */
/** What the harness drives: a TcpSocket or a TcpListener. */
export type Driven = Pick<TcpSocket, 'accepts' | 'process' | 'dispatch' | 'pollAt'>;

export function send(socket: Driven, t: number, s: Seg, ip = ipFromPeer()): Seg | null {
  const repr = toRepr(s);
  const state = socket instanceof TcpSocket ? tcpStateName(socket.state) : 'listener';
  assert.ok(socket.accepts(ip, repr), `the socket (${state}) should accept ${JSON.stringify(s)}`);
  ip.payloadLength = repr.bufferLength();
  const reply = socket.process(ms(t), ip, repr);
  return reply === null ? null : fromRepr(reply);
}

/** Everything the socket emits at `t` ms (dispatch called until it has nothing more). */
export function recv(socket: Driven, t: number, emitter = new TestEmitter()): Seg[] {
  const before = emitter.sent.length;
  socket.dispatch(ms(t), emitter);
  if (!emitter.refuse) {
    // Once dispatch has sent everything due, pollAt must not ask for it again now (no busy loop).
    const at = socket.pollAt(ms(t));
    assert.ok(at === null || at > ms(t), `pollAt(${t} ms) is ${at === null ? null : at / 1000} ms right after a dispatch that sent everything due`);
  }
  return emitter.sent.slice(before).map((e) => e.tcp);
}

/** Asserts the socket emits exactly these segments at `t` ms. */
export function expectSent(socket: Driven, t: number, expected: Seg[]): void {
  assert.equal(recv(socket, t), expected);
}

/** Asserts the socket emits nothing at `t` ms. */
export function expectNothing(socket: Driven, t: number): void {
  assert.equal(recv(socket, t), []);
}

export function expectState(socket: TcpSocket, state: TcpState): void {
  assert.is(tcpStateName(socket.state), tcpStateName(state));
}

/** A random source that gives ISS = LOCAL_SEQ, then a timestamp offset of 0. */
export function fixedRandom(values: number[] = [LOCAL_SEQ, 0]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

export type SocketOptions = Partial<Omit<TcpSocketOptions, 'rxBuffer' | 'txBuffer'>> & { rxSize?: number; txSize?: number };

/** A closed socket with 64-byte buffers and, unless asked, no options offered, no delayed ACK. */
export function socket(options: SocketOptions = {}): TcpSocket {
  const { rxSize = 64, txSize = 64, ...rest } = options;
  return new TcpSocket({
    rxBuffer: new RingBuffer(new Uint8Array(rxSize)),
    txBuffer: new RingBuffer(new Uint8Array(txSize)),
    windowScaling: false,
    timestamps: false,
    sack: false,
    ackDelay: 0,
    random: fixedRandom(),
    ...rest,
  });
}

/** A socket in LISTEN on LOCAL_PORT. */
export function listening(options: SocketOptions = {}): TcpSocket {
  const s = socket(options);
  s.listen(LOCAL_PORT);
  return s;
}

/** A socket in SYN-RECEIVED: the peer's SYN (window 64, no options) taken, SYN-ACK not yet sent. */
export function synReceived(options: SocketOptions = {}, synFields: Partial<Seg> = {}): TcpSocket {
  const s = listening(options);
  assert.is(send(s, 0, peer({ control: 'syn', seq: REMOTE_SEQ, window: 64, ...synFields })), null);
  expectState(s, TcpState.SynReceived);
  return s;
}

/** A socket in SYN-SENT: connect() from LOCAL to REMOTE, SYN sent at t=0. */
export function synSent(options: SocketOptions = {}): TcpSocket {
  const s = socket(options);
  s.connect(REMOTE, LOCAL);
  const sent = recv(s, 0);
  assert.is(sent.length, 1);
  assert.is(sent[0]!.control, 'syn');
  return s;
}

/**
 * A socket in ESTABLISHED by passive open at t=0: SYN (window 64) in, SYN-ACK out, ACK in.
 * Our next sequence number is LOCAL_SEQ+1, the peer's REMOTE_SEQ+1.
 */
export function established(options: SocketOptions = {}, synFields: Partial<Seg> = {}, peerWindow = 64): TcpSocket {
  const s = synReceived(options, synFields);
  const sent = recv(s, 0);
  assert.is(sent.length, 1, 'one SYN-ACK');
  const seq = (synFields.seq ?? REMOTE_SEQ) + 1;
  const ts: [number, number] | undefined = synFields.ts ? [synFields.ts[0] + 1, sent[0]!.ts![0]] : undefined;
  assert.is(send(s, 0, peer({ seq, ack: sent[0]!.seq + 1, window: peerWindow, ...(ts ? { ts } : {}) })), null);
  expectState(s, TcpState.Established);
  return s;
}

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Reads everything the socket has received, as text. */
export function readAll(s: TcpSocket): string {
  const buf = new Uint8Array(1 << 16);
  const n = s.recv(buf);
  return n <= 0 ? '' : decoder.decode(buf.subarray(0, n));
}
