import type { PrismaClient } from './generated/client.js';

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

/** Artifact rows: written once, after their blob is durable; never updated. */
export class ArtifactRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(modulePath: string, version: string, kind: ArtifactKind): Promise<ArtifactRecord | null> {
    const row = await this.prisma.artifact.findUnique({ where: { modulePath_version_kind: { modulePath, version, kind } } });
    return row ? toRecord(row) : null;
  }

  /**
   * Inserts the row unless one exists; returns the row that is now stored (the first one wins).
   * One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING) unless another writer came first.
   */
  async recordOnce(record: ArtifactRecord): Promise<ArtifactRecord> {
    const { modulePath, version, kind } = record;
    const [created] = await this.prisma.artifact.createManyAndReturn({ data: [{ ...record, size: BigInt(record.size) }], skipDuplicates: true });
    if (created) return toRecord(created);
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

function toRecord(row: {
  modulePath: string;
  version: string;
  kind: string;
  source: string;
  size: bigint;
  sha256: string;
  h1: string | null;
  originCommit: string | null;
}): ArtifactRecord {
  return {
    modulePath: row.modulePath,
    version: row.version,
    kind: row.kind as ArtifactKind,
    source: row.source as ArtifactSource,
    size: Number(row.size),
    sha256: row.sha256,
    h1: row.h1,
    originCommit: row.originCommit,
  };
}
