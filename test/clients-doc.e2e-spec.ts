import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_AUTH,
  REPO_ROOT,
  basicAuth,
  bearerAuth,
  commitAll,
  execFileText,
  goEnv,
  initRepo,
  startStack,
  tag,
  writeFiles,
  type ExecResult,
  type ModgateProcess,
  type Stack,
  type TestCa,
} from './support/index.js';
import { rawGet, rawRequest } from './http-client.js';
import { machineTokenName } from '../apps/modgate-cli/src/login.command.js';
import { netrcEntryFor } from '../apps/modgate-cli/src/netrc.js';

const DOC_HOST = 'https://modgate.corp.example';
const WIDGET = 'git.corp.example/acme/widget';
const GIT_TOKEN = 'clients-doc-git-token-77';
const ALICE_PASSWORD = 'alice-password-clients-doc';
/** Entries of other hosts a developer already has: login and logout must keep them byte for byte. */
const OTHER_ENTRIES = '# the company git host\nmachine git.corp.example\n  login alice\n  password git-secret\n\nmachine other.example login x password y\n';

/** The day-one commands of docs/clients.md: the sh block after the "run by test/clients-doc" marker. */
async function dayOneCommands(): Promise<string[]> {
  const doc = await readFile(join(REPO_ROOT, 'docs', 'clients.md'), 'utf8');
  const marker = doc.indexOf('test/clients-doc.e2e-spec.ts');
  const block = /```sh\n([\s\S]*?)```/.exec(doc.slice(marker));
  if (marker < 0 || !block) throw new Error('docs/clients.md: no day-one block after the test marker');
  return block[1]!.split('\n').filter((line) => line.trim() !== '');
}

/**
 * docs/clients.md "Day one", run as written against a real HTTPS modgate with a private git
 * origin: `modgate login` on a pseudo-terminal (util-linux `script`) answering its prompts, the
 * real go command getting a private module with the `.netrc` it wrote, `modgate logout`. Also the
 * non-interactive paths (`--password-stdin`, `--token-stdin`) and the refusals.
 */
describe('docs/clients.md day one: modgate login, go get a private module, modgate logout', () => {
  let stack: Stack;
  let dir: string;
  let home: string;
  let bin: string;
  let tls: TestCa;
  let ca: Buffer;
  let modgate: ModgateProcess;
  let env: Record<string, string>;

  const netrcFile = () => join(home, '.netrc');
  const cli = (args: string[], opts: { input?: string; extra?: Record<string, string> } = {}): Promise<ExecResult> =>
    execFileText(join(bin, 'modgate'), args, { cwd: home, env: { ...env, ...opts.extra }, input: opts.input ?? '', allowFailure: true, timeoutMs: 60_000 });

  beforeAll(async () => {
    stack = await startStack({
      name: 'clients-doc',
      database: 'postgres',
      gitHost: { token: GIT_TOKEN },
      sumdb: 'sum.golang.org',
      config: ({ gitHost }) => [
        'origins:',
        '  - pattern: git.corp.example/acme/*',
        `    url: ${gitHost!.url}/acme/{repo}.git`,
        '    token: { env: ACME_GIT_TOKEN }',
        'policies:',
        '  bindings:',
        '    - subjects: [group:acme, token:ci-widget]',
        '      role: reader',
        '      modules: [git.corp.example/acme/*]',
      ],
      env: { ACME_GIT_TOKEN: GIT_TOKEN },
    });
    ({ dir, modgate } = stack);
    [tls, ca] = [stack.tls!, stack.ca!];
    const repo = join(stack.reposRoot, 'acme', 'widget.git');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': `module ${WIDGET}\n\ngo 1.19\n`, 'widget.go': 'package widget\n\nconst Name = "widget"\n' });
    await commitAll(repo, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(repo, 'v1.0.0');
    await writeFiles(repo, { 'widget.go': 'package widget\n\nconst Name = "widget 1.1"\n' });
    await commitAll(repo, 'v1.1.0', '2024-02-02T10:00:00Z');
    await tag(repo, 'v1.1.0');
    const alice = await stack.admin.put('/api/users/alice', { password: ALICE_PASSWORD, groups: ['acme'] });
    expect(alice.status).toBe(200);

    home = join(dir, 'home');
    bin = join(dir, 'bin');
    await mkdir(home, { recursive: true });
    await mkdir(bin, { recursive: true });
    // `modgate` on PATH, as `npm link` puts it there.
    await writeFile(join(bin, 'modgate'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO_ROOT, 'dist/apps/modgate-cli/src/main.js')}" "$@"\n`);
    await chmod(join(bin, 'modgate'), 0o755);
    // A developer's machine: no GO* proxy settings in the environment, the company CA trusted
    // (docs/clients.md "A private CA"), GOFLAGS as goEnv sets it for tests.
    env = goEnv({ home, goproxy: '', caCert: tls.caCertPath, extra: { GOPROXY: undefined, GOSUMDB: undefined, NODE_EXTRA_CA_CERTS: tls.caCertPath } });
    env.PATH = `${bin}:${env.PATH}`;
    env.USER = 'alice';
  });

  afterAll(() => stack?.stop());

  /** Runs one command line on a pseudo-terminal, typing `answers` after the prompts they match. */
  const onTerminal = (line: string, cwd: string, answers: Array<[RegExp, string]>): Promise<{ code: number | null; output: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn('script', ['-q', '-e', '-c', line, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      const pending = [...answers];
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const next = pending[0];
        if (next && next[0].test(output)) {
          pending.shift();
          child.stdin.write(`${next[1]}\r`);
        }
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });

  it('runs the doc as written: login asks without echoing the password, go gets the private module, logout revokes the token', async () => {
    const commands = await dayOneCommands();
    expect(commands.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['modgate login', 'go mod', 'go get', 'modgate logout']);
    await writeFile(netrcFile(), OTHER_ENTRIES, { mode: 0o600 });
    const project = join(dir, 'hello');
    await mkdir(project, { recursive: true });

    const [login, ...rest] = commands.map((c) => c.replaceAll(DOC_HOST, modgate.url));
    const loggedIn = await onTerminal(login!, project, [
      [/User name at 127\.0\.0\.1 \[alice\]: $/, ''],
      [/Password for alice at 127\.0\.0\.1: $/, ALICE_PASSWORD],
    ]);
    expect(loggedIn.output).not.toContain(ALICE_PASSWORD);
    expect(loggedIn.output).toContain(`Logged in to ${modgate.url} as alice`);
    expect(loggedIn.output).toContain(`Set: go env -w GOPROXY=${modgate.url} GONOSUMDB=git.corp.example/acme`);
    expect(loggedIn.code).toBe(0);

    const netrc = await readFile(netrcFile(), 'utf8');
    expect((await stat(netrcFile())).mode & 0o777).toBe(0o600);
    expect(netrc.startsWith(OTHER_ENTRIES)).toBe(true);
    const entry = netrcEntryFor(netrc, '127.0.0.1')!;
    expect(entry.login).toBe('alice');
    expect(netrc).toBe(`${OTHER_ENTRIES}machine 127.0.0.1 login alice password ${entry.password}\n`);
    expect((await execFileText('go', ['env', 'GOPROXY', 'GONOSUMDB'], { cwd: project, env })).stdout).toBe(`${modgate.url}\ngit.corp.example/acme\n`);

    for (const line of rest.slice(0, 2)) {
      const result = await onTerminal(line, project, []);
      expect([line, result.code]).toEqual([line, 0]);
    }
    expect(await readFile(join(project, 'go.mod'), 'utf8')).toContain(`require ${WIDGET} v1.1.0`);
    const pulled = await rawGet(modgate.url, `/api/audit/events?module=${WIDGET}&action=goproxy.zip`, { ca, headers: ADMIN_AUTH });
    expect((JSON.parse(pulled.body.toString()) as { events: unknown[] }).events[0]).toMatchObject({ principalKind: 'token', principalName: machineTokenName(), status: 200 });

    expect((await rawGet(modgate.url, '/api/whoami', { ca, headers: bearerAuth(entry.password) })).status).toBe(200);
    const loggedOut = await onTerminal(rest[2]!, project, []);
    expect(loggedOut.output).toContain('Revoked the token');
    expect(loggedOut.code).toBe(0);
    expect(await readFile(netrcFile(), 'utf8')).toBe(OTHER_ENTRIES);
    const after = await rawGet(modgate.url, `/${WIDGET}/@v/list`, { ca, headers: basicAuth('alice', entry.password) });
    expect([after.status, after.body.toString()]).toEqual([401, 'modgate: token revoked\n']);
  });

  it('--password-stdin (scripts) with --print: writes the entry, prints the go env command without running it, and replaces the token on the next login', async () => {
    await writeFile(netrcFile(), OTHER_ENTRIES, { mode: 0o600 });
    await execFileText('go', ['env', '-u', 'GOPROXY', 'GONOSUMDB'], { cwd: home, env });
    const args = ['login', modgate.url, '--user', 'alice', '--password-stdin', '--name', 'build-box', '--print'];
    const first = await cli(args, { input: `${ALICE_PASSWORD}\n` });
    expect(first.stdout).toContain(`  go env -w GOPROXY=${modgate.url} GONOSUMDB=git.corp.example/acme\n`);
    expect(first.code).toBe(0);
    expect((await execFileText('go', ['env', 'GOPROXY'], { cwd: home, env })).stdout.trim()).not.toContain(modgate.url);
    const firstToken = netrcEntryFor(await readFile(netrcFile(), 'utf8'), '127.0.0.1')!.password;

    const second = await cli(args, { input: `${ALICE_PASSWORD}\n` });
    expect(second.stdout).toContain('Revoked the token "build-box" of an earlier login');
    expect(second.code).toBe(0);
    const netrc = await readFile(netrcFile(), 'utf8');
    const secondToken = netrcEntryFor(netrc, '127.0.0.1')!.password;
    expect(netrc).toBe(`${OTHER_ENTRIES}machine 127.0.0.1 login alice password ${secondToken}\n`);
    expect((await rawGet(modgate.url, '/api/whoami', { ca, headers: bearerAuth(firstToken) })).status).toBe(401);
    expect((await rawGet(modgate.url, '/api/whoami', { ca, headers: bearerAuth(secondToken) })).status).toBe(200);
    expect((await cli(['logout', modgate.url])).code).toBe(0);
  });

  it('--token-stdin (CI): writes an existing token with its owner as the login, and the go command downloads with it', async () => {
    const created = await rawRequest('POST', modgate.url, '/api/tokens', {
      ca,
      headers: ADMIN_AUTH,
      body: Buffer.from(JSON.stringify({ name: 'ci-widget', owner: 'svc-ci', scopes: ['read'], modules: [WIDGET] })),
    });
    const { token } = JSON.parse(created.body.toString()) as { token: string };
    const netrc = join(dir, 'ci-netrc');
    const result = await cli(['login', modgate.url, '--token-stdin'], { input: `${token}\n`, extra: { NETRC: netrc } });
    expect(result.stdout).toContain('Token of svc-ci checked');
    expect(result.code).toBe(0);
    expect(await readFile(netrc, 'utf8')).toBe(`machine 127.0.0.1 login svc-ci password ${token}\n`);
    expect((await stat(netrc)).mode & 0o777).toBe(0o600);
    const download = await execFileText('go', ['mod', 'download', '-json', `${WIDGET}@v1.0.0`], { cwd: home, env: { ...env, NETRC: netrc }, allowFailure: true });
    expect(JSON.parse(download.stdout)).toMatchObject({ Path: WIDGET, Version: 'v1.0.0' });
    expect(JSON.parse(download.stdout).Error).toBeUndefined();
  });

  it('refuses what cannot work: an http URL (2), a wrong password (1, .netrc untouched), no terminal and no --password-stdin (1)', async () => {
    await writeFile(netrcFile(), OTHER_ENTRIES, { mode: 0o600 });
    const http = await cli(['login', 'http://127.0.0.1:8080']);
    expect([http.code, http.stderr]).toEqual([2, expect.stringContaining('use https; the go command sends .netrc credentials only over HTTPS')]);
    const wrong = await cli(['login', modgate.url, '--user', 'alice', '--password-stdin'], { input: 'not-the-password\n' });
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('401 invalid user name or password')]);
    const noTty = await cli(['login', modgate.url, '--user', 'alice']);
    expect([noTty.code, noTty.stderr]).toEqual([1, expect.stringContaining('stdin is not a terminal')]);
    expect(await readFile(netrcFile(), 'utf8')).toBe(OTHER_ENTRIES);
  });
});
