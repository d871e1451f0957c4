// The packet a filter looks at. One object is reused for every packet: the caller re-points it at each frame,
// and the compiled predicate reads the frame's bytes in place, checking each field was captured.

export class PacketState {
  /** The frame is bytes[offset, offset + caplen); `len` bytes were on the wire. */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  caplen = 0;
  len = 0;

  point(bytes: Uint8Array, offset: number, caplen: number, len: number): this {
    this.bytes = bytes;
    this.offset = offset;
    this.caplen = caplen;
    this.len = len;
    return this;
  }
}
