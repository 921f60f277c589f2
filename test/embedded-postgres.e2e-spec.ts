import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_AUTH, TEST_ADMIN_PASSWORD, freePort, makeTempDir, removeDir, startModgate, startStaticServer, type ModgateProcess, type StaticServer } from './support/index.js';
import { rawGet } from './http-client.js';

const MODULE = 'example.com/embedded';
const IS_ROOT = process.getuid?.() === 0;

/** A one-module upstream tree: `.info` and `.mod` of v1.0.0 and v1.1.0. */
async function writeUpstream(root: string): Promise<void> {
  const dir = join(root, MODULE, '@v');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'list'), 'v1.0.0\nv1.1.0\n');
  for (const version of ['v1.0.0', 'v1.1.0']) {
    await writeFile(join(dir, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' }));
    await writeFile(join(dir, `${version}.mod`), `module ${MODULE}\n\ngo 1.19\n`);
  }
}

/** The postmaster's pid file lines (pid, data dir, start, port, socket dir, TCP address, ...), or undefined. */
function postmasterPidFile(dataDir: string): string[] | undefined {
  try {
    return readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'))!;
  return Number(line.split(/\s+/)[1]);
}

function passwdUid(name: string): number | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(':')[2]) : undefined;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pulls of `version`'s `.mod` recorded in the audit log. */
async function auditedPulls(modgate: ModgateProcess, version: string): Promise<number> {
  const response = await rawGet(modgate.url, `/api/audit/events?module=${MODULE}&version=${version}&action=goproxy.mod`, { headers: ADMIN_AUTH });
  expect(response.status).toBe(200);
  return (JSON.parse(response.body.toString()) as { events: unknown[] }).events.length;
}

async function pull(modgate: ModgateProcess, version: string): Promise<void> {
  const response = await rawGet(modgate.url, `/${MODULE}/@v/${version}.mod`);
  expect([response.status, response.body.toString()]).toEqual([200, `module ${MODULE}\n\ngo 1.19\n`]);
}

/**
 * The embedded default database: a Postgres server started by modgate from the npm-shipped
 * binaries in `<data dir>/postgres`, stopped with it, surviving a kill -9 of modgate.
 */
describe('embedded Postgres (the default database without DATABASE_URL)', () => {
  let dir: string;
  let dataDir: string;
  let upstream: StaticServer;
  let env: Record<string, string>;
  let modgate: ModgateProcess | undefined;

  beforeAll(async () => {
    dir = await makeTempDir('embedded-postgres');
    dataDir = join(dir, 'data');
    await writeUpstream(join(dir, 'upstream'));
    upstream = await startStaticServer(join(dir, 'upstream'));
    env = {
      MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
      MODGATE_DATA_DIR: dataDir,
      MODGATE_UPSTREAM: upstream.url,
      MODGATE_SUMDB: 'off',
      MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    };
  });

  afterAll(async () => {
    await modgate?.stop();
    await upstream?.stop();
    if (dir) await removeDir(dir);
  });

  it('a fresh data dir: healthy on the embedded Postgres, which serves and audits a pull', async () => {
    modgate = await startModgate({ env });
    expect(modgate.stdout()).toMatch(/embedded Postgres in \S+ ready in \d+ ms/);
    expect(modgate.stdout()).toContain(`database: embedded Postgres in ${join(dataDir, 'postgres')}`);
    expect(existsSync(join(dataDir, 'db'))).toBe(false);
    await pull(modgate, 'v1.0.0');
    expect(await auditedPulls(modgate, 'v1.0.0')).toBe(1);
  });

  it('listens on a private Unix socket only: no TCP address, socket directory mode 0700', () => {
    const lines = postmasterPidFile(dataDir)!;
    expect(lines[5]!.trim()).toBe('');
    expect(statSync(lines[4]!).mode & 0o777).toBe(0o700);
  });

  const privilegeTest = IS_ROOT
    ? 'as root: Postgres runs as the unprivileged "modgate" or "nobody" user, which owns the cluster (mode 0700)'
    : 'not root (the root case is not covered by this run): Postgres runs as the current user, who owns the cluster (mode 0700)';
  it(privilegeTest, () => {
    const pid = Number(postmasterPidFile(dataDir)![0]);
    const expected = IS_ROOT ? (passwdUid('modgate') ?? passwdUid('nobody')) : process.getuid!();
    expect(uidOf(pid)).toBe(expected);
    const cluster = statSync(join(dataDir, 'postgres'));
    expect([cluster.uid, cluster.mode & 0o777]).toEqual([expected, 0o700]);
  });

  it('SIGTERM stops Postgres with modgate; the next start has the data', async () => {
    const lines = postmasterPidFile(dataDir)!;
    const [pid, socketDir] = [lines[0], lines[4]];
    expect(await modgate!.stop()).toBe(0);
    modgate = undefined;
    expect(isRunning(Number(pid))).toBe(false);
    expect(postmasterPidFile(dataDir)).toBeUndefined();
    expect(existsSync(socketDir!)).toBe(false);

    modgate = await startModgate({ env });
    expect(await auditedPulls(modgate, 'v1.0.0')).toBe(1);
  });

  it('kill -9 of modgate: its Postgres shuts itself down, and the next start is healthy with the data', async () => {
    await pull(modgate!, 'v1.1.0');
    const pid = Number(postmasterPidFile(dataDir)![0]);
    await modgate!.kill9();
    modgate = undefined;
    // No orphan: the server notices that modgate is gone, without any new start.
    await waitFor(`Postgres ${pid} exits after modgate was killed`, () => !isRunning(pid));

    modgate = await startModgate({ env });
    expect(await auditedPulls(modgate, 'v1.0.0')).toBe(1);
    expect(await auditedPulls(modgate, 'v1.1.0')).toBe(1);
  });

  it('Postgres killed: modgate says so and exits; the stale postmaster.pid does not block the next start', async () => {
    const pid = Number(postmasterPidFile(dataDir)![0]);
    process.kill(pid, 'SIGKILL');
    await waitFor(`Postgres ${pid} is gone`, () => !isRunning(pid));
    // SIGCONT changes nothing: this waits for the exit modgate makes by itself.
    expect(await modgate!.stop('SIGCONT')).toBe(1);
    expect(modgate!.stdout()).toContain('the embedded Postgres exited (');
    modgate = undefined;
    expect(postmasterPidFile(dataDir)?.[0]).toBe(String(pid));

    modgate = await startModgate({ env });
    expect(await auditedPulls(modgate, 'v1.1.0')).toBe(1);
    expect(Number(postmasterPidFile(dataDir)![0])).not.toBe(pid);
  });

  it('MODGATE_WORKERS=2 share the one embedded Postgres, which stops with them', async () => {
    await modgate?.stop();
    modgate = await startModgate({ env: { ...env, MODGATE_WORKERS: '2' } });
    const pid = Number(postmasterPidFile(dataDir)![0]);
    for (let i = 0; i < 4; i++) await pull(modgate, 'v1.0.0');
    expect(await auditedPulls(modgate, 'v1.0.0')).toBe(5);
    expect(await modgate.stop()).toBe(0);
    modgate = undefined;
    expect(isRunning(pid)).toBe(false);
  });
});

describe('a data dir made by an earlier modgate on PGlite', () => {
  let dir: string;
  let upstream: StaticServer;
  let env: Record<string, string>;
  let modgate: ModgateProcess | undefined;

  beforeAll(async () => {
    dir = await makeTempDir('embedded-pglite');
    await writeUpstream(join(dir, 'upstream'));
    upstream = await startStaticServer(join(dir, 'upstream'));
    env = {
      MODGATE_LISTEN: `127.0.0.1:${await freePort()}`,
      MODGATE_DATA_DIR: join(dir, 'data'),
      MODGATE_UPSTREAM: upstream.url,
      MODGATE_SUMDB: 'off',
      MODGATE_INITIAL_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    };
  });

  afterAll(async () => {
    await modgate?.stop();
    await upstream?.stop();
    if (dir) await removeDir(dir);
  });

  it('stays on PGlite with its data, saying how to move, and makes no Postgres cluster', async () => {
    modgate = await startModgate({ env: { ...env, MODGATE_EMBEDDED_DB: 'pglite' } });
    expect(modgate.stdout()).toContain(`database: embedded PGlite in ${join(dir, 'data', 'db')}`);
    await pull(modgate, 'v1.0.0');
    await modgate.stop();

    modgate = await startModgate({ env });
    expect(modgate.stdout()).toContain(`${join(dir, 'data', 'db')} holds PGlite data: staying on the embedded PGlite`);
    expect(modgate.stdout()).toContain('docs/backup-and-upgrade.md');
    expect(modgate.stdout()).toContain(`database: embedded PGlite in ${join(dir, 'data', 'db')}`);
    expect(await auditedPulls(modgate, 'v1.0.0')).toBe(1);
    expect(existsSync(join(dir, 'data', 'postgres'))).toBe(false);
  });
});

(IS_ROOT ? describe : describe.skip)('as root, a data dir the unprivileged user cannot reach', () => {
  let dir: string;
  let modgate: ModgateProcess | undefined;

  beforeAll(async () => {
    // mkdtemp's mode 0700: nobody else may enter.
    dir = await mkdtemp(join(tmpdir(), 'modgate-embedded-private-'));
  });

  afterAll(async () => {
    await modgate?.stop();
    if (dir) await removeDir(dir);
  });

  it('falls back to PGlite with a warning that says why and what to do', async () => {
    modgate = await startModgate({ env: { MODGATE_LISTEN: `127.0.0.1:${await freePort()}`, MODGATE_DATA_DIR: join(dir, 'data'), MODGATE_UPSTREAM: 'off', MODGATE_SUMDB: 'off' } });
    expect(modgate.stdout()).toMatch(new RegExp(`runs as (modgate|nobody), which cannot enter ${dir} .*using the embedded PGlite in ${join(dir, 'data', 'db')} instead`));
    expect(modgate.stdout()).toContain('Run modgate as an unprivileged user');
    expect(existsSync(join(dir, 'data', 'postgres'))).toBe(false);
  });
});
