// The packet buffers of the datagram sockets (UDP, ICMP, raw): a receive and a transmit PacketBuffer,
// each with a number of packets and payload storage the caller sizes or gives.

import { PacketBuffer } from '../storage/packet-buffer.js';
import { SocketError } from './errors.js';

/** One direction's buffer: how many packets, and the payload bytes (a size, or storage to use). */
export interface PacketBufferSize {
  packets: number;
  payload: Uint8Array | number;
}

export interface DatagramSocketBuffers {
  /** Received packets waiting for recv(). Default: 16 packets, 16 KiB. */
  rx?: PacketBufferSize;
  /** Packets waiting to be sent. Default: 16 packets, 16 KiB. */
  tx?: PacketBufferSize;
}

const DEFAULT_SIZE: PacketBufferSize = { packets: 16, payload: 16 * 1024 };

export function makePacketBuffer(what: string, size: PacketBufferSize | undefined, metadataWords: number): PacketBuffer {
  const s = size ?? DEFAULT_SIZE;
  const payload = typeof s.payload === 'number' ? s.payload : s.payload.length;
  if (!Number.isInteger(s.packets) || s.packets < 1 || !Number.isInteger(payload) || payload < 0) {
    throw new SocketError(
      'ERR_SOCKET_BAD_OPTIONS',
      `${what}: a buffer needs at least 1 packet and a payload size of 0 or more bytes, got ${s.packets} packets and ${payload} bytes; pass e.g. { packets: 16, payload: 16384 }.`,
    );
  }
  return new PacketBuffer({ packets: s.packets, payload: s.payload, metadataWords });
}
