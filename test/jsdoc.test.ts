// Every public member of the package has JSDoc (issue 7): each declaration an entry of package.json's
// `exports` makes public, wherever it is declared, with its public class members (inherited ones and
// constructor parameter properties included; a setter shares its getter's doc), interface members
// (inherited ones included), members of object-literal type aliases, and enum members. A doc counts
// only if it says something: `/** */` or a tag without text does not. Members marked @internal are not
// public; the second test keeps their list short and deliberate, the third proves the check can fail.
import {
  Node,
  Project,
  SyntaxKind,
  type ClassDeclaration,
  type ConstructorDeclaration,
  type ParameterDeclaration,
  type SourceFile,
} from 'ts-morph';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The source module of each public entry: `./dist/src/wire/index.js` is `src/wire/index.ts`. */
function entrySources(): string[] {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, unknown> };
  const out: string[] = [];
  for (const target of Object.values(pkg.exports)) {
    if (typeof target !== 'object' || target === null) continue;
    const js = (target as { import?: string }).import;
    if (js) out.push(`${root}${js.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}`);
  }
  return out;
}

function isInternal(node: Node): boolean {
  return Node.isJSDocable(node) && node.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === 'internal'));
}

/** Text of a tag, not counting @internal (which documents nothing for a user). */
function tagText(tag: { getTagName(): string; getCommentText(): string | undefined }): string {
  return tag.getTagName() === 'internal' ? '' : (tag.getCommentText() ?? '').trim();
}

/** A JSDoc comment with some text: a description, or a tag that says something (`@param x the ...`). */
function hasDoc(node: Node): boolean {
  return (
    Node.isJSDocable(node) &&
    node.getJsDocs().some((doc) => doc.getDescription().trim() !== '' || doc.getTags().some((t) => tagText(t) !== ''))
  );
}

/**
 * ts-morph does not treat parameters as JSDocable: a parameter property is documented by its own
 * `/** ... *\/` or by its constructor's `@param name text` (editors show either on the property).
 */
function parameterDocumented(p: ParameterDeclaration, ctor: ConstructorDeclaration): boolean | 'internal' {
  const own = ((p.compilerNode as { jsDoc?: { getText(): string }[] }).jsDoc ?? []).map((d) => d.getText()).join('\n');
  if (/@internal\b/.test(own)) return 'internal';
  if (own.replace(/^\/\*\*|\*\/$|^\s*\*/gm, '').trim() !== '') return true;
  return ctor
    .getJsDocs()
    .some((doc) =>
      doc.getTags().some((t) => Node.isJSDocParameterTag(t) && t.getName() === p.getName() && tagText(t) !== ''),
    );
}

interface Findings {
  /** `file:line Name.member` of every public declaration without a doc. */
  missing: string[];
  /** `Name.member` of every member skipped because it is marked @internal. */
  internal: string[];
}

function check(entries: SourceFile[], base: string): Findings {
  const missing = new Set<string>();
  const internal = new Set<string>();
  const at = (node: Node): string =>
    `${node.getSourceFile().getFilePath().slice(base.length)}:${node.getStartLineNumber()}`;

  const checkClass = (name: string, c: ClassDeclaration): void => {
    // The class's own members, then those it inherits: a user calls both on an instance.
    for (let cls: ClassDeclaration | undefined = c; cls !== undefined; cls = cls.getBaseClass()) {
      const getters = new Set(cls.getGetAccessors().map((g) => g.getName()));
      for (const m of cls.getMembers()) {
        if (Node.isClassStaticBlockDeclaration(m)) continue;
        if (Node.isSetAccessorDeclaration(m) && getters.has(m.getName())) continue;
        if (m.hasModifier(SyntaxKind.PrivateKeyword) || m.hasModifier(SyntaxKind.ProtectedKeyword)) continue;
        const memberName = Node.isConstructorDeclaration(m)
          ? 'constructor'
          : (m as unknown as { getName(): string }).getName();
        if (memberName.startsWith('#')) continue;
        if (Node.isConstructorDeclaration(m)) {
          if (cls !== c) continue; // a subclass's constructor replaces it
          for (const p of m.getParameters()) {
            if (!p.isParameterProperty()) continue;
            if (p.hasModifier(SyntaxKind.PrivateKeyword) || p.hasModifier(SyntaxKind.ProtectedKeyword)) continue;
            const documented = parameterDocumented(p, m);
            if (documented === 'internal') internal.add(`${name}.${p.getName()}`);
            else if (!documented) missing.add(`${at(p)} ${name}.${p.getName()}`);
          }
          if (m.getParameters().length === 0) continue;
        }
        if (isInternal(m)) {
          internal.add(`${cls.getName()}.${memberName}`);
          continue;
        }
        if (!hasDoc(m)) missing.add(`${at(m)} ${cls === c ? name : cls.getName()}.${memberName}`);
      }
    }
  };

  const checkMembers = (name: string, members: Node[]): void => {
    for (const m of members) {
      const memberName = (m as unknown as { getName?(): string }).getName?.() ?? m.getKindName();
      if (!hasDoc(m)) missing.add(`${at(m)} ${name}.${memberName}`);
    }
  };

  for (const entry of entries) {
    for (const [name, declarations] of entry.getExportedDeclarations()) {
      for (const d of declarations) {
        const documented = Node.isVariableDeclaration(d) ? hasDoc(d.getVariableStatementOrThrow()) : hasDoc(d);
        if (!documented) missing.add(`${at(d)} ${name}`);
        if (Node.isClassDeclaration(d)) checkClass(name, d);
        if (Node.isInterfaceDeclaration(d)) {
          checkMembers(name, d.getMembers());
          // Inherited members, from every interface of ours up the chain.
          const bases = d.getBaseDeclarations();
          for (let b = bases.pop(); b !== undefined; b = bases.pop()) {
            if (!Node.isInterfaceDeclaration(b) || b.getSourceFile().isInNodeModules()) continue;
            checkMembers(b.getName(), b.getMembers());
            bases.push(...b.getBaseDeclarations());
          }
        }
        if (Node.isTypeAliasDeclaration(d)) {
          const type = d.getTypeNode();
          if (type !== undefined && Node.isTypeLiteral(type)) checkMembers(name, type.getMembers());
        }
        if (Node.isEnumDeclaration(d)) checkMembers(name, d.getMembers());
      }
    }
  }
  return { missing: [...missing].sort(), internal: [...internal].sort() };
}

function checkPackage(): Findings {
  const project = new Project({ tsConfigFilePath: `${root}tsconfig.json`, skipAddingFilesFromTsConfig: true });
  const entries = entrySources().map((path) => project.addSourceFileAtPath(path));
  project.resolveSourceFileDependencies();
  assert.ok(entries.length >= 6, `only ${entries.length} entries found in package.json's exports`);
  return check(entries, root);
}

test('every declaration a package entry exports, and its public members, has JSDoc', () => {
  const { missing } = checkPackage();
  assert.equal(missing, [], `${missing.length} without JSDoc:\n${missing.join('\n')}`);
});

test('@internal marks only plumbing: token bodies, middleware hooks, shared buffers, the stack driving its objects', () => {
  // A member marked @internal is exempt from the check above, so each one is a decision made here, in
  // review: it must be public for TypeScript (a token or a module-level function reaches it, or the
  // NetStack drives its connections, servers and endpoints after each poll), and a user has no reason
  // to call or change it.
  const { internal } = checkPackage();
  assert.equal(internal, [
    'DeviceWrapper.acceptReceived',
    'DeviceWrapper.dropOnTransmit',
    'DeviceWrapper.frameReceived',
    'DeviceWrapper.frameTransmitted',
    'DeviceWrapper.junk',
    'FaultInjector.acceptReceived',
    'FaultInjector.dropOnTransmit',
    'FaultInjector.frameTransmitted',
    'FaultInjector.junk',
    'FaultInjector.rxBuffer',
    'FaultInjector.rxLength',
    'FdDevice.rxBuffer',
    'FdDevice.rxLength',
    'FdDevice.send',
    'FdDevice.txBuffer',
    'Loopback.consumeHead',
    'Loopback.enqueue',
    'TcpConnection.done',
    'TcpConnection.fail',
    'TcpConnection.opened',
    'TcpConnection.service',
    'TcpServer.finished',
    'TcpServer.releaseSocket',
    'TcpServer.service',
    'Tracer.frameReceived',
    'Tracer.frameTransmitted',
    'UdpEndpoint.service',
  ]);
});

test('the check finds each kind of undocumented declaration', () => {
  const project = new Project({ useInMemoryFileSystem: true });
  project.createSourceFile(
    '/base.ts',
    `/** Base. */
export class Base {
  inherited(): void {}
  /** Documented. */
  documented(): void {}
}
`,
  );
  const entry = project.createSourceFile(
    '/index.ts',
    `import { Base } from './base';
export class Bare {}
/** A class. */
export class Widget extends Base {
  /** */
  emptyDoc = 1;
  /** @param x */
  tagOnly(x: number): void {}
  noDoc = 2;
  set setterOnly(v: number) {}
  /** @internal */
  plumbing = 3;
  private hidden = 4;
  protected alsoHidden = 5;
  #own = 6;
  /**
   * Makes one.
   * @param tagged the tagged parameter
   */
  constructor(
    readonly param: number,
    /** Has a doc. */ readonly documentedParam: number,
    readonly tagged: number,
    private secret: number,
  ) {
    super();
  }
}
/** Options. */
export interface Options extends Parent { member: number }
interface Parent extends Grandparent { parentMember: number }
interface Grandparent { grandparentMember: number }
/** Shape. */
export type Shape = { field: number };
/** Colours. */
export enum Colour { Red }
export const constant = 1;
export function fn(): void {}
`,
  );
  const { missing, internal } = check([entry], '/');
  assert.equal(
    missing.map((m) => m.replace(/^\S+ /, '')).sort(),
    [
      'Bare',
      'Base.inherited',
      'Colour.Red',
      'Grandparent.grandparentMember',
      'Options.member',
      'Parent.parentMember',
      'Shape.field',
      'Widget.emptyDoc',
      'Widget.noDoc',
      'Widget.param',
      'Widget.setterOnly',
      'Widget.tagOnly',
      'constant',
      'fn',
    ].sort(),
  );
  assert.equal(internal, ['Widget.plumbing']);
});

test.run();
