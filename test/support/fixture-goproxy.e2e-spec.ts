import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURE_MODULES, buildFixtureGoproxy, buildFixtureGoproxyFresh, directGoEnv, escapeModulePath, type FixtureGoproxy } from './fixture-goproxy.js';
import { commitAll, repoDirFor, tag, writeFiles } from './git-fixtures.js';
import { goEnv, goModDownloadJson, goModDownloadJsonAll, runGo } from './go.js';
import { RUN_FIXTURES_ENV } from './run-fixtures.js';
import { startStaticServer } from './static-server.js';
import { makeTempDir, removeDir } from './tmp.js';

describe('buildFixtureGoproxy', () => {
  let dir: string;
  let fixture: FixtureGoproxy;
  let buildMs: number;

  beforeAll(async () => {
    dir = await makeTempDir('fixture-goproxy-spec');
    const started = Date.now();
    fixture = await buildFixtureGoproxyFresh(join(dir, 'fixture'));
    buildMs = Date.now() - started;
  });
  afterAll(() => removeDir(dir));

  /** A fresh HOME and module cache reading only the fixture tree through `goproxy`. */
  async function consumerEnv(name: string, goproxy: string): Promise<Record<string, string>> {
    await mkdir(join(dir, name));
    return goEnv({ home: join(dir, name), goproxy });
  }

  it('is fast and holds every fixture version, downloaded by go in direct mode', () => {
    expect(buildMs).toBeLessThan(20_000);
    expect(fixture.modules.map((m) => `${m.path}@${m.version}`)).toEqual([
      'github.com/fixture/alpha@v1.0.0',
      'github.com/fixture/alpha@v1.1.0',
      'github.com/fixture/alpha@v1.2.0-rc.1',
      'github.com/Fixture/UpperCase@v0.3.0',
      'github.com/fixture/beta/v2@v2.0.0',
      'github.com/fixture/beta/v2@v2.1.0',
      'github.com/fixture/nomod@v1.0.0',
      'github.com/fixture/nomod@v1.0.1',
      'github.com/fixture/gamma@v0.1.0',
      `github.com/fixture/gamma@${fixture.pseudo.version}`,
    ]);
    for (const m of fixture.modules) {
      expect(m.sum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
      expect(m.goModSum).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
      expect(m.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('gives gamma@main a pseudo-version from the fixed commit date and hash', () => {
    expect(fixture.pseudo).toMatchObject({ path: FIXTURE_MODULES.gamma, query: 'main' });
    expect(fixture.pseudo.version).toBe(`v0.1.1-0.20240110120000-${fixture.pseudo.commit.slice(0, 12)}`);
  });

  it('lays out upper-case paths escaped, like the GOPROXY protocol', async () => {
    const upper = fixture.modules.find((m) => m.path === FIXTURE_MODULES.upperCase);
    expect(upper?.escapedPath).toBe('github.com/!fixture/!upper!case');
    expect(upper?.files.zip).toBe(join(fixture.root, 'github.com/!fixture/!upper!case/@v/v0.3.0.zip'));
    await access(upper?.files.zip ?? '');
    expect(escapeModulePath('github.com/ABc/d')).toBe('github.com/!a!bc/d');
  });

  it('has the .mod go synthesizes for a repository without go.mod', async () => {
    const nomod = fixture.modules.find((m) => m.path === FIXTURE_MODULES.nomod && m.version === 'v1.0.0');
    expect(await readFile(nomod?.files.mod ?? '', 'utf8')).toBe('module github.com/fixture/nomod\n');
  });

  it('has @v/list files with the tagged versions (and, as Go 1.19 writes them, the pseudo-version)', async () => {
    expect(fixture.tags).toEqual({
      [FIXTURE_MODULES.alpha]: ['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1'],
      [FIXTURE_MODULES.upperCase]: ['v0.3.0'],
      [FIXTURE_MODULES.betaV2]: ['v2.0.0', 'v2.1.0'],
      [FIXTURE_MODULES.nomod]: ['v1.0.0', 'v1.0.1'],
      [FIXTURE_MODULES.gamma]: ['v0.1.0'],
    });
    expect(fixture.lists[FIXTURE_MODULES.alpha]).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0-rc.1']);
    expect(fixture.lists[FIXTURE_MODULES.gamma]).toEqual(['v0.1.0', fixture.pseudo.version]);
    const list = await readFile(join(fixture.root, 'github.com/!fixture/!upper!case/@v/list'), 'utf8');
    expect(list).toBe('v0.3.0\n');
  });

  it('is a GOPROXY: file://<root> in a fresh module cache reproduces every Sum and GoModSum', async () => {
    const env = await consumerEnv('file-consumer', fixture.url);
    const results = await goModDownloadJsonAll(
      fixture.modules.map((m) => `${m.path}@${m.version}`),
      env,
    );
    expect(results.map((r) => ({ path: r.Path, version: r.Version, sum: r.Sum, goModSum: r.GoModSum, error: r.Error }))).toEqual(
      fixture.modules.map((m) => ({ path: m.path, version: m.version, sum: m.sum, goModSum: m.goModSum, error: undefined })),
    );
  });

  it('answers version lists and queries the way go reads a proxy (pseudo-versions not listed)', async () => {
    const env = await consumerEnv('list-consumer', fixture.url);
    const list = async (path: string): Promise<string> =>
      (await runGo(['list', '-m', '-versions', path], { cwd: dir, env })).stdout.trim();
    expect(await list(FIXTURE_MODULES.alpha)).toBe('github.com/fixture/alpha v1.0.0 v1.1.0 v1.2.0-rc.1');
    expect(await list(FIXTURE_MODULES.gamma)).toBe('github.com/fixture/gamma v0.1.0');
    const [latest] = await goModDownloadJsonAll([`${FIXTURE_MODULES.alpha}@latest`], env);
    expect(latest?.Version).toBe('v1.1.0'); // @latest prefers releases over pre-releases
  });

  it('served over HTTP by startStaticServer, gives go the same sums', async () => {
    const server = await startStaticServer(fixture.root);
    try {
      const env = await consumerEnv('http-consumer', server.url);
      const wanted = fixture.modules.filter((m) => m.path === FIXTURE_MODULES.upperCase || m.path === FIXTURE_MODULES.betaV2);
      const results = await goModDownloadJsonAll(
        wanted.map((m) => `${m.path}@${m.version}`),
        env,
      );
      expect(results.map((r) => [r.Sum, r.GoModSum])).toEqual(wanted.map((m) => [m.sum, m.goModSum]));
      expect(server.requests).toEqual(
        expect.arrayContaining([
          '/github.com/!fixture/!upper!case/@v/v0.3.0.info',
          '/github.com/!fixture/!upper!case/@v/v0.3.0.mod',
          '/github.com/!fixture/!upper!case/@v/v0.3.0.zip',
          '/github.com/fixture/beta/v2/@v/v2.1.0.zip',
        ]),
      );
    } finally {
      await server.stop();
    }
  });

  it('in a jest run, builds once and gives each caller its own copy: same versions and sums, paths under its directory', async () => {
    expect(process.env[RUN_FIXTURES_ENV]).toBeTruthy();
    const copies = [await buildFixtureGoproxy(join(dir, 'copy-1')), await buildFixtureGoproxy(join(dir, 'copy-2'))];
    const identity = (f: FixtureGoproxy) => f.modules.map((m) => [m.path, m.version, m.sum, m.goModSum, m.commit]);
    for (const [i, copy] of copies.entries()) {
      const home = join(dir, `copy-${i + 1}`);
      expect(identity(copy)).toEqual(identity(fixture));
      expect([copy.root, copy.reposRoot, copy.gitConfigPath]).toEqual([join(home, 'modcache/cache/download'), join(home, 'repos'), join(home, 'gitconfig')]);
      for (const m of copy.modules) await access(m.files.zip);
      expect(copy.modules.every((m) => m.files.zip.startsWith(`${copy.root}/`))).toBe(true);
      expect(await readFile(copy.gitConfigPath, 'utf8')).toContain(`[url "file://${copy.reposRoot}/"]`);
    }
    await writeFile(join(copies[0]!.root, 'github.com/fixture/alpha/@latest'), '{"Version":"v1.1.0"}');
    await expect(access(join(copies[1]!.root, 'github.com/fixture/alpha/@latest'))).rejects.toThrow();
  });

  // Last: it adds a tag to a fixture repository.
  it('directGoEnv reads the fixture repositories directly, e.g. for a tag added by a test', async () => {
    const alpha = repoDirFor(fixture.reposRoot, FIXTURE_MODULES.alpha);
    await writeFiles(alpha, { 'new.go': 'package alpha\n' });
    const commit = await commitAll(alpha, 'alpha v1.3.0', '2024-02-01T00:00:00Z');
    await tag(alpha, 'v1.3.0');
    const result = await goModDownloadJson(`${FIXTURE_MODULES.alpha}@v1.3.0`, directGoEnv(fixture, join(dir, 'direct-home')));
    expect(result.Error).toBeUndefined();
    expect(result.Sum).toMatch(/^h1:/);
    expect(result.Origin?.Hash).toBe(commit);
  });
});
