import { GoModError } from './errors.js';
import { goQuote, goQuoteRune, isGoPrint, isGoSpace } from './go-strings.js';
import { checkPathMajor, splitPathVersion } from './module-path.js';
import { canonicalVersion } from './semver.js';

/*
 * The parts of x/mod modfile the module proxy needs: modfile.ModulePath (spec §3.3), the lax
 * parser modfile.ParseLax as used for a dependency's go.mod (zip vendor rule §6.2, retractions
 * §3.6), and go/version's Lang and Compare.
 */

/** What {@link parseGoModLax} keeps of a go.mod file. */
export interface GoModLax {
  /** The `module` directive's path, unquoted. */
  module?: string;
  /** The `go` directive as written (`1.21.3`, `1.24rc1`); lax fixes such as `1.21.x` → `1.21` applied. */
  go?: string;
  require: Array<{ path: string; version: string }>;
  /** Retract intervals as written (lax mode does not canonicalise them); malformed ones are skipped. */
  retract: Array<{ low: string; high: string }>;
}

/** Token kinds besides the punctuation characters, which stand for themselves. */
const Kind = {
  EOF: 'EOF',
  EOLComment: 'EOLCOMMENT',
  Comment: 'COMMENT',
  Ident: 'IDENT',
  String: 'STRING',
} as const;

interface Token {
  kind: string;
  text: string;
  line: number;
}

function isEOL(kind: string): boolean {
  return kind === Kind.EOF || kind === Kind.EOLComment || kind === '\n';
}

function isIdent(r: string | undefined): boolean {
  if (r === undefined) return false;
  if (' ()[]{},'.includes(r)) return false;
  return !isGoSpace(r) && isGoPrint(r);
}

class Lexer {
  private readonly runes: string[];
  private pos = 0;
  private line = 1;
  token: Token = { kind: Kind.EOF, text: '', line: 1 };

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.runes = [...text];
    this.readToken();
  }

  fail(msg: string, line = this.line): never {
    throw new GoModError(`${this.file}:${line}: ${msg}`);
  }

  private peek(offset = 0): string | undefined {
    return this.runes[this.pos + offset];
  }

  private peekPrefix(prefix: string): boolean {
    return this.peek() === prefix[0] && this.peek(1) === prefix[1];
  }

  private read(): string {
    const r = this.runes[this.pos++]!;
    if (r === '\n') this.line++;
    return r;
  }

  lex(): Token {
    const tok = this.token;
    this.readToken();
    return tok;
  }

  private readToken(): void {
    while (this.pos < this.runes.length) {
      const c = this.peek()!;
      if (c === ' ' || c === '\t' || c === '\r') {
        this.read();
        continue;
      }
      if (this.peekPrefix('//')) {
        const line = this.line;
        let k = this.pos - 1;
        let suffix = false;
        for (; k >= 0 && this.runes[k] !== '\n'; k--) if (!isGoSpace(this.runes[k]!)) suffix = true;
        const start = this.pos;
        while (this.pos < this.runes.length && this.read() !== '\n') {
          // consume the comment and its newline
        }
        const text = this.runes.slice(start, this.pos).join('').replace(/\r?\n$/, '');
        this.token = { kind: suffix ? Kind.EOLComment : Kind.Comment, text, line };
        return;
      }
      if (this.peekPrefix('/*')) this.fail('mod files must use // comments (not /* */ comments)');
      break;
    }
    const line = this.line;
    const start = this.pos;
    if (this.pos >= this.runes.length) {
      this.token = { kind: Kind.EOF, text: '', line };
      return;
    }
    const c = this.peek()!;
    if ('\n()[]{},'.includes(c)) {
      this.read();
      this.token = { kind: c, text: c, line };
      return;
    }
    if (c === '"' || c === '`') {
      this.read();
      for (;;) {
        if (this.pos >= this.runes.length) this.fail('unexpected EOF in string', line);
        if (this.peek() === '\n') this.fail('unexpected newline in string');
        const r = this.read();
        if (r === c) break;
        if (r === '\\' && c !== '`') {
          if (this.pos >= this.runes.length) this.fail('unexpected EOF in string', line);
          this.read();
        }
      }
      this.token = { kind: Kind.String, text: this.runes.slice(start, this.pos).join(''), line };
      return;
    }
    if (!isIdent(c)) this.fail(`unexpected input character ${goQuoteRune(c)}`);
    while (isIdent(this.peek())) {
      if (this.peekPrefix('//')) break;
      if (this.peekPrefix('/*')) this.fail('mod files must use // comments (not /* */ comments)');
      this.read();
    }
    this.token = { kind: Kind.Ident, text: this.runes.slice(start, this.pos).join(''), line };
  }
}

interface Line {
  tokens: string[];
  line: number;
}

interface Block {
  tokens: string[];
  lines: Line[];
}

function parseSyntax(text: string, file: string): Array<Line | Block> {
  const lx = new Lexer(text, file);
  const stmts: Array<Line | Block> = [];
  for (;;) {
    const kind = lx.token.kind;
    if (kind === '\n' || kind === Kind.Comment) {
      lx.lex();
      continue;
    }
    if (kind === Kind.EOF) return stmts;
    stmts.push(parseStmt(lx));
  }
}

function parseStmt(lx: Lexer): Line | Block {
  const first = lx.lex();
  const tokens = [first.text];
  for (;;) {
    const tok = lx.lex();
    if (isEOL(tok.kind)) return { tokens, line: first.line };
    if (tok.kind === '(') {
      const next = lx.token.kind;
      if (isEOL(next)) return parseLineBlock(lx, tokens, first.line);
      if (next === ')') {
        lx.lex();
        if (isEOL(lx.token.kind)) {
          lx.lex();
          return { tokens, lines: [] };
        }
        tokens.push('(', ')');
      } else {
        tokens.push('(');
      }
      continue;
    }
    tokens.push(tok.text);
  }
}

function parseLineBlock(lx: Lexer, tokens: string[], startLine: number): Block {
  const block: Block = { tokens, lines: [] };
  for (;;) {
    const kind = lx.token.kind;
    if (kind === Kind.EOLComment || kind === '\n' || kind === Kind.Comment) {
      lx.lex();
    } else if (kind === Kind.EOF) {
      lx.fail(`syntax error (unterminated block started at ${lx.file}:${startLine}:1)`);
    } else if (kind === ')') {
      lx.lex();
      if (!isEOL(lx.token.kind)) lx.fail('syntax error (expected newline after closing paren)');
      lx.lex();
      return block;
    } else {
      const first = lx.lex();
      const lineTokens = [first.text];
      for (let tok = lx.lex(); !isEOL(tok.kind); tok = lx.lex()) lineTokens.push(tok.text);
      block.lines.push({ tokens: lineTokens, line: first.line });
    }
  }
}

/** Go's strconv.Unquote for `"…"` and `` `…` `` strings; undefined when malformed. */
export function goUnquote(s: string): string | undefined {
  const runes = [...s];
  const q = runes[0];
  if (runes.length < 2 || (q !== '"' && q !== '`') || runes[runes.length - 1] !== q) return undefined;
  const body = runes.slice(1, -1);
  if (q === '`') return body.includes('`') ? undefined : body.join('').replaceAll('\r', '');
  if (body.includes('\n')) return undefined;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; i++) {
    const r = body[i]!;
    if (r === '"') return undefined;
    if (r !== '\\') {
      bytes.push(...Buffer.from(r, 'utf8'));
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (simple[e] !== undefined) {
      bytes.push(simple[e]);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n).join('');
      if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) return undefined;
      i += n;
      const v = parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      else bytes.push(...Buffer.from(String.fromCodePoint(v), 'utf8'));
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3).join('');
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      i += 2;
      bytes.push(parseInt(oct, 8));
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseString(t: string): string {
  if (t.startsWith('"')) {
    const s = goUnquote(t);
    if (s === undefined) throw new Error('invalid quoted string: invalid syntax');
    return s;
  }
  if (/["'`]/.test(t)) throw new Error('invalid quoted string: unquoted string cannot contain quote');
  return t;
}

const goVersionRE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
const laxGoVersionRE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$/;

function decode(data: Buffer | string): string {
  // Keep a byte-order mark: the go command does not skip it, so `\uFEFFmodule x` has no module line.
  return typeof data === 'string' ? data : new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);
}

/**
 * modfile.ParseLax: parses a go.mod the way the go command reads a dependency's go.mod. Only
 * `module`, `go`, `require` and `retract` are interpreted; other directives are ignored. Throws
 * GoModError for the errors ParseLax reports (syntax errors, a repeated or malformed `go` or
 * `module`, a malformed `require`). Invalid UTF-8 is read as U+FFFD.
 */
export function parseGoModLax(data: Buffer | string, file = 'go.mod'): GoModLax {
  const result: GoModLax = { require: [], retract: [] };
  let haveModule = false;
  const add = (verb: string, args: string[], line: number): void => {
    const fail = (msg: string): never => {
      throw new GoModError(`${file}:${line}: ${msg}`);
    };
    const guard = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        return fail((err as Error).message);
      }
    };
    switch (verb) {
      case 'go': {
        if (result.go !== undefined) fail('repeated go statement');
        if (args.length !== 1) fail('go directive expects exactly one argument');
        let v = args[0]!;
        if (!goVersionRE.test(v)) {
          const m = laxGoVersionRE.exec(v);
          if (!m) fail(`invalid go version '${v}': must match format 1.23`);
          v = m![1]!;
        }
        result.go = v;
        return;
      }
      case 'module': {
        if (haveModule) fail('repeated module statement');
        haveModule = true;
        if (args.length !== 1) fail('usage: module module/path');
        result.module = guard(() => parseString(args[0]!));
        return;
      }
      case 'require': {
        if (args.length !== 2) fail('usage: require module/path v1.2.3');
        const path = guard(() => parseString(args[0]!));
        const raw = guard(() => parseString(args[1]!));
        const version = canonicalVersion(raw);
        if (version === '') fail(`require ${path}: version ${goQuote(raw)} invalid: must be of the form v1.2.3`);
        const split = splitPathVersion(path);
        if (!split.ok) fail('invalid module path');
        try {
          checkPathMajor(version, split.pathMajor);
        } catch (err) {
          fail(`require ${path}: ${(err as Error).message}`);
        }
        result.require.push({ path, version });
        return;
      }
      case 'retract': {
        const interval = retractInterval(args);
        if (interval) result.retract.push(interval);
        return;
      }
      default:
        // ParseLax ignores every other directive, so newer go.mod syntax stays readable.
        return;
    }
  };
  for (const stmt of parseSyntax(decode(data), file)) {
    if ('lines' in stmt) {
      if (stmt.tokens.length > 1) continue;
      const verb = stmt.tokens[0]!;
      if (!['module', 'require', 'exclude', 'replace', 'retract'].includes(verb)) continue;
      for (const l of stmt.lines) add(verb, l.tokens, l.line);
    } else {
      add(stmt.tokens[0]!, stmt.tokens.slice(1), stmt.line);
    }
  }
  return result;
}

/** A `retract` argument list in lax mode: `v` or `[lo, hi]`, versions unquoted but not checked. */
function retractInterval(args: string[]): { low: string; high: string } | undefined {
  try {
    if (args.length === 0 || args[0] === '(') return undefined;
    if (args[0] !== '[') {
      const v = parseString(args[0]);
      return { low: v, high: v };
    }
    if (args.length < 5 || args[2] !== ',' || args[4] !== ']') return undefined;
    return { low: parseString(args[1]!), high: parseString(args[3]!) };
  } catch {
    return undefined;
  }
}

function trimGoSpace(s: string): string {
  const runes = [...s];
  let i = 0;
  let j = runes.length;
  while (i < j && isGoSpace(runes[i]!)) i++;
  while (j > i && isGoSpace(runes[j - 1]!)) j--;
  return runes.slice(i, j).join('');
}

/**
 * modfile.ModulePath (spec §3.3): the module path of a go.mod, tolerant of everything else in
 * the file; `""` when there is no `module` line or its quoted path is malformed.
 */
export function goModModulePath(data: Buffer | string): string {
  for (let line of decode(data).split('\n')) {
    const comment = line.indexOf('//');
    if (comment >= 0) line = line.slice(0, comment);
    line = trimGoSpace(line);
    if (!line.startsWith('module')) continue;
    const rest = line.slice('module'.length);
    const path = trimGoSpace(rest);
    if (path.length === rest.length || path === '') continue;
    if (path[0] === '"' || path[0] === '`') return goUnquote(path) ?? '';
    return path;
  }
  return '';
}

interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  kind: string;
  pre: string;
}

function cutInt(x: string): [string, string] | undefined {
  const m = /^[0-9]+/.exec(x);
  if (!m || (m[0][0] === '0' && m[0].length !== 1)) return undefined;
  return [m[0], x.slice(m[0].length)];
}

function parseGoVersion(x: string): GoVersion | undefined {
  const v: GoVersion = { major: '', minor: '', patch: '', kind: '', pre: '' };
  let r = cutInt(x);
  if (!r) return undefined;
  [v.major, x] = r;
  if (x === '') return { ...v, minor: '0', patch: '0' };
  if (x[0] !== '.') return undefined;
  r = cutInt(x.slice(1));
  if (!r) return undefined;
  [v.minor, x] = r;
  if (x === '') {
    // Before Go 1.21, "1.N" meant "1.N.0"; since then it names the language version.
    if (compareInt(v.minor, '21') < 0) v.patch = '0';
    return v;
  }
  if (x[0] === '.') {
    r = cutInt(x.slice(1));
    if (!r || r[1] !== '') return undefined;
    v.patch = r[0];
    return v;
  }
  const kind = /^[a-z]+/.exec(x);
  if (!kind) return undefined;
  v.kind = kind[0];
  x = x.slice(kind[0].length);
  if (x === '') return v;
  r = cutInt(x);
  if (!r || r[1] !== '') return undefined;
  v.pre = r[0];
  return v;
}

function compareInt(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function stripGo(v: string): string {
  const cut = v.split('-')[0]!;
  return cut.startsWith('go') ? cut.slice(2) : '';
}

/** go/version.Lang: `go1.21.3` → `go1.21`, `go1.24rc1` → `go1.24`, `go1` → `go1`; `""` when invalid. */
export function goLang(x: string): string {
  const v = parseGoVersion(stripGo(x));
  if (!v) return '';
  const lang = v.minor === '' || (v.major === '1' && v.minor === '0') ? v.major : `${v.major}.${v.minor}`;
  return x.slice(2).startsWith(lang) ? x.slice(0, 2 + lang.length) : 'go' + lang;
}

/** go/version.Compare for `goX.Y…` strings; invalid versions sort first and equal each other. */
export function compareGoVersions(x: string, y: string): -1 | 0 | 1 {
  const empty: GoVersion = { major: '', minor: '', patch: '', kind: '', pre: '' };
  const a = parseGoVersion(stripGo(x)) ?? empty;
  const b = parseGoVersion(stripGo(y)) ?? empty;
  const c =
    compareInt(a.major, b.major) ||
    compareInt(a.minor, b.minor) ||
    compareInt(a.patch, b.patch) ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    compareInt(a.pre, b.pre);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}
