import { hash1Sync } from './dirhash.js';
import { GoModError } from './errors.js';
import {
  classifyModuleFiles,
  CollisionChecker,
  goDirectiveVersion,
  isVendoredPackage,
  MAX_GO_MOD,
  MAX_ZIP_FILE,
  type ModuleFileInput,
} from './zip-files.js';

const prefix = 'example.com/m@v1.0.0/';

/** Regular files from a name → content map (x/mod zip/testdata/create style). */
function tree(files: Record<string, string>): Array<ModuleFileInput & { data: Buffer }> {
  return Object.entries(files).map(([path, content]) => {
    const data = Buffer.from(content);
    return { path, size: data.length, kind: 'file', data };
  });
}

function zipHash(files: Array<{ path: string; data: Buffer }>, kept: string[]): string {
  const byPath = new Map(files.map((f) => [f.path, f.data]));
  return hash1Sync(kept.map((p) => ({ name: prefix + p, data: byPath.get(p)! })));
}

function classify(files: ModuleFileInput[]): ReturnType<typeof classifyModuleFiles> {
  const root = files.find((f) => f.path === 'go.mod') as (ModuleFileInput & { data?: Buffer }) | undefined;
  return classifyModuleFiles(files, { goVersion: root?.data ? goDirectiveVersion(root.data) : '' });
}

describe('classifyModuleFiles: x/mod zip/testdata/create vectors (spec §11)', () => {
  const goMod113 = 'module example.com/m\n\ngo 1.13\n';

  it('7 simple.txt keeps every file', () => {
    const files = tree({ 'go.mod': goMod113, 'm.go': 'package m\n', 'cmd/hello/hello.go': 'package main\n' });
    expect(classify(files)).toEqual({ kept: ['go.mod', 'm.go', 'cmd/hello/hello.go'], omitted: [] });
  });

  it('8 exclude_vendor.txt (go 1.13) keeps go.mod and vendor/modules.txt', () => {
    const files = tree({
      'go.mod': goMod113,
      'vendor/modules.txt': 'included\nsee comment in isVendoredPackage and golang.org/issue/31562.\n',
      'vendor/example.com/x/x.go': 'excluded\n',
      'sub/vendor/sub.txt': 'excluded\n',
      'pkg/vendor/vendor.go': 'excluded\n',
    });
    const result = classify(files);
    expect(result.kept).toEqual(['go.mod', 'vendor/modules.txt']);
    expect(result.omitted).toEqual([
      { path: 'vendor/example.com/x/x.go', reason: 'file is in vendor directory' },
      { path: 'sub/vendor/sub.txt', reason: 'file is in vendor directory' },
      { path: 'pkg/vendor/vendor.go', reason: 'file is in vendor directory' },
    ]);
    expect(zipHash(files, result.kept)).toBe('h1:5u93LDLN0Me+NGfZtRpA5mHxY8svfykHpq4CMSaBZyc=');
  });

  it('9 exclude_vendor_go124.txt (go 1.24) keeps files directly in nested vendor directories', () => {
    const files = tree({
      'go.mod': 'module example.com/m\n\ngo 1.24\n',
      'vendor/modules.txt': 'excluded\n',
      'vendor/example.com/x/x.go': 'excluded\n',
      'sub/vendor/sub.txt': 'kept\n',
      'pkg/vendor/vendor.go': 'kept\n',
    });
    const result = classify(files);
    expect(result.kept).toEqual(['go.mod', 'sub/vendor/sub.txt', 'pkg/vendor/vendor.go']);
    expect(result.omitted.map((o) => o.path)).toEqual(['vendor/modules.txt', 'vendor/example.com/x/x.go']);
  });

  it('10 exclude_submodule.txt drops the nested module, even its badly named file', () => {
    const files = tree({
      'go.mod': goMod113,
      'sub/go.mod': 'module example.com/m/sub\n',
      "sub/x.go'": 'invalid name, but this shouldn\'t be read\n',
    });
    const result = classify(files);
    expect(result).toEqual({
      kept: ['go.mod'],
      omitted: [
        { path: 'sub/go.mod', reason: 'file is in another module' },
        { path: "sub/x.go'", reason: 'file is in another module' },
      ],
    });
    expect(zipHash(files, result.kept)).toBe('h1:XduFAgX/GaspZa8Jv4pfzoGEzNaU/r88PiCunijw5ok=');
  });

  it('11 exclude_cap_go_mod_submodule.txt: b/GO.MOD marks b/ as a nested module', () => {
    const files = tree({ 'a.go': 'package a\n', 'b/GO.MOD': 'MODULE EXAMPLE.COM/M/B\n', 'b/b.go': 'package b\n' });
    const result = classify(files);
    expect(result.kept).toEqual(['a.go']);
    expect(result.omitted.map((o) => o.path)).toEqual(['b/GO.MOD', 'b/b.go']);
    expect(zipHash(files, result.kept)).toBe('h1:xctQQey8/y7IcBjFZDP/onWLSXhlqcsC3i1fgSdpMHk=');
  });

  it('12 go_mod_dir.txt: a directory named go.mod is an ordinary directory', () => {
    const files = tree({ 'go.mod/a.go': 'package a\n' });
    const result = classify(files);
    expect(result).toEqual({ kept: ['go.mod/a.go'], omitted: [] });
    expect(zipHash(files, result.kept)).toBe('h1:Mun5l9cBlDnnV6JasTpio2aZJSbFj++h+814mnKC/OM=');
  });

  it.each([
    ['case collision', tree({ 'go.mod': goMod113, 'm.go': '', 'M.GO': '' }), 'create zip: M.GO: case-insensitive file name collision: "m.go" and "M.GO"'],
    ['root GO.MOD', tree({ 'GO.MOD': goMod113 }), 'create zip: GO.MOD: go.mod files must have lowercase names'],
    ["file bad.go'", tree({ "bad.go'": '' }), `create zip: bad.go': malformed file path "bad.go'": invalid char '\\''`],
    ['file aux.go', tree({ 'aux.go': '' }), 'create zip: aux.go: malformed file path "aux.go": "aux" disallowed as path element component on Windows'],
    ['root go.mod over 16 MiB', [{ path: 'go.mod', size: MAX_GO_MOD + 1, kind: 'file' }], 'create zip: go.mod: go.mod file too large (max size is 16777216 bytes)'],
    [
      'more than 500 MiB in total',
      [
        { path: 'a.bin', size: MAX_ZIP_FILE - 10, kind: 'file' },
        { path: 'b.bin', size: 11, kind: 'file' },
      ],
      'create zip: module source tree too large (max size is 524288000 bytes)',
    ],
  ] as Array<[string, ModuleFileInput[], string]>)('13 creation fails: %s', (_name, files, message) => {
    expect(() => classify(files)).toThrow(new GoModError(message));
  });
});

describe('classifyModuleFiles: rules of spec §6.2 in order', () => {
  const f = (path: string, kind: ModuleFileInput['kind'] = 'file', size = 1): ModuleFileInput => ({ path, size, kind });

  it.each([
    ['plain file kept', [f('a.go')], ['a.go'], []],
    ['.hg_archival.txt at root omitted', [f('.hg_archival.txt')], [], [".hg_archival.txt: file is inserted by 'hg archive' and is always omitted"]],
    ['.hg_archival.txt below root kept', [f('x/.hg_archival.txt')], ['x/.hg_archival.txt'], []],
    ['symlink omitted', [f('link.go', 'symlink')], [], ['link.go: file is a symbolic link']],
    ['irregular file omitted', [f('fifo', 'other')], [], ['fifo: not a regular file']],
    ['committed VCS directories kept', [f('.hg/x'), f('.svn/y'), f('.bzr/z')], ['.hg/x', '.svn/y', '.bzr/z'], []],
    ['testdata without go.mod kept', [f('testdata/x.txt')], ['testdata/x.txt'], []],
    ['nested module omitted', [f('testdata/mod/go.mod'), f('testdata/mod/x.go'), f('testdata/y.go')], ['testdata/y.go'], ['testdata/mod/go.mod: file is in another module', 'testdata/mod/x.go: file is in another module']],
    ['deeply nested module', [f('a/go.mod'), f('a/b/c/d.go')], [], ['a/go.mod: file is in another module', 'a/b/c/d.go: file is in another module']],
    ['Go.Mod marks a nested module', [f('a/Go.Mod'), f('a/x.go')], [], ['a/Go.Mod: file is in another module', 'a/x.go: file is in another module']],
    ['symlinked go.mod does not mark a module', [f('a/go.mod', 'symlink'), f('a/x.go')], ['a/x.go'], ['a/go.mod: file is a symbolic link']],
    ['root go.mod kept', [f('go.mod'), f('x.go')], ['go.mod', 'x.go'], []],
    ['vendor wins over nested module', [f('vendor/a/go.mod')], [], ['vendor/a/go.mod: file is in vendor directory']],
    ['bad name in vendor is harmless', [f('vendor/a/b:c.go')], [], ['vendor/a/b:c.go: file is in vendor directory']],
    ['file directly in vendor/ kept', [f('vendor/x.go')], ['vendor/x.go'], []],
    ['symlink with a bad name still fails', [f('aux', 'symlink')], 'create zip: aux: malformed file path "aux": "aux" disallowed as path element component on Windows', []],
    ['unclean path', [f('a/./b')], 'create zip: a/./b: file path is not clean', []],
    ['absolute path', [f('/a')], 'create zip: /a: file path is not relative', []],
    ['empty path', [f('')], 'create zip: : file path is not clean', []],
    ['duplicate file', [f('a.go'), f('a.go')], 'create zip: a.go: multiple entries for file "a.go"', []],
    ['file and directory collide', [f('a'), f('A/b')], 'create zip: A/b: case-insensitive file name collision: "a" and "A"', []],
    ['file used as directory', [f('a'), f('a/b')], 'create zip: a/b: entry "a" is both a file and a directory', []],
    ['Kelvin sign collides with k', [f('k'), f('\u212a')], 'create zip: \u212a: case-insensitive file name collision: "k" and "\u212a"', []],
    ['sharp s does not collide with ss', [f('ß'), f('ss')], ['ß', 'ss'], []],
    ['several invalid files', [f('aux'), f('nul')], 'create zip: aux: malformed file path "aux": "aux" disallowed as path element component on Windows (and 1 more invalid files)', []],
    ['LICENSE over 16 MiB', [f('LICENSE', 'file', MAX_GO_MOD + 1)], 'create zip: LICENSE: LICENSE file too large (max size is 16777216 bytes)', []],
    ['sub/LICENSE may be large', [f('sub/LICENSE', 'file', MAX_GO_MOD + 1)], ['sub/LICENSE'], []],
    ['exactly 500 MiB is fine', [f('a', 'file', MAX_ZIP_FILE - 1), f('b', 'file', 1)], ['a', 'b'], []],
    ['omitted files do not count towards the size', [f('a', 'file', MAX_ZIP_FILE), f('vendor/x/big', 'file', 1)], ['a'], ['vendor/x/big: file is in vendor directory']],
  ] as Array<[string, ModuleFileInput[], string[] | string, string[]]>)('%s', (_name, files, kept, omitted) => {
    if (typeof kept === 'string') {
      expect(() => classifyModuleFiles(files)).toThrow(new GoModError(kept));
      return;
    }
    const result = classifyModuleFiles(files);
    expect(result.kept).toEqual(kept);
    expect(result.omitted.map((o) => `${o.path}: ${o.reason}`)).toEqual(omitted);
  });

  it.each([
    ['go1.24 with root go.mod', 'go1.24', true, ['pkg/vendor/v.go']],
    ['1.24 without the go prefix', '1.24', true, ['pkg/vendor/v.go']],
    ['go1.23', 'go1.23', true, ['vendor/modules.txt']],
    ['go1.24 but no root go.mod in the list', 'go1.24', false, ['vendor/modules.txt']],
  ])('vendor rule version: %s', (_name, goVersion, withRoot, keptVendor) => {
    const files = [...(withRoot ? [f('go.mod')] : []), f('vendor/modules.txt'), f('pkg/vendor/v.go')];
    const kept = classifyModuleFiles(files, { goVersion }).kept.filter((p) => p !== 'go.mod');
    expect(kept).toEqual(keptVendor);
  });
});

describe('isVendoredPackage', () => {
  // [path, legacy rule (go < 1.24 or none), go ≥ 1.24 rule]
  it.each([
    ['vendor/modules.txt', false, true],
    ['vendor/x.go', false, false],
    ['vendor/a/b.go', true, true],
    ['vendor/a/b/c.go', true, true],
    ['pkg/vendor/vendor.go', true, false],
    ['sub/vendor/sub.txt', true, false],
    ['pkg/vendor/foo/foo.go', true, true],
    ['a/b/vendor/x.go', true, false],
    ['x/vendor/modules.txt', true, false],
    ['vendors/x/y.go', false, false],
    ['myvendor/x/y.go', false, false],
    ['vendor', false, false],
    ['a/vendor', false, false],
    ['a/vendor/x', true, false],
    ['ab/vendor/x', true, false],
    ['é/vendor/x.go', true, false],
    ['a/vendor/b/vendor/c.go', true, true],
  ])('%s', (name, legacy, go124) => {
    expect(isVendoredPackage(name, '')).toBe(legacy);
    expect(isVendoredPackage(name, 'go1.23')).toBe(legacy);
    expect(isVendoredPackage(name, 'go1.24')).toBe(go124);
    expect(isVendoredPackage(name, 'go1.25')).toBe(go124);
  });
});

describe('goDirectiveVersion', () => {
  it.each([
    ['go 1.24.0', 'module m\n\ngo 1.24.0\n', 'go1.24'],
    ['go 1.24rc1', 'module m\ngo 1.24rc1\n', 'go1.24'],
    ['go 1.13', 'module m\ngo 1.13\n', 'go1.13'],
    ['go 1.21.x (lax)', 'go 1.21.x\n', 'go1.21'],
    ['go 1.0', 'go 1.0\n', 'go1'],
    ['no go directive', 'module m\n', ''],
    ['go 1.21.0rc1 is not a valid Go version', 'go 1.21.0rc1\n', ''],
    ['malformed go directive', 'go one\n', ''],
    ['parse error elsewhere', 'go 1.24\nrequire x master\n', ''],
    ['syntax error', 'go 1.24\nmodule "x\n', ''],
    ['repeated go', 'go 1.24\ngo 1.25\n', ''],
    ['empty', '', ''],
  ])('%s', (_name, text, want) => {
    expect(goDirectiveVersion(Buffer.from(text))).toBe(want);
  });
});

describe('CollisionChecker', () => {
  it.each([
    ['distinct files', [['a', false], ['b', false]], [undefined, undefined]],
    ['same directory twice', [['d/a', false], ['d/b', false]], [undefined, undefined]],
    ['directory entry then file in it', [['d', true], ['d/a', false]], [undefined, undefined]],
    ['directory entry repeated', [['d', true], ['d', true]], [undefined, undefined]],
    ['file then directory entry', [['d', false], ['d', true]], [undefined, 'entry "d" is both a file and a directory']],
    ['case-folded directories', [['D/a', false], ['d/b', false]], [undefined, 'case-insensitive file name collision: "D" and "d"']],
  ] as Array<[string, Array<[string, boolean]>, Array<string | undefined>]>)('%s', (_name, paths, results) => {
    const checker = new CollisionChecker();
    expect(paths.map(([p, isDir]) => checker.check(p, isDir))).toEqual(results);
  });
});
