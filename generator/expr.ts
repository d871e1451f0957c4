// The small expression language of specs: a sum of products of integers and names, as in
// `8 + 2 * hardwareLen + 2 * protocolLen`, and comparisons of two such sums for check rules, as
// in `totalLen <= length`. Names are resolved later, against the header's fields.

/** One factor: an integer literal or a name (a field, `length` or `headerLength`). */
export type Factor = { kind: 'int'; value: number } | { kind: 'name'; name: string };

/** A sum of products: terms[i] is a product of its factors. */
export interface Expr {
  source: string;
  terms: Factor[][];
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Comparison {
  source: string;
  left: Expr;
  op: CompareOp;
  right: Expr;
}

const COMPARE_OPS: CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];

/** Parses `a + 2 * b`; returns a sentence saying what is wrong instead when it is not an expression. */
export function parseExpr(source: string, whole = source): Expr | string {
  const text = source.trim();
  if (text === '') return 'an expression is empty; write an integer, a field name, or a sum such as "8 + 2 * hardwareLen"';
  const terms: Factor[][] = [];
  for (const termText of text.split('+')) {
    const factors: Factor[] = [];
    for (const raw of termText.split('*')) {
      const token = raw.trim();
      if (/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(token)) {
        factors.push({ kind: 'int', value: Number(token) });
      } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) {
        factors.push({ kind: 'name', name: token });
      } else {
        return `"${whole.trim()}" is not an expression: "${token}" is neither an integer nor a name (only + and * are allowed)`;
      }
    }
    terms.push(factors);
  }
  return { source: text, terms };
}

/** Parses `left op right` for a check rule. */
export function parseComparison(source: string): Comparison | string {
  for (const op of COMPARE_OPS) {
    const at = source.indexOf(op);
    if (at < 0) continue;
    const left = parseExpr(source.slice(0, at), source);
    if (typeof left === 'string') return left;
    const right = parseExpr(source.slice(at + op.length), source);
    if (typeof right === 'string') return right;
    return { source: source.trim(), left, op, right };
  }
  return `"${source}" is not a comparison: write it as "<expression> <op> <expression>" with op one of ==, !=, <, <=, >, >=`;
}

/** The names an expression mentions, in order. */
export function exprNames(expr: Expr): string[] {
  const names: string[] = [];
  for (const term of expr.terms) for (const f of term) if (f.kind === 'name') names.push(f.name);
  return names;
}

/** TypeScript for the expression, each name mapped by `nameToCode`. */
export function exprToCode(expr: Expr, nameToCode: (name: string) => string): string {
  const terms = expr.terms.map((term) =>
    term.map((f) => (f.kind === 'int' ? String(f.value) : nameToCode(f.name))).join(' * '),
  );
  return terms.join(' + ');
}

/** The comparison that fails when `op` holds, for `if (fails) return error;`. */
export function negateOp(op: CompareOp): CompareOp {
  switch (op) {
    case '==':
      return '!=';
    case '!=':
      return '==';
    case '<':
      return '>=';
    case '<=':
      return '>';
    case '>':
      return '<=';
    case '>=':
      return '<';
  }
}
