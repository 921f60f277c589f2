import { randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ModgateConfig } from '#config';
import { findMigrationsDir, readMigrations } from '#db';
import { createBlobStore } from '#storage';
import { probeReadiness } from './doctor-http.js';

/** One line of `modgate doctor`: `ok`, `WARN` (works, but look) or `FAIL`. */
export interface CheckResult {
  status: 'ok' | 'WARN' | 'FAIL';
  name: string;
  detail: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ status: 'ok', name, detail });
export const warn = (name: string, detail: string): CheckResult => ({ status: 'WARN', name, detail });
export const fail = (name: string, detail: string): CheckResult => ({ status: 'FAIL', name, detail });

/** The first line of an error's message (drivers put stack-like detail below it). */
export function reasonOf(err: unknown): string {
  const e = err as Error & { code?: string; cause?: Error };
  const message = (e?.message || e?.code || e?.name || String(err)).split('\n')[0]!;
  return e?.cause?.message && !message.includes(e.cause.message) ? `${message}: ${e.cause.message}` : message;
}

/** Certificates expiring sooner than this are reported (WARN). */
const EXPIRY_WARNING_DAYS = 14;

/** Postgres answers and every committed migration is applied; an embedded database is opened only when no server holds it. */
export async function checkDatabase(config: ModgateConfig, timeoutMs: number): Promise<CheckResult> {
  const name = 'database';
  const expected = readMigrations(findMigrationsDir()).map((m) => m.name);
  if (config.database.kind === 'postgres') {
    const url = new URL(config.database.url);
    const where = `Postgres ${url.hostname}:${url.port || 5432}${url.pathname}`;
    const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const applied = await appliedMigrations((sql) => client.query(sql).then((r) => r.rows as Array<Record<string, unknown>>));
      return migrationsVerdict(name, where, expected, applied);
    } catch (err) {
      return fail(name, `${where} unreachable: ${reasonOf(err)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  const dir = config.database.dir;
  const where = `embedded ${config.database.kind === 'pglite' ? 'PGlite' : 'Postgres'} in ${dir}`;
  if (!existsSync(join(dir, 'PG_VERSION'))) return warn(name, `${where} does not exist yet; the first \`modgate serve\` creates it`);
  // PGlite admits one process, and the embedded Postgres listens only for the server that started
  // it: while a server runs on it, ask that server instead of opening it.
  if (existsSync(join(dir, 'postmaster.pid'))) {
    const readiness = await probeReadiness(config, timeoutMs);
    if (readiness === null) return warn(name, `${where} is held (postmaster.pid) but no server answers on ${config.listen.host}:${config.listen.port}: another process uses it, or a server crashed (the next start recovers it); not opened`);
    if (readiness.status === 200) return ok(name, `${where}, in use by the running server (its /readyz: ready); not opened`);
    return fail(name, `${where}, in use by the running server, which reports: ${readiness.body}`);
  }
  if (config.database.kind === 'embedded-postgres') return ok(name, `${where}, not running: \`modgate serve\` starts it and applies pending migrations`);
  const { PGlite } = await import('@electric-sql/pglite');
  let db: InstanceType<typeof PGlite> | undefined;
  try {
    db = await PGlite.create(dir);
    const applied = await appliedMigrations(async (sql) => (await db!.query<Record<string, unknown>>(sql)).rows);
    return migrationsVerdict(name, where, expected, applied);
  } catch (err) {
    return fail(name, `${where} cannot be opened: ${reasonOf(err)}`);
  } finally {
    await db?.close().catch(() => undefined);
  }
}

async function appliedMigrations(query: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<string[] | null> {
  const [table] = await query(`SELECT to_regclass('"_modgate_migrations"')::text AS name`);
  if (!table?.name) return null;
  return (await query('SELECT "name" FROM "_modgate_migrations" ORDER BY "name"')).map((row) => String(row.name));
}

function migrationsVerdict(name: string, where: string, expected: string[], applied: string[] | null): CheckResult {
  if (applied === null) return fail(name, `${where} reachable, but no migrations are applied (\`modgate serve\` applies ${expected.length} at start)`);
  const pending = expected.filter((m) => !applied.includes(m));
  if (pending.length > 0) return fail(name, `${where} reachable, but ${pending.length} migration(s) not applied: ${pending.join(', ')} (\`modgate serve\` applies them at start)`);
  const unknown = applied.filter((m) => !expected.includes(m));
  if (unknown.length > 0) return warn(name, `${where} reachable; it has migrations this modgate does not know (${unknown.join(', ')}): a newer version ran on it`);
  return ok(name, `${where} reachable, all ${expected.length} migrations applied`);
}

/** A probe object is written, read back and deleted. */
export async function checkStorage(config: ModgateConfig): Promise<CheckResult> {
  const name = 'storage';
  const store = createBlobStore(config.storage);
  const key = `_doctor/probe-${randomBytes(8).toString('hex')}`;
  const body = Buffer.from(`modgate doctor ${new Date().toISOString()}\n`);
  let step = 'write';
  try {
    await store.put(key, body);
    step = 'read';
    const { stream } = await store.get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (!Buffer.concat(chunks).equals(body)) return fail(name, `${store.description}: the probe object read back differs from what was written`);
    step = 'delete';
    await store.delete(key);
    return ok(name, `${store.description} writable (probe object written, read back and deleted)`);
  } catch (err) {
    return fail(name, `${store.description}: cannot ${step} a probe object: ${reasonOf(err)}`);
  }
}

/** The certificate and key load, belong together, and the certificate is valid now (and for a while). */
export function checkTls(config: ModgateConfig, now = new Date()): CheckResult {
  const name = 'tls';
  if (!config.tls) return warn(name, 'no MODGATE_TLS_CERT/MODGATE_TLS_KEY: serving plain HTTP (the go command sends .netrc credentials only over HTTPS)');
  const { certFile, keyFile } = config.tls;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch (err) {
    return fail(name, `certificate ${certFile} does not load: ${reasonOf(err)}`);
  }
  let key;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch (err) {
    return fail(name, `key ${keyFile} does not load: ${reasonOf(err)}`);
  }
  if (!cert.checkPrivateKey(key)) return fail(name, `key ${keyFile} does not belong to certificate ${certFile}`);
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const subject = cert.subjectAltName ?? cert.subject.replace(/\n/g, ', ');
  if (now < from) return fail(name, `certificate ${certFile} (${subject}) is not valid before ${from.toISOString()}`);
  if (now >= to) return fail(name, `certificate ${certFile} (${subject}) expired on ${to.toISOString()}`);
  const days = Math.floor((to.getTime() - now.getTime()) / 86_400_000);
  if (days < EXPIRY_WARNING_DAYS) return warn(name, `certificate ${certFile} (${subject}) expires in ${days} day(s), on ${to.toISOString()}`);
  return ok(name, `certificate and key load and match (${subject}); valid until ${to.toISOString().slice(0, 10)} (${days} days)`);
}
