/**
 * Finding a TODO-style comment on a line of source, in any language whose comments are
 * known (or guessed, for languages not in the table). Pure and bounded: it reads the line
 * asked about and at most a few dozen around it, so a code action provider can call it
 * whenever VS Code asks without scanning the document.
 */

/** How a language writes comments. */
export interface CommentSyntax {
  /** Tokens that start a comment running to the end of the line. */
  readonly line: readonly string[];
  /** Opening and closing delimiters of block comments. */
  readonly block: readonly (readonly [string, string])[];
}

/** A document as far as this module reads it: line count and one line at a time. */
export interface TextLines {
  readonly lineCount: number;
  lineAt(line: number): string;
}

export type TodoMarker = 'TODO' | 'FIXME' | 'HACK' | 'XXX';

export interface TodoComment {
  readonly marker: TodoMarker;
  /** The comment from the marker on, delimiters and decoration removed, lines joined with `\n`. */
  readonly text: string;
  /** Zero-based, inclusive: the marker's line and the last line of the comment's text. */
  readonly startLine: number;
  readonly endLine: number;
}

const C_LIKE: CommentSyntax = { line: ['//'], block: [['/*', '*/']] };
const HASH: CommentSyntax = { line: ['#'], block: [] };
const DASHES: CommentSyntax = { line: ['--'], block: [] };
const SEMICOLON: CommentSyntax = { line: [';'], block: [] };
const PERCENT: CommentSyntax = { line: ['%'], block: [] };
const MARKUP: CommentSyntax = { line: [], block: [['<!--', '-->']] };
const WEB_COMPONENT: CommentSyntax = {
  line: ['//'],
  block: [
    ['/*', '*/'],
    ['<!--', '-->'],
  ],
};

const SYNTAX_BY_LANGUAGE: Readonly<Record<string, CommentSyntax>> = {
  c: C_LIKE,
  cpp: C_LIKE,
  'cuda-cpp': C_LIKE,
  csharp: C_LIKE,
  java: C_LIKE,
  javascript: C_LIKE,
  javascriptreact: C_LIKE,
  typescript: C_LIKE,
  typescriptreact: C_LIKE,
  jsonc: C_LIKE,
  go: C_LIKE,
  rust: C_LIKE,
  swift: C_LIKE,
  kotlin: C_LIKE,
  scala: C_LIKE,
  dart: C_LIKE,
  groovy: C_LIKE,
  'objective-c': C_LIKE,
  'objective-cpp': C_LIKE,
  zig: C_LIKE,
  solidity: C_LIKE,
  proto3: C_LIKE,
  hlsl: C_LIKE,
  glsl: C_LIKE,
  less: C_LIKE,
  scss: C_LIKE,
  css: { line: [], block: [['/*', '*/']] },
  php: { line: ['//', '#'], block: [['/*', '*/']] },
  fsharp: { line: ['//'], block: [['(*', '*)']] },
  ocaml: { line: [], block: [['(*', '*)']] },
  vue: WEB_COMPONENT,
  svelte: WEB_COMPONENT,
  html: MARKUP,
  xml: MARKUP,
  xsl: MARKUP,
  markdown: MARKUP,
  python: HASH,
  shellscript: HASH,
  perl: HASH,
  r: HASH,
  yaml: HASH,
  toml: HASH,
  dockerfile: HASH,
  makefile: HASH,
  cmake: HASH,
  elixir: HASH,
  nim: HASH,
  graphql: HASH,
  ignore: HASH,
  properties: { line: ['#', '!'], block: [] },
  ruby: { line: ['#'], block: [['=begin', '=end']] },
  powershell: { line: ['#'], block: [['<#', '#>']] },
  julia: { line: ['#'], block: [['#=', '=#']] },
  coffeescript: { line: ['#'], block: [['###', '###']] },
  sql: { line: ['--'], block: [['/*', '*/']] },
  lua: { line: ['--'], block: [['--[[', ']]']] },
  haskell: { line: ['--'], block: [['{-', '-}']] },
  elm: { line: ['--'], block: [['{-', '-}']] },
  ada: DASHES,
  clojure: SEMICOLON,
  lisp: SEMICOLON,
  scheme: SEMICOLON,
  ini: { line: [';', '#'], block: [] },
  erlang: PERCENT,
  latex: PERCENT,
  tex: PERCENT,
  matlab: { line: ['%'], block: [['%{', '%}']] },
  vb: { line: ["'"], block: [] },
  bat: { line: ['REM ', 'rem ', '::'], block: [] },
  handlebars: {
    line: [],
    block: [
      ['{{!--', '--}}'],
      ['{{!', '}}'],
    ],
  },
  razor: {
    line: ['//'],
    block: [
      ['@*', '*@'],
      ['/*', '*/'],
    ],
  },
};

/** For a language not in the table: the comment forms most languages use. */
const GUESSED: CommentSyntax = {
  line: ['//', '#', '--', ';', '%'],
  block: [
    ['/*', '*/'],
    ['<!--', '-->'],
  ],
};

/** Languages that have no comments at all: a marker there is text, not a note to act on. */
const WITHOUT_COMMENTS: ReadonlySet<string> = new Set(['plaintext', 'json', 'csv', 'tsv', 'log', 'diff', 'binary']);

/** The comment syntax of a VS Code language id, guessed when unknown; undefined when the language has no comments. */
export function commentSyntaxFor(languageId: string): CommentSyntax | undefined {
  if (WITHOUT_COMMENTS.has(languageId)) return undefined;
  return SYNTAX_BY_LANGUAGE[languageId] ?? GUESSED;
}

const MARKER = /\b(TODO|FIXME|HACK|XXX)\b/;
/** How far up a block comment's opening is looked for, and how far down its text is followed. */
const BLOCK_SCAN_LINES = 40;
const MAX_COMMENT_LINES = 8;
/** Longer lines are not scanned for comments (minified code, data). */
const MAX_SCANNED_LINE_CHARS = 2_000;

/**
 * The TODO/FIXME/HACK/XXX comment whose marker is on `line`, if the marker stands inside
 * a comment (not in code or a string). Its text runs on over the comment's following
 * lines: the rest of a block comment, or the line comments right below that carry no
 * marker of their own.
 */
export function findTodoComment(lines: TextLines, line: number, syntax: CommentSyntax): TodoComment | undefined {
  if (line < 0 || line >= lines.lineCount) return undefined;
  const text = lines.lineAt(line);
  if (text.length > MAX_SCANNED_LINE_CHARS) return undefined;
  for (const match of text.matchAll(new RegExp(MARKER.source, 'g'))) {
    const at = match.index;
    const marker = match[1] as TodoMarker;
    const lineToken = lineCommentBefore(text, at, syntax);
    if (lineToken !== undefined) return lineCommentTodo(lines, line, at, marker, lineToken, syntax);
    const close = openBlockAt(lines, line, at, syntax);
    if (close !== undefined) return blockCommentTodo(lines, line, at, marker, close);
  }
  return undefined;
}

/** The line-comment token that starts a comment before `at` on this line (outside strings). */
function lineCommentBefore(text: string, at: number, syntax: CommentSyntax): string | undefined {
  let best: { readonly index: number; readonly token: string } | undefined;
  for (const token of syntax.line) {
    let index = text.indexOf(token);
    while (index >= 0 && index < at) {
      if (!insideString(text, index, token) && (best === undefined || index < best.index)) {
        best = { index, token };
        break;
      }
      index = text.indexOf(token, index + 1);
    }
  }
  // A block comment opened and closed before the line comment does not matter; one still open hides it.
  if (best === undefined) return undefined;
  return openBlockOnLine(text.slice(0, best.index), syntax) === undefined ? best.token : undefined;
}

/** Whether `index` falls inside a string literal, by the parity of the quotes before it (a heuristic). */
function insideString(text: string, index: number, token: string): boolean {
  const before = text.slice(0, index);
  for (const quote of ['"', "'", '`']) {
    if (token.includes(quote)) continue;
    const count = before.split(quote).length - 1 - (before.split(`\\${quote}`).length - 1);
    if (count % 2 === 1) return true;
  }
  return false;
}

/** The closing delimiter of a block comment still open at the end of `text`, if any. */
function openBlockOnLine(text: string, syntax: CommentSyntax, open?: string): string | undefined {
  let cursor = 0;
  let closing: string | undefined = open;
  while (cursor < text.length) {
    if (closing !== undefined) {
      const end = text.indexOf(closing, cursor);
      if (end < 0) return closing;
      cursor = end + closing.length;
      closing = undefined;
      continue;
    }
    let next: { readonly index: number; readonly close: string; readonly length: number } | undefined;
    for (const [opening, close] of syntax.block) {
      const index = text.indexOf(opening, cursor);
      if (index >= 0 && !insideString(text, index, opening) && (next === undefined || index < next.index))
        next = { index, close, length: opening.length };
    }
    if (next === undefined) return undefined;
    cursor = next.index + next.length;
    closing = next.close;
  }
  return closing;
}

/** The closing delimiter when position `at` of `line` is inside a block comment (opened on this line or above). */
function openBlockAt(lines: TextLines, line: number, at: number, syntax: CommentSyntax): string | undefined {
  if (syntax.block.length === 0) return undefined;
  const carried = openBlockAbove(lines, line, syntax);
  return openBlockOnLine(lines.lineAt(line).slice(0, at), syntax, carried);
}

/** The block comment still open at the start of `line`, looking back a bounded number of lines. */
function openBlockAbove(lines: TextLines, line: number, syntax: CommentSyntax): string | undefined {
  const first = Math.max(0, line - BLOCK_SCAN_LINES);
  // Find the nearest line above that opens or closes a block; only from there is the state known.
  for (let start = line - 1; start >= first; start--) {
    const text = lines.lineAt(start);
    if (!syntax.block.some(([open, close]) => text.includes(open) || text.includes(close))) continue;
    let open: string | undefined;
    for (let index = start; index < line; index++) {
      const current = lines.lineAt(index);
      if (current.length > MAX_SCANNED_LINE_CHARS) return undefined;
      open = openBlockOnLine(current, syntax, open);
    }
    return open;
  }
  return undefined;
}

function lineCommentTodo(
  lines: TextLines,
  line: number,
  at: number,
  marker: TodoMarker,
  token: string,
  syntax: CommentSyntax,
): TodoComment {
  const parts = [lines.lineAt(line).slice(at).trim()];
  let endLine = line;
  for (let next = line + 1; next < lines.lineCount && parts.length < MAX_COMMENT_LINES; next++) {
    const trimmed = lines.lineAt(next).trim();
    if (!trimmed.startsWith(token)) break;
    const body = stripDecoration(trimmed.slice(token.length));
    if (body === '' || MARKER.test(body) || openBlockOnLine(body, syntax) !== undefined) break;
    parts.push(body);
    endLine = next;
  }
  return { marker, text: parts.join('\n'), startLine: line, endLine };
}

function blockCommentTodo(lines: TextLines, line: number, at: number, marker: TodoMarker, close: string): TodoComment {
  const parts: string[] = [];
  let endLine = line;
  for (let current = line; current < lines.lineCount && current < line + MAX_COMMENT_LINES; current++) {
    const raw = current === line ? lines.lineAt(line).slice(at) : lines.lineAt(current);
    const end = raw.indexOf(close);
    const inside = end >= 0 ? raw.slice(0, end) : raw;
    const body = current === line ? inside.trim() : stripDecoration(inside);
    if (body !== '') {
      parts.push(body);
      endLine = current;
    }
    if (end >= 0) break;
  }
  return { marker, text: parts.join('\n'), startLine: line, endLine };
}

/** A comment line without the leading `*`, `#`, `/` or `-` runs that decorate many comment styles. */
function stripDecoration(text: string): string {
  return text.replace(/^\s*[*#/!-]*\s?/, '').trim();
}
