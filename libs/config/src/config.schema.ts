import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseProxyList, type ProxyListEntry } from '#gomod';

/** A checksum database passed through at `/sumdb/<name>/...`. */
export interface SumdbTarget {
  name: string;
  url: string;
}

export type StorageConfig =
  | { driver: 'fs'; root: string }
  | { driver: 's3'; bucket: string; endpoint?: string; region: string; forcePathStyle: boolean };

/** The validated configuration every part of modgate reads. */
export interface ModgateConfig {
  listen: { host: string; port: number };
  tls?: { certFile: string; keyFile: string };
  dataDir: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
  storage: StorageConfig;
  upstream: ProxyListEntry[];
  sumdb: SumdbTarget[];
  cache: { listTtlSeconds: number; upstreamTimeoutSeconds: number };
}

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

const booleanString = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

/** Settings as they come in: env names mapped to keys, YAML keys of the same names. */
export const rawConfigSchema = z
  .object({
    listen: hostPort.default({ host: '127.0.0.1', port: 8080 }),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    storage: z.enum(['fs', 's3']).default('fs'),
    s3Bucket: z.string().min(1).optional(),
    s3Endpoint: z.url().optional(),
    s3Region: z.string().min(1).default('us-east-1'),
    s3ForcePathStyle: booleanString.default(false),
    upstream: goproxyList.default(parseProxyList(DEFAULT_UPSTREAM)),
    sumdb: sumdbList.default([{ name: DEFAULT_SUMDB, url: `https://${DEFAULT_SUMDB}` }]),
    listTtlSeconds: z.coerce.number().int().min(0).max(86400).default(60),
    upstreamTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(300),
  })
  .strict()
  .superRefine((raw, ctx) => {
    if (Boolean(raw.tlsCert) !== Boolean(raw.tlsKey)) {
      ctx.addIssue({ code: 'custom', path: [raw.tlsCert ? 'tlsKey' : 'tlsCert'], message: 'set both the TLS certificate and key, or neither' });
    }
    if (raw.storage === 's3' && !raw.s3Bucket) {
      ctx.addIssue({ code: 'custom', path: ['s3Bucket'], message: 'required when the storage driver is s3' });
    }
  });

export type RawConfig = z.input<typeof rawConfigSchema>;

/** Turns validated raw settings into the config the application uses (paths made absolute). */
export function toModgateConfig(raw: z.output<typeof rawConfigSchema>, cwd: string): ModgateConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(raw.dataDir);
  return {
    listen: raw.listen,
    tls: raw.tlsCert && raw.tlsKey ? { certFile: abs(raw.tlsCert), keyFile: abs(raw.tlsKey) } : undefined,
    dataDir,
    database: raw.databaseUrl ? { kind: 'postgres', url: raw.databaseUrl } : { kind: 'pglite', dir: resolve(dataDir, 'db') },
    storage:
      raw.storage === 's3'
        ? { driver: 's3', bucket: raw.s3Bucket!, endpoint: raw.s3Endpoint, region: raw.s3Region, forcePathStyle: raw.s3ForcePathStyle }
        : { driver: 'fs', root: resolve(dataDir, 'blobs') },
    upstream: raw.upstream,
    sumdb: raw.sumdb,
    cache: { listTtlSeconds: raw.listTtlSeconds, upstreamTimeoutSeconds: raw.upstreamTimeoutSeconds },
  };
}
