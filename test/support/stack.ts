import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import S3rver from 's3rver';
import { rawRequest, type RawResponse } from '../http-client.js';
import { ADMIN_AUTH, TEST_ADMIN_PASSWORD, writeNetrc } from './credentials.js';
import type { ExecResult } from './exec.js';
import { buildFixtureGoproxy, type FixtureGoproxy } from './fixture-goproxy.js';
import { startGitHttpServer, type GitHttpServer, type GitHttpServerOptions } from './git-http-server.js';
import { goEnv, runGo, type GoEnvOptions } from './go.js';
import { startModgate, type ModgateProcess } from './modgate-process.js';
import { freePort } from './net.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { startSlapd, type TestSlapd } from './slapd.js';
import { startStaticServer, type StaticServer, type StaticServerOptions } from './static-server.js';
import { createTestCa, type TestCa } from './tls.js';
import { makeTempDir, removeDir } from './tmp.js';

/** What {@link startStack} starts besides modgate; every part is off unless asked for. */
export interface StackOptions {
  /** Names the stack's temp directory (`modgate-<name>-XXXXXX`). */
  name: string;
  /** HTTPS with a throwaway CA (default), `false` for plain HTTP, or the certificate's extra DNS names. */
  tls?: boolean | { dnsNames: string[] };
  /** `embedded`: modgate's own default database, no DATABASE_URL (default); `postgres`: a cluster of the stack's own. */
  database?: 'embedded' | 'postgres';
  /** A slapd of the stack's own. */
  ldap?: boolean;
  /** Blobs in an S3 bucket `modules` on s3rver instead of the data directory. */
  s3?: boolean;
  /** Serve `<dir>/repos` over git smart HTTP (options of startGitHttpServer but the root). */
  gitHost?: boolean | Omit<GitHttpServerOptions, 'reposRoot'>;
  /**
   * The upstream GOPROXY: `fixture` serves buildFixtureGoproxy's tree over HTTP, `empty` an empty
   * `<dir>/upstream` (it records what it is asked), `{ root }` a tree of the caller's; default
   * `MODGATE_UPSTREAM=off`.
   */
  upstream?: 'fixture' | 'empty' | { root: string; options?: StaticServerOptions };
  /** A checksum database of this name (e.g. `sum.golang.org`): an empty tree that records requests. */
  sumdb?: string;
  /** The YAML config (MODGATE_CONFIG), given the started parts; lines are joined with newlines. */
  config?: (parts: StackParts) => string | string[];
  /** More server environment, over the stack's (e.g. MODGATE_SUMDB, MODGATE_LIST_TTL_SECONDS). */
  env?: Record<string, string> | ((parts: StackParts) => Record<string, string>);
  /** Passed to startModgate; default 60 s. */
  readyTimeoutMs?: number;
}

/** The parts of a stack, started before modgate. */
export interface StackParts {
  /** The stack's temp directory; removed by `stop()`. */
  dir: string;
  tls?: TestCa;
  /** The CA certificate's bytes, for rawGet/rawRequest. */
  ca?: Buffer;
  postgres?: TestPostgres;
  /** DATABASE_URL of the database `modgate` in the stack's Postgres. */
  databaseUrl?: string;
  slapd?: TestSlapd;
  /** s3rver (bucket `modules`): `close()` it to take the blob store away. */
  s3?: S3rver;
  /** `http://127.0.0.1:<port>` of s3rver. */
  s3Endpoint?: string;
  gitHost?: GitHttpServer;
  /** `<dir>/repos`: the git host's root. */
  reposRoot: string;
  fixture?: FixtureGoproxy;
  upstream?: StaticServer;
  sumdb?: StaticServer;
  /** MODGATE_CONFIG when `config` was given. */
  configPath?: string;
}

/** The admin API as the bootstrap admin (Basic), JSON in and out. */
export interface AdminClient {
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>): Promise<AdminResponse>;
  get(path: string): Promise<AdminResponse>;
  post(path: string, body?: unknown): Promise<AdminResponse>;
  put(path: string, body?: unknown): Promise<AdminResponse>;
  delete(path: string): Promise<AdminResponse>;
}

export interface AdminResponse extends RawResponse {
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/** A running stack (see {@link startStack}). */
export interface Stack extends StackParts {
  /** The modgate process. */
  modgate: ModgateProcess;
  url: string;
  /** The environment modgate was started with: start a replica or the CLI with it. */
  env: Record<string, string>;
  /** A .netrc with the bootstrap admin's credentials for modgate's host. */
  netrc: string;
  /** Writes `<dir>/netrc-<login>` for modgate's host and returns its path. */
  writeNetrc(login: string, password: string): Promise<string>;
  /**
   * The go command's environment through modgate (GOPROXY, SSL_CERT_FILE, NETRC: the admin's unless
   * given, GOFLAGS=-mod=mod): HOME `<dir>/gohome` (an empty directory, no go.mod), module cache
   * `<dir>/modcache-<modcache>`.
   */
  goEnv(opts?: { modcache?: string; netrc?: string } & Partial<GoEnvOptions>): Record<string, string>;
  /** `go <args>` through modgate (see {@link Stack.goEnv}), from `cwd` (default HOME). */
  go(args: readonly string[], opts?: { cwd?: string; env?: Record<string, string>; allowFailure?: boolean }): Promise<ExecResult>;
  admin: AdminClient;
  /**
   * Starts another modgate with the stack's environment, `env` over it and a listen address and
   * data directory of its own (`<dir>/<name>`): a replica when the stack has Postgres and S3.
   */
  startModgate(name: string, env?: Record<string, string>): Promise<ModgateProcess>;
  /** Stops modgate, every replica and part, and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts a whole stack in a temp directory — TLS, its own Postgres or modgate's embedded database, slapd, s3rver, a git host, a
 * fixture upstream, a YAML config — then modgate on a free port with the bootstrap admin, and hands
 * back clients for it: the go command, the admin API, a .netrc. On failure what was started is stopped.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const dir = await makeTempDir(opts.name);
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stoppers.splice(0).reverse()) await s().catch(() => undefined);
    await removeDir(dir);
  };
  try {
    const parts = await startParts(opts, dir, stoppers);
    const env = await serverEnv(opts, parts);
    const processes: ModgateProcess[] = [];
    const launch = async (serverEnvironment: Record<string, string>): Promise<ModgateProcess> => {
      const started = await startModgate({ env: serverEnvironment, caCert: parts.tls?.caCertPath, readyTimeoutMs: opts.readyTimeoutMs });
      processes.push(started);
      return started;
    };
    stoppers.push(() => Promise.all(processes.map((p) => p.stop())));
    const modgate = await launch(env);
    const url = modgate.url;
    const adminNetrc = await writeNetrc(join(dir, 'netrc'), url, 'admin', TEST_ADMIN_PASSWORD);
    const stackGoEnv: Stack['goEnv'] = ({ modcache = 'default', netrc, ...rest } = {}) =>
      goEnv({ home: join(dir, 'gohome'), goproxy: url, gomodcache: join(dir, `modcache-${modcache}`), caCert: parts.tls?.caCertPath, netrc: netrc ?? adminNetrc, ...rest });
    return {
      ...parts,
      modgate,
      url,
      env,
      netrc: adminNetrc,
      writeNetrc: (login, password) => writeNetrc(join(dir, `netrc-${login}`), url, login, password),
      goEnv: stackGoEnv,
      go: (args, { cwd, env: goEnvironment, allowFailure } = {}) => {
        const environment = goEnvironment ?? stackGoEnv();
        return runGo(args, { cwd: cwd ?? environment.HOME ?? dir, env: environment, allowFailure });
      },
      admin: adminClient(url, parts.ca),
      startModgate: async (name, extra = {}) =>
        launch({ ...env, MODGATE_LISTEN: `127.0.0.1:${await freePort()}`, MODGATE_DATA_DIR: join(dir, name), ...extra }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startParts(opts: StackOptions, dir: string, stoppers: Array<() => Promise<unknown>>): Promise<StackParts> {
  const parts: StackParts = { dir, reposRoot: join(dir, 'repos') };
  await Promise.all([mkdir(parts.reposRoot), mkdir(join(dir, 'gohome'))]);
  if (opts.tls !== false) {
    parts.tls = await createTestCa(join(dir, 'tls'), typeof opts.tls === 'object' ? opts.tls.dnsNames : []);
    parts.ca = await readFile(parts.tls.caCertPath);
  }
  if (opts.database === 'postgres') {
    const postgres = await startPostgres();
    stoppers.push(() => postgres.stop());
    parts.postgres = postgres;
    parts.databaseUrl = await postgres.createDatabase('modgate');
  }
  if (opts.ldap) {
    const slapd = await startSlapd();
    stoppers.push(() => slapd.close());
    parts.slapd = slapd;
  }
  if (opts.s3) {
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'modules' }] });
    const { port } = await s3.run();
    stoppers.push(() => s3.close());
    parts.s3 = s3;
    parts.s3Endpoint = `http://127.0.0.1:${port}`;
  }
  if (opts.gitHost) {
    const gitHost = await startGitHttpServer({ ...(typeof opts.gitHost === 'object' ? opts.gitHost : {}), reposRoot: parts.reposRoot });
    stoppers.push(() => gitHost.stop());
    parts.gitHost = gitHost;
  }
  if (opts.upstream) {
    if (opts.upstream === 'fixture') parts.fixture = await buildFixtureGoproxy(join(dir, 'fixture'));
    const served = opts.upstream === 'fixture' ? { root: parts.fixture!.root } : opts.upstream === 'empty' ? { root: join(dir, 'upstream') } : opts.upstream;
    parts.upstream = await startRecorded(served.root, 'options' in served ? (served.options ?? {}) : {}, stoppers);
  }
  if (opts.sumdb) parts.sumdb = await startRecorded(join(dir, 'sumdb'), {}, stoppers);
  if (opts.config) {
    const text = opts.config(parts);
    parts.configPath = join(dir, 'modgate.yaml');
    await writeFile(parts.configPath, Array.isArray(text) ? `${text.join('\n')}\n` : text);
  }
  return parts;
}

async function startRecorded(root: string, options: StaticServerOptions, stoppers: Array<() => Promise<unknown>>): Promise<StaticServer> {
  await mkdir(root, { recursive: true });
  const server = await startStaticServer(root, options);
  stoppers.push(() => server.stop());
  return server;
}

async function serverEnv(opts: StackOptions, parts: StackParts): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
    MODGATE_DATA_DIR: join(parts.dir, 'data'),
    MODGATE_UPSTREAM: parts.upstream?.url ?? 'off',
    MODGATE_SUMDB: parts.sumdb ? `${opts.sumdb} ${parts.sumdb.url}` : 'off',
    MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
  };
  if (parts.tls) Object.assign(env, { MODGATE_TLS_CERT: parts.tls.certPath, MODGATE_TLS_KEY: parts.tls.keyPath });
  if (parts.databaseUrl) env.DATABASE_URL = parts.databaseUrl;
  if (parts.s3Endpoint) {
    Object.assign(env, {
      MODGATE_STORAGE: 's3',
      MODGATE_S3_BUCKET: 'modules',
      MODGATE_S3_ENDPOINT: parts.s3Endpoint,
      MODGATE_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
  }
  if (parts.configPath) env.MODGATE_CONFIG = parts.configPath;
  return { ...env, ...(typeof opts.env === 'function' ? opts.env(parts) : opts.env) };
}

function adminClient(url: string, ca: Buffer | undefined): AdminClient {
  const request: AdminClient['request'] = async (method, path, body, headers = {}) => {
    const response = await rawRequest(method, url, path, {
      ca,
      headers: { ...ADMIN_AUTH, ...headers },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
    return { ...response, json: <T>() => JSON.parse(response.body.toString('utf8')) as T };
  };
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
    delete: (path) => request('DELETE', path),
  };
}
