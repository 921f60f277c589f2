import type { AuditEvent } from './audit-event.js';

/** CSV columns of an export, in order. */
export const CSV_COLUMNS = [
  'id', 'seq', 'time', 'action', 'principal_kind', 'principal_name', 'groups', 'ip', 'user_agent', 'module', 'version',
  'artifact', 'status', 'reason', 'bytes', 'cache_hit', 'duration_ms', 'request_id', 'detail', 'prev_hash', 'hash',
] as const;

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/** One RFC 4180 line (CRLF) of an event. */
export function csvLine(e: AuditEvent): string {
  const values = [
    e.id, e.seq, e.time.toISOString(), e.action, e.principalKind, e.principalName, e.groups.join(';'), e.ip, e.userAgent,
    e.module, e.version, e.artifact, e.status, e.reason, e.bytes, e.cacheHit, e.durationMs, e.requestId,
    e.detail === null ? null : JSON.stringify(e.detail), e.prevHash, e.hash,
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Spreadsheets skip leading blanks before a formula: `=`, `+`, `-`, `@` (or their full-width
 * forms) after any run of white space, and a leading tab or CR.
 */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/**
 * A field: quoted when it holds a comma, quote or line break. Text that a spreadsheet would read
 * as a formula (see FORMULA_START) gets a leading `'`, so it does not run a user agent.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
