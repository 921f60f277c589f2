import { join } from 'node:path';
import { goEnv, goModDownloadJson, goModDownloadJsonAll, parseJsonStream, runGo } from './go.js';
import { makeTempDir, removeDir } from './tmp.js';

describe('goEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('builds a clean environment: no inherited GO*, GIT* or TLS variables', () => {
    Object.assign(process.env, { GOFLAGS: '-x', GOPRIVATE: 'leak', GONOSUMDB: 'leak', GIT_DIR: '/leak', SSL_CERT_DIR: '/leak' });
    const env = goEnv({ home: '/h', goproxy: 'https://proxy.test' });
    expect(env).toEqual({
      PATH: process.env.PATH,
      HOME: '/h',
      LANG: 'C',
      TZ: 'UTC',
      GOPATH: '/h/go',
      GOMODCACHE: '/h/go/pkg/mod',
      GOCACHE: '/h/.cache/go-build',
      GOPROXY: 'https://proxy.test',
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
    });
  });

  it('sets the optional variables and lets `extra` override or remove any', () => {
    const env = goEnv({
      home: '/h',
      goproxy: 'direct',
      gomodcache: '/m',
      netrc: '/n',
      caCert: '/ca.pem',
      gitConfig: '/g',
      goprivate: 'git.corp',
      gonosumdb: 'git.corp/*',
      goinsecure: 'insecure.test',
      extra: { GOSUMDB: 'sum.golang.org', GOFLAGS: undefined, CGO_ENABLED: '0' },
    });
    expect(env).toMatchObject({
      GOMODCACHE: '/m',
      NETRC: '/n',
      SSL_CERT_FILE: '/ca.pem',
      GIT_CONFIG_GLOBAL: '/g',
      GOPRIVATE: 'git.corp',
      GONOSUMDB: 'git.corp/*',
      GOINSECURE: 'insecure.test',
      GOSUMDB: 'sum.golang.org',
      CGO_ENABLED: '0',
    });
    expect(env).not.toHaveProperty('GOFLAGS');
  });
});

describe('runGo and goModDownloadJson', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await makeTempDir('go-spec');
    env = goEnv({ home: dir, goproxy: 'off', gomodcache: join(dir, 'modcache') });
  });
  afterAll(() => removeDir(dir));

  it('runs go with exactly the given environment', async () => {
    const { code, stdout } = await runGo(['env', '-json', 'GOPROXY', 'GOSUMDB', 'GOMODCACHE', 'GOFLAGS', 'GOPRIVATE'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      GOPROXY: 'off',
      GOSUMDB: 'off',
      GOMODCACHE: join(dir, 'modcache'),
      GOFLAGS: '-mod=mod',
      GOPRIVATE: '',
    });
  });

  it('rejects on a non-zero exit, with the output, unless allowFailure', async () => {
    await expect(runGo(['no-such-command'], { cwd: dir, env })).rejects.toThrow(/go no-such-command: exit status 2[\s\S]*unknown command/);
    const result = await runGo(['no-such-command'], { cwd: dir, env, allowFailure: true });
    expect(result.code).toBe(2);
  });

  it('returns the JSON object with its Error field when a download fails', async () => {
    const result = await goModDownloadJson('example.test/missing@v1.0.0', env);
    expect(result.Path).toBe('example.test/missing');
    expect(result.Version).toBe('v1.0.0');
    expect(result.Error).toContain('disabled by GOPROXY=off');
    expect(result.Sum).toBeUndefined();
  });

  it('returns one object per argument', async () => {
    const results = await goModDownloadJsonAll(['example.test/a@v1.0.0', 'example.test/b@v2.0.0+incompatible'], env);
    expect(results.map((r) => `${r.Path}@${r.Version}`)).toEqual(['example.test/a@v1.0.0', 'example.test/b@v2.0.0+incompatible']);
    expect(results.every((r) => r.Error !== undefined)).toBe(true);
  });

  it('rejects when go fails without printing JSON', async () => {
    await expect(goModDownloadJsonAll(['-no-such-flag'], env)).rejects.toThrow('go mod download -json -no-such-flag: exit status 2');
  });
});

describe('parseJsonStream', () => {
  it('splits concatenated JSON values, braces inside strings included', () => {
    const text = '{\n\t"a": "}{\\"",\n\t"b": [1, {"c": 2}]\n}\n{"d": null}\n';
    expect(parseJsonStream(text)).toEqual([{ a: '}{"', b: [1, { c: 2 }] }, { d: null }]);
    expect(parseJsonStream('')).toEqual([]);
    expect(() => parseJsonStream('{"a": 1')).toThrow('truncated JSON stream');
  });
});
