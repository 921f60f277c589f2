import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Permission } from '#config';
import { UnauthorizedError } from './auth.errors.js';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'modgate:public';
export const REQUIRED_PERMISSION = 'modgate:permission';
export const MODULE_PULL = 'modgate:module-pull';

/** Marks a route (or controller) as open without credentials: health, readiness, signed webhooks. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * A module pull route (GOPROXY, checksum database). It needs credentials like every route, except
 * on a try-out instance (`auth.anonymousPulls`), which serves local requests without any as the
 * anonymous local user.
 */
export const ModulePull = (): MethodDecorator & ClassDecorator => SetMetadata(MODULE_PULL, true);

/**
 * Every route already needs credentials (deny by default); this says so explicitly and can also
 * require a global permission (`admin`) that the policy must grant the caller.
 */
export function Authenticated(options: { permission?: Permission } = {}): MethodDecorator & ClassDecorator {
  return options.permission ? applyDecorators(SetMetadata(REQUIRED_PERMISSION, options.permission)) : applyDecorators();
}

/** The request's principal, set by the global guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return principalOf(context.switchToHttp().getRequest<{ principal?: Principal }>());
});

/** The principal the guard attached to a request; none (a public route) is refused, never anonymous. */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new UnauthorizedError('authentication required');
  return request.principal;
}
