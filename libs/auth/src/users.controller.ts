import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { AuditWriter, auditPrincipal } from '#audit';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrors, ApiJsonBody } from './api-docs.js';
import { LocalUserDto } from './auth-api.dto.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { LocalUserService } from './local-user.service.js';
import { parseBody } from './parse-body.js';
import type { Principal } from './principal.js';

const putUser = z
  .object({
    password: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
    groups: z.array(z.string().regex(/^[^\s:]{1,128}$/, 'must be a group name')).max(100).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

/** `/api/users`: local users (admins only). Directory users are managed in the directory. */
@Controller('api/users')
@Authenticated({ permission: 'admin' })
@ApiTags('users')
@ApiErrors(403)
export class UsersController {
  constructor(
    private readonly users: LocalUserService,
    private readonly audit: AuditWriter,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List local users' })
  @ApiOkResponse({ type: [LocalUserDto] })
  list() {
    return this.users.list();
  }

  @Put(':name')
  @ApiOperation({ summary: 'Create or change a local user (password, groups, disabled)' })
  @ApiParam({ name: 'name', description: 'User name.' })
  @ApiJsonBody(putUser)
  @ApiOkResponse({ type: LocalUserDto })
  @ApiErrors(400)
  async put(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: unknown) {
    const change = parseBody(putUser, body);
    const user = await this.users.put(name, change);
    await this.audit.record({
      action: 'admin.user.put',
      principal: auditPrincipal(principal),
      status: 200,
      detail: { user: user.name, groups: user.groups, disabled: user.disabled, passwordChanged: change.password !== undefined },
    });
    return user;
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a local user (their tokens stop working)' })
  @ApiParam({ name: 'name', description: 'User name.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors(404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    await this.users.remove(name);
    await this.audit.record({ action: 'admin.delete', principal: auditPrincipal(principal), status: 204, detail: { user: name } });
  }
}
