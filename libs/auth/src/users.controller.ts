import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { AuditWriter, auditPrincipal } from '#audit';
import { z } from 'zod';
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
export class UsersController {
  constructor(
    private readonly users: LocalUserService,
    private readonly audit: AuditWriter,
  ) {}

  @Get()
  list() {
    return this.users.list();
  }

  @Put(':name')
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
  async remove(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    await this.users.remove(name);
    await this.audit.record({ action: 'admin.delete', principal: auditPrincipal(principal), status: 204, detail: { user: name } });
  }
}
