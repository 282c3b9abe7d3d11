/**
 * The size rule: no source file over 500 lines (i18n catalogs, the drizzle schema and the
 * generated API types excepted) and no function over 150 lines. Functions are counted by the
 * TypeScript parser: declarations, methods, arrows and function expressions, from their first
 * line to their last; a test suite's `describe` callback is a container and is not counted
 * (its cases are).
 *
 * `bun scripts/size-check.ts` lists what is over and exits 1 if anything is;
 * `--report` lists it and exits 0 (to plan a clean-up).
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 150;
const ROOTS = ['engine/', 'server/', 'editor/src/', 'sop-library/', 'test/', 'scripts/'];
const EXEMPT = [
  /(^|\/)i18n\//,
  /(^|\/)locales?\//,
  /\/db\/schema[^/]*\.ts$/,
  /\/shared\/api\/openapi\.d\.ts$/,
  /\/drizzle\//,
];

export type Oversize =
  | { kind: 'file'; path: string; lines: number }
  | { kind: 'function'; path: string; name: string; line: number; lines: number };

/** The files and functions in `files` (path and text) that break the size rule. */
export function oversize(files: { path: string; text: string }[]): Oversize[] {
  const out: Oversize[] = [];
  for (const { path, text } of files) {
    if (EXEMPT.some((re) => re.test(path))) continue;
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) out.push({ kind: 'file', path, lines });
    const kind = path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const src = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body && !isSuite(node)) {
        const first = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
        const last = src.getLineAndCharacterOfPosition(node.getEnd()).line;
        const n = last - first + 1;
        if (n > MAX_FUNCTION_LINES) {
          out.push({ kind: 'function', path, name: functionName(node), line: first + 1, lines: n });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  return out;
}

// a test suite's `describe` callback is a container of cases, not a function with logic of
// its own: its cases (`it`, `test`) are counted, the container is not
function isSuite(node: ts.Node): boolean {
  const call = node.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  const callee = call.expression;
  const head = ts.isCallExpression(callee) ? callee.expression : callee;
  return /^describe(\.|$)/.test(head.getText());
}

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  if (parent && ts.isCallExpression(parent)) {
    const callee = parent.expression.getText();
    return `(callback of ${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee})`;
  }
  return '(anonymous)';
}

function trackedSources(): string[] {
  const ls = Bun.spawnSync(['git', 'ls-files', '--cached', '--others', '--exclude-standard']);
  return new TextDecoder()
    .decode(ls.stdout)
    .split('\n')
    .filter((p) => /\.(ts|tsx|mts|cts)$/.test(p) && ROOTS.some((r) => p.startsWith(r)));
}

if (import.meta.main) {
  const report = process.argv.includes('--report');
  const found = oversize(
    trackedSources().map((path) => ({ path, text: readFileSync(path, 'utf8') })),
  );
  const files = found.filter((f) => f.kind === 'file');
  const fns = found.filter((f) => f.kind === 'function');
  for (const f of files) console.log(`${f.path}: ${f.lines} lines (over ${MAX_FILE_LINES})`);
  for (const f of fns) {
    if (f.kind !== 'function') continue;
    console.log(`${f.path}:${f.line}: ${f.name} is ${f.lines} lines (over ${MAX_FUNCTION_LINES})`);
  }
  console.log(
    `size-check: ${files.length} files over ${MAX_FILE_LINES} lines, ${fns.length} functions over ${MAX_FUNCTION_LINES} lines`,
  );
  if (found.length > 0 && !report) process.exit(1);
}
