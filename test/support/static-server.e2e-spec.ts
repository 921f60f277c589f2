import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFiles } from './git-fixtures.js';
import { freePort } from './net.js';
import { startStaticServer, type StaticServer } from './static-server.js';
import { makeTempDir, removeDir } from './tmp.js';

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/** A raw request: with `path` as an option node sends it as given (a URL string would be normalized). */
function fetchRaw(url: string, path: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startStaticServer', () => {
  let dir: string;
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    dir = await makeTempDir('static-spec');
    root = join(dir, 'root');
    await writeFiles(root, {
      'example.test/m/@v/list': 'v1.0.0\n',
      'example.test/m/@v/v1.0.0.info': '{"Version":"v1.0.0"}',
      'example.test/m/@v/v1.0.0.zip': Buffer.from('PK\u0003\u0004'),
      'github.com/!acme/w/@latest': '{"Version":"v0.1.0"}',
    });
    await writeFiles(dir, { 'secret.txt': 'outside the root\n' });
    server = await startStaticServer(root);
  });
  afterAll(async () => {
    await server.stop();
    await removeDir(dir);
  });

  it('serves files with GOPROXY content types', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetchRaw(server.url, '/example.test/m/@v/list')).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'v1.0.0\n' });
    expect(await fetchRaw(server.url, '/example.test/m/@v/v1.0.0.info')).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(await fetchRaw(server.url, '/example.test/m/@v/v1.0.0.zip')).toMatchObject({ status: 200, contentType: 'application/zip' });
    expect(await fetchRaw(server.url, '/github.com/%21acme/w/@latest')).toMatchObject({ status: 200, body: '{"Version":"v0.1.0"}' });
    expect(await fetchRaw(server.url, '/example.test/m/@v/list', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 text/plain for missing files and directories', async () => {
    expect(await fetchRaw(server.url, '/example.test/m/@v/v9.9.9.info')).toEqual({
      status: 404,
      contentType: 'text/plain; charset=utf-8',
      body: 'not found: /example.test/m/@v/v9.9.9.info\n',
    });
    expect((await fetchRaw(server.url, '/example.test/m/@v')).status).toBe(404);
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/example.test/..%2f..%2fsecret.txt'])('rejects %s escaping the root', async (path) => {
    const reply = await fetchRaw(server.url, path);
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('outside the root');
  });

  it('records decoded request paths and counts hits per path', async () => {
    const before = server.requests.length;
    await fetchRaw(server.url, '/example.test/m/@v/list?x=1');
    await fetchRaw(server.url, '/example.test/m/@v/list');
    expect(server.requests.slice(before)).toEqual(['/example.test/m/@v/list', '/example.test/m/@v/list']);
    expect(server.hits.get('/github.com/!acme/w/@latest')).toBe(1);
    expect(server.hits.get('/example.test/m/@v/list')).toBe(4); // two here, GET and HEAD above
  });

  it('answers 502 to everything while down, and recovers', async () => {
    server.setDown(true);
    expect(await fetchRaw(server.url, '/example.test/m/@v/list')).toMatchObject({ status: 502, contentType: 'text/plain; charset=utf-8' });
    expect(server.requests.at(-1)).toBe('/example.test/m/@v/list');
    server.setDown(false);
    expect((await fetchRaw(server.url, '/example.test/m/@v/list')).status).toBe(200);
  });

  it('delays every response by delayMs, concurrently', async () => {
    const slow = await startStaticServer(root, { delayMs: 300 });
    try {
      const started = Date.now();
      const replies = await Promise.all([1, 2, 3].map(() => fetchRaw(slow.url, '/example.test/m/@v/list')));
      const elapsed = Date.now() - started;
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(900);
      expect(slow.hits.get('/example.test/m/@v/list')).toBe(3);
    } finally {
      await slow.stop();
    }
  });

  it('is unreachable after stop()', async () => {
    const other = await startStaticServer(root);
    await fetchRaw(other.url, '/example.test/m/@v/list');
    await other.stop();
    await other.stop(); // idempotent
    await expect(fetchRaw(other.url, '/example.test/m/@v/list')).rejects.toThrow('ECONNREFUSED');
  });
});

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
