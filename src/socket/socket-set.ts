// The sockets an interface serves (smoltcp's SocketSet), in a fixed number of slots given at
// construction. A handle is a number: the slot in the low 16 bits and the slot's generation above, so
// a handle kept after remove() is refused instead of reaching the socket added in its place.
// Iterating allocates nothing: `for (let i = 0; i < set.capacity; i++) { const s = set.at(i); ... }`.

import { SocketError } from './errors.js';
import type { Socket } from './socket.js';

/** A socket handle: what add() returns and get()/remove() take. */
export type SocketHandle = number;

const SLOT_BITS = 16;
const MAX_SLOTS = 1 << SLOT_BITS;

export class SocketSet {
  /** Number of slots. */
  readonly capacity: number;
  private readonly sockets: (Socket | null)[];
  private readonly generations: Uint16Array;
  private count = 0;

  /**
   * A set of `capacity` slots (1 to 65536), or over `storage`, an array of slots the caller gives (as
   * smoltcp's SocketSet::new(storage)): every entry must be null, and its length is the capacity.
   */
  constructor(capacityOrStorage: number | (Socket | null)[]) {
    const storage = typeof capacityOrStorage === 'number' ? null : capacityOrStorage;
    const capacity = storage === null ? (capacityOrStorage as number) : storage.length;
    if (storage !== null) {
      if (storage.some((s) => s !== null)) {
        throw new SocketError('ERR_SOCKET_BAD_OPTIONS', 'SocketSet: the storage given holds sockets already; pass an array of nulls (e.g. new Array(8).fill(null)).');
      }
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_SLOTS) {
      throw new SocketError(
        'ERR_SOCKET_BAD_OPTIONS',
        `SocketSet: capacity must be an integer from 1 to ${MAX_SLOTS}, got ${capacity}; pass the most sockets you will add at once.`,
      );
    }
    this.capacity = capacity;
    this.sockets = storage ?? new Array<Socket | null>(capacity).fill(null);
    this.generations = new Uint16Array(capacity);
  }

  /** Sockets in the set. */
  get size(): number {
    return this.count;
  }

  /** Adds a socket and returns its handle. */
  add(socket: Socket): SocketHandle {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.sockets[slot] === socket) {
        throw new SocketError('ERR_SOCKET_BAD_HANDLE', 'SocketSet.add: this socket is already in the set; keep the handle add() returned the first time.');
      }
    }
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.sockets[slot] === null) {
        this.sockets[slot] = socket;
        this.count++;
        return this.generations[slot] * MAX_SLOTS + slot;
      }
    }
    throw new SocketError(
      'ERR_SOCKET_SET_FULL',
      `SocketSet.add: all ${this.capacity} slots are taken; remove a socket first or construct the set with a larger capacity.`,
    );
  }

  /**
   * The socket of `handle`, checked to be an instance of `kind` (e.g. `set.get(h, UdpSocket)`);
   * without `kind`, any socket.
   */
  get<T extends Socket>(handle: SocketHandle, kind?: abstract new (...args: never[]) => T): T {
    const socket = this.lookup(handle);
    if (kind !== undefined && !(socket instanceof kind)) {
      throw new SocketError(
        'ERR_SOCKET_WRONG_KIND',
        `SocketSet.get: handle ${handle} holds a ${socket.constructor.name}, not a ${kind.name}; ask for the class the socket was created with.`,
      );
    }
    return socket as T;
  }

  /** Removes the socket of `handle` and returns it; the handle is invalid afterwards. */
  remove(handle: SocketHandle): Socket {
    const socket = this.lookup(handle);
    const slot = handle % MAX_SLOTS;
    this.sockets[slot] = null;
    this.generations[slot] = (this.generations[slot] + 1) & 0xffff;
    this.count--;
    return socket;
  }

  /** The socket in slot `index` (0 to capacity - 1), or null: for iterating without allocation. */
  at(index: number): Socket | null {
    return this.sockets[index] ?? null;
  }

  /** The handle of the socket in slot `index` (which must hold one). */
  handleAt(index: number): SocketHandle {
    return this.generations[index] * MAX_SLOTS + index;
  }

  private lookup(handle: SocketHandle): Socket {
    const slot = Number.isInteger(handle) && handle >= 0 ? handle % MAX_SLOTS : -1;
    const socket = slot >= 0 && slot < this.capacity ? this.sockets[slot] : null;
    if (socket === null || socket === undefined || Math.floor(handle / MAX_SLOTS) !== this.generations[slot]) {
      throw new SocketError(
        'ERR_SOCKET_BAD_HANDLE',
        `SocketSet: handle ${handle} is not in this set (never added, or removed); use the handle add() returned for a socket still in the set.`,
      );
    }
    return socket;
  }
}
