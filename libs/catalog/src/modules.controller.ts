import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditPrincipal } from '#audit';
import { ApiErrors, ApiJsonBody, ApiQueryFrom, Authenticated, CurrentPrincipal, InvalidRequestError, parseBody, type Principal } from '#auth';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { BlobGcService, DEFAULT_GC_MIN_AGE_SECONDS } from './blob-gc.service.js';
import { CatalogService } from './catalog.service.js';
import { EvictionService } from './eviction.service.js';
import { EVICTION_REPORT_SCHEMA, GC_REPORT_SCHEMA, MODULE_DETAIL_SCHEMA, MODULE_PAGE_SCHEMA, STORAGE_USAGE_SCHEMA } from './catalog-api.dto.js';

const searchQuery = z
  .object({
    q: z.string().max(1024).default(''),
    after: z.string().max(1024).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
const usageQuery = z.object({ depth: z.coerce.number().int().min(1).max(10).default(2), limit: z.coerce.number().int().min(1).max(1000).default(50) }).strict();
const gcBody = z.object({ dryRun: z.boolean().default(true), minAgeSeconds: z.number().int().min(0).max(365 * 86400).default(DEFAULT_GC_MIN_AGE_SECONDS) }).strict();
const evictBody = z.object({ dryRun: z.boolean().default(true), days: z.number().int().min(1).max(36500).optional() }).strict();

/** The module path after `/api/modules/`, percent-decoded (a client may encode its slashes). */
function modulePathOf(url: string): string {
  const raw = url.split('?')[0]!.slice('/api/modules/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidRequestError('the module path is not valid percent-encoding');
  }
}

/** What the registry holds: module search and module pages, for every caller, filtered by what they may read or administer. */
@Controller('api/modules')
@Authenticated()
@ApiTags('modules')
@ApiErrors()
export class ModulesController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({ summary: 'Modules in the cache, by path prefix or words, in path order', description: 'Only modules the caller may read (or administer).' })
  @ApiQueryFrom(searchQuery, { q: 'A path prefix with a `/` (`github.com/acme/`), or words that must all occur in the path.', after: 'The `next` of the previous page.' })
  @ApiOkResponse({ schema: MODULE_PAGE_SCHEMA })
  @ApiErrors(400)
  search(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { q, after, limit } = parseBody(searchQuery, query);
    return this.catalog.searchModules(principal, q, after, limit);
  }

  @Get('*')
  @ApiOperation({
    summary: 'One module: its versions (source, size, h1, first fetched, last pulled, pulls, deny status), pulls per day and tag events',
    description: 'The module path follows `/api/modules/` as is: `/api/modules/github.com/acme/lib`. 404 also for a module the caller may not read.',
  })
  // The wildcard route is `{path}` in the document.
  @ApiParam({ name: 'path', required: true, type: String, description: 'The module path, slashes and all (`github.com/acme/lib`).' })
  @ApiOkResponse({ schema: MODULE_DETAIL_SCHEMA })
  @ApiErrors(404)
  module(@Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    return this.catalog.module(principal, modulePathOf(request.url));
  }
}

/** Storage lifecycle, admins only: usage, orphan blob GC, eviction of unused public versions. */
@Controller('api/storage')
@Authenticated({ permission: 'admin' })
@ApiTags('storage')
@ApiErrors(403)
export class StorageController {
  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly catalog: CatalogService,
    private readonly gc: BlobGcService,
    private readonly eviction: EvictionService,
  ) {}

  @Get('usage')
  @ApiOperation({ summary: 'Bytes held by source (upstream, private) and by module path prefix (the first `depth` elements), largest first' })
  @ApiQueryFrom(usageQuery)
  @ApiOkResponse({ schema: STORAGE_USAGE_SCHEMA })
  @ApiErrors(400)
  usage(@Query() query: unknown) {
    const { depth, limit } = parseBody(usageQuery, query);
    return this.catalog.repository.storageUsage(depth, limit);
  }

  @Post('gc')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Find (dryRun, the default) or remove orphan blobs: artifact blobs with no artifact row, older than minAgeSeconds',
    description: 'A fill writes its blob before its row: younger blobs may be in flight and are left alone.',
  })
  @ApiJsonBody(gcBody)
  @ApiOkResponse({ schema: GC_REPORT_SCHEMA })
  @ApiErrors(400)
  collect(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.gc.collect(parseBody(gcBody, body), principal);
  }

  @Post('evict')
  @HttpCode(200)
  @ApiOperation({
    summary: 'List (dryRun, the default) or evict public versions not pulled for `days` (default MODGATE_EVICT_UNPULLED_DAYS)',
    description: 'Private versions are never evicted. An evicted version is fetched again on its next pull.',
  })
  @ApiJsonBody(evictBody)
  @ApiOkResponse({ schema: EVICTION_REPORT_SCHEMA })
  @ApiErrors(400)
  evict(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const { dryRun, days } = parseBody(evictBody, body);
    const effective = days ?? this.config.cache.evictUnpulledDays;
    if (effective === 0) throw new InvalidRequestError('days: required, the eviction policy is off (MODGATE_EVICT_UNPULLED_DAYS)');
    return this.eviction.evict({ dryRun, days: effective }, auditPrincipal(principal));
  }
}
