import { z } from 'zod';
import { isIpOrCidr } from '#config';
import { AuditQueryError } from './audit.errors.js';
import { normalizeIp } from './client-ip.js';

/** Which events a review query selects; every field narrows (AND). */
export interface AuditFilter {
  /** Exact principal name (user or token name). */
  principal?: string;
  /** Events of principals in this group. */
  group?: string;
  /** Module path prefix (`github.com/acme/` or a whole path). */
  module?: string;
  version?: string;
  /** Exact actions (`goproxy.zip`) or families (`goproxy` = `goproxy.*`). */
  actions?: string[];
  /** Inclusive status ranges: `403` is [403, 403], `4xx` is [400, 499]. */
  status?: Array<[number, number]>;
  from?: Date;
  to?: Date;
  /** An IP or a CIDR. */
  ip?: string;
}

/** A keyset position: the last event of the previous page. */
export interface AuditCursor {
  time: Date;
  id: number;
}

export type AuditOrder = 'desc' | 'asc';

/** One page of a review query. */
export interface AuditPageRequest {
  filter: AuditFilter;
  limit: number;
  order: AuditOrder;
  after?: AuditCursor;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const RELATIVE_TIME = /^-(\d{1,6})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `2024-05-01`, `2024-05-01T10:00:00Z` (a zone is required with a time), or `-30m`, `-24h`, `-7d` (ago). */
const timeParam = z.string().transform((value, ctx) => {
  const relative = RELATIVE_TIME.exec(value);
  if (relative) return new Date(Date.now() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  const ms = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date or time with zone (2024-05-01, 2024-05-01T10:00:00Z) or -30m, -24h, -7d' });
    return z.NEVER;
  }
  return new Date(ms);
});

const ACTION_LIST = /^[a-z_]+(\.[a-z_]+)*(,[a-z_]+(\.[a-z_]+)*)*$/;
const STATUS_LIST = /^([1-5](\d\d|xx))(,[1-5](\d\d|xx))*$/;
const CURSOR = /^(\d{1,15})_(\d{1,18})$/;

/** The filter parameters shared by every review endpoint (query strings; repeated keys are refused). */
export const auditFilterSchema = z
  .object({
    principal: z.string().min(1).max(256).optional(),
    group: z.string().min(1).max(256).optional(),
    module: z.string().min(1).max(1024).optional(),
    version: z.string().min(1).max(256).optional(),
    action: z.string().max(500).regex(ACTION_LIST, 'expected actions like goproxy.zip or families like goproxy, comma-separated').optional(),
    status: z.string().max(200).regex(STATUS_LIST, 'expected statuses like 403 or classes like 4xx, comma-separated').optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    ip: z.string().max(64).refine(isIpOrCidr, 'expected an IP address or a CIDR').optional(),
  })
  .strict();

/** `GET /api/audit/events` parameters. */
export const auditPageSchema = auditFilterSchema
  .extend({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    after: z.string().regex(CURSOR, 'expected the "next" value of the previous page').optional(),
    order: z.enum(['desc', 'asc']).default('desc'),
  })
  .strict();

/** `GET /api/audit/export` parameters. */
export const auditExportSchema = auditFilterSchema
  .extend({
    format: z.enum(['csv', 'ndjson']).default('ndjson'),
    order: z.enum(['desc', 'asc']).default('asc'),
  })
  .strict();

/** Validates query parameters with `schema`; AuditQueryError names the first bad parameter. */
export function parseParams<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(issue.path[0] ?? 'query');
    const message = issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message;
    throw new AuditQueryError(`${key}: ${message}`);
  }
  return parsed.data;
}

/** The filter part of validated parameters. */
export function toFilter(params: z.output<typeof auditFilterSchema>): AuditFilter {
  const filter: AuditFilter = {};
  if (params.principal) filter.principal = params.principal;
  if (params.group) filter.group = params.group;
  if (params.module) filter.module = params.module;
  if (params.version) filter.version = params.version;
  if (params.action) filter.actions = params.action.split(',');
  if (params.status) filter.status = params.status.split(',').map(statusRange);
  if (params.from) filter.from = params.from;
  if (params.to) filter.to = params.to;
  if (params.ip) filter.ip = params.ip.includes('/') ? params.ip : (normalizeIp(params.ip) ?? params.ip);
  if (filter.from && filter.to && filter.from > filter.to) throw new AuditQueryError('from: must not be after to');
  return filter;
}

/** A page request from validated `GET /api/audit/events` parameters. */
export function toPageRequest(params: z.output<typeof auditPageSchema>): AuditPageRequest {
  return { filter: toFilter(params), limit: params.limit, order: params.order, after: params.after ? decodeCursor(params.after) : undefined };
}

export function encodeCursor(cursor: AuditCursor): string {
  return `${cursor.time.getTime()}_${cursor.id}`;
}

export function decodeCursor(value: string): AuditCursor {
  const match = CURSOR.exec(value);
  if (!match) throw new AuditQueryError('after: expected the "next" value of the previous page');
  return { time: new Date(Number(match[1])), id: Number(match[2]) };
}

function statusRange(item: string): [number, number] {
  if (item.endsWith('xx')) {
    const base = Number(item[0]) * 100;
    return [base, base + 99];
  }
  return [Number(item), Number(item)];
}

/**
 * The SQL conditions of a filter (joined with AND, `TRUE` when empty), appending their
 * parameters to `params`. Status ranges are inlined: they are validated integers.
 */
export function filterSql(filter: AuditFilter, params: unknown[]): string {
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.principal !== undefined) where.push(`principal_name = ${param(filter.principal)}`);
  if (filter.group !== undefined) where.push(`groups @> ARRAY[${param(filter.group)}::text]`);
  if (filter.module !== undefined) where.push(`module LIKE ${param(`${escapeLike(filter.module)}%`)}`);
  if (filter.version !== undefined) where.push(`version = ${param(filter.version)}`);
  if (filter.actions?.length) {
    const exact = filter.actions.filter((a) => a.includes('.'));
    const families = filter.actions.filter((a) => !a.includes('.')).map((a) => `${a}.%`);
    const parts: string[] = [];
    if (exact.length) parts.push(`action = ANY(${param(exact)}::text[])`);
    if (families.length) parts.push(`action LIKE ANY(${param(families)}::text[])`);
    where.push(parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`);
  }
  if (filter.status?.length) {
    const ranges = filter.status.map(([lo, hi]) => (lo === hi ? `status = ${lo}` : `status BETWEEN ${lo} AND ${hi}`));
    where.push(ranges.length === 1 ? ranges[0]! : `(${ranges.join(' OR ')})`);
  }
  if (filter.from) where.push(`time >= ${param(filter.from)}`);
  if (filter.to) where.push(`time < ${param(filter.to)}`);
  if (filter.ip !== undefined) where.push(filter.ip.includes('/') ? `ip::inet <<= ${param(filter.ip)}::inet` : `ip = ${param(filter.ip)}`);
  return where.length ? where.join(' AND ') : 'TRUE';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
