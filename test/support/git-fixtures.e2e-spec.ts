import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileText } from './exec.js';
import {
  FIXTURE_GIT_USER,
  branch,
  checkout,
  commitAll,
  deleteTag,
  git,
  initRepo,
  makeGitInsteadOfConfig,
  repoDirFor,
  revParse,
  tag,
  writeFiles,
} from './git-fixtures.js';
import { makeTempDir, removeDir } from './tmp.js';

describe('git fixtures', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await makeTempDir('git-spec');
  });
  afterAll(() => removeDir(dir));

  async function makeRepo(path: string): Promise<string> {
    await initRepo(path);
    await writeFiles(path, { 'go.mod': 'module example.test/m\n', 'sub/dir/file.bin': Buffer.from([0, 1, 2]) });
    return commitAll(path, 'first', '2024-03-04T05:06:07Z');
  }

  it('commits with fixed identity and dates on branch main, so hashes are reproducible', async () => {
    const a = join(dir, 'a');
    const commit = await makeRepo(a);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await makeRepo(join(dir, 'a-again'))).toBe(commit);
    expect(await git(a, ['log', '-1', '--format=%an <%ae>|%cn <%ce>|%aI|%cI|%s'])).toBe(
      `${FIXTURE_GIT_USER.name} <${FIXTURE_GIT_USER.email}>|${FIXTURE_GIT_USER.name} <${FIXTURE_GIT_USER.email}>|2024-03-04T05:06:07Z|2024-03-04T05:06:07Z|first`
        .replaceAll('Z', '+00:00'),
    );
    expect(await git(a, ['symbolic-ref', '--short', 'HEAD'])).toBe('main');
    expect(await git(a, ['config', 'commit.gpgsign'])).toBe('false');
    expect(await git(a, ['ls-files'])).toBe('go.mod\nsub/dir/file.bin');
  });

  it('refuses to write outside the repository', async () => {
    await expect(writeFiles(join(dir, 'a'), { '../escape.txt': 'x' })).rejects.toThrow('is outside');
  });

  it('makes lightweight and annotated tags, moves and deletes them', async () => {
    const b = join(dir, 'b');
    const first = await makeRepo(b);
    await tag(b, 'v1.0.0');
    await tag(b, 'v1.1.0', { annotated: true, message: 'release v1.1.0' });
    expect(await git(b, ['cat-file', '-t', 'v1.0.0'])).toBe('commit');
    expect(await git(b, ['cat-file', '-t', 'v1.1.0'])).toBe('tag');
    expect(await git(b, ['tag', '-l', '--format=%(contents:subject)|%(taggerdate:iso-strict)', 'v1.1.0'])).toBe(
      'release v1.1.0|2024-03-04T05:06:07+00:00',
    );
    expect(await revParse(b, 'v1.1.0')).not.toBe(first);
    expect(await revParse(b, 'v1.1.0^{commit}')).toBe(first);

    await writeFiles(b, { 'more.go': 'package m\n' });
    const second = await commitAll(b, 'second', '2024-03-05T00:00:00Z');
    await tag(b, 'v1.0.0', { force: true });
    expect(await revParse(b, 'v1.0.0')).toBe(second);
    await deleteTag(b, 'v1.0.0');
    await expect(revParse(b, 'v1.0.0')).rejects.toThrow('Needed a single revision');
  });

  it('creates and checks out branches', async () => {
    const c = join(dir, 'c');
    const first = await makeRepo(c);
    await branch(c, 'release');
    await checkout(c, 'topic', { create: true });
    const onTopic = await commitAll(c, 'topic work', '2024-03-06T00:00:00Z');
    await checkout(c, 'main');
    expect(await revParse(c, 'HEAD')).toBe(first);
    expect(await revParse(c, 'release')).toBe(first);
    expect(await revParse(c, 'topic')).toBe(onTopic);
  });

  it('redirects https://github.com/<org>/<repo> to local repositories, case kept', async () => {
    const reposRoot = join(dir, 'repos');
    const repo = repoDirFor(reposRoot, 'github.com/Acme/Widget/v2');
    expect(repo).toBe(join(reposRoot, 'Acme', 'Widget'));
    const commit = await makeRepo(repo);
    await tag(repo, 'v2.0.0');
    const config = join(dir, 'gitconfig');
    await makeGitInsteadOfConfig(config, reposRoot);
    expect(await readFile(config, 'utf8')).toContain(`[url "file://${reposRoot}/"]\n\tinsteadOf = https://github.com/\n`);

    const { stdout } = await execFileText('git', ['ls-remote', 'https://github.com/Acme/Widget', 'refs/tags/*'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_GLOBAL: config, GIT_CONFIG_NOSYSTEM: '1' },
    });
    expect(stdout).toBe(`${commit}\trefs/tags/v2.0.0\n`);
  });

  it('rejects paths that are not github.com/<org>/<repo>', () => {
    expect(() => repoDirFor('/r', 'git.corp/x/y')).toThrow('not a github.com');
    expect(() => repoDirFor('/r', 'github.com/only-org')).toThrow('not a github.com');
  });
});
