// Command-line parsing for smoltcp-dump, getopt-style like tcpdump: short flags cluster (`-nnr f`, `-c5`),
// options may come before or after the filter words, and `--` ends the options.

export interface DumpOptions {
  /** -r FILE ('-' for standard input). */
  readFile: string | null;
  /** -i IFACE. */
  interface: string | null;
  /** -w FILE. */
  writeFile: string | null;
  /** -c N: stop after N packets (those matching the filter). */
  count: number;
  /** -e */
  link: boolean;
  /** -v */
  verbose: boolean;
  /** Number of -v flags, up to 3 (-vv adds DNS sections and UDP checksums, -vvv DNS TTLs). */
  verbosity: number;
  /** -S: absolute TCP sequence numbers instead of numbers relative to each conversation's first. */
  absoluteSequence: boolean;
  /** -A (1), -AA (2): each packet's bytes as ASCII, without / with the link header. */
  ascii: number;
  /** -l: write each packet's line at once (line-buffered), for a reader that follows the output live. */
  lineBuffered: boolean;
  /** -s N: keep at most N bytes of each packet captured live (0: tcpdump's default, 262144). */
  snapLength: number;
  /** -F FILE: read the filter expression from FILE ('#' starts a comment to the end of the line). */
  filterFile: string | null;
  /** -x (1), -xx (2): hex dump without / with the link header. */
  hex: number;
  /** -X (1), -XX (2): hex and ASCII dump without / with the link header. */
  hexAscii: number;
  /** Number of -t flags. */
  timestampCount: number;
  /** -q */
  quiet: boolean;
  /** --json */
  json: boolean;
  help: boolean;
  /** The filter expression (the remaining words joined by spaces). */
  filter: string;
}

/** A command line that cannot be run; the message is one sentence for the user. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: smoltcp-dump [options] [filter expression]

Reads a capture file or a live interface and prints one line per packet like tcpdump -nn.

Input and output:
  -r FILE     read a pcap or pcapng file; '-' reads standard input
              e.g. smoltcp-dump -r capture.pcap;  tcpdump -w - | smoltcp-dump -r -
  -i IFACE    capture live on an interface (needs root or CAP_NET_RAW)
              e.g. sudo smoltcp-dump -i eth0
  -w FILE     also write the packets read or captured to a pcap file
              e.g. smoltcp-dump -i eth0 -w out.pcap
  -c N        stop after N packets
              e.g. smoltcp-dump -r capture.pcap -c 10
  --json      one JSON object per packet and line instead of text
              e.g. smoltcp-dump -r capture.pcap --json

Text output:
  -e          print the Ethernet header
              e.g. smoltcp-dump -e -r capture.pcap
  -v          print IPv4 header details and verify checksums
              e.g. smoltcp-dump -v -r capture.pcap
  -q          quieter protocol lines
              e.g. smoltcp-dump -q -r capture.pcap
  -x, -xx     add a hex dump (without / with the Ethernet header)
              e.g. smoltcp-dump -x -r capture.pcap
  -X, -XX     add a hex and ASCII dump (without / with the Ethernet header)
              e.g. smoltcp-dump -X -r capture.pcap
  -t          no timestamps; -tt Unix seconds; -ttt delta to the previous packet;
              -tttt date and time; -ttttt delta to the first packet
              e.g. smoltcp-dump -tt -r capture.pcap
  -vv, -vvv   more detail: DNS question/authority/additional sections and UDP checksums (-vv), DNS TTLs (-vvv)
              e.g. smoltcp-dump -vv -r capture.pcap
  -S          absolute TCP sequence numbers
              e.g. smoltcp-dump -S -r capture.pcap
  -A          add each packet's bytes as ASCII (-AA with the Ethernet header)
              e.g. smoltcp-dump -A -r capture.pcap port 80
  -l          line-buffered: write each line as soon as it is printed
              e.g. smoltcp-dump -l -i eth0 | grep HTTP
  -s N        keep at most N bytes of each packet captured live (and written with -w)
              e.g. smoltcp-dump -i eth0 -s 96 -w heads.pcap
  -F FILE     read the filter expression from FILE
              e.g. smoltcp-dump -r capture.pcap -F web.filter
  -n, -nn     accepted for tcpdump compatibility (names are never resolved)
              e.g. smoltcp-dump -nn -r capture.pcap
  -h, --help  show this help

Filter (tcpdump's language, core subset): ip ip6 arp icmp icmp6 tcp udp, [src|dst] host A (IPv4 or IPv6),
  [src|dst] net A/len (IPv4 or IPv6, e.g. ip6 net fd00::/64), ip6 proto N,
  [tcp|udp] [src|dst] port N, portrange A-B, ether [src|dst] host MAC, ether broadcast|multicast,
  ip broadcast|multicast, ip proto N, proto N, less N, greater N, len, byte tests such as
  'tcp[tcpflags] & tcp-syn != 0', 'icmp[icmptype] = icmp-echo', 'ip[8] < 64', 'ether[0] & 1 = 1',
  combined with and/or/not (&&, ||, !) and parentheses
              e.g. smoltcp-dump -r capture.pcap 'tcp and port 80'
                   smoltcp-dump -r capture.pcap 'host 10.0.0.1 and not (arp or icmp)'

Exit status: 0 on success, 1 on a read error, 2 on a usage error.
`;

function parseCount(text: string): number {
  let value = 0;
  if (text.length === 0 || text.length > 15) throw new UsageError(`-c needs a positive packet count, not '${text}'.`);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) throw new UsageError(`-c needs a positive packet count, not '${text}'.`);
    value = value * 10 + code - 48;
  }
  if (value === 0) throw new UsageError(`-c needs a positive packet count, not '${text}'.`);
  return value;
}

export function parseArgs(argv: readonly string[]): DumpOptions {
  const options: DumpOptions = {
    readFile: null,
    interface: null,
    writeFile: null,
    count: 0,
    link: false,
    verbose: false,
    verbosity: 0,
    absoluteSequence: false,
    ascii: 0,
    lineBuffered: false,
    snapLength: 0,
    filterFile: null,
    hex: 0,
    hexAscii: 0,
    timestampCount: 0,
    quiet: false,
    json: false,
    help: false,
    filter: '',
  };
  const filterWords: string[] = [];
  let verboseCount = 0;
  let optionsEnded = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      filterWords.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg.startsWith('--')) {
      if (arg === '--json') options.json = true;
      else if (arg === '--help') options.help = true;
      else throw new UsageError(`unknown option '${arg}'; run smoltcp-dump --help for the list of options.`);
      continue;
    }
    for (let at = 1; at < arg.length; at++) {
      const flag = arg[at]!;
      switch (flag) {
        case 'r':
        case 'i':
        case 'w':
        case 's':
        case 'F':
        case 'c': {
          let value = arg.slice(at + 1);
          if (value === '') {
            if (index + 1 >= argv.length) throw new UsageError(`option -${flag} needs a value, e.g. ${example(flag)}.`);
            value = argv[++index]!;
          }
          if (flag === 'r') options.readFile = value;
          else if (flag === 'i') options.interface = value;
          else if (flag === 'w') options.writeFile = value;
          else if (flag === 'F') options.filterFile = value;
          else if (flag === 's') options.snapLength = parseSnapLength(value);
          else options.count = parseCount(value);
          at = arg.length;
          break;
        }
        case 'e':
          options.link = true;
          break;
        case 'v':
          verboseCount++;
          break;
        case 'x':
          options.hex++;
          break;
        case 'X':
          options.hexAscii++;
          break;
        case 't':
          options.timestampCount++;
          break;
        case 'q':
          options.quiet = true;
          break;
        case 'n':
          break;
        case 'S':
          options.absoluteSequence = true;
          break;
        case 'A':
          options.ascii++;
          break;
        case 'l':
          options.lineBuffered = true;
          break;
        case 'h':
          options.help = true;
          break;
        default:
          throw new UsageError(`unknown option '-${flag}'; run smoltcp-dump --help for the list of options.`);
      }
    }
  }
  if (options.help) return options;
  // tcpdump prints nothing more past -vvv for what we decode.
  options.verbosity = Math.min(verboseCount, 3);
  options.verbose = verboseCount > 0;
  if (options.hex > 2 || options.hexAscii > 2) throw new UsageError('use -x or -xx (or -X or -XX), not more.');
  if (options.timestampCount > 5) throw new UsageError('use at most five -t flags (-ttttt).');
  if (options.readFile !== null && options.interface !== null) {
    throw new UsageError('give either -r FILE or -i IFACE, not both.');
  }
  if (options.readFile === null && options.interface === null) {
    throw new UsageError('nothing to read: give -r FILE (or -r - for standard input) or -i IFACE; see smoltcp-dump --help.');
  }
  if (options.json && (options.hex || options.hexAscii || options.ascii || options.link || options.verbose || options.quiet || options.absoluteSequence)) {
    throw new UsageError('--json prints every field already; drop -e, -v, -q, -S, -x, -X and -A.');
  }
  if (options.ascii > 2) throw new UsageError('use -A or -AA, not more.');
  if (options.filterFile !== null && filterWords.length > 0) {
    throw new UsageError('give the filter either with -F FILE or on the command line, not both.');
  }
  options.filter = filterWords.join(' ');
  return options;
}

/** tcpdump's -s: 0 means its default (262144 bytes); otherwise at least 1. */
function parseSnapLength(text: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new UsageError(`-s needs a snapshot length in bytes, not '${text}'; e.g. -s 96.`);
  const value = Number(text);
  return value > 262_144 ? 262_144 : value;
}

function example(flag: string): string {
  switch (flag) {
    case 'r':
      return '-r capture.pcap';
    case 'i':
      return '-i eth0';
    case 'w':
      return '-w out.pcap';
    case 's':
      return '-s 96';
    case 'F':
      return '-F filter.txt';
    default:
      return '-c 10';
  }
}
