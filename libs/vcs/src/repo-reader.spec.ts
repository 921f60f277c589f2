import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GoModError } from '#gomod';
import { commitAll, execFileText, git, gitFixtureEnv, initRepo, makeTempDir, removeDir, revParse, tag, writeFiles } from '../../../test/support/index.js';
import { GitMirror } from './git-mirror.js';
import { GitProcessPool } from './git-process-pool.js';

/** Every byte value, so any text conversion would show. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('GitMirror as a RepoReader', () => {
  let dir: string;
  let source: string;
  let mirror: GitMirror;
  let first: string;
  let head: string;
  let unreachable: string;

  beforeAll(async () => {
    dir = await makeTempDir('vcs-reader');
    source = join(dir, 'src');
    await initRepo(source);
    await writeFiles(source, { 'go.mod': 'module example.test/m\n' });
    first = await commitAll(source, 'first');
    await tag(source, 'v1.0.0', { annotated: true });

    await writeFiles(source, {
      '.gitattributes': '*.txt text eol=crlf\n',
      'crlf.dat': 'a\r\nb\r\n',
      'lf.txt': 'one\ntwo\n',
      'binary.bin': BINARY,
      'run.sh': '#!/bin/sh\n',
      'pkg/a.go': 'package pkg\n',
      'pkgx/b.go': 'package pkgx\n',
      'ünï/ß.go': 'package x\n',
    });
    await chmod(join(source, 'run.sh'), 0o755);
    await symlink('go.mod', join(source, 'link'));
    await commitAll(source, 'files');
    // A submodule entry (gitlink): only the index can make one without a second repository.
    await git(source, ['update-index', '--add', '--cacheinfo', `160000,${first},sub`]);
    // The author date differs from the committer date: the go command uses the committer's.
    await git(source, ['commit', '-q', '-m', 'gitlink', '--date=2001-01-01T00:00:00Z'], '2024-03-01T12:00:00Z');
    head = await revParse(source, 'HEAD');
    unreachable = await git(source, ['commit-tree', '-m', 'on no branch', `${first}^{tree}`]);

    mirror = new GitMirror({ url: `file://${source}`, dir: join(dir, 'mirror.git'), pool: new GitProcessPool(4) });
    await mirror.fetch();
  });
  afterAll(() => removeDir(dir));

  describe('commit', () => {
    it('gives the hash and committer time of a commit', async () => {
      expect(await mirror.commit(head)).toEqual({ hash: head, time: new Date('2024-03-01T12:00:00Z') });
    });

    it.each([
      ['an annotated tag object', async () => revParse(source, 'v1.0.0')],
      ['a tree', async () => revParse(source, 'HEAD^{tree}')],
      ['a blob', async () => revParse(source, 'HEAD:go.mod')],
      ['an unknown hash', async () => 'f'.repeat(40)],
      ['a short hash', async () => head.slice(0, 12)],
      ['an option', async () => '--output=x'],
    ])('is null for %s', async (_name, hash) => {
      expect(await mirror.commit(await hash())).toBeNull();
    });
  });

  describe('resolveCommitPrefix', () => {
    it('finds the unique commit reachable from branches and tags', async () => {
      expect(await mirror.resolveCommitPrefix(head.slice(0, 7))).toBe(head);
      expect(await mirror.resolveCommitPrefix(first)).toBe(first);
    });

    it('is null for no match, an unreachable commit and non-hex input', async () => {
      const absent = ['0000000', 'fffffff'].find((p) => !head.startsWith(p) && !first.startsWith(p)) ?? '';
      expect(await mirror.resolveCommitPrefix(absent)).toBeNull();
      expect(await mirror.resolveCommitPrefix(unreachable.slice(0, 12))).toBeNull();
      // A commit the mirror holds but no branch or tag reaches any more (its branch was deleted).
      await git(source, ['branch', 'doomed', unreachable]);
      await mirror.fetch();
      expect(await mirror.resolveCommitPrefix(unreachable.slice(0, 12))).toBe(unreachable);
      await git(source, ['branch', '-D', 'doomed']);
      await mirror.fetch();
      expect(await mirror.resolveCommitPrefix(unreachable.slice(0, 12))).toBeNull();
      expect(await mirror.resolveCommitPrefix('HEAD')).toBeNull();
      expect(await mirror.resolveCommitPrefix(head.slice(0, 7).toUpperCase())).toBeNull();
    });

    it('throws "ambiguous revision" when several reachable commits share the prefix', async () => {
      // 1500 commits from one fast-import: some pair of them shares a prefix of 5 or more hex digits.
      const repo = join(dir, 'many');
      await initRepo(repo);
      const input = Array.from(
        { length: 1500 },
        (_, i) => `commit refs/heads/main\ncommitter Fixture Bot <fixture@example.com> ${1704067200 + i} +0000\ndata <<END\nc${i}\nEND\n\n`,
      ).join('');
      await execFileText('git', ['fast-import', '--quiet'], { cwd: repo, env: gitFixtureEnv(), input });
      const hashes = (await git(repo, ['rev-list', 'main'])).split('\n').sort();
      const shared = longestSharedPrefix(hashes);
      expect(shared.length).toBeGreaterThanOrEqual(4);

      const many = new GitMirror({ url: `file://${repo}`, dir: join(dir, 'many.git'), pool: new GitProcessPool(2) });
      await many.fetch();
      await expect(many.resolveCommitPrefix(shared)).rejects.toThrow(new GoModError(`ambiguous revision ${shared}`));
      await expect(many.resolveCommitPrefix(hashes[0]!)).resolves.toBe(hashes[0]);
    });
  });

  describe('readFile', () => {
    it.each([
      ['go.mod', 'module example.test/m\n'],
      ['crlf.dat', 'a\r\nb\r\n'],
      // Raw blob bytes: `eol=crlf` in .gitattributes applies to archives, not to cat-file.
      ['lf.txt', 'one\ntwo\n'],
      ['ünï/ß.go', 'package x\n'],
      ['link', 'go.mod'],
    ])('reads %s raw', async (path, content) => {
      expect((await mirror.readFile(head, path))?.toString('utf8')).toBe(content);
    });

    it('keeps binary bytes', async () => {
      expect(await mirror.readFile(head, 'binary.bin')).toEqual(BINARY);
    });

    it.each([
      ['a missing file', 'nope.go'],
      ['a directory', 'pkg'],
      ['a gitlink', 'sub'],
      ['a file added later', 'lf.txt', true],
      ['an absolute path', '/go.mod'],
    ])('is null for %s', async (_name, path, atFirst = false) => {
      expect(await mirror.readFile(atFirst ? first : head, path)).toBeNull();
    });

    it('is null for an unknown commit', async () => {
      expect(await mirror.readFile('e'.repeat(40), 'go.mod')).toBeNull();
    });
  });

  describe('isAncestor', () => {
    it('follows history', async () => {
      expect(await mirror.isAncestor(first, head)).toBe(true);
      expect(await mirror.isAncestor(head, head)).toBe(true);
      expect(await mirror.isAncestor(head, first)).toBe(false);
    });
  });

  describe('listTree', () => {
    it('lists files, executables, symlinks and gitlinks with their sizes', async () => {
      const entries = await mirror.listTree(head, '');
      const byPath = new Map(entries.map((e) => [e.path, e]));
      expect([...byPath.keys()].sort()).toEqual(
        ['.gitattributes', 'binary.bin', 'crlf.dat', 'go.mod', 'link', 'lf.txt', 'pkg/a.go', 'pkgx/b.go', 'run.sh', 'sub', 'ünï/ß.go'].sort(),
      );
      expect(byPath.get('go.mod')).toMatchObject({ mode: '100644', type: 'blob', size: 22 });
      expect(byPath.get('run.sh')).toMatchObject({ mode: '100755', size: 10 });
      expect(byPath.get('link')).toMatchObject({ mode: '120000', type: 'blob', size: 6 });
      expect(byPath.get('sub')).toEqual({ path: 'sub', mode: '160000', type: 'commit', object: first, size: 0 });
      expect(byPath.get('binary.bin')?.size).toBe(256);
    });

    it('refuses a commit that is not a hash', async () => {
      await expect(mirror.listTree('HEAD', '')).rejects.toBeInstanceOf(TypeError);
    });

    it('lists below a directory only, with paths from the repository root', async () => {
      expect((await mirror.listTree(head, 'pkg')).map((e) => e.path)).toEqual(['pkg/a.go']);
      expect((await mirror.listTree(head, 'pkg/')).map((e) => e.path)).toEqual(['pkg/a.go']);
      expect((await mirror.listTree(head, 'ünï')).map((e) => e.path)).toEqual(['ünï/ß.go']);
      expect(await mirror.listTree(head, 'missing')).toEqual([]);
      expect(await mirror.listTree(head, 'pk*')).toEqual([]);
    });
  });
});

/** The longest prefix shared by two different strings of a sorted list. */
function longestSharedPrefix(sorted: string[]): string {
  let best = '';
  for (let i = 1; i < sorted.length; i++) {
    const [a = '', b = ''] = [sorted[i - 1], sorted[i]];
    let n = 0;
    while (n < a.length && a[n] === b[n]) n++;
    if (n > best.length) best = a.slice(0, n);
  }
  return best;
}
