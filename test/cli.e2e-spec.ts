import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  LDAP_PEOPLE,
  REPO_ROOT,
  execFileText,
  freePort,
  goEnv,
  makeTempDir,
  removeDir,
  runGo,
  startStack,
  type ExecResult,
  type ModgateProcess,
  type Stack,
  type StaticServer,
  type TestCa,
  type TestPostgres,
  type TestSlapd,
} from './support/index.js';
import { rawGet } from './http-client.js';
import { buildModuleGraphFixture, type ModuleGraphFixture } from './module-graph-fixture.js';

const CLI = join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js');
const DANA_PASSWORD = 'dana-password-cli-e2e';

/**
 * The `modgate` CLI as a user runs it (a child process of the built CLI): `warm` against a real
 * server (HTTPS, Postgres, S3 via s3rver, LDAP via slapd) and a fixture upstream with a module
 * graph, checked against `go list -m all`; `policy check`; `doctor` on a healthy setup and with
 * each dependency stopped; `--help` everywhere.
 */
describe('modgate CLI end to end', () => {
  let stack: Stack;
  let graphDir: string;
  let dir: string;
  let graph: ModuleGraphFixture;
  let upstream: StaticServer;
  let postgres: TestPostgres;
  let slapd: TestSlapd;
  let s3: NonNullable<Stack['s3']>;
  let tls: TestCa;
  let modgate: ModgateProcess | undefined;
  let serverEnv: Record<string, string>;
  let netrc: string;

  const cli = (args: string[], env: Record<string, string> = {}): Promise<ExecResult> =>
    execFileText(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_EXTRA_CA_CERTS: tls.caCertPath, ...env },
      allowFailure: true,
      timeoutMs: 60_000,
    });
  const adminCli = (args: string[]) => cli(args, { MODGATE_URL: modgate!.url, MODGATE_TOKEN: adminToken });
  const doctor = (env: Record<string, string> = serverEnv) => cli(['doctor'], env);
  let adminToken: string;

  beforeAll(async () => {
    graphDir = await makeTempDir('cli-e2e-graph');
    graph = await buildModuleGraphFixture(graphDir);
    stack = await startStack({
      name: 'cli-e2e',
      database: 'postgres',
      ldap: true,
      s3: true,
      upstream: { root: graph.root },
      config: ({ slapd }) => [
        'auth:',
        '  ldap:',
        `    url: ${slapd!.url}`,
        `    searchBase: ${LDAP_PEOPLE}`,
        'policies:',
        '  publicModules: []',
        '  bindings:',
        '    - name: graph-readers',
        '      subjects: [group:developers]',
        '      role: reader',
        '      modules: [github.com/graph/*]',
        '  deny:',
        '    - name: security-baseline',
        '      rules:',
        '        - module: github.com/evil/*',
        '          reason: malicious publisher',
      ],
    });
    ({ dir, modgate, env: serverEnv } = stack);
    [upstream, postgres, slapd, s3, tls] = [stack.upstream!, stack.postgres!, stack.slapd!, stack.s3!, stack.tls!];
    const put = await stack.admin.put('/api/users/dana', { password: DANA_PASSWORD, groups: ['developers'] });
    expect(put.status).toBe(200);
    netrc = await stack.writeNetrc('dana', DANA_PASSWORD);
    const token = await stack.admin.post('/api/tokens', { name: 'cli-e2e', scopes: ['read', 'admin'] });
    adminToken = token.json<{ token: string }>().token;
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    if (graphDir) await removeDir(graphDir);
  });

  describe('warm', () => {
    let buildList: string[];

    it('fetches the whole graph once, with progress, and selects what go list -m all selects', async () => {
      const result = await cli(['warm', '-f', join(graph.project, 'go.mod'), '--progress', '--list'], { MODGATE_URL: modgate!.url, NETRC: netrc });
      expect(result.stderr).toMatch(/warmed 8 module\(s\) \(1 local, skipped\): \d+ file\(s\), [\d.]+ MB in [\d.]+ s; 0 failed\n$/);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/\r\[#{30}\] 100% {2}\d+ \/ \d+ files {2}[\d.]+ MB/);
      buildList = result.stdout.trim().split('\n');

      const home = join(dir, 'gohome');
      const listed = await runGo(['list', '-m', '-f', '{{.Path}} {{.Version}}{{with .Replace}} => {{.Path}} {{.Version}}{{end}}', 'all'], {
        cwd: graph.project,
        env: goEnv({ home, goproxy: `file://${graph.root}` }),
      });
      const expected = listed.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.replace(/ => \.\/local $/, ' => (local directory)'));
      expect(buildList).toEqual(expected);
      expect(buildList).toContain('github.com/graph/c v1.2.0');
      expect(buildList).toContain('github.com/graph/orig v1.0.0 => github.com/graph/fork v1.0.0');

      // Each file reached the upstream once: the .mod of every version in the graph, the .info and .zip of the build list.
      const repeated = [...upstream.hits].filter(([, n]) => n > 1);
      expect(repeated).toEqual([]);
      const zips = upstream.requests.filter((p) => p.endsWith('.zip')).sort();
      expect(zips).toEqual(
        ['a/@v/v1.0.0', 'b/@v/v1.0.0', 'c/@v/v1.2.0', 'd/@v/v1.0.0', 'e/@v/v1.0.0', 'f/@v/v1.0.0', 'fork/@v/v1.0.0', 'old/@v/v2.0.0+incompatible'].map((p) => `/github.com/graph/${p}.zip`),
      );
      expect(upstream.requests).toContain('/github.com/graph/c/@v/v1.1.0.mod');
      expect(upstream.requests.some((p) => p.includes('/c/@v/v1.3.0') || p.includes('/local/') || p.includes('/orig/'))).toBe(false);
    });

    it('a second run does no upstream work', async () => {
      const before = upstream.requests.length;
      const result = await cli(['warm', '-f', join(graph.project, 'go.mod')], { MODGATE_URL: modgate!.url, MODGATE_TOKEN: adminToken });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/warmed 8 module\(s\).*; 0 failed\n$/);
      expect(upstream.requests.length).toBe(before);
    });

    it('warms module@version arguments and reports what it could not fetch (exit 1)', async () => {
      const result = await cli(['warm', 'github.com/graph/d@v1.0.0', 'github.com/graph/nothere@v1.0.0'], { MODGATE_URL: modgate!.url, MODGATE_TOKEN: adminToken });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^modgate: \/github\.com\/graph\/nothere\/@v\/v1\.0\.0\.mod: 404 /m);
      expect(result.stderr).toMatch(/warmed 4 module\(s\).*; [1-9]\d* failed\n$/);
    });

    it('refuses bad input with one line', async () => {
      const noUrl = await cli(['warm', 'github.com/graph/d@v1.0.0']);
      expect([noUrl.code, noUrl.stderr]).toEqual([1, 'modgate: set MODGATE_URL to the server, e.g. https://modgate.corp.example\n']);
      const badTarget = await cli(['warm', 'github.com/graph/d@latest'], { MODGATE_URL: modgate!.url });
      expect(badTarget.code).toBe(2);
      expect(badTarget.stderr.split('\n')[0]).toMatch(/^modgate warm: "github.com\/graph\/d@latest": the version must be a semantic version/);
      const missing = await cli(['warm', '-f', join(dir, 'no-such', 'go.mod')], { MODGATE_URL: modgate!.url });
      expect([missing.code, missing.stderr]).toEqual([1, `modgate: cannot read ${join(dir, 'no-such', 'go.mod')}: ENOENT\n`]);
    });
  });

  describe('policy check', () => {
    it('explains an allow by the binding, with the local user\'s groups', async () => {
      const result = await adminCli(['policy', 'check', 'dana', 'github.com/graph/a@v1.0.0']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          'ALLOWED  dana may read github.com/graph/a@v1.0.0 (upstream)',
          '  decided by: binding graph-readers (file): group:developers -> role reader on github.com/graph/*',
          '  groups:     developers (from the local user)',
          '  subjects:   authenticated, user:dana, group:developers',
          '',
        ].join('\n'),
      );
    });

    it('explains a deny rule (exit 3)', async () => {
      const result = await adminCli(['policy', 'check', 'dana', 'github.com/evil/x@v1.0.0']);
      expect(result.code).toBe(3);
      expect(result.stdout.split('\n').slice(0, 2)).toEqual([
        'DENIED   github.com/evil/x@v1.0.0 is blocked: malicious publisher (policy security-baseline)',
        '  decided by: deny rule of policy security-baseline (file): module github.com/evil/*: malicious publisher',
      ]);
    });

    it('takes stated groups for a directory user, and denies by default without them', async () => {
      const stated = await adminCli(['policy', 'check', 'erin', 'github.com/graph/b@v1.0.0', '--groups', 'developers']);
      expect(stated.code).toBe(0);
      expect(stated.stdout).toContain('  groups:     developers (as stated)');
      const none = await adminCli(['policy', 'check', 'erin', 'github.com/graph/b@v1.0.0', '--json']);
      expect(none.code).toBe(3);
      expect(JSON.parse(none.stdout)).toMatchObject({ allowed: false, reason: 'erin may not read github.com/graph/b', groupsFrom: 'none', rule: { kind: 'no-match' } });
    });

    it('needs the admin permission and a valid module path', async () => {
      const asDana = await execFileText(process.execPath, [CLI, 'policy', 'check', 'dana', 'github.com/graph/a@v1.0.0'], {
        env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: tls.caCertPath, MODGATE_URL: modgate!.url, MODGATE_TOKEN: 'not-a-token' },
        allowFailure: true,
      });
      expect(asDana.code).toBe(1);
      expect(asDana.stderr).toMatch(/^modgate: GET \/api\/policies\/check\?.*: 401 /);
      const bad = await adminCli(['policy', 'check', 'dana', 'not a module@v1']);
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^modgate: GET .*: 400 module: "not a module" is not a valid module path\n$/)]);
    });
  });

  describe('--help', () => {
    it.each([
      [['--help'], /^usage: modgate <command>/],
      [['help'], /^usage: modgate <command>/],
      [['help', 'warm'], /^usage:\n {2}modgate warm -f go\.mod/],
      [['serve', '--help'], /^usage: modgate serve\n/],
      [['doctor', '-h'], /^usage: modgate doctor/],
      [['warm', 'help'], /^usage:\n {2}modgate warm/],
      [['policy', 'check', '--help'], /^usage:\n {2}modgate policy check/],
      [['sync', '-h'], /^usage: modgate sync/],
      [['audit', 'query', '--help'], /^usage:\n {2}modgate audit query/],
      [['token', 'revoke', '-h'], /^usage:\n {2}modgate token create/],
    ])('modgate %j prints the usage', async (args, usage) => {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(usage);
    });

    it.each([
      [['warm', '--bogus'], 'modgate warm: unknown flag --bogus', /^usage:\n {2}modgate warm/m],
      [['doctor', '-x'], 'modgate doctor: unknown flag -x', /^usage: modgate doctor/m],
      [['policy', 'check', 'dana', 'm.example/x@v1.0.0', '--colour'], 'modgate policy: unknown flag --colour', /^usage:\n {2}modgate policy check/m],
      [['token', 'list', '--everything'], 'modgate token: unknown flag --everything', /^usage:\n {2}modgate token/m],
      [['serve', '--port', '1'], 'modgate serve: modgate serve takes no arguments (got "--port"); configure it with environment variables or MODGATE_CONFIG', /^usage: modgate serve/m],
      [['frobnicate'], 'modgate: unknown command "frobnicate"', /^usage: modgate <command>/m],
    ])('modgate %j: one line, the usage, exit 2', async (args, line, usage) => {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(line);
      expect(result.stderr).toMatch(usage);
    });
  });

  describe('serve', () => {
    it('starts the server as npm start does, and stops on SIGTERM', async () => {
      const listen = `127.0.0.1:${await freePort()}`;
      const env = { PATH: process.env.PATH ?? '', HOME: dir, MODGATE_LISTEN: listen, MODGATE_DATA_DIR: join(dir, 'serve-data'), DATABASE_URL: await postgres.createDatabase('serve'), MODGATE_UPSTREAM: 'off', MODGATE_SUMDB: 'off' };
      const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        const deadline = Date.now() + 60_000;
        let status = 0;
        // stdout is a pipe, so the banner comes as JSON log lines (quotes escaped); it may arrive just after the first answer.
        const adminBanner = /Created the admin user \\?"admin\\?"\. Its password is shown this once/;
        while ((status !== 200 || !adminBanner.test(output)) && Date.now() < deadline) {
          status = await rawGet(`http://${listen}`, '/healthz').then((r) => r.status, () => 0);
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(status).toBe(200);
        expect(output).toContain(`modgate is serving on http://${listen}`);
        expect(output).toMatch(adminBanner);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  });

  describe('doctor', () => {
    const line = (out: string, name: string) => out.split('\n').find((l) => l.slice(6).startsWith(`${name}:`)) ?? `(no ${name} line)`;

    it('passes on a healthy setup, one line per check', async () => {
      const result = await doctor();
      expect(result.code).toBe(0);
      expect(line(result.stdout, 'config')).toBe(`ok    config: valid (environment and ${serverEnv.MODGATE_CONFIG})`);
      expect(line(result.stdout, 'database')).toMatch(/^ok {4}database: Postgres 127\.0\.0\.1:\d+\/modgate reachable, all \d+ migrations applied$/);
      expect(line(result.stdout, 'storage')).toMatch(/^ok {4}storage: .*modules.* writable \(probe object written, read back and deleted\)$/);
      expect(line(result.stdout, 'ldap')).toBe(`ok    ldap: ${slapd.url} answers; bound anonymously and read the search base ${LDAP_PEOPLE}`);
      expect(line(result.stdout, `upstream ${upstream.url}`)).toMatch(/^ok {4}upstream http:.* answers \(404 for the probe module example\.com\/modgate-doctor-probe\)$/);
      // The test CA issues certificates for one day.
      expect(line(result.stdout, 'tls')).toMatch(/^WARN {2}tls: certificate .*server\.crt \(IP Address:127\.0\.0\.1.*\) expires in 0 day\(s\)/);
      expect(result.stdout.endsWith('all checks passed\n')).toBe(true);
    });

    it('fails on a key that does not belong to the certificate, and on an invalid configuration', async () => {
      const mismatched = await doctor({ ...serverEnv, MODGATE_TLS_KEY: join(dir, 'tls', 'ca.key') });
      expect(mismatched.code).toBe(1);
      expect(line(mismatched.stdout, 'tls')).toBe(`FAIL  tls: key ${join(dir, 'tls', 'ca.key')} does not belong to certificate ${tls.certPath}`);
      const invalid = await doctor({ ...serverEnv, MODGATE_STORAGE: 'tape' });
      expect([invalid.code, invalid.stdout]).toEqual([1, expect.stringMatching(/^FAIL {2}config: invalid: MODGATE_STORAGE: .*\n$/)]);
    });

    it('reports LDAP stopped', async () => {
      await slapd.stop();
      const result = await doctor();
      expect(result.code).toBe(1);
      expect(line(result.stdout, 'ldap')).toMatch(new RegExp(`^FAIL  ldap: ${slapd.url}: search ${LDAP_PEOPLE} anonymously: .*ECONNREFUSED`));
      expect(line(result.stdout, 'database')).toMatch(/^ok /);
      expect(result.stdout.endsWith('1 check(s) FAILED\n')).toBe(true);
    });

    it('reports storage broken: S3 stopped, or a filesystem store that cannot be written', async () => {
      await s3.close();
      const result = await doctor();
      expect(result.code).toBe(1);
      expect(line(result.stdout, 'storage')).toMatch(/^FAIL {2}storage: .*modules.*: cannot write a probe object: .*/);
      const blocked = join(dir, 'fs-data');
      await mkdir(blocked);
      await writeFile(join(blocked, 'blobs'), 'a file where the blob directory should be\n');
      const fsResult = await doctor({ ...serverEnv, MODGATE_STORAGE: 'fs', MODGATE_DATA_DIR: blocked });
      expect(line(fsResult.stdout, 'storage')).toMatch(/^FAIL {2}storage: filesystem .*blobs: cannot write a probe object: .*(ENOTDIR|EEXIST|not a directory)/);
    });

    it('reports Postgres stopped', async () => {
      await modgate?.stop();
      modgate = undefined;
      await postgres.stop();
      const result = await doctor();
      expect(result.code).toBe(1);
      expect(line(result.stdout, 'database')).toMatch(/^FAIL {2}database: Postgres 127\.0\.0\.1:\d+\/modgate unreachable: .*ECONNREFUSED/);
    });
  });
});
