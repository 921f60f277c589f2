import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequestOptions {
  ca?: Buffer;
  headers?: Record<string, string>;
  body?: Buffer;
}

/**
 * A request with a raw path (sent exactly as given: no normalisation of `..` or escapes) to a
 * test server, trusting `ca` for HTTPS.
 */
export function rawRequest(method: 'GET' | 'POST' | 'PUT' | 'DELETE', baseUrl: string, path: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = opts.body ? { 'content-type': 'application/json', 'content-length': String(opts.body.length), ...opts.headers } : opts.headers;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, ca: opts.ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function rawGet(baseUrl: string, path: string, opts: Omit<RawRequestOptions, 'body'> = {}): Promise<RawResponse> {
  return rawRequest('GET', baseUrl, path, opts);
}

export function rawPost(baseUrl: string, path: string, body: Buffer, opts: Omit<RawRequestOptions, 'body'> = {}): Promise<RawResponse> {
  return rawRequest('POST', baseUrl, path, { ...opts, body });
}
