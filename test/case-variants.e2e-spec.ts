import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  commitAll,
  createTestCa,
  freePort,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  makeTempDir,
  removeDir,
  runGo,
  startGitHttpServer,
  startModgate,
  startPostgres,
  startStaticServer,
  tag,
  writeFiles,
  writeNetrc,
  type GitHttpServer,
  type ModgateProcess,
  type StaticServer,
  type TestCa,
  type TestPostgres,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

const WIDGET = 'github.com/acme/widget';
const SECRET = 'github.com/acme/secret';
const BOB_PASSWORD = 'bob-password-case-variants';
const BOB = basicAuth('bob', BOB_PASSWORD);

/** Requests that name the private org in any spelling, escaped (`!acme`) or not. */
const privateRequests = (requests: string[]) => requests.filter((path) => path.replaceAll('!', '').toLowerCase().includes('github.com/acme'));

/**
 * Case variants of private paths, against a git host that resolves repositories ignoring case (as
 * GitHub and GitLab do): policies hold for every spelling, and no spelling reaches the recording
 * public upstream or checksum database, also through the real go command's own probing.
 */
describe('case variants of private module paths (real go over HTTPS, case-insensitive git host)', () => {
  let dir: string;
  let gitHost: GitHttpServer;
  let upstream: StaticServer;
  let sumdb: StaticServer;
  let postgres: TestPostgres;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let goHome: string;
  let netrc: string;

  const get = (path: string, headers = ADMIN_AUTH) => rawGet(modgate.url, path, { ca, headers });
  const goThroughModgate = (modcache: string) =>
    goEnv({ home: goHome, goproxy: modgate.url, gomodcache: join(dir, modcache), caCert: tls.caCertPath, gonosumdb: 'github.com/acme', netrc, extra: { GOSUMDB: 'sum.golang.org' } });

  beforeAll(async () => {
    dir = await makeTempDir('modgate-case-');
    const reposRoot = join(dir, 'repos');
    const widget = join(reposRoot, 'acme', 'widget.git');
    await initRepo(widget);
    await writeFiles(widget, { 'go.mod': `module ${WIDGET}\n\ngo 1.19\n`, 'widget.go': 'package widget\n' });
    await commitAll(widget, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(widget, 'v1.0.0');
    await writeFiles(widget, { 'widget.go': 'package widget\n\n// Bad is the denied release.\nconst Bad = true\n' });
    await commitAll(widget, 'v1.0.1', '2024-02-02T10:00:00Z');
    await tag(widget, 'v1.0.1');
    const secret = join(reposRoot, 'acme', 'secret.git');
    await initRepo(secret);
    await writeFiles(secret, { 'go.mod': `module ${SECRET}\n\ngo 1.19\n`, 'secret.go': 'package secret\n' });
    await commitAll(secret, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(secret, 'v1.0.0');

    gitHost = await startGitHttpServer({ reposRoot, caseInsensitive: true });
    upstream = await startStaticServer(join(dir, 'empty-upstream'));
    sumdb = await startStaticServer(join(dir, 'empty-sumdb'));
    postgres = await startPostgres();
    tls = await createTestCa(join(dir, 'tls'));
    ca = await readFile(tls.caCertPath);
    goHome = await makeTempDir('modgate-gohome-');
    const configFile = join(dir, 'modgate.yaml');
    await writeFile(
      configFile,
      [
        'origins:',
        '  - pattern: github.com/acme/*',
        `    url: ${gitHost.url}/acme/{repo}.git`,
        'policies:',
        '  bindings:',
        '    - subjects: [user:bob]',
        '      role: reader',
        `      modules: [${WIDGET}]`,
        '  deny:',
        '    - name: incident-7',
        '      rules:',
        `        - { module: ${WIDGET}, versions: v1.0.1, reason: leaks credentials }`,
      ].join('\n'),
    );
    modgate = await startModgate({
      env: {
        MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
        MODGATE_TLS_CERT: tls.certPath,
        MODGATE_TLS_KEY: tls.keyPath,
        MODGATE_DATA_DIR: join(dir, 'data'),
        DATABASE_URL: await postgres.createDatabase('modgate'),
        MODGATE_CONFIG: configFile,
        MODGATE_UPSTREAM: upstream.url,
        MODGATE_SUMDB: `sum.golang.org ${sumdb.url}`,
        MODGATE_LIST_TTL_SECONDS: '0',
        MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      },
      caCert: tls.caCertPath,
    });
    netrc = await writeNetrc(join(dir, 'netrc'), modgate.url, 'admin', TEST_ADMIN_PASSWORD);
    const created = await rawRequest('PUT', modgate.url, '/api/users/bob', { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify({ password: BOB_PASSWORD })) });
    expect(created.status).toBe(200);
  });

  afterAll(async () => {
    await modgate?.stop();
    await gitHost?.stop();
    await upstream?.stop();
    await sumdb?.stop();
    await postgres?.stop();
    if (dir) await removeDir(dir);
    if (goHome) await removeDir(goHome);
  });

  it('serves a repository-name variant as the git host resolves it, but applies the deny rule to every spelling', async () => {
    expect((await get(`/${WIDGET}/@v/v1.0.1.zip`)).status).toBe(403);
    expect((await get('/github.com/acme/!widget/@v/v1.0.0.info')).status).toBe(200);
    const denied = await get('/github.com/acme/!widget/@v/v1.0.1.zip');
    expect([denied.status, denied.body.toString()]).toEqual([403, 'modgate: github.com/acme/Widget@v1.0.1 is blocked: leaks credentials (policy incident-7)\n']);
    expect((await get('/github.com/acme/!w!i!d!g!e!t/@v/v1.0.1.mod')).status).toBe(403);
    expect((await get('/github.com/acme/!widget/@v/list')).body.toString()).toBe('v1.0.0\n');
  });

  it('refuses a user every spelling of a private path they are not bound to', async () => {
    expect((await get(`/${WIDGET}/@v/v1.0.0.info`, BOB)).status).toBe(200);
    expect((await get(`/${SECRET}/@v/list`, BOB)).status).toBe(403);
    for (const path of ['/github.com/acme/!secret/@v/list', '/github.com/!acme/secret/@v/list', '/github.com/!a!c!m!e/!secret/@v/v1.0.0.zip']) {
      const response = await get(path, BOB);
      expect([path, response.status]).toEqual([path, 403]);
    }
  });

  it('answers a variant of the private prefix 404 naming the configured spelling, asking no origin', async () => {
    const gitRequests = gitHost.requests.length;
    const response = await get('/github.com/!acme/secret/@v/list');
    expect(response.status).toBe(404);
    expect(response.body.toString()).toBe('modgate: github.com/Acme/secret list: not found: a case variant of the private path github.com/acme/secret, which is served only as spelled there\n');
    expect((await get('/github.com/!acme/secret/@latest')).status).toBe(404);
    expect((await get('/github.com/!acme/secret/@v/v1.0.0.zip')).status).toBe(404);
    expect((await get('/github.com/!a!c!m!e/@v/list')).status).toBe(404);
    const lookup = await get('/sumdb/sum.golang.org/lookup/github.com/!acme/secret@v1.0.0');
    expect(lookup.status).toBe(404);
    expect(lookup.body.toString()).toMatch(/private module.*GONOSUMDB/);
    expect(gitHost.requests.length).toBe(gitRequests);
  });

  it('lets `go get github.com/Acme/secret` fail with that line, and no spelling reaches the public upstream or checksum database', async () => {
    const env = goThroughModgate('modcache-1');
    const [ok] = await goModDownloadJsonAll([`${SECRET}@v1.0.0`], env);
    expect(ok?.Error).toBeUndefined();
    const work = await makeTempDir('modgate-work-');
    try {
      await runGo(['mod', 'init', 'example.com/app'], { cwd: work, env });
      const failed = await runGo(['get', 'github.com/Acme/secret'], { cwd: work, env, allowFailure: true });
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain('a case variant of the private path github.com/acme/secret');
      const nested = await runGo(['get', 'github.com/ACME/secret/sub@v1.0.0'], { cwd: work, env, allowFailure: true });
      expect(nested.code).not.toBe(0);
    } finally {
      await removeDir(work);
    }
    expect(privateRequests(upstream.requests)).toEqual([]);
    expect(privateRequests(sumdb.requests)).toEqual([]);
    expect(upstream.requests.filter((path) => path.toLowerCase().startsWith('/github.com/@'))).toEqual([]);
  });
});
