import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A GOPROXY or sumdb answer, independent of the HTTP framework. */
export interface ProxyAnswer {
  contentType: string;
  cacheControl: string;
  body: Buffer | Readable | string;
  length?: number;
  etag?: string;
  /** Artifacts: true when served from modgate's cache, false when this request fetched it from the origin (audited). */
  cacheHit?: boolean;
  /** Facts for the request's audit event (a known-vulnerable version served in warn mode or by an exception). */
  auditDetail?: { [key: string]: string | string[] };
}

/** Writes an answer onto a Fastify reply (used with `@Res({ passthrough: true })`). */
export function sendAnswer(reply: FastifyReply, answer: ProxyAnswer): Buffer | Readable | string {
  reply.header('content-type', answer.contentType);
  reply.header('cache-control', answer.cacheControl);
  if (answer.length !== undefined) reply.header('content-length', answer.length);
  if (answer.etag) reply.header('etag', `"${answer.etag}"`);
  return answer.body;
}
