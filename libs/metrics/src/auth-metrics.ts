import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry.js';

/** How credentials were verified; `none` when the request carried none that could be checked. */
export type AuthMethod = 'token' | 'local' | 'ldap' | 'none';
/** `unavailable`: the directory could not be asked (503). */
export type AuthResult = 'success' | 'failure' | 'unavailable';
export type LdapBindResult = 'success' | 'invalid_credentials' | 'error';

const verifications = new Counter({
  name: 'modgate_auth_verifications_total',
  help: 'Credentials verified (not answered from the cache), by method (token, local, ldap; none: no usable credentials) and result (success, failure, unavailable).',
  labelNames: ['method', 'result'] as const,
  registers: [metricsRegistry],
});
const cacheHits = new Counter({
  name: 'modgate_auth_cache_hits_total',
  help: 'Requests whose credentials were answered from the verification cache (no token check, password hash or LDAP bind).',
  registers: [metricsRegistry],
});
const throttled = new Counter({
  name: 'modgate_auth_throttled_total',
  help: 'Password logins refused without a check because of earlier failures (429).',
  registers: [metricsRegistry],
});
const ldapBinds = new Counter({
  name: 'modgate_ldap_binds_total',
  help: 'Password checks against the directory (user lookup, bind as the user, group search), by result.',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const ldapDuration = new Histogram({
  name: 'modgate_ldap_bind_duration_seconds',
  help: 'Duration of a password check against the directory (lookup, bind and group search).',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Counts one verification of credentials. */
export function recordAuthVerification(method: AuthMethod, result: AuthResult): void {
  verifications.inc({ method, result });
}

/** Counts one request answered from the verification cache. */
export function recordAuthCacheHit(): void {
  cacheHits.inc();
}

/** Counts one login refused by the failure throttle. */
export function recordAuthThrottled(): void {
  throttled.inc();
}

/** Records one password check against the directory. */
export function recordLdapBind(result: LdapBindResult, seconds: number): void {
  ldapBinds.inc({ result });
  ldapDuration.observe(seconds);
}
