import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Options as LdapAuthOptions } from 'ldapauth-fork';
import LdapAuthStrategy from 'passport-ldapauth';
import { MODGATE_CONFIG, type LdapConfig, type ModgateConfig, type SecretRef } from '#config';
import { escapeDnValue, escapeFilterValue, fillTemplate, firstRdnValue } from './ldap-escape.js';

/** Name of the passport strategy. */
export const LDAP_STRATEGY = 'modgate-ldap';

/** A verified directory user. */
export interface LdapIdentity {
  /** The directory's spelling of the user name (`usernameAttribute`), the `user:<name>` subject. */
  username: string;
  groups: string[];
}

/** What the verifier hands passport instead of an HTTP request: the credentials and nothing else. */
export interface LdapCredentialsRequest {
  ldapCredentials: { username: string; password: string };
  bindPassword?: string;
}

type LdapEntry = Record<string, unknown> & { dn?: string; _groups?: Array<Record<string, unknown>> };

/**
 * passport-ldapauth behind @nestjs/passport: looks the user up (anonymously or as the service
 * account), binds as the user with the password, and reads the groups (a group search, or the
 * user's `memberOf`). Filter and DN values are escaped here; the library's own escaping never
 * sees a placeholder.
 */
@Injectable()
export class LdapStrategy extends PassportStrategy(LdapAuthStrategy, LDAP_STRATEGY) {
  private readonly ldap: LdapConfig | undefined;

  constructor(@Inject(MODGATE_CONFIG) config: ModgateConfig) {
    const ldap = config.auth.ldap;
    const ca = ldap?.caFile ? readFileSync(ldap.caFile) : undefined;
    super((incoming: IncomingMessage, done: LdapAuthStrategy.OptionsFunctionCallback) => {
      // LdapVerifier passes its own request object, never the HTTP request.
      const req = incoming as unknown as LdapCredentialsRequest;
      if (!ldap) {
        done(new Error('LDAP is not configured'), undefined as unknown as LdapAuthStrategy.Options);
        return;
      }
      done(null, { server: serverOptions(ldap, req.ldapCredentials, req.bindPassword, ca), credentialsLookup: () => req.ldapCredentials });
    });
    this.ldap = ldap;
  }

  /** Maps the directory entry to the identity the rest of modgate uses. */
  validate(entry: LdapEntry): LdapIdentity | false {
    const ldap = this.ldap!;
    const username = firstString(entry[ldap.usernameAttribute]);
    if (!username) return false;
    const groups = ldap.groupSearchBase
      ? (entry._groups ?? []).map((group) => firstString(group[ldap.groupNameAttribute]))
      : strings(entry.memberOf).map((dn) => firstRdnValue(dn, ldap.groupNameAttribute));
    return { username, groups: [...new Set(groups.filter((g): g is string => Boolean(g)))].sort() };
  }
}

/** Reads the service account's password when it is needed (never kept in the config). */
export function readSecretRef(ref: SecretRef): string {
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') throw new Error(`environment variable ${ref.env} is not set`);
    return value;
  }
  return readFileSync(ref.file, 'utf8').trim();
}

function serverOptions(ldap: LdapConfig, credentials: { username: string; password: string }, bindPassword: string | undefined, ca: Buffer | undefined): LdapAuthOptions {
  const timeoutMs = ldap.timeoutSeconds * 1000;
  const common = {
    url: ldap.url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    reconnect: false,
    searchAttributes: ['dn', ldap.usernameAttribute, 'memberOf'],
    ...(ca ? { tlsOptions: { ca } } : {}),
    ...(ldap.groupSearchBase
      ? {
          groupSearchBase: ldap.groupSearchBase,
          groupSearchFilter: (user: LdapEntry) =>
            fillTemplate(ldap.groupSearchFilter, {
              dn: escapeFilterValue(String(user.dn ?? '')),
              username: escapeFilterValue(firstString(user[ldap.usernameAttribute]) ?? ''),
            }),
          groupSearchAttributes: [ldap.groupNameAttribute],
        }
      : {}),
  };
  if (ldap.userDnTemplate) {
    // Bind as the user directly, then read the user's own entry.
    const dn = fillTemplate(ldap.userDnTemplate, { username: escapeDnValue(credentials.username) });
    return { ...common, bindDN: dn, bindCredentials: credentials.password, searchBase: dn, searchScope: 'base', searchFilter: '(objectClass=*)' };
  }
  return {
    ...common,
    ...(ldap.bindDn ? { bindDN: ldap.bindDn, bindCredentials: bindPassword } : {}),
    searchBase: ldap.searchBase!,
    searchFilter: fillTemplate(ldap.searchFilter, { username: escapeFilterValue(credentials.username) }),
  };
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function firstString(value: unknown): string | undefined {
  return strings(value)[0];
}
