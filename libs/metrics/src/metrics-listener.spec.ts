import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMetricsListener } from './metrics-listener.js';
import { processExposition } from './metrics-registry.js';
import { recordHttpRequest } from './http-metrics.js';

function get(server: Server, path: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject).end();
  });
}

describe('startMetricsListener (a real HTTP listener on a free port)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startMetricsListener({ host: '127.0.0.1', port: 0 }, processExposition);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves /metrics without credentials in the Prometheus text format', async () => {
    recordHttpRequest('goproxy_mod', 200, 0.002);
    const answer = await get(server, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.body).toMatch(/^modgate_http_requests_total\{route="goproxy_mod",status="200"\} [1-9]/m);
  });

  it.each(['/', '/healthz', '/api/audit/events', '/github.com/acme/lib/@v/list', '/metrics/x'])('answers 404 for %s', async (path) => {
    const answer = await get(server, path);
    expect(answer.status).toBe(404);
    expect(answer.body).toBe('not found: this listener serves only /metrics\n');
  });

  it('refuses other methods than GET and HEAD', async () => {
    expect((await get(server, '/metrics', 'POST')).status).toBe(405);
    const head = await get(server, '/metrics', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('fails to start on a port already in use, with the system error', async () => {
    const { port } = server.address() as AddressInfo;
    await expect(startMetricsListener({ host: '127.0.0.1', port }, processExposition)).rejects.toThrow(/EADDRINUSE/);
  });
});
