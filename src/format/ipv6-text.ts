// IPv6 addresses as text the way tcpdump prints them (inet_ntop, RFC 5952 section 4): lower-case hex groups,
// the longest run of two or more zero groups as `::` (the first of equal runs), and `::ffff:a.b.c.d` and
// `::a.b.c.d` forms for IPv4-mapped and -compatible addresses.

/** The 16-byte IPv6 address at bytes[at] as text. */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = bytes[at + 2 * i] === 0 && bytes[at + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const runLength = i - runStart + 1;
      if (runLength > bestLength) {
        bestLength = runLength;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestLength < 2) bestStart = -1;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength) {
      if (i === bestStart) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    // An IPv4 address in the last 32 bits: ::a.b.c.d, or ::ffff:a.b.c.d (RFC 4291 section 2.5.5).
    if (i === 6 && bestStart === 0 && (bestLength === 6 || (bestLength === 5 && bytes[at + 10] === 0xff && bytes[at + 11] === 0xff))) {
      text += bytes[at + 12] + '.' + bytes[at + 13] + '.' + bytes[at + 14] + '.' + bytes[at + 15];
      return text;
    }
    text += (((bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!)).toString(16);
  }
  if (bestStart >= 0 && bestStart + bestLength === 8) text += ':';
  return text;
}
