import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip } from 'node:zlib';

/** A running git smart-HTTP server (see {@link startGitHttpServer}). */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash); a repository is `<url>/<path under reposRoot>`. */
  url: string;
  /** `<METHOD> <path>` of every request in arrival order, refused ones too (no query, no headers). */
  requests: string[];
  /** Closes the listener and open connections. Idempotent. */
  stop(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Directory holding the repositories (bare or not); `<url>/a/b.git` serves `<reposRoot>/a/b.git`. */
  reposRoot: string;
  /** When set, every request needs `Authorization: Bearer <token>` or `Basic base64(<user>:<token>)`. */
  token?: string;
  /** The user name Basic auth must carry with the token; any name when unset. */
  tokenUser?: string;
  /**
   * Answers `GET <path>?go-get=1` with a go-import meta tag: import prefix (e.g.
   * `git.corp/team/widget`) -> repository path under `reposRoot` (`team/widget.git`). The request
   * path is matched against the prefix without its host, so any host name mapped here works.
   */
  goImports?: Record<string, string>;
  /**
   * Resolve repository paths ignoring case, as GitHub, GitLab and Gitea do: `<url>/Acme/Widget.git`
   * serves `<reposRoot>/acme/widget.git`.
   */
  caseInsensitive?: boolean;
}

/**
 * Serves the repositories under `reposRoot` over git's smart-HTTP protocol on 127.0.0.1 and a free
 * port, by running `git http-backend` as a CGI program (read-only: receive-pack stays off), with
 * optional token auth and go-get discovery pages.
 */
export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: string[] = [];
  let url = '';

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const [rawPath = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const path = safeDecode(rawPath);
    requests.push(`${req.method ?? 'GET'} ${path}`);
    if (opts.token !== undefined && !authorized(req.headers.authorization, opts.token, opts.tokenUser)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    if (new URLSearchParams(query).get('go-get') === '1') {
      goGetPage(res, path, url, opts.goImports ?? {});
      return;
    }
    runHttpBackend(req, res, opts.reposRoot, opts.caseInsensitive ? onDiskSpelling(opts.reposRoot, path) : path, query);
  };

  const server = createServer(handle);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    requests,
    stop(): Promise<void> {
      closed ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function authorized(header: string | undefined, token: string, tokenUser: string | undefined): boolean {
  const [scheme = '', credential = ''] = (header ?? '').split(' ', 2);
  if (scheme.toLowerCase() === 'bearer') return credential === token;
  if (scheme.toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return decoded.slice(colon + 1) === token && (tokenUser === undefined || decoded.slice(0, colon) === tokenUser);
}

function goGetPage(res: ServerResponse, path: string, url: string, goImports: Record<string, string>): void {
  const match = Object.entries(goImports).find(([prefix]) => {
    const prefixPath = prefix.slice(prefix.indexOf('/'));
    return prefix.includes('/') && (path === prefixPath || path.startsWith(`${prefixPath}/`));
  });
  if (!match) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no go-import for this path\n');
    return;
  }
  const [prefix, repoPath] = match;
  const content = `${prefix} git ${url}/${repoPath.replace(/^\/+/, '')}`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!DOCTYPE html>\n<html><head><meta name="go-import" content="${escapeHtml(content)}"></head><body></body></html>\n`);
}

/** Runs `git http-backend` (CGI) for one request, piping the body in and the response out. */
function runHttpBackend(req: IncomingMessage, res: ServerResponse, reposRoot: string, path: string, query: string): void {
  const gzipped = (req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: reposRoot,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: reposRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: path,
    QUERY_STRING: query,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: 'git',
  };
  // A gunzipped body has no known length: without CONTENT_LENGTH, http-backend reads to EOF.
  if (!gzipped && req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = req.headers['content-length'];
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const fail = (message: string): void => {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${message}\n`);
    } else {
      res.destroy();
    }
  };
  child.on('error', (error) => fail(`git http-backend: ${error.message}`));
  child.stdin.on('error', () => {
    // http-backend may answer (e.g. 404) without reading the body.
  });
  child.stderr.resume();
  (gzipped ? req.pipe(createGunzip()).on('error', () => child.stdin.destroy()) : req).pipe(child.stdin);

  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      if (!res.write(chunk)) child.stdout.pause();
      return;
    }
    head = Buffer.concat([head, chunk]);
    const split = headerEnd(head);
    if (!split) return;
    headersDone = true;
    const { status, headers } = parseCgiHeaders(head.subarray(0, split.at).toString('latin1'));
    res.writeHead(status, headers);
    const rest = head.subarray(split.at + split.length);
    if (rest.length > 0 && !res.write(rest)) child.stdout.pause();
  });
  res.on('drain', () => child.stdout.resume());
  child.on('close', (code) => {
    if (!headersDone) fail(`git http-backend exited with ${code} before its headers`);
    else res.end();
  });
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** `path` with each element respelled as an entry under `root` that equals it ignoring case. */
function onDiskSpelling(root: string, path: string): string {
  let dir = root;
  const out: string[] = [];
  for (const element of path.split('/').filter(Boolean)) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      // Not a directory (or missing): keep the rest as asked.
    }
    const match = entries.find((entry) => entry.toLowerCase() === element.toLowerCase()) ?? element;
    out.push(match);
    dir = join(dir, match);
  }
  return `/${out.join('/')}`;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
