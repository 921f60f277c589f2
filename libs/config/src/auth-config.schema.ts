import { z } from 'zod';
import type { SecretRef } from './config.schema.js';

/** The LDAP directory the Basic-auth passwords of developers are checked against. */
export interface LdapConfig {
  /** `ldap://host:389` or `ldaps://host:636`. */
  url: string;
  /**
   * Bind directly as `userDnTemplate` with `{{username}}` filled in (DN-escaped), e.g.
   * `uid={{username}},ou=people,dc=corp,dc=example`. Otherwise the user is searched first.
   */
  userDnTemplate?: string;
  /** Where users are searched (search mode). */
  searchBase?: string;
  /** Search filter; `{{username}}` is replaced by the filter-escaped user name. */
  searchFilter: string;
  /** Service account for the search; anonymous search when unset. */
  bindDn?: string;
  bindCredentials?: SecretRef;
  /** Attribute holding the canonical user name (the `user:<name>` subject). */
  usernameAttribute: string;
  /** Where groups are searched; when unset, groups come from the user's `memberOf`. */
  groupSearchBase?: string;
  /** `{{dn}}` is replaced by the filter-escaped user DN, `{{username}}` by the user name. */
  groupSearchFilter: string;
  /** Attribute of a group entry that is its name (the `group:<name>` subject). */
  groupNameAttribute: string;
  /** Gives up on the directory after this long: 503 "authentication backend unavailable". */
  timeoutSeconds: number;
  /** PEM CA bundle for `ldaps://` with a private CA. */
  caFile?: string;
}

/** Failed-login throttling: per user and per client IP, doubling the lock on each further failure. */
export interface ThrottleConfig {
  userMaxFailures: number;
  ipMaxFailures: number;
  windowSeconds: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
}

/** Who-are-you settings (see libs/auth). */
export interface AuthConfig {
  /** `off` only on a loopback listener without TLS: every request is anonymous and allowed. */
  mode: 'on' | 'off';
  /**
   * The try-out default (see {@link deploymentSigns}): module pulls without credentials are served
   * as the anonymous local user; everything else still needs credentials.
   */
  anonymousPulls: boolean;
  /** HS256 secret for tokens; generated once and kept in the database when unset. */
  jwtSecret?: string;
  /** Password of the bootstrap admin created on the first start with no local users. */
  initialAdminPassword?: string;
  /** How long a verified password (LDAP or local) is reused without asking again. */
  cacheTtlSeconds: number;
  throttle: ThrottleConfig;
  tokens: { defaultTtlDays: number; maxTtlDays: number };
  ldap?: LdapConfig;
}

const secretRef = z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()]);

const ldapSchema = z
  .object({
    enabled: z.boolean().default(true),
    url: z
      .string()
      .regex(/^ldaps?:\/\/[^\s/@]+\/?$/, 'must be ldap://host[:port] or ldaps://host[:port]')
      .optional(),
    userDnTemplate: z.string().min(1).optional(),
    searchBase: z.string().min(1).optional(),
    searchFilter: z.string().min(1).default('(uid={{username}})'),
    bindDn: z.string().min(1).optional(),
    bindCredentials: secretRef.optional(),
    usernameAttribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('uid'),
    groupSearchBase: z.string().min(1).optional(),
    groupSearchFilter: z.string().min(1).default('(member={{dn}})'),
    groupNameAttribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/).default('cn'),
    timeoutSeconds: z.number().min(0.1).max(120).default(5),
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((ldap, ctx) => {
    if (!ldap.enabled) return;
    if (!ldap.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'required when LDAP is enabled' });
    if (ldap.userDnTemplate !== undefined && !ldap.userDnTemplate.includes('{{username}}')) {
      ctx.addIssue({ code: 'custom', path: ['userDnTemplate'], message: 'must contain {{username}}' });
    }
    if (ldap.userDnTemplate === undefined && !ldap.searchBase) {
      ctx.addIssue({ code: 'custom', path: ['searchBase'], message: 'required when LDAP is enabled (or set userDnTemplate)' });
    }
    if (!ldap.searchFilter.includes('{{username}}')) {
      ctx.addIssue({ code: 'custom', path: ['searchFilter'], message: 'must contain {{username}}' });
    }
    if (Boolean(ldap.bindDn) !== Boolean(ldap.bindCredentials)) {
      ctx.addIssue({ code: 'custom', path: [ldap.bindDn ? 'bindCredentials' : 'bindDn'], message: 'set both bindDn and bindCredentials, or neither' });
    }
  });

/** The YAML `auth:` block. */
export const authBlockSchema = z
  .object({
    cacheTtlSeconds: z.number().int().min(0).max(86400).default(300),
    throttle: z
      .object({
        userMaxFailures: z.number().int().min(1).max(1000).default(5),
        ipMaxFailures: z.number().int().min(1).max(100000).default(30),
        windowSeconds: z.number().int().min(1).max(86400).default(900),
        baseDelaySeconds: z.number().min(0.001).max(3600).default(1),
        maxDelaySeconds: z.number().min(0.001).max(86400).default(900),
      })
      .strict()
      .default({ userMaxFailures: 5, ipMaxFailures: 30, windowSeconds: 900, baseDelaySeconds: 1, maxDelaySeconds: 900 }),
    tokens: z
      .object({
        defaultTtlDays: z.number().min(0.0001).max(3650).default(90),
        maxTtlDays: z.number().min(0.0001).max(3650).default(365),
      })
      .strict()
      .default({ defaultTtlDays: 90, maxTtlDays: 365 }),
    ldap: ldapSchema.optional(),
  })
  .strict();

/** `MODGATE_AUTH`: `on` or `off`; unset = `on`, with anonymous pulls on the try-out defaults. */
export const authModeSchema = z.enum(['on', 'off']);

export function toLdapConfig(ldap: z.output<typeof ldapSchema> | undefined): LdapConfig | undefined {
  if (!ldap || !ldap.enabled || !ldap.url) return undefined;
  const { enabled: _enabled, url, ...rest } = ldap;
  return { url, ...rest };
}

/** Loopback addresses: the only listeners MODGATE_AUTH=off is accepted on. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
