import type { PrismaClient } from './generated/client.js';

/** A tag that moved (currentCommit set) or was deleted (currentCommit null) after serving. */
export interface TagEvent {
  modulePath: string;
  version: string;
  tag: string;
  servedCommit: string;
  currentCommit: string | null;
  detectedAt: Date;
}

export class TagEventRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records the event unless the same move was recorded before; true when it is new. */
  async recordOnce(event: Omit<TagEvent, 'detectedAt'>): Promise<boolean> {
    const { count } = await this.prisma.tagEvent.createMany({ data: [event], skipDuplicates: true });
    return count > 0;
  }

  async list(filter: { modulePath?: string; limit?: number } = {}): Promise<TagEvent[]> {
    return this.prisma.tagEvent.findMany({
      where: filter.modulePath ? { modulePath: filter.modulePath } : {},
      orderBy: { detectedAt: 'desc' },
      take: filter.limit ?? 100,
      select: { modulePath: true, version: true, tag: true, servedCommit: true, currentCommit: true, detectedAt: true },
    });
  }
}
