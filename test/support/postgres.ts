import { access, chown, constants, mkdir, readdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { execFileText } from './exec.js';
import { freePort } from './net.js';
import { makeTempDir, removeDir } from './tmp.js';

/** A running throwaway Postgres cluster (superuser `postgres`, trust auth, 127.0.0.1 only). */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** The cluster's temp dir (data/, sock/, postgres.log); removed by `stop()`. */
  dir: string;
  /** Creates a database (the name is quoted, any string works) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Freezes every process of the cluster with SIGSTOP (a server that stops answering, not one that
   * is down: connections stay open, nothing is refused); `thaw()` sends SIGCONT.
   */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Stops the cluster immediately (no checkpoint) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const DEBIAN_PACKAGE_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/<version>/bin or on PATH: ' +
  'install the Debian package "postgresql" (on bookworm it brings "postgresql-15", which holds initdb and pg_ctl): ' +
  'apt-get install postgresql';

/**
 * Starts a fresh Postgres cluster in a new temp dir on a free port, tuned for tests (fsync off).
 * As root, initdb and the server run as the `postgres` user (initdb refuses root).
 * Always `await stop()` (e.g. in afterAll): the server outlives the test process otherwise.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = await findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  const dir = await makeTempDir('pg');
  const dataDir = join(dir, 'data');
  const sockDir = join(dir, 'sock');
  const logFile = join(dir, 'postgres.log');
  await mkdir(dataDir, { mode: 0o700 });
  await mkdir(sockDir, { mode: 0o700 });
  if (owner) {
    for (const d of [dir, dataDir, sockDir]) await chown(d, owner.uid, owner.gid);
  }
  const run = (tool: string, args: string[]): ReturnType<typeof execFileText> => {
    const command = join(bin, tool);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
    return asRoot
      ? execFileText('runuser', ['-u', 'postgres', '--', command, ...args], { env, cwd: dir, timeoutMs: 60_000 })
      : execFileText(command, args, { env, cwd: dir, timeoutMs: 60_000 });
  };

  let stopped = false;
  try {
    await run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // The port can be taken between freePort() and the server's bind: retry with another one.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      // pg_ctl runs the server through /bin/sh: quote the socket dir.
      const options = `-p ${port} -k '${sockDir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      // -l: the server must not inherit our stdout pipe, or pg_ctl's output would never close.
      const started = await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']).then(
        () => true,
        async (error: unknown) => {
          if (attempt >= 3) {
            const log = await readFile(logFile, 'utf8').catch(() => '');
            throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- postgres.log\n${log}`);
          }
          return false;
        },
      );
      if (started) break;
    }

    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const thaw = async (): Promise<void> => {
      for (const pid of (await clusterPids(dataDir)).reverse()) process.kill(pid, 'SIGCONT');
    };
    return {
      url,
      port,
      dir,
      async createDatabase(name: string): Promise<string> {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
        } finally {
          await client.end();
        }
        return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
      },
      async freeze(): Promise<void> {
        // The postmaster first, so it forks no new backend while the others are stopped.
        for (const pid of await clusterPids(dataDir)) process.kill(pid, 'SIGSTOP');
      },
      thaw,
      async stop(): Promise<void> {
        if (stopped) return;
        stopped = true;
        await thaw().catch(() => undefined);
        await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await removeDir(dir);
      },
    };
  } catch (error) {
    await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await removeDir(dir);
    throw error;
  }
}

/** The postmaster's pid (first) and its children's (backends, background workers). */
async function clusterPids(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children = await readFile(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8');
  return [postmaster, ...children.split(/\s+/).filter(Boolean).map(Number)];
}

/**
 * The bin dir of the highest `<root>/<major>` (Debian layout), else the dir on `path` holding
 * initdb and pg_ctl; throws naming the Debian package when there is none.
 */
export async function findPostgresBin(root = '/usr/lib/postgresql', path = process.env.PATH ?? ''): Promise<string> {
  const majors = await readdir(root).catch(() => [] as string[]);
  const candidates = majors
    .filter((m) => /^\d+(\.\d+)?$/.test(m))
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => join(root, m, 'bin'));
  candidates.push(...path.split(delimiter).filter(Boolean));
  for (const dir of candidates) {
    if ((await isExecutable(join(dir, 'initdb'))) && (await isExecutable(join(dir, 'pg_ctl')))) return dir;
  }
  throw new Error(DEBIAN_PACKAGE_HINT);
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  const fields = entry?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error('running as root, but there is no "postgres" user to run initdb as (the Debian package "postgresql-common" creates it)');
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
