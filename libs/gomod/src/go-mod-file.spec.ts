import { GoModError } from './errors.js';
import { compareGoVersions, goLang, goModModulePath, goUnquote, parseGoModLax } from './go-mod-file.js';

describe('parseGoModLax', () => {
  // [name, go.mod text, go directive, module path]; checked against modfile.ParseLax.
  it.each([
    ['plain', 'module example.com/m\n\ngo 1.21\n', '1.21', 'example.com/m'],
    ['patch release', 'module example.com/m\ngo 1.21.3\n', '1.21.3', 'example.com/m'],
    ['release candidate', 'module example.com/m\ngo 1.24rc1\n', '1.24rc1', 'example.com/m'],
    ['lax .x suffix fixed', 'module example.com/m\ngo 1.21.x\n', '1.21', 'example.com/m'],
    ['lax v prefix fixed', 'go v1.18-beta\n', '1.18', undefined],
    ['no go line', 'module example.com/m\n', undefined, 'example.com/m'],
    ['empty file', '', undefined, undefined],
    ['suffix comments', 'module example.com/m // c\ngo 1.22 // the version\n', '1.22', 'example.com/m'],
    ['comment without space', 'go 1.21//c\n', '1.21', undefined],
    ['CRLF line endings', 'module example.com/m\r\n\r\ngo 1.24\r\n', '1.24', 'example.com/m'],
    ['quoted module path', 'module "example.com/m"\ngo 1.13\n', '1.13', 'example.com/m'],
    ['quoted escapes', 'module "a\\x41\\u00e9\\101"\ngo 1.21\n', '1.21', 'aAéA'],
    ['go block is not a go directive', 'go (\n\t1.21\n)\n', undefined, undefined],
    ['go 1.0', 'go 1.0\n', '1.0', undefined],
    ['unknown and main-module-only directives ignored', 'module example.com/m\ngo 1.21\ntoolchain go1.22.0\ngodebug default=go1.21\nfrobnicate x y z\nreplace a => b\nexclude example.com/x v1\n', '1.21', 'example.com/m'],
    ['require block', 'module example.com/m\ngo 1.21\nrequire (\n\texample.com/a v1.2.3\n\texample.com/b v1.0.0 // indirect\n)\n', '1.21', 'example.com/m'],
    ['require short version', 'go 1.21\nrequire example.com/a v1.2\n', '1.21', undefined],
    ['malformed retractions ignored', 'module example.com/m\ngo 1.21\nretract [v1.0.0\nretract garbage\nretract (\n\tv1.1.0 // bad\n\t[v1.2.0, v1.3.0]\n)\n', '1.21', 'example.com/m'],
    ['module block', 'module (\n\texample.com/m\n)\ngo 1.21\n', '1.21', 'example.com/m'],
    ['block with two tokens ignored', 'require x (\n\tanything here\n)\ngo 1.21\n', '1.21', undefined],
    ['empty block', 'require ()\ngo 1.21\n', '1.21', undefined],
    ['comment lines', '// hello\n\n// world\ngo 1.23\n', '1.23', undefined],
    ['non-ASCII module path', 'module example.com/ünï\ngo 1.21\n', '1.21', 'example.com/ünï'],
  ])('%s', (_name, text, go, module) => {
    const parsed = parseGoModLax(Buffer.from(text));
    expect(parsed.go).toBe(go);
    expect(parsed.module).toBe(module);
  });

  it.each([
    ['repeated go', 'go 1.21\ngo 1.22\n', 'go.mod:2: repeated go statement'],
    ['go with two arguments', 'go 1.21 1.22\n', 'go.mod:1: go directive expects exactly one argument'],
    ['go without argument', 'go\n', 'go.mod:1: go directive expects exactly one argument'],
    ['bad go version', 'go one\n', "go.mod:1: invalid go version 'one': must match format 1.23"],
    ['leading zero', 'go 01.2\n', "go.mod:1: invalid go version '01.2': must match format 1.23"],
    ['repeated module', 'module a.com/x\nmodule b.com/y\n', 'go.mod:2: repeated module statement'],
    ['module without path', 'module\n', 'go.mod:1: usage: module module/path'],
    ['module with two paths', 'module a b\n', 'go.mod:1: usage: module module/path'],
    ['backquoted module path', 'module `example.com/m`\n', 'go.mod:1: invalid quoted string: unquoted string cannot contain quote'],
    ['single quote', "module it's\n", 'go.mod:1: invalid quoted string: unquoted string cannot contain quote'],
    ['bad escape', 'module "a\\qb"\n', 'go.mod:1: invalid quoted string: invalid syntax'],
    ['require bad version', 'require example.com/a master\n', 'go.mod:1: require example.com/a: version "master" invalid: must be of the form v1.2.3'],
    ['require wrong major', 'require example.com/a/v2 v1.0.0\n', 'go.mod:1: require example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1'],
    ['require invalid path major', 'require example.com/a/v1 v1.0.0\n', 'go.mod:1: invalid module path'],
    ['require one argument', 'require example.com/a\n', 'go.mod:1: usage: require module/path v1.2.3'],
    ['single-line block', 'require ( example.com/a v1.0.0 )\n', 'go.mod:1: usage: require module/path v1.2.3'],
    ['block comment', 'module example.com/m /* x */\n', 'go.mod:1: mod files must use // comments (not /* */ comments)'],
    ['unterminated string', 'module "example.com/m\n', 'go.mod:1: unexpected newline in string'],
    ['unterminated block', 'require (\n\texample.com/a v1.0.0\n', 'go.mod:3: syntax error (unterminated block started at go.mod:1:1)'],
    ['text after closing paren', 'require (\n\texample.com/a v1.0.0\n) x\n', 'go.mod:3: syntax error (expected newline after closing paren)'],
    ['control character', 'go 1.21\n\x01\n', "go.mod:2: unexpected input character '\\x01'"],
    ['vertical tab', 'go 1.21\v\n', "go.mod:1: unexpected input character '\\v'"],
    ['no-break space', 'go\u00a01.21\n', "go.mod:1: unexpected input character '\\u00a0'"],
    ['NUL byte', 'go 1.21\n\x00', "go.mod:2: unexpected input character '\\x00'"],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseGoModLax(Buffer.from(text))).toThrow(new GoModError(message));
  });

  it('keeps requirements and retractions', () => {
    const parsed = parseGoModLax(
      'module example.com/m\nrequire (\n\texample.com/a v1.2\n\t"example.com/b" v2.0.0+incompatible\n)\n' +
        'retract v1.0.0 // oops\nretract [v1.1.0, v1.2.0]\nretract (\n\t"v1.3.0"\n\tv1.4\n\t[v1.5.0 v1.6.0]\n)\n',
    );
    expect(parsed.require).toEqual([
      { path: 'example.com/a', version: 'v1.2.0' },
      { path: 'example.com/b', version: 'v2.0.0+incompatible' },
    ]);
    expect(parsed.retract).toEqual([
      { low: 'v1.0.0', high: 'v1.0.0' },
      { low: 'v1.1.0', high: 'v1.2.0' },
      { low: 'v1.3.0', high: 'v1.3.0' },
      { low: 'v1.4', high: 'v1.4' },
    ]);
  });

  it('names the file in errors', () => {
    expect(() => parseGoModLax('go\n', 'sub/go.mod')).toThrow(new GoModError('sub/go.mod:1: go directive expects exactly one argument'));
  });
});

describe('goModModulePath', () => {
  // modfile.ModulePath, which tolerates everything but the module line.
  it.each([
    ['plain', 'module example.com/m\n', 'example.com/m'],
    ['quoted', 'module "example.com/m"\n', 'example.com/m'],
    ['backquoted', 'module `example.com/m`\n', 'example.com/m'],
    ['spaces and comment', '  module   x.y/z   // c\n', 'x.y/z'],
    ['tab separator', 'module\tx.y\n', 'x.y'],
    ['no separator', 'modulex.y\n', ''],
    ['no path', 'module\n', ''],
    ['empty quoted path', 'module ""\n', ''],
    ['malformed quote', 'module "bad\n', ''],
    ['commented-out line skipped', '// module a.b\nmodule c.d\n', 'c.d'],
    ['no module line', 'go 1.21\n', ''],
    ['empty file', '', ''],
    ['several words kept', 'module a b c\n', 'a b c'],
    ['vgotest1 submod', 'module "github.com/vgotest1/submod" // submod/go.mod\n', 'github.com/vgotest1/submod'],
    ['carriage return in raw string dropped', 'module `a\rb`\n', 'ab'],
    ['escape in quoted string', 'module "a\\u00e9"\n', 'aé'],
    ['no-break spaces trimmed', '\u00a0module x.y\u00a0\n', 'x.y'],
    ['CRLF', 'module x.y\r\n', 'x.y'],
    ['syntax errors elsewhere ignored', 'module x.y\ngo 1.21 /* */\n', 'x.y'],
    ['single quotes kept', "module 'a'\n", "'a'"],
  ])('%s', (_name, text, path) => {
    expect(goModModulePath(Buffer.from(text))).toBe(path);
  });
});

describe('goUnquote', () => {
  it.each([
    ['"abc"', 'abc'],
    ['"a\\tb"', 'a\tb'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\"\\\\"', '"\\'],
    ['`raw \\n`', 'raw \\n'],
    ['""', ''],
    ['"\\\'"', undefined],
    ['"a"b"', undefined],
    ['"\\400"', undefined],
    ['"\\ud800"', undefined],
    ['"\\x4"', undefined],
    ['"abc', undefined],
    ['abc', undefined],
    ['`a`b`', undefined],
    ['"', undefined],
  ])('%s', (quoted, expected) => {
    expect(goUnquote(quoted)).toBe(expected);
  });
});

describe('goLang', () => {
  it.each([
    ['go1.21rc2', 'go1.21'],
    ['go1.21.2', 'go1.21'],
    ['go1.21', 'go1.21'],
    ['go1.24.0', 'go1.24'],
    ['go1.24rc1', 'go1.24'],
    ['go1', 'go1'],
    ['go1.0', 'go1'],
    ['go2.0', 'go2.0'],
    ['go1.21-bigcorp', 'go1.21'],
    ['go1.21.0rc1', ''],
    ['go01.2', ''],
    ['bad', ''],
    ['1.21', ''],
    ['', ''],
  ])('%s', (x, lang) => {
    expect(goLang(x)).toBe(lang);
  });
});

describe('compareGoVersions', () => {
  it.each([
    ['go1.24', 'go1.24', 0],
    ['go1.23', 'go1.24', -1],
    ['go1.25', 'go1.24', 1],
    ['go1.3', 'go1.24', -1],
    ['go1', 'go1.24', -1],
    ['go2.0', 'go1.24', 1],
    ['go1.21', 'go1.21rc1', -1],
    ['go1.21rc1', 'go1.21.0', -1],
    ['go1.20', 'go1.20.0', 0],
    ['', 'go1.24', -1],
    ['bad', '', 0],
  ])('%s vs %s', (a, b, want) => {
    expect(compareGoVersions(a, b)).toBe(want);
  });
});
