import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AuditWriter, auditPrincipal } from '#audit';
import { ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrors, ApiJsonBody, ApiQueryFrom } from './api-docs.js';
import { CreatedTokenDto, TokenInfoDto } from './auth-api.dto.js';
import { Authenticated, CurrentPrincipal } from './auth.decorators.js';
import { InvalidRequestError } from './auth.errors.js';
import { parseBody } from './parse-body.js';
import { SCOPES, USER_NAME, type Principal, type Scope } from './principal.js';
import { TOKEN_ID } from './token-id.js';
import { TokenService } from './token.service.js';

const createToken = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])).min(1).optional(),
    expiresInDays: z.number().positive().optional(),
    modules: z.array(z.string().min(1).max(512)).max(50).optional(),
    owner: z.string().regex(USER_NAME, 'must be a user or service account name').optional(),
  })
  .strict();

const listQuery = z
  .object({
    owner: z.string().regex(USER_NAME).optional(),
    all: z.enum(['true', 'false']).optional(),
    includeRevoked: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** `/api/tokens`: create (shown once), list, revoke. Users manage their own; admins any. */
@Controller('api/tokens')
@Authenticated()
@ApiTags('tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditWriter,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a token (its secret is shown once)', description: 'Users create their own; admins also service account tokens (`owner`).' })
  @ApiJsonBody(createToken)
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiErrors(400, 403)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { token, info } = await this.tokens.issue(principal, parseBody(createToken, body));
    await this.audit.record({
      action: 'token.create',
      principal: auditPrincipal(principal),
      status: 201,
      detail: { id: info.id, token: info.name, owner: info.owner, scopes: info.scopes, modules: info.modules, expiresAt: info.expiresAt },
    });
    return { token, ...info };
  }

  @Get()
  @ApiOperation({ summary: "List tokens: the caller's, an owner's or (admins, `all=true`) every one" })
  @ApiQueryFrom(listQuery)
  @ApiOkResponse({ type: [TokenInfoDto] })
  @ApiErrors(400, 403)
  list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseBody(listQuery, query);
    return this.tokens.list(principal, { owner: q.owner, all: q.all === 'true', includeRevoked: q.includeRevoked === 'true' });
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a token (takes effect on every replica at once)' })
  @ApiParam({ name: 'id', description: 'The token id (22 characters).' })
  @ApiOkResponse({ type: TokenInfoDto })
  @ApiErrors(400, 403, 404)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    if (!TOKEN_ID.test(id)) throw new InvalidRequestError('not a token id');
    const info = await this.tokens.revoke(principal, id);
    await this.audit.record({ action: 'token.revoke', principal: auditPrincipal(principal), status: 200, detail: { id: info.id, token: info.name, owner: info.owner } });
    return info;
  }
}
