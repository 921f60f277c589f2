import { createHmac } from 'node:crypto';
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  ADMIN_AUTH,
  REPO_ROOT,
  basicAuth,
  commitAll,
  execFileText,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  revParse,
  runGo,
  startModgate,
  startStack,
  tag,
  writeFiles,
  type GitHttpServer,
  type ModgateProcess,
  type Stack,
  type TestCa,
} from './support/index.js';
import { rawGet, rawPost, rawRequest } from './http-client.js';
import { giteaPush, githubPush, gitlabTagPush } from './webhook-payloads.js';

const MODULE = 'git.corp.example/acme/hooks';
const REPO_URL = 'https://git.corp.example/acme/hooks';
const SECRET = 'webhook-secret-e2e';

/**
 * Webhook-driven sync: a fixture git host, modgate on a real Postgres, signed GitHub, GitLab and
 * Gitea deliveries, and the real go command over HTTPS.
 */
describe('webhook-driven sync of private repositories', () => {
  let stack: Stack;
  let dir: string;
  let repo: string;
  let gitHost: GitHttpServer;
  let databaseUrl: string;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let modgateEnv: Record<string, string>;
  let goHome: string;
  let delivery = 0;
  let tagDay = 1;

  let netrc: string;
  let cliToken: string;
  const env = (modcache: string) => goEnv({ home: goHome, goproxy: modgate.url, gomodcache: join(dir, modcache), caCert: tls.caCertPath, gonosumdb: 'git.corp.example', netrc });
  // A fetch posts to git-upload-pack; the poller's ls-remote only reads the refs advertisement.
  const fetchesFromGitHost = () => gitHost.requests.filter((request) => request.startsWith('POST ')).length;
  const storedKinds = async (version: string): Promise<string[]> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ kind: string }>('SELECT kind FROM artifact WHERE module_path = $1 AND version = $2 ORDER BY kind', [MODULE, version]);
      return rows.map((row) => row.kind);
    } finally {
      await client.end();
    }
  };
  const listed = async () => (await rawGet(modgate.url, `/${MODULE}/@v/list`, { ca, headers: ADMIN_AUTH })).body.toString().split('\n').filter(Boolean);

  /** Commits and tags a new version in the origin repository; returns the commit. */
  const pushTag = async (version: string) => {
    await writeFiles(repo, { 'hooks.go': `package hooks\n\nconst Version = "${version}"\n` });
    const day = String(tagDay++).padStart(2, '0');
    await commitAll(repo, version, `2024-05-${day}T10:00:00Z`);
    await tag(repo, version);
    return revParse(repo, 'HEAD');
  };

  const deliver = (provider: 'github' | 'gitlab' | 'gitea', payload: object, opts: { id?: string; secret?: string; formEncoded?: boolean } = {}) => {
    const json = JSON.stringify(payload);
    const body = Buffer.from(opts.formEncoded ? `payload=${encodeURIComponent(json)}` : json);
    const id = opts.id ?? `delivery-${++delivery}`;
    const hmac = createHmac('sha256', opts.secret ?? SECRET).update(body).digest('hex');
    const headers: Record<string, string> =
      provider === 'github'
        ? { 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${hmac}` }
        : provider === 'gitea'
          ? { 'x-gitea-event': 'push', 'x-gitea-delivery': id, 'x-gitea-signature': hmac }
          : { 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-event-uuid': id, 'x-gitlab-token': opts.secret ?? SECRET };
    if (opts.formEncoded) headers['content-type'] = 'application/x-www-form-urlencoded';
    return rawPost(modgate.url, `/webhooks/${provider}`, body, { ca, headers });
  };

  /** Polls the list until it holds `version`; resolves with the milliseconds it took. */
  const waitListed = async (version: string, timeoutMs: number) => {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if ((await listed()).includes(version)) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${version} not listed within ${timeoutMs} ms: ${(await listed()).join(' ')}`);
  };

  const start = async (env: Record<string, string> = {}) => startModgate({ env: { ...modgateEnv, ...env }, caCert: tls.caCertPath });

  beforeAll(async () => {
    stack = await startStack({
      name: 'sync-e2e',
      database: 'postgres',
      gitHost: true,
      config: ({ gitHost }) => ['webhookSecret: { env: MODGATE_TEST_WEBHOOK_SECRET }', 'origins:', '  - pattern: git.corp.example/acme/*', `    url: ${gitHost!.url}/acme/{repo}.git`],
      env: {
        MODGATE_WEBHOOK_MAX_BYTES: '65536',
        // The poller must not find the tags the webhook tests push (the polling test restarts with 1 s).
        MODGATE_POLL_INTERVAL_SECONDS: '3600',
        MODGATE_TEST_WEBHOOK_SECRET: SECRET,
      },
    });
    ({ dir, modgate, netrc, env: modgateEnv } = stack);
    [gitHost, databaseUrl, tls, ca] = [stack.gitHost!, stack.databaseUrl!, stack.tls!, stack.ca!];
    goHome = join(dir, 'gohome');
    repo = join(stack.reposRoot, 'acme', 'hooks.git');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${MODULE}\n\ngo 1.19\n` });
    for (let i = 0; i < 20; i++) await pushTag(`v1.0.${i}`);
    const created = await rawRequest('POST', modgate.url, '/api/tokens', { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify({ name: 'cli', scopes: ['admin'] })) });
    cliToken = (JSON.parse(created.body.toString()) as { token: string }).token;
    // First use: modgate mirrors the repository and from then on knows it.
    expect(await listed()).toHaveLength(20);
  });

  afterAll(async () => {
    // A restarted modgate is the spec's own.
    await modgate?.stop();
    await stack?.stop();
  });

  it('lists a pushed tag after a signed GitHub push, built before it is listed, and serves it with no git work', async () => {
    const commit = await pushTag('v1.1.0');
    const answer = await deliver('github', githubPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.1.0', commit));
    expect([answer.status, answer.body.toString()]).toEqual([202, `sync of ${MODULE} queued\n`]);
    // bench/sync.sh measures the latency (target p50 < 1 s); the test checks the order of events.
    await waitListed('v1.1.0', 10_000);
    expect(await storedKinds('v1.1.0')).toEqual(['info', 'mod', 'zip']);
    const versions = await runGo(['list', '-m', '-versions', MODULE], { cwd: goHome, env: env('modcache-1') });
    expect(versions.stdout.trim().split(' ')).toContain('v1.1.0');
    const gitFetches = fetchesFromGitHost();
    const [download] = await goModDownloadJsonAll([`${MODULE}@v1.1.0`], env('modcache-1'));
    expect(download?.Error).toBeUndefined();
    expect(fetchesFromGitHost()).toBe(gitFetches);
  });

  it('changes nothing for a bad signature, a replayed delivery or an oversized body', async () => {
    const commit = await pushTag('v1.1.1');
    const payload = githubPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.1.1', commit);
    const before = fetchesFromGitHost();
    const forged = await deliver('github', payload, { secret: 'guessed' });
    expect([forged.status, forged.body.toString()]).toEqual([401, 'webhook signature does not match\n']);
    const replay = await deliver('github', payload, { id: 'delivery-1' });
    expect(replay.status).toBe(200);
    expect(replay.body.toString()).toMatch(/already received/);
    const huge = await deliver('github', { ...payload, padding: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fetchesFromGitHost()).toBe(before);
    expect(await listed()).not.toContain('v1.1.1');
  });

  it('syncs on GitLab and Gitea push events too', async () => {
    const gitlabCommit = await pushTag('v1.2.0');
    expect((await deliver('gitlab', gitlabTagPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.2.0', gitlabCommit))).status).toBe(202);
    await waitListed('v1.2.0', 10_000);
    const giteaCommit = await pushTag('v1.3.0');
    expect((await deliver('gitea', giteaPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.3.0', giteaCommit))).status).toBe(202);
    await waitListed('v1.3.0', 10_000);
  });

  it('still syncs a delivery received before a restart', async () => {
    const commit = await pushTag('v1.4.0');
    // The git host loses the repository for a while: the job fails and waits for a retry.
    const hidden = `${repo}.hidden`;
    await rename(repo, hidden);
    expect((await deliver('github', githubPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.4.0', commit), { id: 'before-restart' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await modgate.stop()).toBe(0);
    await rename(hidden, repo);
    modgate = await start();
    await waitListed('v1.4.0', 20_000);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // The list is published inside the sync; the job is marked done right after it.
      let rows: Array<{ state: string }> = [];
      for (let i = 0; i < 100; i++) {
        ({ rows } = await client.query(`SELECT state FROM sync_job WHERE delivery_id = 'github:before-restart'`));
        if (rows[0]?.state === 'done') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(rows).toEqual([{ state: 'done' }]);
    } finally {
      await client.end();
    }
  });

  it('syncs on demand with `modgate sync`, following the job to its end', async () => {
    await pushTag('v1.6.0');
    const cli = await execFileText(process.execPath, [join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js'), 'sync', MODULE], {
      env: { PATH: process.env.PATH ?? '', MODGATE_URL: modgate.url, MODGATE_TOKEN: cliToken, NODE_EXTRA_CA_CERTS: tls.caCertPath },
    });
    expect(cli.stdout).toMatch(new RegExp(`^synced ${MODULE} \\(job \\d+\\) in [0-9.]+ s\n$`));
    expect(await listed()).toContain('v1.6.0');
    const refused = await execFileText(process.execPath, [join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js'), 'sync', 'example.com/public/mod'], {
      env: { PATH: process.env.PATH ?? '', MODGATE_URL: modgate.url, MODGATE_TOKEN: cliToken, NODE_EXTRA_CA_CERTS: tls.caCertPath },
      allowFailure: true,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^modgate: POST \/api\/sync: 404 .*not served by a private origin/);
  });

  it("refuses a payload naming a repository URL git would decode into another path, creating no mirror", async () => {
    const mirrors = await readdir(join(dir, 'data', 'git'));
    const forged = githubPush('https://git.corp.example/acme/hooks%2f..%2fother', 'acme/hooks', 'refs/tags/v9.9.9', '1'.repeat(40));
    const answer = await deliver('github', forged);
    expect([answer.status, answer.body.toString()]).toEqual([400, 'modgate: webhook: "git.corp.example/acme/hooks%2f..%2fother" is not a repository path; nothing synced\n']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gitHost.requests.filter((request) => request.includes('other'))).toEqual([]);
    expect(await readdir(join(dir, 'data', 'git'))).toEqual(mirrors);
  });

  it("answers GitHub's default form-encoded delivery 400 with the fix, not 202", async () => {
    const commit = await pushTag('v1.7.0');
    const answer = await deliver('github', githubPush(REPO_URL, 'acme/hooks', 'refs/tags/v1.7.0', commit), { formEncoded: true });
    expect([answer.status, answer.body.toString()]).toEqual([400, 'modgate: webhook: the body is form-encoded (payload=...); set the webhook content type to application/json\n']);
  });

  it('shows a sync job only to those who may sync its repository', async () => {
    const queued = await rawPost(modgate.url, '/api/sync', Buffer.from(JSON.stringify({ target: MODULE })), { ca, headers: ADMIN_AUTH });
    const { job } = JSON.parse(queued.body.toString()) as { job: string };
    expect((await rawGet(modgate.url, `/api/sync/jobs/${job}`, { ca, headers: ADMIN_AUTH })).status).toBe(200);
    const password = 'reader-password-sync-e2e';
    expect((await rawRequest('PUT', modgate.url, '/api/users/reader', { ca, headers: ADMIN_AUTH, body: Buffer.from(JSON.stringify({ password })) })).status).toBe(200);
    const asReader = await rawGet(modgate.url, `/api/sync/jobs/${job}`, { ca, headers: basicAuth('reader', password) });
    expect(asReader.status).toBe(403);
    expect(asReader.body.toString()).not.toContain('acme');
  });

  it('finds a tag pushed without a webhook by polling', async () => {
    expect(await modgate.stop()).toBe(0);
    modgate = await start({ MODGATE_POLL_INTERVAL_SECONDS: '1' });
    await pushTag('v1.5.0');
    await waitListed('v1.5.0', 30_000);
  });
});
