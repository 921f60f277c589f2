import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  FIXTURE_MODULES,
  LDAP_GROUPS,
  LDAP_PEOPLE,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  commitAll,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  runGo,
  startStack,
  tag,
  writeFiles,
  writeNetrc,
  type FixtureGoproxy,
  type GitHttpServer,
  type ModgateProcess,
  type Stack,
  type TestCa,
  type TestSlapd,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

const LEDGER = 'git.corp.example/payments/ledger';
const WIDGET = 'git.corp.example/acme/widget';
const GADGET = 'git.corp.example/acme/gadget';
const MANY = Array.from({ length: 16 }, (_, i) => `git.corp.example/payments/m${String(i + 1).padStart(2, '0')}`);
const PASSWORD: Record<string, string> = {
  alice: 'alice-ldap-secret',
  bob: 'bob-ldap-secret',
  grace: 'grace-ldap-secret',
  erin: 'erin-ldap-secret',
  henry: 'henry-ldap-secret',
  frank: 'frank-ldap-secret',
  dave: 'dave-ldap-secret',
};

const policiesYaml = (extraBindings: string[] = []) => [
  'policies:',
  '  bindings:',
  '    - subjects: [group:payments]',
  '      role: reader',
  '      modules: [git.corp.example/payments/*]',
  '    - subjects: [group:platform-team]',
  '      role: reader',
  '      modules: [git.corp.example/acme/*]',
  '    - subjects: [token:ci-widget]',
  '      role: reader',
  '      modules: [git.corp.example/*]',
  ...extraBindings,
  '  deny:',
  '    - name: security-baseline',
  '      rules:',
  '        - module: github.com/fixture/alpha',
  "          versions: '<v1.1.0'",
  '          reason: CVE-2099-0001 (fixture vulnerability)',
  '        - module: github.com/fixture/nomod',
  '          versions: v1.0.1',
  '          reason: broken release',
];

/**
 * Authentication and policies end to end: the real go command over HTTPS with `.netrc` files
 * (NETRC=), a real slapd, a real Postgres shared by two modgate replicas (A with the default
 * 5-minute verification cache, B with 2 seconds), private modules from a git host and public
 * ones from a fixture upstream.
 */
describe('auth gateway and RBAC with the real go command, slapd and Postgres', () => {
  let stack: Stack;
  let dir: string;
  let fixture: FixtureGoproxy;
  let gitHost: GitHttpServer;
  let slapd: TestSlapd;
  let tls: TestCa;
  let ca: Buffer;
  let a: ModgateProcess;
  let b: ModgateProcess;
  let configA: string;
  let goHome: string;
  let caseNo = 0;

  /** go's environment for `login`/`password` (a fresh module cache each time). */
  const goAs = async (server: ModgateProcess, login: string, password: string) => {
    const n = ++caseNo;
    const netrc = await writeNetrc(join(dir, `netrc-${n}`), server.url, login, password);
    return goEnv({ home: goHome, goproxy: server.url, gomodcache: join(dir, `modcache-${n}`), caCert: tls.caCertPath, netrc, gonosumdb: 'git.corp.example' });
  };
  const download = async (env: Record<string, string>, ...modules: string[]) => goModDownloadJsonAll(modules, env);
  const get = (server: ModgateProcess, path: string, headers: Record<string, string>) => rawGet(server.url, path, { ca, headers });
  const as = (user: string, password = PASSWORD[user]!) => basicAuth(user, password);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const eventually = async (probe: () => Promise<boolean>, timeoutMs: number) => {
    const started = Date.now();
    while (!(await probe())) {
      if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
      await sleep(100);
    }
  };

  const privateRepo = async (path: string, versions: string[]) => {
    const repo = join(dir, 'repos', ...path.split('/').slice(1)) + '.git';
    await initRepo(repo);
    for (const [i, version] of versions.entries()) {
      await writeFiles(repo, { 'go.mod': `module ${path}\n\ngo 1.19\n`, 'lib.go': `package lib\n\nconst Version = "${version}"\n` });
      await commitAll(repo, version, `2024-03-0${i + 1}T10:00:00Z`);
      await tag(repo, version);
    }
  };

  beforeAll(async () => {
    const origins = (gitHost: GitHttpServer) => [
      'origins:',
      '  - pattern: git.corp.example/payments/*',
      `    url: ${gitHost.url}/payments/{repo}.git`,
      '  - pattern: git.corp.example/acme/*',
      `    url: ${gitHost.url}/acme/{repo}.git`,
    ];
    const ldap = (url: string, ttl?: number) => [
      'auth:',
      ...(ttl === undefined ? [] : [`  cacheTtlSeconds: ${ttl}`]),
      '  ldap:',
      `    url: ${url}`,
      `    searchBase: ${LDAP_PEOPLE}`,
      `    groupSearchBase: ${LDAP_GROUPS}`,
    ];
    // Replicas share the database and the blob store (any of them may pre-build a version).
    stack = await startStack({
      name: 'auth-e2e',
      database: 'postgres',
      ldap: true,
      s3: true,
      gitHost: true,
      upstream: 'fixture',
      config: (parts) => [...origins(parts.gitHost!), ...ldap(parts.slapd!.url), ...policiesYaml()],
    });
    ({ dir, modgate: a } = stack);
    [configA, fixture, gitHost, slapd, tls, ca] = [stack.configPath!, stack.fixture!, stack.gitHost!, stack.slapd!, stack.tls!, stack.ca!];
    goHome = join(dir, 'gohome');
    await writeFile(join(fixture.root, 'github.com/fixture/alpha/@latest'), '{"Version":"v1.1.0","Time":"2024-01-02T00:00:00Z"}');
    await writeFile(join(fixture.root, 'github.com/fixture/nomod/@latest'), '{"Version":"v1.0.1","Time":"2024-01-02T00:00:00Z"}');
    await privateRepo(LEDGER, ['v1.0.0', 'v1.1.0']);
    await privateRepo(WIDGET, ['v1.0.0']);
    await privateRepo(GADGET, ['v1.0.0']);
    for (const path of MANY) await privateRepo(path, ['v1.0.0']);
    for (const [uid, password] of Object.entries(PASSWORD)) await slapd.addUser(uid, password);
    await slapd.addGroup('payments', ['alice', 'grace', 'henry', 'frank', 'dave']);
    await slapd.addGroup('developers', ['alice', 'bob']);
    await slapd.addGroup('platform', ['erin']);
    const configB = join(dir, 'b.yaml');
    await writeFile(configB, [...origins(gitHost), ...ldap(slapd.url, 2), ...policiesYaml()].join('\n'));
    b = await stack.startModgate('b', { MODGATE_CONFIG: configB });
  }, 300_000);

  afterAll(() => stack?.stop());

  it('a developer in the right LDAP group downloads a private module', async () => {
    const env = await goAs(a, 'alice', PASSWORD.alice!);
    const versions = await runGo(['list', '-m', '-versions', LEDGER], { cwd: dir, env });
    expect(versions.stdout.trim()).toBe(`${LEDGER} v1.0.0 v1.1.0`);
    const [ledger] = await download(env, `${LEDGER}@v1.1.0`);
    expect(ledger).toMatchObject({ Path: LEDGER, Version: 'v1.1.0' });
    expect(ledger?.Error).toBeUndefined();
  });

  it('a developer outside the group gets 403, and go prints the reason', async () => {
    const [ledger] = await download(await goAs(a, 'bob', PASSWORD.bob!), `${LEDGER}@v1.0.0`);
    expect(ledger?.Error).toContain('403 Forbidden');
    expect(ledger?.Error).toContain(`server response: modgate: bob may not read ${LEDGER}`);
  });

  let ciToken = '';
  let ciTokenId = '';

  it('a CI token restricted to one path pulls that path and nothing else', async () => {
    const created = await rawRequest('POST', a.url, '/api/tokens', {
      ca,
      headers: ADMIN_AUTH,
      body: Buffer.from(JSON.stringify({ name: 'ci-widget', owner: 'svc-ci', scopes: ['read'], modules: [WIDGET], expiresInDays: 30 })),
    });
    expect(created.status).toBe(201);
    ({ token: ciToken, id: ciTokenId } = JSON.parse(created.body.toString()) as { token: string; id: string });
    const env = await goAs(a, 'svc-ci', ciToken);
    const results = await download(env, `${WIDGET}@v1.0.0`, `${GADGET}@v1.0.0`, `${FIXTURE_MODULES.alpha}@v1.1.0`);
    expect(results.map((r) => [r.Path, r.Error === undefined])).toEqual([
      [WIDGET, true],
      [GADGET, false],
      [FIXTURE_MODULES.alpha, false],
    ]);
    expect(results[1]?.Error).toContain(`server response: modgate: token ci-widget may not read ${GADGET}: the token is restricted to ${WIDGET}`);
    expect(results[2]?.Error).toContain(`server response: modgate: token ci-widget may not read ${FIXTURE_MODULES.alpha}`);
  });

  it('a revoked token fails on the next request, on every replica', async () => {
    // Replica B has seen (and cached) the token before the revocation.
    expect((await get(b, `/${WIDGET}/@v/list`, basicAuth('svc-ci', ciToken))).status).toBe(200);
    const revoked = await rawRequest('DELETE', a.url, `/api/tokens/${ciTokenId}`, { ca, headers: ADMIN_AUTH });
    expect(revoked.status).toBe(200);
    const onB = await get(b, `/${WIDGET}/@v/list`, basicAuth('svc-ci', ciToken));
    expect([onB.status, onB.body.toString()]).toEqual([401, 'modgate: token revoked\n']);
    const [widget] = await download(await goAs(a, 'svc-ci', ciToken), `${WIDGET}@v1.0.0`);
    expect(widget?.Error).toMatch(/401 Unauthorized[\s\S]*server response: modgate: token revoked/);
  });

  it('a denied vulnerable version fails with its reason while the next version works', async () => {
    const env = await goAs(a, 'alice', PASSWORD.alice!);
    const [blocked, fixed] = await download(env, `${FIXTURE_MODULES.alpha}@v1.0.0`, `${FIXTURE_MODULES.alpha}@v1.1.0`);
    expect(blocked?.Error).toContain('403 Forbidden');
    expect(blocked?.Error).toContain(
      'server response: modgate: github.com/fixture/alpha@v1.0.0 is blocked: CVE-2099-0001 (fixture vulnerability) (policy security-baseline)',
    );
    expect(fixed).toMatchObject({ Path: FIXTURE_MODULES.alpha, Version: 'v1.1.0' });
    expect(fixed?.Error).toBeUndefined();
    const versions = await runGo(['list', '-m', '-versions', FIXTURE_MODULES.alpha], { cwd: dir, env });
    expect(versions.stdout.trim()).toBe(`${FIXTURE_MODULES.alpha} v1.1.0 v1.2.0-rc.1`);
  });

  it('never picks a denied version for @latest', async () => {
    const latest = await get(a, `/${FIXTURE_MODULES.nomod}/@latest`, as('alice'));
    expect(JSON.parse(latest.body.toString())).toMatchObject({ Version: 'v1.0.0' });
    expect((await get(a, `/${FIXTURE_MODULES.nomod}/@v/list`, as('alice'))).body.toString()).toBe('v1.0.0\n');
    const work = join(dir, 'work-latest');
    await writeFiles(work, { 'go.mod': 'module example.com/app\n\ngo 1.19\n' });
    const env = await goAs(a, 'alice', PASSWORD.alice!);
    await runGo(['get', `${FIXTURE_MODULES.nomod}@latest`], { cwd: work, env });
    expect(await readFile(join(work, 'go.mod'), 'utf8')).toContain(`${FIXTURE_MODULES.nomod} v1.0.0`);
  });

  it('one go mod download of many modules costs at most one LDAP bind', async () => {
    const env = await goAs(a, 'grace', PASSWORD.grace!);
    const before = slapd.binds();
    const modules = [
      ...MANY.map((path) => `${path}@v1.0.0`),
      `${LEDGER}@v1.0.0`,
      `${LEDGER}@v1.1.0`,
      ...fixture.modules.filter((m) => m.path !== FIXTURE_MODULES.alpha && m.path !== FIXTURE_MODULES.nomod && !m.query).map((m) => `${m.path}@${m.version}`),
    ];
    const results = await download(env, ...modules);
    expect(results.map((r) => r.Error).filter(Boolean)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(slapd.binds() - before).toBe(1);
    expect(slapd.binds('grace')).toBe(1);
  });

  it('reloads the policies of the YAML file without a restart, and keeps them when an edit is broken', async () => {
    expect((await get(a, `/${LEDGER}/@v/list`, as('bob'))).status).toBe(403);
    const text = (await readFile(configA, 'utf8')).replace(
      '  deny:',
      ['    - subjects: [group:developers]', '      role: reader', `      modules: [${LEDGER}]`, '  deny:'].join('\n'),
    );
    await writeFile(configA, text);
    await eventually(async () => (await get(a, `/${LEDGER}/@v/list`, as('bob'))).status === 200, 10_000);
    await writeFile(configA, text.replace('role: reader', 'role: no-such-role'));
    await eventually(async () => a.stdout().includes('not reloaded, keeping the previous ones'), 10_000);
    expect((await get(a, `/${LEDGER}/@v/list`, as('bob'))).status).toBe(200);
    // The log is JSON lines (stdout is a pipe): the quotes of the message are escaped.
    expect(a.stdout()).toContain(JSON.stringify('unknown role "no-such-role"').slice(1, -1));
  });

  it('applies policies set through the admin API on every replica', async () => {
    const put = await rawRequest('PUT', a.url, '/api/policies', {
      ca,
      headers: ADMIN_AUTH,
      body: Buffer.from(JSON.stringify({ deny: [{ name: 'incident-42', rules: [{ module: MANY[0], versions: 'v1.0.0', reason: 'pulled by its owners' }] }] })),
    });
    expect(put.status).toBe(200);
    await eventually(async () => (await get(b, `/${MANY[0]}/@v/v1.0.0.info`, as('alice'))).status === 403, 5000);
    const refused = await get(b, `/${MANY[0]}/@v/v1.0.0.mod`, as('alice'));
    expect(refused.body.toString()).toBe(`modgate: ${MANY[0]}@v1.0.0 is blocked: pulled by its owners (policy incident-42)\n`);
    const view = JSON.parse((await get(b, '/api/policies', ADMIN_AUTH)).body.toString());
    expect(view).toMatchObject({ api: { deny: [{ name: 'incident-42' }] }, apiUpdatedBy: 'admin' });
  });

  it('a removed group takes effect within the cache TTL', async () => {
    expect((await get(b, `/${LEDGER}/@v/list`, as('henry'))).status).toBe(200);
    await slapd.removeMember('payments', 'henry');
    expect((await get(b, `/${LEDGER}/@v/list`, as('henry'))).status).toBe(200);
    await sleep(2200);
    const refused = await get(b, `/${LEDGER}/@v/list`, as('henry'));
    expect([refused.status, refused.body.toString()]).toEqual([403, `modgate: henry may not read ${LEDGER}\n`]);
  });

  it('a renamed group takes effect within the cache TTL', async () => {
    expect((await get(b, `/${GADGET}/@v/list`, as('erin'))).status).toBe(403);
    await slapd.renameGroup('platform', 'platform-team');
    await sleep(2200);
    expect((await get(b, `/${GADGET}/@v/list`, as('erin'))).status).toBe(200);
  });

  it('a changed password takes effect within the cache TTL', async () => {
    expect((await get(b, `/${LEDGER}/@v/list`, as('frank'))).status).toBe(200);
    await slapd.setPassword('frank', 'frank-new-secret');
    expect((await get(b, `/${LEDGER}/@v/list`, as('frank'))).status).toBe(200);
    await sleep(2200);
    expect((await get(b, `/${LEDGER}/@v/list`, as('frank'))).status).toBe(401);
    expect((await get(b, `/${LEDGER}/@v/list`, as('frank', 'frank-new-secret'))).status).toBe(200);
  });

  it('a disabled user is refused within the cache TTL', async () => {
    expect((await get(b, `/${LEDGER}/@v/list`, as('dave'))).status).toBe(200);
    await slapd.lockUser('dave');
    await sleep(2200);
    expect((await get(b, `/${LEDGER}/@v/list`, as('dave'))).status).toBe(401);
  });

  it('keeps secrets out of the logs', () => {
    for (const secret of [...Object.values(PASSWORD), TEST_ADMIN_PASSWORD, ciToken, 'frank-new-secret']) {
      expect(a.stdout()).not.toContain(secret);
      expect(b.stdout()).not.toContain(secret);
    }
  });
});
