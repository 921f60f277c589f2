import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from './api-docs.js';
import { WhoamiDto } from './auth-api.dto.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { PERMISSION_CHECKER, type PermissionChecker } from './permission-checker.js';
import type { Principal } from './principal.js';

/** `GET /api/whoami`: the caller as modgate sees them (never a secret). */
@Controller('api/whoami')
@Authenticated()
@ApiTags('auth')
export class WhoamiController {
  constructor(@Optional() @Inject(PERMISSION_CHECKER) private readonly permissions?: PermissionChecker) {}

  @Get()
  @ApiOperation({ summary: 'The caller: name, groups, scopes, and whether they are an admin' })
  @ApiOkResponse({ type: WhoamiDto })
  @ApiErrors()
  whoami(@CurrentPrincipal() principal: Principal) {
    return { ...principal, admin: this.permissions?.can(principal, 'admin') ?? false };
  }
}
