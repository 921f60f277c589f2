import { Injectable } from '@nestjs/common';
import type { AuditEvent } from './audit-event.js';
import { AuditEventRepository, type AuditSummary, type BlastRadiusEntry } from './audit-event.repository.js';
import { encodeCursor, type AuditPageRequest } from './audit-filter.js';

/** One page of events and the cursor of the next (null on the last page). */
export interface AuditPage {
  events: AuditEvent[];
  next: string | null;
}

const DAY_MS = 86_400_000;

/** Review queries: filtered pages (keyset), summaries, and who pulled a module version. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repository: AuditEventRepository) {}

  async events(request: AuditPageRequest): Promise<AuditPage> {
    const rows = await this.repository.page({ ...request, limit: request.limit + 1 });
    const events = rows.slice(0, request.limit);
    const last = events[events.length - 1];
    return { events, next: rows.length > request.limit && last ? encodeCursor({ time: last.time, id: last.id }) : null };
  }

  /** Top modules and principals over [from, to) (default: the last 7 days). */
  summary(range: { from?: Date; to?: Date; limit?: number } = {}): Promise<AuditSummary> {
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - 7 * DAY_MS);
    return this.repository.summary(from, to, range.limit ?? 10);
  }

  /** Every principal that asked for `module@version`, with what it received: the blast radius of a bad release. */
  async blastRadius(module: string, version: string): Promise<{ module: string; version: string; principals: BlastRadiusEntry[] }> {
    return { module, version, principals: await this.repository.blastRadius(module, version) };
  }
}
