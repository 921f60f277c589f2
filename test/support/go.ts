import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileText, type ExecResult } from './exec.js';

export interface GoEnvOptions {
  /** HOME of the go command; GOPATH, GOCACHE and the default GOMODCACHE live under it. */
  home: string;
  /** GOPROXY, e.g. `https://127.0.0.1:8443`, `file:///tmp/x/cache/download`, `direct`, `off`. */
  goproxy: string;
  /** Default `<home>/go/pkg/mod`. */
  gomodcache?: string;
  /** Path of a .netrc file (NETRC). The go command sends its credentials over HTTPS only. */
  netrc?: string;
  /** PEM CA bundle the go command trusts for HTTPS (SSL_CERT_FILE). */
  caCert?: string;
  /** GIT_CONFIG_GLOBAL, e.g. from makeGitInsteadOfConfig(); default: git reads `<home>/.gitconfig`. */
  gitConfig?: string;
  goprivate?: string;
  gonosumdb?: string;
  goinsecure?: string;
  /** Applied last; `undefined` removes a variable (e.g. `{ GOSUMDB: undefined }`). */
  extra?: Record<string, string | undefined>;
}

/**
 * A complete, clean environment for the go command: nothing inherited except PATH, so no GO*, GIT*
 * or proxy variable of the host leaks in. GOSUMDB=off (override through `extra`), GOFLAGS=-mod=mod,
 * GOTOOLCHAIN=local (ignored by Go 1.19, stops toolchain downloads on Go >= 1.21),
 * GIT_CONFIG_NOSYSTEM=1.
 */
export function goEnv(opts: GoEnvOptions): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: opts.home,
    LANG: 'C',
    TZ: 'UTC',
    GOPATH: join(opts.home, 'go'),
    GOMODCACHE: opts.gomodcache ?? join(opts.home, 'go', 'pkg', 'mod'),
    GOCACHE: join(opts.home, '.cache', 'go-build'),
    GOPROXY: opts.goproxy,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GOPRIVATE: opts.goprivate,
    GONOSUMDB: opts.gonosumdb,
    GOINSECURE: opts.goinsecure,
    SSL_CERT_FILE: opts.caCert,
    NETRC: opts.netrc,
    GIT_CONFIG_GLOBAL: opts.gitConfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...opts.extra,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export interface RunGoOptions {
  cwd: string;
  /** The complete environment, usually from goEnv(). */
  env: Record<string, string>;
  /** Resolve on a non-zero exit instead of rejecting. */
  allowFailure?: boolean;
  /** Default 120 s. */
  timeoutMs?: number;
}

/** Runs `go <args>` (no shell) and collects its output; rejects on failure unless `allowFailure`. */
export function runGo(args: readonly string[], options: RunGoOptions): Promise<ExecResult> {
  return execFileText('go', args, {
    cwd: options.cwd,
    env: options.env,
    allowFailure: options.allowFailure,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

/** One object of `go mod download -json` (Go 1.19 field names). */
export interface GoModDownload {
  Path: string;
  Version: string;
  /** Set when the argument was a query (`@main`, `@latest`), not a version. */
  Query?: string;
  /** Set instead of the file fields when this module failed. */
  Error?: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Dir?: string;
  /** `h1:` hash of the zip's content. */
  Sum?: string;
  /** `h1:` hash of the .mod file. */
  GoModSum?: string;
  Origin?: { VCS?: string; URL?: string; Ref?: string; Hash?: string };
}

/**
 * `go mod download -json <args>` run from `cwd` (default: the env's HOME, created if missing;
 * it should hold no go.mod). The go command prints one JSON object per argument even when some fail (each failed one
 * with an `Error` field, exit status 1); those are returned, not thrown. Rejects only when go
 * failed without printing JSON (bad flags, malformed arguments).
 */
export async function goModDownloadJsonAll(
  args: readonly string[],
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<GoModDownload[]> {
  const cwd = opts.cwd ?? env.HOME;
  if (cwd === undefined) throw new Error('goModDownloadJson: no cwd and no HOME in env');
  if (opts.cwd === undefined) await mkdir(cwd, { recursive: true });
  const result = await runGo(['mod', 'download', '-json', ...args], { cwd, env, allowFailure: true, timeoutMs: opts.timeoutMs });
  const objects = parseJsonStream(result.stdout) as GoModDownload[];
  if (objects.length === 0 && result.code !== 0) {
    throw new Error(`go mod download -json ${args.join(' ')}: exit status ${result.code}\n${result.stderr}`);
  }
  return objects;
}

/**
 * `go mod download -json <moduleAtQuery>` for one `path@query`; the result carries `Error` when
 * the go command could not download it.
 */
export async function goModDownloadJson(
  moduleAtQuery: string,
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<GoModDownload> {
  const objects = await goModDownloadJsonAll([moduleAtQuery], env, opts);
  const [first] = objects;
  if (objects.length !== 1 || first === undefined) {
    throw new Error(`go mod download -json ${moduleAtQuery}: expected one JSON object, got ${objects.length}`);
  }
  return first;
}

/** Parses concatenated JSON values as the go command's `-json` flags print them. */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new Error(`truncated JSON stream: ${text.slice(start, start + 200)}`);
  return values;
}
