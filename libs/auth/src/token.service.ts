import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { AuthEvents } from './auth-events.service.js';
import { AuthSecretRepository } from './auth-secret.repository.js';
import { AuthUnavailableError, ConflictError, ForbiddenError, InvalidRequestError, RecordNotFoundError, UnauthorizedError } from './auth.errors.js';
import { PERMISSION_CHECKER, type PermissionChecker } from './permission-checker.js';
import { USER_NAME, type Principal, type Scope } from './principal.js';
import { LocalUserRepository } from './local-user.repository.js';
import { newTokenId } from './token-id.js';
import { DuplicateTokenError, TokenRepository, type TokenRecord } from './token.repository.js';

/** What `POST /api/tokens` asks for. */
export interface TokenRequest {
  name: string;
  scopes?: Scope[];
  expiresInDays?: number;
  /** Module path globs the token is restricted to. */
  modules?: string[];
  /** A service account: admins only. Unset = a token for the caller. */
  owner?: string;
}

/** A token as listed: everything but the secret. */
export interface TokenInfo {
  id: string;
  name: string;
  owner: string;
  serviceAccount: boolean;
  scopes: Scope[];
  modules: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const ISSUER = 'modgate';
const AUDIENCE = 'modgate';
/** The only algorithm a token may use: no `none`, no asymmetric/symmetric confusion. */
const ALGORITHM = 'HS256';
/**
 * API tokens: HS256 JWTs, stored as SHA-256 + `jti`. A token is checked against its row, so a
 * revocation (or expiry) counts from the next request; CredentialVerifier caches verified tokens
 * briefly and every replica evicts them on the revocation event this service publishes.
 */
@Injectable()
export class TokenService implements OnModuleInit {
  private secret = '';

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly tokens: TokenRepository,
    private readonly secrets: AuthSecretRepository,
    private readonly localUsers: LocalUserRepository,
    private readonly events: AuthEvents,
    @Optional() @Inject(PERMISSION_CHECKER) private readonly permissions?: PermissionChecker,
  ) {}

  async onModuleInit(): Promise<void> {
    this.secret = this.config.auth.jwtSecret ?? (await this.secrets.getOrCreate('jwt-hs256'));
  }

  /** Issues a token for the caller, or (admins) for a service account. The token is in the answer only. */
  async issue(creator: Principal, request: TokenRequest): Promise<{ token: string; info: TokenInfo }> {
    if (creator.kind === 'anonymous') throw new ForbiddenError('tokens need authentication (MODGATE_AUTH=on)');
    if (creator.kind === 'token' && !creator.scopes.includes('admin')) throw new ForbiddenError(`${creator.name}: a token needs the admin scope to create tokens`);
    const isAdmin = this.permissions?.can(creator, 'admin') ?? false;
    const self = creator.kind === 'token' ? creator.user! : creator.name;
    const serviceAccount = (request.owner !== undefined && request.owner !== self) || (creator.kind === 'token' && creator.serviceAccount === true);
    if (serviceAccount && !isAdmin) throw new ForbiddenError(`${self} may not create tokens for ${request.owner}: admins only`);
    if (request.owner !== undefined && !USER_NAME.test(request.owner)) throw new InvalidRequestError('owner must be a user or service account name');
    const scopes = [...new Set(request.scopes ?? ['read'])].sort() as Scope[];
    if (scopes.includes('admin') && !isAdmin) throw new ForbiddenError(`${self} may not create admin tokens: admins only`);
    const modules = request.modules ?? [];
    for (const glob of modules) {
      if (this.permissions && !this.permissions.isValidModulePattern(glob)) throw new InvalidRequestError(`modules: ${JSON.stringify(glob)} is not a module path glob`);
    }
    const { defaultTtlDays, maxTtlDays } = this.config.auth.tokens;
    const days = request.expiresInDays ?? defaultTtlDays;
    if (!(days > 0) || days > maxTtlDays) throw new InvalidRequestError(`expiresInDays must be more than 0 and at most ${maxTtlDays}`);

    // A token's own owner: local when it carries a local identity, else from the directory.
    const ownerVia = serviceAccount ? 'service' : creator.userId !== undefined ? 'local' : creator.via === 'local' ? 'local' : 'ldap';
    // A local user's token belongs to this user, not to whoever has the name later.
    const ownerId = ownerVia === 'local' ? creator.userId : undefined;
    if (ownerVia === 'local' && ownerId === undefined) throw new ForbiddenError(`${self} is not a local user any more`);
    const jti = newTokenId();
    const expiresInSeconds = Math.max(1, Math.round(days * 86400));
    const owner = serviceAccount ? request.owner! : self;
    // Only what identifies and bounds the token: its row holds name, scopes and restrictions, and a
    // short token keeps every request of the go command small.
    const token = jwt.sign({}, this.secret, {
      algorithm: ALGORITHM,
      expiresIn: expiresInSeconds,
      jwtid: jti,
      subject: owner,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    try {
      const record = await this.tokens.insert({
        jti,
        name: request.name,
        owner,
        serviceAccount,
        ownerVia,
        ownerId: ownerId ?? null,
        tokenSha256: sha256(token),
        scopes,
        modulePatterns: modules,
        // A user's token acts with the groups its owner has now (see README, Tokens).
        groups: serviceAccount ? [] : creator.groups,
        createdBy: creator.kind === 'token' ? `${creator.user} (token ${creator.name})` : creator.name,
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      });
      return { token, info: toInfo(record) };
    } catch (err) {
      if (err instanceof DuplicateTokenError) throw new ConflictError(`${owner} already has an active token named ${request.name}`);
      throw err;
    }
  }

  /** The principal of a token and when it expires (ms), or UnauthorizedError (invalid, expired, revoked). */
  async verify(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new UnauthorizedError('token expired');
      throw new UnauthorizedError('invalid token');
    }
    if (typeof claims === 'string' || typeof claims.jti !== 'string') throw new UnauthorizedError('invalid token');
    let record: TokenRecord | null;
    let ownerGone = false;
    try {
      record = await this.tokens.find(claims.jti);
      if (record?.ownerVia === 'local') {
        // A local user's tokens end with the user (removed or disabled; a new user of the same name is
        // someone else); directory users' end on revocation or expiry.
        const owner = await this.localUsers.find(record.owner);
        ownerGone = !owner || owner.disabled || owner.id !== record.ownerId;
      }
    } catch (err) {
      throw new AuthUnavailableError(`token store unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!record || record.tokenSha256 !== sha256(token)) throw new UnauthorizedError('invalid token');
    if (record.revokedAt) throw new UnauthorizedError('token revoked');
    if (record.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError('token expired');
    if (ownerGone) throw new UnauthorizedError(`the owner of the token, ${record.owner}, is disabled or removed`);

    const principal: Principal = {
      kind: 'token',
      name: record.name,
      user: record.owner,
      groups: record.groups,
      scopes: record.scopes,
      ...(record.modulePatterns.length > 0 ? { modulePatterns: record.modulePatterns } : {}),
      via: 'token',
      serviceAccount: record.serviceAccount,
      tokenId: record.jti,
      ...(record.ownerId ? { userId: record.ownerId } : {}),
    };
    return { principal, expiresAt: record.expiresAt.getTime() };
  }

  /** The caller's own tokens; admins may list anyone's (`owner`) or all (`all`). */
  async list(viewer: Principal, filter: { owner?: string; all?: boolean; includeRevoked?: boolean }): Promise<TokenInfo[]> {
    const self = viewer.kind === 'token' ? viewer.user! : viewer.name;
    const isAdmin = this.permissions?.can(viewer, 'admin') ?? false;
    if ((filter.all || (filter.owner !== undefined && filter.owner !== self)) && !isAdmin) throw new ForbiddenError(`${self} may only list their own tokens`);
    const owner = filter.all ? filter.owner : (filter.owner ?? self);
    const records = await this.tokens.list({ owner, includeRevoked: filter.includeRevoked });
    return records.map(toInfo);
  }

  /**
   * Revokes a token of the caller's, or any token for an admin; effective from the next request
   * everywhere. A read-scope token only reads: token changes need a password or an admin-scope token,
   * except revoking itself (`modgate logout`), which only ever takes access away.
   */
  async revoke(viewer: Principal, jti: string): Promise<TokenInfo> {
    if (viewer.kind === 'token' && !viewer.scopes.includes('admin') && viewer.tokenId !== jti) {
      throw new ForbiddenError(`token ${viewer.name} has the read scope only: revoking tokens needs a password or an admin-scope token`);
    }
    const record = await this.tokens.find(jti);
    const self = viewer.kind === 'token' ? viewer.user! : viewer.name;
    const isAdmin = this.permissions?.can(viewer, 'admin') ?? false;
    if (!record || (!isAdmin && (record.owner !== self || record.serviceAccount))) throw new RecordNotFoundError(`no token ${jti}`);
    if (record.revokedAt) throw new ConflictError(`token ${jti} was revoked already`);
    await this.tokens.revoke(jti, self);
    await this.events.publish({ type: 'token-revoked', jti });
    return toInfo({ ...record, revokedAt: new Date() });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toInfo(record: TokenRecord): TokenInfo {
  return {
    id: record.jti,
    name: record.name,
    owner: record.owner,
    serviceAccount: record.serviceAccount,
    scopes: record.scopes,
    modules: record.modulePatterns,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    revokedAt: record.revokedAt ? record.revokedAt.toISOString() : null,
  };
}
