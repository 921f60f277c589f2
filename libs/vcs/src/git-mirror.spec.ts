import { access, chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  branch,
  commitAll,
  deleteTag,
  execFileText,
  git,
  gitFixtureEnv,
  initRepo,
  makeTempDir,
  removeDir,
  revParse,
  startGitHttpServer,
  tag,
  writeFiles,
  type GitHttpServer,
} from '../../../test/support/index.js';
import { GitCommandError } from './git-command-error.js';
import { GitMirror, MirrorNotFetchedError, type GitMirrorOptions } from './git-mirror.js';
import { GitProcessPool } from './git-process-pool.js';

const TOKEN = 'tok-9f8e7d6c5b4a';

describe('GitMirror fetch', () => {
  let dir: string;
  let reposRoot: string;
  let source: string;
  let server: GitHttpServer;
  let n = 0;
  const pool = new GitProcessPool(4);

  /** A mirror of `url` in a fresh directory under `<dir>/git`. */
  function mirrorOf(url: string, options: Partial<GitMirrorOptions> = {}): GitMirror {
    return new GitMirror({ url, dir: join(dir, 'git', `m${++n}.git`), pool, ...options });
  }

  beforeAll(async () => {
    dir = await makeTempDir('vcs-mirror');
    reposRoot = join(dir, 'repos');
    source = join(reposRoot, 'src');
    await initRepo(source);
    await writeFiles(source, { 'go.mod': 'module example.test/m\n' });
    await commitAll(source, 'first');
    await tag(source, 'v1.0.0');
    await tag(source, 'v1.1.0', { annotated: true });
    // A tag of an annotated tag: for-each-ref peels one level only.
    await git(source, ['tag', '-a', '-m', 'nested', 'v1.2.0', 'v1.1.0']);
    await branch(source, 'dev');
    server = await startGitHttpServer({ reposRoot, token: TOKEN, tokenUser: 'ci' });
  });
  afterAll(async () => {
    await server.stop();
    await removeDir(dir);
  });

  it('creates a bare mirror on first use: branches, peeled tags and the HEAD branch', async () => {
    const mirror = mirrorOf(`file://${source}`);
    expect(await mirror.exists()).toBe(false);
    await expect(mirror.refs()).rejects.toBeInstanceOf(MirrorNotFetchedError);

    expect(await mirror.fetch()).toEqual({ changed: true });
    const head = await revParse(source, 'HEAD');
    const refs = await mirror.refs();
    expect(refs).toEqual({
      head,
      headBranch: 'main',
      tags: new Map([
        ['v1.0.0', head],
        ['v1.1.0', head],
        ['v1.2.0', head],
      ]),
      branches: new Map([
        ['dev', head],
        ['main', head],
      ]),
      // Annotated tags are also advertised by their tag object's hash.
      tagObjects: new Map([
        ['v1.1.0', await revParse(source, 'v1.1.0')],
        ['v1.2.0', await revParse(source, 'v1.2.0')],
      ]),
    });
    expect(mirror.fetchCount).toBe(1);
    expect(await git(mirror.dir, ['rev-parse', '--is-bare-repository'])).toBe('true');
    expect(await readdir(join(dir, 'git'))).not.toContain(`m${n}.git.partial`);
  });

  it('fetches incrementally: new tags, moved and deleted tags, deleted branches, a new HEAD branch', async () => {
    const repo = join(reposRoot, 'moving');
    await initRepo(repo);
    const c1 = await commitAll(repo, 'one');
    await tag(repo, 'v0.1.0');
    await tag(repo, 'gone');
    await branch(repo, 'old');
    const mirror = mirrorOf(`file://${repo}`);
    await mirror.fetch();
    // The same repository (not a re-clone) must carry on: a marker survives every later fetch.
    await writeFile(join(mirror.dir, 'marker'), 'x');

    expect(await mirror.fetch()).toEqual({ changed: false });
    expect(mirror.fetchCount).toBe(2);

    const c2 = await commitAll(repo, 'two', '2024-02-01T00:00:00Z');
    await tag(repo, 'v0.2.0');
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).tags.get('v0.2.0')).toBe(c2);
    expect(mirror.fetchCount).toBe(3);

    await tag(repo, 'v0.1.0', { ref: c2, force: true });
    await deleteTag(repo, 'gone');
    await git(repo, ['branch', '-D', 'old']);
    await branch(repo, 'next', c1);
    await git(repo, ['symbolic-ref', 'HEAD', 'refs/heads/next']);
    expect(await mirror.fetch()).toEqual({ changed: true });
    const refs = await mirror.refs();
    expect(refs.tags).toEqual(new Map([['v0.1.0', c2], ['v0.2.0', c2]]));
    expect([...refs.branches.keys()].sort()).toEqual(['main', 'next']);
    expect([refs.headBranch, refs.head]).toEqual(['next', c1]);

    await git(repo, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).headBranch).toBe('main');
    await expect(access(join(mirror.dir, 'marker'))).resolves.toBeUndefined();
  });

  it('records no HEAD branch when the remote HEAD is detached', async () => {
    const repo = join(reposRoot, 'detached');
    await initRepo(repo);
    const commit = await commitAll(repo, 'one');
    await git(repo, ['checkout', '-q', '--detach']);
    const mirror = mirrorOf(`file://${repo}`);
    await mirror.fetch();
    expect(await mirror.refs()).toMatchObject({ head: null, headBranch: null, branches: new Map([['main', commit]]) });
  });

  it('mirrors an empty repository: no refs, no HEAD commit', async () => {
    const repo = join(reposRoot, 'empty');
    await initRepo(repo);
    const mirror = mirrorOf(`file://${repo}`);
    expect(await mirror.fetch()).toEqual({ changed: false });
    expect(await mirror.refs()).toEqual({ head: null, headBranch: null, tags: new Map(), branches: new Map(), tagObjects: new Map() });
  });

  it.each([
    ['Bearer', `Authorization: Bearer ${TOKEN}`],
    ['Basic', `Authorization: Basic ${Buffer.from(`ci:${TOKEN}`).toString('base64')}`],
  ])('fetches over smart HTTP with a %s token', async (_scheme, header) => {
    const before = server.requests.length;
    const mirror = mirrorOf(`${server.url}/src`, { auth: { header } });
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).tags.get('v1.0.0')).toBe(await revParse(source, 'HEAD'));
    expect(await mirror.fetch()).toEqual({ changed: false });
    expect(server.requests.slice(before)).toContain('POST /src/git-upload-pack');
    // The token is nowhere on disk.
    expect(await filesContaining(mirror.dir, TOKEN)).toEqual([]);
  });

  it('fetches a longer history incrementally over smart HTTP', async () => {
    const repo = join(reposRoot, 'long');
    await initRepo(repo);
    const input = Array.from(
      { length: 300 },
      (_, i) => `commit refs/heads/main\ncommitter Fixture Bot <fixture@example.com> ${1704067200 + i} +0000\ndata <<END\nc${i}\nEND\n\n`,
    ).join('');
    await execFileText('git', ['fast-import', '--quiet'], { cwd: repo, env: gitFixtureEnv(), input });
    await git(repo, ['checkout', '-q', 'main']);
    const mirror = mirrorOf(`${server.url}/long`, { auth: { header: `Authorization: Bearer ${TOKEN}` } });
    await mirror.fetch();
    const next = await commitAll(repo, 'next', '2024-06-01T00:00:00Z');
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).head).toBe(next);
  });

  it('fails with a typed error that does not carry the token, and keeps it out of argv', async () => {
    const log = join(dir, 'argv.log');
    const wrapper = join(dir, 'git-wrapper');
    // Logs every argument list git is started with, then runs the real git.
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`);
    await chmod(wrapper, 0o755);
    const loggedPool = new GitProcessPool(2, { gitPath: wrapper });

    const wrong = `Authorization: Bearer wrong-${TOKEN}`;
    const failing = mirrorOf(`${server.url}/src`, { auth: { header: wrong }, pool: loggedPool });
    const error = await failing.fetch().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error).toMatchObject({ subcommand: 'ls-remote', code: 128 });
    expect((error as Error).message).not.toContain(TOKEN);
    expect(failing.fetchCount).toBe(1);
    expect(await failing.exists()).toBe(false);

    const good = mirrorOf(`${server.url}/src`, { auth: { header: async () => `Authorization: Bearer ${TOKEN}` }, pool: loggedPool });
    await good.fetch();
    const argv = await readFile(log, 'utf8');
    expect(argv).toContain('fetch');
    expect(argv).not.toContain(TOKEN);
  });

  it('continues an interrupted first fetch and only then shows the mirror', async () => {
    let header = 'Authorization: Bearer nope';
    const mirror = mirrorOf(`${server.url}/src`, { auth: { header: () => header } });
    await expect(mirror.fetch()).rejects.toBeInstanceOf(GitCommandError);
    expect(await mirror.exists()).toBe(false);
    await expect(mirror.readFile('0'.repeat(40), 'go.mod')).rejects.toBeInstanceOf(MirrorNotFetchedError);
    await expect(access(`${mirror.dir}.partial`)).resolves.toBeUndefined();

    header = `Authorization: Bearer ${TOKEN}`;
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect(await mirror.exists()).toBe(true);
    await expect(access(`${mirror.dir}.partial`)).rejects.toThrow();
  });

  it('refuses credentials in the URL', () => {
    expect(() => mirrorOf('https://ci:secret@git.example/r.git')).toThrow(/auth/);
  });

  it('rebuilds the mirror after invalidate() or after its directory was deleted', async () => {
    const mirror = mirrorOf(`file://${source}`);
    await mirror.fetch();
    await mirror.invalidate();
    expect(await mirror.exists()).toBe(false);
    await expect(mirror.commit(await revParse(source, 'HEAD'))).rejects.toBeInstanceOf(MirrorNotFetchedError);
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).headBranch).toBe('main');

    await rm(mirror.dir, { recursive: true, force: true });
    expect(await mirror.fetch()).toEqual({ changed: true });
    expect((await mirror.refs()).tags.size).toBe(3);
    expect(mirror.fetchCount).toBe(3);
  });

  describe('concurrency', () => {
    it('runs one git process at a time per repository', async () => {
      const first = mirrorOf(`file://${source}`);
      await first.fetch();
      const head = await revParse(source, 'HEAD');
      const counting = new GitProcessPool(8);
      // A second object on the same directory shares the lock.
      const mirrors = [new GitMirror({ url: first.url, dir: first.dir, pool: counting }), new GitMirror({ url: first.url, dir: first.dir, pool: counting })];
      const reads = await Promise.all(Array.from({ length: 10 }, (_, i) => mirrors[i % 2]!.readFile(head, 'go.mod')));
      expect(reads.every((r) => r?.toString() === 'module example.test/m\n')).toBe(true);
      expect(counting.maxSeen).toBe(1);

      const other = mirrorOf(`file://${source}`);
      await other.fetch();
      const both = new GitProcessPool(8);
      const a = new GitMirror({ url: first.url, dir: first.dir, pool: both });
      const b = new GitMirror({ url: other.url, dir: other.dir, pool: both });
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).readFile(head, 'go.mod')));
      expect(both.maxSeen).toBe(2);
    });

    it('keeps the repository locked while an archive is iterated, and frees it on break', async () => {
      const mirror = mirrorOf(`file://${source}`);
      await mirror.fetch();
      const head = await revParse(source, 'HEAD');
      let readDone = false;
      let pending: Promise<unknown> | undefined;
      for await (const entry of mirror.archive(head, '')) {
        expect(entry.path).toBe('go.mod');
        pending = mirror.readFile(head, 'go.mod').then(() => (readDone = true));
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(readDone).toBe(false);
        break;
      }
      await pending;
      expect(readDone).toBe(true);
      expect(pool.active).toBe(0);
    });
  });
});

/** Files under `root` whose bytes contain `needle`. */
async function filesContaining(root: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) hits.push(path);
  }
  return hits;
}
