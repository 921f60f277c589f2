import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditPrincipal } from '#audit';
import { ApiErrors, ApiQueryFrom, Authenticated, CurrentPrincipal, InvalidRequestError, type Principal } from '#auth';
import { VulnerabilitiesService } from './vulnerabilities.service.js';

const openQuery = z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) }).strict();

/** `/api/vulnerabilities`: the imported Go vulnerability database, its imports and who is exposed. Admins only. */
@Controller('api/vulnerabilities')
@Authenticated({ permission: 'admin' })
@ApiTags('vulnerabilities')
@ApiErrors(403)
export class VulnerabilitiesController {
  constructor(private readonly vulnerabilities: VulnerabilitiesService) {}

  @Get()
  @ApiOperation({ summary: 'The imported vulnerability database', description: 'Advisories imported and in force, the last successful import and the configured feed.' })
  @ApiOkResponse({ description: '`{ entries, inForce, lastImport: { generation, source, dbModified, importedAt } | null, feed: { url, intervalSeconds } }`' })
  status() {
    return this.vulnerabilities.status();
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import the vulnerability database',
    description: 'With an `application/zip` body: that export (air-gapped sites; `modgate vuln import`). Without a body: the configured feed, now. Only changed entries are written, in one transaction; a malformed feed is refused whole.',
  })
  @ApiBody({ required: false, description: 'A zip of the database (`index/db.json`, `index/modules.json`, `ID/<id>.json`).', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ description: '`{ source, total, changed, removed, generation, importedAt }`' })
  @ApiErrors(400)
  import(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    return this.vulnerabilities.import(auditPrincipal(principal), body);
  }

  @Get('open')
  @ApiOperation({ summary: 'Advisories affecting recent pulls', description: 'Advisories in force that affect module versions pulled in the last `days` days (default 30), newest first.' })
  @ApiQueryFrom(openQuery, { days: 'How far back to look at pulls (1-3650).' })
  @ApiOkResponse({ description: '`{ days, advisories: [{ id, aliases, summary, published, modified, modules: [{ module, versions, pulls, principals, lastPull }] }] }`' })
  @ApiErrors(400)
  open(@Query() query: unknown) {
    const parsed = openQuery.safeParse(query ?? {});
    if (!parsed.success) throw new InvalidRequestError(`${parsed.error.issues[0]!.path.join('.') || 'query'}: ${parsed.error.issues[0]!.message}`);
    return this.vulnerabilities.open(parsed.data.days);
  }

  @Get(':id/exposure')
  @ApiOperation({ summary: 'Who pulled a version an advisory affects', description: 'Per principal, module version and address: when, how often, which artifacts, and whether before the advisory was published.' })
  @ApiOkResponse({ description: '`{ advisory, exposures: [{ principal, module, version, ip, artifacts, pulls, first, last, beforePublication }] }`' })
  @ApiErrors(400, 404)
  exposure(@Param('id') id: string) {
    return this.vulnerabilities.exposure(id);
  }
}
