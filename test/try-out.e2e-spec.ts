import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  FIXTURE_MODULES,
  createTestCa,
  execFileText,
  freePort,
  goEnv,
  goModDownloadJson,
  startModgate,
  startPostgres,
  startStack,
  type FixtureGoproxy,
  type ModgateProcess,
  type Stack,
  type TestPostgres,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';

const ALPHA = FIXTURE_MODULES.alpha;

interface AuditEvent {
  principalKind: string;
  principalName: string | null;
  ip: string;
  status: number;
  artifact: string;
}

/**
 * The README's first command: `npm start` with no setting at all (a fresh data dir, the embedded
 * database, loopback, no TLS, no config file). The go command works with the lines the banner
 * prints, pulls are audited as the anonymous local user, the admin API still needs the admin's
 * credentials; and every sign of a real deployment takes anonymous pulls away again.
 */
describe('the try-out defaults: the banner lines are all the go command needs', () => {
  let stack: Stack;
  let dir: string;
  let fixture: FixtureGoproxy;
  let modgate: ModgateProcess | undefined;
  let tryOutEnv: Record<string, string>;

  const pullPath = `/${ALPHA}/@v/list`;

  beforeAll(async () => {
    // What a newcomer has: nothing but a free port here (the default 8080 may be taken) and a
    // fixture upstream instead of the internet (MODGATE_SUMDB=off: no public checksum database offline).
    // As on a terminal: the banner as plain lines.
    stack = await startStack({ name: 'try-out', tls: false, upstream: 'fixture', env: { MODGATE_LOG_FORMAT: 'pretty' } });
    ({ dir, modgate, env: tryOutEnv } = stack);
    fixture = stack.fixture!;
    await modgate.waitForOutput(/go env -w GOPROXY=/);
  });

  afterAll(() => stack?.stop());

  it('pasted verbatim, the banner lines make the real go command download a module, audited as anonymous from 127.0.0.1', async () => {
    const banner = modgate!.stdout();
    const goLines = banner.split('\n').filter((line) => /^ {2}go env -w /.test(line)).map((line) => line.trim());
    expect(goLines[0]).toBe(`go env -w GOPROXY=${modgate!.url}`);
    expect(banner).not.toMatch(/GONOSUMDB=\s*$/m);
    expect(banner).toContain('Module pulls need no credentials');
    expect(banner).toContain(`  database: embedded Postgres in ${join(dir, 'data', 'postgres')}\n`);
    expect(banner).toContain(`The admin API and ${modgate!.url}/admin need the admin user's credentials`);

    const home = join(dir, 'gohome');
    // A clean machine: no GOPROXY or GOSUMDB in the environment, only what `go env -w` writes.
    const env = goEnv({ home, goproxy: '', extra: { GOPROXY: undefined, GOSUMDB: undefined } });
    for (const line of goLines) await execFileText('bash', ['-c', line], { cwd: dir, env });
    expect((await execFileText('go', ['env', 'GOPROXY'], { cwd: dir, env })).stdout.trim()).toBe(modgate!.url);

    const download = await goModDownloadJson(`${ALPHA}@v1.1.0`, env);
    expect(download.Error).toBeUndefined();
    expect(download.Sum).toBe(fixture.modules.find((m) => m.path === ALPHA && m.version === 'v1.1.0')!.sum);

    const audit = await rawGet(modgate!.url, `/api/audit/events?module=${ALPHA}&version=v1.1.0&action=goproxy.zip`, { headers: ADMIN_AUTH });
    expect(audit.status).toBe(200);
    const [zip] = (JSON.parse(audit.body.toString()) as { events: AuditEvent[] }).events;
    expect(zip).toMatchObject({ principalKind: 'anonymous', principalName: 'anonymous', ip: '127.0.0.1', status: 200, artifact: 'zip' });
  });

  it('keeps the admin API behind credentials: 401 without, 200 with the admin password', async () => {
    for (const path of ['/api/audit/events', '/api/whoami', '/api/tokens', '/api/users', '/metrics']) {
      expect([path, (await rawGet(modgate!.url, path)).status]).toEqual([path, 401]);
    }
    const token = await rawRequest('POST', modgate!.url, '/api/tokens', { body: Buffer.from(JSON.stringify({ name: 'anon' })) });
    expect(token.status).toBe(401);
    expect((await rawGet(modgate!.url, '/api/whoami', { headers: ADMIN_AUTH })).status).toBe(200);
  });

  it('refuses anonymous pulls relayed by a proxy (forwarding headers, a public Host name)', async () => {
    expect((await rawGet(modgate!.url, pullPath)).status).toBe(200);
    const relayed: Array<Record<string, string>> = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9;proto=https' }, { 'x-forwarded-proto': 'https' }, { host: 'modgate.corp.example' }];
    for (const headers of relayed) {
      const response = await rawGet(modgate!.url, pullPath, { headers });
      expect([headers, response.status]).toEqual([headers, 401]);
    }
  });

  it('wrong credentials are still 401, not anonymous', async () => {
    expect((await rawGet(modgate!.url, pullPath, { headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })).status).toBe(401);
  });

  describe('any sign of a real deployment requires credentials for pulls too', () => {
    let postgres: TestPostgres | undefined;

    beforeAll(async () => {
      await modgate?.stop();
      modgate = undefined;
    });

    afterAll(async () => {
      await postgres?.stop();
    });

    const refusesAnonymousPulls = async (extra: Record<string, string>, caCert?: string) => {
      const server = await startModgate({ env: { ...tryOutEnv, ...extra }, caCert });
      try {
        await server.waitForOutput(/Every request needs credentials/);
        const ca = caCert ? await readFile(caCert) : undefined;
        const response = await rawGet(server.url, pullPath, { ca });
        expect([response.status, response.headers['www-authenticate']]).toEqual([401, 'Basic realm="modgate"']);
        expect((await rawGet(server.url, pullPath, { ca, headers: ADMIN_AUTH })).status).toBe(200);
      } finally {
        await server.stop();
      }
    };

    it('TLS', async () => {
      const tls = await createTestCa(join(dir, 'tls'));
      await refusesAnonymousPulls({ MODGATE_TLS_CERT: tls.certPath, MODGATE_TLS_KEY: tls.keyPath }, tls.caCertPath);
    });

    it('a listener on every address', async () => {
      await refusesAnonymousPulls({ MODGATE_LISTEN: `0.0.0.0:${await freePort()}` });
    });

    it('a config file', async () => {
      const file = join(dir, 'modgate.yaml');
      await writeFile(file, 'listTtlSeconds: 60\n');
      await refusesAnonymousPulls({ MODGATE_CONFIG: file });
    });

    it('MODGATE_AUTH=on', async () => {
      await refusesAnonymousPulls({ MODGATE_AUTH: 'on' });
    });

    it('DATABASE_URL', async () => {
      postgres = await startPostgres();
      await refusesAnonymousPulls({ DATABASE_URL: await postgres.createDatabase('modgate') });
    });
  });
});
