import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrors, ApiQueryFrom, Authenticated, CurrentPrincipal, InvalidRequestError, USER_NAME, type Principal } from '#auth';
import { PolicyCheckService } from './policy-check.service.js';

const checkQuery = z
  .object({
    user: z.string().regex(USER_NAME, 'must be a user name').optional(),
    groups: z.string().max(4096).optional(),
    token: z.string().min(1).max(128).optional(),
    module: z.string().min(1).max(4096),
    version: z.string().min(1).max(256).optional(),
  })
  .strict()
  .refine((q) => (q.user === undefined) !== (q.token === undefined), 'give either user or token');

/** `GET /api/policies/check`: which rule lets a user (or token) read a module version, or refuses it. Admins only. */
@Controller('api/policies/check')
@Authenticated({ permission: 'admin' })
@ApiTags('policies')
export class PolicyCheckController {
  constructor(private readonly checks: PolicyCheckService) {}

  @Get()
  @ApiOperation({
    summary: 'Explain a policy decision',
    description: 'Allowed or denied for reading `module` (at `version`), and the deny rule, known vulnerability or binding that decided. Groups default to the local user\'s.',
  })
  @ApiQueryFrom(checkQuery, {
    user: 'User name (or give token).',
    groups: 'Comma-separated groups to assume (default: the local user\'s groups, none for a directory user).',
    token: 'A token id or name, instead of user.',
    module: 'Module path.',
    version: 'Semantic version; without it only unversioned deny rules apply.',
  })
  @ApiOkResponse({ description: '`{ allowed, reason, principal, groups, groupsFrom, subjects, module, version, source, rule, decidedBy, vulnerabilities }` (`rule.kind` `vulnerability`: a known vulnerability in block mode decided)' })
  @ApiErrors(400, 403, 404)
  check(@CurrentPrincipal() viewer: Principal, @Query() query: unknown) {
    return this.checks.check(viewer, parseQuery(query));
  }
}

function parseQuery(query: unknown) {
  const parsed = checkQuery.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRequestError(`${issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`);
  }
  const { groups, ...rest } = parsed.data;
  return { ...rest, ...(groups !== undefined ? { groups: groups.split(',').map((g) => g.trim()).filter(Boolean) } : {}) };
}
