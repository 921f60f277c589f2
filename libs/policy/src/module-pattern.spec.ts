import { BadPatternError, checkModulePattern, matchPath, matchesModulePattern } from './module-pattern.js';

describe('matchPath (Go path.Match, cases from src/path/match_test.go)', () => {
  const cases: Array<[string, string, boolean | 'bad']> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a[^a][^a][^a]b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['[\\-x]', '-', true],
    ['[\\-x]', 'a', false],
    ['[]a]', ']', 'bad'],
    ['[-]', '-', 'bad'],
    ['[x-]', 'x', 'bad'],
    ['[x-]', '-', 'bad'],
    ['[x-]', 'z', 'bad'],
    ['[-x]', 'x', 'bad'],
    ['[-x]', '-', 'bad'],
    ['[-x]', 'a', 'bad'],
    ['\\', 'a', 'bad'],
    ['[a-b-c]', 'a', 'bad'],
    ['[', 'a', 'bad'],
    ['[^', 'a', 'bad'],
    ['[^bc', 'a', 'bad'],
    ['a[', 'a', 'bad'],
    ['a[', 'ab', 'bad'],
    ['a[', 'x', 'bad'],
    ['a/b[', 'x', 'bad'],
    ['*x', 'xxx', true],
  ];
  it.each(cases)('Match(%j, %j) = %j', (pattern, name, want) => {
    if (want === 'bad') expect(() => matchPath(pattern, name)).toThrow(BadPatternError);
    else expect(matchPath(pattern, name)).toBe(want);
  });
});

describe('matchesModulePattern (GOPRIVATE/GONOSUMDB prefix semantics)', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['exact path', 'golang.org/x/text', 'golang.org/x/text', true],
    ['sub-package path of the module', 'golang.org/x/text', 'golang.org/x/text/v2', true],
    ['a different module with the same string prefix', 'golang.org/x/text', 'golang.org/x/textual', false],
    ['parent path is not matched by a longer glob', 'golang.org/x/text', 'golang.org/x', false],
    ['org glob matches a repository', 'github.com/evil/*', 'github.com/evil/pkg', true],
    ['org glob matches a nested module', 'github.com/evil/*', 'github.com/evil/pkg/v2', true],
    ['org glob does not match the org itself', 'github.com/evil/*', 'github.com/evil', false],
    ['org glob does not match another org', 'github.com/evil/*', 'github.com/evilcorp/pkg', false],
    ['host only', 'git.corp.example', 'git.corp.example/acme/widget', true],
    ['star matches everything', '*', 'example.com/anything/at/all', true],
    ['star in a host', '*.corp.example', 'git.corp.example/a', true],
    ['star in a host does not cross dots into slashes', '*.corp.example', 'corp.example/a', false],
    ['trailing slash is ignored', 'github.com/acme/', 'github.com/acme/x', true],
    ['question mark', 'github.com/acme/tool?', 'github.com/acme/tool1/cmd', true],
    ['class', 'github.com/acme/[a-c]*', 'github.com/acme/billing', true],
    ['negated class', 'github.com/acme/[^a-c]*', 'github.com/acme/billing', false],
    ['case is ignored in the glob', 'github.com/Acme/*', 'github.com/acme/x', true],
    ['case is ignored in the path', 'github.com/acme/widget', 'github.com/ACME/Widget', true],
    ['case is ignored in a class', 'github.com/acme/[a-c]*', 'github.com/acme/Billing', true],
    ['case-folded lookalike org still differs', 'github.com/evil/*', 'github.com/Evilcorp/pkg', false],
    ['bad glob matches nothing', 'github.com/[', 'github.com/[', false],
    ['empty glob matches nothing', '', 'github.com/x', false],
  ];
  it.each(cases)('%s: %j vs %j', (_name, glob, path, want) => {
    expect(matchesModulePattern(glob, path)).toBe(want);
  });

  it('rejects bad globs with checkModulePattern', () => {
    expect(() => checkModulePattern('github.com/[')).toThrow(BadPatternError);
    expect(() => checkModulePattern('a,b')).toThrow(BadPatternError);
    expect(() => checkModulePattern(' ')).toThrow(BadPatternError);
    expect(() => checkModulePattern('github.com/evil/*')).not.toThrow();
  });
});
