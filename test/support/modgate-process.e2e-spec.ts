import { readFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFiles } from './git-fixtures.js';
import { MODGATE_ENTRY, REPO_ROOT, modgateUrl, startModgate } from './modgate-process.js';
import { freePort } from './net.js';
import { makeTempDir, removeDir } from './tmp.js';
import { createTestCa, type TestCa } from './tls.js';

/**
 * Stand-in for the real server (which is built elsewhere): listens on MODGATE_LISTEN after 300 ms,
 * over HTTPS when MODGATE_TLS_CERT/KEY are set, answers /healthz, prints its environment's keys.
 */
const STAND_IN = `
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
const listen = process.env.MODGATE_LISTEN;
const i = listen.lastIndexOf(':');
const handler = (req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(req.url === '/healthz' ? 'ok\\n' : 'not found\\n');
};
const server = process.env.MODGATE_TLS_CERT
  ? https.createServer({ cert: readFileSync(process.env.MODGATE_TLS_CERT), key: readFileSync(process.env.MODGATE_TLS_KEY) }, handler)
  : http.createServer(handler);
console.error('stand-in starting, env keys: ' + Object.keys(process.env).sort().join(','));
setTimeout(() => server.listen(Number(listen.slice(i + 1)), listen.slice(0, i), () => console.log('stand-in listening')), 300);
process.on('SIGTERM', () => {
  console.log('stand-in got SIGTERM');
  process.exit(0);
});
`;

describe('startModgate (against a stand-in server script)', () => {
  let dir: string;
  let ca: TestCa;
  let standIn: string;

  beforeAll(async () => {
    dir = await makeTempDir('modgate-process-spec');
    ca = await createTestCa(join(dir, 'pki'));
    standIn = join(dir, 'stand-in.mjs');
    await writeFiles(dir, {
      'stand-in.mjs': STAND_IN,
      'crash.mjs': "console.error('boom: bad config MODGATE_STORAGE'); process.exit(3);\n",
      'silent.mjs': "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.PID_FILE, String(process.pid));\nsetInterval(() => {}, 1000);\n",
    });
  });
  afterAll(() => removeDir(dir));

  it('defaults to the built server under the repository root', async () => {
    expect(MODGATE_ENTRY).toBe('dist/apps/modgate/src/main.js');
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('modgate');
    expect(join(REPO_ROOT, 'test', 'support', 'modgate-process.e2e-spec.ts')).toBe(fileURLToPath(import.meta.url));
  });

  it('starts over HTTP, waits for /healthz, passes only PATH, HOME and env, and stops with SIGTERM', async () => {
    process.env.MODGATE_SUPPORT_SHOULD_NOT_LEAK = '1';
    const port = await freePort();
    const started = Date.now();
    const server = await startModgate({ entry: standIn, env: { MODGATE_LISTEN: `127.0.0.1:${port}`, STAND_IN_MARK: 'x' } });
    delete process.env.MODGATE_SUPPORT_SHOULD_NOT_LEAK;
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      expect(server.pid).toBeGreaterThan(0);
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(server.stdout()).toContain('stand-in listening');
      expect(server.stdout()).toContain('env keys: HOME,MODGATE_LISTEN,PATH,STAND_IN_MARK\n');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.stdout()).toContain('stand-in got SIGTERM');
    expect(await server.stop()).toBe(0); // already stopped: same code
  });

  it('polls HTTPS with the CA when MODGATE_TLS_CERT/KEY are set; kill9() ends it', async () => {
    const port = await freePort();
    const server = await startModgate({
      entry: standIn,
      caCert: ca.caCertPath,
      env: { MODGATE_LISTEN: `localhost:${port}`, MODGATE_TLS_CERT: ca.certPath, MODGATE_TLS_KEY: ca.keyPath },
    });
    expect(server.url).toBe(`https://localhost:${port}`);
    const caPem = await readFile(ca.caCertPath);
    const status = await new Promise<number>((resolve, reject) => {
      httpsGet(`${server.url}/healthz`, { ca: caPem, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    await server.kill9();
    expect(() => process.kill(server.pid, 0)).toThrow('ESRCH');
    expect(server.stdout()).not.toContain('SIGTERM');
  });

  it('rejects with the output when the process exits before it is ready', async () => {
    const port = await freePort();
    await expect(startModgate({ entry: join(dir, 'crash.mjs'), env: { MODGATE_LISTEN: `127.0.0.1:${port}` } })).rejects.toThrow(
      /crash\.mjs exited \(code 3, signal null\)[\s\S]*boom: bad config MODGATE_STORAGE/,
    );
  });

  it('kills the process and rejects when /healthz never answers', async () => {
    const port = await freePort();
    const pidFile = join(dir, 'silent.pid');
    await expect(
      startModgate({ entry: join(dir, 'silent.mjs'), env: { MODGATE_LISTEN: `127.0.0.1:${port}`, PID_FILE: pidFile }, readyTimeoutMs: 500 }),
    ).rejects.toThrow(`http://127.0.0.1:${port}/healthz did not answer 200 within 500 ms`);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow('ESRCH');
  });
});

describe('modgateUrl', () => {
  it.each([
    ['127.0.0.1:8080', false, 'http://127.0.0.1:8080'],
    ['0.0.0.0:8443', true, 'https://127.0.0.1:8443'],
    [':9000', false, 'http://127.0.0.1:9000'],
    ['localhost:1234', true, 'https://localhost:1234'],
    ['[::1]:8080', false, 'http://[::1]:8080'],
    ['[::]:8080', true, 'https://[::1]:8080'],
  ])('%s (tls %s) -> %s', (listen, tls, url) => {
    expect(modgateUrl(listen, tls)).toBe(url);
  });

  it('rejects a listen address without a port', () => {
    expect(() => modgateUrl('127.0.0.1', false)).toThrow('MODGATE_LISTEN must be host:port');
  });
});
