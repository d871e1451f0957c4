// tcpdump's -x (hex) and -X (hex and ASCII) dumps, also used for payloads tcpdump prints raw: lines of 16 bytes
// as eight groups of four hex digits, each line starting with "\n\t0x0000:  ", and with -X the printable ASCII
// (0x21-0x7e, others as '.') after the hex column padded to 40 characters.

/** Two lowercase hex digits per byte value, shared by the hex printers. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));

function offsetLabel(offset: number): string {
  const text = offset.toString(16);
  return '\n\t0x' + (text.length >= 4 ? text : '0000'.slice(text.length) + text) + ': ';
}

/** The -x dump of `bytes[at, at + length)`: hex only. */
export function hexDump(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let line = 0; line < length; line += 16) {
    out += offsetLabel(line);
    const lineEnd = Math.min(line + 16, length);
    for (let i = line; i < lineEnd; i += 2) {
      out += ' ' + HEX_BYTE[bytes[at + i]!]! + (i + 1 < lineEnd ? HEX_BYTE[bytes[at + i + 1]!]! : '');
    }
  }
  return out;
}

const ASCII: string[] = [];
for (let i = 0; i < 256; i++) ASCII.push(i > 0x20 && i <= 0x7e ? String.fromCharCode(i) : '.');
const PADDING = ' '.repeat(40);

/** The -X dump of `bytes[at, at + length)`: hex and ASCII. */
export function hexAsciiDump(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let line = 0; line < length; line += 16) {
    out += offsetLabel(line);
    const lineEnd = Math.min(line + 16, length);
    let hexText = '';
    let ascii = '';
    for (let i = line; i < lineEnd; i += 2) {
      const first = bytes[at + i]!;
      hexText += ' ' + HEX_BYTE[first]!;
      ascii += ASCII[first]!;
      if (i + 1 < lineEnd) {
        const second = bytes[at + i + 1]!;
        hexText += HEX_BYTE[second]!;
        ascii += ASCII[second]!;
      }
    }
    out += hexText + PADDING.slice(hexText.length) + '  ' + ascii;
  }
  return out;
}
