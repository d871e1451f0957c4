// The TCP socket: one connection's state machine (RFC 9293), reliable delivery under loss, and the
// extensions of RFC 7323 (window scaling, timestamps, PAWS), RFC 2018/6675 (SACK, both ways), RFC 5961
// (challenge ACKs), RFC 6298 (RTO), RFC 5681/6582 (congestion control, fast retransmit, NewReno recovery).
//
// The socket never touches a device or the interface. The interface drives it through four calls
// (TcpSocketContract in ../socket.ts):
//   accepts(ip, tcp)        is this segment for this socket?
//   process(now, ip, tcp)   take a segment; may return a reply segment the socket owns (RST, ACK)
//   dispatch(now, emitter)  emit what is due through the interface's emitter, until it says Busy
//   pollAt(now)             when to call dispatch next: now, a later instant, or null
// Everything it needs (buffers, assembler slots, reprs for replies) is given or made at construction,
// so processing and sending a segment allocate nothing.
//
// Reading order: the user calls (connect, listen, send, recv, close, abort), then segment arrival
// (process), which follows RFC 9293 section 3.10.7 step by step, then sending (dispatch) and the timers.

import { IpProtocol } from '../../../generated/index.js';
import { Assembler } from '../../storage/assembler.js';
import { RingBuffer } from '../../storage/ring-buffer.js';
import type { Duration, Instant } from '../../time.js';
import { Ipv4Repr } from '../../wire/ipv4.js';
import { TCP_HEADER_LENGTH, TCP_MAX_SACK_BLOCKS, TCP_MAX_WINDOW_SCALE, TcpControl, TcpRepr } from '../../wire/tcp.js';
import type { CongestionControl } from './congestion/controller.js';
import { NoCongestionControl } from './congestion/controller.js';
import { Cubic } from './congestion/cubic.js';
import { NewReno } from './congestion/newreno.js';
import { EmitResult, IpEndpoint, SocketKind, SocketMeta, type TcpSocketContract, type TcpUnreachable } from '../socket.js';
import { TcpError } from './errors.js';
import { DEFAULT_RTO_CONFIG, RttEstimator, type RtoConfig } from './rtt.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from './seq.js';

/** The eleven states of RFC 9293 section 3.3.2 (CLOSED included). */
export enum TcpState {
  /** No connection. */
  Closed = 0,
  /** Waiting for a SYN. */
  Listen = 1,
  /** Our SYN sent, waiting for the peer's. */
  SynSent = 2,
  /** Both SYNs seen, waiting for the ACK of ours. */
  SynReceived = 3,
  /** Open both ways. */
  Established = 4,
  /** We closed; our FIN not yet acknowledged. */
  FinWait1 = 5,
  /** We closed and our FIN was acknowledged; the peer may still send. */
  FinWait2 = 6,
  /** The peer closed; we may still send. */
  CloseWait = 7,
  /** Both closed at once; our FIN not yet acknowledged. */
  Closing = 8,
  /** The peer closed first, then we did; waiting for the ACK of our FIN. */
  LastAck = 9,
  /** Both closed; waiting for stray segments to die out. */
  TimeWait = 10,
}

const STATE_NAMES = [
  'CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING',
  'LAST-ACK', 'TIME-WAIT',
];

/** The state's name as RFC 9293 writes it ("SYN-SENT"). */
export function tcpStateName(state: TcpState): string {
  return STATE_NAMES[state]!;
}

/**
 * What dispatch needs of the interface's PacketEmitter: emitTcp, and optionally the IP MTU of the path
 * (when absent, the socket's `ipMtu` option is used; the MSS we announce is the MTU minus 40).
 * An `ip.srcAddr` of 0 lets the interface pick the source address.
 */
export interface TcpEmitter {
  /** The IP MTU of the path out, in bytes (the MSS we announce is it less 40). */
  readonly ipMtu?: number;
  /** Sends one segment in an IPv4 datagram; says whether it went out or why not. */
  emitTcp(ip: Ipv4Repr, tcp: TcpRepr): EmitResult;
}

/** A logging hook (the interface passes its own); messages are built only when one is set. */
export interface TcpLogger {
  /** A normal event, at trace level (as the interface's own). */
  trace(message: string): void;
  /** An exceptional event, at debug level. */
  debug(message: string): void;
}

/** An address (u32, 0 for unspecified) and a port: an IpEndpoint or any object with the two fields. */
export interface EndpointLike {
  /** The IPv4 address as a u32; 0 for unspecified. */
  readonly addr: number;
  /** The port, 0 to 65535. */
  readonly port: number;
}

/**
 * Why the last connection ended other than by the FIN exchange, for an application's error (Node's
 * ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH): 'none' while open or after a graceful
 * close, 'refused' when the SYN was answered by RST (RFC 9293 section 3.10.7.3) or by an ICMP port or
 * protocol unreachable, 'reset' when an RST ended a synchronized connection, 'timeout' when the SYN retries
 * ran out or the user timeout expired, 'host-unreachable' and 'net-unreachable' when an ICMP error (or the
 * next hop never answering ARP) ended the handshake, or was the last word heard before a timeout,
 * 'aborted' after abort().
 */
export type TcpEndCause = 'none' | 'refused' | 'reset' | 'timeout' | 'host-unreachable' | 'net-unreachable' | 'aborted';

/** recv() and peek() return this when the peer has closed and every byte has been read. */
export const TCP_RECV_FINISHED = -1;
/**
 * recv() and peek() return this when the connection was reset (an RST from the peer, or the user
 * timeout): nothing more will arrive, and what had not been read was discarded (RFC 9293 section
 * 3.10.7.4: "any outstanding RECEIVEs ... should receive 'reset' responses"). A condition of the
 * network, so a value as TCP_RECV_FINISHED is (smoltcp's RecvError::Finished / InvalidState), not a throw.
 */
export const TCP_RECV_RESET = -2;

/** What a TcpSocket is built from: its buffers and, optionally, every setting. */
export interface TcpSocketOptions {
  /** Receive buffer (its capacity bounds the window we offer). */
  rxBuffer: RingBuffer;
  /** Send buffer. */
  txBuffer: RingBuffer;
  /**
   * Out-of-order ranges held for reassembly; a segment needing more is dropped (or, below the highest
   * range, takes that range's slot). Default: one per 8 KiB of receive buffer, at least 16 and at most
   * 1024 (128 for 1 MiB), so a large window under heavy loss can hold as many holes as it meets.
   */
  reassemblyRanges?: number;
  /** Ranges of the SACK scoreboard (default 16). */
  sackScoreboardRanges?: number;
  /** Nagle's algorithm (RFC 1122 section 4.2.3.4), on by default. */
  nagle?: boolean;
  /** Delayed ACK (RFC 1122 section 4.2.3.2), default 10 ms; 0 or null sends every ACK at once; at most 500 ms. */
  ackDelay?: Duration | null;
  /** Send keep-alives after this much idle time (RFC 1122 section 4.2.3.6); null (default) for none. */
  keepAlive?: Duration | null;
  /** User timeout (RFC 9293 section 3.10.8): abort when the peer has been silent this long with data or probes outstanding. */
  timeout?: Duration | null;
  /** IP time to live; null uses 64. */
  hopLimit?: number | null;
  /** How long TIME-WAIT lasts (default 10 s, as the original smoltcp; RFC 9293's 2 MSL would be 4 min). */
  timeWait?: Duration;
  /** Retransmission timeout settings (RFC 6298, or the original fixed 100 ms doubling). */
  rto?: Partial<RtoConfig>;
  /** Congestion control: 'newreno' (default), 'cubic', 'none', or an instance of your own. */
  congestion?: 'newreno' | 'cubic' | 'none' | CongestionControl;
  /** Offer window scaling (RFC 7323 section 2), default true. */
  windowScaling?: boolean;
  /** Offer timestamps (RFC 7323 section 3), default true. */
  timestamps?: boolean;
  /** Offer SACK (RFC 2018), default true. */
  sack?: boolean;
  /** Challenge ACKs at most this many per second (RFC 5961 section 7), default 10. */
  challengeAckLimit?: number;
  /** Retransmissions of SYN or SYN-ACK before giving up (default 6, as Linux's tcp_syn_retries). */
  synRetries?: number;
  /**
   * Tail loss probes (RFC 8985 section 7), default false: with SACK in use and no recovery under way, when
   * no ACK comes for about two round trips the last segment sent is sent again, so a loss at the tail of a
   * flight is repaired by SACK recovery or the probe itself instead of waiting for the retransmission timeout.
   */
  tailLossProbe?: boolean;
  /**
   * RACK's reordering window (RFC 8985 section 6.2), default false: with SACK in use and no recovery
   * under way, once data past SND.UNA has been SACKed the segment at SND.UNA is deemed lost a quarter
   * of the smoothed RTT later (at least 1 ms) unless it has been acknowledged, and fast recovery
   * starts, however few duplicate ACKs a small flight can draw. Without it such a loss waits for three
   * duplicates or the retransmission timeout.
   */
  rackReorderWindow?: boolean;
  /** IP MTU towards peers when the emitter does not tell (default 1500). */
  ipMtu?: number;
  /** u32 random numbers for the initial sequence number and timestamp offset; default crypto.getRandomValues. */
  random?: () => number;
  /** Where the socket's trace and debug events go; null or absent: nowhere. */
  logger?: TcpLogger | null;
}

const DEFAULT_MSS = 536; // RFC 9293 section 3.7.1: when the peer sends no MSS option
const MIN_MSS = 64; // a smaller advertised MSS is raised to this, so headers never dwarf the data
const MAX_ACK_DELAY: Duration = 500_000; // RFC 1122 section 4.2.3.2
const MAX_PROBE_INTERVAL: Duration = 60_000_000;
const TIMESTAMP_OPTION_LENGTH = 12; // RFC 7323 Appendix A layout: NOP NOP kind len tsval tsecr
const IPV4_TCP_HEADERS = 40;
const NONE = -1; // "no deadline" for the timers kept as instants

const randomWord = new Uint32Array(1);
function cryptoRandom(): number {
  globalThis.crypto.getRandomValues(randomWord);
  return randomWord[0]!;
}

/** One TCP connection (RFC 9293) with its buffers, timers and options; see the top of this file. */
export class TcpSocket implements TcpSocketContract {
  /** A TCP socket, for the socket set and the interface. */
  readonly kind = SocketKind.Tcp as const;
  /** The interface's bookkeeping (see SocketMeta); the socket never touches it. */
  readonly meta = new SocketMeta();
  /** Received data not yet read (its free space is the window we offer). */
  readonly rxBuffer: RingBuffer;
  /** Data queued to send, sent-but-unacknowledged included. */
  readonly txBuffer: RingBuffer;
  /** Where state changes are traced; null (default) for silence. */
  logger: TcpLogger | null;

  private stateValue = TcpState.Closed;
  private localAddr = 0;
  private localPortValue = 0;
  private remoteAddr = 0;
  private remotePortValue = 0;
  /** The endpoint given to listen(): SYN-RECEIVED returns to it on RST (RFC 9293 section 3.10.7.4). */
  private listenAddr = 0;
  private listenPort = 0;
  private fromListen = false;

  // Send sequence space (RFC 9293 section 3.3.1). sndNxt is where the next segment starts (rewound on a
  // retransmission timeout); sndMax is the highest sequence number ever sent.
  private iss = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private maxSndWnd = 0;
  /** Sequence number of the first byte of txBuffer. */
  private txStart = 0;
  /** close() was called: a FIN follows the queued data. */
  private finQueued = false;
  /** SND.UP (RFC 9293 section 3.3.1): the sequence number after the urgent data sent; valid while sndUpValid. */
  private sndUp = 0;
  /** sendUrgent() queued urgent data the peer has not acknowledged yet. */
  private sndUpValid = false;

  // Receive sequence space.
  private irs = 0;
  private rcvNxt = 0;
  /** Right edge of the window last announced (never moved left: RFC 9293 section 3.8.6). */
  private rcvAdvRight = 0;
  /** The peer's FIN has been received (no more data will come). */
  private finReceived = false;
  /** The connection ended by an RST or a timeout, not by the FIN exchange. */
  private resetReceived = false;
  private endCauseValue: TcpEndCause = 'none';
  /** The last ICMP error of a synchronized connection (a soft error: the path may heal); null if none. */
  private softError: TcpUnreachable | null = null;
  /** ACK number of the last segment sent (RFC 7323's Last.ACK.sent). */
  private lastAckSent = 0;
  /** RCV.UP (RFC 9293 section 3.3.1): the sequence number after the latest urgent data; valid while rcvUpValid. */
  private rcvUp = 0;
  /** Urgent data was signalled and its last byte has not been read yet. */
  private rcvUpValid = false;

  // Negotiated options.
  private remoteMss = DEFAULT_MSS;
  private localMss = DEFAULT_MSS;
  private sndShift = 0; // applied to the windows the peer announces
  private rcvShift = 0; // applied to the windows we announce
  private wsOk = false; // window scaling in effect (both SYNs carried the option)
  private tsOk = false;
  private tsRecent = 0;
  private tsOffset = 0;
  private sackOk = false;

  // ACK state.
  private ackNow = false;
  /** The segment being processed must be acknowledged by process()'s reply (RFC 5681 section 4.2). */
  private ackImmediate = false;
  private ackDeadline: Instant = NONE;
  private challengeWindowStart: Instant = NONE;
  private challengeCount = 0;

  // Timers.
  private rtoDeadline: Instant = NONE;
  /** Tail loss probe (RFC 8985 section 7): when the probe timeout fires, NONE when not armed. */
  private ptoDeadline: Instant = NONE;
  /** The probe is due: prepareSegment resends the last segment. */
  private tlpDue = false;
  /** A probe went out and no ACK of new data has come since: at most one probe per tail. */
  private tlpOutstanding = false;
  private readonly tailLossProbe: boolean;
  private readonly rackReorderWindow: boolean;
  /** RACK (RFC 8985 section 6.2): when the segment at SND.UNA counts as lost, NONE when not armed. */
  private reorderDeadline: Instant = NONE;
  private synRetransmits = 0;
  private persistDeadline: Instant = NONE;
  private persistBackoff = 0;
  private keepAliveDeadline: Instant = NONE;
  private timeWaitDeadline: Instant = NONE;
  /** When we began waiting for the peer (something sent awaits an answer), for the user timeout; or NONE. */
  private waitingSince: Instant = NONE;
  /** When the peer was last heard from (for keep-alive). */
  private lastHeardAt: Instant = 0;
  /** A probe (keep-alive or zero-window) is due: send seq SND.UNA-1 with no data. */
  private probeDue = false;
  private pendingRst = false;

  // RTT measurement (Karn's rule: only segments sent once).
  /** The RTT estimator and RTO of this connection. */
  readonly rtt: RttEstimator;
  private rttSeq = 0;
  private rttStart: Instant = NONE;

  // Loss recovery.
  private congestion: CongestionControl;
  private dupAcks = 0;
  private inRecovery = false;
  private recoveryPoint = 0;
  /** NewReno's window inflation during fast recovery (RFC 6582 section 3.2), bytes. */
  private inflation = 0;
  /** Retransmit the segment at SND.UNA once, regardless of the congestion window (fast retransmit). */
  private rexmitOnce = false;
  /**
   * SND.MAX when the segment at SND.UNA was last retransmitted in recovery, while that retransmission
   * is unacknowledged; NONE otherwise. A SACK beyond it means the retransmission was lost (data sent
   * after it arrived first), the idea of RACK (RFC 8985) without reordering allowance.
   */
  private rexmitMark = 0;
  private rexmitMarkValid = false;

  /** Out-of-order data past RCV.NXT. */
  private readonly reassembly: Assembler;
  /** Bytes past SND.UNA the peer has SACKed (RFC 6675's scoreboard). */
  private readonly scoreboard: Assembler;
  /** Sequence numbers of the latest out-of-order arrivals, most recent first (RFC 2018 section 4). */
  private readonly recentSack = new Int32Array(TCP_MAX_SACK_BLOCKS);
  private recentSackCount = 0;

  // Configuration.
  private nagle: boolean;
  private ackDelay: Duration;
  private keepAlive: Duration | null;
  private timeout: Duration | null;
  private hopLimit: number | null;
  private timeWait: Duration;
  private offerWindowScaling: boolean;
  private offerTimestamps: boolean;
  private offerSack: boolean;
  private challengeAckLimit: number;
  private synRetries: number;
  private ipMtu: number;
  private readonly random: () => number;

  // Reprs the socket owns: the reply process() returns, the segment dispatch() emits.
  /** The IP header of the last reply process() returned. */
  readonly replyIp = new Ipv4Repr();
  /** The last reply process() returned (valid until the next call). */
  readonly replyTcp = new TcpRepr();
  private readonly outIp = new Ipv4Repr();
  private readonly outTcp = new TcpRepr();

  /** A closed socket over the given buffers; throws a TcpError for a missing buffer or a bad setting. */
  constructor(options: TcpSocketOptions) {
    if (!(options.rxBuffer instanceof RingBuffer) || !(options.txBuffer instanceof RingBuffer)) {
      throw new TcpError('InvalidConfig', 'a TCP socket needs rxBuffer and txBuffer: pass two RingBuffers over storage you allocate');
    }
    this.rxBuffer = options.rxBuffer;
    this.txBuffer = options.txBuffer;
    this.reassembly = new Assembler(options.reassemblyRanges ?? defaultReassemblyRanges(options.rxBuffer.capacity));
    this.scoreboard = new Assembler(options.sackScoreboardRanges ?? 16);
    this.nagle = options.nagle ?? true;
    this.ackDelay = 0;
    this.setAckDelay(options.ackDelay === undefined ? 10_000 : options.ackDelay);
    this.keepAlive = options.keepAlive ?? null;
    this.timeout = options.timeout ?? null;
    this.hopLimit = null;
    this.setHopLimit(options.hopLimit ?? null);
    this.timeWait = options.timeWait ?? 10_000_000;
    this.offerWindowScaling = options.windowScaling ?? true;
    this.offerTimestamps = options.timestamps ?? true;
    this.offerSack = options.sack ?? true;
    this.challengeAckLimit = options.challengeAckLimit ?? 10;
    this.synRetries = options.synRetries ?? 6;
    this.tailLossProbe = options.tailLossProbe ?? false;
    this.rackReorderWindow = options.rackReorderWindow ?? false;
    this.random = options.random ?? cryptoRandom;
    this.ipMtu = options.ipMtu ?? 1500;
    this.logger = options.logger ?? null;
    this.rtt = new RttEstimator({ ...DEFAULT_RTO_CONFIG, ...options.rto });
    this.congestion = new NewReno();
    this.setCongestionControl(options.congestion ?? 'newreno');
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /** Turns Nagle's algorithm on or off. */
  setNagleEnabled(enabled: boolean): void {
    this.nagle = enabled;
  }

  /** Whether Nagle's algorithm is on. */
  nagleEnabled(): boolean {
    return this.nagle;
  }

  /** Delayed-ACK time; 0 or null sends ACKs at once. At most 500 ms (RFC 1122 section 4.2.3.2). */
  setAckDelay(delay: Duration | null): void {
    if (delay !== null && (delay < 0 || delay > MAX_ACK_DELAY)) {
      throw new TcpError('InvalidConfig', `an ACK delay of ${delay} µs is outside 0 to 500 ms (RFC 1122 4.2.3.2): pass a value in that range, or null`);
    }
    this.ackDelay = delay ?? 0;
  }

  /** The delayed-ACK time, µs (0: none). */
  ackDelayValue(): Duration {
    return this.ackDelay;
  }

  /** Keep-alive after `interval` µs of silence; null turns it off. */
  setKeepAlive(interval: Duration | null): void {
    if (interval !== null && interval <= 0) {
      throw new TcpError('InvalidConfig', 'a keep-alive interval must be positive: pass a duration in µs, or null to turn keep-alive off');
    }
    this.keepAlive = interval;
    this.keepAliveDeadline = NONE;
  }

  /** The user timeout, µs: abort when the peer stays silent this long with something outstanding; null for none. */
  setTimeout(timeout: Duration | null): void {
    if (timeout !== null && timeout <= 0) {
      throw new TcpError('InvalidConfig', 'a user timeout must be positive: pass a duration in µs, or null for none');
    }
    this.timeout = timeout;
  }

  /** IP time to live of what the socket sends; null for the default 64. 0 is refused (RFC 1122 section 3.2.1.7). */
  setHopLimit(hopLimit: number | null): void {
    if (hopLimit !== null && (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 255)) {
      throw new TcpError('InvalidConfig', `a hop limit of ${hopLimit} is not usable: pass 1 to 255, or null for the default 64`);
    }
    this.hopLimit = hopLimit;
  }

  /** The IP time to live set, or null for the default 64. */
  hopLimitValue(): number | null {
    return this.hopLimit;
  }

  /** How long TIME-WAIT lasts, µs. */
  setTimeWait(duration: Duration): void {
    this.timeWait = duration;
  }

  /** Chooses the congestion-control algorithm; takes effect for the next connection and resets the window now. */
  setCongestionControl(algorithm: 'newreno' | 'cubic' | 'none' | CongestionControl): void {
    if (algorithm === 'newreno') this.congestion = new NewReno();
    else if (algorithm === 'cubic') this.congestion = new Cubic();
    else if (algorithm === 'none') this.congestion = new NoCongestionControl();
    else if (typeof algorithm === 'object' && algorithm !== null) this.congestion = algorithm;
    else {
      throw new TcpError('InvalidConfig', `unknown congestion control ${String(algorithm)}: pass 'newreno', 'cubic', 'none' or an object implementing CongestionControl`);
    }
    this.congestion.init(0, this.sendMss());
  }

  /** The congestion-control algorithm in use. */
  congestionControl(): CongestionControl {
    return this.congestion;
  }

  // ---------------------------------------------------------------------------------------------
  // State queries

  /** The state of RFC 9293 section 3.3.2. */
  get state(): TcpState {
    return this.stateValue;
  }

  /** The local endpoint (into `out` when given, to allocate nothing), or null when the socket has none. */
  localEndpoint(out?: IpEndpoint): IpEndpoint | null {
    if (this.localPortValue === 0) return null;
    const ep = out ?? new IpEndpoint();
    ep.addr = this.localAddr;
    ep.port = this.localPortValue;
    return ep;
  }

  /** The remote endpoint (into `out` when given), or null when not connected. */
  remoteEndpoint(out?: IpEndpoint): IpEndpoint | null {
    if (this.remotePortValue === 0) return null;
    const ep = out ?? new IpEndpoint();
    ep.addr = this.remoteAddr;
    ep.port = this.remotePortValue;
    return ep;
  }

  /** The local port, or 0. */
  get localPort(): number {
    return this.localPortValue;
  }

  /** The remote port, or 0. */
  get remotePort(): number {
    return this.remotePortValue;
  }

  /** Not CLOSED or TIME-WAIT: the socket holds a connection or a listen (smoltcp's is_open). */
  isOpen(): boolean {
    return this.stateValue !== TcpState.Closed && this.stateValue !== TcpState.TimeWait;
  }

  /** In LISTEN. */
  isListening(): boolean {
    return this.stateValue === TcpState.Listen;
  }

  /** Exchanging segments with a peer: neither CLOSED, TIME-WAIT nor LISTEN. */
  isActive(): boolean {
    return this.isOpen() && this.stateValue !== TcpState.Listen;
  }

  /** The connection may still carry data from us (ESTABLISHED or CLOSE-WAIT). */
  maySend(): boolean {
    return this.stateValue === TcpState.Established || this.stateValue === TcpState.CloseWait;
  }

  /** Data may still arrive or wait to be read: the peer has not closed, or unread data remains. */
  mayRecv(): boolean {
    switch (this.stateValue) {
      case TcpState.Established:
      case TcpState.FinWait1:
      case TcpState.FinWait2:
        return true;
      default:
        return !this.rxBuffer.isEmpty();
    }
  }

  /** send() would take at least one byte now. */
  canSend(): boolean {
    return this.maySend() && !this.txBuffer.isFull();
  }

  /** recv() would return at least one byte now. */
  canRecv(): boolean {
    return !this.rxBuffer.isEmpty();
  }

  /** Bytes queued to send, sent-but-unacknowledged included. */
  sendQueue(): number {
    return this.txBuffer.length;
  }

  /** Bytes received and not yet read. */
  recvQueue(): number {
    return this.rxBuffer.length;
  }

  /** Why the last connection ended, when not by the FIN exchange (see TcpEndCause); 'none' otherwise. */
  get endCause(): TcpEndCause {
    return this.endCauseValue;
  }

  /** Current congestion window, bytes (NewReno's recovery inflation included). */
  congestionWindow(): number {
    return this.congestion.cwnd + this.inflation;
  }

  // ---------------------------------------------------------------------------------------------
  // User calls (RFC 9293 section 3.10.1 to 3.10.6)

  /** Passive OPEN (section 3.10.1): wait for a SYN on `endpoint` (addr 0 for any local address). */
  listen(endpoint: EndpointLike | number): void {
    const ep = typeof endpoint === 'number' ? { addr: 0, port: endpoint } : endpoint;
    if (ep.port === 0) throw new TcpError('Unaddressable', 'cannot listen on port 0: pass the port to accept connections on');
    if (this.isOpen()) {
      if (this.stateValue === TcpState.Listen && this.listenPort === ep.port && this.listenAddr === ep.addr) return;
      throw new TcpError('InvalidState', `listen() needs a closed socket, this one is ${tcpStateName(this.stateValue)}: close or abort it first, or use another socket`);
    }
    this.resetConnection();
    this.listenAddr = ep.addr >>> 0;
    this.listenPort = ep.port;
    this.localAddr = this.listenAddr;
    this.localPortValue = ep.port;
    this.setState(TcpState.Listen);
  }

  /**
   * Active OPEN (section 3.10.1): a SYN to `remote` from `local` (addr 0: the interface picks the
   * source address when the SYN goes out; the port must be given). The SYN leaves on the next dispatch.
   */
  connect(remote: EndpointLike, local: EndpointLike | number): void {
    const loc = typeof local === 'number' ? { addr: 0, port: local } : local;
    if (remote.addr >>> 0 === 0xffffffff || remote.addr >>> 24 >= 224) {
      throw new TcpError('Unaddressable', 'connect() needs a unicast remote address: TCP cannot connect to a broadcast or multicast address');
    }
    if (this.isOpen()) {
      throw new TcpError('InvalidState', `connect() needs a closed socket, this one is ${tcpStateName(this.stateValue)}: close or abort it first, or use another socket`);
    }
    if (remote.port === 0 || remote.addr === 0) {
      throw new TcpError('Unaddressable', 'connect() needs a remote address and port: pass the peer endpoint, not an unspecified one');
    }
    if (loc.port === 0) throw new TcpError('Unaddressable', 'connect() needs a local port: pick an ephemeral port (49152 to 65535) and pass it');
    this.resetConnection();
    this.localAddr = loc.addr >>> 0;
    this.localPortValue = loc.port;
    this.remoteAddr = remote.addr >>> 0;
    this.remotePortValue = remote.port;
    this.startConnection(0);
    this.setState(TcpState.SynSent);
  }

  /**
   * Copies up to `length` bytes into the send buffer; returns how many it took (0 when full).
   * Allowed while the connection may carry our data, and before it is established (section 3.10.2).
   */
  send(data: Uint8Array, offset = 0, length = data.length - offset): number {
    this.checkMaySend();
    return this.txBuffer.enqueueSlice(data, offset, length);
  }

  /**
   * Like send, and the bytes taken are urgent data (RFC 9293 section 3.8.5, Linux's MSG_OOB): every
   * segment before their end carries URG with the Urgent Pointer at the byte after them (RFC 6093
   * section 3), until the peer acknowledges them. The data travels inline; a receiver that reads urgent
   * data out of band (Linux without SO_OOBINLINE) takes the last of these bytes out of the stream.
   */
  sendUrgent(data: Uint8Array, offset = 0, length = data.length - offset): number {
    const n = this.send(data, offset, length);
    if (n > 0) {
      this.sndUp = seqAdd(this.txStart, this.txBuffer.length);
      this.sndUpValid = true;
    }
    return n;
  }

  /** Zero-copy send: the storage of the send buffer and where the free contiguous room starts and how long it is. */
  sendWindow(): { storage: Uint8Array; offset: number; length: number } {
    this.checkMaySend();
    return { storage: this.txBuffer.storage, offset: this.txBuffer.contiguousWriteOffset(), length: this.txBuffer.contiguousWriteLength() };
  }

  /** Offset in txBuffer.storage where sendWindow's room starts (allocation-free form). */
  sendWindowOffset(): number {
    return this.txBuffer.contiguousWriteOffset();
  }

  /** Length of the contiguous free room at sendWindowOffset(). */
  sendWindowLength(): number {
    return this.maySendOrOpening() ? this.txBuffer.contiguousWriteLength() : 0;
  }

  /** Queues `n` bytes written at sendWindowOffset() for sending. */
  commitSend(n: number): void {
    this.checkMaySend();
    if (n < 0 || n > this.txBuffer.contiguousWriteLength()) {
      throw new TcpError('InvalidState', `commitSend(${n}) exceeds the ${this.txBuffer.contiguousWriteLength()} bytes of room: commit at most sendWindowLength()`);
    }
    this.txBuffer.commitEnqueue(n);
  }

  /**
   * Copies up to `length` received bytes into `dst`; returns how many (0 when none is waiting yet),
   * TCP_RECV_FINISHED when the peer has closed and everything was read, or TCP_RECV_RESET when the
   * connection was reset. Throws a TcpError on a socket that never had a connection (or that abort()
   * closed): reading it is a mistake in the program, not an event of the network.
   */
  recv(dst: Uint8Array, offset = 0, length = dst.length - offset): number {
    const n = this.peekOrRecv(dst, offset, length);
    if (n > 0) {
      this.rxBuffer.dequeueAllocated(n);
      if (this.rcvUpValid) this.forgetReadUrgent();
    }
    return n;
  }

  /** Like recv, leaving the bytes in the buffer. */
  peek(dst: Uint8Array, offset = 0, length = dst.length - offset): number {
    return this.peekOrRecv(dst, offset, length);
  }

  /** Zero-copy receive: offset in rxBuffer.storage of the contiguous received bytes. */
  recvWindowOffset(): number {
    return this.rxBuffer.contiguousReadOffset();
  }

  /** Length of the contiguous received bytes at recvWindowOffset(). */
  recvWindowLength(): number {
    return this.rxBuffer.contiguousReadLength();
  }

  /** Releases `n` bytes read at recvWindowOffset(). */
  commitRecv(n: number): void {
    if (n < 0 || n > this.rxBuffer.contiguousReadLength()) {
      throw new TcpError('InvalidState', `commitRecv(${n}) exceeds the ${this.rxBuffer.contiguousReadLength()} contiguous bytes received: commit at most recvWindowLength()`);
    }
    this.rxBuffer.commitDequeue(n);
    if (this.rcvUpValid) this.forgetReadUrgent();
  }

  /**
   * Where the urgent data the peer signalled (URG, RFC 9293 section 3.8.5) ends in what recv() returns:
   * the number of bytes to read before its last byte, 0 when that byte is the next one read (the
   * "urgent mark", as sockatmark(3) says), or -1 when no urgent data is pending. The urgent bytes are
   * delivered inline, in order, like any other (RFC 6093 section 5); the offset may lie beyond what has
   * arrived yet when the peer signalled urgent data before sending it.
   */
  urgentOffset(): number {
    if (!this.rcvUpValid) return -1;
    const offset = seqDiff(seqAdd(this.rcvUp, -1), this.readSeq());
    return offset < 0 ? -1 : offset; // read already, or flushed by a reset
  }

  /** The next byte recv() returns is the last byte of urgent data (sockatmark(3)). */
  atUrgentMark(): boolean {
    return this.urgentOffset() === 0;
  }

  /** Forgets the urgent mark once its last byte has been read. */
  private forgetReadUrgent(): void {
    if (!seqLt(this.readSeq(), this.rcvUp)) this.rcvUpValid = false;
  }

  /** The connection ended by a reset (an RST from the peer, or the user timeout), not by the FIN exchange. */
  wasReset(): boolean {
    return this.resetReceived;
  }

  /** The peer has closed its direction and every byte has been read. */
  recvFinished(): boolean {
    return this.rxBuffer.isEmpty() && (this.finReceived || this.stateValue === TcpState.Closed) && this.remotePortValue !== 0;
  }

  /**
   * CLOSE (section 3.10.4): no more data from us; a FIN follows what is queued. In LISTEN or SYN-SENT
   * the socket closes at once.
   */
  close(): void {
    switch (this.stateValue) {
      case TcpState.Listen:
      case TcpState.SynSent:
        // "Delete the TCB, enter CLOSED": nothing was synchronized.
        this.closeNow();
        break;
      case TcpState.SynReceived:
        // "If no SENDs have been issued ... form a FIN segment and send it, and enter FIN-WAIT-1 state;
        // otherwise, queue for processing after entering ESTABLISHED state": the FIN waits for the
        // handshake to complete (enterEstablished), so a lost SYN-ACK is resent as it was.
        this.finQueued = true;
        break;
      case TcpState.Established:
        // "Queue [the FIN] until all preceding SENDs have been segmentized, then form a FIN segment
        // and send it. In any case, enter FIN-WAIT-1 state."
        this.finQueued = true;
        this.setState(TcpState.FinWait1);
        break;
      case TcpState.CloseWait:
        this.finQueued = true;
        this.setState(TcpState.LastAck);
        break;
      default:
        // FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT: "error: connection closing"; CLOSED: nothing to do.
        break;
    }
  }

  /** ABORT (section 3.10.5): a RST to a synchronized peer, then CLOSED; queued data is dropped. */
  abort(): void {
    switch (this.stateValue) {
      case TcpState.SynReceived:
      case TcpState.Established:
      case TcpState.FinWait1:
      case TcpState.FinWait2:
      case TcpState.CloseWait:
        this.pendingRst = true;
        break;
      default:
        break;
    }
    this.closeNow();
    this.rxBuffer.clear();
    this.txBuffer.clear();
    if (this.endCauseValue === 'none') this.endCauseValue = 'aborted';
  }

  // ---------------------------------------------------------------------------------------------
  // Segment arrival

  /** Whether this segment belongs to this socket (its connection, or its listen endpoint). */
  accepts(ip: Ipv4Repr, tcp: TcpRepr): boolean {
    switch (this.stateValue) {
      case TcpState.Closed:
        return false;
      case TcpState.Listen:
        return tcp.dstPort === this.listenPort && (this.listenAddr === 0 || ip.dstAddr >>> 0 === this.listenAddr);
      default:
        // A connect() from an unspecified address learns it from the SYN-ACK (processSynSent).
        return (
          tcp.dstPort === this.localPortValue &&
          tcp.srcPort === this.remotePortValue &&
          (ip.dstAddr >>> 0 === this.localAddr || this.localAddr === 0) &&
          ip.srcAddr >>> 0 === this.remoteAddr
        );
    }
  }

  /**
   * Takes a segment that accepts() said is ours (RFC 9293 section 3.10.7, "SEGMENT ARRIVES"). Returns
   * the reply to send at once (an RST or an ACK, in replyTcp with replyIp) or null; ACKs of data and
   * everything else leave through dispatch.
   */
  process(now: Instant, ip: Ipv4Repr, seg: TcpRepr): TcpRepr | null {
    switch (this.stateValue) {
      case TcpState.Closed:
        // 3.10.7.1: a closed socket answers nothing here; the interface resets segments no socket takes.
        return null;
      case TcpState.Listen:
        return this.processListen(now, ip, seg);
      case TcpState.SynSent:
        return this.processSynSent(now, ip, seg);
      case TcpState.TimeWait:
        // RFC 9293 section 3.6.1 and RFC 6191: a SYN that is surely of a new incarnation reopens a
        // connection that came from listen() (with nothing left unread), as if the socket had been in
        // LISTEN; the TIME-WAIT of an active open has no listening endpoint to reopen, and is kept.
        if (this.fromListen && this.rxBuffer.isEmpty() && this.synOpensNewIncarnation(seg)) {
          this.log('SYN of a new incarnation in TIME-WAIT: reopening (RFC 6191)');
          this.returnToListen();
          return this.processListen(now, ip, seg);
        }
        return this.processSynchronized(now, seg);
      default:
        return this.processSynchronized(now, seg);
    }
  }

  /**
   * Whether `seg`, arriving in TIME-WAIT, is a SYN that cannot belong to the old incarnation (RFC 6191
   * section 2): with timestamps in use on the old connection and in the SYN, its TSval is greater than
   * the last seen (TS.Recent); otherwise its ISN is greater than RCV.NXT (RFC 9293 section 3.6.1, RFC
   * 1122 section 4.2.2.13). False in any other state; a SYN that fails the test is handled as before
   * (an ACK of the old connection, RFC 5961 section 4).
   */
  synOpensNewIncarnation(seg: TcpRepr): boolean {
    if (this.stateValue !== TcpState.TimeWait || seg.control !== TcpControl.Syn || seg.ack) return false;
    if (this.tsOk && seg.hasTimestamp) return seqGt(seg.tsVal | 0, this.tsRecent);
    return seqGt(seg.seqNumber | 0, this.rcvNxt);
  }

  /**
   * Ends TIME-WAIT now (CLOSED, buffers kept): the listener calls it when a SYN opens a new incarnation
   * of the connection (RFC 6191) and takes a fresh socket for it. Nothing in other states.
   */
  endTimeWait(): void {
    if (this.stateValue !== TcpState.TimeWait) return;
    this.log('TIME-WAIT ended for a new incarnation');
    this.closeNow();
  }

  /** 3.10.7.2, LISTEN. */
  private processListen(now: Instant, ip: Ipv4Repr, seg: TcpRepr): TcpRepr | null {
    // "First, check for a RST: an incoming RST segment could not be valid ... ignored."
    if (seg.control === TcpControl.Rst) return null;
    // "Second, check for an ACK: any acknowledgment is bad ... <SEQ=SEG.ACK><CTL=RST>."
    if (seg.ack) return this.replyRst(ip, seg);
    // "Third, check for a SYN."
    if (seg.control !== TcpControl.Syn) return null; // "Fourth, other data or control ... drop"
    this.localAddr = ip.dstAddr >>> 0;
    this.remoteAddr = ip.srcAddr >>> 0;
    this.remotePortValue = seg.srcPort;
    this.localPortValue = seg.dstPort;
    this.fromListen = true;
    // "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected"; options as offered.
    this.acceptSynOptions(seg);
    this.irs = seg.seqNumber | 0;
    this.rcvNxt = seqAdd(seg.seqNumber | 0, 1);
    this.lastAckSent = this.rcvNxt;
    this.rcvAdvRight = this.rcvNxt;
    this.startConnection(now);
    // The SYN's window is never scaled (RFC 7323 section 2.2).
    this.updateSendWindow(seg.windowLen, seg.seqNumber | 0, this.iss);
    // "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> is sent" by dispatch; "the state should be changed to SYN-RECEIVED".
    this.setState(TcpState.SynReceived);
    return null;
  }

  /** 3.10.7.3, SYN-SENT. */
  private processSynSent(now: Instant, ip: Ipv4Repr, seg: TcpRepr): TcpRepr | null {
    // "First, check the ACK bit: if SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST
    // bit is set, if so drop the segment and return)."
    if (seg.ack && (seqLe(seg.ackNumber | 0, this.iss) || seqGt(seg.ackNumber | 0, this.sndMax))) {
      if (seg.control === TcpControl.Rst) return null;
      return this.replyRstForAck(seg);
    }
    // "Second, check the RST bit: if the ACK was acceptable, signal 'connection reset', drop the
    // segment, enter CLOSED ... Otherwise (no ACK), drop the segment." (RFC 5961 section 3.2 too.)
    if (seg.control === TcpControl.Rst) {
      if (seg.ack) {
        this.log('connection refused by peer (RST in SYN-SENT)');
        this.endCauseValue = 'refused';
        this.closeNow();
      }
      return null;
    }
    // "Fourth, check the SYN bit"; "if neither of the SYN or RST bits is set, drop the segment".
    if (seg.control !== TcpControl.Syn) return null;
    if (this.localAddr === 0) this.localAddr = ip.dstAddr >>> 0;
    this.acceptSynOptions(seg);
    this.irs = seg.seqNumber | 0;
    this.rcvNxt = seqAdd(seg.seqNumber | 0, 1);
    this.rcvAdvRight = seqAdd(this.rcvNxt, this.rxBuffer.window > 65535 ? 65535 : this.rxBuffer.window);
    this.heardFromPeer(now);
    if (this.tsOk && seg.hasTimestamp) this.tsRecent = seg.tsVal | 0;
    if (seg.ack) {
      // "SND.UNA should be advanced to equal SEG.ACK ... If SND.UNA > ISS (our SYN has been ACKed),
      // change the connection state to ESTABLISHED, form an ACK segment and send it."
      this.ackOfSyn(now, seg);
      this.updateSendWindow(seg.windowLen, seg.seqNumber | 0, seg.ackNumber | 0);
      this.ackNow = true;
      this.enterEstablished();
      return null;
    }
    // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>":
    // simultaneous open (section 3.5, figure 8). The SYN goes again, now with the ACK.
    this.updateSendWindow(seg.windowLen, seg.seqNumber | 0, this.iss);
    this.sndNxt = this.iss;
    this.rtoDeadline = NONE;
    this.rttStart = NONE;
    this.setState(TcpState.SynReceived);
    return null;
  }

  /** 3.10.7.4, the synchronized states and SYN-RECEIVED: the eight checks in the RFC's order. */
  private processSynchronized(now: Instant, seg: TcpRepr): TcpRepr | null {
    const state = this.stateValue;
    const control = seg.control;
    const isRst = control === TcpControl.Rst;
    let seq = seg.seqNumber | 0;
    let payloadOffset = seg.payloadOffset;
    let payloadLength = seg.payloadLength;
    let fin = control === TcpControl.Fin;

    // RFC 7323 section 3.2: once timestamps are in use, a segment without them is dropped (RST excepted).
    if (this.tsOk && !seg.hasTimestamp && !isRst && control !== TcpControl.Syn) return null;

    // SYN-RECEIVED: the peer sent its SYN again (our SYN-ACK was lost); send the SYN-ACK again.
    if (state === TcpState.SynReceived && control === TcpControl.Syn && !seg.ack && (seg.seqNumber | 0) === this.irs) {
      this.sndNxt = this.iss;
      return null;
    }

    // First, check sequence number. RFC 7323 section 5.3 (PAWS) comes first: a segment whose TSval is
    // older than TS.Recent is a duplicate from an earlier wrap of the sequence space.
    if (this.tsOk && seg.hasTimestamp && !isRst && seqLt(seg.tsVal | 0, this.tsRecent)) {
      return this.replyAck(now);
    }
    const segLen = payloadLength + (control === TcpControl.Syn || fin ? 1 : 0);
    const rcvWnd = this.receiveWindow();
    let acceptable: boolean;
    if (segLen === 0) {
      acceptable = rcvWnd === 0 ? seq === this.rcvNxt : this.inReceiveWindow(seq, rcvWnd);
    } else if (rcvWnd === 0) {
      acceptable = false;
    } else {
      acceptable = this.inReceiveWindow(seq, rcvWnd) || this.inReceiveWindow(seqAdd(seq, segLen - 1), rcvWnd);
    }
    // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made to
    // accept valid ACKs, URGs, and RSTs": a zero-window probe at RCV.NXT still carries an ACK.
    let zeroWindowProbe = false;
    if (!acceptable && rcvWnd === 0 && seq === this.rcvNxt && fin && payloadLength === 0) {
      // A bare FIN needs no buffer space: taken at a zero window (as Linux does).
      acceptable = true;
    } else if (!acceptable && rcvWnd === 0 && segLen > 0 && seq === this.rcvNxt && !isRst) {
      zeroWindowProbe = true;
      payloadLength = 0;
      fin = false;
    } else if (!acceptable) {
      // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply (unless
      // the RST bit is set, if so drop the segment and return)."
      if (isRst) return null;
      if (control === TcpControl.Syn) return this.challengeAck(now); // RFC 5961 section 4
      // TIME-WAIT: "the only thing that can arrive in this state is a retransmission of the remote FIN.
      // Acknowledge it, and restart the 2 MSL timeout."
      if (state === TcpState.TimeWait && fin) this.timeWaitDeadline = now + this.timeWait;
      return this.replyAck(now);
    }
    if (!zeroWindowProbe) {
      // Trim to the window: what precedes RCV.NXT was received already; what passes the window's right
      // edge is dropped, and a FIN with it ("segments with higher beginning sequence numbers ...").
      const before = seqDiff(this.rcvNxt, seq);
      if (before > 0 && control !== TcpControl.Syn) {
        const cut = before < payloadLength ? before : payloadLength;
        payloadOffset += cut;
        payloadLength -= cut;
        seq = seqAdd(seq, cut);
        if (before > cut) fin = false; // a FIN before RCV.NXT: a duplicate, already counted
      }
      const room = seqDiff(seqAdd(this.rcvNxt, rcvWnd), seq);
      if (payloadLength > room) {
        payloadLength = room > 0 ? room : 0;
        fin = false;
      }
    }

    // Second, check the RST bit (RFC 5961 section 3.2): exactly at RCV.NXT resets; elsewhere in the
    // window draws a challenge ACK.
    if (isRst) {
      if ((seg.seqNumber | 0) !== this.rcvNxt) return this.challengeAck(now);
      switch (state) {
        case TcpState.SynReceived:
          // "If this connection was initiated with a passive OPEN, then return this connection to the
          // LISTEN state"; from an active OPEN (simultaneous open), "connection refused".
          if (this.fromListen) {
            this.log('RST in SYN-RECEIVED: back to LISTEN');
            this.returnToListen();
          } else {
            this.log('connection refused (RST in SYN-RECEIVED)');
            this.resetByPeer();
            this.endCauseValue = 'refused';
          }
          return null;
        case TcpState.Established:
        case TcpState.FinWait1:
        case TcpState.FinWait2:
        case TcpState.CloseWait:
          // "Any outstanding RECEIVEs and SEND should receive 'reset' responses ... enter CLOSED."
          this.log('connection reset by peer');
          this.resetByPeer();
          return null;
        default:
          // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB".
          this.closeNow();
          return null;
      }
    }

    // Third, security: not implemented (RFC 9293 leaves it optional).

    // Fourth, check the SYN bit. RFC 5961 section 4 (and RFC 9293): any SYN here draws a challenge ACK;
    // in SYN-RECEIVED after a passive OPEN the connection returns to LISTEN.
    if (control === TcpControl.Syn) {
      if (state === TcpState.SynReceived && this.fromListen) {
        this.returnToListen();
        return null;
      }
      return this.challengeAck(now);
    }

    // Fifth, check the ACK field: "if the ACK bit is off, drop the segment and return".
    if (!seg.ack) return null;
    const ack = seg.ackNumber | 0;

    if (state === TcpState.SynReceived) {
      // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue processing ...
      // If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>."
      if (!(seqLt(this.sndUna, ack) && seqLe(ack, this.sndMax))) return this.replyRstForAck(seg);
      this.ackOfSyn(now, seg);
      this.heardFromPeer(now);
      this.sndWl1 = seg.seqNumber | 0;
      this.sndWl2 = ack;
      this.sndWnd = seg.windowLen << this.sndShift;
      if (this.sndWnd > this.maxSndWnd) this.maxSndWnd = this.sndWnd;
      this.enterEstablished();
    } else {
      // RFC 5961 section 5.2: acceptable if SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT; otherwise
      // "send an ACK" (rate-limited as a challenge ACK) and drop.
      if (seqGt(ack, this.sndMax)) return this.challengeAck(now);
      if (seqLt(ack, seqAdd(this.sndUna, -(this.maxSndWnd > 1 ? this.maxSndWnd : 1)))) return this.challengeAck(now);
      // RFC 7323 section 4.3: remember the peer's timestamp for echoing when this segment is in order.
      if (this.tsOk && seg.hasTimestamp && seqGe(seg.tsVal | 0, this.tsRecent) && seqLe(seg.seqNumber | 0, this.lastAckSent)) {
        this.tsRecent = seg.tsVal | 0;
      }
      this.processAck(now, seg, payloadLength, fin);
      this.heardFromPeer(now);
      // The closing states' extra steps on an ACK.
      switch (this.stateValue) {
        case TcpState.FinWait1:
          // "If the FIN segment is now acknowledged, then enter FIN-WAIT-2 and continue processing."
          if (this.finAcked()) this.setState(TcpState.FinWait2);
          break;
        case TcpState.Closing:
          // "If the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment."
          if (this.finAcked()) this.enterTimeWait(now);
          else return null;
          break;
        case TcpState.LastAck:
          // "The only thing that can arrive in this state is an acknowledgment of our FIN. If our FIN is
          // now acknowledged, delete the TCB, enter the CLOSED state, and return."
          if (this.finAcked()) {
            this.closeNow();
            return null;
          }
          break;
        default:
          break;
      }
    }
    if (this.tsOk && seg.hasTimestamp && state === TcpState.SynReceived) this.tsRecent = seg.tsVal | 0;

    // Sixth, check the URG bit: "If the URG bit is set, RCV.UP <- max(RCV.UP,SEG.UP), and signal the
    // user" (ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2; in the later states a FIN was received, "ignore the
    // URG"). The urgent data itself stays inline, in sequence with the rest (RFC 6093 section 5), so
    // it is neither lost nor read twice; urgentOffset() is the signal.
    if (seg.urgentPointer !== null) this.receiveUrgent(seg.seqNumber | 0, seg.urgentPointer);

    // Seventh, process the segment text: in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only; in CLOSE-WAIT,
    // CLOSING, LAST-ACK and TIME-WAIT "this should not occur since a FIN has been received".
    const st = this.stateValue;
    const takesData = st === TcpState.Established || st === TcpState.FinWait1 || st === TcpState.FinWait2;
    if (zeroWindowProbe) {
      this.ackNow = true;
    } else if (payloadLength > 0 && takesData) {
      this.receiveData(now, seg, seq, payloadOffset, payloadLength, fin);
    } else if (payloadLength === 0 && segLen > 0 && !fin && takesData) {
      // Entirely old data (trimmed to nothing): a duplicate; acknowledge at once (RFC 5681 section 4.2).
      this.ackImmediate = true;
    }

    // Eighth, check the FIN bit, processed only once every byte before it has arrived.
    if (fin && takesData) {
      const finSeq = seqAdd(seq, payloadLength);
      if (finSeq === this.rcvNxt && !this.finReceived) {
        // The FIN takes a sequence number but no buffer space: the window's right edge moves with it.
        if (!seqLt(this.rcvAdvRight, this.rcvNxt)) this.rcvAdvRight = seqAdd(this.rcvAdvRight, 1);
        this.rcvNxt = seqAdd(this.rcvNxt, 1);
        this.finReceived = true;
        this.ackNow = true;
        switch (st) {
          case TcpState.Established:
            this.setState(TcpState.CloseWait);
            break;
          case TcpState.FinWait1:
            // "If our FIN has been ACKed ... enter TIME-WAIT ... otherwise, enter the CLOSING state."
            if (this.finAcked()) this.enterTimeWait(now);
            else this.setState(TcpState.Closing);
            break;
          case TcpState.FinWait2:
            this.enterTimeWait(now);
            break;
          default:
            break;
        }
      } else {
        // A FIN after a hole: the data before it is missing; acknowledge what we have.
        this.ackImmediate = true;
      }
    }
    if (this.ackImmediate) {
      // RFC 5681 section 4.2: out-of-order data, data filling a hole and duplicates are acknowledged
      // immediately, one ACK per segment, so the sender counts its duplicate ACKs.
      this.ackImmediate = false;
      return this.replyAck(now);
    }
    return null;
  }

  /**
   * The URG bit of step six: SEG.UP is SEG.SEQ plus the Urgent Pointer, the sequence number after the
   * urgent data (RFC 6093 section 3). A mark already read past is replaced, never compared with, so an
   * old mark cannot look new after the sequence space wraps.
   */
  private receiveUrgent(seq: number, pointer: number): void {
    const st = this.stateValue;
    if (st !== TcpState.Established && st !== TcpState.FinWait1 && st !== TcpState.FinWait2) return;
    const up = seqAdd(seq, pointer);
    // An urgent pointer of 0 (the byte before SEG.SEQ) or pointing at data already read signals nothing new.
    if (!seqGt(up, this.readSeq())) return;
    if (this.rcvUpValid && !seqGt(up, this.rcvUp)) return;
    this.rcvUp = up;
    this.rcvUpValid = true;
    this.log2('urgent data up to ', up);
  }

  /** The sequence number of the next byte recv() returns. */
  private readSeq(): number {
    return seqAdd(this.rcvNxt, -(this.rxBuffer.length + (this.finReceived ? 1 : 0)));
  }

  /** Step 5 in a synchronized state: SND.UNA, the send window, RTT, congestion control, loss recovery. */
  private processAck(now: Instant, seg: TcpRepr, payloadLength: number, fin: boolean): void {
    const ack = seg.ackNumber | 0;
    const acked = seqDiff(ack, this.sndUna);
    const windowBefore = this.sndWnd;
    // Received SACK blocks (RFC 2018 section 4, RFC 6675): mark what the peer holds past SND.UNA.
    let newlySacked = false;
    if (this.sackOk && seg.sackBlockCount > 0) newlySacked = this.readSackBlocks(seg, ack);
    if (acked >= 0 && this.inRecovery && this.rexmitMarkValid && newlySacked) {
      // Data first sent after the latest retransmission has been SACKed while holes remain: the
      // retransmissions still unSACKed were lost (RFC 8985's idea, by sending order instead of time,
      // without a reordering allowance). Resend the head now and sweep the holes again, rather than
      // wait for the retransmission timer.
      if (seqGt(seqAdd(this.sndUna, this.scoreboard.highestEnd()), this.rexmitMark)) {
        this.rexmitMarkValid = false;
        this.rexmitOnce = true;
        this.sndNxt = this.sndUna;
        this.log2('lost retransmission at ', this.sndUna);
      }
    }

    if (acked > 0) {
      // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK": release acknowledged bytes.
      this.ackNewData(now, seg, acked);
    }

    // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ or
    // (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK."
    if (acked >= 0) {
      if (seqLt(this.sndWl1, seg.seqNumber | 0) || (this.sndWl1 === (seg.seqNumber | 0) && seqLe(this.sndWl2, ack))) {
        this.updateSendWindow(seg.windowLen << this.sndShift, seg.seqNumber | 0, ack);
      }
    }

    if (acked === 0) {
      // RFC 5681 section 2: a duplicate ACK carries no data, no SYN or FIN, acknowledges SND.UNA with
      // data outstanding, and leaves the window unchanged. SACK-bearing duplicates count too.
      const outstanding = this.sndMax !== this.sndUna;
      if (outstanding && payloadLength === 0 && !fin && this.sndWnd === windowBefore) {
        this.onDuplicateAck(now, newlySacked);
      } else if (!outstanding) {
        this.dupAcks = 0;
      }
    }
    if (this.sndWnd > 0) {
      this.persistDeadline = NONE;
      this.persistBackoff = 0;
    }
  }

  /** New bytes acknowledged: buffers, RTT sample, timers, congestion window, recovery. */
  private ackNewData(now: Instant, seg: TcpRepr, acked: number): void {
    const ack = seg.ackNumber | 0;
    const flightBefore = seqDiff(this.sndMax, this.sndUna);
    // Data bytes acknowledged (a FIN's sequence number is not in the buffer).
    let dataAcked = seqDiff(ack, this.txStart);
    if (dataAcked > this.txBuffer.length) dataAcked = this.txBuffer.length;
    if (dataAcked > 0) {
      this.txBuffer.dequeueAllocated(dataAcked);
      this.txStart = seqAdd(this.txStart, dataAcked);
    }
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    if (ack === this.sndMax) this.rexmitOnce = false;
    if (this.sndUpValid && !seqLt(ack, this.sndUp)) this.sndUpValid = false;
    this.reorderDeadline = NONE;
    // A partial ACK keeps the lost-retransmission mark: holes past the new SND.UNA may still be lost.
    if (this.rexmitMarkValid && !seqLt(ack, this.rexmitMark)) this.rexmitMarkValid = false;
    this.scoreboard.advance(acked);
    if (!this.scoreboard.isEmpty() && this.scoreboard.contigStart(0) === 0) {
      // The cumulative ACK stops where SACKed data starts: the receiver discarded what it had SACKed
      // (reneging, RFC 2018 section 8). Forget the SACK information so that data is sent again, as
      // Linux does on detecting it (tcp_check_sack_reneging).
      this.scoreboard.clear();
      this.log2('SACK reneging at ', ack);
    }
    this.rtt.onAck();

    // RTT: the timestamp echo when there is one (RFC 7323 section 4.1), else the timed segment if it
    // was not retransmitted (Karn).
    if (this.tsOk && seg.hasTimestamp && (seg.tsEcr | 0) !== 0) {
      const ms = seqDiff(this.tsNow(now), seg.tsEcr | 0);
      if (ms >= 0) this.rtt.sample(ms * 1000);
    } else if (this.rttStart !== NONE && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(now - this.rttStart);
    }
    if (this.rttStart !== NONE && seqGe(ack, this.rttSeq)) this.rttStart = NONE;

    // RFC 6298 section 5.2/5.3: all acknowledged stops the timer, otherwise restart it.
    this.rtoDeadline = this.sndMax === this.sndUna ? NONE : now + this.rtt.rto;
    this.tlpOutstanding = false;
    this.armTailLossProbe(now);

    if (this.inRecovery) {
      if (seqGe(ack, this.recoveryPoint)) {
        // RFC 6582 section 3.2 step 3, full acknowledgment: leave recovery with cwnd = ssthresh.
        this.inRecovery = false;
        this.inflation = 0;
        this.dupAcks = 0;
      } else {
        // Partial acknowledgment (step 3): retransmit the first unacknowledged segment and deflate by
        // the bytes acknowledged, adding back one SMSS.
        this.rexmitOnce = !this.sackOk || this.scoreboard.isEmpty() ? true : this.rexmitOnce;
        if (this.inflation > 0) {
          this.inflation -= acked;
          if (this.inflation < 0) this.inflation = 0;
          this.inflation += this.sendMss();
        }
      }
    } else {
      this.dupAcks = 0;
      // Grow the window only when it limited us (RFC 7661's idea; RFC 5681 section 3.1 counts ACKs of new data).
      const mss = this.sendMss();
      if (flightBefore + mss >= this.congestion.cwnd) this.congestion.onAck(now, acked, this.rtt.srtt);
    }
  }

  /** RFC 5681 section 3.2 and RFC 6675 section 5: three duplicates (or enough SACKed) mean a loss. */
  private onDuplicateAck(now: Instant, newlySacked: boolean): void {
    this.dupAcks++;
    const mss = this.sendMss();
    if (this.inRecovery) {
      // NewReno (RFC 6582 section 3.2 step 4): each further duplicate inflates the window by one SMSS.
      if (!this.sackOk) this.inflation += mss;
      return;
    }
    // The duplicate threshold is 3, or fewer with few segments in flight and no new data to send,
    // which could not draw three duplicates (RFC 5827 early retransmit: ER_thresh = oseg - 1).
    const flightBytes = seqDiff(this.sndMax, this.sndUna);
    const segments = Math.ceil(flightBytes / mss);
    let threshold = 3;
    if (segments >= 2 && segments < 4 && !this.newDataSendable()) threshold = segments - 1;
    const sackLoss = this.sackOk && newlySacked && this.scoreboard.totalLength() > (threshold - 1) * mss;
    if (this.dupAcks < threshold && !sackLoss) {
      if (this.rackReorderWindow && this.sackOk && newlySacked && this.reorderDeadline === NONE) {
        // RFC 8985 section 6.2: data sent after SND.UNA arrived; give reordering a quarter RTT.
        const window = this.rtt.srtt >>> 2;
        this.reorderDeadline = now + (window > 1000 ? window : 1000);
      }
      return;
    }
    this.enterRecovery(now);
  }

  /** Enters fast recovery: RFC 6582 section 3.2 step 2 / RFC 6675 section 5 step 4. */
  private enterRecovery(now: Instant): void {
    const mss = this.sendMss();
    this.reorderDeadline = NONE;
    const flight = seqDiff(this.sndMax, this.sndUna);
    this.congestion.onCongestion(now, flight);
    this.inRecovery = true;
    this.ptoDeadline = NONE;
    this.recoveryPoint = this.sndMax;
    this.rttStart = NONE; // Karn: the timed segment may be the one resent
    if (this.sackOk && !this.scoreboard.isEmpty()) {
      // RFC 6675 section 5: the first segment presumed lost goes at once, whatever the pipe (step 4.3);
      // then the holes from SND.UNA upward, skipping what is SACKed (NextSeg rule 1), as the pipe allows.
      this.sndNxt = this.sndUna;
      this.rexmitOnce = true;
      this.inflation = 0;
    } else {
      // NewReno: resend the first segment now, cwnd = ssthresh + 3 * SMSS (RFC 6582 section 3.2 step 2).
      this.rexmitOnce = true;
      this.inflation = 3 * mss;
    }
    this.log2('fast retransmit at ', this.sndUna);
  }

  /** Reads the SACK blocks of an ACK into the scoreboard; whether they marked anything new. */
  private readSackBlocks(seg: TcpRepr, ack: number): boolean {
    const base = seqMax(ack, this.sndUna);
    const before = this.scoreboard.totalLength();
    for (let i = 0; i < seg.sackBlockCount; i++) {
      let left = seg.sackLeft[i]! | 0;
      const right = seg.sackRight[i]! | 0;
      // RFC 2018 section 4: blocks at or below the cumulative ACK (D-SACK) or beyond what was sent are ignored.
      if (!seqLt(left, right) || seqLe(right, base) || seqGt(right, this.sndMax)) continue;
      if (seqLt(left, base)) left = base;
      this.scoreboard.add(seqDiff(left, this.sndUna), seqDiff(right, left));
    }
    return this.scoreboard.totalLength() > before;
  }

  /** Data of an acceptable segment (step 7), trimmed to the window: into the buffer, maybe out of order. */
  private receiveData(now: Instant, seg: TcpRepr, seq: number, payloadOffset: number, payloadLength: number, fin: boolean): void {
    const offset = seqDiff(seq, this.rcvNxt);
    const payload = seg.payload;
    if (payload === null) return;
    const inOrder = offset === 0 && this.reassembly.isEmpty();
    let ready: number;
    const asm = this.reassembly;
    if (offset > 0 && asm.contigCount === asm.capacity && offset + payloadLength < asm.contigStart(asm.contigCount - 1)) {
      // Every slot is taken and this segment would need one, below the highest range held: give up that
      // range instead (RFC 2018 section 8 lets a receiver discard data it SACKed), since bytes nearer
      // RCV.NXT are the ones that let the stream advance. Dropping the newcomer instead lost whatever
      // arrived just past a hole while the window held more holes than slots, so the sender resent it
      // again and again (seen against Linux at 15 % drop and 15 % corruption with a 1 MiB window).
      asm.removeLast();
    }
    if (asm.add(offset, payloadLength)) {
      this.rxBuffer.writeUnallocated(offset, payload, payloadOffset, payloadLength);
      if (offset > 0) this.rememberSackArrival(seq);
      ready = this.reassembly.removeFront();
    } else if (offset === 0) {
      // Every slot holds a range past a hole, and this segment fills the start of the first hole
      // without reaching the range after it: it goes straight into the buffer, the ranges move down.
      this.rxBuffer.writeUnallocated(0, payload, payloadOffset, payloadLength);
      this.reassembly.advance(payloadLength);
      ready = payloadLength;
    } else {
      // Too many holes for the assembler: drop the segment; the peer sends it again.
      this.ackImmediate = true;
      return;
    }
    if (ready > 0) {
      this.rxBuffer.enqueueUnallocated(ready);
      this.rcvNxt = seqAdd(this.rcvNxt, ready);
    }
    if (!inOrder || !this.reassembly.isEmpty()) {
      // RFC 5681 section 4.2: out-of-order data, or data filling a hole, is acknowledged at once.
      this.ackImmediate = true;
      return;
    }
    // RFC 1122 section 4.2.3.2 and RFC 5681 section 4.2: delay the ACK, but acknowledge at least every
    // second full-sized segment. A full-sized segment carries our MSS less the options in every segment
    // (RFC 6691): with timestamps, 1448 bytes at MSS 1460, so two of them are not 2 MSS.
    const fullSized = this.tsOk ? this.localMss - TIMESTAMP_OPTION_LENGTH : this.localMss;
    if (this.ackDelay === 0 || seqDiff(this.rcvNxt, this.lastAckSent) >= 2 * fullSized || fin) {
      this.ackNow = true;
    } else if (this.ackDeadline === NONE) {
      this.ackDeadline = now + this.ackDelay;
    }
  }

  private rememberSackArrival(seq: number): void {
    // Most recent first (RFC 2018 section 4): shift the others down.
    const n = this.recentSackCount < TCP_MAX_SACK_BLOCKS ? this.recentSackCount : TCP_MAX_SACK_BLOCKS - 1;
    for (let i = n; i > 0; i--) this.recentSack[i] = this.recentSack[i - 1]!;
    this.recentSack[0] = seq;
    if (this.recentSackCount < TCP_MAX_SACK_BLOCKS) this.recentSackCount++;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /**
   * Emits what is due (SYN, data, FIN, ACK, probe or RST, as the state and the timers say) until there
   * is nothing more or the emitter says Busy; whether anything went out. Expired timers act here.
   */
  dispatch(now: Instant, emitter: TcpEmitter): boolean {
    let any = false;
    // Bounded: each round sends a segment, which moves SND.NXT or clears what made it due.
    for (let i = 0; i < 4096; i++) {
      const result = this.dispatchOne(now, emitter);
      if (result !== DISPATCH_SENT) break;
      any = true;
    }
    return any;
  }

  private dispatchOne(now: Instant, emitter: TcpEmitter): number {
    if (this.pendingRst) return this.dispatchRst(emitter);
    if (this.stateValue === TcpState.Closed || this.stateValue === TcpState.Listen) return DISPATCH_NONE;
    this.runTimers(now);
    if (this.pendingRst) return this.dispatchRst(emitter);
    if (!this.isActive() && this.stateValue !== TcpState.TimeWait) return DISPATCH_NONE;
    const mtu = emitter.ipMtu ?? this.ipMtu;
    const mtuMss = mtu - IPV4_TCP_HEADERS;
    if (this.stateValue === TcpState.SynSent || this.stateValue === TcpState.SynReceived) this.localMss = mtuMss;
    const kind = this.prepareSegment(now, mtuMss);
    if (kind === SEND_NOTHING) return DISPATCH_NONE;
    this.fillIp(this.outIp, this.outTcp);
    const result = emitter.emitTcp(this.outIp, this.outTcp);
    if (result === EmitResult.Busy) return DISPATCH_BUSY;
    // Sent, or dropped for good by the interface (counted there): either way the segment is done.
    this.commitSegment(now, kind);
    return DISPATCH_SENT;
  }

  /**
   * When dispatch next has something to do: `now` if a segment is ready, the earliest timer otherwise,
   * or null when only an arriving segment or a user call can change anything.
   */
  pollAt(now: Instant): Instant | null {
    if (this.pendingRst) return now;
    const state = this.stateValue;
    if (state === TcpState.Closed || state === TcpState.Listen) return null;
    if (this.prepareSegment(now, this.localMss) !== SEND_NOTHING) return now;
    let at = this.timeWaitDeadline;
    if (state !== TcpState.TimeWait) {
      at = earliest(at, this.rtoDeadline);
      at = earliest(at, this.ptoDeadline);
      at = earliest(at, this.reorderDeadline);
      at = earliest(at, this.ackDeadline);
      at = earliest(at, this.persistDeadline);
      if (this.persistDeadline === NONE && this.persistWanted()) at = now;
      // Keep-alives only when nothing is in flight: otherwise the retransmission timer probes the peer.
      if (this.keepAlive !== null && this.isSynchronized() && this.sndMax === this.sndUna) at = earliest(at, this.keepAliveAt());
      if (this.timeout !== null && this.waitingSince !== NONE) at = earliest(at, this.waitingSince + this.timeout);
    }
    if (at === NONE) return null;
    return at < now ? now : at;
  }

  /** The timers (RFC 9293 section 3.10.8) that expired by `now`: they change what prepareSegment sends. */
  private runTimers(now: Instant): void {
    const state = this.stateValue;
    if (state === TcpState.TimeWait) {
      // "If the time-wait timeout expires on a connection, delete the TCB, enter the CLOSED state."
      if (now >= this.timeWaitDeadline) {
        this.log('TIME-WAIT expired');
        this.closeNow();
      }
      return;
    }
    // User timeout: "flush all queues, signal 'connection aborted due to user timeout', enter CLOSED".
    if (this.timeout !== null && this.waitingSince !== NONE && now >= this.waitingSince + this.timeout) {
      this.log('user timeout: aborting');
      this.abort();
      this.resetReceived = true;
      this.endCauseValue = this.timeoutCause();
      return;
    }
    if (this.rtoDeadline !== NONE && now >= this.rtoDeadline) this.retransmitTimeout(now);
    if (this.reorderDeadline !== NONE && now >= this.reorderDeadline) {
      // RFC 8985 section 6.2: the reordering window passed and SND.UNA is still unacknowledged.
      this.reorderDeadline = NONE;
      if (!this.inRecovery && this.sndMax !== this.sndUna && !this.scoreboard.isEmpty()) {
        this.log2('reordering window passed at ', this.sndUna);
        this.enterRecovery(now);
      }
    }
    if (this.ptoDeadline !== NONE && now >= this.ptoDeadline) {
      // RFC 8985 section 7.3: the probe timeout fired; send a probe and re-arm the RTO.
      this.ptoDeadline = NONE;
      if (!this.inRecovery && this.sndMax !== this.sndUna) {
        this.log2('tail loss probe at ', this.sndMax);
        this.tlpDue = true;
        this.tlpOutstanding = true;
        this.rtoDeadline = now + this.rtt.rto;
      }
    }
    if (this.ackDeadline !== NONE && now >= this.ackDeadline) {
      this.ackNow = true;
      this.ackDeadline = NONE;
    }
    // Zero-window probes (RFC 9293 section 3.8.6.1) with backoff.
    if (this.persistWanted()) {
      if (this.persistDeadline === NONE) {
        this.persistDeadline = now + this.probeInterval();
      } else if (now >= this.persistDeadline) {
        this.probeDue = true;
        this.persistBackoff++;
        this.persistDeadline = now + this.probeInterval();
      }
    }
    // Keep-alive (RFC 1122 section 4.2.3.6): after `keepAlive` of silence, a probe with SEG.SEQ = SND.NXT-1.
    if (this.keepAlive !== null && this.isSynchronized()) {
      this.keepAliveDeadline = this.keepAliveAt();
      if (now >= this.keepAliveDeadline && this.sndMax === this.sndUna) {
        this.probeDue = true;
        this.keepAliveDeadline = now + this.keepAlive;
      }
    }
  }

  /** RFC 6298 section 5.4 to 5.6: resend from SND.UNA, back off, collapse the congestion window. */
  private retransmitTimeout(now: Instant): void {
    if (this.stateValue === TcpState.SynSent || this.stateValue === TcpState.SynReceived) {
      if (this.synRetransmits >= this.synRetries) {
        this.log('no answer to SYN: giving up');
        this.endCauseValue = this.timeoutCause();
        if (this.stateValue === TcpState.SynReceived && this.fromListen) this.returnToListen();
        else this.closeNow();
        return;
      }
      this.synRetransmits++;
    }
    const flight = seqDiff(this.sndMax, this.sndUna);
    this.log2('retransmission timeout at ', this.sndUna);
    this.rtt.backoff();
    this.congestion.onTimeout(now, flight);
    this.sndNxt = this.sndUna;
    this.inRecovery = false;
    this.inflation = 0;
    this.dupAcks = 0;
    this.rexmitOnce = false;
    this.rexmitMarkValid = false;
    this.rttStart = NONE;
    this.rtoDeadline = now + this.rtt.rto;
    this.ptoDeadline = NONE;
    this.reorderDeadline = NONE;
    this.tlpDue = false;
  }

  /** Fills outTcp with the segment to send now; which kind, or SEND_NOTHING. Changes no state. */
  private prepareSegment(now: Instant, mtuMss: number): number {
    const out = this.outTcp;
    const state = this.stateValue;
    out.srcPort = this.localPortValue;
    out.dstPort = this.remotePortValue;
    out.maxSegSize = null;
    out.windowScale = null;
    out.sackPermitted = false;
    out.sackBlockCount = 0;
    out.hasTimestamp = false;
    out.urgentPointer = null;
    out.setPayload(null, 0, 0);

    if (state === TcpState.SynSent || state === TcpState.SynReceived) {
      if (this.sndNxt !== this.iss) return SEND_NOTHING;
      // The SYN (section 3.10.1) or SYN-ACK (3.10.7.2), with the options offered or negotiated.
      out.control = TcpControl.Syn;
      out.seqNumber = this.iss >>> 0;
      out.ack = state === TcpState.SynReceived;
      out.ackNumber = (out.ack ? this.rcvNxt : 0) >>> 0;
      const window = this.rxBuffer.window;
      out.windowLen = window > 65535 ? 65535 : window;
      out.maxSegSize = mtuMss > 65535 ? 65535 : mtuMss;
      const active = state === TcpState.SynSent;
      if (active ? this.offerWindowScaling : this.wsOk) out.windowScale = this.rcvShift;
      out.sackPermitted = active ? this.offerSack : this.sackOk;
      if (active ? this.offerTimestamps : this.tsOk) {
        out.hasTimestamp = true;
        out.tsVal = this.tsNow(now) >>> 0;
        out.tsEcr = (out.ack ? this.tsRecent : 0) >>> 0;
      }
      return SEND_SYN;
    }

    out.ack = true;
    out.ackNumber = this.rcvNxt >>> 0;
    out.control = TcpControl.None;
    out.windowLen = this.windowToAnnounce(false);
    if (this.tsOk) {
      out.hasTimestamp = true;
      out.tsVal = this.tsNow(now) >>> 0;
      out.tsEcr = this.tsRecent >>> 0;
    }
    this.fillSackBlocks(out);

    if (state === TcpState.TimeWait) {
      // Only the ACK of a retransmitted FIN.
      if (!this.ackNow) return SEND_NOTHING;
      out.seqNumber = this.sndNxt >>> 0;
      return SEND_ACK;
    }

    // Data, maybe with a FIN. Payload per segment: the MSS less the options of this segment (RFC 6691).
    const maxPayload = this.sendMssFor(mtuMss) - out.optionsLength();
    let seq = this.sndNxt;
    let forced = false;
    if (this.rexmitOnce && this.sndUna !== this.sndMax) {
      seq = this.sndUna;
      forced = true;
    } else if (this.tlpDue && this.sndUna !== this.sndMax) {
      // RFC 8985 section 7.3: the probe resends the last segment (the RFC also allows one new segment
      // instead, when one is ready; resending keeps the probe within the windows).
      const dataEnd = seqAdd(this.txStart, this.txBuffer.length);
      const tail = seqLt(dataEnd, this.sndMax) ? dataEnd : this.sndMax;
      const span = seqDiff(tail, this.sndUna);
      seq = seqAdd(tail, -(span < maxPayload ? span : maxPayload));
      forced = true;
    } else if (this.sackOk && !this.scoreboard.isEmpty()) {
      // Skip what the peer holds (RFC 6675 NextSeg); in recovery, past the highest SACK go to new data.
      seq = this.nextHole(seq, this.inRecovery);
    }
    const dataEnd = seqAdd(this.txStart, this.txBuffer.length);
    let available = seqDiff(dataEnd, seq);
    if (available < 0) available = 0;
    let length = available < maxPayload ? available : maxPayload;
    if (!forced) {
      // The send window (RFC 9293 section 3.8.6) and the congestion window (RFC 5681).
      // The first unacknowledged segment is resent even into a zero window: "the sending TCP must
      // regularly retransmit to the receiving TCP even when the window is zero" (section 3.8.6.1).
      const windowRoom = seqDiff(seqAdd(this.sndUna, this.sndWnd), seq);
      const resendingHead = seq === this.sndUna && seqLt(seq, this.sndMax);
      if (length > windowRoom && !resendingHead) length = windowRoom > 0 ? windowRoom : 0;
      // Limited transmit (RFC 3042): the first two duplicate ACKs each let one new segment out.
      const limited = !this.inRecovery && this.dupAcks > 0 && this.dupAcks < 3 && !seqLt(seq, this.sndMax) ? this.dupAcks * this.sendMssFor(mtuMss) : 0;
      const cwndRoom = this.congestion.cwnd + this.inflation + limited - this.pipe();
      if (length > cwndRoom) length = cwndRoom > 0 ? cwndRoom : 0;
      if (this.sackOk && !this.scoreboard.isEmpty()) {
        const holeEnd = this.holeEnd(seq);
        if (length > holeEnd) length = holeEnd;
      }
      // Silly window avoidance (section 3.8.6.2.1) and Nagle (RFC 1122 section 4.2.3.4): a partial segment
      // goes if it takes everything queued and nothing is unacknowledged (or Nagle is off), or if it is at
      // least half the largest window the peer offered. Retransmissions are never held back.
      if (length > 0 && length < maxPayload && !seqLt(seq, this.sndMax)) {
        // With nothing in flight a window-limited partial segment goes too: no ACK would come to open
        // the window further (the override of section 3.8.6.2.1, without waiting for a timer).
        const idle = this.sndMax === this.sndUna;
        const allQueued = length === available;
        const halfWindow = this.maxSndWnd > 0 && length >= this.maxSndWnd >>> 1;
        if (!(idle || ((allQueued || halfWindow) && (!this.nagle || (allQueued && this.finQueued))))) length = 0;
      }
    }
    // A segment's payload is contiguous in the ring: one that wraps is cut at the end of the storage.
    if (length > 0) {
      const storage = this.txBuffer.storage;
      const capacity = storage.length;
      let at = this.txBuffer.contiguousReadOffset() + seqDiff(seq, this.txStart);
      if (at >= capacity) at -= capacity;
      if (length > capacity - at) length = capacity - at;
      out.setPayload(storage, at, length);
    }
    // FIN: after the last byte, once (or again after a rewind), if it was not acknowledged yet.
    if (this.finQueued && seqAdd(seq, length) === dataEnd && !this.finAcked()) out.control = TcpControl.Fin;
    out.seqNumber = seq >>> 0;
    // Urgent data outstanding: SEG.UP = SND.UP - SEG.SEQ in every segment before it, capped at what the
    // 16-bit field holds (the pointer then moves on with later segments, as Linux does).
    if (this.sndUpValid && seqLt(seq, this.sndUp)) {
      const up = seqDiff(this.sndUp, seq);
      out.urgentPointer = up > 0xffff ? 0xffff : up;
    }
    if (length > 0 || out.control === TcpControl.Fin) {
      if (length > 0 && this.txBuffer.length > 0 && seqAdd(seq, length) === dataEnd) {
        if (out.control !== TcpControl.Fin) out.control = TcpControl.Psh;
      }
      return forced ? SEND_FORCED : SEND_DATA;
    }
    // Nothing to send but an ACK, a window update or a probe.
    if (this.probeDue) {
      // RFC 1122 section 4.2.3.6 / RFC 9293 section 3.8.6.1: SEG.SEQ = SND.UNA-1 draws an ACK that
      // reports the peer's window.
      out.seqNumber = seqAdd(this.sndUna, -1) >>> 0;
      out.urgentPointer = null;
      return SEND_PROBE;
    }
    if (this.ackNow || this.windowUpdateWanted()) {
      out.seqNumber = this.pureAckSeq() >>> 0;
      return SEND_ACK;
    }
    return SEND_NOTHING;
  }

  /** Bookkeeping once a prepared segment went out. */
  private commitSegment(now: Instant, kind: number): void {
    const out = this.outTcp;
    if (out.ack) {
      this.lastAckSent = this.rcvNxt;
      this.ackNow = false;
      this.ackDeadline = NONE;
      // The SYN-ACK's window is not scaled (RFC 7323 section 2.2).
      this.rcvAdvRight = seqAdd(this.rcvNxt, kind === SEND_SYN ? out.windowLen : out.windowLen << this.rcvShift);
    }
    if (kind === SEND_ACK) return;
    if (this.waitingSince === NONE) this.waitingSince = now;
    if (kind === SEND_PROBE) {
      this.probeDue = false;
      return;
    }
    const seq = out.seqNumber | 0;
    const end = seqAdd(seq, out.segmentLength());
    const isNew = !seqLt(seq, this.sndMax);
    if (kind === SEND_FORCED) {
      this.rexmitOnce = false;
      this.tlpDue = false;
      // In SACK recovery the hole filling continues after the segment just resent.
      if (this.inRecovery && this.sackOk && seqLe(this.sndNxt, seq)) this.sndNxt = end;
    } else {
      this.sndNxt = end;
    }
    if (this.inRecovery && seqLt(seq, this.sndMax) && (this.sackOk || seq === this.sndUna)) {
      // Every retransmission in recovery moves the mark to SND.MAX: a SACK past it shows data sent
      // after this retransmission arrived (see processAck).
      this.rexmitMark = this.sndMax;
      this.rexmitMarkValid = true;
    }
    if (seqGt(end, this.sndMax)) this.sndMax = end;
    // Karn's rule: time only segments sent for the first time; a retransmission voids the measurement.
    if (!isNew) this.rttStart = NONE;
    else if (this.rttStart === NONE) {
      this.rttSeq = end;
      this.rttStart = now;
    }
    if (this.rtoDeadline === NONE) this.rtoDeadline = now + this.rtt.rto;
    if (isNew) this.armTailLossProbe(now);
  }

  /**
   * RFC 8985 section 7.2: arms the probe timeout, PTO = 2 SRTT (1 s before a sample), plus the peer's
   * worst-case delayed ACK (200 ms) when one segment is in flight, at least 10 ms, and only when it would
   * fire before the RTO. Only with SACK, outside recovery, and once per tail.
   */
  private armTailLossProbe(now: Instant): void {
    this.ptoDeadline = NONE;
    if (!this.tailLossProbe || !this.sackOk || this.inRecovery || this.tlpOutstanding || this.sndMax === this.sndUna) return;
    let pto = this.rtt.hasSample ? 2 * this.rtt.srtt : 1_000_000;
    if (seqDiff(this.sndMax, this.sndUna) <= this.sendMss()) pto += 200_000;
    if (pto < 10_000) pto = 10_000;
    const at = now + pto;
    if (this.rtoDeadline === NONE || at < this.rtoDeadline) this.ptoDeadline = at;
  }

  private dispatchRst(emitter: TcpEmitter): number {
    const out = this.outTcp;
    out.srcPort = this.localPortValue;
    out.dstPort = this.remotePortValue;
    out.control = TcpControl.Rst;
    out.seqNumber = this.sndNxt >>> 0;
    out.ack = true;
    out.ackNumber = this.rcvNxt >>> 0;
    out.windowLen = 0;
    out.maxSegSize = null;
    out.windowScale = null;
    out.sackPermitted = false;
    out.sackBlockCount = 0;
    out.hasTimestamp = false;
    out.urgentPointer = null;
    out.setPayload(null, 0, 0);
    this.fillIp(this.outIp, out);
    if (emitter.emitTcp(this.outIp, out) === EmitResult.Busy) return DISPATCH_BUSY;
    this.pendingRst = false;
    return DISPATCH_SENT;
  }

  // ---------------------------------------------------------------------------------------------
  // Replies from process()

  /** RFC 9293 section 3.10.7.1 (and LISTEN, SYN-SENT, SYN-RECEIVED's bad ACK): <SEQ=SEG.ACK><CTL=RST>. */
  private replyRstForAck(seg: TcpRepr): TcpRepr {
    const r = this.replyTcp;
    this.clearReply(seg);
    r.control = TcpControl.Rst;
    r.seqNumber = seg.ackNumber;
    r.ack = false;
    r.ackNumber = 0;
    this.fillReplyIp(this.localAddr, this.remoteAddr);
    return r;
  }

  private replyRst(ip: Ipv4Repr, seg: TcpRepr): TcpRepr | null {
    if (!TcpSocket.rstReply(ip, seg, this.replyIp, this.replyTcp)) return null;
    if (this.hopLimit !== null) this.replyIp.hopLimit = this.hopLimit;
    return this.replyTcp;
  }

  /** An ACK of the current state: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (section 3.10.7.4, first check). */
  private replyAck(now: Instant): TcpRepr {
    const r = this.replyTcp;
    r.srcPort = this.localPortValue;
    r.dstPort = this.remotePortValue;
    r.control = TcpControl.None;
    r.seqNumber = this.pureAckSeq() >>> 0;
    r.ack = true;
    r.ackNumber = this.rcvNxt >>> 0;
    r.windowLen = this.windowToAnnounce(true);
    r.maxSegSize = null;
    r.windowScale = null;
    r.sackPermitted = false;
    r.hasTimestamp = this.tsOk;
    if (this.tsOk) {
      r.tsVal = this.tsNow(now) >>> 0;
      r.tsEcr = this.tsRecent >>> 0;
    }
    this.fillSackBlocks(r);
    r.setPayload(null, 0, 0);
    this.fillReplyIp(this.localAddr, this.remoteAddr);
    this.lastAckSent = this.rcvNxt;
    this.rcvAdvRight = seqAdd(this.rcvNxt, r.windowLen << this.rcvShift);
    this.ackNow = false;
    this.ackDeadline = NONE;
    return r;
  }

  /**
   * The sequence number of a segment without data, SYN or FIN: SND.MAX, the highest ever sent, rather
   * than SND.NXT, as BSD's tcp_output does (Linux's snd_nxt never moves back, the same thing). After a
   * retransmission timeout SND.NXT goes back to SND.UNA; when the peer has received more than we know
   * (its ACKs were lost), an ACK with SEQ = SND.NXT lies below its RCV.NXT, is unacceptable there
   * (RFC 9293 section 3.10.7.4) and is dropped with its acknowledgment unread. If both ends are in that
   * state each drops the other's ACKs for good; SND.MAX is always at or past the peer's RCV.NXT.
   */
  private pureAckSeq(): number {
    return this.sndMax;
  }

  /** RFC 5961 section 7: challenge ACKs, at most challengeAckLimit a second; beyond that, silence. */
  private challengeAck(now: Instant): TcpRepr | null {
    if (this.challengeWindowStart === NONE || now - this.challengeWindowStart >= 1_000_000) {
      this.challengeWindowStart = now;
      this.challengeCount = 0;
    }
    if (this.challengeCount >= this.challengeAckLimit) return null;
    this.challengeCount++;
    return this.replyAck(now);
  }

  private clearReply(seg: TcpRepr): void {
    const r = this.replyTcp;
    r.srcPort = seg.dstPort;
    r.dstPort = seg.srcPort;
    r.windowLen = 0;
    r.maxSegSize = null;
    r.windowScale = null;
    r.sackPermitted = false;
    r.sackBlockCount = 0;
    r.hasTimestamp = false;
    r.setPayload(null, 0, 0);
  }

  /**
   * The reply of a closed port (RFC 9293 section 3.10.7.1), for the interface when no socket takes a
   * segment: nothing for an RST; <SEQ=SEG.ACK><CTL=RST> when the segment has an ACK, else
   * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Fills `outIp`/`outTcp`; false when there is nothing to send.
   */
  static rstReply(ip: Ipv4Repr, seg: TcpRepr, outIp: Ipv4Repr, outTcp: TcpRepr): boolean {
    if (seg.control === TcpControl.Rst) return false;
    outTcp.srcPort = seg.dstPort;
    outTcp.dstPort = seg.srcPort;
    outTcp.control = TcpControl.Rst;
    if (seg.ack) {
      outTcp.seqNumber = seg.ackNumber;
      outTcp.ack = false;
      outTcp.ackNumber = 0;
    } else {
      outTcp.seqNumber = 0;
      outTcp.ack = true;
      outTcp.ackNumber = seqAdd(seg.seqNumber | 0, seg.segmentLength()) >>> 0;
    }
    outTcp.windowLen = 0;
    outTcp.maxSegSize = null;
    outTcp.windowScale = null;
    outTcp.sackPermitted = false;
    outTcp.sackBlockCount = 0;
    outTcp.hasTimestamp = false;
    outTcp.urgentPointer = null;
    outTcp.setPayload(null, 0, 0);
    outIp.srcAddr = ip.dstAddr;
    outIp.dstAddr = ip.srcAddr;
    outIp.protocol = IpProtocol.Tcp;
    outIp.hopLimit = 64;
    outIp.payloadLength = outTcp.bufferLength();
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private fillReplyIp(src: number, dst: number): void {
    const ip = this.replyIp;
    ip.srcAddr = src;
    ip.dstAddr = dst;
    ip.protocol = IpProtocol.Tcp;
    ip.hopLimit = this.hopLimit ?? 64;
    ip.payloadLength = this.replyTcp.bufferLength();
  }

  private fillIp(ip: Ipv4Repr, tcp: TcpRepr): void {
    ip.srcAddr = this.localAddr;
    ip.dstAddr = this.remoteAddr;
    ip.protocol = IpProtocol.Tcp;
    ip.hopLimit = this.hopLimit ?? 64;
    ip.payloadLength = tcp.bufferLength();
  }

  /** SACK blocks for an outgoing ACK (RFC 2018 section 4): the block of the latest arrival first. */
  private fillSackBlocks(out: TcpRepr): void {
    out.sackBlockCount = 0;
    const asm = this.reassembly;
    if (!this.sackOk || asm.isEmpty()) return;
    let count = 0;
    const rcvNxt = this.rcvNxt;
    for (let i = 0; i < this.recentSackCount && count < TCP_MAX_SACK_BLOCKS; i++) {
      const index = asm.indexContaining(seqDiff(this.recentSack[i]!, rcvNxt));
      if (index < 0) continue;
      const left = seqAdd(rcvNxt, asm.contigStart(index));
      let seen = false;
      for (let k = 0; k < count; k++) if ((out.sackLeft[k]! | 0) === left) seen = true;
      if (seen) continue;
      out.setSackBlock(count++, left, seqAdd(rcvNxt, asm.contigEnd(index)));
    }
    for (let i = 0; i < asm.contigCount && count < TCP_MAX_SACK_BLOCKS; i++) {
      const left = seqAdd(rcvNxt, asm.contigStart(i));
      let seen = false;
      for (let k = 0; k < count; k++) if ((out.sackLeft[k]! | 0) === left) seen = true;
      if (seen) continue;
      out.setSackBlock(count++, left, seqAdd(rcvNxt, asm.contigEnd(i)));
    }
  }

  /**
   * The Window field to announce: the free receive buffer, with the receiver's silly-window avoidance
   * of RFC 9293 section 3.8.6.2.2 (the right edge moves only by at least min(RMSS, buffer/2)), never
   * shrinking what was announced (section 3.8.6).
   */
  private windowToAnnounce(_reply: boolean): number {
    const right = this.announcedRightEdge();
    let window = seqDiff(right, this.rcvNxt);
    if (window < 0) window = 0;
    window = Math.floor(window / (1 << this.rcvShift));
    return window > 65535 ? 65535 : window;
  }

  private announcedRightEdge(): number {
    const free = this.freeWindow();
    const possible = seqAdd(this.rcvNxt, free);
    const current = seqLt(this.rcvAdvRight, this.rcvNxt) ? this.rcvNxt : this.rcvAdvRight;
    const threshold = Math.min(this.localMss, this.rxBuffer.capacity >>> 1);
    if (seqDiff(possible, current) >= threshold || seqDiff(possible, current) >= free) return possible;
    return current;
  }

  /** Free room in the receive buffer, capped at what the Window field can say. */
  private freeWindow(): number {
    const max = 65535 * (1 << this.rcvShift);
    const free = this.rxBuffer.window;
    return free < max ? free : max;
  }

  /** Whether a pure window update is worth sending: the window at least doubles by a useful amount. */
  private windowUpdateWanted(): boolean {
    if (this.finReceived) return false;
    const current = seqLt(this.rcvAdvRight, this.rcvNxt) ? 0 : seqDiff(this.rcvAdvRight, this.rcvNxt);
    const possible = this.freeWindow();
    const threshold = Math.min(this.localMss, this.rxBuffer.capacity >>> 1);
    const gain = possible - current;
    return gain >= threshold && gain >= (1 << this.rcvShift) && possible >= 2 * current;
  }

  /** The receive window for acceptance: the free buffer (at least what was announced). */
  private receiveWindow(): number {
    const announced = seqLt(this.rcvAdvRight, this.rcvNxt) ? 0 : seqDiff(this.rcvAdvRight, this.rcvNxt);
    const free = this.freeWindow();
    return free > announced ? free : announced;
  }

  private inReceiveWindow(seq: number, window: number): boolean {
    const offset = seqDiff(seq, this.rcvNxt);
    return offset >= 0 && offset < window;
  }

  /**
   * Bytes in the network (RFC 6675 section 4's pipe, simplified): sent and not SACKed; in recovery, the
   * unSACKed bytes below the highest SACK not yet retransmitted are presumed lost and not counted.
   */
  private pipe(): number {
    const nxt = seqDiff(this.sndNxt, this.sndUna);
    const max = seqDiff(this.sndMax, this.sndUna);
    if (this.scoreboard.isEmpty()) return this.inRecovery ? max : nxt;
    if (!this.inRecovery) return nxt - this.scoreboard.coveredBetween(0, nxt);
    const high = this.scoreboard.highestEnd();
    let lost = 0;
    if (nxt < high) lost = high - nxt - this.scoreboard.coveredBetween(nxt, high);
    return max - this.scoreboard.totalLength() - lost;
  }

  /** In SACK recovery: the first unSACKed sequence number at or after `seq`. */
  private nextHole(seq: number, toNewData: boolean): number {
    let offset = seqDiff(seq, this.sndUna);
    if (offset < 0) offset = 0;
    const asm = this.scoreboard;
    for (let i = 0; i < asm.contigCount; i++) {
      if (asm.contigStart(i) <= offset && offset < asm.contigEnd(i)) offset = asm.contigEnd(i);
    }
    if (toNewData && offset >= asm.highestEnd() && seqLt(seqAdd(this.sndUna, offset), this.sndMax)) return this.sndMax;
    return seqAdd(this.sndUna, offset);
  }

  /** In SACK recovery: bytes from `seq` to the next SACKed range (or unbounded). */
  private holeEnd(seq: number): number {
    const offset = seqDiff(seq, this.sndUna);
    const asm = this.scoreboard;
    for (let i = 0; i < asm.contigCount; i++) {
      if (asm.contigStart(i) > offset) return asm.contigStart(i) - offset;
    }
    return 0x7fffffff;
  }

  /** Whether unsent data could go now as far as the peer's window goes (for early retransmit). */
  private newDataSendable(): boolean {
    return this.hasUnsentData() && seqLt(this.sndMax, seqAdd(this.sndUna, this.sndWnd));
  }

  /** The persist timer runs while a zero window holds back data and nothing is in flight to draw an ACK. */
  private persistWanted(): boolean {
    return this.sndWnd === 0 && this.hasUnsentData() && this.sndMax === this.sndUna && this.isSynchronized();
  }

  private hasUnsentData(): boolean {
    return seqLt(this.sndNxt, seqAdd(this.txStart, this.txBuffer.length));
  }

  private probeInterval(): Duration {
    let interval = this.rtt.rto;
    for (let i = 0; i < this.persistBackoff && interval < MAX_PROBE_INTERVAL; i++) interval *= 2;
    return interval < MAX_PROBE_INTERVAL ? interval : MAX_PROBE_INTERVAL;
  }

  /** A segment from the peer passed the checks: it is alive. */
  private heardFromPeer(now: Instant): void {
    this.lastHeardAt = now;
    this.waitingSince = this.sndMax === this.sndUna ? NONE : now;
  }

  /** When the next keep-alive is due: `keepAlive` after the peer was last heard, or after the last probe. */
  private keepAliveAt(): Instant {
    const idle = this.lastHeardAt + this.keepAlive!;
    return this.keepAliveDeadline === NONE || this.keepAliveDeadline < idle ? idle : this.keepAliveDeadline;
  }

  private isSynchronized(): boolean {
    const s = this.stateValue;
    return s !== TcpState.Closed && s !== TcpState.Listen && s !== TcpState.SynSent && s !== TcpState.SynReceived;
  }

  private finAcked(): boolean {
    return this.finQueued && this.sndUna === seqAdd(this.txStart, this.txBuffer.length + 1) && this.txBuffer.isEmpty();
  }

  /** The MSS we send with: the peer's, clamped to our path's. */
  private sendMss(): number {
    return this.sendMssFor(this.localMss);
  }

  private sendMssFor(mtuMss: number): number {
    return this.remoteMss < mtuMss ? this.remoteMss : mtuMss;
  }

  private tsNow(now: Instant): number {
    return (Math.floor(now / 1000) + this.tsOffset) | 0;
  }

  /** Options of the peer's SYN (RFC 9293 section 3.7.1, RFC 7323 sections 1.3/2.2/3.2, RFC 2018 section 2). */
  private acceptSynOptions(seg: TcpRepr): void {
    // MSS: 536 when absent; a zero is ignored as absent; a tiny one is raised so progress is possible.
    const mss = seg.maxSegSize;
    this.remoteMss = mss === null || mss === 0 ? DEFAULT_MSS : mss < MIN_MSS ? MIN_MSS : mss;
    // Window scaling: in effect only when both SYNs carry the option.
    if (this.offerWindowScaling && seg.windowScale !== null) {
      this.sndShift = seg.windowScale;
      this.rcvShift = this.shiftForBuffer();
      this.wsOk = true;
    } else {
      this.sndShift = 0;
      this.rcvShift = 0;
      this.wsOk = false;
    }
    this.sackOk = this.offerSack && seg.sackPermitted;
    this.tsOk = this.offerTimestamps && seg.hasTimestamp;
    if (this.tsOk) this.tsRecent = seg.tsVal | 0;
  }

  /** The smallest shift that lets the Window field cover the whole receive buffer (RFC 7323 section 2.3). */
  private shiftForBuffer(): number {
    let shift = 0;
    while (shift < TCP_MAX_WINDOW_SCALE && this.rxBuffer.capacity > 65535 * (1 << shift)) shift++;
    return shift;
  }

  /** Our SYN was acknowledged (SYN-SENT's SYN-ACK or SYN-RECEIVED's ACK). */
  private ackOfSyn(now: Instant, seg: TcpRepr): void {
    this.sndUna = seg.ackNumber | 0;
    if (seqLt(this.sndNxt, this.sndUna)) this.sndNxt = this.sndUna;
    this.rtoDeadline = NONE;
    if (this.tsOk && seg.hasTimestamp && (seg.tsEcr | 0) !== 0) {
      const ms = seqDiff(this.tsNow(now), seg.tsEcr | 0);
      if (ms >= 0) this.rtt.sample(ms * 1000);
    } else if (this.rttStart !== NONE && this.synRetransmits === 0) {
      this.rtt.sample(now - this.rttStart);
    }
    this.rttStart = NONE;
    this.synRetransmits = 0;
    this.congestion.init(now, this.sendMss());
  }

  private updateSendWindow(window: number, seq: number, ack: number): void {
    this.sndWnd = window;
    this.sndWl1 = seq;
    this.sndWl2 = ack;
    if (window > this.maxSndWnd) this.maxSndWnd = window;
  }

  /** A new connection's send side: ISS (RFC 9293 section 3.4.1 asks for an unpredictable one), timers. */
  private startConnection(now: Instant): void {
    this.iss = this.random() | 0;
    this.tsOffset = this.random() | 0;
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.sndMax = this.iss;
    this.txStart = seqAdd(this.iss, 1);
    this.lastHeardAt = now;
    if (!this.fromListen) {
      // An active open offers every enabled option; which are used is settled by the SYN-ACK.
      this.rcvShift = this.offerWindowScaling ? this.shiftForBuffer() : 0;
    }
  }

  /** The handshake completed; a close() issued in SYN-RECEIVED takes effect now (section 3.10.4). */
  private enterEstablished(): void {
    this.setState(this.finQueued ? TcpState.FinWait1 : TcpState.Established);
  }

  private enterTimeWait(now: Instant): void {
    this.setState(TcpState.TimeWait);
    this.timeWaitDeadline = now + this.timeWait;
    this.rtoDeadline = NONE;
  }

  private returnToListen(): void {
    const addr = this.listenAddr;
    const port = this.listenPort;
    this.resetConnection();
    this.listenAddr = addr;
    this.listenPort = port;
    this.localAddr = addr;
    this.localPortValue = port;
    this.setState(TcpState.Listen);
  }

  /**
   * An ICMP destination unreachable or time exceeded quoting a segment of this connection, whose sequence
   * number is `seq` (RFC 1122 section 4.2.3.9); the interface also reports so the datagrams it dropped
   * when the next hop never answered ARP, as Linux does. Believed only when `seq` lies in
   * SND.UNA..SND.MAX, that is, quotes a segment still in flight (RFC 5927 section 4.1). Before the
   * connection is synchronized it ends the attempt, as Linux does (connect() fails with EHOSTUNREACH and
   * the like at once, not after the SYN retries); a SYN-RECEIVED from listen() goes back to LISTEN. After,
   * it is a soft error (RFC 5461: the path may heal, and a forged ICMP must not end a connection): kept,
   * and given as the end cause if the connection then times out.
   */
  icmpError(_ip: Ipv4Repr, _tcp: TcpRepr, seq: number, cause: TcpUnreachable): void {
    const state = this.stateValue;
    if (state === TcpState.Closed || state === TcpState.Listen || state === TcpState.TimeWait) return;
    if (this.sndUna === this.sndMax || seqLt(seq | 0, this.sndUna) || !seqLt(seq | 0, this.sndMax)) {
      this.log2('ICMP error about a segment not in flight, ignored: seq ', seq | 0);
      return;
    }
    if (state === TcpState.SynSent || state === TcpState.SynReceived) {
      this.log(`ICMP ${cause} during the handshake: giving up`);
      if (state === TcpState.SynReceived && this.fromListen) {
        this.returnToListen();
        return;
      }
      this.endCauseValue = cause;
      this.closeNow();
      this.rxBuffer.clear();
      this.txBuffer.clear();
      return;
    }
    this.log(`ICMP ${cause}: kept as a soft error`);
    this.softError = cause;
  }

  /** The end cause of a timeout: the last ICMP error heard, if any (as Linux's sk_err_soft), else 'timeout'. */
  private timeoutCause(): TcpEndCause {
    return this.softError ?? 'timeout';
  }

  /** An RST from the peer: queues flushed, CLOSED. */
  private resetByPeer(): void {
    this.resetReceived = true;
    this.endCauseValue = 'reset';
    this.closeNow();
    this.rxBuffer.clear();
    this.txBuffer.clear();
  }

  private closeNow(): void {
    this.setState(TcpState.Closed);
    this.rtoDeadline = NONE;
    this.ackDeadline = NONE;
    this.persistDeadline = NONE;
    this.keepAliveDeadline = NONE;
    this.timeWaitDeadline = NONE;
    this.ackNow = false;
    this.probeDue = false;
  }

  /** Everything of the previous connection forgotten (buffers emptied). */
  private resetConnection(): void {
    this.stateValue = TcpState.Closed;
    this.localAddr = 0;
    this.localPortValue = 0;
    this.remoteAddr = 0;
    this.remotePortValue = 0;
    this.listenAddr = 0;
    this.listenPort = 0;
    this.fromListen = false;
    this.iss = this.sndUna = this.sndNxt = this.sndMax = 0;
    this.sndWnd = this.sndWl1 = this.sndWl2 = this.maxSndWnd = 0;
    this.txStart = 0;
    this.finQueued = false;
    this.sndUp = 0;
    this.sndUpValid = false;
    this.irs = this.rcvNxt = this.rcvAdvRight = this.lastAckSent = 0;
    this.rcvUp = 0;
    this.rcvUpValid = false;
    this.finReceived = false;
    this.resetReceived = false;
    this.endCauseValue = 'none';
    this.softError = null;
    this.remoteMss = DEFAULT_MSS;
    this.localMss = DEFAULT_MSS;
    this.sndShift = this.rcvShift = 0;
    this.wsOk = false;
    this.waitingSince = NONE;
    this.tsOk = false;
    this.tsRecent = 0;
    this.sackOk = false;
    this.ackNow = false;
    this.ackDeadline = NONE;
    this.challengeWindowStart = NONE;
    this.challengeCount = 0;
    this.rtoDeadline = NONE;
    this.ptoDeadline = NONE;
    this.reorderDeadline = NONE;
    this.tlpDue = false;
    this.tlpOutstanding = false;
    this.synRetransmits = 0;
    this.persistDeadline = NONE;
    this.persistBackoff = 0;
    this.keepAliveDeadline = NONE;
    this.timeWaitDeadline = NONE;
    this.probeDue = false;
    this.pendingRst = false;
    this.rtt.reset();
    this.rttStart = NONE;
    this.dupAcks = 0;
    this.inRecovery = false;
    this.inflation = 0;
    this.rexmitOnce = false;
    this.reassembly.clear();
    this.scoreboard.clear();
    this.recentSackCount = 0;
    this.rxBuffer.clear();
    this.txBuffer.clear();
    this.congestion.init(0, DEFAULT_MSS);
  }

  private checkMaySend(): void {
    if (!this.maySendOrOpening()) {
      throw new TcpError('InvalidState', `cannot send in ${tcpStateName(this.stateValue)}: send while the connection is open (before close(), and not after a reset)`);
    }
  }

  private maySendOrOpening(): boolean {
    const s = this.stateValue;
    return s === TcpState.Established || s === TcpState.CloseWait || s === TcpState.SynSent || s === TcpState.SynReceived;
  }

  private peekOrRecv(dst: Uint8Array, offset: number, length: number): number {
    if (this.rxBuffer.isEmpty()) {
      if (this.finReceived) return TCP_RECV_FINISHED;
      if (this.stateValue === TcpState.Closed) {
        if (this.resetReceived) return TCP_RECV_RESET;
        throw new TcpError('InvalidState', 'cannot receive on a closed socket: connect() or listen() first, and check state before reading');
      }
      return 0;
    }
    return this.rxBuffer.readAllocated(0, dst, offset, length);
  }

  private setState(state: TcpState): void {
    if (this.logger !== null && state !== this.stateValue) {
      this.logger.trace(`tcp ${this.localPortValue}->${this.remotePortValue}: ${STATE_NAMES[this.stateValue]} -> ${STATE_NAMES[state]}`);
    }
    this.stateValue = state;
  }

  private log(message: string): void {
    if (this.logger !== null) this.logger.trace(`tcp ${this.localPortValue}->${this.remotePortValue}: ${message}`);
  }

  /** Logs `message` followed by a sequence number (an int32 inside the socket, printed as the u32 on the wire). */
  private log2(message: string, value: number): void {
    if (this.logger !== null) this.logger.trace(`tcp ${this.localPortValue}->${this.remotePortValue}: ${message}${value >>> 0}`);
  }
}

// What dispatchOne did.
const DISPATCH_NONE = 0;
const DISPATCH_SENT = 1;
const DISPATCH_BUSY = 2;

// What prepareSegment found to send.
const SEND_NOTHING = 0;
const SEND_SYN = 1;
const SEND_DATA = 2;
const SEND_FORCED = 3;
const SEND_ACK = 4;
const SEND_PROBE = 5;

/**
 * One reassembly range per 8 KiB of receive buffer, 16 to 1024. With 16 for a 1 MiB window, 15 %
 * drop and 15 % corruption against Linux filled every slot: segments past the highest range were
 * dropped, among them the new data of the kernel's F-RTO probe after each timeout, and the kernel
 * crawled one segment per retransmission timeout.
 */
function defaultReassemblyRanges(capacity: number): number {
  const ranges = capacity >>> 13;
  return ranges < 16 ? 16 : ranges > 1024 ? 1024 : ranges;
}

function earliest(a: Instant, b: Instant): Instant {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return a < b ? a : b;
}
