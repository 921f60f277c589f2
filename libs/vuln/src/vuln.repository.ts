import type { SqlClient } from '#db';
import type { AffectedModule, VulnEntry } from './osv-entry.js';
import type { FeedUpdate, IndexFile } from './read-feed.js';

/** The last successful import. */
export interface FeedState {
  generation: number;
  source: string;
  dbModified: Date;
  importedAt: Date;
}

const STATE = 'vulndb';
const CHUNK = 500;

/** The imported vulnerability database in Postgres: entries, index files and the generation counter. */
export class VulnRepository {
  constructor(private readonly sql: SqlClient) {}

  /** id -> listed modified time (ms) of every stored entry. */
  async storedModified(): Promise<Map<string, number>> {
    const rows = await this.sql.query<{ id: string; listed_modified: string | number }>('SELECT id, listed_modified FROM vuln_entry');
    return new Map(rows.map((r) => [r.id, Number(r.listed_modified)]));
  }

  /** Every entry without its bytes, for the in-memory index. */
  async entries(): Promise<VulnEntry[]> {
    const rows = await this.sql.query<EntryRow>('SELECT id, modified, published, withdrawn, aliases, summary, affected FROM vuln_entry ORDER BY id');
    return rows.map(toEntry);
  }

  /** One entry (withdrawn ones too), without its bytes. */
  async entry(id: string): Promise<VulnEntry | null> {
    const rows = await this.sql.query<EntryRow>('SELECT id, modified, published, withdrawn, aliases, summary, affected FROM vuln_entry WHERE id = $1', [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async entryBody(id: string): Promise<Buffer | null> {
    const rows = await this.sql.query<{ body: Uint8Array }>('SELECT body FROM vuln_entry WHERE id = $1', [id]);
    return rows[0] ? Buffer.from(rows[0].body) : null;
  }

  async indexFile(name: IndexFile): Promise<Buffer | null> {
    const rows = await this.sql.query<{ body: Uint8Array }>('SELECT body FROM vuln_index_file WHERE name = $1', [name]);
    return rows[0] ? Buffer.from(rows[0].body) : null;
  }

  async state(): Promise<FeedState | null> {
    const rows = await this.sql.query<{ generation: string | number; source: string; db_modified: Date; imported_at: Date }>(
      'SELECT generation, source, db_modified, imported_at FROM vuln_feed_state WHERE name = $1',
      [STATE],
    );
    const row = rows[0];
    return row ? { generation: Number(row.generation), source: row.source, dbModified: new Date(row.db_modified), importedAt: new Date(row.imported_at) } : null;
  }

  async count(): Promise<number> {
    const rows = await this.sql.query<{ n: string | number }>('SELECT count(*) AS n FROM vuln_entry');
    return Number(rows[0]?.n ?? 0);
  }

  /** Applies an update in one transaction and bumps the generation; returns the new state. */
  async apply(update: FeedUpdate, source: string): Promise<FeedState> {
    return this.sql.transaction(async (tx) => {
      for (let i = 0; i < update.changed.length; i += CHUNK) {
        const chunk = update.changed.slice(i, i + CHUNK);
        const params: unknown[] = [];
        const values = chunk.map(({ entry, body, listed }) => {
          const n = params.length;
          params.push(entry.id, entry.modified, String(listed), entry.published, entry.withdrawn, entry.aliases, entry.summary, JSON.stringify(entry.affected), body);
          return `($${n + 1}, $${n + 2}, $${n + 3}::bigint, $${n + 4}, $${n + 5}, $${n + 6}::text[], $${n + 7}, $${n + 8}::jsonb, $${n + 9}, now())`;
        });
        await tx.query(
          `INSERT INTO vuln_entry (id, modified, listed_modified, published, withdrawn, aliases, summary, affected, body, imported_at) VALUES ${values.join(', ')}
           ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified, listed_modified = EXCLUDED.listed_modified, published = EXCLUDED.published,
             withdrawn = EXCLUDED.withdrawn, aliases = EXCLUDED.aliases, summary = EXCLUDED.summary, affected = EXCLUDED.affected, body = EXCLUDED.body, imported_at = now()`,
          params,
        );
      }
      if (update.removed.length > 0) await tx.query('DELETE FROM vuln_entry WHERE id = ANY($1::text[])', [update.removed]);
      await tx.query('DELETE FROM vuln_index_file');
      for (const [name, body] of update.indexFiles) await tx.query('INSERT INTO vuln_index_file (name, body) VALUES ($1, $2)', [name, body]);
      const rows = await tx.query<{ generation: string | number; imported_at: Date }>(
        `INSERT INTO vuln_feed_state (name, generation, source, db_modified, imported_at) VALUES ($1, 1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET generation = vuln_feed_state.generation + 1, source = EXCLUDED.source, db_modified = EXCLUDED.db_modified, imported_at = now()
         RETURNING generation, imported_at`,
        [STATE, source, update.modified],
      );
      return { generation: Number(rows[0]!.generation), source, dbModified: update.modified, importedAt: new Date(rows[0]!.imported_at) };
    });
  }

  /** Records that `key` was audited; false when another replica (or an earlier run) already did. */
  async claimExceptionAudit(key: string): Promise<boolean> {
    const rows = await this.sql.query('INSERT INTO vuln_exception_audit (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key', [key]);
    return rows.length > 0;
  }
}

interface EntryRow {
  id: string;
  modified: Date;
  published: Date | null;
  withdrawn: Date | null;
  aliases: string[];
  summary: string;
  affected: AffectedModule[] | string;
}

function toEntry(row: EntryRow): VulnEntry {
  return {
    id: row.id,
    modified: new Date(row.modified),
    published: row.published ? new Date(row.published) : null,
    withdrawn: row.withdrawn ? new Date(row.withdrawn) : null,
    aliases: row.aliases,
    summary: row.summary,
    affected: typeof row.affected === 'string' ? (JSON.parse(row.affected) as AffectedModule[]) : row.affected,
  };
}
