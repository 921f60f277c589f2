import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveEntry } from '#gomod';
import { commitAll, git, initRepo, makeTempDir, removeDir, writeFiles } from '../../../test/support/index.js';
import { ARCHIVE_ATTRIBUTES_LINE } from './git-archive.js';
import { GitCommandError } from './git-command-error.js';
import { GitMirror } from './git-mirror.js';
import { GitProcessPool } from './git-process-pool.js';

const LONG_NAME = `${'n'.repeat(120)}.go`;
const LONG_PATH = `${'d'.repeat(90)}/${'e'.repeat(90)}/f.go`;
const VERY_LONG_PATH = `${'x'.repeat(200)}/${'y'.repeat(120)}.go`;

interface Collected {
  path: string;
  kind: ArchiveEntry['kind'];
  size: number;
  text: string;
}

async function collect(entries: AsyncIterable<ArchiveEntry>): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const entry of entries) {
    const body = Buffer.concat(await entry.body.toArray());
    expect(body.length).toBe(entry.size);
    out.push({ path: entry.path, kind: entry.kind, size: entry.size, text: body.toString('utf8') });
  }
  return out;
}

describe('GitMirror.archive', () => {
  let dir: string;
  let source: string;
  let mirror: GitMirror;
  let head: string;

  beforeAll(async () => {
    dir = await makeTempDir('vcs-archive');
    source = join(dir, 'src');
    await initRepo(source);
    await writeFiles(source, {
      '.gitattributes': ['*.txt text eol=crlf', 'secret.go export-ignore', 'version.go export-subst', ''].join('\n'),
      'go.mod': 'module example.test/m\n',
      'notes.txt': 'one\ntwo\n',
      'secret.go': 'package m // export-ignore\n',
      'version.go': 'package m\n\nconst commit = "$Format:%H$"\n',
      'pkg/a.go': 'package pkg\n',
      'ünï/ß.go': 'package x\n',
      [LONG_NAME]: 'package long\n',
      [LONG_PATH]: 'package nested\n',
      [VERY_LONG_PATH]: 'package verylong\n',
    });
    await symlink('go.mod', join(source, 'link'));
    await symlink(`${'t'.repeat(150)}/target`, join(source, 'longlink'));
    const first = await commitAll(source, 'files');
    await git(source, ['update-index', '--add', '--cacheinfo', `160000,${first},sub`]);
    await git(source, ['commit', '-q', '-m', 'gitlink']);
    head = await git(source, ['rev-parse', 'HEAD']);
    mirror = new GitMirror({ url: `file://${source}`, dir: join(dir, 'mirror.git'), pool: new GitProcessPool(2) });
    await mirror.fetch();
  });
  afterAll(() => removeDir(dir));

  it("yields what cmd/go's git archive gives: every file, attributes but no export rules", async () => {
    const entries = await collect(mirror.archive(head, ''));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(
      ['.gitattributes', 'go.mod', 'notes.txt', 'secret.go', 'version.go', 'pkg/a.go', 'ünï/ß.go', 'link', 'longlink', LONG_NAME, LONG_PATH, VERY_LONG_PATH].sort(),
    );
    // export-ignore and export-subst are switched off by info/attributes, as cmd/go does.
    expect(byPath.get('secret.go')?.text).toBe('package m // export-ignore\n');
    expect(byPath.get('version.go')?.text).toContain('"$Format:%H$"');
    // Other attributes still apply: eol=crlf converts in the archive (not in the blob).
    expect(byPath.get('notes.txt')).toMatchObject({ kind: 'file', text: 'one\r\ntwo\r\n', size: 10 });
    expect(byPath.get('link')).toEqual({ path: 'link', kind: 'symlink', size: 6, text: 'go.mod' });
    expect(byPath.get('longlink')).toMatchObject({ kind: 'symlink', text: `${'t'.repeat(150)}/target` });
    expect(byPath.get(VERY_LONG_PATH)?.text).toBe('package verylong\n');
    expect(byPath.get('ünï/ß.go')?.text).toBe('package x\n');
    // The gitlink (an empty directory in git's tar) and directories are not entries.
    expect(entries.filter((e) => e.path === 'sub' || e.path.endsWith('/'))).toEqual([]);
  });

  it('limits the archive to a directory, keeping paths from the repository root', async () => {
    expect((await collect(mirror.archive(head, 'pkg'))).map((e) => e.path)).toEqual(['pkg/a.go']);
    expect((await collect(mirror.archive(head, 'ünï/'))).map((e) => e.path)).toEqual(['ünï/ß.go']);
  });

  it('keeps one attributes line in the mirror, also when the file has other lines', async () => {
    const file = join(mirror.dir, 'info', 'attributes');
    await writeFile(file, '*.bin -text');
    const fresh = new GitMirror({ url: mirror.url, dir: mirror.dir, pool: new GitProcessPool(1) });
    await collect(fresh.archive(head, 'pkg'));
    await collect(fresh.archive(head, 'pkg'));
    expect(await readFile(file, 'utf8')).toBe(`*.bin -text\n${ARCHIVE_ATTRIBUTES_LINE}\n`);
  });

  it('drains bodies the consumer skips', async () => {
    const paths: string[] = [];
    for await (const entry of mirror.archive(head, '')) paths.push(entry.path);
    expect(paths).toHaveLength(12);
  });

  it('fails with a typed error for an unknown commit', async () => {
    await expect(collect(mirror.archive('e'.repeat(40), ''))).rejects.toBeInstanceOf(GitCommandError);
    await expect(collect(mirror.archive(head, 'missing'))).rejects.toThrow(/did not match any files/);
  });

  it('streams a 30 MB file with bounded memory, git waiting while the consumer does', async () => {
    const repo = join(dir, 'big');
    await initRepo(repo);
    const size = 30 * 1024 * 1024;
    const line = Buffer.from('0123456789abcdef'.repeat(4) + '\n');
    const big = Buffer.alloc(size);
    for (let i = 0; i < size; i += line.length) line.copy(big, i);
    await writeFiles(repo, { 'go.mod': 'module example.test/big\n', 'huge.txt': big });
    const commit = await commitAll(repo, 'big');
    const pool = new GitProcessPool(1);
    const bigMirror = new GitMirror({ url: `file://${repo}`, dir: join(dir, 'big.git'), pool });
    await bigMirror.fetch();

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let read = 0;
    let paused = false;
    let gitRunningDuringPause = false;
    for await (const entry of bigMirror.archive(commit, '')) {
      if (entry.path !== 'huge.txt') continue;
      for await (const chunk of entry.body) {
        read += (chunk as Buffer).length;
        peak = Math.max(peak, process.memoryUsage().rss);
        if (!paused && read > size / 2) {
          paused = true;
          // Nobody reads for a while: with backpressure git blocks on a full pipe instead of finishing.
          await new Promise((resolve) => setTimeout(resolve, 300));
          gitRunningDuringPause = pool.active === 1;
        }
      }
    }
    expect(read).toBe(size);
    expect(gitRunningDuringPause).toBe(true);
    expect(peak - baseline).toBeLessThan(12 * 1024 * 1024);
    expect(pool.active).toBe(0);
  });
});
