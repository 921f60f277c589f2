import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rawGet } from '../http-client.js';
import { basicAuth } from './credentials.js';
import { FIXTURE_MODULES } from './fixture-goproxy.js';
import { commitAll, initRepo, tag, writeFiles } from './git-fixtures.js';
import { goModDownloadJsonAll } from './go.js';
import { LDAP_PEOPLE } from './slapd.js';
import { startStack, type Stack } from './stack.js';

describe('startStack: every part, modgate in front, clients for it', () => {
  let stack: Stack;
  const PRIVATE = 'git.corp.example/acme/widget';

  beforeAll(async () => {
    stack = await startStack({
      name: 'stack-spec',
      database: 'postgres',
      ldap: true,
      s3: true,
      gitHost: true,
      upstream: 'fixture',
      config: ({ gitHost, slapd }) => [
        'origins:',
        '  - pattern: git.corp.example/acme/*',
        `    url: ${gitHost!.url}/acme/{repo}.git`,
        'auth:',
        '  ldap:',
        `    url: ${slapd!.url}`,
        `    searchBase: ${LDAP_PEOPLE}`,
      ],
      env: { MODGATE_LIST_TTL_SECONDS: '0' },
    });
    const repo = join(stack.reposRoot, 'acme', 'widget.git');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${PRIVATE}\n\ngo 1.19\n`, 'widget.go': 'package widget\n' });
    await commitAll(repo, 'v1.0.0');
    await tag(repo, 'v1.0.0');
  }, 300_000);

  afterAll(() => stack?.stop());

  it('starts modgate over HTTPS on Postgres and S3, with the config file and the fixture upstream', () => {
    expect(stack.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.env).toMatchObject({
      DATABASE_URL: stack.databaseUrl,
      MODGATE_STORAGE: 's3',
      MODGATE_S3_ENDPOINT: stack.s3Endpoint,
      MODGATE_CONFIG: stack.configPath,
      MODGATE_UPSTREAM: stack.upstream!.url,
    });
  });

  it('its go runner downloads a public and a private module through modgate with the admin .netrc', async () => {
    const results = await goModDownloadJsonAll([`${FIXTURE_MODULES.alpha}@v1.1.0`, `${PRIVATE}@v1.0.0`], stack.goEnv({ modcache: 'download' }));
    expect(results.map((r) => [r.Path, r.Version, r.Error])).toEqual([
      [FIXTURE_MODULES.alpha, 'v1.1.0', undefined],
      [PRIVATE, 'v1.0.0', undefined],
    ]);
    expect(results[0]?.Sum).toBe(stack.fixture!.modules.find((m) => m.path === FIXTURE_MODULES.alpha && m.version === 'v1.1.0')?.sum);
    const listed = await stack.go(['list', '-m', '-versions', FIXTURE_MODULES.alpha]);
    expect(listed.stdout.trim()).toBe(`${FIXTURE_MODULES.alpha} v1.0.0 v1.1.0 v1.2.0-rc.1`);
  });

  it('its admin client speaks JSON as the bootstrap admin', async () => {
    const put = await stack.admin.put('/api/users/dana', { password: 'dana-stack-password', groups: ['developers'] });
    expect(put.status).toBe(200);
    const created = await stack.admin.post('/api/tokens', { name: 'stack-spec', scopes: ['read'] });
    expect(created.status).toBe(201);
    expect(created.json<{ token: string }>().token).toEqual(expect.any(String));
    const refused = await stack.admin.request('GET', '/api/users', undefined, basicAuth('admin', 'wrong'));
    expect(refused.status).toBe(401);
  });

  it('a second modgate on the same Postgres and S3 sees the same users (a replica)', async () => {
    const replica = await stack.startModgate('replica');
    expect(replica.url).not.toBe(stack.url);
    const list = await rawGet(replica.url, `/${FIXTURE_MODULES.alpha}/@v/list`, { ca: stack.ca, headers: basicAuth('dana', 'dana-stack-password') });
    expect(list.status).not.toBe(401);
    const stranger = await rawGet(replica.url, `/${FIXTURE_MODULES.alpha}/@v/list`, { ca: stack.ca, headers: basicAuth('nobody', 'dana-stack-password') });
    expect(stranger.status).toBe(401);
    expect(await stack.writeNetrc('dana', 'dana-stack-password')).toBe(join(stack.dir, 'netrc-dana'));
    expect(await readFile(join(stack.dir, 'netrc-dana'), 'utf8')).toBe('machine 127.0.0.1 login dana password dana-stack-password\n');
  });

  it('stop() ends every process and removes the directory', async () => {
    const { dir, url, ca } = stack;
    await stack.stop();
    await expect(rawGet(url, '/healthz', { ca })).rejects.toThrow();
    await expect(access(dir)).rejects.toThrow();
  });
});

describe('startStack: the defaults', () => {
  it('is the embedded database (no DATABASE_URL) over HTTPS with no upstream, and stops cleanly', async () => {
    const stack = await startStack({ name: 'stack-defaults' });
    try {
      expect(stack.env).toMatchObject({ MODGATE_UPSTREAM: 'off', MODGATE_SUMDB: 'off' });
      expect(stack.env.DATABASE_URL).toBeUndefined();
      expect(stack.env.MODGATE_STORAGE).toBeUndefined();
      expect((await rawGet(stack.url, '/healthz', { ca: stack.ca })).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
