import { hash } from 'node:crypto';

/** Who acted. `system`: modgate itself (sync worker, retention). */
export interface AuditPrincipal {
  kind: 'user' | 'token' | 'anonymous' | 'system';
  /** User name or token name; null when anonymous. Never a password or token. */
  name: string | null;
  groups: string[];
}

/** The audit principal of an authenticated caller (libs/auth's Principal, read structurally). */
export function auditPrincipal(caller: { kind: AuditPrincipal['kind']; name: string | null; groups?: readonly string[] }): AuditPrincipal {
  return { kind: caller.kind, name: caller.name, groups: [...(caller.groups ?? [])] };
}

/** Free-form, non-secret facts about an event (webhook provider, sync result, token scopes...). */
export type AuditDetail = { [key: string]: string | number | boolean | null | string[] };

/** What a caller records: one pull or one security-relevant action. */
export interface AuditEventInput {
  /** `goproxy.zip`, `sumdb.lookup`, `webhook.delivery`, `sync.run`, `auth.login`, `token.create`, ... */
  action: string;
  principal: AuditPrincipal;
  /** When it happened (default: now). */
  time?: Date;
  ip?: string | null;
  userAgent?: string | null;
  module?: string | null;
  version?: string | null;
  /** `info`, `mod`, `zip`, `list`, `latest`, or the sumdb path. */
  artifact?: string | null;
  /** HTTP status of the answer (or 200/4xx/5xx-like outcome of a non-HTTP action). */
  status?: number | null;
  /** Why it was refused or failed. */
  reason?: string | null;
  /** Body bytes of the answer. */
  bytes?: number | null;
  /** True: served from modgate's cache; false: fetched from the origin by this request. */
  cacheHit?: boolean | null;
  durationMs?: number | null;
  requestId?: string | null;
  detail?: AuditDetail | null;
}

/** An event as it is hashed and stored: every field present, normalised, bounded. */
export interface AuditEventFields {
  seq: number;
  time: Date;
  action: string;
  principalKind: string;
  principalName: string | null;
  groups: string[];
  ip: string | null;
  userAgent: string | null;
  module: string | null;
  version: string | null;
  artifact: string | null;
  status: number | null;
  reason: string | null;
  bytes: number | null;
  cacheHit: boolean | null;
  durationMs: number | null;
  requestId: string | null;
  detail: AuditDetail | null;
}

/** A stored event with its place in the chain. */
export interface AuditEvent extends AuditEventFields {
  id: number;
  prevHash: string;
  hash: string;
}

/** The prev_hash of the first event ever written. */
export const GENESIS_HASH = '0'.repeat(64);

const LIMITS = {
  action: 64,
  principalKind: 16,
  principalName: 256,
  group: 256,
  groups: 64,
  ip: 64,
  userAgent: 512,
  module: 1024,
  version: 256,
  artifact: 300,
  reason: 1000,
  requestId: 100,
  detailKeys: 32,
  detailString: 1000,
} as const;

/**
 * The stored form of an input: strings bounded and made storable (no NUL, no lone surrogate, which
 * Postgres would reject or change), numbers made integers. Hashing and storing this exact value
 * lets verification recompute the hash from the row.
 */
export function normalizeEvent(input: AuditEventInput, seq: number): AuditEventFields {
  const time = input.time ?? new Date();
  if (Number.isNaN(time.getTime())) throw new TypeError('audit event time is not a valid date');
  return {
    seq,
    time: new Date(time.getTime()),
    action: text(input.action, LIMITS.action) ?? 'unknown',
    principalKind: text(input.principal.kind, LIMITS.principalKind) ?? 'anonymous',
    principalName: text(input.principal.name, LIMITS.principalName),
    groups: input.principal.groups.slice(0, LIMITS.groups).map((g) => text(g, LIMITS.group) ?? ''),
    ip: text(input.ip, LIMITS.ip),
    userAgent: text(input.userAgent, LIMITS.userAgent),
    module: text(input.module, LIMITS.module),
    version: text(input.version, LIMITS.version),
    artifact: text(input.artifact, LIMITS.artifact),
    status: int(input.status, 0, 999),
    reason: text(input.reason, LIMITS.reason),
    bytes: int(input.bytes, 0, Number.MAX_SAFE_INTEGER),
    cacheHit: input.cacheHit ?? null,
    durationMs: int(input.durationMs, 0, 2_147_483_647),
    requestId: text(input.requestId, LIMITS.requestId),
    detail: input.detail ? normalizeDetail(input.detail) : null,
  };
}

/**
 * The canonical content of an event: a JSON array of its fields in a fixed order (format tag
 * first), with the detail's keys sorted. Hash input and insert payload at once.
 */
export function canonicalEvent(e: AuditEventFields): string {
  return JSON.stringify([
    'v1',
    e.seq,
    e.time.toISOString(),
    e.action,
    e.principalKind,
    e.principalName,
    e.groups,
    e.ip,
    e.userAgent,
    e.module,
    e.version,
    e.artifact,
    e.status,
    e.reason,
    e.bytes,
    e.cacheHit,
    e.durationMs,
    e.requestId,
    e.detail === null ? null : sortedDetail(e.detail),
  ]);
}

/** hash = sha256(prev_hash || canonical content), lower-case hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return hash('sha256', prevHash + canonical, 'hex');
}

function normalizeDetail(detail: AuditDetail): AuditDetail {
  const out: AuditDetail = {};
  for (const key of Object.keys(detail).slice(0, LIMITS.detailKeys)) {
    const value = detail[key];
    const name = text(key, 64) ?? '';
    if (value === undefined) continue;
    if (typeof value === 'string') out[name] = text(value, LIMITS.detailString);
    else if (typeof value === 'number') out[name] = Number.isFinite(value) ? value : null;
    else if (Array.isArray(value)) out[name] = value.slice(0, LIMITS.groups).map((v) => text(String(v), LIMITS.group) ?? '');
    else out[name] = value;
  }
  return out;
}

function sortedDetail(detail: AuditDetail): AuditDetail {
  const out: AuditDetail = {};
  for (const key of Object.keys(detail).sort()) out[key] = detail[key]!;
  return out;
}

/** Lone UTF-16 surrogates: Postgres (UTF-8) cannot store them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Characters that need a closer look: NUL and any surrogate. */
const SUSPECT = /[\0\uD800-\uDFFF]/;

function text(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  let s = value;
  if (SUSPECT.test(s)) s = s.replaceAll('\0', '').replace(LONE_SURROGATE, '\uFFFD');
  if (s.length > max) s = s.slice(0, max).replace(LONE_SURROGATE, '');
  return s;
}

function int(value: number | null | undefined, min: number, max: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.min(max, Math.max(min, Math.round(value)));
}
