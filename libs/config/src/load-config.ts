import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { rawConfigSchema, toModgateConfig, type ModgateConfig } from './config.schema.js';

/** Environment variable -> settings key. The YAML file uses the keys themselves. */
export const ENV_SETTINGS: Record<string, string> = {
  MODGATE_LISTEN: 'listen',
  MODGATE_METRICS_LISTEN: 'metricsListen',
  MODGATE_WORKERS: 'workers',
  MODGATE_TLS_CERT: 'tlsCert',
  MODGATE_TLS_KEY: 'tlsKey',
  MODGATE_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  MODGATE_DB_STATEMENT_TIMEOUT_MS: 'dbStatementTimeoutMs',
  MODGATE_STORAGE: 'storage',
  MODGATE_S3_BUCKET: 's3Bucket',
  MODGATE_S3_ENDPOINT: 's3Endpoint',
  MODGATE_S3_REGION: 's3Region',
  MODGATE_S3_FORCE_PATH_STYLE: 's3ForcePathStyle',
  MODGATE_UPSTREAM: 'upstream',
  MODGATE_SUMDB: 'sumdb',
  MODGATE_LIST_TTL_SECONDS: 'listTtlSeconds',
  MODGATE_GIT_MAX_PROCESSES: 'gitMaxProcesses',
  MODGATE_GIT_FETCH_INTERVAL_SECONDS: 'gitFetchIntervalSeconds',
  MODGATE_NOT_FOUND_TTL_SECONDS: 'notFoundTtlSeconds',
  MODGATE_WEBHOOK_MAX_BYTES: 'webhookMaxBytes',
  MODGATE_POLL_INTERVAL_SECONDS: 'pollIntervalSeconds',
  MODGATE_SYNC_HISTORY_DAYS: 'syncHistoryDays',
  MODGATE_UPSTREAM_TIMEOUT_SECONDS: 'upstreamTimeoutSeconds',
  MODGATE_AUTH: 'authMode',
  MODGATE_JWT_SECRET: 'jwtSecret',
  MODGATE_INITIAL_ADMIN_PASSWORD: 'initialAdminPassword',
  MODGATE_AUDIT: 'audit',
  MODGATE_AUDIT_FAIL_OPEN: 'auditFailOpen',
  MODGATE_AUDIT_RETENTION_DAYS: 'auditRetentionDays',
  MODGATE_TRUSTED_PROXIES: 'trustedProxies',
  MODGATE_LOG_LEVEL: 'logLevel',
  MODGATE_LOG_FORMAT: 'logFormat',
  MODGATE_VULNDB_URL: 'vulndbUrl',
  MODGATE_VULNDB_INTERVAL_SECONDS: 'vulndbIntervalSeconds',
};

/** A setting that stops the start, named the way the user wrote it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads env plus the optional YAML file named by MODGATE_CONFIG; env wins. Throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ModgateConfig {
  const fromFile = env.MODGATE_CONFIG ? readYaml(env.MODGATE_CONFIG) : {};
  const fromEnv: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(fromFile)) origin[key] = `(in ${env.MODGATE_CONFIG})`;
  for (const [name, key] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      fromEnv[key] = value;
      origin[key] = name;
    }
  }
  const parsed = rawConfigSchema.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      // Nested YAML settings are named in full: `auth.ldap.searchBase (in modgate.yaml)`.
      const setting = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
      const from = origin[key];
      const where = from?.startsWith('(in ') ? `${setting} ${from}` : (from ?? (envNameOf(key) || setting || 'config'));
      return `${where}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const configFile = env.MODGATE_CONFIG ? (isAbsolute(env.MODGATE_CONFIG) ? env.MODGATE_CONFIG : resolve(cwd, env.MODGATE_CONFIG)) : undefined;
  const config = toModgateConfig(parsed.data, cwd, configFile);
  if (configFile) config.configFile = configFile;
  return config;
}

function envNameOf(key: string): string | undefined {
  return Object.entries(ENV_SETTINGS).find(([, k]) => k === key)?.[0];
}

/** Reads the YAML settings file (MODGATE_CONFIG) into a plain mapping; throws ConfigError. */
export function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`MODGATE_CONFIG: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`MODGATE_CONFIG: ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`MODGATE_CONFIG: ${path} must hold a mapping of settings`);
  return doc as Record<string, unknown>;
}
