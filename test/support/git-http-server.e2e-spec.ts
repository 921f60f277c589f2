import { request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { commitAll, git, initRepo, revParse, writeFiles } from './git-fixtures.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { makeTempDir, removeDir } from './tmp.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('startGitHttpServer', () => {
  const token = 'srv-token-123';
  let dir: string;
  let server: GitHttpServer;
  let head: string;

  beforeAll(async () => {
    dir = await makeTempDir('git-http');
    const repo = join(dir, 'repos', 'team', 'widget');
    await initRepo(repo);
    await writeFiles(repo, { 'go.mod': 'module git.corp/team/widget\n' });
    head = await commitAll(repo, 'one');
    server = await startGitHttpServer({
      reposRoot: join(dir, 'repos'),
      token,
      tokenUser: 'ci',
      goImports: { 'git.corp/team/widget': 'team/widget' },
    });
  });
  afterAll(async () => {
    await server.stop();
    await removeDir(dir);
  });

  it('asks for credentials and records requests without them', async () => {
    const answer = await send(`${server.url}/team/widget/info/refs?service=git-upload-pack`, { headers: { authorization: 'Bearer wrong' } });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Basic realm="git"');
    expect(server.requests).toContain('GET /team/widget/info/refs');
    expect(server.requests.join('\n')).not.toContain('wrong');
  });

  it('serves git clone with Basic credentials', async () => {
    const auth = Buffer.from(`ci:${token}`).toString('base64');
    const clone = join(dir, 'clone');
    await git(dir, ['-c', `http.extraHeader=Authorization: Basic ${auth}`, 'clone', '-q', `${server.url}/team/widget`, clone]);
    expect(await revParse(clone, 'HEAD')).toBe(head);
  });

  it('gunzips request bodies (git gzips larger upload-pack requests)', async () => {
    // A protocol v2 `ls-refs` command in pkt-lines: command, delimiter, flush.
    const body = gzipSync(Buffer.from('0014command=ls-refs\n00010000'));
    const answer = await send(`${server.url}/team/widget/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
        'git-protocol': 'version=2',
      },
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`${head} refs/heads/main`);
  });

  it('answers go-get discovery for paths under a configured import prefix', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const page = await send(`${server.url}/team/widget/sub/pkg?go-get=1`, { headers });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="go-import" content="git.corp/team/widget git ${server.url}/team/widget">`);
    expect((await send(`${server.url}/team/widgets?go-get=1`, { headers })).status).toBe(404);
  });

  it('resolves repository paths ignoring case when asked to, as GitHub and GitLab do', async () => {
    const relaxed = await startGitHttpServer({ reposRoot: join(dir, 'repos'), caseInsensitive: true });
    try {
      const clone = join(dir, 'clone-case');
      await git(dir, ['clone', '-q', `${relaxed.url}/Team/WIDGET`, clone]);
      expect(await revParse(clone, 'HEAD')).toBe(head);
      expect((await send(`${server.url}/Team/WIDGET/info/refs?service=git-upload-pack`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await relaxed.stop();
    }
  });
});
