import { GoModError } from './errors.js';
import {
  checkFilePath,
  checkImportPath,
  checkModule,
  checkPath,
  checkPathMajor,
  isValidModulePath,
  matchPathMajor,
  splitPathVersion,
} from './module-path.js';

function errorOf(f: () => void): string {
  try {
    f();
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(GoModError);
    return (err as Error).message;
  }
}

describe('checkPath', () => {
  // Spec §11 vector 2, then further x/mod rules.
  it.each([
    ['example.com/m'],
    ['example.com/m/v2'],
    ['gopkg.in/yaml.v2'],
    ['gopkg.in/yaml.v0'],
    ['gopkg.in/x.v2-unstable'],
    ['example.com/m/V1'],
    ['example.com/m/v2x'],
    ['example.com'],
    ['x.y/a_b~c-d.e'],
    ['example.com/Upper/Case'],
    ['example.com/foo~'],
    ['example.com/foo~1a'],
    ['example.com/a~b'],
    ['example.com/com0'],
    ['example.com/lpt0.go'],
    ['example.com/console'],
    ['1.2/x'],
    ['example.com/m/v10'],
    ['gopkg.in/natefinch/lumberjack.v2'],
  ])('valid %s', (path) => {
    expect(() => checkPath(path)).not.toThrow();
    expect(isValidModulePath(path)).toBe(true);
  });

  it.each([
    ['Example.com/m', `malformed module path "Example.com/m": invalid char 'E' in first path element`],
    ['example/m', 'malformed module path "example/m": missing dot in first path element'],
    ['-x.com/m', 'malformed module path "-x.com/m": leading dash'],
    ['example.com/m/v1', 'malformed module path "example.com/m/v1": invalid version'],
    ['example.com/m/v0', 'malformed module path "example.com/m/v0": invalid version'],
    ['example.com/m/v02', 'malformed module path "example.com/m/v02": invalid version'],
    ['example.com/m/v2.0', 'malformed module path "example.com/m/v2.0": invalid version'],
    ['gopkg.in/yaml', 'malformed module path "gopkg.in/yaml": invalid version'],
    ['gopkg.in/yaml.v02', 'malformed module path "gopkg.in/yaml.v02": invalid version'],
    ['example.com/.m', 'malformed module path "example.com/.m": leading dot in path element'],
    ['example.com/m.', 'malformed module path "example.com/m.": trailing dot in path element'],
    ['example.com/aux', 'malformed module path "example.com/aux": "aux" disallowed as path element component on Windows'],
    ['example.com/Nul.txt', 'malformed module path "example.com/Nul.txt": "Nul" disallowed as path element component on Windows'],
    ['example.com/foo~1', 'malformed module path "example.com/foo~1": trailing tilde and digits in path element'],
    ['example.com/foo~12.x', 'malformed module path "example.com/foo~12.x": trailing tilde and digits in path element'],
    ['example.com/a+b', `malformed module path "example.com/a+b": invalid char '+'`],
    ['example.com//m', 'malformed module path "example.com//m": double slash'],
    ['example.com/m/', 'malformed module path "example.com/m/": trailing slash'],
    ['/example.com', 'malformed module path "/example.com": empty path element'],
    ['', 'malformed module path "": empty string'],
    ['example.com/..', 'malformed module path "example.com/..": invalid path element ".."'],
    ['example.com/é', `malformed module path "example.com/é": invalid char 'é'`],
    ['exa_mple.com/m', `malformed module path "exa_mple.com/m": invalid char '_' in first path element`],
    ['example.com/a b', `malformed module path "example.com/a b": invalid char ' '`],
    ['example.com/\ud800', 'malformed module path "example.com/\\ud800": invalid UTF-8'],
  ])('invalid %j', (path, message) => {
    expect(errorOf(() => checkPath(path))).toBe(message);
    expect(isValidModulePath(path)).toBe(false);
  });
});

describe('checkImportPath', () => {
  it.each([
    ['example.com/a+b', ''],
    ['example/m', ''],
    ['Example.com/.hidden', ''],
    ['example.com/m/v1', ''],
    ['std/lib', ''],
    ['-x/m', 'malformed import path "-x/m": leading dash'],
    ['example.com/foo~1', 'malformed import path "example.com/foo~1": trailing tilde and digits in path element'],
    ['example.com/aux.go', 'malformed import path "example.com/aux.go": "aux" disallowed as path element component on Windows'],
    ['example.com/a:b', `malformed import path "example.com/a:b": invalid char ':'`],
    ['example.com/x.', 'malformed import path "example.com/x.": trailing dot in path element'],
  ])('%j', (path, message) => {
    expect(errorOf(() => checkImportPath(path))).toBe(message);
  });
});

describe('checkFilePath', () => {
  // Spec §11 vector 3, then further cases of §1.4.
  it.each([
    ['.github/x.yml'],
    ['-x.go'],
    ['a b.txt'],
    ['ünï.go'],
    ['x/CONSOLE.go'],
    ['!#$%&()+,-.=@[]^_{}~ x'],
    ['日本語/ファイル.go'],
    ['foo~1'],
    ['a+b/c'],
    ['.hg_archival.txt'],
    ['com0.go'],
  ])('valid %j', (path) => {
    expect(() => checkFilePath(path)).not.toThrow();
  });

  it.each([
    ['aux.go', 'malformed file path "aux.go": "aux" disallowed as path element component on Windows'],
    ['Nul', 'malformed file path "Nul": "Nul" disallowed as path element component on Windows'],
    ['x/com1.h', 'malformed file path "x/com1.h": "com1" disallowed as path element component on Windows'],
    ['LPT9.txt', 'malformed file path "LPT9.txt": "LPT9" disallowed as path element component on Windows'],
    ['a:b', `malformed file path "a:b": invalid char ':'`],
    ['a*b', `malformed file path "a*b": invalid char '*'`],
    ["it's.go", `malformed file path "it's.go": invalid char '\\''`],
    ['tab\t.go', `malformed file path "tab\\t.go": invalid char '\\t'`],
    ['emoji😀.go', `malformed file path "emoji😀.go": invalid char '😀'`],
    ['dir./x', 'malformed file path "dir./x": trailing dot in path element'],
    ['a/../b', 'malformed file path "a/../b": invalid path element ".."'],
    ['a/./b', 'malformed file path "a/./b": invalid path element "."'],
    ['a\\b', `malformed file path "a\\\\b": invalid char '\\\\'`],
    ['a"b', `malformed file path "a\\"b": invalid char '"'`],
    ['a<b', `malformed file path "a<b": invalid char '<'`],
    ['a|b', `malformed file path "a|b": invalid char '|'`],
    ['a?b', `malformed file path "a?b": invalid char '?'`],
    ['a`b', "malformed file path \"a`b\": invalid char '`'"],
    ['a;b', `malformed file path "a;b": invalid char ';'`],
    ['x\u0301', `malformed file path "x\u0301": invalid char '\u0301'`],
    ['x٣', `malformed file path "x٣": invalid char '٣'`],
    ['x\u00a0', `malformed file path "x\\u00a0": invalid char '\\u00a0'`],
    ['nl\n', `malformed file path "nl\\n": invalid char '\\n'`],
    ['/abs', 'malformed file path "/abs": empty path element'],
    ['dir/', 'malformed file path "dir/": trailing slash'],
    ['', 'malformed file path "": empty string'],
  ])('invalid %j', (path, message) => {
    expect(errorOf(() => checkFilePath(path))).toBe(message);
  });
});

describe('splitPathVersion', () => {
  it.each([
    ['example.com/m', 'example.com/m', '', true],
    ['example.com/m/v2', 'example.com/m', '/v2', true],
    ['example.com/m/v10', 'example.com/m', '/v10', true],
    ['example.com/m/v1', 'example.com/m/v1', '', false],
    ['example.com/m/v0', 'example.com/m/v0', '', false],
    ['example.com/m/v02', 'example.com/m/v02', '', false],
    ['example.com/m/v2.0', 'example.com/m/v2.0', '', false],
    ['example.com/m/V2', 'example.com/m/V2', '', true],
    ['example.com/m/v2x', 'example.com/m/v2x', '', true],
    ['example.com/m.v2', 'example.com/m.v2', '', true],
    ['v2', 'v2', '', true],
    ['gopkg.in/yaml.v2', 'gopkg.in/yaml', '.v2', true],
    ['gopkg.in/yaml.v0', 'gopkg.in/yaml', '.v0', true],
    ['gopkg.in/yaml.v1', 'gopkg.in/yaml', '.v1', true],
    ['gopkg.in/x.v2-unstable', 'gopkg.in/x', '.v2-unstable', true],
    ['gopkg.in/yaml.v02', 'gopkg.in/yaml.v02', '', false],
    ['gopkg.in/yaml', 'gopkg.in/yaml', '', false],
    ['gopkg.in/yaml/v2', 'gopkg.in/yaml/v2', '', false],
  ])('%s', (path, prefix, pathMajor, ok) => {
    expect(splitPathVersion(path)).toEqual({ prefix, pathMajor, ok });
  });
});

describe('checkPathMajor', () => {
  it.each([
    ['v1.2.3', '', ''],
    ['v0.1.0', '', ''],
    ['v2.0.0+incompatible', '', ''],
    ['v2.0.0', '', 'version "v2.0.0" invalid: should be v0 or v1, not v2'],
    ['v2.0.0+meta', '', 'version "v2.0.0+meta" invalid: should be v0 or v1, not v2'],
    ['v2.0.0', '/v2', ''],
    ['v2.1.0-pre', '/v2', ''],
    ['v3.0.0', '/v2', 'version "v3.0.0" invalid: should be v2, not v3'],
    ['v1.0.0', '/v2', 'version "v1.0.0" invalid: should be v2, not v1'],
    ['v2.0.0+incompatible', '/v2', ''],
    ['v1.5.0', '.v1', ''],
    ['v0.0.0-20161208181325-20d25e280405', '.v1', ''],
    ['v0.1.0', '.v1', 'version "v0.1.0" invalid: should be v1, not v0'],
    ['v2.0.0', '.v2-unstable', ''],
    ['v0.3.0', '.v0', ''],
    ['bad', '', 'version "bad" invalid: should be v0 or v1, not '],
  ])('%s for %j', (v, pathMajor, message) => {
    expect(errorOf(() => checkPathMajor(v, pathMajor))).toBe(message);
    expect(matchPathMajor(v, pathMajor)).toBe(message === '');
  });
});

describe('checkModule', () => {
  it.each([
    ['example.com/m', 'v1.0.0', ''],
    ['example.com/m/v2', 'v2.0.0', ''],
    ['example.com/m', 'v2.0.0+incompatible', ''],
    ['example.com/m', 'v2.0.0', 'example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2'],
    ['example.com/m/v3', 'v2.0.0', 'example.com/m/v3@v2.0.0: invalid version: should be v3, not v2'],
    ['example.com/m', 'v1.0', ''],
    ['example.com/m', '1.0.0', 'example.com/m@1.0.0: invalid version: not a semantic version'],
    ['example/m', 'v1.0.0', 'malformed module path "example/m": missing dot in first path element'],
  ])('%s@%s', (path, version, message) => {
    expect(errorOf(() => checkModule(path, version))).toBe(message);
  });
});
