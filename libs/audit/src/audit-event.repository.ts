import type { SqlClient } from '#db';
import { canonicalEvent, chainHash, type AuditDetail, type AuditEvent, type AuditEventFields } from './audit-event.js';
import { filterSql, type AuditFilter, type AuditPageRequest } from './audit-filter.js';

/** The head of the chain: the last event written. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** An archived, deleted range of the chain; verification continues after `lastSeq`. */
export interface AuditCheckpoint {
  firstSeq: number;
  lastSeq: number;
  lastHash: string;
  events: number;
  fromTime: Date;
  toTime: Date;
  archiveKey: string;
  archiveSha256: string;
}

const COLUMNS = `id, seq, time, action, principal_kind, principal_name, groups, ip, user_agent, module, version, artifact,
  status, reason, bytes, cache_hit, duration_ms, request_id, detail, prev_hash, hash`;

const INSERT_COLUMNS = `seq, time, action, principal_kind, principal_name, groups, ip, user_agent, module, version,
    artifact, status, reason, bytes, cache_hit, duration_ms, request_id, detail, prev_hash, hash`;

/** The rows of a batch: one JSON array of the canonical arrays, each followed by prev_hash and hash. */
const ROWS_FROM_JSON = `SELECT (e->>1)::bigint, (e->>2)::timestamptz, e->>3, e->>4, e->>5,
    ARRAY(SELECT g FROM jsonb_array_elements_text(e->6) WITH ORDINALITY AS t(g, n) ORDER BY n),
    e->>7, e->>8, e->>9, e->>10, e->>11, (e->>12)::int, e->>13, (e->>14)::bigint, (e->>15)::boolean,
    (e->>16)::int, e->>17, NULLIF(e->18, 'null'::jsonb), e->>19, e->>20
  FROM jsonb_array_elements($1::jsonb) AS e`;

/**
 * The fast path, one statement: compare-and-set of the chain head from the head this process
 * wrote last ($2, $3) to the batch's last event ($4, $5), and the insert of the batch only if the
 * head moved. The UPDATE holds the head row's lock until commit, so writers are serialised across
 * processes and replicas exactly as with SELECT ... FOR UPDATE; another writer in between makes it
 * change nothing, and the batch goes through the locked path. Nothing is written once the
 * database's clock has passed the deadline $6: a statement that reaches a stalled server late
 * must not commit the events of pulls that were refused meanwhile.
 */
const APPEND_IF_HEAD = `
WITH moved AS (
  UPDATE audit_chain SET last_seq = $4, last_hash = $5
  WHERE id = 1 AND last_seq = $2 AND last_hash = $3 AND clock_timestamp() < $6::timestamptz RETURNING 1
), inserted AS (
  INSERT INTO audit_event (${INSERT_COLUMNS})
  ${ROWS_FROM_JSON}
  WHERE EXISTS (SELECT 1 FROM moved)
  RETURNING 1
)
SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM inserted) AS inserted, clock_timestamp() < $6::timestamptz AS in_time`;

/** Thrown by an append that reached the database after its deadline: nothing was written. */
export class AuditDeadlineError extends Error {
  constructor(deadline: Date) {
    super(`the audit commit reached the database after its deadline (${deadline.toISOString()}); nothing written`);
    this.name = 'AuditDeadlineError';
  }
}

/** An append without a deadline (tests, tools): far in the future. */
const NO_DEADLINE = new Date('9999-12-31T00:00:00Z');

/** The locked path: inside a transaction that holds the head row (SELECT ... FOR UPDATE). */
const INSERT_BATCH = `
WITH inserted AS (
  INSERT INTO audit_event (${INSERT_COLUMNS})
  ${ROWS_FROM_JSON}
  RETURNING 1
)
UPDATE audit_chain SET last_seq = $2, last_hash = $3 WHERE id = 1`;

type Row = Record<string, unknown>;

/** All SQL of the audit log (raw SQL on the shared SqlClient; Postgres and PGlite alike). */
export class AuditEventRepository {
  constructor(readonly sql: SqlClient) {}

  /** The head after this process's last append: the fast path's guess of the current head. */
  private lastHead: ChainHead | null = null;
  /** The database's clock minus this process's, once measured: deadlines are sent in the database's time. */
  private clockOffsetMs: number | undefined;

  /**
   * Appends `batch` to the chain, durably, in one transaction that holds the head row's lock
   * (which serialises writers across processes and replicas), and sets each event's `seq`.
   * Usually one statement (see APPEND_IF_HEAD); after another writer, a locked transaction.
   * Writes nothing when the database reaches the statement after `deadline` (by its own clock)
   * and throws {@link AuditDeadlineError}. Overlapping calls (one left behind by a timeout) are
   * safe: the compare-and-set then fails and the locked path relinks.
   */
  async append(batch: AuditEventFields[], deadline: Date = NO_DEADLINE): Promise<ChainHead> {
    const guess = this.lastHead ?? (await this.head());
    // Until this append is known to have committed, the guess is no good.
    this.lastHead = null;
    if (deadline !== NO_DEADLINE) deadline = new Date(deadline.getTime() + (await this.clockOffset()));
    const linked = linkBatch(batch, guess);
    const [row] = await this.sql.query<{ moved: unknown; inserted: unknown; in_time: unknown }>(
      APPEND_IF_HEAD,
      [linked.payload, guess.seq, guess.hash, linked.last.seq, linked.last.hash, deadline],
      { name: 'modgate-audit-append' },
    );
    if (Number(row?.moved) === 1) {
      if (Number(row?.inserted) !== batch.length) throw new Error(`audit append inserted ${String(row?.inserted)} of ${batch.length} events`);
      this.lastHead = linked.last;
      return linked.last;
    }
    if (row?.in_time === false) throw new AuditDeadlineError(deadline);
    this.lastHead = await this.sql.transaction(async (tx) => {
      const [locked] = await tx.query<{ last_seq: unknown; last_hash: string; in_time: boolean }>(
        'SELECT last_seq, last_hash, clock_timestamp() < $1::timestamptz AS in_time FROM audit_chain WHERE id = 1 FOR UPDATE',
        [deadline],
      );
      if (!locked) throw new Error('audit_chain head row is missing');
      if (!locked.in_time) throw new AuditDeadlineError(deadline);
      const relinked = linkBatch(batch, { seq: Number(locked.last_seq), hash: locked.last_hash });
      await tx.query(INSERT_BATCH, [relinked.payload, relinked.last.seq, relinked.last.hash]);
      return relinked.last;
    });
    return this.lastHead;
  }

  /**
   * The database's clock minus ours, measured once from a quick round trip (a slow one, as when
   * the database stalls, says nothing: 0 until a quick one succeeds).
   */
  private async clockOffset(): Promise<number> {
    if (this.clockOffsetMs !== undefined) return this.clockOffsetMs;
    const sent = Date.now();
    const [row] = await this.sql.query<{ now: Date | string }>('SELECT clock_timestamp() AS now');
    const received = Date.now();
    if (received - sent > 100 || !row) return 0;
    this.clockOffsetMs = new Date(row.now).getTime() - (sent + received) / 2;
    return this.clockOffsetMs;
  }

  /** Up to `limit` events matching the filter, in (time, id) order after the cursor. */
  async page(request: AuditPageRequest): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const where = [filterSql(request.filter, params)];
    const dir = request.order === 'asc' ? 'ASC' : 'DESC';
    if (request.after) {
      params.push(request.after.time, request.after.id);
      where.push(`(time, id) ${request.order === 'asc' ? '>' : '<'} ($${params.length - 1}, $${params.length})`);
    }
    params.push(request.limit);
    const rows = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM audit_event WHERE ${where.join(' AND ')} ORDER BY time ${dir}, id ${dir} LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  async count(filter: AuditFilter): Promise<number> {
    const params: unknown[] = [];
    const [row] = await this.sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM audit_event WHERE ${filterSql(filter, params)}`, params);
    return Number(row?.n ?? 0);
  }

  /** Events by seq in (afterSeq, upToSeq], in chain order. */
  async chainSlice(afterSeq: number, upToSeq: number, limit: number): Promise<AuditEvent[]> {
    const rows = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM audit_event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`, [afterSeq, upToSeq, limit]);
    return rows.map(toEvent);
  }

  async head(): Promise<ChainHead> {
    const [row] = await this.sql.query<{ last_seq: unknown; last_hash: string }>('SELECT last_seq, last_hash FROM audit_chain WHERE id = 1');
    if (!row) throw new Error('audit_chain head row is missing');
    return { seq: Number(row.last_seq), hash: row.last_hash };
  }

  /** The first event stored beyond the head (only an out-of-band insert puts one there), in one snapshot. */
  async firstBeyondHead(): Promise<{ id: number; seq: number } | null> {
    const [row] = await this.sql.query<{ id: unknown; seq: unknown }>(
      'SELECT id, seq FROM audit_event WHERE seq > (SELECT last_seq FROM audit_chain WHERE id = 1) ORDER BY seq LIMIT 1',
    );
    return row ? { id: Number(row.id), seq: Number(row.seq) } : null;
  }

  async latestCheckpoint(): Promise<AuditCheckpoint | null> {
    const [row] = await this.sql.query<Row>(
      `SELECT first_seq, last_seq, last_hash, events, from_time, to_time, archive_key, archive_sha256
       FROM audit_checkpoint ORDER BY last_seq DESC LIMIT 1`,
    );
    return row ? toCheckpoint(row) : null;
  }

  /** The seq of the first event after `afterSeq` that is not older than `cutoff`, if any. */
  async firstUnexpiredSeq(afterSeq: number, cutoff: Date): Promise<number | null> {
    const [row] = await this.sql.query<{ seq: unknown }>('SELECT min(seq) AS seq FROM audit_event WHERE seq > $1 AND time >= $2', [afterSeq, cutoff]);
    return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
  }

  /** Records the checkpoint and deletes the archived events, in one transaction. */
  async commitArchive(checkpoint: AuditCheckpoint): Promise<number> {
    return this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO audit_checkpoint (first_seq, last_seq, last_hash, events, from_time, to_time, archive_key, archive_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [checkpoint.firstSeq, checkpoint.lastSeq, checkpoint.lastHash, checkpoint.events, checkpoint.fromTime, checkpoint.toTime, checkpoint.archiveKey, checkpoint.archiveSha256],
      );
      const deleted = await tx.query('DELETE FROM audit_event WHERE seq >= $1 AND seq <= $2 RETURNING 1', [checkpoint.firstSeq, checkpoint.lastSeq]);
      return deleted.length;
    });
  }

  /** Top modules and principals of GOPROXY requests in [from, to): one scan of the range, grouped three ways. */
  async summary(from: Date, to: Date, limit: number): Promise<AuditSummary> {
    const groups = await this.sql.query<Row>(
      `SELECT module, principal_kind, principal_name, GROUPING(module) AS no_module, GROUPING(principal_kind, principal_name) AS no_principal,
         count(*) AS requests,
         count(*) FILTER (WHERE action = 'goproxy.zip' AND status < 400) AS downloads,
         count(*) FILTER (WHERE status IN (401, 403)) AS denied,
         count(*) FILTER (WHERE status >= 500) AS errors,
         coalesce(sum(bytes), 0) AS bytes
       FROM audit_event WHERE time >= $1 AND time < $2 AND action LIKE 'goproxy.%'
       GROUP BY GROUPING SETS ((), (module), (principal_kind, principal_name))`,
      [from, to],
    );
    const counts = (r: Row) => ({ requests: Number(r.requests), downloads: Number(r.downloads), denied: Number(r.denied) });
    const top = (rows: Row[]) => rows.sort((a, b) => Number(b.requests) - Number(a.requests)).slice(0, limit);
    // GROUPING() is a bit mask of the columns not grouped by: the grand total has both set.
    const totals = groups.find((r) => Number(r.no_module) === 1 && Number(r.no_principal) === 3);
    const modules = top(groups.filter((r) => Number(r.no_module) === 0 && r.module !== null));
    const principals = top(groups.filter((r) => Number(r.no_principal) === 0));
    const distinct = new Map<string, number>();
    if (modules.length > 0) {
      const rows = await this.sql.query<Row>(
        `SELECT module, count(DISTINCT principal_name) AS principals FROM audit_event
         WHERE module = ANY($3::text[]) AND time >= $1 AND time < $2 AND action LIKE 'goproxy.%' GROUP BY module`,
        [from, to, modules.map((r) => r.module)],
      );
      for (const r of rows) distinct.set(r.module as string, Number(r.principals));
    }
    return {
      from,
      to,
      requests: Number(totals?.requests ?? 0),
      downloads: Number(totals?.downloads ?? 0),
      denied: Number(totals?.denied ?? 0),
      errors: Number(totals?.errors ?? 0),
      bytes: Number(totals?.bytes ?? 0),
      topModules: modules.map((r) => ({ module: r.module as string, ...counts(r), principals: distinct.get(r.module as string) ?? 0 })),
      topPrincipals: principals.map((r) => ({ kind: r.principal_kind as string, name: (r.principal_name as string | null) ?? null, ...counts(r), bytes: Number(r.bytes) })),
    };
  }

  /** Who pulled `module@version` (any artifact), one row per principal, most recent first. */
  async blastRadius(module: string, version: string): Promise<BlastRadiusEntry[]> {
    const rows = await this.sql.query<Row>(
      `SELECT principal_kind, principal_name,
         count(*) FILTER (WHERE status < 400) AS pulls,
         count(*) FILTER (WHERE status >= 400) AS refused,
         coalesce(array_agg(DISTINCT artifact) FILTER (WHERE status < 400 AND artifact IS NOT NULL), '{}') AS artifacts,
         coalesce(array_agg(DISTINCT ip) FILTER (WHERE ip IS NOT NULL), '{}') AS ips,
         (array_agg(to_jsonb(groups) ORDER BY time DESC))[1] AS groups,
         min(time) AS first_time, max(time) AS last_time
       FROM audit_event
       WHERE module = $1 AND version = $2 AND action IN ('goproxy.info', 'goproxy.mod', 'goproxy.zip')
       GROUP BY principal_kind, principal_name
       ORDER BY max(time) DESC
       LIMIT 10000`,
      [module, version],
    );
    return rows.map((r) => ({
      kind: r.principal_kind as string,
      name: (r.principal_name as string | null) ?? null,
      groups: (r.groups as string[] | null) ?? [],
      pulls: Number(r.pulls),
      refused: Number(r.refused),
      artifacts: ((r.artifacts as string[] | null) ?? []).sort(),
      ips: ((r.ips as string[] | null) ?? []).sort(),
      first: r.first_time as Date,
      last: r.last_time as Date,
    }));
  }
}

/** Totals and top lists of GOPROXY requests over a time range. */
export interface AuditSummary {
  from: Date;
  to: Date;
  requests: number;
  /** Successful `.zip` downloads. */
  downloads: number;
  /** Refused with 401 or 403. */
  denied: number;
  errors: number;
  bytes: number;
  topModules: Array<{ module: string; requests: number; downloads: number; denied: number; principals: number }>;
  topPrincipals: Array<{ kind: string; name: string | null; requests: number; downloads: number; denied: number; bytes: number }>;
}

/** One principal that asked for a module version: what it got, from where, when. */
export interface BlastRadiusEntry {
  kind: string;
  name: string | null;
  /** Groups at its most recent request. */
  groups: string[];
  /** Successful requests (`.info`, `.mod`, `.zip`). */
  pulls: number;
  refused: number;
  /** Artifacts it received: `zip` means it has the code. */
  artifacts: string[];
  ips: string[];
  first: Date;
  last: Date;
}

/** Gives the batch seqs after `head`, hashes each onto the previous one; the insert payload and the new head. */
function linkBatch(batch: AuditEventFields[], head: ChainHead): { payload: string; last: ChainHead } {
  let seq = head.seq;
  let prev = head.hash;
  const rows: string[] = [];
  for (const event of batch) {
    event.seq = ++seq;
    const canonical = canonicalEvent(event);
    const hash = chainHash(prev, canonical);
    rows.push(`${canonical.slice(0, -1)},"${prev}","${hash}"]`);
    prev = hash;
  }
  return { payload: `[${rows.join(',')}]`, last: { seq, hash: prev } };
}

/** A row of audit_event as an AuditEvent (int8 columns as numbers). */
export function toEvent(row: Row): AuditEvent {
  return {
    id: Number(row.id),
    seq: Number(row.seq),
    time: row.time instanceof Date ? row.time : new Date(String(row.time)),
    action: row.action as string,
    principalKind: row.principal_kind as string,
    principalName: (row.principal_name as string | null) ?? null,
    groups: (row.groups as string[] | null) ?? [],
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    module: (row.module as string | null) ?? null,
    version: (row.version as string | null) ?? null,
    artifact: (row.artifact as string | null) ?? null,
    status: nullableNumber(row.status),
    reason: (row.reason as string | null) ?? null,
    bytes: nullableNumber(row.bytes),
    cacheHit: (row.cache_hit as boolean | null) ?? null,
    durationMs: nullableNumber(row.duration_ms),
    requestId: (row.request_id as string | null) ?? null,
    detail: (row.detail as AuditDetail | null) ?? null,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

function toCheckpoint(row: Row): AuditCheckpoint {
  return {
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    lastHash: row.last_hash as string,
    events: Number(row.events),
    fromTime: row.from_time as Date,
    toTime: row.to_time as Date,
    archiveKey: row.archive_key as string,
    archiveSha256: row.archive_sha256 as string,
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

