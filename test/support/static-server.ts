import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A running static file server (see {@link startStaticServer}). */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Decoded request path -> number of requests (every method, also while down). */
  hits: Map<string, number>;
  /** Every request's decoded path, in arrival order (query strings dropped). */
  requests: string[];
  /** While down, every request is answered 502 (an upstream outage). */
  setDown(down: boolean): void;
  /** Closes the listener and open connections; afterwards the port refuses connections. Idempotent. */
  stop(): Promise<void>;
}

export interface StaticServerOptions {
  /** Wait this long before answering each request (makes concurrent-request races real). */
  delayMs?: number;
}

/**
 * Serves the files under `root` over HTTP on 127.0.0.1 and a free port: a GOPROXY upstream when
 * `root` is a GOPROXY tree (e.g. buildFixtureGoproxy().root). GET and HEAD only; 404 text/plain for
 * anything that is not a regular file; 400 for paths escaping `root`; 405 for other methods.
 */
export async function startStaticServer(root: string, opts: StaticServerOptions = {}): Promise<StaticServer> {
  const base = resolve(root);
  const hits = new Map<string, number>();
  const requests: string[] = [];
  let down = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    requests.push(path);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));

    if (down) return text(res, 502, 'static server is down (setDown(true))\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed\n');
    const file = resolve(base, `.${path}`);
    const rel = relative(base, file);
    if (path.includes('\0') || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      return text(res, 400, 'path escapes the root\n');
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return text(res, 404, `not found: ${path}\n`);

    res.writeHead(200, { 'content-type': contentType(file), 'content-length': info.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `static server error: ${String(error)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    requests,
    setDown(value: boolean): void {
      down = value;
    },
    stop(): Promise<void> {
      closed ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function contentType(file: string): string {
  if (file.endsWith('.zip')) return 'application/zip';
  if (file.endsWith('.info') || file.endsWith('.json')) return 'application/json';
  return 'text/plain; charset=utf-8';
}
