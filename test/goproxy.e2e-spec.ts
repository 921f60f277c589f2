import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  FIXTURE_MODULES,
  goModDownloadJsonAll,
  makeTempDir,
  removeDir,
  runGo,
  startStack,
  type FixtureGoproxy,
  type ModgateProcess,
  type Stack,
  type StaticServer,
} from './support/index.js';
import { rawGet } from './http-client.js';
import { MALFORMED_REQUESTS } from './malformed-requests.js';

/**
 * The real go command (Debian golang-go) over HTTPS against modgate on its embedded default
 * (PGlite + filesystem), with a fixture upstream made by the go command itself.
 */
describe('modgate as GOPROXY for public modules (real go over HTTPS)', () => {
  let stack: Stack;
  let dir: string;
  let fixture: FixtureGoproxy;
  let upstream: StaticServer;
  let sumdb: StaticServer;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let goHome: string;

  const goThroughModgate = (modcache: string) => stack.goEnv({ modcache });

  beforeAll(async () => {
    stack = await startStack({
      name: 'goproxy-e2e',
      upstream: 'fixture',
      sumdb: 'sum.fixture.test',
      // Every list and @latest goes to the upstream, so the outage test below sees stale answers.
      env: { MODGATE_LIST_TTL_SECONDS: '0' },
    });
    ({ dir, modgate } = stack);
    [fixture, upstream, sumdb, ca] = [stack.fixture!, stack.upstream!, stack.sumdb!, stack.ca!];
    goHome = join(dir, 'gohome');
    // A go-made tree has no @latest files; the public proxy answers @latest with the highest release.
    await writeFile(join(fixture.root, 'github.com/fixture/alpha/@latest'), '{"Version":"v1.1.0","Time":"2024-01-02T00:00:00Z"}');
  });

  afterAll(() => stack?.stop());

  it('prints the GOPROXY line a newcomer pastes', () => {
    expect(modgate.stdout()).toContain(`go env -w GOPROXY=${modgate.url}`);
  });

  it('downloads every fixture version with the same Sum and GoModSum as the go command made them', async () => {
    const wanted = fixture.modules.map((m) => `${m.path}@${m.version}`);
    const results = await goModDownloadJsonAll(wanted, goThroughModgate('1'));
    expect(results.map((r) => r.Error).filter(Boolean)).toEqual([]);
    const got = results.map((r) => ({ path: r.Path, version: r.Version, sum: r.Sum, goModSum: r.GoModSum }));
    const want = fixture.modules.map((m) => ({ path: m.path, version: m.version, sum: m.sum, goModSum: m.goModSum }));
    expect(got).toEqual(want);
  });

  it('serves artifacts byte-identical to the fixture tree with immutable caching', async () => {
    for (const m of fixture.modules) {
      for (const kind of ['info', 'mod', 'zip'] as const) {
        const response = await rawGet(modgate.url, `/${m.escapedPath}/@v/${m.version}.${kind}`, { ca, headers: ADMIN_AUTH });
        expect(response.status).toBe(200);
        expect(response.body.equals(await readFile(m.files[kind]))).toBe(true);
        expect(response.headers['cache-control']).toBe('private, max-age=31536000, immutable');
      }
    }
  });

  it('lists versions for go list -m -versions, with short-lived caching', async () => {
    const env = goThroughModgate('2');
    const alpha = await runGo(['list', '-m', '-versions', FIXTURE_MODULES.alpha], { cwd: goHome, env });
    expect(alpha.stdout.trim()).toBe(`${FIXTURE_MODULES.alpha} v1.0.0 v1.1.0 v1.2.0-rc.1`);
    const upper = await runGo(['list', '-m', '-versions', FIXTURE_MODULES.upperCase], { cwd: goHome, env });
    expect(upper.stdout.trim()).toBe(`${FIXTURE_MODULES.upperCase} v0.3.0`);
    const list = await rawGet(modgate.url, `/github.com/fixture/beta/v2/@v/list`, { ca, headers: ADMIN_AUTH });
    expect(list.body.toString()).toBe('v2.0.0\nv2.1.0\n');
    expect(list.headers['cache-control']).toBe('private, max-age=0');
  });

  it('lets go get <module>@latest pick the highest release', async () => {
    const work = await makeTempDir('modgate-work-');
    try {
      const env = goThroughModgate('3');
      await runGo(['mod', 'init', 'example.com/consumer'], { cwd: work, env });
      await runGo(['get', `${FIXTURE_MODULES.alpha}@latest`, `${FIXTURE_MODULES.nomod}@latest`], { cwd: work, env });
      const goMod = await readFile(join(work, 'go.mod'), 'utf8');
      expect(goMod).toContain(`${FIXTURE_MODULES.alpha} v1.1.0`);
      expect(goMod).toContain(`${FIXTURE_MODULES.nomod} v1.0.1`);
    } finally {
      await removeDir(work);
    }
  });

  it('answers @latest from the upstream, and passes its 404 on', async () => {
    const response = await rawGet(modgate.url, `/${FIXTURE_MODULES.alpha}/@latest`, { ca, headers: ADMIN_AUTH });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({ Version: 'v1.1.0', Time: '2024-01-02T00:00:00Z' });
    const none = await rawGet(modgate.url, `/${FIXTURE_MODULES.gamma}/@latest`, { ca, headers: ADMIN_AUTH });
    expect(none.status).toBe(404);
  });

  const malformed = MALFORMED_REQUESTS.map(([name, path, status]) => ({ name, path, status }));
  it.each(malformed)('answers $name with $status and one plain-text line, asking no upstream', async ({ path, status }) => {
    const before = upstream.requests.length;
    const response = await rawGet(modgate.url, path, { ca, headers: ADMIN_AUTH });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const body = response.body.toString();
    expect(body).toMatch(/^modgate: [^\n]+\n$/);
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 404 with the upstream reason for a module nobody has', async () => {
    const response = await rawGet(modgate.url, '/github.com/fixture/missing/@v/v1.0.0.info', { ca, headers: ADMIN_AUTH });
    expect(response.status).toBe(404);
    expect(response.body.toString()).toMatch(/^modgate: github.com\/fixture\/missing@v1.0.0: .*404/);
    const go = await goModDownloadJsonAll(['github.com/fixture/missing@v1.0.0'], goThroughModgate('4'));
    expect(go[0]?.Error).toMatch(/404/);
  });

  it('passes the checksum database through and caches its tiles', async () => {
    expect((await rawGet(modgate.url, '/sumdb/sum.fixture.test/supported', { ca, headers: ADMIN_AUTH })).status).toBe(200);
    expect((await rawGet(modgate.url, '/sumdb/sum.other.test/supported', { ca, headers: ADMIN_AUTH })).status).toBe(404);
    expect((await rawGet(modgate.url, '/sumdb/sum.fixture.test/tile/8/0/../../x', { ca, headers: ADMIN_AUTH })).status).toBe(400);
    // The fixture sumdb has no such tile: a 404 is passed on, and nothing is cached.
    const tilePath = '/sumdb/sum.fixture.test/tile/8/0/000';
    expect((await rawGet(modgate.url, tilePath, { ca, headers: ADMIN_AUTH })).status).toBe(404);
    const lookup = await rawGet(modgate.url, '/sumdb/sum.fixture.test/lookup/github.com/fixture/alpha@v1.0.0', { ca, headers: ADMIN_AUTH });
    expect(lookup.status).toBe(404);
    expect(sumdb.requests).toEqual(['/tile/8/0/000', '/lookup/github.com/fixture/alpha@v1.0.0']);
  });

  it('reports ready when the database and the blob store answer', async () => {
    const ready = await rawGet(modgate.url, '/readyz', { ca });
    expect([ready.status, ready.body.toString()]).toEqual([200, 'ready\n']);
  });

  it('answers 503 naming a blob store that refuses writes, and logs the cause', async () => {
    const extra = join(fixture.root, 'github.com/fixture/extra/@v');
    await mkdir(extra, { recursive: true });
    await writeFile(join(extra, 'v1.0.0.mod'), 'module github.com/fixture/extra\n');
    // The tests run as root: only an immutable directory refuses its writes.
    const blobTmp = join(dir, 'data', 'blobs', '.tmp');
    await mkdir(blobTmp, { recursive: true });
    execFileSync('chattr', ['+i', blobTmp]);
    try {
      const refused = await rawGet(modgate.url, '/github.com/fixture/extra/@v/v1.0.0.mod', { ca, headers: ADMIN_AUTH });
      expect([refused.status, refused.body.toString()]).toEqual([503, 'modgate: blob store is not writable; nothing can be cached until an operator fixes it (the server log has the cause)\n']);
      expect(modgate.stdout()).toContain('blob store is not writable: cannot store github.com/fixture/extra/@v/v1.0.0.mod: EPERM');
    } finally {
      execFileSync('chattr', ['-i', blobTmp]);
    }
    expect((await rawGet(modgate.url, '/github.com/fixture/extra/@v/v1.0.0.mod', { ca, headers: ADMIN_AUTH })).status).toBe(200);
  });

  it('keeps serving cached versions and lists with the upstream stopped', async () => {
    await upstream.stop();
    await rm(join(dir, 'modcache-5'), { recursive: true, force: true });
    const cached = fixture.modules.map((m) => `${m.path}@${m.version}`);
    const results = await goModDownloadJsonAll(cached, goThroughModgate('5'));
    expect(results.map((r) => [r.Path, r.Version, r.Sum, r.Error])).toEqual(fixture.modules.map((m) => [m.path, m.version, m.sum, undefined]));
    const versions = await runGo(['list', '-m', '-versions', FIXTURE_MODULES.nomod], { cwd: goHome, env: goThroughModgate('5') });
    expect(versions.stdout.trim()).toBe(`${FIXTURE_MODULES.nomod} v1.0.0 v1.0.1`);
    const latest = await rawGet(modgate.url, `/${FIXTURE_MODULES.alpha}/@latest`, { ca, headers: ADMIN_AUTH });
    expect(JSON.parse(latest.body.toString())).toMatchObject({ Version: 'v1.1.0' });
    const uncached = await rawGet(modgate.url, '/github.com/fixture/alpha/@v/v9.9.9.info', { ca, headers: ADMIN_AUTH });
    expect(uncached.status).toBe(502);
    expect(uncached.body.toString()).toMatch(/^modgate: .*origin failed: .*ECONNREFUSED/);
  });
});
