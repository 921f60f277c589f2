import { join } from 'node:path';
import type { OriginConfig } from '#config';
import { UpstreamNotFoundError } from '#upstream';
import { commitAll, initRepo, makeTempDir, removeDir, tag, writeFiles } from '../../../../test/support/index.js';
import { GitProcessPool } from '../git-process-pool.js';
import { MirrorRegistry } from './mirror-registry.js';
import { OriginMatcher } from './origin-matcher.js';
import { PrivateGitSource } from './private-git.source.js';

const ROOT = 'git.example.test/acme';

/** Private modules from real git repositories (file:// remotes), with the fetch interval given. */
describe('PrivateGitSource (real git)', () => {
  let dir: string;
  let repos: string;
  let origin: OriginConfig;

  const source = (fetchIntervalMs: number) => {
    const mirrors = new MirrorRegistry(join(dir, `mirrors-${Math.random().toString(36).slice(2)}`), new GitProcessPool(4));
    return { mirrors, git: new PrivateGitSource(new OriginMatcher([origin]), mirrors, fetchIntervalMs) };
  };
  const fetches = async (mirrors: MirrorRegistry, repo: string) => mirrors.mirrorFor(origin, `file://${repos}/${repo}`).fetchCount;
  const makeRepo = async (name: string, tags: string[]) => {
    const repo = join(repos, name);
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${ROOT}/${name}\n\ngo 1.19\n`, 'a.go': 'package a\n' });
    await commitAll(repo, 'one', '2024-02-01T10:00:00Z');
    for (const t of tags) await tag(repo, t);
    return repo;
  };
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err as Error);

  beforeAll(async () => {
    dir = await makeTempDir('vcs-private-source');
    repos = join(dir, 'repos');
    origin = { pattern: `${ROOT}/*`, url: `file://${repos}/{repo}`, discoveryScheme: 'https' };
    await makeRepo('widget', ['v1.0.0']);
  });
  afterAll(() => removeDir(dir));

  it('fetches a repository at most once per fetch interval for unknown versions (20 lookups, 1 fetch)', async () => {
    const { git, mirrors } = source(60_000);
    for (let i = 0; i < 20; i++) {
      const err = await rejection(git.info(`${ROOT}/widget`, `v9.0.${i}`));
      expect(err).toBeInstanceOf(UpstreamNotFoundError);
    }
    expect(await fetches(mirrors, 'widget')).toBe(1);
  });

  it('fetches on every unknown version when the interval is 0', async () => {
    const { git, mirrors } = source(0);
    for (let i = 0; i < 3; i++) await rejection(git.info(`${ROOT}/widget`, `v9.1.${i}`));
    expect(await fetches(mirrors, 'widget')).toBe(3);
  });

  it('still fetches on a sync within the interval, so a pushed tag is found at once', async () => {
    const { git, mirrors } = source(60_000);
    await makeRepo('pushed', ['v1.0.0']);
    expect((await git.info(`${ROOT}/pushed`, 'v1.0.0')).info.Version).toBe('v1.0.0');
    await writeFiles(join(repos, 'pushed'), { 'b.go': 'package a\n' });
    await commitAll(join(repos, 'pushed'), 'two', '2024-02-02T10:00:00Z');
    await tag(join(repos, 'pushed'), 'v1.1.0');
    expect(await rejection(git.info(`${ROOT}/pushed`, 'v1.1.0'))).toBeInstanceOf(UpstreamNotFoundError);
    await git.syncRepository(`${ROOT}/pushed`);
    expect((await git.info(`${ROOT}/pushed`, 'v1.1.0')).info.Version).toBe('v1.1.0');
    expect(await fetches(mirrors, 'pushed')).toBe(2);
  });

  it('answers a repository that does not exist with 404 and no internal path, and heals once it exists', async () => {
    const { git } = source(60_000);
    const err = await rejection(git.info(`${ROOT}/later`, 'v1.0.0'));
    expect(err).toBeInstanceOf(UpstreamNotFoundError);
    expect((err as UpstreamNotFoundError).status).toBe(404);
    expect(err?.message).toBe(`the origin has no repository ${ROOT}/later`);
    expect(err?.message).not.toContain(dir);
    await makeRepo('later', ['v1.0.0']);
    // The failed first clone leaves no half mirror behind: the next request clones again.
    expect((await git.mod(`${ROOT}/later`, 'v1.0.0')).raw.toString()).toContain(`module ${ROOT}/later`);
    expect((await git.info(`${ROOT}/later`, 'v1.0.0')).info.Version).toBe('v1.0.0');
  });

  it('records the repository root the go command resolves as .info Origin.URL, for @latest too', async () => {
    const { git } = source(0);
    const info = JSON.parse((await git.info(`${ROOT}/widget`, 'v1.0.0')).raw.toString()) as { Origin: { URL: string } };
    expect(info.Origin.URL).toBe(`https://${ROOT}/widget`);
    const latest = JSON.parse((await git.latest(`${ROOT}/widget`)).raw.toString()) as { Version: string; Origin: { URL: string; Hash: string } };
    expect(latest).toMatchObject({ Version: 'v1.0.0', Origin: { URL: `https://${ROOT}/widget`, Hash: expect.stringMatching(/^[0-9a-f]{40}$/) } });
  });
});
