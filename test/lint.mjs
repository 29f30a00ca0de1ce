// The project's lint, on the TypeScript compiler API that the project already depends on
// (no ESLint stack to install and keep in step with TypeScript). Rules:
//   no-explicit-any         `any` written anywhere (use `unknown` and narrow)
//   consistent-type-imports an import used only in type positions but not written `import type`
//   no-vscode-in-core       `vscode` imported or required under src/core/
//   no-only                 `.only` on describe/it/suite/test/context (a focused suite hides the rest)
//   no-default-export       named exports only
// Syntax only (no type check: that is `npm run check-types`), so it takes about a second.
// Prints `file:line:col  rule  message` and exits 1 when anything is found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TEST_FUNCTIONS = new Set(['describe', 'it', 'suite', 'test', 'context', 'specify']);

function typescriptFilesUnder(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...typescriptFilesUnder(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** @type {{ file: string, line: number, column: number, rule: string, message: string }[]} */
const problems = [];

function report(sourceFile, node, rule, message) {
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  problems.push({ file: relative(root, sourceFile.fileName), line: line + 1, column: character + 1, rule, message });
}

function checkSyntax(sourceFile) {
  const inCore = relative(root, sourceFile.fileName).startsWith(`src${sep}core${sep}`);
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      report(sourceFile, node, 'no-explicit-any', 'explicit `any`: use `unknown` and narrow');
    }
    if (inCore) {
      const moduleName =
        ts.isImportDeclaration(node) || ts.isExportDeclaration(node)
          ? node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
            ? node.moduleSpecifier.text
            : undefined
          : ts.isImportEqualsDeclaration(node) &&
              ts.isExternalModuleReference(node.moduleReference) &&
              ts.isStringLiteral(node.moduleReference.expression)
            ? node.moduleReference.expression.text
            : ts.isCallExpression(node) &&
                node.arguments.length === 1 &&
                ts.isStringLiteral(node.arguments[0]) &&
                ((ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
                  node.expression.kind === ts.SyntaxKind.ImportKeyword)
              ? node.arguments[0].text
              : undefined;
      if (moduleName === 'vscode') report(sourceFile, node, 'no-vscode-in-core', 'src/core must not depend on vscode');
    }
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'only' &&
      ts.isIdentifier(node.expression) &&
      TEST_FUNCTIONS.has(node.expression.text)
    ) {
      report(sourceFile, node, 'no-only', `${node.expression.text}.only focuses the run and hides every other test`);
    }
    if (ts.isExportAssignment(node) && !node.isExportEquals) {
      report(sourceFile, node, 'no-default-export', 'use a named export');
    }
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) {
      report(sourceFile, node, 'no-default-export', 'use a named export');
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
}

/** True when `identifier` sits in a type (annotation, type argument, `typeof` query, `implements`). */
function inTypePosition(identifier) {
  let node = identifier;
  for (;;) {
    const parent = node.parent;
    if (!parent) return false;
    if (ts.isExpressionWithTypeArguments(parent)) {
      const clause = parent.parent;
      return (
        ts.isHeritageClause(clause) &&
        (clause.token === ts.SyntaxKind.ImplementsKeyword || ts.isInterfaceDeclaration(clause.parent))
      );
    }
    if (ts.isTypeNode(parent)) return true;
    if (ts.isQualifiedName(parent) || (ts.isPropertyAccessExpression(parent) && parent.expression === node)) {
      node = parent;
      continue;
    }
    return false;
  }
}

/** Identifiers that are only property or member names, not references to a binding. */
function isNameOnly(identifier) {
  const parent = identifier.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isQualifiedName(parent)) return parent.right === identifier;
  return 'name' in parent && parent.name === identifier && !ts.isTypeReferenceNode(parent);
}

function checkTypeOnlyImports(sourceFile) {
  /** @type {Map<string, import('typescript').Node>} local name -> the import binding */
  const imported = new Map();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause || statement.importClause.isTypeOnly) continue;
    const clause = statement.importClause;
    if (clause.name) imported.set(clause.name.text, clause.name);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) imported.set(bindings.name.text, bindings.name);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) imported.set(element.name.text, element.name);
    }
  }
  if (imported.size === 0) return;
  /** @type {Map<string, { types: number, values: number }>} */
  const uses = new Map();
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && imported.has(node.text) && !isNameOnly(node)) {
      const counts = uses.get(node.text) ?? { types: 0, values: 0 };
      if (inTypePosition(node)) counts.types++;
      else counts.values++;
      uses.set(node.text, counts);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  for (const [name, binding] of imported) {
    const counts = uses.get(name);
    if (counts && counts.types > 0 && counts.values === 0) {
      report(
        sourceFile,
        binding,
        'consistent-type-imports',
        `${name} is used only as a type: import it with \`import type\``,
      );
    }
  }
}

const startedAt = Date.now();
const files = [...typescriptFilesUnder(join(root, 'src')), ...typescriptFilesUnder(join(root, 'test'))];
for (const file of files) {
  const sourceFile = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
  checkSyntax(sourceFile);
  checkTypeOnlyImports(sourceFile);
}

problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}  ${p.rule}  ${p.message}`);
const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
console.log(
  problems.length === 0
    ? `lint: ${files.length} files clean (${seconds} s)`
    : `lint: ${problems.length} problem(s) in ${files.length} files (${seconds} s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
