import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ClientIpResolver } from '#audit';
import { MODGATE_CONFIG, type ModgateConfig, type Permission } from '#config';
import { IS_PUBLIC, MODULE_PULL, REQUIRED_PERMISSION } from './auth.decorators.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import { PERMISSION_CHECKER, type PermissionChecker } from './permission-checker.js';
import { isLocalAnonymousPull } from './local-pull.js';
import { ANONYMOUS, LOCAL_ANONYMOUS, type Principal } from './principal.js';

/**
 * The one global guard, deny by default: a route is open only with `@Public()`. Every other
 * request gets a Principal from its credentials (or 401/429/503) — on a try-out instance, a local
 * module pull without any is the anonymous local user — and a route's required
 * permission (`@Authenticated({ permission })`) is checked against the policy (403).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  /** Each route's metadata, read once per handler. */
  private readonly routes = new WeakMap<object, { isPublic: boolean; anonymousPull: boolean; permission?: Permission }>();
  /** Behind a load balancer the peer is the balancer: throttling and login events need the client. */
  private readonly clientIps: ClientIpResolver;

  constructor(
    private readonly reflector: Reflector,
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly verifier: CredentialVerifier,
    @Optional() @Inject(PERMISSION_CHECKER) private readonly permissions?: PermissionChecker,
  ) {
    this.clientIps = new ClientIpResolver(config.audit.trustedProxies);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        anonymousPull: this.config.auth.anonymousPulls && this.reflector.getAllAndOverride<boolean>(MODULE_PULL, targets) === true,
        permission: this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets),
      };
      this.routes.set(handler, route);
    }
    if (route.isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const permission = route.permission;
    if (route.anonymousPull && isLocalAnonymousPull({ headers: request.headers, peer: request.socket.remoteAddress, httpVersion: request.raw.httpVersion })) {
      return this.admit(request, LOCAL_ANONYMOUS, permission);
    }
    // Recently verified credentials are answered synchronously: the path of nearly every download.
    const known = this.config.auth.mode === 'off' ? ANONYMOUS : this.verifier.cached(request.headers.authorization);
    if (known) return this.admit(request, known, permission);
    const clientIp = this.clientIps.resolve(request.socket.remoteAddress, request.headers['x-forwarded-for']) ?? request.ip;
    return this.verifier.authenticate(request.headers.authorization, clientIp).then((principal) => this.admit(request, principal, permission));
  }

  private admit(request: { principal?: Principal }, principal: Principal, permission: Permission | undefined): boolean {
    request.principal = principal;
    if (permission) {
      if (!this.permissions) throw new Error(`route requires ${permission} but no permission checker is provided`);
      this.permissions.assertCan(principal, permission);
    }
    return true;
  }
}
