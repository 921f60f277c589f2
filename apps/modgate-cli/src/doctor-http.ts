import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ModgateConfig } from '#config';

/** A status and the start of the body, or an error message when no answer came. */
export type HttpProbe = { status: number; body: string } | { error: string };

/** One GET with a deadline; never rejects. `insecure` skips certificate checks (only for our own listener). */
export function httpGet(url: string, timeoutMs: number, insecure = false): Promise<HttpProbe> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const options = { timeout: timeoutMs, agent: false, ...(target.protocol === 'https:' && insecure ? { rejectUnauthorized: false } : {}) };
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 2048) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim().split('\n')[0] ?? '' }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message }));
    req.end();
  });
}

/** `/readyz` of a server running with this configuration on this machine, or null when none answers. */
export async function probeReadiness(config: ModgateConfig, timeoutMs: number): Promise<{ status: number; body: string } | null> {
  const host = ['0.0.0.0', '::', ''].includes(config.listen.host) ? '127.0.0.1' : config.listen.host;
  const url = `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${config.listen.port}/readyz`;
  const probe = await httpGet(url, timeoutMs, true);
  return 'error' in probe ? null : probe;
}
