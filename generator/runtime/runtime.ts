// Runtime shared by every generated view: the error codes a check returns and the Internet
// checksum primitives (RFC 1071). The generator copies this file verbatim (after its header) into
// each output directory, so generated code never depends on anything outside that directory.

/** What a view's check() (or a repr's parse) found wrong. Ok is 0 so `if (error)` reads naturally. */
export enum WireError {
  /** Nothing is wrong. */
  Ok = 0,
  /** The buffer is shorter than the header, or than a length the header states. */
  Truncated = 1,
  /** A header field contradicts the header itself (an IHL below 5, a total length below the header length, ...). */
  Malformed = 2,
  /** The version field names a protocol version the view does not read. */
  BadVersion = 3,
  /** The checksum does not match the contents. */
  BadChecksum = 4,
  /** Well formed, but a value or combination the stack does not support. */
  Unrecognized = 5,
  /** A fragment of a larger datagram, which the stack does not reassemble. */
  Fragmented = 6,
}

/** A sentence saying what the error means, for logs and user-facing messages. */
export function wireErrorMessage(error: WireError): string {
  switch (error) {
    case WireError.Ok:
      return 'no error';
    case WireError.Truncated:
      return 'truncated: the buffer is shorter than the header or than the length the header states';
    case WireError.Malformed:
      return 'malformed: a header field contradicts the rest of the header';
    case WireError.BadVersion:
      return 'bad version: the version field is not the one this protocol reads';
    case WireError.BadChecksum:
      return 'bad checksum: the checksum does not match the contents';
    case WireError.Unrecognized:
      return 'unrecognized: a well-formed value or combination this stack does not support';
    case WireError.Fragmented:
      return 'fragmented: a fragment of a larger datagram, which this stack does not reassemble';
  }
  return `unknown wire error ${error as number}`;
}

/** The empty buffer a view points at before init(): shared, so a fresh view allocates no bytes. */
export const EMPTY_BYTES = new Uint8Array(0);

/**
 * Ones-complement sum of bytes[offset, offset + length) as 16-bit big-endian words (RFC 1071
 * section 4.1), added to `initial`. An odd last byte is padded with a zero byte. The result is an
 * accumulator, not yet folded or complemented: pass it to checksumFold, or to another checksumSum
 * as `initial` to checksum data in pieces (each piece but the last must have an even length).
 */
export function checksumSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  let i = offset;
  const end = offset + length;
  const evenEnd = end - (length & 1);
  while (i < evenEnd) {
    // Fold every 64 KiB so the accumulator stays a small integer (RFC 1071 section 2, "Deferred carries").
    const chunkEnd = Math.min(evenEnd, i + 0x10000);
    const unrolledEnd = chunkEnd - ((chunkEnd - i) & 7);
    while (i < unrolledEnd) {
      sum +=
        ((bytes[i] << 8) | bytes[i + 1]) +
        ((bytes[i + 2] << 8) | bytes[i + 3]) +
        ((bytes[i + 4] << 8) | bytes[i + 5]) +
        ((bytes[i + 6] << 8) | bytes[i + 7]);
      i += 8;
    }
    while (i < chunkEnd) {
      sum += (bytes[i] << 8) | bytes[i + 1];
      i += 2;
    }
    sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Folds the carries of a checksumSum accumulator into 16 bits and complements it: the checksum field value. */
export function checksumFold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/**
 * Sum of the IPv4 pseudo-header (RFC 768; RFC 9293 section 3.1): source and destination address as
 * u32, protocol number and upper-layer length. Pass it as `initial` to checksumSum.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
