import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrors, ApiJsonBody, CurrentPrincipal, type Principal } from '#auth';
import { ModuleAccess } from '#policy';
import { InvalidInputError, NotFoundError } from '#proxy';
import { SYNC_JOB_SCHEMA, SYNC_REQUESTED_SCHEMA } from './sync-api.dto.js';
import { SyncRequestService } from './sync-request.service.js';

const syncBody = z.object({ target: z.string().min(1).max(1024) }).strict();

/** Manual sync for admins: `POST /api/sync {"target": "<module or repository>"}`, then poll the job. */
@Controller('api/sync')
@ApiTags('sync')
export class SyncController {
  constructor(
    private readonly requests: SyncRequestService,
    private readonly access: ModuleAccess,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Fetch a private repository now and refresh its versions', description: 'Needs the sync permission for the target (admins have it).' })
  @ApiJsonBody(syncBody)
  @ApiCreatedResponse({ schema: SYNC_REQUESTED_SCHEMA })
  @ApiErrors(400, 403, 404)
  async request(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const parsed = syncBody.safeParse(body);
    if (!parsed.success) throw new InvalidInputError('expected {"target": "<module path or repository root>"}');
    this.access.assertCanSync(principal, parsed.data.target);
    return this.requests.request(parsed.data.target);
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'State of a sync job', description: 'Needs the sync permission for the job\'s repository (admins have it); other jobs are answered 404.' })
  @ApiParam({ name: 'id', description: 'Job id from POST /api/sync.' })
  @ApiOkResponse({ schema: SYNC_JOB_SCHEMA })
  @ApiErrors(400, 403, 404)
  async job(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    if (!/^\d{1,18}$/.test(id)) throw new InvalidInputError('job id must be a number');
    this.access.assertCan(principal, 'module:sync');
    const job = await this.requests.job(id);
    // Ids are sequential: a job of a repository the caller may not sync looks like a missing one.
    if (!job || !this.access.canSync(principal, job.codeRoot)) throw new NotFoundError(`no sync job ${id}`);
    return job;
  }
}
