import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  ADMIN_AUTH,
  commitAll,
  goEnv,
  goModDownloadJsonAll,
  initRepo,
  makeTempDir,
  removeDir,
  runGo,
  startStack,
  tag,
  writeFiles,
  type GitHttpServer,
  type ModgateProcess,
  type Stack,
  type StaticServer,
  type TestCa,
} from './support/index.js';
import { rawGet } from './http-client.js';

const WIDGET = 'git.corp.example/acme/widget';
const TOOLS_SUB = 'git.corp.example/acme/tools/cli';
const TOKEN = 'e2e-secret-token-4b1d';

/**
 * Private modules from a git smart-HTTP server that requires a token, through modgate, with the
 * real go command over HTTPS; a recording upstream and checksum database prove nothing private leaks.
 */
describe('private modules from git (real go over HTTPS, token-protected git host)', () => {
  let stack: Stack;
  let dir: string;
  let reposRoot: string;
  let gitHost: GitHttpServer;
  let upstream: StaticServer;
  let sumdb: StaticServer;
  let databaseUrl: string;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let goHome: string;
  let netrc: string;
  const sums: Record<string, string | undefined> = {};

  const throughModgate = (modcache: string) =>
    goEnv({ home: goHome, goproxy: modgate.url, gomodcache: join(dir, modcache), caCert: tls.caCertPath, gonosumdb: 'git.corp.example', netrc });

  const buildWidget = async (flavour: string) => {
    const repo = join(reposRoot, 'acme', 'widget.git');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${WIDGET}\n\ngo 1.19\n`, 'widget.go': `package widget\n\n// Flavour is ${flavour}.\nconst Flavour = "${flavour}"\n`, LICENSE: 'Acme.\n' });
    await commitAll(repo, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(repo, 'v1.0.0');
    await writeFiles(repo, { 'widget.go': `package widget\n\nconst Flavour = "${flavour}-2"\n` });
    await commitAll(repo, 'v1.1.0', '2024-02-02T10:00:00Z');
    await tag(repo, 'v1.1.0', { annotated: true, message: 'release v1.1.0' });
    return repo;
  };

  beforeAll(async () => {
    stack = await startStack({
      name: 'private-git-e2e',
      database: 'postgres',
      gitHost: { token: TOKEN, tokenUser: 'x-access-token' },
      upstream: 'empty',
      sumdb: 'sum.golang.org',
      config: ({ gitHost }) => [
        'origins:',
        '  - pattern: git.corp.example/acme/*',
        `    url: ${gitHost!.url}/acme/{repo}.git`,
        '    token: { env: ACME_GIT_TOKEN }',
        '    tokenUser: x-access-token',
        '  - pattern: git.corp.example/locked/*',
        `    url: ${gitHost!.url}/locked/{repo}.git`,
        '    token: { env: WRONG_GIT_TOKEN }',
      ],
      env: { MODGATE_LIST_TTL_SECONDS: '0', ACME_GIT_TOKEN: TOKEN, WRONG_GIT_TOKEN: 'not-the-token' },
    });
    ({ dir, reposRoot, modgate, netrc } = stack);
    [gitHost, upstream, sumdb, databaseUrl, ca, tls] = [stack.gitHost!, stack.upstream!, stack.sumdb!, stack.databaseUrl!, stack.ca!, stack.tls!];
    goHome = join(dir, 'gohome');
    await buildWidget('original');
    const tools = join(reposRoot, 'acme', 'tools.git');
    await initRepo(tools);
    await writeFiles(tools, {
      'go.mod': 'module git.corp.example/acme/tools\n\ngo 1.19\n',
      'LICENSE': 'Acme tools.\n',
      'cli/go.mod': `module ${TOOLS_SUB}\n\ngo 1.19\n`,
      'cli/main.go': 'package main\n\nfunc main() {}\n',
    });
    await commitAll(tools, 'cli v0.2.0', '2024-02-03T10:00:00Z');
    await tag(tools, 'cli/v0.2.0');
  });

  afterAll(() => stack?.stop());

  it('tells newcomers which paths to keep away from the checksum database', () => {
    expect(modgate.stdout()).toContain('go env -w GONOSUMDB=git.corp.example/acme,git.corp.example/locked');
  });

  it('lists, downloads and gets private modules through modgate', async () => {
    const env = throughModgate('modcache-1');
    const versions = await runGo(['list', '-m', '-versions', WIDGET], { cwd: goHome, env });
    expect(versions.stdout.trim()).toBe(`${WIDGET} v1.0.0 v1.1.0`);
    const results = await goModDownloadJsonAll([`${WIDGET}@v1.0.0`, `${WIDGET}@v1.1.0`, `${TOOLS_SUB}@v0.2.0`], env);
    expect(results.map((r) => [r.Path, r.Version, r.Error])).toEqual([
      [WIDGET, 'v1.0.0', undefined],
      [WIDGET, 'v1.1.0', undefined],
      [TOOLS_SUB, 'v0.2.0', undefined],
    ]);
    for (const r of results) sums[`${r.Path}@${r.Version}`] = r.Sum;
    const work = await makeTempDir('modgate-work-');
    try {
      await runGo(['mod', 'init', 'example.com/app'], { cwd: work, env });
      await runGo(['get', `${WIDGET}@latest`], { cwd: work, env });
      expect(await readFile(join(work, 'go.mod'), 'utf8')).toContain(`${WIDGET} v1.1.0`);
    } finally {
      await removeDir(work);
    }
  });

  it('sends the token to the git host only as a header, and never the private paths anywhere public', async () => {
    expect(gitHost.requests.length).toBeGreaterThan(0);
    expect(gitHost.requests.join('\n')).not.toContain(TOKEN);
    const lookup = await rawGet(modgate.url, `/sumdb/sum.golang.org/lookup/${WIDGET}@v1.0.0`, { ca, headers: ADMIN_AUTH });
    expect(lookup.status).toBe(404);
    expect(lookup.body.toString()).toMatch(/private module.*GONOSUMDB/);
    expect(upstream.requests.filter((p) => p.includes('corp.example'))).toEqual([]);
    expect(sumdb.requests).toEqual([]);
  });

  it('answers a wrong git token with a clear error that does not reveal it', async () => {
    const response = await rawGet(modgate.url, '/git.corp.example/locked/widget/@v/list', { ca, headers: ADMIN_AUTH });
    expect(response.status).toBe(502);
    expect(response.body.toString()).not.toContain('not-the-token');
    expect(response.body.toString()).toMatch(/^modgate: /);
    expect(modgate.stdout()).not.toContain('not-the-token');
    expect(modgate.stdout()).not.toContain(TOKEN);
  });

  it('keeps serving the original bytes after a tag is moved, and records the move', async () => {
    const repo = join(reposRoot, 'acme', 'widget.git');
    await writeFiles(repo, { 'widget.go': 'package widget\n\nconst Flavour = "rewritten"\n' });
    await commitAll(repo, 'rewrite', '2024-03-01T10:00:00Z');
    await tag(repo, 'v1.0.0', { force: true });
    // A list refresh fetches the mirror and notices the move.
    expect((await rawGet(modgate.url, `/${WIDGET}/@v/list`, { ca, headers: ADMIN_AUTH })).status).toBe(200);
    const [again] = await goModDownloadJsonAll([`${WIDGET}@v1.0.0`], throughModgate('modcache-2'));
    expect(again?.Sum).toBe(sums[`${WIDGET}@v1.0.0`]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT module_path, version, tag, current_commit FROM tag_event');
      expect(rows).toEqual([expect.objectContaining({ module_path: WIDGET, version: 'v1.0.0', tag: 'v1.0.0' })]);
      expect(rows[0].current_commit).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await client.end();
    }
    expect(modgate.stdout()).toMatch(/tag v1.0.0 of git.corp.example\/acme\/widget moved/);
  });

  it('does not change served versions when the repository is deleted and re-created', async () => {
    await rm(join(reposRoot, 'acme', 'widget.git'), { recursive: true, force: true });
    await buildWidget('impostor');
    expect((await rawGet(modgate.url, `/${WIDGET}/@v/list`, { ca, headers: ADMIN_AUTH })).status).toBe(200);
    const results = await goModDownloadJsonAll([`${WIDGET}@v1.0.0`, `${WIDGET}@v1.1.0`], throughModgate('modcache-3'));
    expect(results.map((r) => r.Sum)).toEqual([sums[`${WIDGET}@v1.0.0`], sums[`${WIDGET}@v1.1.0`]]);
  });
});
