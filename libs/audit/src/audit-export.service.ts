import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { CSV_HEADER, csvLine } from './audit-csv.js';
import type { AuditEvent } from './audit-event.js';
import { AuditEventRepository } from './audit-event.repository.js';
import type { AuditFilter, AuditOrder } from './audit-filter.js';

export type AuditExportFormat = 'csv' | 'ndjson';

const BATCH = 2000;

/** Streams every event matching a filter as CSV or NDJSON, in keyset batches (constant memory). */
@Injectable()
export class AuditExportService {
  constructor(private readonly repository: AuditEventRepository) {}

  /** How many events an export of `filter` will hold right now (for progress). */
  count(filter: AuditFilter): Promise<number> {
    return this.repository.count(filter);
  }

  stream(filter: AuditFilter, format: AuditExportFormat, order: AuditOrder = 'asc'): Readable {
    return Readable.from(this.chunks(filter, format, order), { objectMode: false });
  }

  async *chunks(filter: AuditFilter, format: AuditExportFormat, order: AuditOrder): AsyncGenerator<string> {
    if (format === 'csv') yield CSV_HEADER;
    const line = format === 'csv' ? csvLine : ndjsonLine;
    let after: { time: Date; id: number } | undefined;
    for (;;) {
      const events = await this.repository.page({ filter, order, limit: BATCH, after });
      if (events.length === 0) return;
      yield events.map(line).join('');
      if (events.length < BATCH) return;
      const last = events[events.length - 1]!;
      after = { time: last.time, id: last.id };
    }
  }
}

/** One NDJSON line: the event with its chain fields, `time` in ISO 8601. */
export function ndjsonLine(e: AuditEvent): string {
  return `${JSON.stringify(e)}\n`;
}
