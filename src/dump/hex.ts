// The hex dumps live beside the formatter, which needs them for payloads it cannot decode.
export { hexDump, hexAsciiDump } from '../wire/format.js';
