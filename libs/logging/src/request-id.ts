import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** An inbound id worth keeping: a UUID, a ULID, a trace id; nothing that could forge a log line. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,63}$/;

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is sane (one value, at most 64
 * characters of letters, digits and `._:+=/-`), else a new UUID. The request line, the audit
 * event and the `X-Request-Id` response header all carry this id.
 */
export function requestIdOf(request: Pick<IncomingMessage, 'headers'>): string {
  const inbound = request.headers['x-request-id'];
  return typeof inbound === 'string' && SANE_REQUEST_ID.test(inbound) ? inbound : randomUUID();
}
