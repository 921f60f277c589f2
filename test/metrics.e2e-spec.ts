import { createHmac } from 'node:crypto';

import { join } from 'node:path';
import {
  ADMIN_AUTH,
  LDAP_GROUPS,
  LDAP_PEOPLE,
  TEST_ADMIN_PASSWORD,
  basicAuth,
  bearerAuth,
  commitAll,
  freePort,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  revParse,
  startStack,
  tag,
  writeFiles,
  writeNetrc,
  type ModgateProcess,
  type Stack,
  type TestCa,
  type TestSlapd,
} from './support/index.js';
import { rawGet, rawPost, rawRequest } from './http-client.js';
import { githubPush } from './webhook-payloads.js';

const COLD = ['github.com/fixture/alpha@v1.0.0', 'github.com/fixture/beta/v2@v2.0.0'];
const PRIVATE = 'git.corp.example/acme/hooks';
const DANA_PASSWORD = 'dana-metrics-password-1';
const LENA_PASSWORD = 'lena-ldap-password-1';
const WEBHOOK_SECRET = 'metrics-webhook-secret';

/** One sample of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (comments skipped, label values unescaped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * Prometheus metrics end to end: modgate over HTTPS on a real Postgres, the real go command with
 * `.netrc` credentials of a local user, an LDAP user (real slapd) and a token, a public fixture
 * upstream and a private git origin; `/metrics` on the main listener (admins only) and on the
 * separate MODGATE_METRICS_LISTEN listener.
 */
describe('metrics end to end (go client, /metrics, the metrics listener)', () => {
  let stack: Stack;
  let dir: string;
  let slapd: TestSlapd;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let metricsUrl: string;
  let goHome: string;
  let ciToken: string;
  let readerToken: string;
  let repo: string;

  const scrape = async (auth: Record<string, string> = ADMIN_AUTH): Promise<Sample[]> => {
    const response = await rawGet(modgate.url, '/metrics', { ca, headers: auth });
    expect(response.status).toBe(200);
    return parseExposition(response.body.toString());
  };
  const download = async (name: string, login: string, password: string, modules: string[]) => {
    const env = goEnv({
      home: goHome,
      goproxy: modgate.url,
      gomodcache: join(dir, `modcache-${name}`),
      caCert: tls.caCertPath,
      netrc: await writeNetrc(join(dir, `netrc-${name}`), modgate.url, login, password),
    });
    const results = await goModDownloadJsonAll(modules, env);
    expect(results.map((r) => r.Error)).toEqual(modules.map(() => undefined));
  };
  const post = async (path: string, body: unknown, method: 'POST' | 'PUT' = 'POST') => {
    const response = await rawRequest(method, modgate.url, path, { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify(body)) });
    expect(response.status).toBeLessThan(300);
    return JSON.parse(response.body.toString()) as { token: string };
  };

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    stack = await startStack({
      name: 'metrics-e2e',
      database: 'postgres',
      ldap: true,
      gitHost: true,
      upstream: 'fixture',
      config: ({ gitHost, slapd }) => [
        `webhookSecret: { env: MODGATE_TEST_WEBHOOK_SECRET }`,
        'origins:',
        '  - pattern: git.corp.example/acme/*',
        `    url: ${gitHost!.url}/acme/{repo}.git`,
        'auth:',
        '  ldap:',
        `    url: ${slapd!.url}`,
        `    searchBase: ${LDAP_PEOPLE}`,
        `    groupSearchBase: ${LDAP_GROUPS}`,
      ],
      env: {
        MODGATE_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
        MODGATE_POLL_INTERVAL_SECONDS: '0',
        MODGATE_TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
    ({ dir, modgate } = stack);
    [slapd, tls, ca] = [stack.slapd!, stack.tls!, stack.ca!];
    goHome = join(dir, 'gohome');
    repo = join(stack.reposRoot, 'acme', 'hooks.git');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${PRIVATE}\n\ngo 1.19\n`, 'hooks.go': 'package hooks\n' });
    await commitAll(repo, 'v1.0.0', '2024-05-01T10:00:00Z');
    await tag(repo, 'v1.0.0');
    await slapd.addUser('lena', LENA_PASSWORD);
    await post('/api/users/dana', { password: DANA_PASSWORD, groups: ['developers'] }, 'PUT');
    ciToken = (await post('/api/tokens', { name: 'ci-metrics', scopes: ['read'] })).token;
    readerToken = (await post('/api/tokens', { name: 'reader-metrics', owner: 'dana', scopes: ['read'] })).token;
  }, 240_000);

  afterAll(() => stack?.stop());

  describe('what a go mod download shows', () => {
    let before: Sample[];
    let cold: Sample[];
    let warm: Sample[];
    const delta = (after: Sample[], name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);

    beforeAll(async () => {
      before = await scrape();
      await download('dana', 'dana', DANA_PASSWORD, COLD);
      cold = await scrape();
      // The same modules again into clean module caches: a token and an LDAP user.
      await download('ci', 'ci', ciToken, COLD);
      await download('lena', 'lena', LENA_PASSWORD, COLD.slice(0, 1));
      warm = await scrape();
    }, 180_000);

    it('counts one cache miss, upstream fetch and blob write per artifact of each cold module', () => {
      for (const artifact of ['info', 'mod', 'zip']) {
        expect([artifact, delta(cold, 'modgate_artifact_cache_requests_total', { artifact, result: 'miss' })]).toEqual([artifact, COLD.length]);
        expect([artifact, delta(cold, 'modgate_artifact_cache_requests_total', { artifact, result: 'hit' })]).toEqual([artifact, 0]);
        expect([artifact, delta(cold, 'modgate_upstream_requests_total', { request: artifact, result: 'ok' })]).toEqual([artifact, COLD.length]);
        expect([artifact, delta(cold, 'modgate_upstream_request_duration_seconds_count', { request: artifact })]).toEqual([artifact, COLD.length]);
      }
      expect(delta(cold, 'modgate_blob_store_operation_duration_seconds_count', { driver: 'fs', operation: 'put', result: 'ok' })).toBe(3 * COLD.length);
      // The request that fetched an artifact answers with the bytes it stored: nothing is read back.
      expect(delta(cold, 'modgate_blob_store_operation_duration_seconds_count', { driver: 'fs', operation: 'get' })).toBe(0);
      expect(delta(cold, 'modgate_http_requests_total', { route: 'goproxy_zip', status: '200' })).toBe(COLD.length);
      expect(delta(cold, 'modgate_http_request_duration_seconds_count', { route: 'goproxy_zip' })).toBe(COLD.length);
    });

    it('serves the second and third downloads from the cache with no upstream request', () => {
      const hits = COLD.length + 1;
      for (const artifact of ['info', 'mod', 'zip']) {
        expect([artifact, valueOf(warm, 'modgate_artifact_cache_requests_total', { artifact, result: 'hit' }) - valueOf(cold, 'modgate_artifact_cache_requests_total', { artifact, result: 'hit' })]).toEqual([artifact, hits]);
        expect([artifact, valueOf(warm, 'modgate_artifact_cache_requests_total', { artifact, result: 'miss' })]).toEqual([artifact, valueOf(cold, 'modgate_artifact_cache_requests_total', { artifact, result: 'miss' })]);
      }
      expect(valueOf(warm, 'modgate_upstream_requests_total')).toBe(valueOf(cold, 'modgate_upstream_requests_total'));
      expect(valueOf(warm, 'modgate_http_requests_total', { route: 'goproxy_zip', status: '200' }) - valueOf(cold, 'modgate_http_requests_total', { route: 'goproxy_zip', status: '200' })).toBe(hits);
    });

    it('counts one verification per user and method, and the rest of each download as cache hits', () => {
      // The admin (local) was verified once during setup, before the first scrape.
      expect(delta(warm, 'modgate_auth_verifications_total', { method: 'local', result: 'success' })).toBe(1);
      expect(delta(warm, 'modgate_auth_verifications_total', { method: 'ldap', result: 'success' })).toBe(1);
      expect(delta(warm, 'modgate_auth_verifications_total', { method: 'token', result: 'success' })).toBeGreaterThanOrEqual(1);
      expect(delta(warm, 'modgate_auth_verifications_total', { result: 'failure' })).toBe(0);
      expect(delta(warm, 'modgate_ldap_binds_total', { result: 'success' })).toBe(1);
      expect(delta(warm, 'modgate_ldap_bind_duration_seconds_count')).toBe(1);
      const goproxyRequests = delta(warm, 'modgate_http_requests_total', { route: 'goproxy_info' }) + delta(warm, 'modgate_http_requests_total', { route: 'goproxy_mod' }) + delta(warm, 'modgate_http_requests_total', { route: 'goproxy_zip' });
      expect(goproxyRequests).toBe(3 * (2 * COLD.length + 1));
      // Only the first requests of each download, sent at once (one per module), waited for a verification.
      const firstRequests = 2 * COLD.length + 1;
      expect(delta(warm, 'modgate_auth_cache_hits_total')).toBeGreaterThanOrEqual(goproxyRequests - firstRequests);
    });

    it('counts each failed login by method, and the LDAP bind it cost', async () => {
      const start = await scrape();
      const list = '/github.com/fixture/alpha/@v/list';
      expect((await rawGet(modgate.url, list, { ca, headers: basicAuth('dana', 'wrong-password-1') })).status).toBe(401);
      expect((await rawGet(modgate.url, list, { ca, headers: basicAuth('lena', 'wrong-password-2') })).status).toBe(401);
      expect((await rawGet(modgate.url, list, { ca, headers: bearerAuth(`${ciToken.slice(0, -4)}AAAA`) })).status).toBe(401);
      expect((await rawGet(modgate.url, list, { ca })).status).toBe(401);
      const end = await scrape();
      const failures = (method: string) => valueOf(end, 'modgate_auth_verifications_total', { method, result: 'failure' }) - valueOf(start, 'modgate_auth_verifications_total', { method, result: 'failure' });
      expect(['local', 'ldap', 'token', 'none'].map(failures)).toEqual([1, 1, 1, 1]);
      expect(valueOf(end, 'modgate_ldap_binds_total', { result: 'invalid_credentials' }) - valueOf(start, 'modgate_ldap_binds_total', { result: 'invalid_credentials' })).toBe(1);
      expect(valueOf(end, 'modgate_http_requests_total', { route: 'goproxy_list', status: '401' }) - valueOf(start, 'modgate_http_requests_total', { route: 'goproxy_list', status: '401' })).toBe(4);
    });

    it('counts every committed audit event: as many as the audit log holds', async () => {
      const samples = await scrape();
      const committed = valueOf(samples, 'modgate_audit_events_total', { result: 'committed' });
      const { events } = JSON.parse((await rawGet(modgate.url, '/api/audit/events?limit=1000', { ca, headers: ADMIN_AUTH })).body.toString()) as { events: unknown[] };
      expect(committed).toBeGreaterThan(3 * (2 * COLD.length + 1));
      expect(committed).toBe(events.length);
      expect(valueOf(samples, 'modgate_audit_events_total', { result: 'failed' })).toBe(0);
      expect(valueOf(samples, 'modgate_audit_commit_duration_seconds_count', { result: 'ok' })).toBeGreaterThan(0);
      expect(valueOf(samples, 'modgate_audit_queue_depth')).toBe(0);
      expect(valueOf(samples, 'modgate_db_query_duration_seconds_count', { database: 'postgres', operation: 'query', result: 'ok' })).toBeGreaterThan(0);
      // Artifacts, version lists, users and policies are read and written through Prisma.
      expect(valueOf(samples, 'modgate_db_query_duration_seconds_count', { database: 'postgres', operation: 'orm', result: 'ok' })).toBeGreaterThan(0);
    });
  });

  describe('private modules, git and webhooks', () => {
    it('counts the clone of a private repository, its git processes, and a webhook-driven sync', async () => {
      await download('private', 'admin', TEST_ADMIN_PASSWORD, [`${PRIVATE}@v1.0.0`]);
      const cloned = await scrape();
      expect(valueOf(cloned, 'modgate_git_remote_operations_total', { operation: 'clone', result: 'ok' })).toBe(1);
      expect(valueOf(cloned, 'modgate_git_remote_operation_duration_seconds_count', { operation: 'clone' })).toBe(1);
      expect(valueOf(cloned, 'modgate_git_commands_total', { command: 'fetch', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(cloned, 'modgate_git_processes_running')).toBe(0);

      await writeFiles(repo, { 'hooks.go': 'package hooks\n\nconst V = 2\n' });
      await commitAll(repo, 'v1.1.0', '2024-05-02T10:00:00Z');
      const commit = await revParse(repo, 'HEAD');
      await tag(repo, 'v1.1.0');
      const body = Buffer.from(JSON.stringify(githubPush(`https://${PRIVATE}`, 'acme/hooks', 'refs/tags/v1.1.0', commit)));
      const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
      const deliver = (id: string, sig: string) => rawPost(modgate.url, '/webhooks/github', body, { ca, headers: { 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${sig}` } });
      expect((await deliver('metrics-1', signature)).status).toBe(202);
      expect((await deliver('metrics-2', '0'.repeat(64))).status).toBe(401);
      let synced = cloned;
      for (const deadline = Date.now() + 30_000; valueOf(synced, 'modgate_sync_jobs_total', { result: 'ok' }) < 1 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        synced = await scrape();
      }
      expect(valueOf(synced, 'modgate_sync_jobs_total', { result: 'ok' })).toBe(1);
      expect(valueOf(synced, 'modgate_sync_job_duration_seconds_count')).toBe(1);
      expect(valueOf(synced, 'modgate_webhook_deliveries_total', { provider: 'github', result: 'queued' })).toBe(1);
      expect(valueOf(synced, 'modgate_webhook_deliveries_total', { provider: 'github', result: 'bad_signature' })).toBe(1);
      expect(valueOf(synced, 'modgate_git_remote_operations_total', { operation: 'fetch', result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(synced, 'modgate_http_requests_total', { route: 'webhook', status: '202' })).toBe(1);
    }, 120_000);
  });

  describe('who may read /metrics', () => {
    it('refuses a request without credentials (401) and a non-admin (403)', async () => {
      const anonymous = await rawGet(modgate.url, '/metrics', { ca });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="modgate"');
      expect((await rawGet(modgate.url, '/metrics', { ca, headers: basicAuth('dana', DANA_PASSWORD) })).status).toBe(403);
      expect((await rawGet(modgate.url, '/metrics', { ca, headers: bearerAuth(readerToken) })).status).toBe(403);
    });

    it('answers an admin Bearer token as well as admin Basic credentials, with the process metrics', async () => {
      const adminToken = (await post('/api/tokens', { name: 'prometheus', scopes: ['read', 'admin'] })).token;
      const samples = await scrape(bearerAuth(adminToken));
      expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    });

    it('serves the same families on the metrics listener without credentials, and nothing else', async () => {
      const response = await rawGet(metricsUrl, '/metrics');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      const names = new Set(parseExposition(response.body.toString()).map((s) => s.name));
      for (const name of ['modgate_http_requests_total', 'modgate_artifact_cache_requests_total', 'modgate_auth_verifications_total', 'modgate_audit_events_total', 'process_cpu_user_seconds_total']) {
        expect([name, names.has(name)]).toEqual([name, true]);
      }
      for (const path of ['/healthz', '/api/audit/events', '/github.com/fixture/alpha/@v/list', '/admin/', '/']) {
        const other = await rawGet(metricsUrl, path, { headers: ADMIN_AUTH });
        expect([path, other.status]).toEqual([path, 404]);
      }
    });
  });

  // Last: after every kind of request above has left its series.
  describe('label values', () => {
    it('never puts a module path, version, user, token or address in a label value', async () => {
      const response = await rawGet(metricsUrl, '/metrics');
      const values = parseExposition(response.body.toString()).flatMap((s) => Object.values(s.labels));
      const forbidden = ['github.com', 'fixture', PRIVATE, 'v1.0.0', 'v2.0.0', 'v1.1.0', 'dana', 'lena', 'ci-metrics', 'reader-metrics', 'prometheus', '127.0.0.1', ciToken, DANA_PASSWORD];
      const leaks = values.filter((value) => forbidden.some((word) => value.includes(word)));
      expect(leaks).toEqual([]);
      expect(values.length).toBeGreaterThan(50);
    });
  });
});
