import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ldap from 'ldapjs';
import type { LdapConfig, ModgateConfig, OriginConfig } from '#config';
import type { ProxyListEntry } from '#gomod';
import { authHeader, GitMirror, GitProcessPool } from '#vcs';
import { fail, ok, reasonOf, type CheckResult } from './doctor-checks.js';
import { httpGet } from './doctor-http.js';

/** The module path asked of each upstream: reserved for examples (RFC 2606), so no proxy has it. */
const PROBE_MODULE = 'example.com/modgate-doctor-probe';

/** The directory answers, the service account (or an anonymous bind) may search the user base. */
export async function checkLdap(config: LdapConfig, timeoutMs: number): Promise<CheckResult> {
  const name = 'ldap';
  const base = config.searchBase ?? config.userDnTemplate!.slice(config.userDnTemplate!.indexOf(',') + 1);
  let bindPassword: string | undefined;
  try {
    bindPassword = config.bindCredentials ? readSecret(config.bindCredentials) : undefined;
  } catch (err) {
    return fail(name, `service account password: ${reasonOf(err)}`);
  }
  const client = ldap.createClient({
    url: config.url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    reconnect: false,
    ...(config.caFile ? { tlsOptions: { ca: readFileSync(config.caFile) } } : {}),
  });
  const closed = new Promise<Error>((resolve) => {
    client.on('error', resolve);
    client.on('connectError', resolve);
    client.on('connectTimeout', () => resolve(new Error(`no connection within ${timeoutMs / 1000} s`)));
  });
  const step = async <T>(what: string, run: (done: (err: Error | null, value?: T) => void) => void): Promise<T> => {
    const result = new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
    const broken = closed.then((err) => Promise.reject(err));
    try {
      return await Promise.race([result, broken]);
    } catch (err) {
      throw new Error(`${what}: ${reasonOf(err)}`, { cause: err });
    }
  };
  try {
    const as = config.bindDn ? `as ${config.bindDn}` : 'anonymously';
    if (config.bindDn) await step<void>(`bind ${as}`, (done) => client.bind(config.bindDn!, bindPassword!, (err) => done(err)));
    const entries = await step<number>(`search ${base} ${as}`, (done) =>
      client.search(base, { scope: 'base', filter: '(objectClass=*)', attributes: ['dn'] }, (err, res) => {
        if (err) return done(err);
        let count = 0;
        res.on('searchEntry', () => count++);
        res.on('error', (e) => done(e));
        res.on('end', () => done(null, count));
      }),
    );
    if (entries === 0) return fail(name, `${config.url}: the search base ${base} was not found`);
    return ok(name, `${config.url} answers; bound ${as} and read the search base ${base}`);
  } catch (err) {
    return fail(name, `${config.url}: ${reasonOf(err)}`);
  } finally {
    client.destroy();
  }
}

/** The upstream proxy answers the GOPROXY protocol; any 200, 404 or 410 shows it is there. */
export async function checkUpstream(entry: ProxyListEntry, timeoutMs: number): Promise<CheckResult> {
  const name = `upstream ${entry.url}`;
  const probe = await httpGet(`${entry.url}/${PROBE_MODULE}/@v/list`, timeoutMs);
  if ('error' in probe) return fail(name, `unreachable: ${probe.error}`);
  if ([200, 404, 410].includes(probe.status)) return ok(name, `answers (${probe.status} for the probe module ${PROBE_MODULE})`);
  return fail(name, `answered ${probe.status} for ${PROBE_MODULE}/@v/list: ${probe.body || '(no body)'}`);
}

/**
 * A git origin answers: `git ls-remote` of a repository mirrored from it (with the origin's
 * token), or, before any repository was mirrored, its host (or directory, for file://).
 */
export async function checkOrigin(origin: OriginConfig, config: ModgateConfig, timeoutMs: number): Promise<CheckResult> {
  const name = `origin ${origin.pattern}`;
  const mirrored = mirroredRepos(join(config.dataDir, 'git'), origin);
  if (mirrored.length > 0) {
    const { url, dir } = mirrored[0]!;
    const auth = origin.token ? { header: () => authHeader(origin.token!, origin.tokenUser) } : undefined;
    const mirror = new GitMirror({ url, dir, pool: new GitProcessPool(1), auth, timeoutMs });
    try {
      await mirror.remoteChanged();
      return ok(name, `git ls-remote ${url} answers (${mirrored.length} repositor${mirrored.length === 1 ? 'y' : 'ies'} mirrored)`);
    } catch (err) {
      return fail(name, `git ls-remote ${url} failed: ${reasonOf(err)}`);
    }
  }
  const base = origin.url.slice(0, origin.url.indexOf('{') < 0 ? undefined : origin.url.indexOf('{'));
  const target = new URL(base);
  if (target.protocol === 'file:') {
    const dir = fileURLToPath(new URL('.', target));
    return existsSync(dir) ? ok(name, `no repository mirrored yet; the directory ${dir} exists`) : fail(name, `the directory ${dir} of ${origin.url} does not exist`);
  }
  if (target.protocol === 'ssh:') {
    const port = Number(target.port || 22);
    const error = await tcpConnect(target.hostname, port, timeoutMs);
    return error ? fail(name, `${target.hostname}:${port} unreachable: ${error}`) : ok(name, `no repository mirrored yet; ${target.hostname}:${port} accepts connections`);
  }
  const probe = await httpGet(target.origin, timeoutMs);
  if ('error' in probe) return fail(name, `${target.origin} unreachable: ${probe.error}`);
  return ok(name, `no repository mirrored yet; ${target.origin} answers (${probe.status})`);
}

/** Bare mirrors under `<dataDir>/git` whose remote URL was made from this origin's template. */
function mirroredRepos(gitDir: string, origin: OriginConfig): Array<{ url: string; dir: string }> {
  const prefix = origin.url.slice(0, origin.url.indexOf('{') < 0 ? undefined : origin.url.indexOf('{'));
  let names: string[];
  try {
    names = readdirSync(gitDir).filter((n) => n.endsWith('.git'));
  } catch {
    return [];
  }
  const repos: Array<{ url: string; dir: string }> = [];
  for (const n of names) {
    const dir = join(gitDir, n);
    const url = /\[remote "origin"\][^[]*?\n\s*url = (.+)/.exec(safeRead(join(dir, 'config')))?.[1]?.trim();
    if (url?.startsWith(prefix) && existsSync(join(dir, 'HEAD'))) repos.push({ url, dir });
  }
  return repos;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readSecret(ref: { env: string } | { file: string }): string {
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (!value) throw new Error(`environment variable ${ref.env} is not set`);
    return value;
  }
  return readFileSync(ref.file, 'utf8').trim();
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no connection within ${timeoutMs / 1000} s`);
    });
    socket.once('error', (err) => resolve(err.message));
  });
}
