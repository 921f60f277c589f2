import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import S3rver from 's3rver';
import {
  ADMIN_AUTH,
  TEST_ADMIN_PASSWORD,
  buildFixtureGoproxy,
  createTestCa,
  freePort,
  makeTempDir,
  removeDir,
  startModgate,
  startPostgres,
  startStaticServer,
  type FixtureGoproxy,
  type ModgateProcess,
  type StaticServer,
  type TestPostgres,
} from './support/index.js';
import { rawGet, rawPost } from './http-client.js';

/**
 * Production shape: two modgate processes sharing one real Postgres and one S3 API (s3rver), in
 * front of a slow fixture upstream that counts what it is asked.
 */
describe('two replicas on one Postgres and one S3 bucket', () => {
  let dir: string;
  let fixture: FixtureGoproxy;
  let upstream: StaticServer;
  let postgres: TestPostgres;
  let databaseUrl: string;
  let s3: S3rver;
  let ca: Buffer;
  let replicas: ModgateProcess[] = [];
  let caCert: string;
  let replicaEnv: (name: string) => Promise<Record<string, string>>;

  const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
  const hits = (path: string) => upstream.hits.get(path) ?? 0;

  beforeAll(async () => {
    dir = await makeTempDir('modgate-replicas-');
    fixture = await buildFixtureGoproxy(join(dir, 'fixture'));
    upstream = await startStaticServer(fixture.root, { delayMs: 300 });
    postgres = await startPostgres();
    databaseUrl = await postgres.createDatabase('modgate');
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'modules' }] });
    const { port: s3Port } = await s3.run();
    const tls = await createTestCa(join(dir, 'tls'));
    ca = await readFile(tls.caCertPath);
    caCert = tls.caCertPath;
    const env = async (name: string) => ({
      MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
      MODGATE_TLS_CERT: tls.certPath,
      MODGATE_TLS_KEY: tls.keyPath,
      MODGATE_DATA_DIR: join(dir, name),
      DATABASE_URL: databaseUrl,
      MODGATE_STORAGE: 's3',
      MODGATE_S3_BUCKET: 'modules',
      MODGATE_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      MODGATE_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      MODGATE_UPSTREAM: upstream.url,
      MODGATE_SUMDB: 'off',
      MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    });
    replicaEnv = env;
    // Started together: both race to apply the migrations.
    replicas = await Promise.all([
      startModgate({ env: await env('a'), caCert: tls.caCertPath }),
      startModgate({ env: await env('b'), caCert: tls.caCertPath }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await upstream?.stop();
    await s3?.close();
    await postgres?.stop();
    if (dir) await removeDir(dir);
  });

  it('applies each migration once although both replicas started at the same time', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM _modgate_migrations GROUP BY name');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.n === '1')).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('fetches a cold zip once for 50 concurrent requests to one process', async () => {
    const m = fixture.modules.find((x) => x.path === 'github.com/fixture/alpha' && x.version === 'v1.0.0')!;
    const path = `/${m.escapedPath}/@v/${m.version}.zip`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => rawGet(replicas[0]!.url, path, { ca, headers: ADMIN_AUTH })));
    const expected = sha256(await readFile(m.files.zip));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((r) => sha256(r.body)))).toEqual(new Set([expected]));
    expect(hits(path)).toBe(1);
  });

  it('fetches each cold artifact once for 50 concurrent requests spread over two processes', async () => {
    const m = fixture.modules.find((x) => x.path === 'github.com/fixture/alpha' && x.version === 'v1.1.0')!;
    for (const kind of ['info', 'mod', 'zip'] as const) {
      const path = `/${m.escapedPath}/@v/${m.version}.${kind}`;
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => rawGet(replicas[i % 2]!.url, path, { ca, headers: ADMIN_AUTH })));
      const expected = sha256(await readFile(m.files[kind]));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(new Set(responses.map((r) => sha256(r.body)))).toEqual(new Set([expected]));
      expect(hits(path)).toBe(1);
    }
  });

  it('serves what one replica stored from the other, with the upstream stopped', async () => {
    const m = fixture.modules.find((x) => x.path === 'github.com/fixture/nomod' && x.version === 'v1.0.0')!;
    const path = `/${m.escapedPath}/@v/${m.version}.mod`;
    expect((await rawGet(replicas[0]!.url, path, { ca, headers: ADMIN_AUTH })).status).toBe(200);
    upstream.setDown(true);
    try {
      const fromOther = await rawGet(replicas[1]!.url, path, { ca, headers: ADMIN_AUTH });
      expect(fromOther.body.toString()).toBe('module github.com/fixture/nomod\n');
      expect(hits(path)).toBe(1);
    } finally {
      upstream.setDown(false);
    }
  });

  it('runs several worker processes on one listener with MODGATE_WORKERS', async () => {
    const env = await replicaEnv('c');
    const pooled = await startModgate({ env: { ...env, MODGATE_WORKERS: '2' }, caCert });
    try {
      const m = fixture.modules.find((x) => x.path === 'github.com/fixture/alpha' && x.version === 'v1.0.0')!;
      const headers = { ...ADMIN_AUTH, 'user-agent': 'modgate-workers-e2e' };
      const responses = await Promise.all(Array.from({ length: 20 }, () => rawGet(pooled.url, `/${m.escapedPath}/@v/${m.version}.mod`, { ca, headers })));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      // Every pull was audited before it was answered, through the primary's one writer.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM audit_event WHERE user_agent = 'modgate-workers-e2e' AND status = 200");
        expect(Number(rows[0]!.n)).toBe(20);
      } finally {
        await client.end();
      }
      const verified = await rawPost(pooled.url, '/api/audit/verify', Buffer.from('{}'), { ca, headers: { ...ADMIN_AUTH, 'content-type': 'application/json' } });
      expect(JSON.parse(verified.body.toString())).toMatchObject({ ok: true });
      // The primary prints the banner once every worker listens: possibly after the first answered.
      await pooled.waitForOutput(/modgate is serving on/);
      expect(pooled.stdout().match(/modgate is serving on/g)).toHaveLength(1);
    } finally {
      expect(await pooled.stop()).toBe(0);
    }
  });

  it('finishes an in-flight download on SIGTERM, then exits cleanly', async () => {
    const m = fixture.modules.find((x) => x.path === 'github.com/fixture/beta/v2' && x.version === 'v2.1.0')!;
    const path = `/${m.escapedPath}/@v/${m.version}.zip`;
    const replica = replicas.pop()!;
    const download = rawGet(replica.url, path, { ca, headers: ADMIN_AUTH });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the upstream answers after 300 ms
    const exit = replica.stop('SIGTERM');
    const response = await download;
    expect(response.status).toBe(200);
    expect(sha256(response.body)).toBe(sha256(await readFile(m.files.zip)));
    expect(await exit).toBe(0);
  });
});
