import { parseForEachRef, parseLsTree, parseSymrefHead } from './git-parse.js';

const C = 'c'.repeat(40);
const T = 'a'.repeat(40);
const U = 'b'.repeat(40);

describe('parseForEachRef', () => {
  it.each([
    ['a branch', `refs/heads/main ${C} commit  `, { name: 'refs/heads/main', object: C, peeled: C, nestedTag: false }],
    ['a lightweight tag', `refs/tags/v1.0.0 ${C} commit  `, { name: 'refs/tags/v1.0.0', object: C, peeled: C, nestedTag: false }],
    ['an annotated tag', `refs/tags/v1.1.0 ${T} tag ${C} commit`, { name: 'refs/tags/v1.1.0', object: T, peeled: C, nestedTag: false }],
    ['a tag of a tag', `refs/tags/v1.2.0 ${U} tag ${T} tag`, { name: 'refs/tags/v1.2.0', object: U, peeled: T, nestedTag: true }],
  ])('%s', (_name, line, expected) => {
    expect(parseForEachRef(`${line}\n`)).toEqual([expected]);
  });

  it('is empty for no refs', () => {
    expect(parseForEachRef('')).toEqual([]);
  });
});

describe('parseSymrefHead', () => {
  it.each([
    ['a branch', `ref: refs/heads/main\tHEAD\n${C}\tHEAD\n`, 'refs/heads/main'],
    ['a detached HEAD', `${C}\tHEAD\n`, null],
    ['an empty repository', '', null],
  ])('%s', (_name, output, expected) => {
    expect(parseSymrefHead(output)).toBe(expected);
  });
});

describe('parseLsTree', () => {
  it('reads modes, types, padded sizes, gitlinks and unquoted paths', () => {
    const output = Buffer.from(
      [
        `100644 blob ${T}      22\tgo.mod`,
        `100755 blob ${U}  123456\tbin/run me.sh`,
        `120000 blob ${T}       6\tlink`,
        `160000 commit ${C}       -\tsub`,
        `100644 blob ${U}       1\twith\ttab\nand newline`,
        `100644 blob ${T}       3\tünï/ß.go`,
        '',
      ].join('\0'),
    );
    expect(parseLsTree(output)).toEqual([
      { mode: '100644', type: 'blob', object: T, size: 22, path: 'go.mod' },
      { mode: '100755', type: 'blob', object: U, size: 123456, path: 'bin/run me.sh' },
      { mode: '120000', type: 'blob', object: T, size: 6, path: 'link' },
      { mode: '160000', type: 'commit', object: C, size: 0, path: 'sub' },
      { mode: '100644', type: 'blob', object: U, size: 1, path: 'with\ttab\nand newline' },
      { mode: '100644', type: 'blob', object: T, size: 3, path: 'ünï/ß.go' },
    ]);
  });
});
