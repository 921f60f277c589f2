import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  AuditExportService,
  AuditQueryError,
  AuditQueryService,
  AuditVerifyService,
  AuditWriter,
  auditExportSchema,
  auditFilterSchema,
  auditPageSchema,
  parseParams,
  toFilter,
  toPageRequest,
} from '#audit';
import { Authenticated, CurrentPrincipal, InvalidRequestError, type Principal } from '#auth';

const summarySchema = auditFilterSchema.pick({ from: true, to: true }).extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict();
const blastRadiusSchema = z.object({ module: z.string().min(1).max(1024), version: z.string().min(1).max(256) }).strict();

/** Review of the audit log, admins only: `/api/audit/events|export|summary|blast-radius|verify`. */
@Controller('api/audit')
@Authenticated({ permission: 'admin' })
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly exporter: AuditExportService,
    private readonly verifier: AuditVerifyService,
    private readonly writer: AuditWriter,
  ) {}

  /** Filtered events, newest first, keyset-paginated (`next` -> `after`). */
  @Get('events')
  events(@Query() query: unknown) {
    return this.query.events(valid(() => toPageRequest(parseParams(auditPageSchema, query))));
  }

  /** Every matching event as CSV or NDJSON, streamed; `X-Audit-Count` is the number to expect. */
  @Get('export')
  async export(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { format, order, ...params } = valid(() => parseParams(auditExportSchema, query));
    const filter = valid(() => toFilter(params));
    await this.writer.record({
      action: 'audit.export',
      principal: { kind: principal.kind, name: principal.name, groups: principal.groups },
      status: 200,
      detail: { format, query: new URLSearchParams(query as Record<string, string>).toString().slice(0, 900) },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="modgate-audit-${stamp}.${format}"`)
      .header('cache-control', 'no-store')
      .header('x-audit-count', String(await this.exporter.count(filter)));
    return this.exporter.stream(filter, format, order);
  }

  /** Totals, top modules and top principals over a range (default: the last 7 days). */
  @Get('summary')
  summary(@Query() query: unknown) {
    const { from, to, limit } = valid(() => parseParams(summarySchema, query));
    if (from && to && from > to) throw new InvalidRequestError('from: must not be after to');
    return this.query.summary({ from, to, limit });
  }

  /** Who pulled `module@version`: the blast radius of a bad release. */
  @Get('blast-radius')
  blastRadius(@Query() query: unknown) {
    const { module, version } = valid(() => parseParams(blastRadiusSchema, query));
    return this.query.blastRadius(module, version);
  }

  /** Walks the whole chain; `broken` names the first row edited, deleted or inserted out of band. */
  @Post('verify')
  @HttpCode(200)
  async verify(@CurrentPrincipal() principal: Principal) {
    const report = await this.verifier.verify();
    await this.writer.record({
      action: 'audit.verify',
      principal: { kind: principal.kind, name: principal.name, groups: principal.groups },
      status: report.ok ? 200 : 409,
      reason: report.broken ? `seq ${report.broken.seq}: ${report.broken.reason}` : null,
      durationMs: report.durationMs,
      detail: { checked: report.checked, headSeq: report.headSeq },
    });
    return report;
  }
}

/** Runs a parse; a bad parameter is the admin API's 400. */
function valid<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof AuditQueryError) throw new InvalidRequestError(err.message);
    throw err;
  }
}
