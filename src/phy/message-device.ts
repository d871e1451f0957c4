// An Ethernet device over anything that carries frames as messages: a MessagePort (two stacks in one
// page, a stack in a Worker), a WebSocket (binary messages to a relay or a VM host), or a virtual
// machine's network hooks (v86's "net0-send" / "net0-receive" bus events). One class; the transports
// differ only in how a frame is sent and how arriving ones are handed over, which a FrameTransport says:
//
//   new MessageDevice(messagePortTransport(port))
//   new MessageDevice(messagePortTransport(port, { batch: true }))   (a burst of frames per message)
//   new MessageDevice(webSocketTransport(ws))
//   new MessageDevice({ send: (frame) => emulator.bus.send('net0-receive', frame),
//                       attach: (deliver) => { emulator.add_listener('net0-send', deliver); return () => ... } })
//
// Arriving frames wait in a bounded queue given at construction (a message beyond it is dropped and
// counted, as a full NIC ring drops); `onReadable` says when a frame arrives at an empty queue, so a
// NetStack (or a Runner) polls then. Each frame sent is a fresh array the transport may keep or
// transfer (MessagePort transfers its buffer, so a frame crosses without a copy), and the one allocation
// this device makes per frame. A message costs more than a frame: between two of our stacks, a
// MessagePort transport with `batch` posts the frames of one poll as one message.

import { ChecksumCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { Device, FrameConsumer, RxPair, RxToken, TxToken } from './device.js';
import type { Instant } from '../time.js';

/** What a MessageDevice receives: bytes in any of the shapes messages carry them. */
export type FrameMessage = Uint8Array | ArrayBuffer | ArrayBufferView;

/** How frames travel: one send per frame, and a hook that hands over the frames that arrive. */
export interface FrameTransport {
  /** Sends one frame. The array is fresh and never touched again by the device: keep it or transfer its buffer. */
  send(frame: Uint8Array): void;
  /** Whether a frame can go now (e.g. the WebSocket is open); a frame sent while not is dropped and counted. Default: always. */
  ready?(): boolean;
  /**
   * Starts handing arriving frames to `deliver`; returns what stops it. Optional: without it, the code
   * that receives frames calls MessageDevice.deliver itself.
   */
  attach?(deliver: (frame: FrameMessage) => void): () => void;
}

/** The shape of a MessageDevice: frame size, receive queue, checksums. */
export interface MessageDeviceOptions {
  /** Largest frame in bytes, Ethernet header included, without FCS. Default 1514. */
  maxTransmissionUnit?: number;
  /** Frames that may wait to be received; one more is dropped and counted in rxDropped. Default 256. */
  queueLength?: number;
  /** Checksums: default compute and verify all (a relay or a VM may corrupt nothing, but a fault injector may). */
  checksum?: ChecksumCapabilities;
  /** Frames an interface may receive in one poll; null (default) for no limit. */
  maxBurstSize?: number | null;
}

/** What messagePortTransport needs: a MessagePort, a Worker, a BroadcastChannel-like object. */
export interface MessagePortLike {
  /** Posts one message, transferring the buffers listed. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Adds a message listener. */
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Removes it. */
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Starts delivery (a MessagePort with addEventListener needs it; a Worker has none). */
  start?(): void;
}

/** What webSocketTransport needs of a WebSocket (the browser's, Node's or the `ws` package's). */
export interface WebSocketLike {
  /** Set to 'arraybuffer' by the transport, so messages arrive as bytes, not Blobs. */
  binaryType: string;
  /** 1 while open. */
  readonly readyState: number;
  /** Sends one binary message. */
  send(data: Uint8Array): void;
  /** Adds a message listener. */
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Removes it. */
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** How messagePortTransport sends. */
export interface MessagePortTransportOptions {
  /**
   * Frames sent in one go (one poll of the stack) travel as one message, an array of frames, posted when
   * the poll's synchronous work is done (a microtask). A message costs far more than the frames in it (a
   * task on the receiving side, one poll there per message), so this moves several times more data per
   * second between two stacks. The receiving end must understand arrays: a MessageDevice does (deliver
   * takes both shapes); a VM's hook that wants one frame per message does not. Default false.
   */
  batch?: boolean;
}

/**
 * A transport over a MessagePort or Worker: each frame's buffer is transferred (no copy); one message per
 * frame, or with `batch` one message per burst of frames.
 */
export function messagePortTransport(port: MessagePortLike, options: MessagePortTransportOptions = {}): FrameTransport {
  const attach = (deliver: (frame: FrameMessage) => void): (() => void) => {
    const listener = (event: { data: unknown }): void => deliverMessage(event.data, deliver);
    port.addEventListener('message', listener);
    port.start?.();
    return () => port.removeEventListener('message', listener);
  };
  if (options.batch !== true) {
    return {
      send(frame: Uint8Array): void {
        port.postMessage(frame, [frame.buffer as ArrayBuffer]);
      },
      attach,
    };
  }
  let frames: Uint8Array[] = [];
  let buffers: ArrayBuffer[] = [];
  const flush = (): void => {
    const message = frames;
    const transfer = buffers;
    frames = [];
    buffers = [];
    port.postMessage(message, transfer);
  };
  return {
    send(frame: Uint8Array): void {
      if (frames.length === 0) queueMicrotask(flush);
      frames.push(frame);
      buffers.push(frame.buffer as ArrayBuffer);
    },
    attach,
  };
}

/** Hands `deliver` the frame a message carries, or each frame of a batch (an array of frames). */
function deliverMessage(data: unknown, deliver: (frame: FrameMessage) => void): void {
  if (!Array.isArray(data)) {
    deliver(data as FrameMessage);
    return;
  }
  for (let i = 0; i < data.length; i++) deliver(data[i] as FrameMessage);
}

const WEBSOCKET_OPEN = 1;

/** A transport over a WebSocket: each frame one binary message; frames go only while it is open. */
export function webSocketTransport(socket: WebSocketLike): FrameTransport {
  socket.binaryType = 'arraybuffer';
  return {
    send(frame: Uint8Array): void {
      socket.send(frame);
    },
    ready(): boolean {
      return socket.readyState === WEBSOCKET_OPEN;
    },
    attach(deliver: (frame: FrameMessage) => void): () => void {
      const listener = (event: { data: unknown }): void => deliver(event.data as FrameMessage);
      socket.addEventListener('message', listener);
      return () => socket.removeEventListener('message', listener);
    },
  };
}

/** An Ethernet device over a FrameTransport: messages in, messages out, a bounded receive queue. */
export class MessageDevice implements Device {
  /** Frames received by the stack. */
  rxFrames = 0;
  /** Frames handed to the transport. */
  txFrames = 0;
  /** Frames that arrived while the receive queue was full: dropped. */
  rxDropped = 0;
  /** Messages that were not bytes, empty, or longer than the MTU: dropped. */
  rxInvalid = 0;
  /** Frames not sent: the transport was not ready, or its send threw. */
  txDropped = 0;
  /**
   * Called when a frame arrives while none was waiting (edge-triggered: once until the queue is
   * received from again). A NetStack sets it to its wake.
   */
  onReadable: (() => void) | null = null;
  /** The transport frames travel over. */
  readonly transport: FrameTransport;
  private readonly caps: DeviceCapabilities;
  private readonly queue: (Uint8Array | null)[];
  private head = 0;
  private count = 0;
  private rxArmed = false;
  private readonly pair: RxPair;
  private readonly txToken: TxToken;
  private detach: (() => void) | null = null;

  /** A device over `transport`, attached to it at once (when it has attach). Throws a RangeError for bad options. */
  constructor(transport: FrameTransport, options: MessageDeviceOptions = {}) {
    const mtu = options.maxTransmissionUnit ?? 1514;
    const queueLength = options.queueLength ?? 256;
    if (!Number.isInteger(mtu) || mtu < 14) {
      throw new RangeError(`MessageDevice: maxTransmissionUnit must be an integer of at least 14 (an Ethernet header), got ${mtu}; e.g. 1514.`);
    }
    if (!Number.isInteger(queueLength) || queueLength < 1) {
      throw new RangeError(`MessageDevice: queueLength must be a positive integer (frames waiting to be received), got ${queueLength}.`);
    }
    this.transport = transport;
    this.caps = {
      medium: 'ethernet',
      maxTransmissionUnit: mtu,
      maxBurstSize: options.maxBurstSize ?? null,
      checksum: options.checksum ?? ChecksumCapabilities.default(),
    };
    this.queue = new Array<Uint8Array | null>(queueLength).fill(null);
    const rx: RxToken = { consume: <C, R>(ctx: C, f: FrameConsumer<C, R>): R => this.consumeHead(ctx, f) };
    this.txToken = { consume: <C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R => this.sendFrame(length, ctx, f) };
    this.pair = { rx, tx: this.txToken };
    if (transport.attach !== undefined) this.detach = transport.attach(this.deliver);
  }

  /**
   * Hands the device one arriving frame (the transport's attach does this; call it yourself for a
   * transport without one). The bytes are kept, not copied, until the stack has received them.
   */
  readonly deliver = (message: FrameMessage): void => {
    let frame: Uint8Array;
    if (message instanceof Uint8Array) frame = message;
    else if (message instanceof ArrayBuffer) frame = new Uint8Array(message);
    else if (ArrayBuffer.isView(message)) frame = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    else {
      this.rxInvalid++;
      return;
    }
    if (frame.length === 0 || frame.length > this.caps.maxTransmissionUnit) {
      this.rxInvalid++;
      return;
    }
    const queue = this.queue;
    if (this.count === queue.length) {
      this.rxDropped++;
      return;
    }
    queue[(this.head + this.count) % queue.length] = frame;
    this.count++;
    if (this.count === 1 && this.onReadable !== null) this.onReadable();
  };

  /** Frames waiting to be received. */
  get queued(): number {
    return this.count;
  }

  /** Ethernet, the MTU, burst size and checksums of the options. */
  capabilities(): DeviceCapabilities {
    return this.caps;
  }

  /** The oldest frame that arrived, with a reply token, or null when none waits. */
  receive(_timestamp: Instant): RxPair | null {
    if (this.count === 0) return null;
    this.rxArmed = true;
    return this.pair;
  }

  /** A token to send one frame (always: a frame the transport cannot take now is dropped and counted). */
  transmit(_timestamp: Instant): TxToken | null {
    return this.txToken;
  }

  /** Stops taking frames from the transport (detaches from it); queued frames can still be received. */
  close(): void {
    this.detach?.();
    this.detach = null;
  }

  private consumeHead<C, R>(ctx: C, f: FrameConsumer<C, R>): R {
    if (!this.rxArmed) throw new Error('MessageDevice: an RxToken was consumed twice or without receive()');
    this.rxArmed = false;
    const frame = this.queue[this.head]!;
    this.queue[this.head] = null;
    this.head = (this.head + 1) % this.queue.length;
    this.count--;
    this.rxFrames++;
    return f(ctx, frame, 0, frame.length);
  }

  private sendFrame<C, R>(length: number, ctx: C, f: FrameConsumer<C, R>): R {
    const mtu = this.caps.maxTransmissionUnit;
    if (!(length >= 0 && length <= mtu)) {
      throw new RangeError(`MessageDevice: a frame of ${length} bytes does not fit the MTU of ${mtu}`);
    }
    const frame = new Uint8Array(length);
    const result = f(ctx, frame, 0, length);
    const transport = this.transport;
    if (transport.ready !== undefined && !transport.ready()) {
      this.txDropped++;
      return result;
    }
    try {
      transport.send(frame);
      this.txFrames++;
    } catch {
      // A transport that went away (a closed port, a WebSocket closing) loses the frame, as a link down.
      this.txDropped++;
    }
    return result;
  }
}
