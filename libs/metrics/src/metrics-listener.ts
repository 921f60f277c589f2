import { createServer, type Server } from 'node:http';
import type { ExpositionSource } from './metrics-registry.js';

/**
 * A plain-HTTP listener that serves `GET /metrics` (and HEAD) without credentials and nothing
 * else: meant for a scraper inside the cluster network (MODGATE_METRICS_LISTEN).
 */
export async function startMetricsListener(address: { host: string; port: number }, exposition: ExpositionSource): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const text = (status: number, body: string) => response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    if (path !== '/metrics') return text(404, 'not found: this listener serves only /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed: use GET\n');
    exposition().then(
      ({ body, contentType }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (err: Error) => text(503, `metrics unavailable: ${err.message.split('\n')[0]}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
