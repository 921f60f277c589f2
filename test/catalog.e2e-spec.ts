import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { chromium, type BrowserContext } from 'playwright-core';
import {
  ADMIN_AUTH,
  REPO_ROOT,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  buildFixtureGoproxy,
  commitAll,
  createTestCa,
  freePort,
  goEnv,
  goModDownloadJson,
  initRepo,
  makeTempDir,
  removeDir,
  startGitHttpServer,
  startModgate,
  startPostgres,
  startStaticServer,
  tag,
  writeFiles,
  writeNetrc,
  type FixtureGoproxy,
  type GitHttpServer,
  type ModgateProcess,
  type StaticServer,
  type TestCa,
  type TestPostgres,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

const ALPHA = 'github.com/fixture/alpha';
const UPPER = 'github.com/Fixture/UpperCase';
const NOMOD = 'github.com/fixture/nomod';
const ORG = 'git.corp.example/acme';
const WIDGET = `${ORG}/widget`;
const SECRET = `${ORG}/secret`;
const GIT_TOKEN = 'catalog-e2e-git-token-51d0';
const ALICE = basicAuth('alice', 'alice-password-catalog-1');
const BOB = basicAuth('bob', 'bob-password-catalog-1');
const LIST_TTL_SECONDS = 3;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** Every version the set-up pulls (public from the fixture upstream, private from git). */
const SEEDED = [
  [ALPHA, 'v1.0.0'],
  [ALPHA, 'v1.1.0'],
  [UPPER, 'v0.3.0'],
  [NOMOD, 'v1.0.1'],
  [WIDGET, 'v1.0.0'],
  [WIDGET, 'v1.1.0'],
  [SECRET, 'v1.0.0'],
] as const;
/** A deny rule added after the set-up pulled it: cached, but nobody may pull or list it. */
const BLOCKED = `${ALPHA}@v1.1.0`;
const at = ([path, version]: readonly [string, string]) => `${path}@${version}`;

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The sum of the samples of a metric whose labels include `labels`, from `/metrics` text. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, value]) => (match[2] ?? '').includes(`${key}="${value}"`))) sum += Number(match[3]);
  }
  return sum;
}

/**
 * What the registry holds, end to end on Postgres over HTTPS: `/catalog` and `/index` as two users
 * with different rights see them, the module API, storage usage and the orphan GC on the
 * filesystem store, eviction of an unused public version and its fetch again by the real go
 * command, hot refresh of a module's list, and the Modules page in headless Chromium.
 */
describe('catalog, module pages and storage lifecycle', () => {
  let dir: string;
  let fixture: FixtureGoproxy;
  let upstream: StaticServer;
  let gitHost: GitHttpServer;
  let postgres: TestPostgres;
  let databaseUrl: string;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;

  const get = (path: string, auth: Record<string, string> = ADMIN_AUTH) => rawGet(modgate.url, path, { ca, headers: auth });
  const json = async <T>(path: string, auth: Record<string, string> = ADMIN_AUTH): Promise<T> => {
    const response = await get(path, auth);
    expect([path, response.status]).toEqual([path, 200]);
    return JSON.parse(response.body.toString()) as T;
  };
  const send = async <T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> => {
    const response = await rawRequest(method, modgate.url, path, { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify(body)) });
    expect([path, response.status < 300, response.body.toString().slice(0, 300)]).toEqual([path, true, expect.anything()]);
    return JSON.parse(response.body.toString()) as T;
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  let cliToken: string | undefined;
  /** `modgate <args>` against the server with an admin token. */
  const cli = async (...args: string[]) => {
    cliToken ??= (await send<{ token: string }>('POST', '/api/tokens', { name: 'catalog-cli', scopes: ['read', 'admin'] })).token;
    return promisify(execFile)(process.execPath, [join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js'), ...args], {
      env: { PATH: process.env.PATH, MODGATE_URL: modgate.url, MODGATE_TOKEN: cliToken, NODE_EXTRA_CA_CERTS: tls.caCertPath },
    });
  };
  /** Waits until the background pull counter has counted every audit event written so far. */
  const pullsCounted = async () => {
    const [{ seq }] = (await sql('SELECT coalesce(max(seq), 0) AS seq FROM audit_event')) as Array<{ seq: string }>;
    await until(async () => Number(((await sql('SELECT last_seq FROM pull_count_watermark')) as Array<{ last_seq: string }>)[0]!.last_seq) >= Number(seq));
  };
  /** Every page of /catalog, following `next` to the end. */
  const walkCatalog = async (auth: Record<string, string>, pageSize: number) => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await json<{ modules: Array<{ module: string; version: string }>; next?: string }>(
        `/catalog?pagesize=${pageSize}${token ? `&token=${encodeURIComponent(token)}` : ''}`,
        auth,
      );
      expect(page.modules.length).toBeLessThanOrEqual(pageSize);
      seen.push(...page.modules.map((m) => `${m.module}@${m.version}`));
      if (!page.next) return { seen, pages };
      token = page.next;
    }
  };
  const index = async (query: string, auth: Record<string, string>) => {
    const response = await get(`/index${query}`, auth);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    return response.body
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { Path: string; Version: string; Timestamp: string });
  };

  beforeAll(async () => {
    dir = await makeTempDir('catalog-e2e');
    fixture = await buildFixtureGoproxy(join(dir, 'fixture'));
    upstream = await startStaticServer(fixture.root);
    const reposRoot = join(dir, 'repos');
    for (const [name, tags] of [['widget', ['v1.0.0', 'v1.1.0']], ['secret', ['v1.0.0']]] as const) {
      const repo = join(reposRoot, 'acme', `${name}.git`);
      await initRepo(repo);
      await writeFiles(repo, { 'go.mod': `module ${ORG}/${name}\n\ngo 1.19\n`, [`${name}.go`]: `package ${name}\n` });
      await commitAll(repo, 'first', '2024-02-01T10:00:00Z');
      for (const t of tags) await tag(repo, t);
    }
    gitHost = await startGitHttpServer({ reposRoot, token: GIT_TOKEN, tokenUser: 'x-access-token' });
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase('modgate');
    tls = await createTestCa(join(dir, 'tls'));
    ca = await readFile(tls.caCertPath);
    const config = join(dir, 'modgate.yaml');
    await writeFile(
      config,
      [
        'origins:',
        `  - pattern: ${ORG}/*`,
        `    url: ${gitHost.url}/acme/{repo}.git`,
        '    token: { env: ACME_GIT_TOKEN }',
        '    tokenUser: x-access-token',
        'policies:',
        '  bindings:',
        '    - { subjects: [group:platform], role: reader, modules: [git.corp.example/acme/*] }',
        `    - { subjects: [user:bob], role: reader, modules: [${WIDGET}] }`,
      ].join('\n'),
    );
    modgate = await startModgate({
      env: {
        MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
        MODGATE_TLS_CERT: tls.certPath,
        MODGATE_TLS_KEY: tls.keyPath,
        MODGATE_DATA_DIR: join(dir, 'data'),
        DATABASE_URL: databaseUrl,
        MODGATE_CONFIG: config,
        MODGATE_UPSTREAM: upstream.url,
        MODGATE_SUMDB: 'off',
        MODGATE_LIST_TTL_SECONDS: String(LIST_TTL_SECONDS),
        MODGATE_HOT_REFRESH_DAYS: '1',
        MODGATE_POLL_INTERVAL_SECONDS: '0',
        ACME_GIT_TOKEN: GIT_TOKEN,
        MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      },
      caCert: tls.caCertPath,
    });
    await send('PUT', '/api/users/alice', { password: 'alice-password-catalog-1', groups: ['platform'] });
    await send('PUT', '/api/users/bob', { password: 'bob-password-catalog-1' });
    for (const [path, version] of SEEDED) {
      for (const kind of ['info', 'mod', 'zip']) expect([path, version, kind, (await get(`/${escape(path)}/@v/${version}.${kind}`)).status]).toEqual([path, version, kind, 200]);
    }
    await send('PUT', '/api/policies', { deny: [{ name: 'bad-release', rules: [{ module: ALPHA, versions: 'v1.1.0', reason: 'broken build' }] }] });
  }, 240_000);

  afterAll(async () => {
    await modgate?.stop();
    await gitHost?.stop();
    await upstream?.stop();
    await postgres?.stop();
    if (dir) await removeDir(dir);
  });

  describe('/catalog and /index: each user sees exactly what they may read', () => {
    const readable = {
      alice: SEEDED.map(at).filter((v) => v !== BLOCKED),
      bob: SEEDED.map(at).filter((v) => v !== BLOCKED && !v.startsWith(SECRET)),
    };
    const byteOrder = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    it.each([
      ['alice', ALICE],
      ['bob', BOB],
    ] as const)('walks %s\'s catalog to the end, one version per page, in byte order', async (who, auth) => {
      const { seen, pages } = await walkCatalog(auth, 1);
      expect(seen).toEqual(byteOrder(readable[who]));
      expect(pages).toBeGreaterThanOrEqual(readable[who].length);
      expect((await walkCatalog(auth, 1000)).seen).toEqual(seen);
    });

    it('never shows bob the private module he may not read: not in /index, not by prefix search, not by its path', async () => {
      const bobIndex = await index('', BOB);
      expect(bobIndex.map((e) => `${e.Path}@${e.Version}`).sort()).toEqual([...readable.bob].sort());
      const aliceIndex = await index('', ALICE);
      expect(aliceIndex.map((e) => `${e.Path}@${e.Version}`).sort()).toEqual([...readable.alice].sort());
      for (const q of [`${ORG}/`, 'secret', 'acme', 'git.corp.example/acme/s']) {
        const page = await json<{ modules: Array<{ modulePath: string }> }>(`/api/modules?q=${encodeURIComponent(q)}`, BOB);
        expect([q, page.modules.map((m) => m.modulePath)]).toEqual([q, q === 'secret' || q === 'git.corp.example/acme/s' ? [] : [WIDGET]]);
      }
      const hidden = await get(`/api/modules/${SECRET}`, BOB);
      const absent = await get(`/api/modules/${ORG}/never-fetched`, BOB);
      expect([hidden.status, absent.status]).toEqual([404, 404]);
      expect(hidden.body.toString().replace(SECRET, 'X')).toBe(absent.body.toString().replace(`${ORG}/never-fetched`, 'X'));
      expect((await json<{ modules: Array<{ modulePath: string }> }>(`/api/modules?q=${encodeURIComponent(`${ORG}/`)}`, ALICE)).modules.map((m) => m.modulePath)).toEqual([SECRET, WIDGET]);
    });

    it('orders /index by first fetch, honours since and limit, and refuses a bad since in one line', async () => {
      const all = await index('', ALICE);
      const times = all.map((e) => Date.parse(e.Timestamp));
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
      expect(await index('?limit=2', ALICE)).toEqual(all.slice(0, 2));
      const since = all[3]!.Timestamp;
      expect(await index(`?since=${encodeURIComponent(since)}`, ALICE)).toEqual(all.filter((e) => e.Timestamp >= since));
      const bad = await get('/index?since=yesterday', ALICE);
      expect([bad.status, bad.headers['content-type'], bad.body.toString()]).toEqual([400, 'text/plain; charset=utf-8', 'modgate: since: must be an RFC 3339 time such as 2024-05-01T00:00:00Z\n']);
      expect((await get('/catalog?token=garbage', ALICE)).status).toBe(400);
    });
  });

  describe('module pages and storage usage', () => {
    it('shows a module\'s versions with source, size, h1, pulls, deny status and pulls per day', async () => {
      await get(`/${ALPHA}/@v/v1.0.0.zip`, ALICE);
      await pullsCounted();
      const m = await json<{
        module: string;
        source: string;
        versions: Array<{ version: string; source: string; size: number; h1: string; pulls: number; blocked: string | null; firstFetchedAt: string; lastPulledAt: string }>;
        pullsByDay: Array<{ day: string; pulls: number; requests: number }>;
      }>(`/api/modules/${ALPHA}`);
      const v100 = fixture.modules.find((x) => x.path === ALPHA && x.version === 'v1.0.0')!;
      const size = (await Promise.all(Object.values(v100.files).map((f) => stat(f)))).reduce((sum, s) => sum + s.size, 0);
      expect(m.versions.map((v) => [v.version, v.source, v.blocked])).toEqual([
        ['v1.0.0', 'upstream', null],
        ['v1.1.0', 'upstream', 'broken build (policy bad-release)'],
      ]);
      expect(m.versions[0]).toMatchObject({ size, h1: v100.sum, pulls: 2 });
      expect(Date.parse(m.versions[0]!.lastPulledAt)).toBeGreaterThanOrEqual(Date.parse(m.versions[0]!.firstFetchedAt));
      expect(m.pullsByDay.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10), pulls: 3 });
    });

    it('sums storage by source and by prefix, also from the CLI', async () => {
      const usage = await json<{ bySource: Array<{ source: string; versions: number; bytes: number }>; byPrefix: Array<{ prefix: string; bytes: number }> }>('/api/storage/usage?depth=3');
      expect(usage.bySource.map((s) => [s.source, s.versions])).toEqual([
        ['private', 3],
        ['upstream', 4],
      ]);
      expect(usage.byPrefix.map((p) => p.prefix)).toEqual(expect.arrayContaining([WIDGET, SECRET, ALPHA]));
      const { stdout } = await cli('storage', 'usage');
      const privateBytes = usage.bySource.find((s) => s.source === 'private')!.bytes;
      expect(stdout).toContain(`private\t3\t${privateBytes}`);
    });
  });

  describe('storage lifecycle', () => {
    const blobs = () => join(dir, 'data', 'blobs');
    const plant = async (key: string, ageSeconds: number) => {
      const file = join(blobs(), key);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `planted ${key}`);
      const when = new Date(Date.now() - ageSeconds * 1000);
      await utimes(file, when, when);
    };
    const exists = (key: string) => stat(join(blobs(), key)).then(() => true, () => false);

    it('finds orphan blobs in a dry run and removes only them: not young ones, recorded ones or other blobs', async () => {
      const orphans = ['example.com/orphan/@v/v1.0.0.zip', 'example.com/orphan/@v/v1.0.0.mod'];
      for (const key of orphans) await plant(key, 7200);
      await plant('example.com/young/@v/v1.0.0.zip', 0);
      await plant('notes/readme.txt', 7200);
      const dry = await send<{ orphans: Array<{ key: string }>; tooYoung: number; removed: number; scanned: number }>('POST', '/api/storage/gc', { dryRun: true });
      expect(dry.orphans.map((o) => o.key).sort()).toEqual([...orphans].sort());
      expect([dry.tooYoung, dry.removed, dry.scanned]).toEqual([1, 0, SEEDED.length * 3 + 3]);
      for (const key of orphans) expect(await exists(key)).toBe(true);
      const fromCli = await cli('storage', 'gc', '--dry-run');
      expect(fromCli.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[0]).sort()).toEqual([...orphans].sort());
      expect(fromCli.stderr).toMatch(/^2 orphan blob\(s\) among 24 artifact blobs \(dry run: nothing removed\); 1 younger than the minimum age left alone\n$/);
      const real = await send<{ removed: number }>('POST', '/api/storage/gc', { dryRun: false });
      expect(real.removed).toBe(2);
      expect(await Promise.all([...orphans, 'example.com/young/@v/v1.0.0.zip', 'notes/readme.txt'].map(exists))).toEqual([false, false, true, true]);
      for (const [path, version] of SEEDED.filter((s) => at(s) !== BLOCKED)) expect((await get(`/${escape(path)}/@v/${version}.zip`)).status).toBe(200);
    });

    it('evicts a public version unpulled for N days, never a private one, audits it, and the go command fetches it again with the same h1', async () => {
      await pullsCounted();
      const old = new Date(Date.now() - 40 * 86_400_000);
      // Neither pulled for 40 days: the public version goes, the private one stays.
      await sql('UPDATE module_version SET first_fetched_at = $1, last_pulled_at = $1 WHERE (module_path = $2 AND version = $3) OR (module_path = $4 AND version = $5)', [old, UPPER, 'v0.3.0', WIDGET, 'v1.0.0']);
      const dry = await send<{ versions: Array<{ module: string; version: string }> }>('POST', '/api/storage/evict', { dryRun: true, days: 30 });
      expect(dry.versions.map((v) => `${v.module}@${v.version}`)).toEqual([`${UPPER}@v0.3.0`]);
      const before = await json<{ versions: Array<{ h1: string }> }>(`/api/modules/${UPPER}`);
      const evicted = await send<{ versions: Array<{ module: string }>; removedBytes: number }>('POST', '/api/storage/evict', { dryRun: false, days: 30 });
      expect(evicted.versions.map((v) => v.module)).toEqual([UPPER]);
      expect(evicted.removedBytes).toBeGreaterThan(0);
      expect(await exists('github.com/!fixture/!upper!case/@v/v0.3.0.zip')).toBe(false);
      expect((await walkCatalog(ALICE, 100)).seen).not.toContain(`${UPPER}@v0.3.0`);
      const audited = await json<{ events: Array<{ principalName: string; module: string; version: string }> }>('/api/audit/events?action=storage.evict');
      expect(audited.events.map((e) => [e.principalName, e.module, e.version])).toEqual([['admin', UPPER, 'v0.3.0']]);

      const zipPath = '/github.com/!fixture/!upper!case/@v/v0.3.0.zip';
      const upstreamZipsBefore = upstream.hits.get(zipPath) ?? 0;
      const home = await makeTempDir('catalog-gohome');
      try {
        const env = goEnv({ home, goproxy: modgate.url, caCert: tls.caCertPath, netrc: await writeNetrc(join(home, 'netrc'), modgate.url, 'alice', 'alice-password-catalog-1') });
        const download = await goModDownloadJson(`${UPPER}@v0.3.0`, env);
        expect(download.Error).toBeUndefined();
        expect(download.Sum).toBe(fixture.modules.find((x) => x.path === UPPER)!.sum);
      } finally {
        await removeDir(home);
      }
      expect(upstream.hits.get(zipPath)).toBe(upstreamZipsBefore + 1);
      const after = await json<{ versions: Array<{ h1: string; evictedAt: string | null }> }>(`/api/modules/${UPPER}`);
      expect(after.versions).toMatchObject([{ h1: before.versions[0]!.h1, evictedAt: null }]);
    });
  });

  it('hot refresh: a list request for a hot module after the TTL is answered without asking the upstream on the request path', async () => {
    const listPath = `/${ALPHA}/@v/list`;
    const upstreamLists = () => upstream.hits.get(listPath) ?? 0;
    const refreshedLists = async () => metric((await get('/metrics')).body.toString(), 'modgate_hot_refresh_total', { what: 'list' });
    const first = await get(listPath, ALICE);
    expect(first.status).toBe(200);
    const requestedAt = Date.now();
    // Past the TTL of the list the request stored, and refreshed in the background meanwhile.
    await until(async () => Date.now() - requestedAt > (LIST_TTL_SECONDS + 1) * 1000 && (await refreshedLists()) > 0, 30_000);
    const upstreamBefore = upstreamLists();
    const refreshedBefore = await refreshedLists();
    const again = await get(listPath, ALICE);
    expect([again.status, again.body.toString()]).toEqual([200, first.body.toString()]);
    // Every upstream list request since is one the background made (counted by the metric).
    const upstreamDelta = upstreamLists() - upstreamBefore;
    const refreshedDelta = (await refreshedLists()) - refreshedBefore;
    expect(upstreamDelta).toBeLessThanOrEqual(refreshedDelta);
  });

  it('shows the Modules page in Chromium: search, a module page with its pulls chart, and who pulled a version', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    let context: BrowserContext | undefined;
    try {
      context = await chromium.launchPersistentContext(await makeTempDir('chromium-profile'), {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
        ignoreHTTPSErrors: true,
        viewport: { width: 1400, height: 900 },
      });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(err.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('request', (request) => {
        if (!request.url().startsWith(modgate.url)) problems.push(`offsite ${request.url()}`);
      });
      await page.goto(`${modgate.url}/admin`);
      await page.fill('#login-user', 'admin');
      await page.fill('#login-password', TEST_ADMIN_PASSWORD);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#app:not([hidden])');
      await page.click('[data-tab=modules]');
      await page.locator('#modules-storage:not(:empty)').waitFor();
      await until(async () => (await page.locator('#modules tbody tr').count()) > 1);
      await page.fill('#modules-form input[name=q]', 'fixture alpha');
      await page.click('#modules-form button[type=submit]');
      await until(async () => (await page.locator('#modules tbody tr').allInnerTexts()).join('|').startsWith(ALPHA));
      expect(await page.locator('#modules tbody tr').count()).toBe(1);
      await page.click(`#modules tbody button:text-is("${ALPHA}")`);
      await page.waitForSelector('#module-page:not([hidden]) #module-chart canvas');
      const box = await page.locator('#module-chart canvas').first().boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(50);
      expect(await page.textContent('#module-title')).toBe(ALPHA);
      const rows = await page.locator('#module-versions tbody tr').allInnerTexts();
      expect(rows.map((r) => r.split('\t')[0])).toEqual(['v1.0.0', 'v1.1.0']);
      expect(rows[1]).toContain('blocked: broken build (policy bad-release)');
      await page.screenshot({ path: join(ARTIFACTS, 'admin-modules.png'), fullPage: true });
      await page.locator('#module-versions tbody tr').first().getByText('Who pulled it?').click();
      await page.waitForSelector('#tab-radius:not([hidden]) #radius tbody tr td');
      expect(await page.textContent('#radius-summary')).toMatch(new RegExp(`asked for ${ALPHA}@v1.0.0`));
      expect(problems).toEqual([]);
    } finally {
      await context?.close();
    }
  });
});

/** A module path in URL form (upper case escaped as `!` + lower case). */
function escape(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}
