import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseProxyList, type ProxyListEntry } from '#gomod';
import { authBlockSchema, authModeSchema, isLoopbackHost, toLdapConfig, type AuthConfig } from './auth-config.schema.js';
import { policyDocumentSchema, type PolicyDocument } from './policy-document.schema.js';
import { auditModeSchema, trustedProxiesSchema, type AuditConfig } from './audit-config.schema.js';

/** A checksum database passed through at `/sumdb/<name>/...`. */
export interface SumdbTarget {
  name: string;
  url: string;
}

/** Where a private module's git token comes from; the token itself never enters the config. */
export type SecretRef = { env: string } | { file: string };

/** A private origin: module paths matching `pattern` are served from git, never from the upstream. */
export interface OriginConfig {
  /**
   * Module path pattern. `host/org/*`: `*` is one path element and the repository root is the
   * pattern with it filled in. `host/group/...`: the repository root is found by `?go-get=1`
   * discovery below that prefix (GitLab subgroups).
   */
  pattern: string;
  /** Git URL template: `{root}` = repository root import path, `{repo}` = the part after the pattern's prefix. */
  url: string;
  /** Token for the git host, sent as an HTTP header (never in the URL). */
  token?: SecretRef;
  /** With a token: Basic auth with this user name (GitHub: `x-access-token`); without it, Bearer. */
  tokenUser?: string;
  /** Scheme of the `?go-get=1` discovery request (`https`, or `http` for a local host). */
  discoveryScheme: 'https' | 'http';
  /** Where to send discovery requests instead of `<scheme>://<host>` (an internal address of the git host). */
  discoveryBase?: string;
  /** Secret that webhooks for this origin's repositories are signed with (else the global one). */
  webhookSecret?: SecretRef;
}

export type StorageConfig =
  | { driver: 'fs'; root: string }
  | { driver: 's3'; bucket: string; endpoint?: string; region: string; forcePathStyle: boolean };

/** The validated configuration every part of modgate reads. */
export interface ModgateConfig {
  listen: { host: string; port: number };
  /** Prometheus: a second, plain-HTTP listener serving only `/metrics` without credentials (unset: none). */
  metrics: { listen?: { host: string; port: number } };
  /** Server processes sharing the listener (node:cluster); more than one needs Postgres. */
  workers: number;
  tls?: { certFile: string; keyFile: string };
  dataDir: string;
  /**
   * `statementTimeoutMs` bounds every database statement of the request path (and the audit
   * commit): a database that stops answering turns requests into 503s instead of holding them.
   */
  database: ({ kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string }) & { statementTimeoutMs: number };
  storage: StorageConfig;
  upstream: ProxyListEntry[];
  sumdb: SumdbTarget[];
  origins: OriginConfig[];
  /** `fetchIntervalSeconds`: a lookup of an unknown version fetches a repository at most this often. */
  git: { maxProcesses: number; fetchIntervalSeconds: number };
  /** `historyDays`: webhook deliveries and finished sync jobs are deleted after this (0: kept). */
  sync: { webhookSecret?: SecretRef; webhookMaxBytes: number; pollIntervalSeconds: number; historyDays: number };
  /** `notFoundTtlSeconds`: how long a "not found" answer for a version is reused. */
  cache: { listTtlSeconds: number; upstreamTimeoutSeconds: number; notFoundTtlSeconds: number };
  auth: AuthConfig;
  audit: AuditConfig;
  /** Log level, and `json` or `pretty` lines (unset: pretty on a terminal, else JSON). */
  log: { level: LogLevelSetting; format?: 'json' | 'pretty' };
  /** The `policies:` block as validated at start (libs/policy reloads it from `configFile`). */
  policies: PolicyDocument;
  /** The Go vulnerability database feed: an http(s) URL imported every `intervalSeconds` (unset: imports only by hand). */
  vulndb: { url?: string; intervalSeconds: number };
  /** The YAML file named by MODGATE_CONFIG, if any. */
  configFile?: string;
}

export const LOG_LEVEL_SETTINGS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelSetting = (typeof LOG_LEVEL_SETTINGS)[number];

export const DEFAULT_UPSTREAM = 'https://proxy.golang.org';
export const DEFAULT_SUMDB = 'sum.golang.org';

const hostPort = z.string().transform((value, ctx) => {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `expected host:port, got "${value}"` });
    return z.NEVER;
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
});

/** Whether two listeners would bind the same socket (a wildcard host binds every address). */
function sameSocket(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  const wildcard = (host: string) => host === '0.0.0.0' || host === '::';
  return a.port === b.port && (a.host === b.host || wildcard(a.host) || wildcard(b.host));
}

const goproxyList = z.string().transform((value, ctx) => {
  try {
    return parseProxyList(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const sumdbList = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  if (trimmed === 'off' || trimmed === '') return [];
  const targets: SumdbTarget[] = [];
  for (const item of trimmed.split(',')) {
    const [name, url, ...rest] = item.trim().split(/\s+/);
    if (!name || rest.length > 0 || !/^[a-z0-9.-]+(\.[a-z0-9-]+)*(:\d+)?$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: `expected "name" or "name url", got "${item.trim()}"` });
      return z.NEVER;
    }
    const base = url ?? `https://${name}`;
    if (!/^https?:\/\/[^\s/]+/.test(base)) {
      ctx.addIssue({ code: 'custom', message: `"${base}" is not an http or https URL` });
      return z.NEVER;
    }
    targets.push({ name, url: base.replace(/\/+$/, '') });
  }
  return targets;
});

const secretRef = z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()]);

const originSchema = z
  .object({
    pattern: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z0-9-]+(\/[A-Za-z0-9._~-]+)*\/(\*|\.\.\.)$/, 'must look like host/org/* or host/group/...'),
    url: z
      .string()
      .regex(/^(https?|ssh|file):\/\/\S+$/, 'must be an https, http, ssh or file URL template')
      .refine((url) => !/^[a-z]+:\/\/[^/]*@/.test(url) || url.startsWith('ssh://'), 'must not carry credentials; use token'),
    token: secretRef.optional(),
    tokenUser: z.string().min(1).optional(),
    discoveryScheme: z.enum(['https', 'http']).default('https'),
    discoveryBase: z
      .string()
      .regex(/^https?:\/\/[^\s/@]+$/, 'must be http(s)://host[:port] with no path or credentials')
      .optional(),
    webhookSecret: secretRef.optional(),
  })
  .strict();

const booleanString = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

/** Settings as they come in: env names mapped to keys, YAML keys of the same names. */
export const rawConfigSchema = z
  .object({
    listen: hostPort.default({ host: '127.0.0.1', port: 8080 }),
    metricsListen: hostPort.optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    dbStatementTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    storage: z.enum(['fs', 's3']).default('fs'),
    s3Bucket: z.string().min(1).optional(),
    s3Endpoint: z.url().optional(),
    s3Region: z.string().min(1).default('us-east-1'),
    s3ForcePathStyle: booleanString.default(false),
    upstream: goproxyList.default(parseProxyList(DEFAULT_UPSTREAM)),
    sumdb: sumdbList.default([{ name: DEFAULT_SUMDB, url: `https://${DEFAULT_SUMDB}` }]),
    origins: z.array(originSchema).default([]),
    webhookSecret: secretRef.optional(),
    webhookMaxBytes: z.coerce.number().int().min(1024).max(100 << 20).default(5 << 20),
    pollIntervalSeconds: z.coerce.number().int().min(0).max(86400).default(300),
    syncHistoryDays: z.coerce.number().int().min(0).max(36500).default(30),
    workers: z.coerce.number().int().min(1).max(64).default(1),
    gitMaxProcesses: z.coerce.number().int().min(1).max(64).default(4),
    gitFetchIntervalSeconds: z.coerce.number().int().min(0).max(3600).default(10),
    listTtlSeconds: z.coerce.number().int().min(0).max(86400).default(60),
    upstreamTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(300),
    notFoundTtlSeconds: z.coerce.number().int().min(0).max(86400).default(30),
    authMode: authModeSchema.optional(),
    jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    initialAdminPassword: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
    auth: authBlockSchema.default(authBlockSchema.parse({})),
    policies: policyDocumentSchema.default(policyDocumentSchema.parse({})),
    audit: auditModeSchema.default('on'),
    auditFailOpen: booleanString.default(false),
    auditRetentionDays: z.coerce.number().int().min(0).max(36500).default(365),
    trustedProxies: trustedProxiesSchema.default([]),
    logLevel: z.enum(LOG_LEVEL_SETTINGS).default('info'),
    logFormat: z.enum(['json', 'pretty']).optional(),
    vulndbUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/@]+(\/\S*)?$/, 'must be an https (or http) URL without credentials')
      .optional(),
    vulndbIntervalSeconds: z.coerce.number().int().min(60).max(7 * 86400).default(3600),
  })
  .strict()
  .superRefine((raw, ctx) => {
    if (raw.metricsListen && sameSocket(raw.metricsListen, raw.listen)) {
      ctx.addIssue({ code: 'custom', path: ['metricsListen'], message: `must differ from the main listener (${raw.listen.host}:${raw.listen.port})` });
    }
    if (Boolean(raw.tlsCert) !== Boolean(raw.tlsKey)) {
      ctx.addIssue({ code: 'custom', path: [raw.tlsCert ? 'tlsKey' : 'tlsCert'], message: 'set both the TLS certificate and key, or neither' });
    }
    if (raw.workers > 1 && !raw.databaseUrl) {
      ctx.addIssue({ code: 'custom', path: ['workers'], message: 'more than one worker needs DATABASE_URL (the embedded PGlite serves one process)' });
    }
    if (raw.storage === 's3' && !raw.s3Bucket) {
      ctx.addIssue({ code: 'custom', path: ['s3Bucket'], message: 'required when the storage driver is s3' });
    }
    if (raw.audit === 'off' && (raw.tlsCert || !isLoopbackHost(raw.listen.host))) {
      ctx.addIssue({ code: 'custom', path: ['audit'], message: 'off is only for benchmarks: accepted only on a loopback listener without TLS' });
    }
    if (raw.authMode === 'off' && (raw.tlsCert || !isLoopbackHost(raw.listen.host))) {
      ctx.addIssue({
        code: 'custom',
        path: ['authMode'],
        message: `off is accepted only on a loopback listener without TLS (listening on ${raw.listen.host}${raw.tlsCert ? ' with TLS' : ''}); any other listener requires credentials`,
      });
    }
  });

export type RawConfig = z.input<typeof rawConfigSchema>;

/**
 * What says this is a real deployment rather than a try-out on one machine; none means module
 * pulls are served without credentials (README "The two commands"). A reverse proxy in front is a
 * deployment too: it needs TLS or MODGATE_TRUSTED_PROXIES, which are signs.
 */
export function deploymentSigns(raw: z.output<typeof rawConfigSchema>, configFile: string | undefined): string[] {
  const signs: string[] = [];
  if (raw.authMode !== undefined) signs.push(`MODGATE_AUTH=${raw.authMode}`);
  if (configFile !== undefined) signs.push('a config file (MODGATE_CONFIG)');
  if (raw.databaseUrl) signs.push('DATABASE_URL');
  if (raw.tlsCert) signs.push('TLS');
  if (!isLoopbackHost(raw.listen.host)) signs.push(`a non-loopback listener (${raw.listen.host})`);
  if (raw.trustedProxies.length > 0) signs.push('MODGATE_TRUSTED_PROXIES');
  if (raw.storage === 's3') signs.push('S3 storage');
  return signs;
}

/** Turns validated raw settings into the config the application uses (paths made absolute). */
export function toModgateConfig(raw: z.output<typeof rawConfigSchema>, cwd: string, configFile?: string): ModgateConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(raw.dataDir);
  return {
    listen: raw.listen,
    metrics: { listen: raw.metricsListen },
    workers: raw.workers,
    tls: raw.tlsCert && raw.tlsKey ? { certFile: abs(raw.tlsCert), keyFile: abs(raw.tlsKey) } : undefined,
    dataDir,
    database: {
      ...(raw.databaseUrl ? { kind: 'postgres' as const, url: raw.databaseUrl } : { kind: 'pglite' as const, dir: resolve(dataDir, 'db') }),
      statementTimeoutMs: raw.dbStatementTimeoutMs,
    },
    storage:
      raw.storage === 's3'
        ? { driver: 's3', bucket: raw.s3Bucket!, endpoint: raw.s3Endpoint, region: raw.s3Region, forcePathStyle: raw.s3ForcePathStyle }
        : { driver: 'fs', root: resolve(dataDir, 'blobs') },
    upstream: raw.upstream,
    sumdb: raw.sumdb,
    origins: raw.origins,
    git: { maxProcesses: raw.gitMaxProcesses, fetchIntervalSeconds: raw.gitFetchIntervalSeconds },
    sync: { webhookSecret: raw.webhookSecret, webhookMaxBytes: raw.webhookMaxBytes, pollIntervalSeconds: raw.pollIntervalSeconds, historyDays: raw.syncHistoryDays },
    cache: { listTtlSeconds: raw.listTtlSeconds, upstreamTimeoutSeconds: raw.upstreamTimeoutSeconds, notFoundTtlSeconds: raw.notFoundTtlSeconds },
    auth: {
      mode: raw.authMode ?? 'on',
      anonymousPulls: deploymentSigns(raw, configFile).length === 0,
      jwtSecret: raw.jwtSecret,
      initialAdminPassword: raw.initialAdminPassword,
      cacheTtlSeconds: raw.auth.cacheTtlSeconds,
      throttle: raw.auth.throttle,
      tokens: raw.auth.tokens,
      ldap: toLdapConfig(raw.auth.ldap),
    },
    policies: raw.policies,
    log: { level: raw.logLevel, format: raw.logFormat },
    vulndb: { url: raw.vulndbUrl?.replace(/\/+$/, ''), intervalSeconds: raw.vulndbIntervalSeconds },
    audit: { enabled: raw.audit === 'on', failOpen: raw.auditFailOpen, retentionDays: raw.auditRetentionDays, trustedProxies: raw.trustedProxies },
  };
}
