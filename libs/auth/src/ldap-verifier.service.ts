import { Inject, Injectable, Logger } from '@nestjs/common';
import passport from 'passport';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { recordLdapBind } from '#metrics';
import { AuthUnavailableError } from './auth.errors.js';
import { LDAP_STRATEGY, LdapStrategy, readSecretRef, type LdapCredentialsRequest, type LdapIdentity } from './ldap.strategy.js';

/**
 * Checks a user name and password against the directory through the passport strategy. Resolves
 * the identity, or null for wrong credentials (unknown user, wrong password, locked account);
 * rejects with AuthUnavailableError when the directory cannot be asked.
 */
@Injectable()
export class LdapVerifier {
  private readonly logger = new Logger('LDAP');

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    // Injected so the strategy is registered with passport before the first verification.
    readonly strategy: LdapStrategy,
  ) {}

  get enabled(): boolean {
    return this.config.auth.ldap !== undefined;
  }

  async verify(username: string, password: string): Promise<LdapIdentity | null> {
    const ldap = this.config.auth.ldap;
    if (!ldap) return null;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const identity = await this.check(ldap, username, password);
      recordLdapBind(identity ? 'success' : 'invalid_credentials', seconds());
      return identity;
    } catch (err) {
      recordLdapBind('error', seconds());
      throw err;
    }
  }

  private check(ldap: NonNullable<ModgateConfig['auth']['ldap']>, username: string, password: string): Promise<LdapIdentity | null> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settle();
      };
      const unavailable = (detail: string, reason = 'the directory cannot be reached') => {
        this.logger.warn(`directory unavailable: ${detail}`);
        finish(() => reject(new AuthUnavailableError(`authentication backend unavailable: ${reason}`)));
      };
      const slow = `the directory did not answer within ${ldap.timeoutSeconds} s`;
      const timer = setTimeout(
        () => unavailable(`no answer from ${ldap.url} within ${ldap.timeoutSeconds} s`, slow),
        ldap.timeoutSeconds * 1000 + 250,
      );
      let request: LdapCredentialsRequest;
      try {
        request = { ldapCredentials: { username, password }, bindPassword: ldap.bindCredentials ? readSecretRef(ldap.bindCredentials) : undefined };
      } catch (err) {
        unavailable(`service account password: ${(err as Error).message}`);
        return;
      }
      const middleware = passport.authenticate(LDAP_STRATEGY, { session: false }, (err: unknown, identity: LdapIdentity | false) => {
        if (err instanceof Error) unavailable(`${err.name}: ${err.message}`, /time(d)? ?out/i.test(`${err.name} ${err.message}`) ? slow : undefined);
        else if (err) {
          // ldapauth-fork reports some lookup outcomes as strings (e.g. several entries match).
          this.logger.warn(`login of ${JSON.stringify(username)} refused: ${String(err)}`);
          finish(() => resolve(null));
        } else finish(() => resolve(identity || null));
      }) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      middleware(request, {}, (err?: unknown) => unavailable(String(err)));
    });
  }
}
