import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execFileText } from './exec.js';
import { goEnv, runGo } from './go.js';
import { makeTempDir, removeDir } from './tmp.js';
import { createTestCa, type TestCa } from './tls.js';

describe('createTestCa', () => {
  let dir: string;
  let ca: TestCa;

  beforeAll(async () => {
    dir = await makeTempDir('tls-spec');
    ca = await createTestCa(join(dir, 'pki'), ['modgate.test']);
  });
  afterAll(() => removeDir(dir));

  it('makes a one-day server certificate for 127.0.0.1, localhost and extra names, signed by the CA', async () => {
    const caCert = new X509Certificate(await readFile(ca.caCertPath));
    const cert = new X509Certificate(await readFile(ca.certPath));
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('modgate.test')).toBe('modgate.test');
    expect(cert.checkHost('example.com')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extendedKeyUsage serverAuth
    const lifetimeMs = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(lifetimeMs).toBe(24 * 3600 * 1000);
    await execFileText('openssl', ['verify', '-CAfile', ca.caCertPath, '-purpose', 'sslserver', ca.certPath]);
  });

  it('rejects a DNS name that could inject openssl config', async () => {
    await expect(createTestCa(join(dir, 'bad'), ['x\nIP.2 = 10.0.0.1'])).rejects.toThrow('not a DNS name');
  });

  describe('over HTTPS', () => {
    let server: Server;
    let port: number;
    const authorizations: string[] = [];

    beforeAll(async () => {
      server = createServer({ cert: await readFile(ca.certPath), key: await readFile(ca.keyPath) }, (req, res) => {
        authorizations.push(req.headers.authorization ?? '');
        if (req.url === '/example.test/m/@v/v1.0.0.info') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}\n');
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each(['127.0.0.1', 'localhost'])('node trusts %s with the CA as `ca`', async (host) => {
      const caPem = await readFile(ca.caCertPath);
      const status = await new Promise<number>((resolve, reject) => {
        get({ host, port, path: '/healthz', ca: caPem, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(status).toBe(404);
    });

    it('go 1.19 trusts it through SSL_CERT_FILE and sends .netrc credentials', async () => {
      const home = join(dir, 'home');
      const netrc = join(dir, 'netrc');
      await writeFile(netrc, 'machine 127.0.0.1 login alice password s3cret\n');
      const env = goEnv({ home, goproxy: `https://127.0.0.1:${port}`, caCert: ca.caCertPath, netrc });
      const result = await runGo(['list', '-m', '-json', 'example.test/m@v1.0.0'], { cwd: dir, env });
      expect(JSON.parse(result.stdout)).toMatchObject({ Path: 'example.test/m', Version: 'v1.0.0' });
      expect(authorizations).toContain(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    });

    it('go 1.19 refuses it without SSL_CERT_FILE', async () => {
      const env = goEnv({ home: join(dir, 'home-without-ca'), goproxy: `https://127.0.0.1:${port}` });
      const result = await runGo(['list', '-m', '-json', 'example.test/m@v1.0.0'], { cwd: dir, env, allowFailure: true });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('x509: certificate signed by unknown authority');
    });
  });
});
