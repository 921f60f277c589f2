import type { PrismaClient } from './generated/client.js';
import type { SqlClient } from './sql-client.js';

export type ArtifactKind = 'info' | 'mod' | 'zip';
export type ArtifactSource = 'upstream' | 'private';

/** Metadata of one stored, verified artifact. */
export interface ArtifactRecord {
  modulePath: string;
  version: string;
  kind: ArtifactKind;
  source: ArtifactSource;
  size: number;
  sha256: string;
  h1: string | null;
  /** The git commit a private artifact was built from (null for upstream artifacts). */
  originCommit: string | null;
}

/** A refusal in force for a request (see RefusalRepository), as the lookup of a request finds it. */
export interface KnownRefusal {
  status: number;
  message: string;
}

/** What modgate knows of one requested artifact: its row, or the refusal in force, or neither. */
export interface ArtifactLookup {
  record: ArtifactRecord | null;
  refusal: KnownRefusal | null;
}

const RECORD_COLUMNS = 'a.module_path, a.version, a.kind, a.source, a.size, a.sha256, a.h1, a.origin_commit';

/**
 * The request path's statements, raw and prepared (each pull that misses the in-process cache runs
 * them; through Prisma they cost several times the CPU): the lookup also finds a refusal in force,
 * so an uncached request needs one round trip before it fetches.
 */
const LOOKUP = `SELECT ${RECORD_COLUMNS}, r.status AS refused_status, r.message AS refused_message
  FROM (SELECT 1) AS one
  LEFT JOIN artifact a ON a.module_path = $1 AND a.version = $2 AND a.kind = $3
  LEFT JOIN refusal r ON r.module_path = $1 AND r.version = $2 AND r.kind = $3 AND (r.expires_at IS NULL OR r.expires_at > now())`;
const FIND = `SELECT ${RECORD_COLUMNS} FROM artifact a WHERE a.module_path = $1 AND a.version = $2 AND a.kind = $3`;
const INSERT_ONCE = `INSERT INTO artifact AS a (module_path, version, kind, source, size, sha256, h1, origin_commit)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (module_path, version, kind) DO NOTHING RETURNING ${RECORD_COLUMNS}`;

interface RecordRow {
  module_path: string | null;
  version: string | null;
  kind: string | null;
  source: string | null;
  size: string | number | bigint | null;
  sha256: string | null;
  h1: string | null;
  origin_commit: string | null;
}

/** Artifact rows: written once, after their blob is durable; never updated. */
export class ArtifactRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlClient,
  ) {}

  /** The artifact's row and the refusal in force for it, in one statement. */
  async lookup(modulePath: string, version: string, kind: ArtifactKind): Promise<ArtifactLookup> {
    const [row] = await this.sql.query<RecordRow & { refused_status: number | null; refused_message: string | null }>(LOOKUP, [modulePath, version, kind], {
      name: 'modgate-artifact-lookup',
    });
    return {
      record: row ? fromRow(row) : null,
      refusal: row?.refused_status != null ? { status: Number(row.refused_status), message: row.refused_message ?? '' } : null,
    };
  }

  async find(modulePath: string, version: string, kind: ArtifactKind): Promise<ArtifactRecord | null> {
    const [row] = await this.sql.query<RecordRow>(FIND, [modulePath, version, kind], { name: 'modgate-artifact-find' });
    return row ? fromRow(row) : null;
  }

  /**
   * Inserts the row unless one exists; returns the row that is now stored (the first one wins).
   * One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING) unless another writer came first.
   */
  async recordOnce(record: ArtifactRecord): Promise<ArtifactRecord> {
    const { modulePath, version, kind } = record;
    const params = [modulePath, version, kind, record.source, record.size, record.sha256, record.h1, record.originCommit];
    const [created] = await this.sql.query<RecordRow>(INSERT_ONCE, params, { name: 'modgate-artifact-insert' });
    if (created) return fromRow(created)!;
    const stored = await this.find(modulePath, version, kind);
    if (!stored) throw new Error(`artifact row for ${modulePath}@${version} ${kind} vanished after insert`);
    return stored;
  }

  /** Private versions served so far for the modules of one repository (root path and below). */
  async privateVersionsUnder(codeRoot: string): Promise<Array<{ modulePath: string; version: string; originCommit: string }>> {
    const rows = await this.prisma.artifact.findMany({
      where: {
        source: 'private',
        kind: 'info',
        originCommit: { not: null },
        OR: [{ modulePath: codeRoot }, { modulePath: { startsWith: `${codeRoot}/` } }],
      },
      select: { modulePath: true, version: true, originCommit: true },
    });
    return rows.map((row) => ({ modulePath: row.modulePath, version: row.version, originCommit: row.originCommit! }));
  }

  /** Versions of a module whose given artifact is stored. */
  async versionsWith(modulePath: string, kind: ArtifactKind): Promise<string[]> {
    const rows = await this.prisma.artifact.findMany({ where: { modulePath, kind }, select: { version: true } });
    return rows.map((row) => row.version);
  }
}

/** A record from raw SQL (null when the LEFT JOIN found no artifact row). */
function fromRow(row: RecordRow): ArtifactRecord | null {
  if (row.module_path === null || row.version === null || row.kind === null || row.sha256 === null) return null;
  return {
    modulePath: row.module_path,
    version: row.version,
    kind: row.kind as ArtifactKind,
    source: row.source as ArtifactSource,
    size: Number(row.size),
    sha256: row.sha256,
    h1: row.h1,
    originCommit: row.origin_commit,
  };
}
