import { join } from 'node:path';
import {
  ADMIN_AUTH,
  basicAuth,
  commitAll,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  makeTempDir,
  removeDir,
  runGo,
  startStack,
  tag,
  writeFiles,
  type GitHttpServer,
  type ModgateProcess,
  type Stack,
  type StaticServer,
  type TestCa,
} from './support/index.js';
import { rawGet } from './http-client.js';

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
  let stack: Stack;
  let dir: string;
  let gitHost: GitHttpServer;
  let upstream: StaticServer;
  let sumdb: StaticServer;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let goHome: string;
  let netrc: string;

  const get = (path: string, headers = ADMIN_AUTH) => rawGet(modgate.url, path, { ca, headers });
  const goThroughModgate = (modcache: string) =>
    goEnv({ home: goHome, goproxy: modgate.url, gomodcache: join(dir, modcache), caCert: tls.caCertPath, gonosumdb: 'github.com/acme', netrc, extra: { GOSUMDB: 'sum.golang.org' } });

  beforeAll(async () => {
    stack = await startStack({
      name: 'case-variants-e2e',
      database: 'postgres',
      gitHost: { caseInsensitive: true },
      upstream: 'empty',
      sumdb: 'sum.golang.org',
      config: ({ gitHost }) => [
        'origins:',
        '  - pattern: github.com/acme/*',
        `    url: ${gitHost!.url}/acme/{repo}.git`,
        'policies:',
        '  bindings:',
        '    - subjects: [user:bob]',
        '      role: reader',
        `      modules: [${WIDGET}]`,
        '  deny:',
        '    - name: incident-7',
        '      rules:',
        `        - { module: ${WIDGET}, versions: v1.0.1, reason: leaks credentials }`,
      ],
      env: { MODGATE_LIST_TTL_SECONDS: '0' },
    });
    ({ dir, modgate, netrc } = stack);
    [gitHost, upstream, sumdb, tls, ca] = [stack.gitHost!, stack.upstream!, stack.sumdb!, stack.tls!, stack.ca!];
    goHome = join(dir, 'gohome');
    const widget = join(stack.reposRoot, 'acme', 'widget.git');
    await initRepo(widget);
    await writeFiles(widget, { 'go.mod': `module ${WIDGET}\n\ngo 1.19\n`, 'widget.go': 'package widget\n' });
    await commitAll(widget, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(widget, 'v1.0.0');
    await writeFiles(widget, { 'widget.go': 'package widget\n\n// Bad is the denied release.\nconst Bad = true\n' });
    await commitAll(widget, 'v1.0.1', '2024-02-02T10:00:00Z');
    await tag(widget, 'v1.0.1');
    const secret = join(stack.reposRoot, 'acme', 'secret.git');
    await initRepo(secret);
    await writeFiles(secret, { 'go.mod': `module ${SECRET}\n\ngo 1.19\n`, 'secret.go': 'package secret\n' });
    await commitAll(secret, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(secret, 'v1.0.0');
    const created = await stack.admin.put('/api/users/bob', { password: BOB_PASSWORD });
    expect(created.status).toBe(200);
  });

  afterAll(() => stack?.stop());

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
