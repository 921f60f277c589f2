import { GoModSyntaxError, isLocalPath, parseMainGoMod } from './go-mod-directives.js';

describe('parseMainGoMod', () => {
  it('reads line and block directives, comments, // indirect and +incompatible', () => {
    const goMod = [
      '// The example project.',
      'module example.com/project // trailing comment',
      '',
      'go 1.19',
      'toolchain go1.21.0',
      '',
      'require github.com/graph/a v1.0.0',
      'require (',
      '\tgithub.com/graph/b v1.1.0 // indirect',
      '\t// a comment line inside the block',
      '\t"github.com/graph/quoted" v0.2.0',
      '\tgithub.com/graph/old v2.0.0+incompatible',
      ')',
      'exclude github.com/graph/c v1.0.0',
      'exclude (',
      '  github.com/graph/c v1.3.0',
      ')',
      'replace github.com/graph/local => ./local',
      'replace (',
      '  github.com/graph/fork v1.0.0 => github.com/graph/forked v1.0.1',
      '  github.com/graph/every => ../every // all versions',
      ')',
      'retract v0.1.0',
    ].join('\n');
    expect(parseMainGoMod(goMod)).toEqual({
      module: 'example.com/project',
      go: '1.19',
      require: [
        { path: 'github.com/graph/a', version: 'v1.0.0' },
        { path: 'github.com/graph/b', version: 'v1.1.0' },
        { path: 'github.com/graph/quoted', version: 'v0.2.0' },
        { path: 'github.com/graph/old', version: 'v2.0.0+incompatible' },
      ],
      exclude: [
        { path: 'github.com/graph/c', version: 'v1.0.0' },
        { path: 'github.com/graph/c', version: 'v1.3.0' },
      ],
      replace: [
        { old: { path: 'github.com/graph/local' }, new: { path: './local' } },
        { old: { path: 'github.com/graph/fork', version: 'v1.0.0' }, new: { path: 'github.com/graph/forked', version: 'v1.0.1' } },
        { old: { path: 'github.com/graph/every' }, new: { path: '../every' } },
      ],
    });
  });

  it('canonicalizes short versions', () => {
    expect(parseMainGoMod('module m.example/x\nrequire m.example/y v1.2\n').require).toEqual([{ path: 'm.example/y', version: 'v1.2.0' }]);
  });

  it.each([
    ['a bad version', 'require github.com/a/b 1.0.0\n', /go.mod:1: github.com\/a\/b: version "1.0.0" invalid/],
    ['a bad module path', 'require -bad v1.0.0\n', /go.mod:1: invalid module path "-bad"/],
    ['a replacement without version that is not a directory', 'replace a.example/x => b.example/y\n', /go.mod:1: replacement module without version must be directory path/],
    ['an unterminated block', 'require (\n  a.example/x v1.0.0\n', /unterminated require block/],
    ['a require with three words', 'require a.example/x v1.0.0 extra\n', /go.mod:1: usage: require/],
    ['a broken quote', 'require "a.example/x v1.0.0\n', /go.mod:1: invalid quoted string/],
  ])('refuses %s with the line', (_name, text, message) => {
    expect(() => parseMainGoMod(text)).toThrow(GoModSyntaxError);
    expect(() => parseMainGoMod(text)).toThrow(message);
  });
});

describe('isLocalPath', () => {
  it.each([
    ['./x', true],
    ['../x', true],
    ['/abs/x', true],
    ['github.com/a/b', false],
  ])('%s', (path, local) => expect(isLocalPath(path)).toBe(local));
});
