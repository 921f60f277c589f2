import { canonicalVersion, goUnquote, isValidModulePath } from '#gomod';

/** A module path at a version (`version` is canonical, `+incompatible` kept). */
export interface ModuleVersion {
  path: string;
  version: string;
}

/** A `replace` directive; `old.version` unset = every version. `new.version` unset = a local directory. */
export interface Replacement {
  old: { path: string; version?: string };
  new: { path: string; version?: string };
}

/** What `modgate warm` needs of a main module's go.mod. */
export interface MainGoMod {
  module?: string;
  /** The `go` directive, e.g. `1.19`. */
  go?: string;
  require: ModuleVersion[];
  exclude: ModuleVersion[];
  replace: Replacement[];
}

/** A go.mod that cannot be read; the message names the line. */
export class GoModSyntaxError extends Error {}

/**
 * Reads a main module's go.mod: `module`, `go`, `require`, `exclude` and `replace`, in line or
 * block (`require ( ... )`) form, with `//` comments (so `// indirect` is just a comment) and
 * quoted paths. Other directives (toolchain, retract, godebug, tool) are skipped.
 */
export function parseMainGoMod(text: string, file = 'go.mod'): MainGoMod {
  const result: MainGoMod = { require: [], exclude: [], replace: [] };
  let block: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    const tokens = tokenize(raw, where);
    if (tokens.length === 0) return;
    if (block !== undefined) {
      if (tokens[0] === ')') {
        if (tokens.length > 1) throw new GoModSyntaxError(`${where}: syntax error (expected newline after closing paren)`);
        block = undefined;
        return;
      }
      directive(result, block, tokens, where);
      return;
    }
    const [verb, ...args] = tokens;
    if (args.length === 1 && args[0] === '(') {
      block = verb;
      return;
    }
    directive(result, verb!, args, where);
  });
  if (block !== undefined) throw new GoModSyntaxError(`${file}: unterminated ${block} block`);
  return result;
}

function directive(result: MainGoMod, verb: string, args: string[], where: string): void {
  switch (verb) {
    case 'module':
      if (args.length !== 1) throw new GoModSyntaxError(`${where}: usage: module module/path`);
      result.module = args[0];
      return;
    case 'go':
      if (args.length !== 1) throw new GoModSyntaxError(`${where}: go directive expects exactly one argument`);
      result.go = args[0];
      return;
    case 'require':
    case 'exclude':
      if (args.length !== 2) throw new GoModSyntaxError(`${where}: usage: ${verb} module/path v1.2.3`);
      result[verb].push(moduleVersion(args[0]!, args[1]!, where));
      return;
    case 'replace':
      result.replace.push(replacement(args, where));
      return;
    default:
      return;
  }
}

function replacement(args: string[], where: string): Replacement {
  const arrow = args.indexOf('=>');
  const left = args.slice(0, arrow);
  const right = args.slice(arrow + 1);
  if (arrow < 0 || left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
    throw new GoModSyntaxError(`${where}: usage: replace module/path [v1.2.3] => other/module v1.4.5 | ./local/dir`);
  }
  const old = left.length === 2 ? moduleVersion(left[0]!, left[1]!, where) : { path: checkedPath(left[0]!, where) };
  if (right.length === 1) {
    if (!isLocalPath(right[0]!)) throw new GoModSyntaxError(`${where}: replacement module without version must be directory path (rooted or starting with ./ or ../)`);
    return { old, new: { path: right[0]! } };
  }
  return { old, new: moduleVersion(right[0]!, right[1]!, where) };
}

function moduleVersion(path: string, version: string, where: string): ModuleVersion {
  const canonical = canonicalVersion(version);
  if (canonical === '') throw new GoModSyntaxError(`${where}: ${path}: version ${JSON.stringify(version)} invalid: must be of the form v1.2.3`);
  return { path: checkedPath(path, where), version: canonical };
}

function checkedPath(path: string, where: string): string {
  if (!isValidModulePath(path)) throw new GoModSyntaxError(`${where}: invalid module path ${JSON.stringify(path)}`);
  return path;
}

/** A replacement target on disk: rooted, or starting with `./` or `../` (as the go command tells them apart). */
export function isLocalPath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('./') || path.startsWith('../') || path === '.' || path === '..' || /^[A-Za-z]:[\\/]/.test(path);
}

/** Splits one line into identifiers, quoted strings (unquoted), `(`, `)` and `=>`, dropping a `//` comment. */
function tokenize(line: string, where: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      break;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' && c === '"' ? 2 : 1;
      const unquoted = goUnquote(line.slice(i, j + 1));
      if (j >= line.length || unquoted === undefined) throw new GoModSyntaxError(`${where}: invalid quoted string`);
      tokens.push(unquoted);
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !' \t\r()"`'.includes(line[j]!) && !line.startsWith('//', j)) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return tokens;
}
