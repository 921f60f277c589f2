import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('has embedded defaults with no settings at all', () => {
    const config = loadConfig({}, '/srv/modgate');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.tls).toBeUndefined();
    expect(config.database).toEqual({ kind: 'embedded-postgres', dir: '/srv/modgate/data/postgres', statementTimeoutMs: 10_000 });
    expect(config.storage).toEqual({ driver: 'fs', root: '/srv/modgate/data/blobs' });
    expect(config.upstream).toEqual([{ url: 'https://proxy.golang.org', fallThroughOnAnyError: false }]);
    expect(config.sumdb).toEqual([{ name: 'sum.golang.org', url: 'https://sum.golang.org' }]);
  });

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        MODGATE_LISTEN: '0.0.0.0:8443',
        MODGATE_TLS_CERT: 'tls/cert.pem',
        MODGATE_TLS_KEY: '/etc/modgate/key.pem',
        MODGATE_DATA_DIR: '/var/lib/modgate',
        DATABASE_URL: 'postgres://modgate@db/modgate',
        MODGATE_DB_STATEMENT_TIMEOUT_MS: '2500',
        MODGATE_STORAGE: 's3',
        MODGATE_S3_BUCKET: 'modules',
        MODGATE_S3_ENDPOINT: 'http://127.0.0.1:9000',
        MODGATE_S3_REGION: 'eu-west-1',
        MODGATE_S3_FORCE_PATH_STYLE: 'true',
        MODGATE_UPSTREAM: 'https://a.example|https://b.example',
        MODGATE_SUMDB: 'sum.golang.org, sum.corp.example https://sumdb.corp.example/',
      },
      '/srv',
    );
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(config.tls).toEqual({ certFile: '/srv/tls/cert.pem', keyFile: '/etc/modgate/key.pem' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://modgate@db/modgate', statementTimeoutMs: 2500 });
    expect(config.storage).toEqual({ driver: 's3', bucket: 'modules', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: true });
    expect(config.upstream.map((e) => e.fallThroughOnAnyError)).toEqual([true, false]);
    expect(config.sumdb).toEqual([
      { name: 'sum.golang.org', url: 'https://sum.golang.org' },
      { name: 'sum.corp.example', url: 'https://sumdb.corp.example' },
    ]);
  });

  it('reads hot refresh and eviction, off by default', () => {
    expect(loadConfig({}, '/srv').cache).toMatchObject({ hotRefreshDays: 0, hotRefreshConcurrency: 4, evictUnpulledDays: 0 });
    const config = loadConfig({ MODGATE_HOT_REFRESH_DAYS: '7', MODGATE_HOT_REFRESH_CONCURRENCY: '8', MODGATE_EVICT_UNPULLED_DAYS: '180' }, '/srv');
    expect(config.cache).toMatchObject({ hotRefreshDays: 7, hotRefreshConcurrency: 8, evictUnpulledDays: 180 });
    expect(() => loadConfig({ MODGATE_HOT_REFRESH_CONCURRENCY: '0' }, '/srv')).toThrow(/MODGATE_HOT_REFRESH_CONCURRENCY/);
  });

  it('turns the upstream and sumdb off', () => {
    const config = loadConfig({ MODGATE_UPSTREAM: 'off', MODGATE_SUMDB: 'off' });
    expect(config.upstream).toEqual([]);
    expect(config.sumdb).toEqual([]);
  });

  it('reads a YAML file and lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    const file = join(dir, 'modgate.yaml');
    writeFileSync(file, 'listen: 127.0.0.1:9000\nupstream: https://yaml.example\nlistTtlSeconds: 5\n');
    const config = loadConfig({ MODGATE_CONFIG: file, MODGATE_LISTEN: '127.0.0.1:9001' });
    expect(config.listen.port).toBe(9001);
    expect(config.upstream[0]!.url).toBe('https://yaml.example');
    expect(config.cache.listTtlSeconds).toBe(5);
  });

  it('reads the git fetch interval and the not-found TTL from env or YAML, with short defaults', () => {
    expect(loadConfig({}).git.fetchIntervalSeconds).toBe(10);
    expect(loadConfig({}).cache.notFoundTtlSeconds).toBe(30);
    const env = loadConfig({ MODGATE_GIT_FETCH_INTERVAL_SECONDS: '0', MODGATE_NOT_FOUND_TTL_SECONDS: '5' });
    expect([env.git.fetchIntervalSeconds, env.cache.notFoundTtlSeconds]).toEqual([0, 5]);
    const dir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    const file = join(dir, 'modgate.yaml');
    writeFileSync(file, 'gitFetchIntervalSeconds: 3\nnotFoundTtlSeconds: 7\n');
    const yaml = loadConfig({ MODGATE_CONFIG: file });
    expect([yaml.git.fetchIntervalSeconds, yaml.cache.notFoundTtlSeconds]).toEqual([3, 7]);
  });

  it('reads the metrics listener; none by default', () => {
    expect(loadConfig({}).metrics.listen).toBeUndefined();
    expect(loadConfig({ MODGATE_METRICS_LISTEN: '0.0.0.0:9464' }).metrics.listen).toEqual({ host: '0.0.0.0', port: 9464 });
  });

  const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['listen without port', { MODGATE_LISTEN: 'localhost' }, /MODGATE_LISTEN: expected host:port/],
    ['port out of range', { MODGATE_LISTEN: '127.0.0.1:70000' }, /MODGATE_LISTEN/],
    ['cert without key', { MODGATE_TLS_CERT: 'c.pem' }, /MODGATE_TLS_KEY|tlsKey/],
    ['mysql url', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    ['unknown storage', { MODGATE_STORAGE: 'gcs' }, /MODGATE_STORAGE/],
    ['negative not-found TTL', { MODGATE_NOT_FOUND_TTL_SECONDS: '-1' }, /MODGATE_NOT_FOUND_TTL_SECONDS/],
    ['fetch interval over an hour', { MODGATE_GIT_FETCH_INTERVAL_SECONDS: '3601' }, /MODGATE_GIT_FETCH_INTERVAL_SECONDS/],
    ['s3 without bucket', { MODGATE_STORAGE: 's3' }, /s3Bucket|MODGATE_S3_BUCKET/],
    ['upstream direct', { MODGATE_UPSTREAM: 'direct' }, /MODGATE_UPSTREAM: "direct" is not an upstream/],
    ['bad sumdb', { MODGATE_SUMDB: 'sum.golang.org ftp://x' }, /MODGATE_SUMDB/],
    ['workers on PGlite', { MODGATE_WORKERS: '2', MODGATE_EMBEDDED_DB: 'pglite' }, /MODGATE_WORKERS: more than one worker needs Postgres .*MODGATE_EMBEDDED_DB=pglite/],
    ['unknown embedded database', { MODGATE_EMBEDDED_DB: 'sqlite' }, /MODGATE_EMBEDDED_DB/],
    ['missing yaml', { MODGATE_CONFIG: '/nonexistent/modgate.yaml' }, /MODGATE_CONFIG: cannot read/],
    ['metrics listener without port', { MODGATE_METRICS_LISTEN: '0.0.0.0' }, /MODGATE_METRICS_LISTEN: expected host:port/],
    ['metrics listener on the main socket', { MODGATE_LISTEN: '127.0.0.1:9000', MODGATE_METRICS_LISTEN: '0.0.0.0:9000' }, /MODGATE_METRICS_LISTEN: must differ from the main listener/],
  ];
  it.each(bad)('stops on %s, naming the setting', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses unknown keys in the YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    const file = join(dir, 'modgate.yaml');
    writeFileSync(file, 'lisen: 127.0.0.1:9000\n');
    expect(() => loadConfig({ MODGATE_CONFIG: file })).toThrow(/lisen|Unrecognized/);
  });
});

describe('loadConfig: the embedded database', () => {
  /** A data dir whose `db/` holds what PGlite (like any Postgres) writes first: PG_VERSION. */
  const dataDirWithPglite = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    mkdirSync(join(dataDir, 'db'));
    writeFileSync(join(dataDir, 'db', 'PG_VERSION'), '18\n');
    return dataDir;
  };

  it('is a Postgres server in <data dir>/postgres for a new data dir, and allows several workers', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    const config = loadConfig({ MODGATE_DATA_DIR: dataDir, MODGATE_WORKERS: '2' });
    expect(config.database).toEqual({ kind: 'embedded-postgres', dir: join(dataDir, 'postgres'), statementTimeoutMs: 10_000 });
    expect(config.workers).toBe(2);
  });

  it('stays PGlite for a data dir that already holds PGlite data', () => {
    const dataDir = dataDirWithPglite();
    expect(loadConfig({ MODGATE_DATA_DIR: dataDir }).database).toEqual({ kind: 'pglite', dir: join(dataDir, 'db'), existingData: true, statementTimeoutMs: 10_000 });
  });

  it('refuses several workers on existing PGlite data, naming the directory', () => {
    const dataDir = dataDirWithPglite();
    expect(() => loadConfig({ MODGATE_DATA_DIR: dataDir, MODGATE_WORKERS: '2' })).toThrow(`MODGATE_WORKERS: more than one worker needs Postgres (DATABASE_URL or the embedded Postgres); ${join(dataDir, 'db')} holds PGlite data`);
  });

  it('follows MODGATE_EMBEDDED_DB both ways, naming PGlite data that Postgres leaves unused', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    expect(loadConfig({ MODGATE_DATA_DIR: fresh, MODGATE_EMBEDDED_DB: 'pglite' }).database).toEqual({ kind: 'pglite', dir: join(fresh, 'db'), statementTimeoutMs: 10_000 });
    const old = dataDirWithPglite();
    expect(loadConfig({ MODGATE_DATA_DIR: old, MODGATE_EMBEDDED_DB: 'postgres' }).database).toEqual({
      kind: 'embedded-postgres',
      dir: join(old, 'postgres'),
      unusedPgliteDir: join(old, 'db'),
      statementTimeoutMs: 10_000,
    });
  });

  it('is not used with DATABASE_URL, whatever the data dir holds', () => {
    const config = loadConfig({ MODGATE_DATA_DIR: dataDirWithPglite(), DATABASE_URL: 'postgres://db/modgate' });
    expect(config.database.kind).toBe('postgres');
  });
});

describe('loadConfig: authentication and policy settings', () => {
  const yaml = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'modgate-config-'));
    const file = join(dir, 'modgate.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('requires credentials by default (anonymous pulls aside), with a 5-minute verification cache and no LDAP', () => {
    const config = loadConfig({});
    expect(config.auth).toMatchObject({ mode: 'on', anonymousPulls: true, cacheTtlSeconds: 300, ldap: undefined, jwtSecret: undefined });
    expect(config.auth.throttle).toEqual({ userMaxFailures: 5, ipMaxFailures: 30, windowSeconds: 900, baseDelaySeconds: 1, maxDelaySeconds: 900 });
    expect(config.policies).toEqual({ roles: {}, bindings: [], deny: [] });
  });

  it('serves anonymous pulls on the try-out defaults only: loopback, no TLS, no config file, embedded database, MODGATE_AUTH unset', () => {
    expect(loadConfig({ MODGATE_LISTEN: '127.0.0.1:9999', MODGATE_DATA_DIR: '/tmp/x', MODGATE_UPSTREAM: 'http://127.0.0.1:1' }).auth.anonymousPulls).toBe(true);
    expect(loadConfig({ MODGATE_LISTEN: '[::1]:8080' }).auth.anonymousPulls).toBe(true);
  });

  it.each([
    ['MODGATE_AUTH=on', { MODGATE_AUTH: 'on' }],
    ['MODGATE_AUTH=off (its own mode)', { MODGATE_AUTH: 'off' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://db/modgate' }],
    ['TLS', { MODGATE_TLS_CERT: 'c.pem', MODGATE_TLS_KEY: 'k.pem' }],
    ['a wildcard listener', { MODGATE_LISTEN: '0.0.0.0:8080' }],
    ['a non-loopback address', { MODGATE_LISTEN: '10.1.2.3:8080' }],
    ['trusted proxies', { MODGATE_TRUSTED_PROXIES: '127.0.0.1' }],
    ['S3 storage', { MODGATE_STORAGE: 's3', MODGATE_S3_BUCKET: 'b' }],
  ])('requires credentials for pulls with %s', (_sign, env: Record<string, string>) => {
    expect(loadConfig(env).auth.anonymousPulls).toBe(false);
  });

  it('requires credentials for pulls with a config file, even an empty one', () => {
    expect(loadConfig({ MODGATE_CONFIG: yaml('') }).auth.anonymousPulls).toBe(false);
  });

  it('accepts MODGATE_AUTH=off on a loopback listener without TLS only', () => {
    expect(loadConfig({ MODGATE_AUTH: 'off' }).auth.mode).toBe('off');
    expect(loadConfig({ MODGATE_AUTH: 'off', MODGATE_LISTEN: '[::1]:8080' }).auth.mode).toBe('off');
    expect(() => loadConfig({ MODGATE_AUTH: 'off', MODGATE_LISTEN: '0.0.0.0:8080' })).toThrow(/MODGATE_AUTH: off is accepted only on a loopback listener without TLS \(listening on 0\.0\.0\.0\)/);
    expect(() => loadConfig({ MODGATE_AUTH: 'off', MODGATE_TLS_CERT: 'c.pem', MODGATE_TLS_KEY: 'k.pem' })).toThrow(/MODGATE_AUTH: .*with TLS/);
  });

  it('reads the tokens secret and the bootstrap admin password, and never echoes a bad secret', () => {
    const config = loadConfig({ MODGATE_JWT_SECRET: 'x'.repeat(40), MODGATE_INITIAL_ADMIN_PASSWORD: 'initial-admin-pw' });
    expect(config.auth.jwtSecret).toBe('x'.repeat(40));
    expect(config.auth.initialAdminPassword).toBe('initial-admin-pw');
    let message = '';
    try {
      loadConfig({ MODGATE_JWT_SECRET: 'short-secret-value' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/MODGATE_JWT_SECRET: must be at least 32 characters/);
    expect(message).not.toContain('short-secret-value');
  });

  it('reads the LDAP block with its defaults', () => {
    const config = loadConfig({
      MODGATE_CONFIG: yaml('auth:\n  cacheTtlSeconds: 60\n  ldap:\n    url: ldaps://ldap.corp.example\n    searchBase: ou=people,dc=corp\n    bindDn: cn=modgate,dc=corp\n    bindCredentials: { env: LDAP_PW }\n'),
    });
    expect(config.auth.cacheTtlSeconds).toBe(60);
    expect(config.auth.ldap).toEqual({
      url: 'ldaps://ldap.corp.example',
      searchBase: 'ou=people,dc=corp',
      searchFilter: '(uid={{username}})',
      bindDn: 'cn=modgate,dc=corp',
      bindCredentials: { env: 'LDAP_PW' },
      usernameAttribute: 'uid',
      groupSearchFilter: '(member={{dn}})',
      groupNameAttribute: 'cn',
      timeoutSeconds: 5,
    });
    expect(loadConfig({ MODGATE_CONFIG: yaml('auth:\n  ldap:\n    enabled: false\n') }).auth.ldap).toBeUndefined();
  });

  const badYaml: Array<[string, string, RegExp]> = [
    ['LDAP without a URL', 'auth:\n  ldap:\n    searchBase: ou=p\n', /auth\.ldap\.url \(in .*\): required when LDAP is enabled/],
    ['LDAP without search base or DN template', 'auth:\n  ldap:\n    url: ldap://x\n', /auth\.ldap\.searchBase \(in .*\): required when LDAP is enabled \(or set userDnTemplate\)/],
    ['a DN template without the user name', 'auth:\n  ldap:\n    url: ldap://x\n    userDnTemplate: uid=x,ou=p\n', /auth\.ldap\.userDnTemplate .*must contain \{\{username\}\}/],
    ['a service account without its password', 'auth:\n  ldap:\n    url: ldap://x\n    searchBase: ou=p\n    bindDn: cn=svc\n', /auth\.ldap\.bindCredentials .*set both bindDn and bindCredentials/],
    ['an LDAP URL that is not LDAP', 'auth:\n  ldap:\n    url: http://x\n    searchBase: ou=p\n', /auth\.ldap\.url .*ldap:\/\/host/],
    ['an unknown auth key', 'auth:\n  ttl: 5\n', /auth .*ttl/],
    ['a bad policy subject', 'policies:\n  bindings:\n    - subjects: [alice]\n      role: reader\n', /policies\.bindings\[0\]\.subjects\[0\] \(in .*\): must be user:<name>/],
    ['a multi-line deny reason', 'policies:\n  deny:\n    - name: p\n      rules:\n        - module: x.example/y\n          reason: "a\\nb"\n', /policies\.deny\[0\]\.rules\[0\]\.reason .*one line/],
  ];
  it.each(badYaml)('stops on %s, naming the setting', (_name, text, message) => {
    expect(() => loadConfig({ MODGATE_CONFIG: yaml(text) })).toThrow(message);
  });
});
