import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import {
  ADMIN_AUTH,
  REPO_ROOT,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  buildFixtureGoproxy,
  createTestCa,
  execFileText,
  freePort,
  goEnv,
  makeTempDir,
  removeDir,
  runGo,
  startModgate,
  startPostgres,
  startStaticServer,
  vulnDbFiles,
  writeNetrc,
  writeVulnDb,
  zipVulnDb,
  type AdvisoryFixture,
  type FixtureGoproxy,
  type ModgateProcess,
  type StaticServer,
  type TestPostgres,
  type VulnDbFiles,
} from './support/index.js';
import { rawGet, rawRequest, type RawResponse } from './http-client.js';

type Json = Record<string, unknown>;

const ALICE_PASSWORD = 'alice-pulls-modules-5e1';
const ALICE = basicAuth('alice', ALICE_PASSWORD);
const CLI = join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js');
const ALPHA = 'github.com/fixture/alpha';
const NOMOD = 'github.com/fixture/nomod';
const GAMMA = 'github.com/fixture/gamma';
const BETA = 'github.com/fixture/beta/v2';

/**
 * The fixture database: GO-2099-0001 on alpha (fixed in 1.1.0), GO-2099-0002 with several
 * ranges on nomod and gamma, GO-2099-0003 withdrawn on beta/v2. `published` is set by the test.
 */
function advisories(alphaPublished: string): AdvisoryFixture[] {
  return [
    {
      id: 'GO-2099-0001',
      modified: '2099-01-02T00:00:00Z',
      published: alphaPublished,
      aliases: ['CVE-2099-0001', 'GHSA-vvvv-wwww-xxxx'],
      affected: [{ module: ALPHA, ranges: [[{ introduced: '0' }, { fixed: '1.1.0' }]] }],
    },
    {
      id: 'GO-2099-0002',
      modified: '2099-01-02T00:00:00Z',
      published: new Date(Date.now() - 86_400_000).toISOString(),
      aliases: ['CVE-2099-0002'],
      affected: [
        { module: NOMOD, ranges: [[{ introduced: '0' }, { fixed: '1.0.1' }]] },
        { module: GAMMA, ranges: [[{ introduced: '0' }, { fixed: '0.0.5' }, { introduced: '0.1.0' }, { fixed: '0.1.1' }]] },
      ],
    },
    {
      id: 'GO-2099-0003',
      modified: '2099-01-02T00:00:00Z',
      published: '2099-01-01T00:00:00Z',
      withdrawn: '2099-01-02T00:00:00Z',
      affected: [{ module: BETA, ranges: [[{ introduced: '0' }]] }],
    },
  ];
}

/**
 * Known-vulnerable versions end to end: two replicas on one Postgres import a fixture Go
 * vulnerability database (served by a local HTTP server, never the internet) and the real go
 * command pulls through them over HTTPS.
 */
describe('known-vulnerable versions from the Go vulnerability database', () => {
  let dir: string;
  let fixture: FixtureGoproxy;
  let upstream: StaticServer;
  let feed: StaticServer;
  let feedDir: string;
  let postgres: TestPostgres;
  let ca: Buffer;
  let caCert: string;
  let a: ModgateProcess;
  let b: ModgateProcess;
  let adminToken: string;
  let files: VulnDbFiles;
  let aliceHome: string;
  let netrc: string;

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, path: string, body?: Buffer, headers: Record<string, string> = ADMIN_AUTH) =>
    rawRequest(method, url, path, { ca, headers, body });
  const json = (response: RawResponse) => JSON.parse(response.body.toString()) as Json;
  const pull = (url: string, module: string, file: string) => rawGet(url, `/${module}/@v/${file}`, { ca, headers: ALICE });
  const aliceGo = (url: string, gomodcache?: string) =>
    goEnv({ home: aliceHome, goproxy: url, netrc, caCert, ...(gomodcache ? { gomodcache } : {}) });
  const cli = (url: string, args: string[]) =>
    execFileText(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', MODGATE_URL: url, MODGATE_TOKEN: adminToken, NODE_EXTRA_CA_CERTS: caCert }, allowFailure: true });
  const importZip = (url: string, zip: Buffer) => api('POST', url, '/api/vulnerabilities/import', zip, { ...ADMIN_AUTH, 'content-type': 'application/zip' });
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const errorMessage = (response: RawResponse) => {
    const body = json(response) as { error?: { message?: string }; message?: string };
    return body.error?.message ?? body.message ?? '';
  };
  const auditEvents = async (query: string) => (json(await api('GET', a.url, `/api/audit/events?${query}`)).events as Json[]) ?? [];

  beforeAll(async () => {
    dir = await makeTempDir('modgate-vuln-');
    [fixture, postgres] = await Promise.all([buildFixtureGoproxy(join(dir, 'fixture')), startPostgres()]);
    upstream = await startStaticServer(fixture.root);
    feedDir = join(dir, 'feed');
    await mkdir(feedDir);
    feed = await startStaticServer(feedDir);
    const databaseUrl = await postgres.createDatabase('modgate');
    const tls = await createTestCa(join(dir, 'tls'));
    ca = await readFile(tls.caCertPath);
    caCert = tls.caCertPath;
    const config = join(dir, 'modgate.yaml');
    await writeFile(config, `policies:\n  vulnerabilities:\n    mode: block\n    modules:\n      - { pattern: ${NOMOD}, mode: warn }\n`);
    const env = async (name: string) => ({
      MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
      MODGATE_TLS_CERT: tls.certPath,
      MODGATE_TLS_KEY: tls.keyPath,
      MODGATE_DATA_DIR: join(dir, name),
      DATABASE_URL: databaseUrl,
      MODGATE_UPSTREAM: upstream.url,
      MODGATE_SUMDB: 'off',
      MODGATE_CONFIG: config,
      MODGATE_VULNDB_URL: feed.url,
      MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    });
    [a, b] = await Promise.all([startModgate({ env: await env('a'), caCert }), startModgate({ env: await env('b'), caCert })]);
    expect((await api('PUT', a.url, '/api/users/alice', Buffer.from(JSON.stringify({ password: ALICE_PASSWORD })))).status).toBe(200);
    adminToken = json(await api('POST', a.url, '/api/tokens', Buffer.from(JSON.stringify({ name: 'vuln-admin', scopes: ['read', 'admin'] })))).token as string;
    aliceHome = join(dir, 'alice');
    await mkdir(aliceHome);
    netrc = await writeNetrc(join(dir, 'netrc'), a.url, 'alice', ALICE_PASSWORD);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([upstream?.stop(), feed?.stop()]);
    await postgres?.stop();
    if (dir) await removeDir(dir);
  });

  it('imports the feed on demand, after alice pulled a version that turns out to be affected', async () => {
    // At start each replica asked the (still empty) feed through the outbound client: refused, audited.
    const [refused] = await auditEvents('action=vulndb.import&status=400');
    expect(refused).toMatchObject({ principalName: 'vulndb-feed', reason: expect.stringContaining('no index/db.json') });
    await runGo(['mod', 'download', `${ALPHA}@v1.0.0`], { cwd: aliceHome, env: aliceGo(a.url) });
    files = vulnDbFiles(advisories(new Date(Date.now() + 1000).toISOString()));
    await writeVulnDb(feedDir, files);
    const imported = await api('POST', a.url, '/api/vulnerabilities/import');
    expect(imported.status).toBe(200);
    expect(json(imported)).toMatchObject({ source: feed.url, total: 3 });
    expect((json(imported).changed as string[]).sort()).toEqual(['GO-2099-0001', 'GO-2099-0002', 'GO-2099-0003']);
    expect(json(await api('GET', a.url, '/api/vulnerabilities'))).toMatchObject({ entries: 3, inForce: 2, feed: { url: feed.url } });
    const again = json(await api('POST', a.url, '/api/vulnerabilities/import'));
    expect(again).toMatchObject({ total: 3, changed: [], removed: [] });
    expect((await auditEvents('action=vulndb.import&status=200')).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an affected version to the go command with the advisory ids and the fixed version, and hides it from lists', async () => {
    const cache = join(dir, 'cache-block');
    const refused = await runGo(['mod', 'download', `${ALPHA}@v1.0.0`], { cwd: aliceHome, env: aliceGo(a.url, cache), allowFailure: true });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('403 Forbidden');
    expect(refused.stderr).toContain(`${ALPHA}@v1.0.0 has a known vulnerability: GO-2099-0001 (CVE-2099-0001, GHSA-vvvv-wwww-xxxx); fixed in v1.1.0`);
    const versions = await runGo(['list', '-m', '-versions', ALPHA], { cwd: aliceHome, env: aliceGo(a.url, cache) });
    expect(versions.stdout.trim()).toBe(`${ALPHA} v1.1.0 v1.2.0-rc.1`);
    const gammaPseudo = fixture.pseudo.version;
    expect((await pull(a.url, GAMMA, `${gammaPseudo}.mod`)).status).toBe(403);
    expect((await pull(a.url, GAMMA, 'v0.1.0.info')).body.toString()).toContain('GO-2099-0002 (CVE-2099-0002); fixed in v0.1.1');
  });

  it('lets go get -u move a module that requires the affected version to the fixed one', async () => {
    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${ALPHA} v1.0.0\n`);
    await runGo(['get', '-u', ALPHA], { cwd: app, env: aliceGo(a.url) });
    expect(await readFile(join(app, 'go.mod'), 'utf8')).toContain(`require ${ALPHA} v1.1.0`);
  });

  it('serves an affected version in warn mode and names the advisory in its audit event', async () => {
    const result = await runGo(['mod', 'download', '-json', `${NOMOD}@v1.0.0`], { cwd: aliceHome, env: aliceGo(a.url, join(dir, 'cache-warn')) });
    expect(JSON.parse(result.stdout)).toMatchObject({ Path: NOMOD, Version: 'v1.0.0' });
    const [event] = await auditEvents(`module=${NOMOD}&action=goproxy.zip&principal=alice`);
    expect(event).toMatchObject({ status: 200, detail: { vulnerability: 'warn', advisories: ['GO-2099-0002'] } });
  });

  it('leaves withdrawn advisories out', async () => {
    expect((await pull(a.url, BETA, 'v2.0.0.mod')).status).toBe(200);
    // Each replica has its own filesystem blob store here: b fetches its own version.
    expect((await pull(b.url, BETA, 'v2.1.0.mod')).status).toBe(200);
  });

  it('explains vulnerability decisions in policy check, like deny rules', async () => {
    const blocked = json(await api('GET', a.url, `/api/policies/check?user=alice&module=${ALPHA}&version=v1.0.0`));
    expect(blocked).toMatchObject({
      allowed: false,
      rule: { kind: 'vulnerability', mode: 'block', modeFrom: 'vulnerabilities.mode', advisories: [{ id: 'GO-2099-0001', fixed: 'v1.1.0' }] },
      decidedBy: 'known vulnerability, block mode (vulnerabilities.mode): GO-2099-0001',
    });
    const warned = json(await api('GET', a.url, `/api/policies/check?user=alice&module=${NOMOD}&version=v1.0.0`));
    expect(warned).toMatchObject({ allowed: true, vulnerabilities: { mode: 'warn', open: [{ id: 'GO-2099-0002' }] } });
    const command = await cli(a.url, ['policy', 'check', 'alice', `${ALPHA}@v1.0.0`]);
    expect(command.code).toBe(3);
    expect(command.stdout).toContain('GO-2099-0001');
  });

  it('lets one version through with an exception until it expires, audited when made and when it expires', async () => {
    const expires = new Date(Date.now() + 3000).toISOString();
    const exception = { advisory: 'CVE-2099-0002', module: GAMMA, versions: 'v0.1.0', reason: 'SEC-123: not reachable', owner: 'alice', expires };
    const put = await api('PUT', a.url, '/api/policies', Buffer.from(JSON.stringify({ vulnerabilities: { exceptions: [exception] } })));
    expect(put.status).toBe(200);
    expect((await pull(a.url, GAMMA, 'v0.1.0.mod')).status).toBe(200);
    expect((await pull(a.url, GAMMA, `${fixture.pseudo.version}.mod`)).status).toBe(403);
    const [excepted] = await auditEvents(`module=${GAMMA}&action=goproxy.mod&status=200`);
    expect(excepted).toMatchObject({ detail: { vulnerability: 'excepted', advisories: ['GO-2099-0002'] } });
    await until('the exception to expire', async () => (await pull(a.url, GAMMA, 'v0.1.0.mod')).status === 403);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expires));
    await until('the expiry to be audited', async () => (await auditEvents('action=vulnerability.exception_expired')).length > 0);
    const [made] = await auditEvents('action=vulnerability.exception');
    expect(made).toMatchObject({ reason: 'SEC-123: not reachable', detail: { advisory: 'CVE-2099-0002', owner: 'alice', expires } });
    expect(await auditEvents('action=vulnerability.exception_expired')).toHaveLength(1);
  });

  it('names who pulled an affected version, when and from where, also before publication', async () => {
    const report = json(await api('GET', a.url, '/api/vulnerabilities/GO-2099-0001/exposure'));
    expect(report.advisory).toMatchObject({ id: 'GO-2099-0001', aliases: ['CVE-2099-0001', 'GHSA-vvvv-wwww-xxxx'] });
    expect(report.exposures).toEqual([expect.objectContaining({ principal: { kind: 'user', name: 'alice' }, module: ALPHA, version: 'v1.0.0', ip: '127.0.0.1', beforePublication: true })]);
    expect((report.exposures as Json[])[0]!.artifacts).toEqual(expect.arrayContaining(['mod', 'zip']));
    const warned = json(await api('GET', a.url, '/api/vulnerabilities/GO-2099-0002/exposure')).exposures as Json[];
    expect(warned).toEqual(expect.arrayContaining([expect.objectContaining({ module: NOMOD, version: 'v1.0.0', beforePublication: false })]));
    const command = await cli(a.url, ['audit', 'exposure', 'GO-2099-0001']);
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(new RegExp(`^alice\\tuser\\t${ALPHA}@v1.0.0\\t.*\\t127\\.0\\.0\\.1\\t.*\\tyes$`, 'm'));
    expect((await api('GET', a.url, '/api/vulnerabilities/GO-2099-9999/exposure')).status).toBe(404);
  });

  it('lists the open advisories affecting modules pulled in the last 30 days, newest first', async () => {
    const open = json(await api('GET', a.url, '/api/vulnerabilities/open')).advisories as Json[];
    expect(open.map((o) => o.id)).toEqual(['GO-2099-0001', 'GO-2099-0002']);
    expect(open[1]!.modules).toEqual(expect.arrayContaining([expect.objectContaining({ module: NOMOD, versions: ['v1.0.0'], principals: 1 }), expect.objectContaining({ module: GAMMA, versions: ['v0.1.0'] })]));
  });

  it('shows the open advisories and who pulled them on the admin page (headless Chromium)', async () => {
    const context = await chromium.launchPersistentContext(await makeTempDir('chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
      ignoreHTTPSErrors: true,
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      await page.goto(`${a.url}/admin`);
      await page.fill('#login-user', 'admin');
      await page.fill('#login-password', TEST_ADMIN_PASSWORD);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#app:not([hidden])');
      await page.click('[data-tab=vulns]');
      await page.waitForSelector('#vulns-open [data-advisory]');
      const rows = await page.locator('#vulns-open tbody tr').allInnerTexts();
      expect(rows.map((row) => row.split('\t')[0])).toEqual(['GO-2099-0001 (CVE-2099-0001, GHSA-vvvv-wwww-xxxx)', 'GO-2099-0002 (CVE-2099-0002)']);
      expect(await page.textContent('#vulns-status')).toMatch(/^3 advisories imported, 2 in force; last import /);
      await page.click('[data-advisory=GO-2099-0001]');
      await page.waitForSelector('#vulns-exposure:not([hidden]) tbody tr');
      const exposure = (await page.locator('#vulns-exposure tbody tr').allInnerTexts()).map((row) => row.split('\t'));
      expect(exposure.map((cells) => [cells[0], cells[1], cells[4], cells[7]])).toEqual([['alice', `${ALPHA}@v1.0.0`, '127.0.0.1', 'yes']]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('serves the database at /vulndb/ byte for byte, behind authentication', async () => {
    for (const [name, body] of files) {
      const response = await rawGet(a.url, `/vulndb/${name}`, { ca, headers: ALICE });
      expect([name, response.status, response.headers['content-type']]).toEqual([name, 200, 'application/json']);
      expect(response.body.equals(body)).toBe(true);
      // govulncheck's HTTP client asks for the gzipped form only.
      const gz = await rawGet(a.url, `/vulndb/${name}.gz`, { ca, headers: ALICE });
      expect([name, gz.status, gz.headers['content-type'], gz.headers['content-encoding']]).toEqual([name, 200, 'application/gzip', undefined]);
      expect(gunzipSync(gz.body).equals(body)).toBe(true);
    }
    expect((await rawGet(a.url, '/vulndb/index/db.json', { ca })).status).toBe(401);
    for (const path of ['/vulndb/ID/GO-2099-9999.json', '/vulndb/ID/GO-2099-9999.json.gz', '/vulndb/ID/..%2Fx.json', '/vulndb/index/other.json', '/vulndb/index/db.txt']) {
      const missing = await rawGet(a.url, path, { ca, headers: ALICE });
      expect([path, missing.status, missing.headers['content-type']]).toEqual([path, 404, 'text/plain; charset=utf-8']);
    }
  });

  it('refuses a malformed or hostile feed whole, changing nothing', async () => {
    const before = json(await api('GET', a.url, '/api/vulnerabilities'));
    const changed = vulnDbFiles(advisories('2099-01-01T00:00:00Z').map((adv) => ({ ...adv, modified: '2099-03-01T00:00:00Z' })));
    const cases: Array<[string, (f: VulnDbFiles) => void, RegExp]> = [
      ['bad JSON', (f) => f.set('ID/GO-2099-0002.json', Buffer.from('{"id": ')), /ID\/GO-2099-0002.json: not JSON/],
      ['a huge entry', (f) => f.set('ID/GO-2099-0002.json', Buffer.alloc(3 << 20, 32)), /more than the 1048576 allowed/],
      ['a path traversal in an id', (f) => f.set('index/vulns.json', Buffer.from(JSON.stringify([{ id: '../x', modified: '2099-03-01T00:00:00Z' }]))), /"\.\.\/x" is not an advisory id/],
    ];
    for (const [what, spoil, message] of cases) {
      const hostile = new Map(changed);
      spoil(hostile);
      const response = await importZip(a.url, await zipVulnDb(hostile));
      expect([what, response.status]).toEqual([what, 400]);
      expect(errorMessage(response)).toMatch(message);
    }
    expect((await importZip(a.url, Buffer.from('not a zip'))).status).toBe(400);
    const zipFile = join(dir, 'hostile.zip');
    await writeFile(zipFile, await zipVulnDb(new Map([...changed, ['index/vulns.json', Buffer.from('[{"id": "../../etc/passwd", "modified": "2099-03-01T00:00:00Z"}]')]])));
    const command = await cli(a.url, ['vuln', 'import', zipFile]);
    expect([command.code, command.stderr]).toEqual([1, expect.stringContaining('vulnerability database refused: index/vulns.json: "../../etc/passwd" is not an advisory id')]);
    expect(json(await api('GET', a.url, '/api/vulnerabilities'))).toEqual(before);
    expect((await pull(a.url, ALPHA, 'v1.0.0.mod')).status).toBe(403);
  });

  it('applies an import of a changed entry on every replica', async () => {
    expect((await pull(b.url, BETA, 'v2.1.0.mod')).status).toBe(200);
    const export_ = join(dir, 'export');
    const next = advisories('2099-01-01T00:00:00Z').map((adv) => (adv.id === 'GO-2099-0003' ? { ...adv, withdrawn: undefined, modified: '2099-04-01T00:00:00Z' } : adv));
    // Only GO-2099-0003's modified moved, so only its entry is read and written again.
    await writeVulnDb(export_, vulnDbFiles(next));
    const command = await cli(a.url, ['vuln', 'import', export_]);
    expect([command.code, command.stdout]).toEqual([0, expect.stringMatching(/^3 advisories in the database: 1 added or changed, 0 removed \(generation \d+\)\n$/)]);
    await until('replica b to refuse beta/v2', async () => (await pull(b.url, BETA, 'v2.1.0.mod')).status === 403, 10_000);
    expect((await pull(b.url, BETA, 'v2.1.0.mod')).body.toString()).toContain('GO-2099-0003; no fixed version');
    await rm(export_, { recursive: true });
  });

  it('exports metrics: entries, last import, blocked and warned requests', async () => {
    const metrics = (await rawGet(a.url, '/metrics', { ca, headers: ADMIN_AUTH })).body.toString();
    expect(metrics).toMatch(/^modgate_vulndb_entries 3$/m);
    expect(Number(/^modgate_vulndb_last_import_timestamp_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(Number(/^modgate_vulnerability_decisions_total\{decision="blocked"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^modgate_vulnerability_decisions_total\{decision="warned"\} (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
