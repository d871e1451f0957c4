// The packet a filter looks at. One object is reused for every packet: the caller re-points it at each frame,
// and the compiled predicate reads the frame's bytes in place, checking each field was captured.

export class PacketState {
  /** The frame is bytes[offset, offset + caplen); `len` bytes were on the wire. */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  caplen = 0;
  len = 0;

  /**
   * A copy of the frame with its first VLAN tag taken out, for what a filter tests after `vlan` (libpcap reads
   * those fields four bytes further on); `restore` returns to the frame as captured.
   */
  private readonly untagged = new Uint8Array(65536 + 16);
  private original: Uint8Array | null = null;
  private originalOffset = 0;
  private originalCaplen = 0;
  private originalLen = 0;

  skipVlanTag(): void {
    const length = Math.min(this.caplen, this.untagged.length);
    if (this.original === null) {
      this.original = this.bytes;
      this.originalOffset = this.offset;
      this.originalCaplen = this.caplen;
      this.originalLen = this.len;
    }
    if (length < 16) {
      // Too short to hold a tag: every later read past the addresses finds nothing captured.
      this.caplen = Math.min(this.caplen, 12);
      return;
    }
    // Addresses stay; the tag (bytes 12-15) goes. Copied forwards byte by byte, so a second tag (QinQ) can be
    // taken out of the copy in place.
    const from = this.bytes;
    const to = this.untagged;
    const at = this.offset;
    for (let i = 0; i < 12; i++) to[i] = from[at + i]!;
    for (let i = 16; i < length; i++) to[i - 4] = from[at + i]!;
    this.bytes = to;
    this.offset = 0;
    // `len` (less, greater) stays the frame's length on the wire, as in libpcap.
    this.caplen = length - 4;
  }


  restore(): void {
    if (this.original === null) return;
    this.bytes = this.original;
    this.offset = this.originalOffset;
    this.caplen = this.originalCaplen;
    this.len = this.originalLen;
    this.original = null;
  }

  point(bytes: Uint8Array, offset: number, caplen: number, len: number): this {
    this.bytes = bytes;
    this.offset = offset;
    this.caplen = caplen;
    this.len = len;
    return this;
  }
}
