import type { PrismaClient } from './generated/client.js';
import type { ArtifactKind } from './artifact.repository.js';

/** A refused `<module>@<version>` request: its HTTP status and the one-line reason given. */
export interface Refusal {
  modulePath: string;
  /** A canonical version, or the query (`main`, a hash prefix) of a `.info` query. */
  version: string;
  kind: ArtifactKind;
  status: number;
  message: string;
  /** When the refusal is forgotten; null: kept until the repository's refs change. */
  expiresAt: Date | null;
}

/** Refusals answered from a row instead of running git or asking the upstream again. */
export class RefusalRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The refusal in force for the request, if any (expired rows are ignored). */
  async find(modulePath: string, version: string, kind: ArtifactKind, now = new Date()): Promise<Refusal | null> {
    const row = await this.prisma.refusal.findUnique({ where: { modulePath_version_kind: { modulePath, version, kind } } });
    if (!row || (row.expiresAt !== null && row.expiresAt <= now)) return null;
    return { modulePath, version, kind, status: row.status, message: row.message, expiresAt: row.expiresAt };
  }

  async record(refusal: Refusal): Promise<void> {
    const { modulePath, version, kind, ...data } = refusal;
    await this.prisma.refusal.upsert({
      where: { modulePath_version_kind: { modulePath, version, kind } },
      create: { modulePath, version, kind, ...data },
      update: { ...data, createdAt: new Date() },
    });
  }

  /** Forgets every refusal of the modules of one repository (root path and below); returns how many. */
  async forgetUnder(codeRoot: string): Promise<number> {
    const { count } = await this.prisma.refusal.deleteMany({
      where: { OR: [{ modulePath: codeRoot }, { modulePath: { startsWith: `${codeRoot}/` } }] },
    });
    return count;
  }

  /** Deletes refusals past their expiry. */
  async pruneExpired(now = new Date()): Promise<number> {
    const { count } = await this.prisma.refusal.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}
