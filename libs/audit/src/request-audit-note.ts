import type { AuditDetail } from './audit-event.js';

/**
 * What a handler learned about the request it served, read by the audit hook when the response is
 * sent (also after an error). libs/proxy fills it for GOPROXY and sumdb requests, libs/sync for
 * webhook deliveries; a guard may set `reason` when it refuses.
 */
export interface RequestAuditNote {
  module?: string;
  version?: string;
  artifact?: string;
  /** True: served from modgate's cache; false: this request fetched it from the origin. */
  cacheHit?: boolean;
  /** Why the request was refused or failed (one line, never a secret). */
  reason?: string;
  detail?: AuditDetail;
}

/** The request's audit note, created on first use. */
export function auditNote(request: object): RequestAuditNote {
  const holder = request as { modgateAudit?: RequestAuditNote | null };
  return (holder.modgateAudit ??= {});
}

/** The note if a handler set one. */
export function peekAuditNote(request: object): RequestAuditNote | undefined {
  return (request as { modgateAudit?: RequestAuditNote | null }).modgateAudit ?? undefined;
}
