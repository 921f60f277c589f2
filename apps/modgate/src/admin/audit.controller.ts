import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors, ApiQueryFrom, Authenticated, CurrentPrincipal, InvalidRequestError, type Principal } from '#auth';
import { AUDIT_PAGE_SCHEMA, AUDIT_SUMMARY_SCHEMA, BLAST_RADIUS_SCHEMA, VERIFY_REPORT_SCHEMA } from './audit-api.dto.js';

const summarySchema = auditFilterSchema.pick({ from: true, to: true }).extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict();
const blastRadiusSchema = z.object({ module: z.string().min(1).max(1024), version: z.string().min(1).max(256) }).strict();

/** What the filter parameters accept (the schemas say which values are valid). */
const FILTER_HELP: Record<string, string> = {
  principal: 'Exact user or token name.',
  group: 'Events of principals in this group.',
  module: 'Module path prefix (`github.com/acme/`) or a whole path.',
  action: 'Actions (`goproxy.zip`) or families (`goproxy`), comma-separated.',
  status: 'Statuses (`403`) or classes (`4xx`), comma-separated.',
  from: '`2024-05-01`, `2024-05-01T10:00:00Z`, or relative: `-30m`, `-24h`, `-7d`.',
  to: 'As `from`.',
  ip: 'An IP address or a CIDR.',
  after: 'The `next` value of the previous page.',
};

/** Review of the audit log, admins only: `/api/audit/events|export|summary|blast-radius|verify`. */
@Controller('api/audit')
@Authenticated({ permission: 'admin' })
@ApiTags('audit')
@ApiErrors(403)
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly exporter: AuditExportService,
    private readonly verifier: AuditVerifyService,
    private readonly writer: AuditWriter,
  ) {}

  /** Filtered events, newest first, keyset-paginated (`next` -> `after`). */
  @Get('events')
  @ApiOperation({ summary: 'Filtered events, newest first, keyset-paginated' })
  @ApiQueryFrom(auditPageSchema, FILTER_HELP)
  @ApiOkResponse({ schema: AUDIT_PAGE_SCHEMA })
  @ApiErrors(400)
  events(@Query() query: unknown) {
    return this.query.events(valid(() => toPageRequest(parseParams(auditPageSchema, query))));
  }

  /** Every matching event as CSV or NDJSON, streamed; `X-Audit-Count` is the number to expect. */
  @Get('export')
  @ApiOperation({ summary: 'Every matching event as CSV or NDJSON, streamed', description: '`X-Audit-Count` is the number of events to expect.' })
  @ApiQueryFrom(auditExportSchema, FILTER_HELP)
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'One event per line (NDJSON) or a CSV file with a header row.', schema: { type: 'string' } })
  @ApiErrors(400)
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
  @ApiOperation({ summary: 'Totals, top modules and top principals over a range (default: the last 7 days)' })
  @ApiQueryFrom(summarySchema, FILTER_HELP)
  @ApiOkResponse({ schema: AUDIT_SUMMARY_SCHEMA })
  @ApiErrors(400)
  summary(@Query() query: unknown) {
    const { from, to, limit } = valid(() => parseParams(summarySchema, query));
    if (from && to && from > to) throw new InvalidRequestError('from: must not be after to');
    return this.query.summary({ from, to, limit });
  }

  /** Who pulled `module@version`: the blast radius of a bad release. */
  @Get('blast-radius')
  @ApiOperation({ summary: 'Who pulled module@version: the blast radius of a bad release' })
  @ApiQueryFrom(blastRadiusSchema)
  @ApiOkResponse({ schema: BLAST_RADIUS_SCHEMA })
  @ApiErrors(400)
  blastRadius(@Query() query: unknown) {
    const { module, version } = valid(() => parseParams(blastRadiusSchema, query));
    return this.query.blastRadius(module, version);
  }

  /** Walks the whole chain; `broken` names the first row edited, deleted or inserted out of band. */
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Walk the hash chain; `broken` names the first tampered row' })
  @ApiOkResponse({ schema: VERIFY_REPORT_SCHEMA })
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
