import { GoModError } from '../errors.js';
import { hasPathPrefix, locateModule, pathMajorPrefix } from './module-location.js';

describe('locateModule (cmd/go newCodeRepo)', () => {
  it.each([
    // [M, R, D, Prefix(M), P, pseudoMajor]
    ['github.com/o/r', 'github.com/o/r', '', 'github.com/o/r', '', ''],
    ['github.com/o/r/v2', 'github.com/o/r', '', 'github.com/o/r', '/v2', 'v2'],
    ['github.com/o/r/sub', 'github.com/o/r', 'sub', 'github.com/o/r/sub', '', ''],
    ['github.com/o/r/a/b/v3', 'github.com/o/r', 'a/b', 'github.com/o/r/a/b', '/v3', 'v3'],
    ['nanomsg.org/go/mangos/v2', 'nanomsg.org/go/mangos/v2', '', 'nanomsg.org/go/mangos/v2', '/v2', 'v2'],
    ['gopkg.in/yaml.v2', 'gopkg.in/yaml.v2', '', 'gopkg.in/yaml.v2', '.v2', 'v2'],
    ['gopkg.in/check.v1', 'gopkg.in/check.v1', '', 'gopkg.in/check.v1', '.v1', 'v1'],
    ['gopkg.in/x.v2-unstable', 'gopkg.in/x.v2-unstable', '', 'gopkg.in/x.v2-unstable', '.v2-unstable', 'v2'],
  ])('%s in %s', (m, r, codeDir, pathPrefix, pathMajor, pseudoMajor) => {
    const loc = locateModule(m, r);
    expect(loc).toEqual({
      modulePath: m,
      codeRoot: r,
      codeDir,
      pathPrefix,
      pathMajor,
      pseudoMajor,
      tagPrefix: codeDir === '' ? '' : codeDir + '/',
    });
  });

  it.each([
    ['github.com/o/other', 'github.com/o/r', 'mismatched repo: found github.com/o/r for github.com/o/other'],
    ['github.com/o/rx', 'github.com/o/r', 'mismatched repo'],
    ['github.com/o/r/v2', 'github.com/o/r/v2x', 'mismatched repo'],
    ['github.com/o/r/v2', 'github.com/o/r/v', 'mismatched repo'],
    ['github.com/o/r/v1', 'github.com/o/r', 'malformed module path "github.com/o/r/v1": invalid version'],
    ['Github.com/o/r', 'Github.com/o/r', 'malformed module path'],
    ['gopkg.in/yaml', 'gopkg.in/yaml', 'malformed module path'],
  ])('%s in %s is refused', (m, r, message) => {
    expect(() => locateModule(m, r)).toThrow(GoModError);
    expect(() => locateModule(m, r)).toThrow(message);
  });

  it('puts a nested module with its own major suffix below a versioned root', () => {
    expect(locateModule('example.com/m/v2/sub/v3', 'example.com/m/v2').codeDir).toBe('sub');
  });
});

describe('hasPathPrefix', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b/c', 'a/b', true],
    ['a/bc', 'a/b', false],
    ['a', 'a/b', false],
    ['a/b/c', 'a/', true],
    ['a/b', '', false],
  ])('%s has prefix %s: %s', (s, prefix, want) => {
    expect(hasPathPrefix(s, prefix)).toBe(want);
  });
});

describe('pathMajorPrefix', () => {
  it.each([
    ['', ''],
    ['/v2', 'v2'],
    ['.v0', 'v0'],
    ['.v1-unstable', 'v1'],
  ])('%s → %s', (pm, want) => {
    expect(pathMajorPrefix(pm)).toBe(want);
  });
});
