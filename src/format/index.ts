// smoltcp-ts/format: tcpdump-style text for frames (tcpdump -nn, with -e, -v, -q, -x and -X).
// For now the printer lives in src/wire/format.ts; this entry names its public part.
export {
  FrameFormatter,
  formatFrame,
  formatFrameWith,
  hexAsciiDump,
  hexDump,
  type FormatOptions,
} from '../wire/format.js';
