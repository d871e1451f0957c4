// Every public member of the TCP socket layer and the assembler has JSDoc, as the wire layer's (issue 7):
// exported declarations, their public class members (a setter shares its getter's doc) and enum members.
import { Node, Project, SyntaxKind } from 'ts-morph';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL("../../..", import.meta.url));
const EXCLUDED: string[] = [];

function hasDoc(node: Node): boolean {
  return Node.isJSDocable(node) && node.getJsDocs().length > 0;
}

test('every exported declaration and public member in src/socket/tcp and the assembler has JSDoc', () => {
  const project = new Project({ skipAddingFilesFromTsConfig: true });
  const files = project.addSourceFilesAtPaths([`${root}src/socket/tcp/**/*.ts`, `${root}src/storage/assembler.ts`]);
  assert.ok(files.length >= 9);
  
  const missing: string[] = [];
  for (const file of files) {
    const where = file.getFilePath().slice(root.length);
    if (EXCLUDED.includes(where)) continue;
    for (const [name, declarations] of file.getExportedDeclarations()) {
      for (const d of declarations) {
        if (d.getSourceFile() !== file) continue; // re-exported: checked where it is declared
        const documented = Node.isVariableDeclaration(d) ? hasDoc(d.getVariableStatementOrThrow()) : hasDoc(d);
        if (!documented) missing.push(`${where}:${d.getStartLineNumber()} ${name}`);
        if (Node.isClassDeclaration(d)) {
          for (const m of d.getMembers()) {
            if (Node.isSetAccessorDeclaration(m) || Node.isClassStaticBlockDeclaration(m) || m.hasModifier(SyntaxKind.PrivateKeyword)) continue;
            if (Node.isConstructorDeclaration(m) && m.getParameters().length === 0) continue;
            const memberName = Node.isConstructorDeclaration(m) ? 'constructor' : ((m as unknown as { getName(): string }).getName?.() ?? '?');
            if (!hasDoc(m)) missing.push(`${where}:${m.getStartLineNumber()} ${name}.${memberName}`);
          }
        }
        if (Node.isEnumDeclaration(d)) {
          for (const m of d.getMembers()) if (!hasDoc(m)) missing.push(`${where}:${m.getStartLineNumber()} ${name}.${m.getName()}`);
        }
      }
    }
  }
  assert.equal(missing, [], `without JSDoc:\n${missing.join('\n')}`);
});

test.run();
