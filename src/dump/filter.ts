// The core of tcpdump's filter language (pcap-filter(7)): a tokenizer, a recursive-descent parser to an AST,
// and a compiler from the AST to a predicate over the reused PacketState. As in libpcap, `not` binds
// tightest and `and`/`or` have equal precedence, associating left to right; a bare value after `and`/`or`
// reuses the previous qualifiers (`port 80 or 443`). Matching follows the BPF code libpcap generates: `tcp` is
// any IPv4 datagram with protocol 6 (or IPv6 next header 6, directly or after a fragment header), `port` only
// matches IPv4 first fragments and IPv6 packets whose next header is TCP or UDP, `host` and `net` match IPv4,
// ARP and RARP (IPv6 for an IPv6 address), and a load past the captured bytes rejects the packet.

import { parseIpv4 } from '../wire/ipv4-address.js';
import { parseIpv6 } from '../wire/ipv6-address.js';
import { parseMac } from '../wire/ethernet-address.js';
import { ArpField } from '../../generated/arp.js';
import { EtherType, EthernetField } from '../../generated/ethernet.js';
import { Ipv4Field, Ipv4Packet, IpProtocol } from '../../generated/ipv4.js';
import { Ipv6Field } from '../../generated/ipv6.js';
import { Icmpv4Field } from '../../generated/icmpv4.js';
import { TcpField } from '../../generated/tcp.js';
import { ETHERNET_HEADER_LENGTH } from '../wire/ethernet.js';
import type { PacketState } from './packet-state.js';
import { VlanField } from '../../generated/vlan.js';

export type Direction = 'src' | 'dst' | 'src or dst' | 'src and dst';
/** The protocol qualifier in front of a primitive (`tcp port 80`, `arp host 10.0.0.1`, `ether src ...`). */
export type ProtoQualifier = 'ether' | 'ip' | 'ip6' | 'arp' | 'tcp' | 'udp' | 'icmp' | 'icmp6';

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'proto'; proto: ProtoQualifier }
  | { kind: 'ipProto'; value: number }
  | { kind: 'etherProto'; value: number }
  | { kind: 'host'; proto: 'ip' | 'arp' | null; dir: Direction; address: number }
  | { kind: 'net'; proto: 'ip' | 'arp' | null; dir: Direction; network: number; mask: number }
  | { kind: 'port'; proto: 'tcp' | 'udp' | null; dir: Direction; low: number; high: number }
  | { kind: 'etherHost'; dir: Direction; address: number }
  /** An IPv6 host (prefix 128) or network: the address's first `prefix` bits. */
  | { kind: 'net6'; dir: Direction; address: Uint8Array; prefix: number }
  | { kind: 'ip6Proto'; value: number }
  | { kind: 'length'; op: 'less' | 'greater'; value: number }
  | { kind: 'relation'; op: RelationOp; left: Arith; right: Arith }
  | { kind: 'etherBroadcast' }
  | { kind: 'etherMulticast' }
  | { kind: 'ipMulticast' }
  | { kind: 'vlan'; id: number | null };

export type RelationOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>';
/** What a byte test loads from: the frame (`ether`), a network header or a transport header (pcap-filter(7)). */
export type LoadProto = 'ether' | 'ip' | 'ip6' | 'tcp' | 'udp' | 'icmp' | 'icmp6';

/** The arithmetic of byte tests: `tcp[tcpflags] & tcp-syn`, `ip[2:2] - 20`, `len`. Values are unsigned 32-bit. */
export type Arith =
  | { kind: 'number'; value: number }
  | { kind: 'len' }
  | { kind: 'load'; proto: LoadProto; index: Arith; size: 1 | 2 | 4 }
  | { kind: 'binary'; op: ArithOp; left: Arith; right: Arith }
  | { kind: 'negate'; operand: Arith };

/** A filter that does not parse: `position` is the 1-based column of the offending token. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {
    super(`filter: at ${position}: ${expected}`);
    this.name = 'FilterSyntaxError';
  }
}

interface Token {
  /** 'word', or the operator itself: '(' ')' '!' '&&' '||', or 'end'. */
  type: string;
  text: string;
  /** 1-based column. */
  position: number;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Characters that end a word because they are operators on their own. */
function isOperatorChar(code: number): boolean {
  // ( ) ! & | [ ] = < >
  return code === 40 || code === 41 || code === 33 || code === 38 || code === 124 || code === 91 || code === 93 ||
    code === 61 || code === 60 || code === 62;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  // Inside a byte test's brackets ':' separates the offset from the size; elsewhere it is part of a MAC address.
  let brackets = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (isSpace(code)) {
      at++;
      continue;
    }
    const position = at + 1;
    const two = text.slice(at, at + 2);
    if (code === 40 || code === 41) {
      tokens.push({ type: text[at]!, text: text[at]!, position });
      at++;
    } else if (two === '&&' || two === '||' || two === '!=' || two === '==' || two === '<=' || two === '>=' || two === '<<' || two === '>>') {
      // `==` is `=`, as in libpcap.
      const type = two === '==' ? '=' : two;
      tokens.push({ type, text: two, position });
      at += 2;
    } else if (code === 33) {
      tokens.push({ type: '!', text: '!', position });
      at++;
    } else if (code === 45) {
      // A leading '-' is a minus sign (`-ip[9]`); inside a word it joins port ranges and names (`tcp-syn`).
      tokens.push({ type: '-', text: '-', position });
      at++;
    } else if (isOperatorChar(code) || code === 43 || code === 42 || code === 37 || code === 94 || (code === 58 && brackets > 0)) {
      // [ ] = < > & | + * % ^ and, inside brackets, ':'
      if (code === 91) brackets++;
      if (code === 93 && brackets > 0) brackets--;
      tokens.push({ type: text[at]!, text: text[at]!, position });
      at++;
    } else {
      const start = at;
      while (
        at < text.length && !isSpace(text.charCodeAt(at)) && !isOperatorChar(text.charCodeAt(at)) &&
        !isArithmeticChar(text.charCodeAt(at)) && !(brackets > 0 && text.charCodeAt(at) === 58)
      ) {
        at++;
      }
      const word = text.slice(start, at);
      // A lone '-' or '/' is subtraction or division; inside words they belong to port ranges and networks.
      tokens.push({ type: word === '-' || word === '/' ? word : 'word', text: word, position });
    }
  }
  tokens.push({ type: 'end', text: '', position: text.length + 1 });
  return tokens;
}

/** + * % ^: operators that never occur inside a word. */
function isArithmeticChar(code: number): boolean {
  return code === 43 || code === 42 || code === 37 || code === 94;
}

/**
 * libpcap's named offsets and values for byte tests (pcap-filter(7)): the TCP flags byte and its bits, the
 * ICMP type and code bytes and the type values. Offsets come from the generated field tables.
 */
const NAMED_VALUES = new Map<string, number>([
  ['tcpflags', TcpField.Flags + 1],
  ['tcp-fin', 0x01], ['tcp-syn', 0x02], ['tcp-rst', 0x04], ['tcp-push', 0x08],
  ['tcp-ack', 0x10], ['tcp-urg', 0x20], ['tcp-ece', 0x40], ['tcp-cwr', 0x80],
  ['icmptype', Icmpv4Field.MsgType], ['icmpcode', Icmpv4Field.MsgCode],
  ['icmp-echoreply', 0], ['icmp-unreach', 3], ['icmp-sourcequench', 4], ['icmp-redirect', 5], ['icmp-echo', 8],
  ['icmp-routeradvert', 9], ['icmp-routersolicit', 10], ['icmp-timxceed', 11], ['icmp-paramprob', 12],
  ['icmp-tstamp', 13], ['icmp-tstampreply', 14], ['icmp-ireq', 15], ['icmp-ireqreply', 16],
  ['icmp-maskreq', 17], ['icmp-maskreply', 18],
  // ICMPv6 (RFC 4443, RFC 4861): its type and code bytes are where ICMPv4 has them.
  ['icmp6type', Icmpv4Field.MsgType], ['icmp6code', Icmpv4Field.MsgCode],
  ['icmp6-destinationunreach', 1], ['icmp6-packettoobig', 2], ['icmp6-timeexceeded', 3], ['icmp6-parameterproblem', 4],
  ['icmp6-echo', 128], ['icmp6-echoreply', 129], ['icmp6-multicastlistenerquery', 130],
  ['icmp6-multicastlistenerreportv1', 131], ['icmp6-multicastlistenerdone', 132], ['icmp6-routersolicit', 133],
  ['icmp6-routeradvert', 134], ['icmp6-neighborsolicit', 135], ['icmp6-neighboradvert', 136], ['icmp6-redirect', 137],
]);

const LOAD_PROTOS = new Set<string>(['ether', 'ip', 'ip6', 'tcp', 'udp', 'icmp', 'icmp6']);
const RELATION_OPS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Words of libpcap's language this filter does not implement: refused as "not supported", not as a typo.
 * (A word is removed from here when its primitive is implemented.)
 */
const UNSUPPORTED_WORDS = new Set([
  'mpls', 'pppoed', 'pppoes', 'geneve', 'gateway', 'rarp', 'atalk', 'aarp', 'decnet', 'sca', 'lat',
  'moprc', 'mopdl', 'iso', 'esis', 'isis', 'clnp', 'stp', 'ipx', 'netbeui', 'llc', 'igmp', 'igrp', 'pim', 'vrrp',
  'carp', 'sctp', 'ah', 'esp', 'protochain', 'inbound', 'outbound', 'ifname', 'on', 'rnr', 'rulenum',
  'reason', 'rset', 'ruleset', 'srnr', 'subrulenum', 'action', 'wlan', 'type', 'subtype', 'addr1', 'addr2', 'addr3',
  'addr4', 'ra', 'ta', 'fddi', 'tr', 'ppp', 'slip', 'link', 'radio', 'atm', 'lane', 'oamf4', 'oamf4ec', 'oamf4sc',
  'oam', 'metac', 'bcc', 'sc', 'ilmic', 'connectmsg', 'metaconnect', 'vpi', 'vci', 'fisu', 'lssu', 'msu', 'sio',
  'opc', 'dpc', 'sls', 'hfisu', 'hlssu', 'hmsu', 'hsio', 'hopc', 'hdpc', 'hsls', 'gateway', 'arcnet', 'ether6',
]);

const PROTO_WORDS = new Set(['ether', 'ip', 'ip6', 'arp', 'tcp', 'udp', 'icmp', 'icmp6']);
const TYPE_WORDS = new Set(['host', 'net', 'port', 'portrange']);

interface Qualifiers {
  proto: ProtoQualifier | null;
  dir: Direction;
  type: 'host' | 'net' | 'port' | 'portrange';
}

function describe(token: Token): string {
  return token.type === 'end' ? 'the end of the filter' : `'${token.text}'`;
}

/** Parses a filter expression into an AST; throws FilterSyntaxError with the position and what was expected. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let index = 0;
  let lastQualifiers: Qualifiers | null = null;

  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;
  const isWord = (token: Token, word: string): boolean => token.type === 'word' && token.text === word;

  function parseExpression(): FilterNode {
    let left = parseUnary();
    for (;;) {
      const token = peek();
      let kind: 'and' | 'or';
      if (isWord(token, 'and') || token.type === '&&') kind = 'and';
      else if (isWord(token, 'or') || token.type === '||') kind = 'or';
      else return left;
      next();
      const right = parseUnary();
      left = { kind, left, right };
    }
  }

  function parseUnary(): FilterNode {
    const token = peek();
    if (isWord(token, 'not') || token.type === '!') {
      next();
      return { kind: 'not', operand: parseUnary() };
    }
    if (startsArithmetic(token)) {
      // `tcp[13] & 2 != 0`, `len > 100`, `(ip[0] & 0xf) > 5`: an arithmetic comparison, when what follows
      // parses as one; otherwise a primitive or a parenthesised expression (`tcp`, `(tcp or udp)`).
      const saved = index;
      const relation = tryRelation();
      if (relation !== null) return relation;
      index = saved;
    }
    if (token.type === '(') {
      next();
      const inner = parseExpression();
      const close = next();
      if (close.type !== ')') throw new FilterSyntaxError(close.position, `expected ')' to close the '(' at ${token.position}, found ${describe(close)}`);
      return inner;
    }
    return parsePrimitive();
  }

  function parseNumber(token: Token, max: number, what: string, after: string): number {
    const text = token.text;
    let value = 0;
    if (token.type !== 'word' || text.length === 0 || text.length > 10) {
      throw new FilterSyntaxError(token.position, `expected ${what} after '${after}', found ${describe(token)}`);
    }
    // 0x prefix for hexadecimal, as libpcap accepts (`ether proto 0x88cc`).
    if (text.length > 2 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) {
      for (let i = 2; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let digit = -1;
        if (code >= 48 && code <= 57) digit = code - 48;
        else if (code >= 97 && code <= 102) digit = code - 87;
        else if (code >= 65 && code <= 70) digit = code - 55;
        if (digit < 0) throw new FilterSyntaxError(token.position, `expected ${what} after '${after}', found ${describe(token)}`);
        value = value * 16 + digit;
      }
    } else {
      // A leading 0 is octal, as libpcap reads it (`ip[6] & 020`).
      const base = text.length > 1 && text[0] === '0' ? 8 : 10;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < 48 || code >= 48 + base) throw new FilterSyntaxError(token.position, `expected ${what} after '${after}', found ${describe(token)}`);
        value = value * base + (code - 48);
      }
    }
    if (value > max) throw new FilterSyntaxError(token.position, `${what} ${text} is out of range (0-${max})`);
    return value;
  }

  /** Set once a byte test's '[' is read: the expression is arithmetic, whatever follows. */
  let committed = false;

  function startsArithmetic(token: Token): boolean {
    if (token.type === '(' || token.type === '-') return true;
    if (token.type !== 'word') return false;
    const text = token.text;
    if (text === 'len' || NAMED_VALUES.has(text) || looksLikeValue(text)) return true;
    return LOAD_PROTOS.has(text) && tokens[index + 1]!.type === '[';
  }

  /** An arithmetic comparison at the current token, or null when there is none (nothing consumed counts). */
  function tryRelation(): FilterNode | null {
    let left: Arith;
    committed = false;
    try {
      left = parseArith(0);
    } catch (e) {
      // Past a byte test's '[' the words can only be arithmetic: report the error there.
      if (e instanceof FilterSyntaxError && !committed) return null;
      throw e;
    }
    const op = peek();
    if (!RELATION_OPS.has(op.type)) return null;
    next();
    const right = parseArith(0);
    return { kind: 'relation', op: op.type as RelationOp, left, right };
  }

  // libpcap's precedence, loosest first: | then ^ then & then << >> then + - then * / %.
  const LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  function parseArith(level: number): Arith {
    if (level === LEVELS.length) return parseArithUnary();
    let left = parseArith(level + 1);
    for (;;) {
      const op = peek();
      if (!LEVELS[level]!.includes(op.type)) return left;
      next();
      const right = parseArith(level + 1);
      left = { kind: 'binary', op: op.type as ArithOp, left, right };
    }
  }

  function parseArithUnary(): Arith {
    const token = next();
    if (token.type === '-') return { kind: 'negate', operand: parseArithUnary() };
    if (token.type === '(') {
      const inner = parseArith(0);
      const close = next();
      if (close.type !== ')') throw new FilterSyntaxError(close.position, `expected ')' to close the '(' at ${token.position}, found ${describe(close)}`);
      return inner;
    }
    if (token.type !== 'word') throw new FilterSyntaxError(token.position, `expected a number, 'len' or a byte test like 'tcp[13]', found ${describe(token)}`);
    if (token.text === 'len') return { kind: 'len' };
    const named = NAMED_VALUES.get(token.text);
    if (named !== undefined) return { kind: 'number', value: named };
    if (LOAD_PROTOS.has(token.text) && peek().type === '[') {
      next();
      committed = true;
      const indexArith = parseArith(0);
      let size: 1 | 2 | 4 = 1;
      if (peek().type === ':') {
        next();
        const sizeToken = next();
        if (sizeToken.text !== '1' && sizeToken.text !== '2' && sizeToken.text !== '4') {
          throw new FilterSyntaxError(sizeToken.position, `a byte test's size is 1, 2 or 4, not ${describe(sizeToken)}`);
        }
        size = Number(sizeToken.text) as 1 | 2 | 4;
      }
      const close = next();
      if (close.type !== ']') throw new FilterSyntaxError(close.position, `expected ']' to close '${token.text}[', found ${describe(close)}`);
      return { kind: 'load', proto: token.text as LoadProto, index: indexArith, size };
    }
    return { kind: 'number', value: parseNumber(token, 0xffff_ffff, 'a number', 'the operator') };
  }

  /** libpcap's `vlan [id]`: an 802.1Q/QinQ tagged frame, its outer tag's VLAN id if given. */
  function parseVlan(): FilterNode {
    next();
    const after = peek();
    if (after.type === 'word' && /^[0-9]/.test(after.text)) return { kind: 'vlan', id: parseNumber(next(), 4095, 'a VLAN id', 'vlan') };
    return { kind: 'vlan', id: null };
  }

  function parsePrimitive(): FilterNode {
    const start = peek();
    if (start.type !== 'word') {
      throw new FilterSyntaxError(start.position, `expected a primitive (e.g. 'tcp', 'host 10.0.0.1', 'port 80') or '(', found ${describe(start)}`);
    }
    if (start.text === 'vlan') return parseVlan();
    if (start.text === 'less' || start.text === 'greater') {
      next();
      const value = parseNumber(next(), 0xffff_ffff, 'a length in bytes', start.text);
      return { kind: 'length', op: start.text, value };
    }

    if (start.text === 'broadcast' || start.text === 'multicast') {
      next();
      return { kind: start.text === 'broadcast' ? 'etherBroadcast' : 'etherMulticast' };
    }
    if (start.text === 'proto') {
      // `proto N` alone: IPv4's protocol (libpcap also tries IPv6's next header, which we do not yet).
      next();
      return { kind: 'ipProto', value: parseProtocol(next()) };
    }
    if (UNSUPPORTED_WORDS.has(start.text)) {
      throw new FilterSyntaxError(
        start.position,
        `'${start.text}' is not supported by smoltcp-dump's filter; it knows ether, ip, ip6, arp, icmp, icmp6, tcp, udp, vlan, host, net, port, portrange, proto, broadcast, multicast, less, greater, len and byte tests such as 'tcp[tcpflags] & tcp-syn != 0'`,
      );
    }

    let proto: ProtoQualifier | null = null;
    let dir: Direction | null = null;
    let type: Qualifiers['type'] | null = null;
    let lastWord = start;

    if (PROTO_WORDS.has(start.text)) {
      proto = start.text as ProtoQualifier;
      next();
      const after = peek();
      if (isWord(after, 'proto') && (proto === 'ip' || proto === 'ip6' || proto === 'ether')) {
        next();
        if (proto === 'ip') return { kind: 'ipProto', value: parseProtocol(next()) };
        if (proto === 'ip6') return { kind: 'ip6Proto', value: parseProtocol(next()) };
        return { kind: 'etherProto', value: parseNumber(next(), 0xffff, 'an EtherType number', 'proto') };
      }
      if ((isWord(after, 'broadcast') || isWord(after, 'multicast')) && (proto === 'ether' || proto === 'ip')) {
        next();
        if (proto === 'ether') return { kind: after.text === 'broadcast' ? 'etherBroadcast' : 'etherMulticast' };
        if (after.text === 'multicast') return { kind: 'ipMulticast' };
        // libpcap needs the capture's netmask for it, which a file does not have (tcpdump refuses it with -r too).
        throw new FilterSyntaxError(after.position, "'ip broadcast' is not supported: it needs the network's netmask; use 'dst host A.B.C.255' or 'ether broadcast'");
      }
      if (!(after.type === 'word' && (after.text === 'src' || after.text === 'dst' || TYPE_WORDS.has(after.text)))) {
        if (proto === 'ether') {
          throw new FilterSyntaxError(after.position, `expected 'host', 'src', 'dst' or 'proto' after 'ether', found ${describe(after)}`);
        }
        return { kind: 'proto', proto };
      }
      lastWord = after;
    }

    let token = peek();
    if (isWord(token, 'src') || isWord(token, 'dst')) {
      next();
      dir = token.text as 'src' | 'dst';
      lastWord = token;
      // `src or dst host A` / `src and dst host A`: the `or`/`and` belongs to the qualifier only when
      // the other direction follows it.
      const joiner = peek();
      const other = tokens[index + 1]!;
      if ((isWord(joiner, 'or') || isWord(joiner, 'and')) && isWord(other, dir === 'src' ? 'dst' : 'src')) {
        next();
        next();
        dir = joiner.text === 'or' ? 'src or dst' : 'src and dst';
        lastWord = other;
      }
      token = peek();
    }
    if (token.type === 'word' && TYPE_WORDS.has(token.text)) {
      next();
      type = token.text as Qualifiers['type'];
      lastWord = token;
    }

    if (proto === null && dir === null && type === null) {
      // A bare value continues the previous primitive's qualifiers: `host 10.0.0.1 or 10.0.0.2`.
      if (lastQualifiers !== null && looksLikeValue(start.text)) {
        next();
        return primitive(lastQualifiers, start, start);
      }
      throw new FilterSyntaxError(
        start.position,
        `unknown word ${describe(start)}; expected a protocol (ether, ip, ip6, arp, icmp, icmp6, tcp, udp, vlan), a direction (src, dst), host, net, port, portrange, proto, broadcast, multicast, less, greater, a comparison such as 'len > 100' or 'tcp[13] & 2 != 0', not or '('`,
      );
    }
    const qualifiers: Qualifiers = { proto, dir: dir ?? 'src or dst', type: type ?? 'host' };
    const value = next();
    const node = primitive(qualifiers, value, lastWord);
    lastQualifiers = qualifiers;
    return node;
  }

  /** An IP protocol number, or libpcap's escaped names `\\tcp`, `\\udp`, `\\icmp`. */
  function parseProtocol(token: Token): number {
    const names: Record<string, number> = { '\\tcp': IpProtocol.Tcp, '\\udp': IpProtocol.Udp, '\\icmp': IpProtocol.Icmp };
    if (token.type === 'word' && names[token.text] !== undefined) return names[token.text]!;
    return parseNumber(token, 255, 'an IP protocol number', 'proto');
  }

  function primitive(q: Qualifiers, value: Token, after: Token): FilterNode {
    const afterText = after.text;
    if (q.type === 'port' || q.type === 'portrange') {
      if (q.proto !== null && q.proto !== 'tcp' && q.proto !== 'udp') {
        throw new FilterSyntaxError(after.position, `'${q.type}' applies to tcp and udp, not to '${q.proto}'`);
      }
      const proto = q.proto;
      if (q.type === 'port') {
        const port = parseNumber(value, 0xffff, 'a port number', afterText);
        return { kind: 'port', proto, dir: q.dir, low: port, high: port };
      }
      const dash = value.type === 'word' ? value.text.indexOf('-') : -1;
      if (dash <= 0) throw new FilterSyntaxError(value.position, `expected a port range like 1000-2000 after '${afterText}', found ${describe(value)}`);
      const low = parseNumber({ ...value, text: value.text.slice(0, dash) }, 0xffff, 'a port number', afterText);
      const high = parseNumber({ ...value, text: value.text.slice(dash + 1) }, 0xffff, 'a port number', afterText);
      return { kind: 'port', proto, dir: q.dir, low: Math.min(low, high), high: Math.max(low, high) };
    }
    if (q.proto === 'tcp' || q.proto === 'udp' || q.proto === 'icmp' || q.proto === 'icmp6') {
      throw new FilterSyntaxError(after.position, `'${q.type}' cannot follow '${q.proto}'; use e.g. '${q.proto} and ${q.type} ...'`);
    }
    if (q.proto === 'ether') {
      if (q.type !== 'host') throw new FilterSyntaxError(after.position, `'ether ${q.type}' is not supported; use 'ether host' with a MAC address`);
      const address = value.type === 'word' ? parseMac(value.text) : null;
      if (typeof address !== 'number') throw new FilterSyntaxError(value.position, `expected a MAC address like 02:00:00:00:00:01 after '${afterText}', found ${describe(value)}`);
      return { kind: 'etherHost', dir: q.dir, address };
    }
    if (q.proto === 'ip6' || (value.type === 'word' && value.text.includes(':'))) return ipv6Primitive(q, value, afterText);
    const proto = q.proto as 'ip' | 'arp' | null;
    if (q.type === 'host') {
      const address = value.type === 'word' ? parseIpv4(value.text) : null;
      if (typeof address !== 'number') {
        throw new FilterSyntaxError(value.position, `expected an IPv4 address like 10.0.0.1 after '${afterText}', found ${describe(value)}`);
      }
      return { kind: 'host', proto, dir: q.dir, address };
    }
    const net = value.type === 'word' ? parseNet(value.text) : null;
    if (net === null) {
      throw new FilterSyntaxError(value.position, `expected a network like 10.0.0.0/8 or 192.168 after '${afterText}', found ${describe(value)}`);
    }
    let { network, mask } = net;
    if (net.prefix && isWord(peek(), 'mask')) {
      const maskToken = (next(), next());
      const parsed = maskToken.type === 'word' ? parseIpv4(maskToken.text) : null;
      if (typeof parsed !== 'number') throw new FilterSyntaxError(maskToken.position, `expected a netmask like 255.255.0.0 after 'mask', found ${describe(maskToken)}`);
      mask = parsed;
    }
    if (((network & ~mask) >>> 0) !== 0) {
      throw new FilterSyntaxError(value.position, `network ${value.text} has host bits set beyond its mask`);
    }
    return { kind: 'net', proto, dir: q.dir, network, mask };
  }

  /** `ip6 host A`, `host A` with an IPv6 address, `ip6 net A/len` (RFC 4291 section 2.3 prefixes). */
  function ipv6Primitive(q: Qualifiers, value: Token, afterText: string): FilterNode {
    if (q.proto !== null && q.proto !== 'ip6') {
      throw new FilterSyntaxError(value.position, `'${q.proto} ${q.type}' takes an IPv4 address; use 'ip6 ${q.type}' for ${describe(value)}`);
    }
    const text = value.type === 'word' ? value.text : '';
    const slash = text.indexOf('/');
    const address = parseIpv6(slash >= 0 ? text.slice(0, slash) : text);
    let prefix = 128;
    if (slash >= 0) prefix = parseNumber({ ...value, text: text.slice(slash + 1) }, 128, 'a prefix length', afterText);
    if (!(address instanceof Uint8Array) || (q.type === 'host' && slash >= 0)) {
      const example = q.type === 'net' ? 'fd00::/64' : 'fe80::1';
      throw new FilterSyntaxError(value.position, `expected an IPv6 ${q.type === 'net' ? 'network' : 'address'} like ${example} after '${afterText}', found ${describe(value)}`);
    }
    if (q.type === 'net') {
      for (let bit = prefix; bit < 128; bit++) {
        if (address[bit >> 3]! & (0x80 >> (bit & 7))) throw new FilterSyntaxError(value.position, `network ${text} has host bits set beyond its prefix`);
      }
    }
    return { kind: 'net6', dir: q.dir, address, prefix };
  }

  const ast = parseExpression();
  const rest = peek();
  if (rest.type !== 'end') {
    throw new FilterSyntaxError(rest.position, `expected 'and', 'or' or the end of the filter, found ${describe(rest)}`);
  }
  return ast;
}

function looksLikeValue(text: string): boolean {
  const code = text.charCodeAt(0);
  return code >= 48 && code <= 57;
}

/** `10.0.0.0/8`, a full dotted quad (/32), or 1 to 3 leading octets (`10`, `192.168`) as libpcap reads them. */
function parseNet(text: string): { network: number; mask: number; prefix: boolean } | null {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const network = parsePartialIpv4(text.slice(0, slash));
    const lengthText = text.slice(slash + 1);
    if (network === null || lengthText.length === 0 || lengthText.length > 2) return null;
    let length = 0;
    for (let i = 0; i < lengthText.length; i++) {
      const code = lengthText.charCodeAt(i);
      if (code < 48 || code > 57) return null;
      length = length * 10 + code - 48;
    }
    if (length > 32) return null;
    return { network: network.value, mask: length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0, prefix: false };
  }
  const partial = parsePartialIpv4(text);
  if (partial === null) return null;
  return { network: partial.value, mask: (0xffff_ffff << (32 - 8 * partial.octets)) >>> 0, prefix: true };
}

function parsePartialIpv4(text: string): { value: number; octets: number } | null {
  let value = 0;
  let octets = 0;
  let octet = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      if (octet < 0 || octet > 255 || octets === 4) return null;
      value = value * 256 + octet;
      octets++;
      octet = -1;
    } else if (code >= 48 && code <= 57) {
      octet = (octet < 0 ? 0 : octet * 10) + code - 48;
      if (octet > 255) return null;
    } else {
      return null;
    }
  }
  // A short form names the leading octets: `192.168` is 192.168.0.0/16.
  return { value: (value * 2 ** (8 * (4 - octets))) >>> 0, octets };
}

export type Predicate = (s: PacketState) => boolean;

/**
 * Inside the compiled filter a test answers NO, YES, or UNKNOWN when the bytes it needs were not captured.
 * Unknowns combine as in Kleene's three-valued logic (`UNKNOWN or YES` is YES, `not UNKNOWN` is UNKNOWN) and
 * a final UNKNOWN rejects the packet: a packet matches when its captured bytes decide the expression. That is
 * what libpcap's optimized BPF code does in practice (a load past the capture rejects, but loads that cannot
 * change the answer are skipped): `not ip` rejects a 10-byte frame, `host A or B` accepts a frame cut inside
 * the destination address whose source is B.
 */
type Test = (s: PacketState) => number;
const NO = 0;
const YES = 1;
const UNKNOWN = 2;

// Offsets in an Ethernet frame, as libpcap's generated BPF code loads them: the network header right after
// the Ethernet header, its fields where the specs (generated/) put them.
const OFF_ETHERTYPE = EthernetField.EtherType;
const OFF_IP = ETHERNET_HEADER_LENGTH;
const OFF_IP_FRAGMENT = OFF_IP + Ipv4Field.FragOffset;
const OFF_IP_PROTO = OFF_IP + Ipv4Field.Protocol;
const OFF_IP_SRC = OFF_IP + Ipv4Field.SrcAddr;
const OFF_IP_DST = OFF_IP + Ipv4Field.DstAddr;
const OFF_IP6_NEXT_HEADER = OFF_IP + Ipv6Field.NextHeader;
const OFF_IP6_SRC = OFF_IP + Ipv6Field.SrcAddr;
const OFF_IP6_DST = OFF_IP + Ipv6Field.DstAddr;
/** Where what follows the fixed IPv6 header starts: libpcap looks no further than one fragment header. */
const OFF_IP6_PAYLOAD = OFF_IP + 40;
const OFF_IP6_FRAGMENT_NEXT = OFF_IP6_PAYLOAD;
const IPV6_HEADER_LENGTH = 40;
const OFF_ARP_SPA = OFF_IP + ArpField.SourceProtocolAddr;
const OFF_ARP_TPA = OFF_IP + ArpField.TargetProtocolAddr;
// TCP, UDP and SCTP (RFC 9260 section 3.1) all start with the source and destination ports.
const PORT_SRC = TcpField.SrcPort;
const PORT_DST = TcpField.DstPort;

function u8(s: PacketState, at: number): number {
  return s.bytes[s.offset + at]!;
}

function u16(s: PacketState, at: number): number {
  const o = s.offset + at;
  return (s.bytes[o]! << 8) | s.bytes[o + 1]!;
}

/** As int32 bits: compared with `| 0` constants, so no value is boxed. */
function i32(s: PacketState, at: number): number {
  const b = s.bytes;
  const o = s.offset + at;
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function u48(s: PacketState, at: number): number {
  const b = s.bytes;
  const o = s.offset + at;
  return ((b[o]! << 8) | b[o + 1]!) * 0x1_0000_0000 + (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0);
}

function captured(s: PacketState, at: number, size: number): boolean {
  return at + size <= s.caplen;
}

function and(left: Test, right: Test): Test {
  return (s) => {
    const l = left(s);
    if (l === NO) return NO;
    const r = right(s);
    if (r === NO) return NO;
    return l === YES && r === YES ? YES : UNKNOWN;
  };
}

/**
 * `left or right`. With `strict`, a left side that cannot be decided rejects the packet as BPF does when a load
 * runs past the capture before the right side is tried: what libpcap generates for byte tests, `len` and
 * Ethernet addresses, whose loads its optimizer keeps in order. Without, Kleene's logic: libpcap's optimizer
 * merges and reorders the address comparisons of `host`/`net`/`port`, so a decided right side wins.
 */
function or(left: Test, right: Test, strict = false): Test {
  return (s) => {
    const l = left(s);
    if (l === YES) return YES;
    if (l === UNKNOWN && strict) return UNKNOWN;
    const r = right(s);
    if (r === YES) return YES;
    return l === NO && r === NO ? NO : UNKNOWN;
  };
}

function matchDirection(dir: Direction, src: Test, dst: Test): Test {
  switch (dir) {
    case 'src':
      return src;
    case 'dst':
      return dst;
    case 'src or dst':
      return or(src, dst);
    case 'src and dst':
      return and(src, dst);
  }
}

function etherTypeIs(value: number): Test {
  return (s) => (!captured(s, OFF_ETHERTYPE, 2) ? UNKNOWN : u16(s, OFF_ETHERTYPE) === value ? YES : NO);
}

function byteIs(at: number, value: number): Test {
  return (s) => (!captured(s, at, 1) ? UNKNOWN : u8(s, at) === value ? YES : NO);
}

function addressIs(at: number, mask: number, value: number): Test {
  return (s) => (!captured(s, at, 4) ? UNKNOWN : (i32(s, at) & mask) === value ? YES : NO);
}

const isIpv4 = etherTypeIs(EtherType.Ipv4);
const isIpv6 = etherTypeIs(EtherType.Ipv6);

/**
 * IPv6 carrying `protocol` as libpcap's `ip6 proto` compiles it: the fixed header's Next Header, or a
 * Fragment header's right after it.
 */
function ipv6Carries(protocol: number): Test {
  return and(isIpv6, or(byteIs(OFF_IP6_NEXT_HEADER, protocol), and(byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Ipv6Frag), byteIs(OFF_IP6_FRAGMENT_NEXT, protocol))));
}

/** The IPv6 address at `at` starts with the first `prefix` bits of `address`. */
function ipv6AddressIs(at: number, address: Uint8Array, prefix: number): Test {
  const whole = prefix >> 3;
  const lastMask = (0xff00 >> (prefix & 7)) & 0xff;
  return (s) => {
    if (!captured(s, at, 16)) return UNKNOWN;
    const o = s.offset + at;
    for (let i = 0; i < whole; i++) if (s.bytes[o + i] !== address[i]) return NO;
    if (lastMask !== 0 && ((s.bytes[o + whole]! ^ address[whole]!) & lastMask) !== 0) return NO;
    return YES;
  };
}

/** An IPv6 packet whose next header is TCP/UDP (libpcap does not chase extension headers for ports). */
function ipv6Port(which: number, low: number, high: number): Test {
  return (s) => {
    const at = OFF_IP6_PAYLOAD + which;
    if (!captured(s, at, 2)) return UNKNOWN;
    const port = u16(s, at);
    return port >= low && port <= high ? YES : NO;
  };
}

const ipv4View = new Ipv4Packet();

/** An IPv4 first fragment (offset 0) whose port at `which` (PORT_SRC or PORT_DST) is in [low, high]. */
function ipv4Port(which: number, low: number, high: number): Test {
  return (s) => {
    if (!captured(s, OFF_IP_FRAGMENT, 2)) return UNKNOWN;
    // The fields before the fragment offset are captured: the view reads them without a check.
    const ip = ipv4View.init(s.bytes, s.offset + OFF_IP, s.caplen - OFF_IP);
    if (ip.fragOffsetRaw !== 0) return NO;
    const at = OFF_IP + ip.headerLength + which;
    if (!captured(s, at, 2)) return UNKNOWN;
    const port = u16(s, at);
    return port >= low && port <= high ? YES : NO;
  };
}

/** An arithmetic value: an unsigned 32-bit number, or one of these for a load that cannot be made. */
type ArithFn = (s: PacketState) => number;
/** The bytes were not captured (libpcap's BPF rejects the packet there). */
const VALUE_UNKNOWN = -1;
/** The packet is not of the load's protocol: libpcap ANDs that test into the comparison, which is then false. */
const VALUE_OTHER_PROTOCOL = -2;

/** Where a load's protocol header starts in the frame, or one of the VALUE_ codes. */
function loadBase(proto: LoadProto): (s: PacketState) => number {
  switch (proto) {
    case 'ether':
      return () => 0;
    case 'ip':
      return (s) => (!captured(s, OFF_ETHERTYPE, 2) ? VALUE_UNKNOWN : u16(s, OFF_ETHERTYPE) === EtherType.Ipv4 ? OFF_IP : VALUE_OTHER_PROTOCOL);
    case 'ip6':
      return (s) => (!captured(s, OFF_ETHERTYPE, 2) ? VALUE_UNKNOWN : u16(s, OFF_ETHERTYPE) === EtherType.Ipv6 ? OFF_IP : VALUE_OTHER_PROTOCOL);
    case 'icmp6':
      // After a fixed 40-byte IPv6 header with Next Header 58, as libpcap loads it (RFC 8200 section 3).
      return (s) => {
        if (!captured(s, OFF_ETHERTYPE, 2)) return VALUE_UNKNOWN;
        if (u16(s, OFF_ETHERTYPE) !== EtherType.Ipv6) return VALUE_OTHER_PROTOCOL;
        if (!captured(s, OFF_IP6_NEXT_HEADER, 1)) return VALUE_UNKNOWN;
        return u8(s, OFF_IP6_NEXT_HEADER) === IpProtocol.Icmpv6 ? OFF_IP + IPV6_HEADER_LENGTH : VALUE_OTHER_PROTOCOL;
      };
    default: {
      // tcp, udp, icmp: an IPv4 first fragment of that protocol, the header after the IPv4 header's length.
      const protocol = proto === 'tcp' ? IpProtocol.Tcp : proto === 'udp' ? IpProtocol.Udp : IpProtocol.Icmp;
      return (s) => {
        if (!captured(s, OFF_ETHERTYPE, 2)) return VALUE_UNKNOWN;
        if (u16(s, OFF_ETHERTYPE) !== EtherType.Ipv4) return VALUE_OTHER_PROTOCOL;
        if (!captured(s, OFF_IP_PROTO, 1)) return VALUE_UNKNOWN;
        if (u8(s, OFF_IP_PROTO) !== protocol) return VALUE_OTHER_PROTOCOL;
        if (!captured(s, OFF_IP_FRAGMENT, 2)) return VALUE_UNKNOWN;
        const ip = ipv4View.init(s.bytes, s.offset + OFF_IP, s.caplen - OFF_IP);
        if (ip.fragOffsetRaw !== 0) return VALUE_OTHER_PROTOCOL;
        return OFF_IP + ip.headerLength;
      };
    }
  }
}

function compileArith(node: Arith): ArithFn {
  switch (node.kind) {
    case 'number': {
      const value = node.value >>> 0;
      return () => value;
    }
    case 'len':
      return (s) => s.len >>> 0;
    case 'load': {
      const base = loadBase(node.proto);
      const index = compileArith(node.index);
      const size = node.size;
      return (s) => {
        const b = base(s);
        if (b < 0) return b;
        const i = index(s);
        if (i < 0) return i;
        const at = b + i;
        if (!captured(s, at, size)) return VALUE_UNKNOWN;
        return size === 1 ? u8(s, at) : size === 2 ? u16(s, at) : i32(s, at) >>> 0;
      };
    }
    case 'negate': {
      const operand = compileArith(node.operand);
      return (s) => {
        const v = operand(s);
        return v < 0 ? v : -v >>> 0;
      };
    }
    case 'binary': {
      const left = compileArith(node.left);
      const right = compileArith(node.right);
      const op = binaryOp(node.op);
      return (s) => {
        const a = left(s);
        const b = right(s);
        if (a === VALUE_OTHER_PROTOCOL || b === VALUE_OTHER_PROTOCOL) return VALUE_OTHER_PROTOCOL;
        if (a < 0 || b < 0) return VALUE_UNKNOWN;
        return op(a, b);
      };
    }
  }
}

/** BPF's ALU on unsigned 32-bit values; division and modulo by zero reject the packet, as BPF does. */
function binaryOp(op: ArithOp): (a: number, b: number) => number {
  switch (op) {
    case '+':
      return (a, b) => (a + b) >>> 0;
    case '-':
      return (a, b) => (a - b) >>> 0;
    case '*':
      return (a, b) => Math.imul(a, b) >>> 0;
    case '/':
      return (a, b) => (b === 0 ? VALUE_UNKNOWN : Math.floor(a / b));
    case '%':
      return (a, b) => (b === 0 ? VALUE_UNKNOWN : a % b);
    case '&':
      return (a, b) => (a & b) >>> 0;
    case '|':
      return (a, b) => (a | b) >>> 0;
    case '^':
      return (a, b) => (a ^ b) >>> 0;
    case '<<':
      return (a, b) => (b >= 32 ? 0 : (a << b) >>> 0);
    case '>>':
      return (a, b) => (b >= 32 ? 0 : a >>> b);
  }
}

function compileRelation(op: RelationOp, leftNode: Arith, rightNode: Arith): Test {
  const left = compileArith(leftNode);
  const right = compileArith(rightNode);
  const compare: (a: number, b: number) => boolean =
    op === '=' ? (a, b) => a === b
    : op === '!=' ? (a, b) => a !== b
    : op === '<' ? (a, b) => a < b
    : op === '<=' ? (a, b) => a <= b
    : op === '>' ? (a, b) => a > b
    : (a, b) => a >= b;
  return (s) => {
    const a = left(s);
    const b = right(s);
    if (a === VALUE_OTHER_PROTOCOL || b === VALUE_OTHER_PROTOCOL) return NO;
    if (a < 0 || b < 0) return UNKNOWN;
    return compare(a, b) ? YES : NO;
  };
}

/** Whether the subtree holds a test whose loads libpcap keeps in order (see `or`). */
function ordered(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return ordered(node.left) || ordered(node.right);
    case 'not':
      return ordered(node.operand);
    case 'relation':
    case 'etherHost':
    case 'etherBroadcast':
    case 'etherMulticast':
    case 'length':
      return true;
    default:
      return false;
  }
}

/**
 * `vlan [id]` (IEEE 802.1Q clause 9.6): the frame carries a tag (TPID 0x8100, 0x88a8 or 0x9100), with that VLAN
 * id if given. As in libpcap, whatever the expression tests after a `vlan` is read four bytes further on,
 * matched or not (`vlan 100 and tcp port 80`; `vlan and vlan` for QinQ; libpcap's `vlan 1 or vlan 2` tests the
 * second id on the inner tag): the packet's view drops the tag's four bytes. libpcap shifts at compile time, we
 * when the primitive runs, which differs only where `and`/`or` skip a `vlan` that a later one follows.
 */
function vlanTest(id: number | null): Test {
  return (s) => {
    if (!captured(s, OFF_ETHERTYPE, 2)) return UNKNOWN;
    const tpid = u16(s, OFF_ETHERTYPE);
    let result = tpid === 0x8100 || tpid === 0x88a8 || tpid === 0x9100 ? YES : NO;
    if (result === YES && id !== null) {
      if (!captured(s, OFF_ETHERTYPE + 2 + VlanField.VlanId, 2)) result = UNKNOWN;
      else if ((u16(s, OFF_ETHERTYPE + 2 + VlanField.VlanId) & 0xfff) !== id) result = NO;
    }
    s.skipVlanTag();
    return result;
  };
}

/** Compiles an AST to a predicate. It reads the frame in place and allocates nothing. */
export function compileFilter(node: FilterNode): Predicate {
  const test = compileNode(node);
  return (s) => {
    const result = test(s) === YES;
    s.restore();
    return result;
  };
}

function compileNode(node: FilterNode): Test {
  switch (node.kind) {
    case 'and':
      return and(compileNode(node.left), compileNode(node.right));
    case 'or':
      return or(compileNode(node.left), compileNode(node.right), ordered(node.left) || ordered(node.right));
    case 'not': {
      const operand = compileNode(node.operand);
      return (s) => {
        const v = operand(s);
        return v === UNKNOWN ? UNKNOWN : v === YES ? NO : YES;
      };
    }
    case 'proto':
      switch (node.proto) {
        case 'arp':
          return etherTypeIs(EtherType.Arp);
        case 'icmp':
          return and(isIpv4, byteIs(OFF_IP_PROTO, IpProtocol.Icmp));
        case 'icmp6':
          return ipv6Carries(IpProtocol.Icmpv6);
        case 'ip6':
          return isIpv6;
        case 'tcp':
        case 'udp': {
          // libpcap's `tcp`/`udp` cover IPv4's protocol and IPv6's next header.
          const protocol = node.proto === 'tcp' ? IpProtocol.Tcp : IpProtocol.Udp;
          return or(and(isIpv4, byteIs(OFF_IP_PROTO, protocol)), ipv6Carries(protocol));
        }
        default:
          return isIpv4;
      }
    case 'ipProto':
      return and(isIpv4, byteIs(OFF_IP_PROTO, node.value));
    case 'etherProto':
      return etherTypeIs(node.value);
    case 'ip6Proto':
      return ipv6Carries(node.value);
    case 'net6':
      return and(isIpv6, matchDirection(node.dir, ipv6AddressIs(OFF_IP6_SRC, node.address, node.prefix), ipv6AddressIs(OFF_IP6_DST, node.address, node.prefix)));
    case 'length': {
      const value = node.value;
      return node.op === 'less' ? (s) => (s.len <= value ? YES : NO) : (s) => (s.len >= value ? YES : NO);
    }
    case 'relation':
      return compileRelation(node.op, node.left, node.right);
    case 'etherBroadcast':
      // All ones (IEEE 802.3 clause 3.2.3).
      return (s) => (!captured(s, EthernetField.DstAddr, 6) ? UNKNOWN : u48(s, EthernetField.DstAddr) === 0xffff_ffff_ffff ? YES : NO);
    case 'etherMulticast':
      // The group bit: the lowest bit of the first byte (IEEE 802.3 clause 3.2.3).
      return (s) => (!captured(s, EthernetField.DstAddr, 1) ? UNKNOWN : u8(s, EthernetField.DstAddr) & 1 ? YES : NO);
    case 'ipMulticast':
      // Class D, 224.0.0.0/4 (RFC 5771).
      return and(isIpv4, (s) => (!captured(s, OFF_IP_DST, 1) ? UNKNOWN : u8(s, OFF_IP_DST) >= 224 ? YES : NO));
    case 'vlan':
      return vlanTest(node.id);
    case 'etherHost': {
      const address = node.address;
      const at = (offset: number): Test => (s) => (!captured(s, offset, 6) ? UNKNOWN : u48(s, offset) === address ? YES : NO);
      return matchDirection(node.dir, at(EthernetField.SrcAddr), at(EthernetField.DstAddr));
    }
    case 'host':
    case 'net': {
      const mask = node.kind === 'net' ? node.mask | 0 : -1;
      const value = (node.kind === 'net' ? node.network : node.address) | 0;
      const ip = and(isIpv4, matchDirection(node.dir, addressIs(OFF_IP_SRC, mask, value), addressIs(OFF_IP_DST, mask, value)));
      const arpAddresses = matchDirection(node.dir, addressIs(OFF_ARP_SPA, mask, value), addressIs(OFF_ARP_TPA, mask, value));
      const arp = and(etherTypeIs(EtherType.Arp), arpAddresses);
      if (node.proto === 'ip') return ip;
      if (node.proto === 'arp') return arp;
      // libpcap's `host` and `net` cover IPv4, ARP and RARP.
      return or(ip, or(arp, and(etherTypeIs(EtherType.Rarp), arpAddresses)));
    }
    case 'port': {
      const ports = matchDirection(node.dir, ipv4Port(PORT_SRC, node.low, node.high), ipv4Port(PORT_DST, node.low, node.high));
      const protocols =
        node.proto === 'tcp'
          ? byteIs(OFF_IP_PROTO, IpProtocol.Tcp)
          : node.proto === 'udp'
            ? byteIs(OFF_IP_PROTO, IpProtocol.Udp)
            : or(byteIs(OFF_IP_PROTO, IpProtocol.Tcp), or(byteIs(OFF_IP_PROTO, IpProtocol.Udp), byteIs(OFF_IP_PROTO, IpProtocol.Sctp)));
      const ports6 = matchDirection(node.dir, ipv6Port(PORT_SRC, node.low, node.high), ipv6Port(PORT_DST, node.low, node.high));
      const protocols6 =
        node.proto === 'tcp'
          ? byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Tcp)
          : node.proto === 'udp'
            ? byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Udp)
            : or(byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Tcp), or(byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Udp), byteIs(OFF_IP6_NEXT_HEADER, IpProtocol.Sctp)));
      return or(and(isIpv4, and(protocols, ports)), and(isIpv6, and(protocols6, ports6)));
    }
  }
}

/** Parses and compiles in one step; null for an empty filter (every packet matches). */
export function buildFilter(text: string): Predicate | null {
  if (text.trim() === '') return null;
  return compileFilter(parseFilter(text));
}
