import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findPostgresNative, postgresMajor, preparePostgres, type PostgresInstallation } from './postgres-binaries.js';
import { blockedDirectory, postgresUserFor, type PostgresUser } from './postgres-user.js';

/** The superuser the cluster is made with, and the name modgate connects as. */
const SUPERUSER = 'modgate';
/** Socket file name only: the server listens on no TCP port. */
const SOCKET_PORT = 5432;

export interface EmbeddedPostgresOptions {
  /** The cluster directory (PGDATA); made with initdb when it holds no cluster yet. */
  dir: string;
  /** Receives the server's own log lines. */
  log: (level: 'info' | 'warn', line: string) => void;
  /** Called when the running server exits without being stopped (killed, crashed). */
  onUnexpectedExit?: (code: number | null) => void;
  /** Connections the server admits (every modgate process opens up to ~31). */
  maxConnections?: number;
  readyTimeoutMs?: number;
}

/** A Postgres server that modgate started and that stops when modgate stops or dies. */
export interface EmbeddedPostgres {
  /** Connection URL over the server's private Unix socket. */
  url: string;
  /** The postmaster's process id. */
  pid: number;
  /** Whom the server runs as: the current user, or the unprivileged account chosen when root. */
  user: string;
  /** Fast shutdown (open transactions are rolled back); resolves once the server is gone. */
  stop(): Promise<void>;
}

/** Root cannot hand the cluster directory to an unprivileged user: the embedded Postgres cannot run here. */
export class EmbeddedPostgresUnavailable extends Error {}

/**
 * Starts a real Postgres server from the npm-shipped binaries on cluster `dir`: made with initdb
 * on first use, listening only on a Unix socket in a fresh 0700 directory (trust authentication:
 * whoever can reach that socket can read the cluster's files anyway). As root it runs as an
 * unprivileged user (see {@link postgresUserFor}) that owns `dir`. The server is watched by a
 * small shell that shuts it down as soon as modgate's end of its stdin closes, which is also what
 * happens when modgate is killed.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = postgresUserFor(process.getuid?.());
  const parent = dirname(opts.dir);
  await mkdir(parent, { recursive: true });
  const blocked = user ? blockedDirectory(parent, user) : undefined;
  if (user && blocked) {
    throw new EmbeddedPostgresUnavailable(
      `running as root, the embedded Postgres runs as ${user.name}, which cannot enter ${blocked} on the way to ${opts.dir}`,
    );
  }
  const native = findPostgresNative();
  refuseOtherMajor(opts.dir, postgresMajor(native));
  const runtimeDir = await mkdtemp(join(tmpdir(), 'modgate-postgres-'));
  try {
    const install = await preparePostgres(native, runtimeDir, user);
    if (user) await chownTree(runtimeDir, user);
    if (!existsSync(join(opts.dir, 'PG_VERSION'))) await initCluster(opts.dir, install, user);
    await waitForPreviousServer(opts.dir);
    return await runServer(opts, install, user, runtimeDir);
  } catch (err) {
    await rm(runtimeDir, { recursive: true, force: true });
    throw err;
  }
}

/** A cluster made by another Postgres major version cannot be opened by these binaries: say so plainly. */
function refuseOtherMajor(dir: string, major: number): void {
  let made: string;
  try {
    made = readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();
  } catch {
    return;
  }
  if (made !== String(major)) {
    throw new Error(`${dir} holds a Postgres ${made} cluster, and this modgate ships Postgres ${major}: move it with pg_dump/pg_restore of Postgres ${major} (docs/backup-and-upgrade.md), or run the modgate version that made it`);
  }
}

/** initdb into a sibling directory, renamed into place once complete: a crash leaves no half cluster. */
async function initCluster(dir: string, install: PostgresInstallation, user: PostgresUser | undefined): Promise<void> {
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.init-`;
  for (const name of await readdir(parent)) {
    if (name.startsWith(prefix)) await rm(join(parent, name), { recursive: true, force: true });
  }
  const staging = join(parent, `${prefix}${process.pid}`);
  await mkdir(staging, { mode: 0o700 });
  if (user) await chown(staging, user.uid, user.gid);
  const args = ['-D', staging, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=reject', '-E', 'UTF8', '--locale=C', '--no-instructions'];
  // One syncfs() instead of an fsync() per file (Linux only): the same durability, faster.
  if (process.platform === 'linux') args.push('--sync-method=syncfs');
  const child = spawn(join(install.bin, 'initdb'), args, { ...spawnOptions(install, user), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`initdb of the embedded Postgres failed (${code}): ${tail(output)}`);
  await rename(staging, dir);
}

/**
 * A server from an earlier modgate (killed, so its watcher is shutting the server down) may still
 * hold the cluster for a moment: wait for it. A pid file whose process is gone is removed.
 */
async function waitForPreviousServer(dir: string, timeoutMs = 15_000): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = postmasterPid(pidFile);
    if (pid === undefined) return;
    if (!isPostgresProcess(pid)) {
      await unlink(pidFile).catch(() => undefined);
      return;
    }
    if (Date.now() > deadline) throw new Error(`${dir} is in use by Postgres process ${pid} (another modgate on this data directory?)`);
    await sleep(50);
  }
}

function postmasterPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // Where /proc exists, a pid reused by another program does not count.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('postgres');
  } catch {
    return !existsSync('/proc/self');
  }
}

/*
 * Runs the server in the background, then waits for either its exit or EOF on stdin (modgate
 * stopped or died): on EOF it asks for a fast shutdown (SIGINT). The runtime directory (socket,
 * library links) goes with the server.
 */
const WATCHER = `exec 3<&0 </dev/null
runtime=$1; shift
"$@" 3<&- &
pg=$!
{ read -r _ <&3; kill -INT "$pg" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$pg"; status=$?
kill "$watcher" 2>/dev/null
rm -rf "$runtime"
exit "$status"`;

async function runServer(opts: EmbeddedPostgresOptions, install: PostgresInstallation, user: PostgresUser | undefined, runtimeDir: string): Promise<EmbeddedPostgres> {
  const settings = {
    listen_addresses: '',
    port: String(SOCKET_PORT),
    unix_socket_directories: runtimeDir,
    unix_socket_permissions: '0700',
    max_connections: String(opts.maxConnections ?? 100),
    log_line_prefix: '',
    // One server for one application: no replication, no I/O worker processes (fewer idle processes).
    wal_level: 'minimal',
    max_wal_senders: '0',
    max_logical_replication_workers: '0',
    io_method: 'sync',
  };
  const args = [join(install.bin, 'postgres'), '-D', opts.dir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Its own process group: a terminal's Ctrl-C reaches modgate, which finishes its requests first.
  const child = spawn('/bin/sh', ['-c', WATCHER, 'modgate-postgres', runtimeDir, ...args], {
    ...spawnOptions(install, user),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let recent = '';
  const relay = (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      recent = tail(`${recent}\n${line}`);
      opts.log(/^(WARNING|ERROR|FATAL|PANIC):/.test(line) ? 'warn' : 'info', line);
    }
  };
  child.stdout!.setEncoding('utf8').on('data', relay);
  child.stderr!.setEncoding('utf8').on('data', relay);
  const exited = exitOf(child);
  let gone = false;
  void exited.then(() => (gone = true));

  const pidFile = join(opts.dir, 'postmaster.pid');
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  let pid: number | undefined;
  while (pid === undefined) {
    if (gone) throw new Error(`the embedded Postgres exited during start: ${recent}`);
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`the embedded Postgres was not ready within ${opts.readyTimeoutMs ?? 60_000} ms: ${recent}`);
    }
    pid = readyPid(pidFile);
    if (pid === undefined) await sleep(20);
  }
  const url = `postgresql://${SUPERUSER}@localhost/postgres?host=${encodeURIComponent(runtimeDir)}`;
  let stopping = false;
  void exited.then((code) => {
    if (!stopping) opts.onUnexpectedExit?.(code);
  });
  return {
    url,
    pid,
    user: user?.name ?? 'the current user',
    async stop() {
      stopping = true;
      child.stdin!.end();
      const timer = setTimeout(() => stopGroup(child), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The postmaster's pid once its pid file says it accepts connections. */
function readyPid(pidFile: string): number | undefined {
  let lines: string[];
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  return lines[7]?.trim() === 'ready' ? Number(lines[0]) : undefined;
}

function spawnOptions(install: PostgresInstallation, user: PostgresUser | undefined) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC', ...install.env };
  // The working directory must be one the server's user may enter.
  return { env, cwd: '/', ...(user ? { uid: user.uid, gid: user.gid } : {}) };
}

function stopGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
}

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

async function chownTree(dir: string, user: PostgresUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(path, user);
    else if (!entry.isSymbolicLink()) await chown(path, user.uid, user.gid);
  }
}
