import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  ADMIN_AUTH,
  REPO_ROOT,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  bearerAuth,
  execFileText,
  goEnv,
  goModDownloadJsonAll,
  makeTempDir,
  startStack,
  writeNetrc,
  type FixtureGoproxy,
  type ModgateProcess,
  type Stack,
  type TestCa,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

const ALPHA = 'github.com/fixture/alpha';
const DANA_PASSWORD = 'dana-password-e2e-1';
/** Screenshots of the admin page land here (gitignored) for a human to look at. */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

interface Event {
  id: number;
  seq: number;
  time: string;
  action: string;
  principalKind: string;
  principalName: string | null;
  groups: string[];
  ip: string | null;
  userAgent: string | null;
  module: string | null;
  version: string | null;
  artifact: string | null;
  status: number | null;
  reason: string | null;
  bytes: number | null;
  cacheHit: boolean | null;
  requestId: string | null;
  hash: string;
}

/** Polls `condition` every 50 ms until it holds (throws after `timeoutMs`). */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/**
 * The audit log end to end: the real go command over HTTPS with `.netrc` credentials (a local user
 * and a token), modgate on a real Postgres, the admin API's filters and exports, the `modgate
 * audit` CLI, and the admin page in headless Chromium.
 */
describe('audit log end to end (go client, admin API, CLI, admin page)', () => {
  let stack: Stack;
  let dir: string;
  let fixture: FixtureGoproxy;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let goHome: string;
  let ciToken: string;
  let adminToken: string;
  let started: Date;

  const api = async <T>(path: string, auth: Record<string, string> = bearerAuth(adminToken)) => {
    const response = await rawGet(modgate.url, path, { ca, headers: auth });
    return { status: response.status, body: JSON.parse(response.body.toString()) as T, headers: response.headers };
  };
  const events = async (query: string) => {
    const { status, body } = await api<{ events: Event[]; next: string | null }>(`/api/audit/events?${query}`);
    expect(status).toBe(200);
    return body.events;
  };
  const post = (path: string, body: unknown, headers: Record<string, string>, method: 'POST' | 'PUT' = 'POST') =>
    rawRequest(method, modgate.url, path, { ca, headers, body: Buffer.from(JSON.stringify(body)) });

  beforeAll(async () => {
    stack = await startStack({
      name: 'audit-e2e',
      database: 'postgres',
      upstream: 'fixture',
      config: () => ['policies:', '  deny:', '    - name: security-baseline', '      rules:', '        - module: github.com/fixture/nomod', '          reason: broken release, use v1.0.1'],
      env: { MODGATE_TRUSTED_PROXIES: '127.0.0.1' },
    });
    ({ dir, modgate } = stack);
    [fixture, tls, ca] = [stack.fixture!, stack.tls!, stack.ca!];
    goHome = join(dir, 'gohome');
    expect((await post('/api/users/dana', { password: DANA_PASSWORD, groups: ['developers'] }, ADMIN_AUTH, 'PUT')).status).toBe(200);
    ciToken = (JSON.parse((await post('/api/tokens', { name: 'ci-e2e', scopes: ['read'] }, ADMIN_AUTH)).body.toString()) as { token: string }).token;
    adminToken = (JSON.parse((await post('/api/tokens', { name: 'audit-admin', scopes: ['read', 'admin'] }, ADMIN_AUTH)).body.toString()) as { token: string }).token;
    started = new Date(Date.now() - 1000);

    // dana (a local user) and a CI token download the same version with the real go command.
    const env = async (name: string, login: string, password: string) =>
      goEnv({
        home: goHome,
        goproxy: modgate.url,
        gomodcache: join(dir, `modcache-${name}`),
        caCert: tls.caCertPath,
        netrc: await writeNetrc(join(dir, `netrc-${name}`), modgate.url, login, password),
      });
    const dana = await goModDownloadJsonAll([`${ALPHA}@v1.0.0`], await env('dana', 'dana', DANA_PASSWORD));
    expect(dana.map((r) => r.Error)).toEqual([undefined]);
    const ci = await goModDownloadJsonAll([`${ALPHA}@v1.0.0`, 'github.com/fixture/nomod@v1.0.0'], await env('ci', 'ci', ciToken));
    expect(ci[0]!.Error).toBeUndefined();
    expect(ci[1]!.Error).toMatch(/403/);
    // A request relayed by a trusted proxy, and one without credentials.
    expect((await rawGet(modgate.url, `/${ALPHA}/@v/list`, { ca, headers: { ...bearerAuth(ciToken), 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
    expect((await rawGet(modgate.url, `/${ALPHA}/@v/v1.1.0.info`, { ca })).status).toBe(401);
  }, 240_000);

  afterAll(() => stack?.stop());

  describe('what go mod download records', () => {
    it('records each artifact dana pulled: principal, module, version, size, and an origin fetch', async () => {
      const got = await events(`principal=dana&module=${ALPHA}&version=v1.0.0&order=asc`);
      const m = fixture.modules.find((x) => x.path === ALPHA && x.version === 'v1.0.0')!;
      expect(got.map((e) => e.artifact).sort()).toEqual(['info', 'mod', 'zip']);
      for (const e of got) {
        expect(e).toMatchObject({ principalKind: 'user', principalName: 'dana', groups: ['developers'], module: ALPHA, version: 'v1.0.0', status: 200, ip: '127.0.0.1', cacheHit: false });
        expect(e.action).toBe(`goproxy.${e.artifact}`);
        expect(e.userAgent).toMatch(/^Go-http-client/);
        expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.bytes).toBe((await stat(m.files[e.artifact as 'info' | 'mod' | 'zip'])).size);
      }
    });

    it('records the token, its owner, and that its pull was a cache hit', async () => {
      const [zip] = await events(`principal=ci-e2e&action=goproxy.zip&module=${ALPHA}`);
      expect(zip).toMatchObject({ principalKind: 'token', principalName: 'ci-e2e', status: 200, cacheHit: true });
      const [full] = (await api<{ events: Array<Event & { detail: unknown }> }>(`/api/audit/events?principal=ci-e2e&action=goproxy.zip&module=${ALPHA}`)).body.events;
      expect(full!.detail).toEqual({ user: 'admin' });
    });

    it('records refusals with their reason: policy (403) and no credentials (401)', async () => {
      const [denied] = await events('status=403&module=github.com/fixture/nomod');
      expect(denied).toMatchObject({ principalName: 'ci-e2e', status: 403, version: 'v1.0.0' });
      expect(denied!.reason).toMatch(/broken release, use v1.0.1/);
      const [anonymous] = await events('status=401');
      expect(anonymous).toMatchObject({ principalKind: 'anonymous', principalName: null, module: ALPHA, version: 'v1.1.0', artifact: 'info' });
      expect(anonymous!.reason).toBeTruthy();
    });

    it('records admin actions: a user created, tokens made and revoked, with who did it and never the secret', async () => {
      const [userPut] = (await api<{ events: Array<Event & { detail: Record<string, unknown> }> }>('/api/audit/events?action=admin.user.put')).body.events;
      expect(userPut).toMatchObject({ principalKind: 'user', principalName: 'admin', status: 200, detail: { user: 'dana', groups: ['developers'], passwordChanged: true } });
      const created = (await api<{ events: Array<Event & { detail: Record<string, unknown> }> }>('/api/audit/events?action=token.create&order=asc')).body.events;
      expect(created.map((e) => e.detail.token)).toEqual(expect.arrayContaining(['ci-e2e', 'audit-admin']));
      expect(created.find((e) => e.detail.token === 'ci-e2e')!.detail).toMatchObject({ owner: 'admin', scopes: ['read'] });
      const doomed = JSON.parse((await post('/api/tokens', { name: 'doomed', scopes: ['read'] }, ADMIN_AUTH)).body.toString()) as { id: string; token: string };
      expect((await rawRequest('DELETE', modgate.url, `/api/tokens/${doomed.id}`, { ca, headers: ADMIN_AUTH })).status).toBe(200);
      const [revoked] = (await api<{ events: Array<Event & { detail: Record<string, unknown> }> }>('/api/audit/events?action=token.revoke')).body.events;
      expect(revoked).toMatchObject({ principalName: 'admin', detail: { id: doomed.id, token: 'doomed' } });
      const everything = (await rawGet(modgate.url, '/api/audit/export?format=ndjson', { ca, headers: bearerAuth(adminToken) })).body.toString();
      for (const secret of [doomed.token, ciToken, adminToken, DANA_PASSWORD, TEST_ADMIN_PASSWORD]) expect(everything).not.toContain(secret);
    });

    it('takes the client address from X-Forwarded-For only from a trusted proxy', async () => {
      const [relayed] = await events('ip=203.0.113.0/24&action=goproxy');
      expect(relayed).toMatchObject({ action: 'goproxy.list', principalName: 'ci-e2e', ip: '203.0.113.7' });
    });

    it('records logins: one verification for a whole go mod download, and failures with the name tried', async () => {
      const logins = await events('action=auth.login&principal=dana');
      expect(logins.map((e) => [e.status, e.ip])).toEqual([[200, '127.0.0.1']]);
      expect((await rawGet(modgate.url, `/${ALPHA}/@v/list`, { ca, headers: basicAuth('dana', 'not-dana-password') })).status).toBe(401);
      const [failed] = await events('action=auth.login&principal=dana&status=401');
      expect(failed).toMatchObject({ principalKind: 'user', principalName: 'dana', reason: 'invalid user name or password' });
      const [ci] = await events('action=auth.login&principal=ci-e2e');
      expect(ci).toMatchObject({ principalKind: 'token', status: 200 });
    });

    it('records a reload of the policies in the YAML file', async () => {
      const config = join(dir, 'modgate.yaml');
      const yaml = await readFile(config, 'utf8');
      await writeFile(config, `${yaml}\n        - module: github.com/fixture/gamma\n          reason: audited reload\n`);
      let reload: Event | undefined;
      await until(async () => (reload = (await events('action=policy.change&principal=policy-file'))[0]) !== undefined);
      expect(reload).toMatchObject({ principalKind: 'system', status: 200, reason: null });
    });
  });

  describe('the admin API', () => {
    let danaZip: Event;
    beforeAll(async () => {
      [danaZip] = await events(`principal=dana&action=goproxy.zip`);
    });

    const inside = [
      ['principal', 'principal=dana'],
      ['group', 'group=developers'],
      ['module prefix', 'module=github.com/fixture/al'],
      ['version', 'version=v1.0.0&module=github.com/fixture/alpha'],
      ['exact action', 'action=goproxy.zip'],
      ['action family', 'action=goproxy&principal=dana'],
      ['status', 'status=200&principal=dana'],
      ['status class', 'status=2xx&principal=dana'],
      ['time range', () => `from=${started.toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&principal=dana`],
      ['relative time', 'from=-1h&principal=dana'],
      ['ip', 'ip=127.0.0.1&principal=dana'],
      ['ip range', 'ip=127.0.0.0/8&principal=dana'],
    ] as const;
    it.each(inside)('finds the event by %s', async (_name, query) => {
      const found = await events(typeof query === 'function' ? query() : query);
      expect(found.map((e) => e.id)).toContain(danaZip.id);
    });

    const outside = [
      ['another principal', 'principal=ci-e2e'],
      ['another group', 'group=payments'],
      ['another module', 'module=github.com/fixture/nomod'],
      ['another status', 'status=4xx'],
      ['a later time', () => `from=${new Date(Date.now() + 60_000).toISOString()}`],
      ['another ip', 'ip=203.0.113.7'],
    ] as const;
    it.each(outside)('does not find it by %s', async (_name, query) => {
      const found = await events(typeof query === 'function' ? query() : query);
      expect(found.map((e) => e.id)).not.toContain(danaZip.id);
    });

    it('pages with a keyset cursor, newest first', async () => {
      const all = await events('limit=1000');
      const paged: number[] = [];
      let next: string | null = null;
      do {
        const page: { body: { events: Event[]; next: string | null } } = await api(`/api/audit/events?limit=2${next ? `&after=${next}` : ''}`);
        paged.push(...page.body.events.map((e) => e.id));
        next = page.body.next;
      } while (next);
      expect(paged).toEqual(all.map((e) => e.id));
      expect(all.map((e) => e.time)).toEqual([...all.map((e) => e.time)].sort().reverse());
    });

    it('answers who pulled a version (blast radius) in one call', async () => {
      const { body } = await api<{ principals: Array<{ name: string; artifacts: string[]; refused: number }> }>(`/api/audit/blast-radius?module=${ALPHA}&version=v1.0.0`);
      expect(body.principals.map((p) => [p.name, p.artifacts]).sort()).toEqual([
        ['ci-e2e', ['info', 'mod', 'zip']],
        ['dana', ['info', 'mod', 'zip']],
      ]);
    });

    it('summarises top modules and principals', async () => {
      const { body } = await api<{ requests: number; downloads: number; denied: number; topModules: Array<{ module: string }>; topPrincipals: Array<{ name: string | null }> }>('/api/audit/summary?from=-1h');
      expect(body.downloads).toBe(2);
      expect(body.denied).toBeGreaterThanOrEqual(2);
      expect(body.topModules[0]!.module).toBe(ALPHA);
      expect(body.topPrincipals.map((p) => p.name)).toEqual(expect.arrayContaining(['dana', 'ci-e2e']));
    });

    it('streams a valid NDJSON export with the announced count', async () => {
      const response = await rawGet(modgate.url, '/api/audit/export?format=ndjson&action=goproxy', { ca, headers: bearerAuth(adminToken) });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="modgate-audit-.*\.ndjson"$/);
      const lines = response.body.toString().split('\n');
      expect(lines.pop()).toBe('');
      const parsed = lines.map((line) => JSON.parse(line) as Event);
      expect(parsed).toHaveLength(Number(response.headers['x-audit-count']));
      expect(parsed.length).toBeGreaterThanOrEqual(8);
      expect(parsed.every((e) => e.action.startsWith('goproxy.') && /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
      expect(parsed.map((e) => e.seq)).toEqual([...parsed.map((e) => e.seq)].sort((a, b) => a - b));
    });

    it('streams a valid CSV export', async () => {
      const response = await rawGet(modgate.url, '/api/audit/export?format=csv&principal=dana&action=goproxy', { ca, headers: bearerAuth(adminToken) });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parseCsv(response.body.toString());
      expect(rows[0]!.slice(0, 6)).toEqual(['id', 'seq', 'time', 'action', 'principal_kind', 'principal_name']);
      expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
      const body = rows.slice(1);
      expect(body).toHaveLength(Number(response.headers['x-audit-count']));
      const column = (name: string) => rows[0]!.indexOf(name);
      expect(body.map((r) => r[column('artifact')]).sort()).toEqual(['info', 'mod', 'zip']);
      expect(body.every((r) => r[column('principal_name')] === 'dana' && r[column('groups')] === 'developers')).toBe(true);
    });

    it('verifies the chain', async () => {
      const response = await rawRequest('POST', modgate.url, '/api/audit/verify', { ca, headers: bearerAuth(adminToken) });
      expect(JSON.parse(response.body.toString())).toMatchObject({ ok: true, broken: null });
    });

    it.each([
      ['a bad limit', '/api/audit/events?limit=abc', /^limit: /],
      ['a bad status', '/api/audit/events?status=2', /^status: /],
      ['a forged cursor', '/api/audit/events?after=1%27%20OR%201=1', /^after: /],
      ['an unknown parameter', '/api/audit/events?sort=name', /^sort: unknown parameter/],
      ['a repeated parameter', '/api/audit/events?module=a&module=b', /^module: /],
      ['a bad time', '/api/audit/events?from=yesterday', /^from: /],
      ['a bad format', '/api/audit/export?format=xml', /^format: /],
      ['a missing version', `/api/audit/blast-radius?module=${ALPHA}`, /^version: /],
    ])('answers %s with a JSON 400, never a 500', async (_name, path, message) => {
      const { status, body } = await api<{ error: { code: string; message: string } }>(path);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.message).toMatch(message);
    });

    it('refuses a non-admin and an anonymous caller', async () => {
      expect((await api('/api/audit/events', basicAuth('dana', DANA_PASSWORD))).status).toBe(403);
      expect((await api('/api/audit/events', bearerAuth(ciToken))).status).toBe(403);
      expect((await api('/api/audit/events', {})).status).toBe(401);
    });
  });

  describe('the modgate audit CLI', () => {
    const cli = (args: string[]) =>
      execFileText(process.execPath, [join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js'), 'audit', ...args], {
        env: { PATH: process.env.PATH ?? '', MODGATE_URL: modgate.url, MODGATE_TOKEN: adminToken, NODE_EXTRA_CA_CERTS: tls.caCertPath },
        allowFailure: true,
      });

    it('queries with filters', async () => {
      const result = await cli(['query', '--principal', 'dana', '--module', ALPHA, '--action=goproxy.zip']);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines[0]).toBe('TIME (UTC)\tACTION\tPRINCIPAL\tSTATUS\tMODULE@VERSION\tIP\tREASON');
      expect(lines.slice(1)).toEqual([expect.stringMatching(/\tgoproxy\.zip\tdana\t200\tgithub\.com\/fixture\/alpha@v1\.0\.0\t127\.0\.0\.1\t$/)]);
      expect(result.stderr).toBe('1 event(s)\n');
    });

    it('exports to a file', async () => {
      const out = join(dir, 'export.csv');
      const result = await cli(['export', '--format', 'csv', '--principal', 'dana', '--action', 'goproxy', '--out', out]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`exported 3 event(s) to ${out}\n`);
      expect(parseCsv(await readFile(out, 'utf8'))).toHaveLength(4);
    });

    it('verifies, and names who pulled a version', async () => {
      const verify = await cli(['verify']);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/^audit chain intact: \d+ events/);
      const who = await cli(['who-pulled', `${ALPHA}@v1.0.0`]);
      expect(who.code).toBe(0);
      expect(who.stdout).toMatch(/^dana\tuser\tinfo,mod,zip\t3\t0\t127\.0\.0\.1\t/m);
      expect(who.stdout).toMatch(/^ci-e2e\ttoken\tinfo,mod,zip\t/m);
    });

    it('creates, lists and revokes tokens', async () => {
      const token = (args: string[]) =>
        execFileText(process.execPath, [join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js'), 'token', ...args], {
          env: { PATH: process.env.PATH ?? '', MODGATE_URL: modgate.url, MODGATE_TOKEN: adminToken, NODE_EXTRA_CA_CERTS: tls.caCertPath },
        });
      const created = await token(['create', 'cli-made', '--scopes', 'read', '--days', '1']);
      expect(created.stderr).toMatch(/^created token cli-made \(id \S+\) for admin, scopes read/);
      const secret = created.stdout.trim();
      expect((await rawGet(modgate.url, `/${ALPHA}/@v/list`, { ca, headers: bearerAuth(secret) })).status).toBe(200);
      const line = (await token(['list', '--all'])).stdout.split('\n').find((l) => l.split('\t')[1] === 'cli-made')!;
      const id = line.split('\t')[0]!;
      expect((await token(['revoke', id])).stdout).toBe(`revoked token cli-made (id ${id}) of admin\n`);
      expect((await rawGet(modgate.url, `/${ALPHA}/@v/list`, { ca, headers: bearerAuth(secret) })).status).toBe(401);
    });

    it('explains a bad filter in one line', async () => {
      const result = await cli(['query', '--status', 'teapot']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^modgate: GET \/api\/audit\/events\?status=teapot&limit=50: 400 status: expected statuses/);
    });
  });

  describe('the admin page in headless Chromium', () => {
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      context = await chromium.launchPersistentContext(await makeTempDir('chromium-profile'), {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
        ignoreHTTPSErrors: true,
        acceptDownloads: true,
        viewport: { width: 1400, height: 900 },
      });
    }, 60_000);
    // A fresh tab per test: a fresh sessionStorage, so no test starts signed in.
    beforeEach(async () => {
      page = await context.newPage();
    });
    afterEach(async () => {
      await page?.close();
    });
    afterAll(async () => {
      await context?.close();
    });

    const signIn = async (user: string, password: string) => {
      await page.goto(`${modgate.url}/admin`);
      await page.fill('#login-user', user);
      await page.fill('#login-password', password);
      await page.click('#login-form button[type=submit]');
    };

    it('lets an admin sign in, filter by module, open an event and export', async () => {
      const offsite: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(modgate.url)) offsite.push(request.url());
      });
      await signIn('admin', TEST_ADMIN_PASSWORD);
      await page.waitForSelector('#events tbody tr.clickable');
      expect(await page.textContent('#who-name')).toBe('admin');

      await page.fill('#filters input[name=module]', ALPHA);
      await page.fill('#filters input[name=action]', 'goproxy.zip');
      await page.click('#filters button[type=submit]');
      await until(async () => (await page.locator('#events tbody tr.clickable').count()) === 2);
      const rows = (await page.locator('#events tbody tr').allInnerTexts()).map((text) => text.split('\t').map((cell) => cell.trim()));
      expect(rows.map((r) => [r[1], r[2], r[3], r[4], r[5]]).sort()).toEqual([
        ['ci-e2e (token)', 'goproxy.zip', ALPHA, 'v1.0.0', '200'],
        ['dana', 'goproxy.zip', ALPHA, 'v1.0.0', '200'],
      ]);
      await page.screenshot({ path: join(ARTIFACTS, 'admin-audit.png'), fullPage: true });

      await page.click('#events tbody tr.clickable');
      await page.waitForSelector('#detail[open]');
      expect(await page.textContent('#detail-fields')).toMatch(/Previous hash/);
      await page.screenshot({ path: join(ARTIFACTS, 'admin-audit-detail.png') });
      await page.keyboard.press('Escape');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export=csv]')]);
      const csv = parseCsv(await readFile((await download.path())!, 'utf8'));
      expect(download.suggestedFilename()).toMatch(/^modgate-audit-.*\.csv$/);
      expect(csv).toHaveLength(3);

      await page.click('[data-tab=radius]');
      await page.fill('#radius-form input[name=module]', ALPHA);
      await page.fill('#radius-form input[name=version]', 'v1.0.0');
      await page.click('#radius-form button[type=submit]');
      await page.waitForSelector('#radius tbody tr td');
      expect(await page.textContent('#radius-summary')).toMatch(/2 principal\(s\) asked for github.com\/fixture\/alpha@v1.0.0; 2 downloaded its code/);

      await page.click('[data-tab=tokens]');
      await page.waitForSelector('#tokens tbody tr td');
      expect(await page.textContent('#tokens tbody')).toContain('ci-e2e');
      expect(offsite).toEqual([]);
      await page.click('#sign-out');
      await page.waitForSelector('#login:not([hidden])');
    });

    it('refuses a non-admin', async () => {
      await signIn('dana', DANA_PASSWORD);
      await page.locator('#login-error:not(:empty)').waitFor();
      expect(await page.textContent('#login-error')).toBe('dana is not an admin: this page is for admins only');
      expect(await page.isHidden('#app')).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'admin-refused.png') });
    });
  });
});
