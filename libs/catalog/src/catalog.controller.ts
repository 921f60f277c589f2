import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, InvalidRequestError, ModulePull, parseBody, type Principal } from '#auth';
import { CatalogService } from './catalog.service.js';

/** The public module index's own bounds: 2000 entries by default and at most. */
export const INDEX_MAX_LIMIT = 2000;
/** Athens' page size bounds. */
export const CATALOG_MAX_PAGE_SIZE = 1000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const catalogQuery = z
  .object({ token: z.string().max(4096).optional(), pagesize: z.coerce.number().int().min(1).default(CATALOG_MAX_PAGE_SIZE) })
  .strict();
const indexQuery = z
  .object({
    since: z.string().regex(RFC3339, 'must be an RFC 3339 time such as 2024-05-01T00:00:00Z').optional(),
    limit: z.coerce.number().int().min(1).default(INDEX_MAX_LIMIT),
  })
  .strict();

/**
 * Enumeration for tools: `GET /catalog` as Athens serves it and `GET /index` as the public module
 * index does, each listing only the versions the caller may pull. Module pulls as far as
 * credentials go (a try-out instance answers without any); errors are one text/plain line.
 */
@Controller()
@ModulePull()
@ApiExcludeController()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('catalog')
  list(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { token, pagesize } = parseBody(catalogQuery, query);
    reply.header('cache-control', 'no-store');
    return this.catalog.catalog(principal, token, Math.min(pagesize, CATALOG_MAX_PAGE_SIZE));
  }

  @Get('index')
  async index(@Query() query: unknown, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { since, limit } = parseBody(indexQuery, query);
    const from = since === undefined ? new Date(0) : new Date(since);
    if (Number.isNaN(from.getTime())) throw new InvalidRequestError(`since: ${since} is not a valid time`);
    reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store');
    return this.catalog.index(principal, from, Math.min(limit, INDEX_MAX_LIMIT));
  }
}
