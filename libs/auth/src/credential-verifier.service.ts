import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditWriter, UnauthenticatedTally, type AuditPrincipal } from '#audit';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { recordAuthCacheHit, recordAuthThrottled, recordAuthVerification, type AuthMethod } from '#metrics';
import { AuthEvents } from './auth-events.service.js';
import { AuthError, TooManyAttemptsError, UnauthorizedError } from './auth.errors.js';
import { looksLikeToken, parseAuthorization } from './authorization-header.js';
import { LdapVerifier } from './ldap-verifier.service.js';
import { LocalUserService } from './local-user.service.js';
import { LoginThrottle, type LoginAttempt, type LoginLock, type Throttled } from './login-throttle.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';
import { VerificationCache } from './verification-cache.js';

/** Verified tokens are reused this long at most; a revocation evicts them at once (AuthEvents). */
const TOKEN_CACHE_MS = 10_000;

/**
 * Who is asking, from the `Authorization` header. Bearer: a token. Basic (the go command's
 * `.netrc`): a token in the password, else a local user's or the directory's password.
 *
 * Successful verifications are cached under a salted hash of the header: passwords for
 * `auth.cacheTtlSeconds`, tokens for at most 10 s and only while revocations are heard
 * (AuthEvents.live). Concurrent requests with the same credentials share one verification, so a
 * burst of downloads costs one directory bind. Failed passwords are throttled per user and address.
 * Every verification that was not answered from the cache is an `auth.login` audit event.
 */
@Injectable()
export class CredentialVerifier {
  private readonly logger = new Logger('CredentialVerifier');
  private readonly cache: VerificationCache<Principal>;
  private readonly throttle: LoginThrottle;
  private readonly flights = new Map<string, Promise<Principal>>();
  private readonly passwordTtlMs: number;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly tokens: TokenService,
    private readonly users: LocalUserService,
    private readonly ldap: LdapVerifier,
    private readonly events: AuthEvents,
    private readonly audit: AuditWriter,
    private readonly refusals: UnauthenticatedTally,
  ) {
    this.cache = new VerificationCache(Math.max(config.auth.cacheTtlSeconds * 1000, TOKEN_CACHE_MS));
    this.passwordTtlMs = config.auth.cacheTtlSeconds * 1000;
    this.throttle = new LoginThrottle(config.auth.throttle);
    events.on((event) => {
      if (event.type === 'token-revoked') this.cache.forgetTag(event.jti);
      if (event.type === 'user-changed') this.cache.forgetUser(event.name);
      if (event.type === 'resync') this.cache.clear();
      if (event.type === 'logins-unlocked') this.throttle.clear(event);
    });
  }

  /** The principal of credentials verified recently, without any I/O; undefined when they must be verified. */
  cached(header: string | string[] | undefined): Principal | undefined {
    if (typeof header !== 'string' || header === '' || header.length > 8192) return undefined;
    const principal = this.cache.get(this.cache.key(header));
    if (principal) recordAuthCacheHit();
    return principal;
  }

  /** Verifies the credentials of an `Authorization` header: the principal, or 401/429/503. */
  async authenticate(header: string | string[] | undefined, clientIp: string): Promise<Principal> {
    const key = typeof header === 'string' && header !== '' && header.length <= 8192 ? this.cache.key(header) : undefined;
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached) {
      recordAuthCacheHit();
      return cached;
    }
    let credentials: ReturnType<typeof parseAuthorization>;
    try {
      credentials = parseAuthorization(header);
    } catch (err) {
      recordAuthVerification('none', 'failure');
      throw err;
    }
    if (credentials.scheme === 'bearer') return this.token(credentials.token, key!, clientIp);
    if (credentials.password === '') {
      recordAuthVerification('none', 'failure');
      throw new UnauthorizedError('empty password');
    }
    if (looksLikeToken(credentials.password)) return this.token(credentials.password, key!, clientIp);
    return this.password(credentials.username, credentials.password, clientIp, key!);
  }

  /**
   * The `auth.login` event of one verification; a failed audit write is logged, the login stands.
   * Wrong credentials and throttled attempts are counted per minute and address instead (UnauthenticatedTally).
   */
  private async recordLogin(attempted: AuditPrincipal, clientIp: string, outcome: Principal | AuthError, via: string): Promise<void> {
    const failed = outcome instanceof AuthError;
    const event = {
      action: 'auth.login',
      principal: failed ? attempted : { kind: outcome.kind, name: outcome.name, groups: outcome.groups },
      ip: clientIp,
      status: failed ? outcome.status : 200,
      reason: failed ? outcome.message : null,
      detail: { via: failed ? via : outcome.via },
    };
    if (failed && (outcome.status === 401 || outcome.status === 429)) {
      await this.refusals.count(event);
      return;
    }
    await this.audit
      .record(event)
      .catch((err: Error) => this.logger.warn(`login of ${attempted.name ?? 'a token'} was not audited: ${err.message}`));
  }

  /** Runs one verification and audits its outcome (success, or the auth error it threw). */
  private async audited(attempted: AuditPrincipal, clientIp: string, via: string, verify: () => Promise<Principal>): Promise<Principal> {
    try {
      const principal = await verify();
      await this.recordLogin(attempted, clientIp, principal, via);
      return principal;
    } catch (err) {
      if (err instanceof AuthError) await this.recordLogin(attempted, clientIp, err, via);
      throw err;
    }
  }

  private token(token: string, key: string, clientIp: string): Promise<Principal> {
    return this.shared(key, () =>
      this.audited({ kind: 'token', name: null, groups: [] }, clientIp, 'token', async () => {
        const stamp = this.cache.stamp();
        const { principal, expiresAt } = await counted('token', () => this.tokens.verify(token));
        if (this.events.live) this.cache.set(key, principal.user ?? principal.name, principal, { ttlMs: Math.min(TOKEN_CACHE_MS, expiresAt - Date.now()), tag: principal.tokenId, stamp });
        return principal;
      }),
    );
  }

  /** One verification at a time per credentials: a CI job's 64 parallel downloads wait for the first. */
  private shared(key: string, verify: () => Promise<Principal>): Promise<Principal> {
    let flight = this.flights.get(key);
    if (!flight) {
      flight = verify().finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  private password(username: string, password: string, clientIp: string, key: string): Promise<Principal> {
    // The same credentials already being verified: wait for that outcome, without a new attempt.
    const running = this.flights.get(key);
    if (running) return running;
    const attempted: AuditPrincipal = { kind: 'user', name: username.slice(0, 128), groups: [] };
    const attempt = this.throttle.begin(username, clientIp);
    if ('retryAfterMs' in attempt) {
      const error = throttledError(attempt, username, clientIp);
      recordAuthThrottled();
      return this.recordLogin(attempted, clientIp, error, 'password').then(() => Promise.reject(error));
    }
    return this.shared(key, () => this.audited(attempted, clientIp, 'password', () => this.verifyPassword(username, password, attempt, key)));
  }

  private async verifyPassword(username: string, password: string, attempt: LoginAttempt, key: string): Promise<Principal> {
    const stamp = this.cache.stamp();
    let principal: Principal | null | undefined;
    let method: AuthMethod = 'local';
    try {
      principal = await this.users.verify(username, password);
      if (principal === undefined) {
        if (this.ldap.enabled) {
          method = 'ldap';
          const identity = await counted('ldap', () => this.ldap.verify(username, password), false);
          principal = identity && { kind: 'user', name: identity.username, groups: identity.groups, scopes: ['read', 'admin'], via: 'ldap' };
        } else {
          await this.users.burnVerification(password);
          principal = null;
        }
      }
    } finally {
      // A directory that could not be asked is neither a success nor a failure.
      if (principal === undefined) attempt.release();
    }
    if (!principal) {
      recordAuthVerification(method, 'failure');
      attempt.fail();
      throw new UnauthorizedError('invalid user name or password');
    }
    recordAuthVerification(method, 'success');
    attempt.succeed();
    this.cache.set(key, principal.name, principal, { ttlMs: this.passwordTtlMs, stamp });
    return principal;
  }

  /** Lifts login locks here and on every replica; the number lifted here. */
  async unlock(filter: { user?: string; ip?: string }): Promise<number> {
    const cleared = this.throttle.clear(filter);
    await this.events.publish({ type: 'logins-unlocked', ...filter });
    return cleared;
  }

  /** The login locks of this process. */
  locks(): LoginLock[] {
    return this.throttle.locks();
  }
}

function throttledError(throttled: Throttled, username: string, clientIp: string): TooManyAttemptsError {
  const seconds = Math.ceil(throttled.retryAfterMs / 1000);
  const message = throttled.busy
    ? `too many logins of ${username} at once; try again in ${seconds} s`
    : throttled.scope === 'user'
      ? `too many failed logins for ${username} from ${clientIp}; try again in ${seconds} s`
      : `too many failed logins from ${clientIp}; try again in ${seconds} s`;
  return new TooManyAttemptsError(message, seconds);
}

/**
 * Runs one check and counts its outcome: a directory that cannot be asked is `unavailable`, any
 * other auth error a `failure`; success is counted here only when `countSuccess` (else the caller
 * counts the outcome, which may still be a refusal).
 */
async function counted<T>(method: AuthMethod, check: () => Promise<T>, countSuccess = true): Promise<T> {
  try {
    const value = await check();
    if (countSuccess) recordAuthVerification(method, 'success');
    return value;
  } catch (err) {
    if (err instanceof AuthError) recordAuthVerification(method, err.status === 503 ? 'unavailable' : 'failure');
    throw err;
  }
}
