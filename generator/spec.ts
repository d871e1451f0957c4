// Reads a spec file (YAML) into a checked model, reporting every problem with its file, line and
// column. Nothing here knows TypeScript: emit.ts turns the model into code.
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLError, type YAMLMap } from 'yaml';
import { exprNames, parseComparison, parseExpr, type Comparison, type Expr } from './expr.js';

export type FieldType = 'u8' | 'u16' | 'u32' | 'mac' | 'ipv4' | 'ipv6';
export const FIELD_TYPES: FieldType[] = ['u8', 'u16', 'u32', 'mac', 'ipv4', 'ipv6'];
export const FIELD_SIZES: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, mac: 6, ipv4: 4, ipv6: 16 };

/** The check errors a rule may return: the WireError members of the runtime. */
export const CHECK_ERRORS = ['Truncated', 'Malformed', 'BadVersion', 'Unrecognized'];

/** Where something is in a spec file (1-based). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

export interface Problem extends Position {
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

export interface FlagSpec {
  name: string;
  /** Bit number in the containing field, 0 being its most significant bit (RFC diagram order). */
  bit: number;
  doc: string;
  pos: Position;
}

export interface FieldSpec {
  name: string;
  offset: number;
  type: FieldType;
  /** First and last bit (RFC order: 0 is the most significant bit of the field), or null for the whole field. */
  bits: { first: number; last: number } | null;
  scale: number;
  raw: string | null;
  alias: string | null;
  enumName: string | null;
  doc: string;
  flags: FlagSpec[];
  pos: Position;
  /** Where the enum reference is, for messages about it. */
  enumPos: Position;
}

export interface EnumValueSpec {
  name: string;
  value: number;
  /** Written in hexadecimal in the spec (so it is in the generated enum too). */
  hex: boolean;
  label: string;
  doc: string;
  pos: Position;
}

export interface EnumSpec {
  name: string;
  doc: string;
  values: EnumValueSpec[];
  /** The spec module that defines it (other modules import it from there). */
  module: string;
  pos: Position;
}

export interface CheckSpec {
  rule: Comparison;
  /** The YAML node of the rule, for positions of names in it. */
  node: Node;
  error: string;
  doc: string;
  pos: Position;
}

export interface ChecksumSpec {
  field: string;
  fieldPos: Position;
  over: Expr;
  protocol: number | null;
  zeroMeansNone: boolean;
  doc: string;
  pos: Position;
}

export interface OptionFieldSpec {
  name: string;
  /** Offset from the start of the option's data (after kind and length). */
  offset: number;
  type: 'u8' | 'u16' | 'u32';
  doc: string;
  pos: Position;
}

export interface OptionKindSpec {
  kind: string;
  value: number;
  /** Exact total length (kind and length bytes included), or null for block lists. */
  length: number | null;
  fields: OptionFieldSpec[];
  blocks: { size: number; count: string; doc: string; fields: OptionFieldSpec[] } | null;
  pos: Position;
}

export interface OptionsSpec {
  iterator: string;
  kindEnum: string;
  start: number;
  end: Expr;
  endOfList: string;
  noOperation: string;
  endOfListValue: number;
  noOperationValue: number;
  doc: string;
  kinds: OptionKindSpec[];
  pos: Position;
}

export interface HeaderSpec {
  /** The spec file as named in generated headers (e.g. `spec/udp.yaml`). */
  file: string;
  /** Output module name, the spec file's base name (`udp` gives `udp.ts`). */
  module: string;
  name: string;
  doc: string;
  minLength: number;
  headerLength: Expr;
  payloadEnd: Expr | null;
  checks: CheckSpec[];
  fields: FieldSpec[];
  enums: EnumSpec[];
  checksum: ChecksumSpec | null;
  options: OptionsSpec | null;
  /**
   * Byte order of the u16 and u32 fields: 'big' (network order, the default) or 'little', for the few
   * host-order headers the stack meets (Linux's virtio-net header on a tap).
   */
  byteOrder: 'big' | 'little';
  pos: Position;
}

const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const MEMBER_NAME = /^[a-z][A-Za-z0-9]*$/;

/** Members every view class has, which no field may shadow. */
const VIEW_MEMBERS = [
  'bytes',
  'dataView',
  'offset',
  'length',
  'init',
  'check',
  'newChecked',
  'headerLength',
  'payloadOffset',
  'payloadLength',
  'verifyChecksum',
  'fillChecksum',
  'optionsOffset',
  'optionsLength',
  'constructor',
];

/** Reads one YAML document, collecting problems instead of stopping at the first. */
class SpecReader {
  readonly problems: Problem[] = [];
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  pos(node: Node | Pair | null | undefined): Position {
    let offset = 0;
    if (node && 'range' in node && node.range) offset = node.range[0];
    else if (node && 'key' in node && node.key && (node.key as Node).range) offset = (node.key as Node).range![0];
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  problem(at: Node | Pair | Position | null | undefined, message: string): void {
    const pos = at && 'file' in at ? at : this.pos(at as Node | Pair | null | undefined);
    this.problems.push({ ...pos, message });
  }

  parse(): YAMLMap | null {
    const doc = parseDocument(this.text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      // One mistake, one message: the parser's later errors follow from its first (a tab used as
      // indentation also breaks the mapping it is in).
      const { offset, message } = syntaxProblem(this.text, doc, doc.errors[0]!);
      const at = this.lines.linePos(offset);
      this.problems.push({ file: this.file, line: at.line, col: at.col, message: `YAML syntax error: ${message}` });
      return null;
    }
    if (!isMap(doc.contents)) {
      this.problem(doc.contents, 'a spec must be a mapping with at least the keys name, doc, minLength, headerLength and fields');
      return null;
    }
    return doc.contents;
  }

  /** Checks that `map` has only the `allowed` keys; `what` names the map in messages. */
  keys(map: YAMLMap, what: string, allowed: string[]): void {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (!allowed.includes(key)) {
        const near = closest(key, allowed);
        const hint = near === null ? `expected one of ${allowed.join(', ')}` : `did you mean "${near}"?`;
        this.problem(pair.key as Node, `unknown key "${key}" in ${what}; ${hint}`);
      }
    }
  }

  node(map: YAMLMap, key: string): Node | undefined {
    return map.get(key, true) as Node | undefined;
  }

  required(map: YAMLMap, key: string, what: string): Node | undefined {
    const node = this.node(map, key);
    if (node === undefined || (isScalar(node) && node.value === null)) {
      this.problem(map, `${what} is missing the required key "${key}"`);
      return undefined;
    }
    return node;
  }

  string(map: YAMLMap, key: string, what: string, required: true): string | undefined;
  string(map: YAMLMap, key: string, what: string, required: false): string | null | undefined;
  string(map: YAMLMap, key: string, what: string, required: boolean): string | null | undefined {
    const node = required ? this.required(map, key, what) : this.node(map, key);
    if (node === undefined) return required ? undefined : null;
    if (!isScalar(node) || typeof node.value !== 'string') {
      this.problem(node, `"${key}" of ${what} must be a string`);
      return undefined;
    }
    return node.value;
  }

  integer(map: YAMLMap, key: string, what: string, required: true): number | undefined;
  integer(map: YAMLMap, key: string, what: string, required: false): number | null | undefined;
  integer(map: YAMLMap, key: string, what: string, required: boolean): number | null | undefined {
    const node = required ? this.required(map, key, what) : this.node(map, key);
    if (node === undefined) return required ? undefined : null;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < 0) {
      this.problem(node, `"${key}" of ${what} must be a non-negative integer, not ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  boolean(map: YAMLMap, key: string, what: string): boolean | undefined {
    const node = this.node(map, key);
    if (node === undefined) return false;
    if (!isScalar(node) || typeof node.value !== 'boolean') {
      this.problem(node, `"${key}" of ${what} must be true or false, not ${describe(node)}`);
      return undefined;
    }
    return node.value;
  }

  /** A name that must match `pattern`; `kind` says what sort of name for the message. */
  name(map: YAMLMap, key: string, what: string, pattern: RegExp, kind: string): string | undefined {
    const value = this.string(map, key, what, true);
    if (value === undefined) return undefined;
    if (!pattern.test(value)) {
      this.problem(this.node(map, key), `"${value}" is not a valid ${kind}`);
      return undefined;
    }
    return value;
  }

  expr(map: YAMLMap, key: string, what: string, required: boolean): Expr | null | undefined {
    const node = required ? this.required(map, key, what) : this.node(map, key);
    if (node === undefined) return required ? undefined : null;
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      this.problem(node, `"${key}" of ${what} must be an expression such as "headerLen" or "8 + 2 * hardwareLen"`);
      return undefined;
    }
    const parsed = parseExpr(String(node.value));
    if (typeof parsed === 'string') {
      this.problem(node, parsed);
      return undefined;
    }
    return parsed;
  }

  seq(map: YAMLMap, key: string, what: string, required: boolean): YAMLMap[] {
    const node = required ? this.required(map, key, what) : this.node(map, key);
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.problem(node, `"${key}" of ${what} must be a list`);
      return [];
    }
    const maps: YAMLMap[] = [];
    for (const item of node.items) {
      if (isMap(item)) maps.push(item);
      else this.problem(item as Node, `each entry of "${key}" in ${what} must be a mapping`);
    }
    return maps;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/**
 * Where a YAML syntax error is, and what it is. The parser notices an unclosed "[", "{" or quote only
 * where the text stops making sense, often the end of the file: point at the opening character instead.
 */
function syntaxProblem(text: string, doc: Document, error: YAMLError): { offset: number; message: string } {
  let opener: { start: number; message: string } | null = null;
  visit(doc, {
    Node(_key, node) {
      const range = node.range;
      if (!range || range[0] >= error.pos[0] || range[1] < error.pos[0]) return;
      if (opener !== null && opener.start > range[0]) return;
      const source = text.slice(range[0], range[1]).trimEnd();
      if (isCollection(node) && node.flow) {
        const [open, close, kind] = isSeq(node) ? ['[', ']', 'list'] : ['{', '}', 'mapping'];
        if (source.startsWith(open) && !source.endsWith(close)) {
          opener = { start: range[0], message: `"${open}" opened here is not closed; end the ${kind} with "${close}"` };
        }
      } else if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) {
        const quote = node.type === 'QUOTE_DOUBLE' ? '"' : "'";
        if (source.length < 2 || !source.endsWith(quote)) {
          opener = { start: range[0], message: `the string opened here with ${quote} is not closed; end it with ${quote}` };
        }
      }
    },
  });
  const found = opener as { start: number; message: string } | null;
  return found === null ? { offset: error.pos[0], message: firstLine(error.message) } : { offset: found.start, message: found.message };
}

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours each count 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate `word` is most likely a misspelling of (at most 2 edits, and fewer than half its letters), or null. */
function closest(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.ceil(word.length / 2) - 1);
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance && (best === null || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function describe(node: Node): string {
  if (isScalar(node)) return JSON.stringify(node.value);
  return isSeq(node) ? 'a list' : 'a mapping';
}

function docText(reader: SpecReader, map: YAMLMap, what: string): string {
  const doc = reader.string(map, 'doc', what, true);
  return doc === undefined ? '' : doc.trim();
}

function parseBits(reader: SpecReader, map: YAMLMap, what: string): { first: number; last: number } | null | undefined {
  const node = reader.node(map, 'bits');
  if (node === undefined) return null;
  const text = isScalar(node) ? String(node.value) : '';
  const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(text);
  if (!m) {
    reader.problem(node, `"bits" of ${what} must be a bit range such as 0-3 or a single bit number, not ${describe(node)}`);
    return undefined;
  }
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (last < first) {
    reader.problem(node, `"bits" of ${what} runs backwards (${first}-${last}); write the lower bit number first`);
    return undefined;
  }
  return { first, last };
}

/** Bits a field occupies, as [byte, mask] pairs relative to the header, for overlap detection. */
function occupiedBits(field: FieldSpec): Map<number, number> {
  const size = FIELD_SIZES[field.type];
  const width = size * 8;
  const first = field.bits ? field.bits.first : 0;
  const last = field.bits ? field.bits.last : width - 1;
  const out = new Map<number, number>();
  for (let bit = first; bit <= last; bit++) {
    const byte = field.offset + (bit >> 3);
    out.set(byte, (out.get(byte) ?? 0) | (0x80 >> (bit & 7)));
  }
  return out;
}

/** Reads and validates one spec; resolveSpecs() then resolves what it refers to in other specs. */
export function readSpec(file: string, text: string, module: string): { spec: HeaderSpec | null; problems: Problem[] } {
  const reader = new SpecReader(file, text);
  const root = reader.parse();
  if (root === null) return { spec: null, problems: reader.problems };
  reader.keys(root, 'the spec', ['name', 'doc', 'minLength', 'headerLength', 'payloadEnd', 'checks', 'fields', 'enums', 'checksum', 'options', 'byteOrder']);

  const name = reader.name(root, 'name', 'the spec', TYPE_NAME, 'class name (use UpperCamelCase, e.g. VxlanHeader)') ?? 'Invalid';
  const doc = docText(reader, root, 'the spec');
  const minLength = reader.integer(root, 'minLength', 'the spec', true) ?? 0;
  const headerLength = reader.expr(root, 'headerLength', 'the spec', true) ?? null;
  const payloadEnd = reader.expr(root, 'payloadEnd', 'the spec', false) ?? null;

  // Names already taken in the class, with where they were declared, for duplicate detection.
  const taken = new Map<string, Position>();
  // A field may itself be the header length (IPv4's IHL, TCP's Data Offset, in bytes): named
  // headerLength and given as the spec's headerLength, it is the view's headerLength accessor.
  const headerLengthIsField = headerLength !== null && headerLength.source.trim() === 'headerLength';
  const claim = (memberName: string, at: Position): void => {
    if (VIEW_MEMBERS.includes(memberName) && !(memberName === 'headerLength' && headerLengthIsField)) {
      reader.problem(at, `"${memberName}" is a name every view already has; choose another name`);
      return;
    }
    const before = taken.get(memberName);
    if (before) reader.problem(at, `duplicate name "${memberName}": already declared at line ${before.line}`);
    else taken.set(memberName, at);
  };

  const fields: FieldSpec[] = [];
  // Names of fields already reported as wrong: a rule or checksum that uses one is not wrong as well.
  const rejected = new Set<string>();
  for (const map of reader.seq(root, 'fields', 'the spec', true)) {
    const field = readField(reader, map, minLength, claim);
    if (field) {
      fields.push(field);
      continue;
    }
    for (const key of ['name', 'raw', 'alias']) {
      const node = reader.node(map, key);
      if (isScalar(node) && typeof node.value === 'string') rejected.add(node.value);
    }
  }
  // Overlaps: compare every pair of fields bit by bit.
  const owners = new Map<number, { field: FieldSpec; mask: number }[]>();
  for (const field of fields) {
    for (const [byte, mask] of occupiedBits(field)) {
      const list = owners.get(byte) ?? [];
      const clash = list.find((o) => (o.mask & mask) !== 0);
      if (clash) {
        reader.problem(field.pos, `field "${field.name}" overlaps field "${clash.field.name}" at byte ${byte}; give each bit to one field (use flags for single bits inside a field)`);
        break;
      }
      list.push({ field, mask });
      owners.set(byte, list);
    }
  }

  const enums: EnumSpec[] = [];
  for (const map of reader.seq(root, 'enums', 'the spec', false)) {
    const e = readEnum(reader, map, module);
    if (e) enums.push(e);
  }

  const checks: CheckSpec[] = [];
  for (const map of reader.seq(root, 'checks', 'the spec', false)) {
    const what = 'a check';
    reader.keys(map, what, ['require', 'error', 'doc']);
    const requireText = reader.string(map, 'require', what, true);
    const error = reader.string(map, 'error', what, true);
    const checkDoc = docText(reader, map, what);
    if (error !== undefined && !CHECK_ERRORS.includes(error)) {
      reader.problem(reader.node(map, 'error'), `unknown error "${error}"; expected one of ${CHECK_ERRORS.join(', ')}`);
    }
    if (requireText === undefined || error === undefined) continue;
    const rule = parseComparison(requireText);
    if (typeof rule === 'string') {
      reader.problem(reader.node(map, 'require'), rule);
      continue;
    }
    checks.push({ rule, node: reader.node(map, 'require')!, error, doc: checkDoc, pos: reader.pos(reader.node(map, 'require')) });
  }

  let checksum: ChecksumSpec | null = null;
  const checksumNode = reader.node(root, 'checksum');
  if (checksumNode !== undefined) {
    if (!isMap(checksumNode)) reader.problem(checksumNode, '"checksum" must be a mapping with the keys field, over and doc');
    else checksum = readChecksum(reader, checksumNode);
  }

  let options: OptionsSpec | null = null;
  const optionsNode = reader.node(root, 'options');
  if (optionsNode !== undefined) {
    if (!isMap(optionsNode)) reader.problem(optionsNode, '"options" must be a mapping');
    else options = readOptions(reader, optionsNode);
  }

  let byteOrder: 'big' | 'little' = 'big';
  const orderText = reader.string(root, 'byteOrder', 'the spec', false);
  if (typeof orderText === 'string') {
    const orderNode = reader.node(root, 'byteOrder');
    if (orderText === 'little' || orderText === 'big') byteOrder = orderText;
    else reader.problem(orderNode, `unknown byteOrder "${orderText}"; expected big (network order, the default) or little`);
    if (byteOrder === 'little') {
      // Little-endian accessors exist for whole u8, u16 and u32 fields only: what host-order headers have.
      if (checksum !== null || options !== null) reader.problem(orderNode, 'byteOrder little is for plain headers: no checksum and no options');
      for (const f of fields) {
        if (f.type !== 'u8' && f.type !== 'u16' && f.type !== 'u32') reader.problem(f.pos, `field "${f.name}" is of type ${f.type}, which has no little-endian form; byteOrder little takes u8, u16 and u32 fields`);
        else if (f.bits !== null && f.type !== 'u8') reader.problem(f.pos, `field "${f.name}" takes bits of a ${f.type}; with byteOrder little only u8 fields may be split into bits`);
      }
    }
  }

  // Names an expression may use: fields (and their raw and alias names), length, headerLength.
  const valueNames = new Set<string>(['length']);
  for (const f of fields) {
    valueNames.add(f.name);
    if (f.raw) valueNames.add(f.raw);
    if (f.alias) valueNames.add(f.alias);
  }
  const known = (n: string, allowHeaderLength: boolean): boolean => valueNames.has(n) || (allowHeaderLength && n === 'headerLength');
  const checkNames = (expr: Expr | null, at: Node | Position | undefined, allowHeaderLength: boolean, display = expr?.source): void => {
    if (!expr) return;
    for (const n of exprNames(expr)) {
      if (known(n, allowHeaderLength) || rejected.has(n)) continue;
      const place = namePosition(reader, at, n);
      const fieldFlag = fields.some((f) => f.flags.some((fl) => fl.name === n));
      const near = closest(n, allowHeaderLength ? [...valueNames, 'headerLength'] : valueNames);
      const hint = fieldFlag
        ? `"${n}" is a flag, not a number`
        : near !== null
          ? `did you mean "${near}"?`
          : `use a field name, length${allowHeaderLength ? ' or headerLength' : ''}`;
      reader.problem(place, `unknown name "${n}" in "${display}"; ${hint}`);
    }
  };
  // An expression with an unknown name is reported as such; whether a rule bounds it cannot be judged.
  const allKnown = (expr: Expr, allowHeaderLength: boolean): boolean => exprNames(expr).every((n) => known(n, allowHeaderLength));
  checkNames(headerLength, reader.node(root, 'headerLength'), false);
  // A checked view promises that its header and payload lie inside it: a length that depends on
  // the bytes needs a rule bounding it by the view's length.
  // The side a check bounds by the view's length (`x <= length`, `length > x`), if it has that shape.
  const boundedSide = (c: CheckSpec): Expr | null => {
    const { left, op, right } = c.rule;
    if ((op === '<=' || op === '<') && right.source === 'length') return left;
    if ((op === '>=' || op === '>') && left.source === 'length') return right;
    return null;
  };
  // A bounding check with an unknown name is the one mistake there: no advice to add a check it may be.
  const misspelledBound = checks.some((c) => {
    const side = boundedSide(c);
    return side !== null && !allKnown(side, true);
  });
  const bounded = (expr: Expr, alias: string | null): boolean =>
    !allKnown(expr, true) ||
    misspelledBound ||
    checks.some((c) => {
      const side = boundedSide(c);
      return side !== null && (sameExpr(side, expr) || (alias !== null && side.source === alias));
    });
  const fixedHeader = headerLength !== null && headerLength.terms.every((t) => t.every((f) => f.kind === 'int'));
  const fixedValue = fixedHeader ? headerLength!.terms.reduce((sum, t) => sum + t.reduce((p, f) => p * (f.kind === 'int' ? f.value : 1), 1), 0) : 0;
  if (headerLength && (!fixedHeader || fixedValue > minLength) && !bounded(headerLength, 'headerLength')) {
    reader.problem(reader.node(root, 'headerLength'), `headerLength "${headerLength.source}" may exceed the view; add a check { require: ${headerLength.source} <= length, error: Truncated }`);
  }
  if (payloadEnd && !bounded(payloadEnd, null)) {
    reader.problem(reader.node(root, 'payloadEnd'), `payloadEnd "${payloadEnd.source}" may exceed the view; add a check { require: ${payloadEnd.source} <= length, error: Truncated }`);
  }
  checkNames(payloadEnd, reader.node(root, 'payloadEnd'), true);
  for (const c of checks) {
    checkNames(c.rule.left, c.node, true, c.rule.source);
    checkNames(c.rule.right, c.node, true, c.rule.source);
  }
  if (checksum) {
    checkNames(checksum.over, checksum.pos, true);
    const target = fields.find((f) => f.name === checksum!.field);
    if (!target && rejected.has(checksum.field)) {
      // reported where the field is
    } else if (!target) reader.problem(checksum.fieldPos, `checksum field "${checksum.field}" is not a field of ${name}`);
    else if (target.type !== 'u16' || target.bits) reader.problem(checksum.fieldPos, `checksum field "${checksum.field}" must be a whole u16 field`);
  }
  if (options) {
    checkNames(options.end, options.pos, true);
    if (options.start > minLength) {
      reader.problem(options.pos, `options start at byte ${options.start}, beyond the header's minLength ${minLength}; start them inside the fixed header`);
    }
    for (const kind of options.kinds) {
      const blockCount = kind.blocks ? [{ name: kind.blocks.count, offset: 0, type: 'u8' as const, doc: '', pos: kind.pos }] : [];
      for (const f of [...kind.fields, ...blockCount, ...(kind.blocks?.fields ?? [])]) claimOption(reader, f, taken);
    }
  }

  const spec: HeaderSpec = {
    file,
    module,
    name,
    doc,
    minLength,
    headerLength: headerLength ?? { source: '0', terms: [[{ kind: 'int', value: 0 }]] },
    payloadEnd,
    checks,
    fields,
    enums,
    checksum,
    options,
    byteOrder,
    pos: reader.pos(root),
  };
  return { spec, problems: reader.problems };
}

function sameExpr(a: Expr, b: Expr): boolean {
  return a.source.replace(/\s+/g, '') === b.source.replace(/\s+/g, '');
}

/** Position of `name` inside a one-line plain or quoted scalar, else of the node itself. */
function namePosition(reader: SpecReader, at: Node | Position | undefined, name: string): Node | Position | undefined {
  if (!at || 'file' in at || !isScalar(at) || typeof at.value !== 'string' || !at.range) return at;
  const source = reader.text.slice(at.range[0], at.range[1]);
  const index = source.search(new RegExp(`\\b${name}\\b`));
  if (index < 0 || source.slice(0, index).includes('\n')) return at;
  const start = reader.pos(at);
  return { ...start, col: start.col + index };
}

function claimOption(reader: SpecReader, f: OptionFieldSpec, taken: Map<string, Position>): void {
  const key = `option ${f.name}`;
  const before = taken.get(key);
  if (before) reader.problem(f.pos, `duplicate name "${f.name}": already declared at line ${before.line}`);
  else taken.set(key, f.pos);
  const reserved = ['bytes', 'dataView', 'kind', 'optionLength', 'valueOffset', 'valueLength', 'error', 'init', 'initRaw', 'start', 'next', 'malformed', 'position', 'end'];
  if (reserved.includes(f.name)) reader.problem(f.pos, `"${f.name}" is a name every option iterator already has; choose another name`);
  if (f.type === 'u32') {
    // The int32 reader every u32 option field gets.
    const readerKey = `option ${f.name}I32`;
    const clash = taken.get(readerKey);
    if (clash) reader.problem(f.pos, `"${f.name}" needs the name "${f.name}I32" for its int32 reader, already declared at line ${clash.line}`);
    else taken.set(readerKey, f.pos);
  }
}

function readField(
  reader: SpecReader,
  map: YAMLMap,
  minLength: number,
  claim: (name: string, at: Position) => void,
): FieldSpec | null {
  const label = reader.node(map, 'name');
  const what = isScalar(label) ? `field "${String(label.value)}"` : 'a field';
  reader.keys(map, what, ['name', 'offset', 'type', 'bits', 'scale', 'raw', 'alias', 'enum', 'doc', 'flags']);
  const name = reader.name(map, 'name', what, MEMBER_NAME, 'field name (use lowerCamelCase, e.g. srcPort)');
  const offset = reader.integer(map, 'offset', what, true);
  const typeText = reader.string(map, 'type', what, true);
  const doc = docText(reader, map, what);
  const pos = reader.pos(map);
  let type: FieldType | undefined;
  if (typeText !== undefined) {
    if ((FIELD_TYPES as string[]).includes(typeText)) type = typeText as FieldType;
    else reader.problem(reader.node(map, 'type'), `${what} has unknown type "${typeText}"; expected one of ${FIELD_TYPES.join(', ')}`);
  }
  const bits = parseBits(reader, map, what);
  const scale = reader.integer(map, 'scale', what, false);
  const raw = reader.node(map, 'raw') ? reader.name(map, 'raw', what, MEMBER_NAME, 'raw accessor name (use lowerCamelCase)') : null;
  const alias = reader.node(map, 'alias') ? reader.name(map, 'alias', what, MEMBER_NAME, 'alias name (use lowerCamelCase)') : null;
  const enumName = reader.node(map, 'enum') ? reader.name(map, 'enum', what, TYPE_NAME, 'enum name (use UpperCamelCase)') : null;
  if (name === undefined || offset === undefined || type === undefined || bits === undefined) return null;
  claim(name, pos);
  if (raw) claim(raw, reader.pos(reader.node(map, 'raw')));
  if (alias) claim(alias, reader.pos(reader.node(map, 'alias')));
  if ((type === 'u32' || type === 'ipv4') && (bits === null || (bits.first === 0 && bits.last === 31))) claim(`${name}I32`, pos);
  if (type === 'mac' || type === 'ipv6') {
    claim(`copy${upperFirst(name)}To`, pos);
    claim(`set${upperFirst(name)}From`, pos);
  }
  if (type === 'mac') {
    claim(`${name}High`, pos);
    claim(`${name}Low`, pos);
  }
  if (type === 'ipv6') claim(`${name}Offset`, pos);

  const width = FIELD_SIZES[type] * 8;
  let ok = true;
  // Bits covering the whole field are the whole field.
  const wholeField = bits && bits.first === 0 && bits.last === width - 1;
  if (bits) {
    if (type === 'mac' || type === 'ipv4' || type === 'ipv6') {
      reader.problem(reader.node(map, 'bits'), `${what} is of type ${type}, which has no bit ranges; use u8, u16 or u32`);
      ok = false;
    } else if (bits.last >= width) {
      reader.problem(reader.node(map, 'bits'), `${what} has bits ${bits.first}-${bits.last}, past the ${width} bits of a ${type}`);
      ok = false;
    }
  }
  if (offset + FIELD_SIZES[type] > minLength) {
    reader.problem(reader.node(map, 'offset'), `${what} ends at byte ${offset + FIELD_SIZES[type]}, beyond the header's minLength ${minLength}; raise minLength or move the field`);
    ok = false;
  }
  if ((scale !== null || raw !== null) && (scale === null || scale === undefined || scale < 1)) {
    reader.problem(map, `${what} has "raw" without "scale"; add "scale" (a positive integer, the bytes one unit of the field counts) or drop "raw"`);
    ok = false;
  }
  if (enumName && (type === 'mac' || type === 'ipv4' || type === 'ipv6')) {
    reader.problem(reader.node(map, 'enum'), `${what} is of type ${type} and cannot be an enum`);
    ok = false;
  }
  const flags: FlagSpec[] = [];
  for (const fm of reader.seq(map, 'flags', what, false)) {
    const fl = reader.node(fm, 'name');
    const fwhat = isScalar(fl) ? `flag "${String(fl.value)}"` : 'a flag';
    reader.keys(fm, fwhat, ['name', 'bit', 'doc']);
    const fname = reader.name(fm, 'name', fwhat, MEMBER_NAME, 'flag name (use lowerCamelCase)');
    const bit = reader.integer(fm, 'bit', fwhat, true);
    const fdoc = docText(reader, fm, fwhat);
    if (fname === undefined || bit === undefined) continue;
    const fpos = reader.pos(fm);
    claim(fname, fpos);
    const first = bits ? bits.first : 0;
    const last = bits ? bits.last : width - 1;
    if (bit < first || bit > last) {
      reader.problem(reader.node(fm, 'bit'), `${fwhat} is bit ${bit}, outside bits ${first}-${last} of field "${name}"`);
      ok = false;
      continue;
    }
    flags.push({ name: fname, bit, doc: fdoc, pos: fpos });
  }
  if (flags.length > 0 && (type === 'mac' || type === 'ipv4' || type === 'ipv6')) {
    reader.problem(map, `${what} is of type ${type} and cannot carry flags`);
    ok = false;
  }
  if (!ok) return null;
  return { name, offset, type, bits: wholeField ? null : bits, scale: scale ?? 1, raw: raw ?? null, alias: alias ?? null, enumName: enumName ?? null, doc, flags, pos, enumPos: reader.pos(reader.node(map, 'enum')) };
}

function readEnum(reader: SpecReader, map: YAMLMap, module: string): EnumSpec | null {
  const label = reader.node(map, 'name');
  const what = isScalar(label) ? `enum "${String(label.value)}"` : 'an enum';
  reader.keys(map, what, ['name', 'doc', 'values']);
  const name = reader.name(map, 'name', what, TYPE_NAME, 'enum name (use UpperCamelCase)');
  const doc = docText(reader, map, what);
  const values: EnumValueSpec[] = [];
  const names = new Map<string, Position>();
  const numbers = new Map<number, string>();
  for (const vm of reader.seq(map, 'values', what, true)) {
    const vl = reader.node(vm, 'name');
    const vwhat = isScalar(vl) ? `value "${String(vl.value)}" of ${what}` : `a value of ${what}`;
    reader.keys(vm, vwhat, ['name', 'value', 'label', 'doc']);
    const vname = reader.name(vm, 'name', vwhat, TYPE_NAME, 'enum member name (use UpperCamelCase)');
    const value = reader.integer(vm, 'value', vwhat, true);
    const vlabel = reader.string(vm, 'label', vwhat, false);
    const vdoc = docText(reader, vm, vwhat);
    if (vname === undefined || value === undefined || vlabel === undefined) continue;
    const pos = reader.pos(vm);
    const before = names.get(vname);
    if (before) {
      reader.problem(pos, `duplicate name "${vname}": already declared at line ${before.line}`);
      continue;
    }
    names.set(vname, pos);
    const same = numbers.get(value);
    if (same !== undefined) {
      reader.problem(reader.node(vm, 'value'), `${vwhat} repeats the value ${value} of "${same}"; each value needs one name`);
      continue;
    }
    numbers.set(value, vname);
    const valueNode = reader.node(vm, 'value');
    const hex = isScalar(valueNode) && valueNode.format === 'HEX';
    values.push({ name: vname, value, hex, label: vlabel ?? vname, doc: vdoc, pos });
  }
  if (name === undefined) return null;
  return { name, doc, values, module, pos: reader.pos(map) };
}

function readChecksum(reader: SpecReader, map: YAMLMap): ChecksumSpec | null {
  const what = 'the checksum';
  reader.keys(map, what, ['field', 'over', 'pseudoHeader', 'zeroMeansNone', 'doc']);
  const field = reader.string(map, 'field', what, true);
  const over = reader.expr(map, 'over', what, true);
  const doc = docText(reader, map, what);
  const zeroMeansNone = reader.boolean(map, 'zeroMeansNone', what);
  let protocol: number | null = null;
  const pseudo = reader.node(map, 'pseudoHeader');
  if (pseudo !== undefined) {
    if (!isMap(pseudo)) reader.problem(pseudo, '"pseudoHeader" must be a mapping with the key protocol');
    else {
      reader.keys(pseudo, 'the pseudo-header', ['protocol']);
      protocol = reader.integer(pseudo, 'protocol', 'the pseudo-header', true) ?? null;
    }
  }
  if (field === undefined || !over || zeroMeansNone === undefined) return null;
  return { field, fieldPos: reader.pos(reader.node(map, 'field')), over, protocol, zeroMeansNone, doc, pos: reader.pos(map) };
}

function readOptionField(reader: SpecReader, map: YAMLMap, what: string): OptionFieldSpec | null {
  const label = reader.node(map, 'name');
  const fwhat = isScalar(label) ? `option field "${String(label.value)}"` : `a field of ${what}`;
  reader.keys(map, fwhat, ['name', 'offset', 'type', 'doc']);
  const name = reader.name(map, 'name', fwhat, MEMBER_NAME, 'field name (use lowerCamelCase)');
  const offset = reader.integer(map, 'offset', fwhat, true);
  const type = reader.string(map, 'type', fwhat, true);
  const doc = docText(reader, map, fwhat);
  if (type !== undefined && type !== 'u8' && type !== 'u16' && type !== 'u32') {
    reader.problem(reader.node(map, 'type'), `${fwhat} has unknown type "${type}"; expected one of u8, u16, u32`);
    return null;
  }
  if (name === undefined || offset === undefined || type === undefined) return null;
  return { name, offset, type, doc, pos: reader.pos(map) };
}

function readOptions(reader: SpecReader, map: YAMLMap): OptionsSpec | null {
  const what = 'the options';
  reader.keys(map, what, ['iterator', 'kindEnum', 'start', 'end', 'endOfList', 'noOperation', 'doc', 'kinds']);
  const iterator = reader.name(map, 'iterator', what, TYPE_NAME, 'class name (use UpperCamelCase)');
  const kindEnum = reader.name(map, 'kindEnum', what, TYPE_NAME, 'enum name (use UpperCamelCase)');
  const start = reader.integer(map, 'start', what, true);
  const end = reader.expr(map, 'end', what, true);
  const endOfList = reader.name(map, 'endOfList', what, TYPE_NAME, 'enum member name');
  const noOperation = reader.name(map, 'noOperation', what, TYPE_NAME, 'enum member name');
  const doc = docText(reader, map, what);
  const kinds: OptionKindSpec[] = [];
  for (const km of reader.seq(map, 'kinds', what, false)) {
    const kl = reader.node(km, 'kind');
    const kwhat = isScalar(kl) ? `option kind "${String(kl.value)}"` : 'an option kind';
    reader.keys(km, kwhat, ['kind', 'length', 'fields', 'blocks']);
    const kind = reader.name(km, 'kind', kwhat, TYPE_NAME, 'enum member name');
    const length = reader.integer(km, 'length', kwhat, false);
    const fields: OptionFieldSpec[] = [];
    for (const fm of reader.seq(km, 'fields', kwhat, false)) {
      const f = readOptionField(reader, fm, kwhat);
      if (f) fields.push(f);
    }
    let blocks: OptionKindSpec['blocks'] = null;
    const bnode = reader.node(km, 'blocks');
    if (bnode !== undefined) {
      if (!isMap(bnode)) reader.problem(bnode, '"blocks" must be a mapping with the keys size, count, doc and fields');
      else {
        const bwhat = `the blocks of ${kwhat}`;
        reader.keys(bnode, bwhat, ['size', 'count', 'doc', 'fields']);
        const size = reader.integer(bnode, 'size', bwhat, true);
        const count = reader.name(bnode, 'count', bwhat, MEMBER_NAME, 'accessor name (use lowerCamelCase)');
        const bdoc = docText(reader, bnode, bwhat);
        const bfields: OptionFieldSpec[] = [];
        for (const fm of reader.seq(bnode, 'fields', bwhat, true)) {
          const f = readOptionField(reader, fm, bwhat);
          if (f) bfields.push(f);
        }
        if (size !== undefined && count !== undefined) blocks = { size, count, doc: bdoc, fields: bfields };
      }
    }
    if (kind === undefined || length === undefined) continue;
    if ((length === null) === (blocks === null)) {
      reader.problem(km, `${kwhat} needs exactly one of "length" (the option's exact length) and "blocks" (a list of fixed-size blocks)`);
      continue;
    }
    const dataLength = length === null ? blocks!.size : length - 2;
    for (const f of [...fields, ...(blocks?.fields ?? [])]) {
      if (f.offset + FIELD_SIZES[f.type] > dataLength) {
        reader.problem(f.pos, `option field "${f.name}" ends at data byte ${f.offset + FIELD_SIZES[f.type]}, beyond the ${dataLength} data bytes of ${kwhat}`);
      }
    }
    kinds.push({ kind, value: -1, length, fields, blocks, pos: reader.pos(km) });
  }
  if (!iterator || !kindEnum || start === undefined || !end || !endOfList || !noOperation) return null;
  return { iterator, kindEnum, start, end, endOfList, noOperation, endOfListValue: -1, noOperationValue: -1, doc, kinds, pos: reader.pos(map) };
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The name of a spec's field-offset object: the view's name without a trailing Packet, Frame or Header, then
 * Field (Ipv4Packet: Ipv4Field, EthernetFrame: EthernetField).
 */
export function fieldOffsetsName(viewName: string): string {
  const base = viewName.replace(/(Packet|Frame|Header)$/, '');
  return `${base === '' ? viewName : base}Field`;
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Resolves what one spec refers to in another (enums) and checks names that must be unique across
 * all specs of a run, since generated/index.ts re-exports every module.
 */
export function resolveSpecs(specs: HeaderSpec[]): Problem[] {
  const problems: Problem[] = [];
  const enums = new Map<string, EnumSpec>();
  const globals = new Map<string, Position>();
  const global = (name: string, at: Position): void => {
    const before = globals.get(name);
    if (before) problems.push({ ...at, message: `duplicate name "${name}": already declared at ${before.file}:${before.line}` });
    else globals.set(name, at);
  };
  for (const spec of specs) {
    global(spec.name, spec.pos);
    global(fieldOffsetsName(spec.name), spec.pos);
    if (spec.options) global(spec.options.iterator, spec.options.pos);
    for (const e of spec.enums) {
      global(e.name, e.pos);
      global(`${lowerFirst(e.name)}Name`, e.pos);
      if (!enums.has(e.name)) enums.set(e.name, e);
    }
  }
  for (const spec of specs) {
    for (const f of spec.fields) {
      if (!f.enumName) continue;
      const e = enums.get(f.enumName);
      if (!e) {
        problems.push({ ...f.enumPos, message: `field "${f.name}" refers to unknown enum "${f.enumName}"; define it under "enums" in one of the specs` });
        continue;
      }
      const width = f.bits ? f.bits.last - f.bits.first + 1 : FIELD_SIZES[f.type] * 8;
      for (const v of e.values) {
        if (v.value >= 2 ** width) {
          problems.push({ ...v.pos, message: `value "${v.name}" (${v.value}) of enum "${e.name}" does not fit in the ${width} bits of field "${f.name}"` });
        }
      }
    }
    const o = spec.options;
    if (o) {
      const e = enums.get(o.kindEnum);
      if (!e) {
        problems.push({ ...o.pos, message: `options refer to unknown enum "${o.kindEnum}"; define it under "enums" in one of the specs` });
        continue;
      }
      const member = (name: string, at: Position): number => {
        const v = e.values.find((x) => x.name === name);
        if (!v) problems.push({ ...at, message: `"${name}" is not a member of enum "${e.name}"` });
        return v ? v.value : -1;
      };
      o.endOfListValue = member(o.endOfList, o.pos);
      o.noOperationValue = member(o.noOperation, o.pos);
      for (const k of o.kinds) k.value = member(k.kind, k.pos);
    }
  }
  return problems;
}
