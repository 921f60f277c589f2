/** What a credential may be used for: `read` = GOPROXY and sumdb; `admin` = the admin API. */
export type Scope = 'read' | 'admin';

export const SCOPES: readonly Scope[] = ['read', 'admin'];

/**
 * Who is asking, attached to every authenticated request. Policies decide what they may do; the
 * credential's scopes and module restrictions can only narrow that.
 */
export interface Principal {
  kind: 'user' | 'token' | 'anonymous';
  /** The user name, or the token's name. */
  name: string;
  /** For a token: its owner (a user, or the service account of a service token). */
  user?: string;
  /** Directory or local groups (`group:<name>` subjects). A user's token carries the groups its owner had when it was made. */
  groups: string[];
  scopes: Scope[];
  /** Module path globs a token is restricted to; unset = no restriction. */
  modulePatterns?: string[];
  via: 'ldap' | 'local' | 'token' | 'none';
  /** A service account token, whose name is also a `token:<name>` subject. */
  serviceAccount?: boolean;
  /** A token's JWT id. */
  tokenId?: string;
  /** A local user's identity (a new one when the name is removed and created again); tokens are bound to it. */
  userId?: string;
}

/** The principal of every request when MODGATE_AUTH=off (loopback, no TLS only). */
export const ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  name: 'anonymous',
  groups: [],
  scopes: ['read', 'admin'],
  via: 'none',
}) as Principal;

/** The principal of a pull without credentials on a try-out instance (`auth.anonymousPulls`): reads only. */
export const LOCAL_ANONYMOUS: Principal = Object.freeze({
  kind: 'anonymous',
  name: 'anonymous',
  groups: [],
  scopes: ['read'],
  via: 'none',
}) as Principal;

/** How a principal is named in messages: `alice`, `token ci-deploy`. */
export function describePrincipal(principal: Principal): string {
  return principal.kind === 'token' ? `token ${principal.name}` : principal.name;
}

/** The group whose members are admins (a built-in policy binding); the bootstrap admin is in it. */
export const ADMIN_GROUP = 'modgate-admins';

/** User names of local users and service accounts. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
