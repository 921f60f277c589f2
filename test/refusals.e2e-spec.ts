import { join } from 'node:path';
import {
  ADMIN_AUTH,
  commitAll,
  git,
  initRepo,
  startStack,
  tag,
  writeFiles,
  type GitHttpServer,
  type ModgateProcess,
  type Stack,
} from './support/index.js';
import { rawGet } from './http-client.js';

const ORG = 'git.corp.example/acme';
const WIDGET = `${ORG}/widget`;
const CLASH = `${ORG}/clash`;
const TOKEN = 'refusals-e2e-token-9c2f';

/** The sum of the samples of a metric whose labels include `labels`, from `/metrics` text. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([key, value]) => (match[2] ?? '').includes(`${key}="${value}"`));
    if (has) sum += Number(match[3]);
  }
  return sum;
}

/**
 * Refusals and "not found" answers are remembered instead of running git again, unknown versions
 * fetch a repository at most once per interval, a repository that does not exist is a plain 404,
 * and `.info`/`@latest` name the repository as the go command does — never an internal location.
 * modgate over HTTPS on Postgres, private repositories on a token-protected git smart-HTTP host.
 */
describe('refusals, not-found answers and git fetches of private modules', () => {
  let stack: Stack;
  let dir: string;
  let reposRoot: string;
  let gitHost: GitHttpServer;
  let ca: Buffer;
  let modgate: ModgateProcess;

  const get = (path: string) => rawGet(modgate.url, path, { ca, headers: ADMIN_AUTH });
  const metrics = async () => (await get('/metrics')).body.toString();
  const gitCommands = async () => metric(await metrics(), 'modgate_git_commands_total');

  beforeAll(async () => {
    stack = await startStack({
      name: 'refusals-e2e',
      database: 'postgres',
      gitHost: { token: TOKEN, tokenUser: 'x-access-token' },
      config: ({ gitHost }) => ['origins:', `  - pattern: ${ORG}/*`, `    url: ${gitHost!.url}/acme/{repo}.git`, '    token: { env: ACME_GIT_TOKEN }', '    tokenUser: x-access-token'],
      env: {
        MODGATE_LIST_TTL_SECONDS: '0',
        MODGATE_GIT_FETCH_INTERVAL_SECONDS: '600',
        MODGATE_NOT_FOUND_TTL_SECONDS: '600',
        // No poller: it would run git in the background while git processes are counted.
        MODGATE_POLL_INTERVAL_SECONDS: '0',
        ACME_GIT_TOKEN: TOKEN,
      },
    });
    ({ dir, reposRoot, modgate } = stack);
    [gitHost, ca] = [stack.gitHost!, stack.ca!];
    const widget = join(reposRoot, 'acme', 'widget.git');
    await initRepo(widget);
    await writeFiles(widget, { 'go.mod': `module ${WIDGET}\n\ngo 1.19\n`, 'widget.go': 'package widget\n' });
    await commitAll(widget, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(widget, 'v1.0.0');
    // Two files whose names differ only in case: .info and .mod are fine, the zip is refused.
    const clash = join(reposRoot, 'acme', 'clash.git');
    await initRepo(clash);
    await writeFiles(clash, { 'go.mod': `module ${CLASH}\n\ngo 1.19\n`, 'A.go': 'package clash\n', 'a.go': 'package clash\n' });
    await commitAll(clash, 'v1.0.0', '2024-02-01T10:00:00Z');
    await tag(clash, 'v1.0.0');
    await tag(clash, 'v1.0.1');
  });

  afterAll(() => stack?.stop());

  it('answers 200 requests for a refused zip from its record: one git archive, no git at all after the first', async () => {
    expect((await get(`/${CLASH}/@v/v1.0.0.info`)).status).toBe(200);
    const before = await metrics();
    const first = await get(`/${CLASH}/@v/v1.0.0.zip`);
    expect(first.status).toBe(410);
    expect(first.body.toString()).toMatch(/case-insensitive file name collision/);
    // The refused archive's git process may still be exiting: count from when none runs.
    for (let i = 0; i < 50 && metric(await metrics(), 'modgate_git_processes_running') > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const afterFirst = await gitCommands();
    const answers = new Set<string>();
    for (let i = 1; i < 200; i++) {
      const again = await get(`/${CLASH}/@v/v1.0.0.zip`);
      answers.add(`${again.status} ${again.body.toString()}`);
    }
    expect([...answers]).toEqual([`410 ${first.body.toString()}`]);
    const after = await metrics();
    expect(metric(after, 'modgate_git_commands_total', { command: 'archive' }) - metric(before, 'modgate_git_commands_total', { command: 'archive' })).toBeLessThanOrEqual(1);
    expect(metric(after, 'modgate_git_commands_total') - afterFirst).toBe(0);
  });

  it('asks git again once the refs change (a moved tag may fix a refused version)', async () => {
    expect((await get(`/${CLASH}/@v/v1.0.1.zip`)).status).toBe(410);
    const clash = join(reposRoot, 'acme', 'clash.git');
    await git(clash, ['rm', '-q', 'A.go']);
    await commitAll(clash, 'one file', '2024-02-02T10:00:00Z');
    await tag(clash, 'v1.0.1', { force: true });
    // A list refresh fetches the repository; its refs changed, so its refusals are forgotten.
    expect((await get(`/${CLASH}/@v/list`)).status).toBe(200);
    expect((await get(`/${CLASH}/@v/v1.0.1.zip`)).status).toBe(200);
  });

  it('fetches a repository at most once per interval for unknown versions (60 lookups), and remembers each "not found"', async () => {
    const fetches = async () => metric(await metrics(), 'modgate_git_remote_operations_total', { operation: 'fetch' });
    expect((await get(`/${WIDGET}/@v/v1.0.0.info`)).status).toBe(200);
    const before = await fetches();
    for (let i = 0; i < 60; i++) {
      const response = await get(`/${WIDGET}/@v/v9.0.${i}.info`);
      expect([response.status, response.body.toString()]).toEqual([404, expect.stringMatching(new RegExp(`v9\\.0\\.${i}`))]);
    }
    expect((await fetches()) - before).toBeLessThanOrEqual(1);
    const remembered = await gitCommands();
    for (let i = 0; i < 20; i++) expect((await get(`/${WIDGET}/@v/v9.0.7.info`)).status).toBe(404);
    expect((await gitCommands()) - remembered).toBe(0);
  });

  it('answers a repository that does not exist with a one-line 404 naming no internal location', async () => {
    const asked: Array<[string, string]> = [
      [`/${ORG}/nope/@v/v1.0.0.info`, `${ORG}/nope@v1.0.0`],
      [`/${ORG}/nope/@v/v1.0.0.zip`, `${ORG}/nope@v1.0.0`],
      [`/${ORG}/nope/@v/list`, `${ORG}/nope list`],
    ];
    for (const [path, what] of asked) {
      const response = await get(path);
      const body = response.body.toString();
      expect([path, response.status, body]).toEqual([path, 404, `modgate: ${what}: the origin has no repository ${ORG}/nope\n`]);
      expect(body).not.toContain(gitHost.url);
      expect(body).not.toContain(dir);
    }
  });

  it('names the repository as the go command does in .info and @latest Origin, not the clone URL', async () => {
    const info = JSON.parse((await get(`/${WIDGET}/@v/v1.0.0.info`)).body.toString()) as { Origin?: { URL?: string } };
    expect(info.Origin?.URL).toBe(`https://${WIDGET}`);
    const latest = JSON.parse((await get(`/${WIDGET}/@latest`)).body.toString()) as { Version: string; Origin?: { VCS?: string; URL?: string; Hash?: string } };
    expect(latest).toEqual(expect.objectContaining({ Version: 'v1.0.0', Origin: expect.objectContaining({ VCS: 'git', URL: `https://${WIDGET}`, Hash: expect.stringMatching(/^[0-9a-f]{40}$/) }) }));
    expect(JSON.stringify([info, latest])).not.toContain(gitHost.url);
  });
});
