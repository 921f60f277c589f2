import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('has embedded defaults with no settings at all', () => {
    const config = loadConfig({}, '/srv/modgate');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.tls).toBeUndefined();
    expect(config.database).toEqual({ kind: 'pglite', dir: '/srv/modgate/data/db' });
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
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://modgate@db/modgate' });
    expect(config.storage).toEqual({ driver: 's3', bucket: 'modules', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: true });
    expect(config.upstream.map((e) => e.fallThroughOnAnyError)).toEqual([true, false]);
    expect(config.sumdb).toEqual([
      { name: 'sum.golang.org', url: 'https://sum.golang.org' },
      { name: 'sum.corp.example', url: 'https://sumdb.corp.example' },
    ]);
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

  const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['listen without port', { MODGATE_LISTEN: 'localhost' }, /MODGATE_LISTEN: expected host:port/],
    ['port out of range', { MODGATE_LISTEN: '127.0.0.1:70000' }, /MODGATE_LISTEN/],
    ['cert without key', { MODGATE_TLS_CERT: 'c.pem' }, /MODGATE_TLS_KEY|tlsKey/],
    ['mysql url', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    ['unknown storage', { MODGATE_STORAGE: 'gcs' }, /MODGATE_STORAGE/],
    ['s3 without bucket', { MODGATE_STORAGE: 's3' }, /s3Bucket|MODGATE_S3_BUCKET/],
    ['upstream direct', { MODGATE_UPSTREAM: 'direct' }, /MODGATE_UPSTREAM: "direct" is not an upstream/],
    ['bad sumdb', { MODGATE_SUMDB: 'sum.golang.org ftp://x' }, /MODGATE_SUMDB/],
    ['workers without Postgres', { MODGATE_WORKERS: '2' }, /MODGATE_WORKERS: more than one worker needs DATABASE_URL/],
    ['missing yaml', { MODGATE_CONFIG: '/nonexistent/modgate.yaml' }, /MODGATE_CONFIG: cannot read/],
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
