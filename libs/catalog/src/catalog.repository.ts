import type { SqlClient } from '#db';

/** A module version in the catalog (`module_version`), as the catalog endpoints list it. */
export interface CatalogEntry {
  modulePath: string;
  version: string;
  firstFetchedAt: Date;
}

/** One version of a module, with what the module page shows. */
export interface VersionDetail {
  version: string;
  source: 'upstream' | 'private';
  size: number;
  h1: string | null;
  firstFetchedAt: Date;
  lastPulledAt: Date | null;
  pulls: number;
  evictedAt: Date | null;
}

/** One module, summed over its versions. */
export interface ModuleSummary {
  modulePath: string;
  source: 'upstream' | 'private';
  /** Versions held now (evicted ones not counted). */
  versions: number;
  size: number;
  pulls: number;
  lastPulledAt: Date | null;
}

export interface TagEventRow {
  version: string;
  tag: string;
  servedCommit: string;
  currentCommit: string | null;
  detectedAt: Date;
}

/** Bytes held, by source and by module path prefix. */
export interface StorageUsage {
  bySource: Array<{ source: string; versions: number; bytes: number }>;
  byPrefix: Array<{ prefix: string; source: string; versions: number; bytes: number }>;
}

/** An artifact a blob key names. */
export interface ArtifactId {
  modulePath: string;
  version: string;
  kind: string;
}

type Row = Record<string, unknown>;

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const maybeDate = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));

/** `LIKE` pattern text matching `text` literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Module search terms: one term with a `/` is a path prefix; otherwise every word must occur in
 * the path. Case-insensitive (module paths are matched case-insensitively wherever a git host is).
 */
export function searchCondition(query: string, firstParam: number): { sql: string; params: string[] } {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { sql: 'TRUE', params: [] };
  if (words.length === 1 && words[0]!.includes('/')) return { sql: `lower(module_path) LIKE $${firstParam}`, params: [`${escapeLike(words[0]!)}%`] };
  return { sql: words.map((_, i) => `strpos(lower(module_path), $${firstParam + i}) > 0`).join(' AND '), params: words };
}

/**
 * The catalog tables (`module_version` and `catalog_module`, kept by a trigger on artifact; `module_pull_day` and the
 * pull counts, added from the audit log by {@link countPulls}: migration 0010_catalog) and the
 * artifact rows the storage lifecycle needs. Raw SQL: keyset pages in byte
 * order that the primary key and the first-fetched index answer without sorting.
 */
export class CatalogRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Adds the next audit events (up to `maxEvents`, in seq order from the watermark) to the pull
   * counts, in one transaction with the watermark: each event is counted once. Per version:
   * successful `.zip` downloads and the last successful `.info`/`.mod`/`.zip`; per module and UTC
   * day: downloads and successful GOPROXY requests. Returns the number of events read.
   */
  async countPulls(maxEvents: number): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const [mark] = await tx.query<{ last_seq: unknown }>('SELECT last_seq FROM pull_count_watermark WHERE id = 1 FOR UPDATE');
      if (!mark) throw new Error('pull_count_watermark has no row');
      const from = String(mark.last_seq);
      const [range] = await tx.query<{ upto: unknown; events: unknown }>(
        'SELECT max(seq) AS upto, count(*) AS events FROM (SELECT seq FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2) AS next',
        [from, maxEvents],
      );
      if (range?.upto === null || range?.upto === undefined) return 0;
      const upto = String(range.upto);
      await tx.query(
        `UPDATE module_version AS v SET pulls = v.pulls + p.zips, last_pulled_at = greatest(v.last_pulled_at, p.last)
         FROM (
           SELECT module, version, count(*) FILTER (WHERE action = 'goproxy.zip') AS zips, max(time) AS last FROM audit_event
           WHERE seq > $1 AND seq <= $2 AND action IN ('goproxy.info', 'goproxy.mod', 'goproxy.zip') AND status < 400 AND module IS NOT NULL AND version IS NOT NULL
           GROUP BY module, version
         ) AS p
         WHERE v.module_path = p.module AND v.version = p.version`,
        [from, upto],
      );
      await tx.query(
        `INSERT INTO module_pull_day (module_path, day, pulls, requests)
         SELECT module, (time AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE action = 'goproxy.zip'), count(*) FROM audit_event
         WHERE seq > $1 AND seq <= $2 AND action LIKE 'goproxy.%' AND action <> 'goproxy.invalid' AND status < 400 AND module IS NOT NULL
         GROUP BY 1, 2
         ON CONFLICT (module_path, day) DO UPDATE SET pulls = module_pull_day.pulls + EXCLUDED.pulls, requests = module_pull_day.requests + EXCLUDED.requests`,
        [from, upto],
      );
      await tx.query('UPDATE pull_count_watermark SET last_seq = $1 WHERE id = 1', [upto]);
      return Number(range.events);
    });
  }

  /** Held versions after (`modulePath`, `version`), in path then version byte order. */
  async catalogPage(after: { modulePath: string; version: string } | null, limit: number): Promise<CatalogEntry[]> {
    const rows = await this.sql.query<Row>(
      `SELECT module_path, version, first_fetched_at FROM module_version
       WHERE evicted_at IS NULL AND (module_path, version) > ($1, $2)
       ORDER BY module_path, version LIMIT $3`,
      [after?.modulePath ?? '', after?.version ?? '', limit],
      { name: 'modgate-catalog-page' },
    );
    return rows.map(toEntry);
  }

  /** Held versions first fetched at or after `since`, strictly after the keyset position `after`, oldest first. */
  async indexPage(since: Date, after: CatalogEntry | null, limit: number): Promise<CatalogEntry[]> {
    const rows = await this.sql.query<Row>(
      `SELECT module_path, version, first_fetched_at FROM module_version
       WHERE evicted_at IS NULL AND first_fetched_at >= $1 AND (first_fetched_at, module_path, version) > ($2, $3, $4)
       ORDER BY first_fetched_at, module_path, version LIMIT $5`,
      [since, after?.firstFetchedAt ?? new Date(0), after?.modulePath ?? '', after?.version ?? '', limit],
      { name: 'modgate-catalog-index' },
    );
    return rows.map(toEntry);
  }

  /**
   * Modules after `afterPath` matching the search, in path order: the matching paths from
   * `catalog_module` (one row per module; a prefix through its lower-case path index, words by a
   * scan of the module paths), then their versions summed.
   */
  async searchModules(query: string, afterPath: string, limit: number): Promise<ModuleSummary[]> {
    const condition = searchCondition(query, 3);
    const rows = await this.sql.query<Row>(
      `WITH hits AS (SELECT module_path FROM catalog_module WHERE module_path > $1 AND ${condition.sql} ORDER BY module_path LIMIT $2)
       SELECT v.module_path, min(v.source) AS source, count(*) FILTER (WHERE v.evicted_at IS NULL) AS versions,
         sum(v.size) AS size, sum(v.pulls) AS pulls, max(v.last_pulled_at) AS last_pulled_at
       FROM hits JOIN module_version v ON v.module_path = hits.module_path
       GROUP BY v.module_path ORDER BY v.module_path`,
      [afterPath, limit, ...condition.params],
    );
    return rows.map((r) => ({
      modulePath: r.module_path as string,
      source: r.source as ModuleSummary['source'],
      versions: Number(r.versions),
      size: Number(r.size),
      pulls: Number(r.pulls),
      lastPulledAt: maybeDate(r.last_pulled_at),
    }));
  }

  /** Every version of a module ever held, evicted ones included. */
  async versionsOf(modulePath: string): Promise<VersionDetail[]> {
    const rows = await this.sql.query<Row>(
      `SELECT version, source, size, h1, first_fetched_at, last_pulled_at, pulls, evicted_at
       FROM module_version WHERE module_path = $1 ORDER BY first_fetched_at, version`,
      [modulePath],
    );
    return rows.map((r) => ({
      version: r.version as string,
      source: r.source as VersionDetail['source'],
      size: Number(r.size),
      h1: (r.h1 as string | null) ?? null,
      firstFetchedAt: date(r.first_fetched_at),
      lastPulledAt: maybeDate(r.last_pulled_at),
      pulls: Number(r.pulls),
      evictedAt: maybeDate(r.evicted_at),
    }));
  }

  /** Zip downloads and requests per UTC day since `from` (days without any are left out). */
  async pullsByDay(modulePath: string, from: Date): Promise<Array<{ day: string; pulls: number; requests: number }>> {
    const rows = await this.sql.query<Row>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, pulls, requests FROM module_pull_day WHERE module_path = $1 AND day >= $2::date ORDER BY day`,
      [modulePath, from.toISOString().slice(0, 10)],
    );
    return rows.map((r) => ({ day: r.day as string, pulls: Number(r.pulls), requests: Number(r.requests) }));
  }

  async tagEventsOf(modulePath: string): Promise<TagEventRow[]> {
    const rows = await this.sql.query<Row>(
      `SELECT version, tag, served_commit, current_commit, detected_at FROM tag_event WHERE module_path = $1 ORDER BY detected_at DESC LIMIT 100`,
      [modulePath],
    );
    return rows.map((r) => ({
      version: r.version as string,
      tag: r.tag as string,
      servedCommit: r.served_commit as string,
      currentCommit: (r.current_commit as string | null) ?? null,
      detectedAt: date(r.detected_at),
    }));
  }

  /** Bytes held by source, and by the first `depth` elements of the module path (largest first). */
  async storageUsage(depth: number, limit: number): Promise<StorageUsage> {
    const bySource = await this.sql.query<Row>(
      `SELECT source, count(*) FILTER (WHERE evicted_at IS NULL) AS versions, coalesce(sum(size), 0) AS bytes FROM module_version GROUP BY source ORDER BY source`,
    );
    const byPrefix = await this.sql.query<Row>(
      `SELECT array_to_string((string_to_array(module_path, '/'))[1:$1], '/') AS prefix, source,
         count(*) FILTER (WHERE evicted_at IS NULL) AS versions, coalesce(sum(size), 0) AS bytes
       FROM module_version GROUP BY 1, 2 ORDER BY bytes DESC, prefix LIMIT $2`,
      [depth, limit],
    );
    return {
      bySource: bySource.map((r) => ({ source: r.source as string, versions: Number(r.versions), bytes: Number(r.bytes) })),
      byPrefix: byPrefix.map((r) => ({ prefix: r.prefix as string, source: r.source as string, versions: Number(r.versions), bytes: Number(r.bytes) })),
    };
  }

  /** Which of `ids` have an artifact row. */
  async recordedArtifacts(ids: ArtifactId[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql.query<Row>(
      `SELECT a.module_path, a.version, a.kind FROM artifact a
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(module_path, version, kind)
         ON a.module_path = k.module_path AND a.version = k.version AND a.kind = k.kind`,
      [ids.map((i) => i.modulePath), ids.map((i) => i.version), ids.map((i) => i.kind)],
    );
    return new Set(rows.map((r) => artifactIdKey({ modulePath: r.module_path as string, version: r.version as string, kind: r.kind as string })));
  }

  /** Public versions held whose last pull (or first fetch, if never pulled) is before `cutoff`, oldest first. */
  async unusedPublicVersions(cutoff: Date, limit: number): Promise<Array<{ modulePath: string; version: string; lastUsedAt: Date }>> {
    const rows = await this.sql.query<Row>(
      `SELECT module_path, version, coalesce(last_pulled_at, first_fetched_at) AS last_used FROM module_version
       WHERE source = 'upstream' AND evicted_at IS NULL AND coalesce(last_pulled_at, first_fetched_at) < $1
       ORDER BY coalesce(last_pulled_at, first_fetched_at) LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((r) => ({ modulePath: r.module_path as string, version: r.version as string, lastUsedAt: date(r.last_used) }));
  }

  /**
   * Deletes a public version's artifact rows and marks it evicted, in one transaction, unless it
   * was pulled since `cutoff`; returns the kinds deleted (none: it was pulled meanwhile, or is private).
   */
  async evict(modulePath: string, version: string, cutoff: Date): Promise<string[]> {
    return this.sql.transaction(async (tx) => {
      const marked = await tx.query(
        `UPDATE module_version SET evicted_at = now(), size = 0
         WHERE module_path = $1 AND version = $2 AND source = 'upstream' AND evicted_at IS NULL AND coalesce(last_pulled_at, first_fetched_at) < $3
         RETURNING 1`,
        [modulePath, version, cutoff],
      );
      if (marked.length === 0) return [];
      const deleted = await tx.query<{ kind: string }>(`DELETE FROM artifact WHERE module_path = $1 AND version = $2 AND source = 'upstream' RETURNING kind`, [
        modulePath,
        version,
      ]);
      return deleted.map((r) => r.kind);
    });
  }
}

export function artifactIdKey(id: ArtifactId): string {
  return `${id.modulePath}\n${id.version}\n${id.kind}`;
}

function toEntry(r: Row): CatalogEntry {
  return { modulePath: r.module_path as string, version: r.version as string, firstFetchedAt: date(r.first_fetched_at) };
}
