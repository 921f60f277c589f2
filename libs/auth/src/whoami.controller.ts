import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { PERMISSION_CHECKER, type PermissionChecker } from './permission-checker.js';
import type { Principal } from './principal.js';

/** `GET /api/whoami`: the caller as modgate sees them (never a secret). */
@Controller('api/whoami')
@Authenticated()
export class WhoamiController {
  constructor(@Optional() @Inject(PERMISSION_CHECKER) private readonly permissions?: PermissionChecker) {}

  @Get()
  whoami(@CurrentPrincipal() principal: Principal) {
    return { ...principal, admin: this.permissions?.can(principal, 'admin') ?? false };
  }
}
