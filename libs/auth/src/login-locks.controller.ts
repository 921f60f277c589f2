import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isIP } from 'node:net';
import { z } from 'zod';
import { AuditWriter, auditPrincipal } from '#audit';
import { ApiErrors, ApiJsonBody } from './api-docs.js';
import { LoginLockDto, UnlockResultDto } from './auth-api.dto.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import { parseBody } from './parse-body.js';
import type { Principal } from './principal.js';

const unlockBody = z
  .object({
    user: z.string().min(1).max(256).optional(),
    ip: z.string().refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address').optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((body) => body.all === true || body.user !== undefined || body.ip !== undefined, 'name a user, an ip, or all: true');

/** `/api/auth/locks`: failed-login locks (admins only): list them, lift them. */
@Controller('api/auth')
@Authenticated({ permission: 'admin' })
@ApiTags('auth')
@ApiErrors(403)
export class LoginLocksController {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly audit: AuditWriter,
  ) {}

  @Get('locks')
  @ApiOperation({ summary: 'Failed-login locks in force on the replica that answers' })
  @ApiOkResponse({ type: [LoginLockDto] })
  locks() {
    return this.verifier.locks();
  }

  @Post('unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift failed-login locks on every replica: of a user (from every address), of an address, of both, or all' })
  @ApiJsonBody(unlockBody)
  @ApiOkResponse({ type: UnlockResultDto })
  @ApiErrors(400)
  async unlock(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { user, ip } = parseBody(unlockBody, body);
    const cleared = await this.verifier.unlock({ user, ip });
    await this.audit.record({ action: 'admin.unlock', principal: auditPrincipal(principal), status: 200, detail: { user: user ?? null, ip: ip ?? null, cleared } });
    return { cleared };
  }
}
