import type { PrismaClient } from './generated/client.js';
import type { ArtifactSource } from './artifact.repository.js';

/** What is known of a module's version list and @latest answer, and how fresh it is. */
export interface VersionIndex {
  modulePath: string;
  source: ArtifactSource;
  versions: string[] | null;
  listFetchedAt: Date | null;
  latest: { version: string; time: string } | null;
  /** The whole @latest body as the origin answered it (null: only Version and Time are known). */
  latestInfo: string | null;
  latestFetchedAt: Date | null;
}

export class VersionIndexRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async get(modulePath: string): Promise<VersionIndex | null> {
    const row = await this.prisma.versionIndex.findUnique({ where: { modulePath } });
    if (!row) return null;
    return {
      modulePath: row.modulePath,
      source: row.source as ArtifactSource,
      versions: row.listFetchedAt ? row.versions : null,
      listFetchedAt: row.listFetchedAt,
      latest: row.latestVersion && row.latestTime ? { version: row.latestVersion, time: row.latestTime } : null,
      latestInfo: row.latestInfo,
      latestFetchedAt: row.latestFetchedAt,
    };
  }

  async modulesUnder(codeRoot: string): Promise<string[]> {
    const rows = await this.prisma.versionIndex.findMany({
      where: { OR: [{ modulePath: codeRoot }, { modulePath: { startsWith: `${codeRoot}/` } }] },
      select: { modulePath: true },
    });
    return rows.map((row) => row.modulePath);
  }

  /**
   * Modules requested since `hotSince` (module_pull_day, kept from the audit log) whose stored
   * list or @latest was fetched before `staleBefore`, stalest first; which of the two is due.
   */
  async dueForRefresh(hotSince: Date, staleBefore: Date, limit: number): Promise<Array<{ modulePath: string; list: boolean; latest: boolean }>> {
    const rows = await this.prisma.$queryRaw<Array<{ module_path: string; list_due: boolean; latest_due: boolean }>>`
      SELECT v.module_path, coalesce(v.list_fetched_at < ${staleBefore}, false) AS list_due, coalesce(v.latest_fetched_at < ${staleBefore}, false) AS latest_due
      FROM version_index v
      WHERE (v.list_fetched_at < ${staleBefore} OR v.latest_fetched_at < ${staleBefore})
        AND EXISTS (SELECT 1 FROM module_pull_day d WHERE d.module_path = v.module_path AND d.day >= ${hotSince.toISOString().slice(0, 10)}::date)
      ORDER BY least(v.list_fetched_at, v.latest_fetched_at) LIMIT ${limit}`;
    return rows.map((r) => ({ modulePath: r.module_path, list: r.list_due, latest: r.latest_due }));
  }

  async saveList(modulePath: string, source: ArtifactSource, versions: string[], fetchedAt = new Date()): Promise<void> {
    await this.prisma.versionIndex.upsert({
      where: { modulePath },
      create: { modulePath, source, versions, listFetchedAt: fetchedAt },
      update: { source, versions, listFetchedAt: fetchedAt },
    });
  }

  async saveLatest(
    modulePath: string,
    source: ArtifactSource,
    latest: { version: string; time: string; info?: string },
    fetchedAt = new Date(),
  ): Promise<void> {
    const data = { source, latestVersion: latest.version, latestTime: latest.time, latestInfo: latest.info ?? null, latestFetchedAt: fetchedAt };
    await this.prisma.versionIndex.upsert({
      where: { modulePath },
      create: { modulePath, versions: [], ...data },
      update: data,
    });
  }
}
