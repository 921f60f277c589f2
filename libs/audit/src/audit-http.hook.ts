import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import type { AuditDetail, AuditEventInput, AuditPrincipal } from './audit-event.js';
import { AuditWriter } from './audit-writer.service.js';
import { ClientIpResolver } from './client-ip.js';
import { peekAuditNote } from './request-audit-note.js';
import { classifyRequest, type RequestKind } from './request-kind.js';
import { UnauthenticatedTally } from './unauthenticated-tally.service.js';

/** The body of a pull refused because its audit event could not be committed. */
export const FAIL_CLOSED_BODY = 'modgate: audit log unavailable; refusing to serve (fail closed)\n';

/** The principal libs/auth's guard attaches to a request (read structurally; absent = anonymous). */
interface RequestPrincipal {
  kind: 'user' | 'token' | 'anonymous';
  name: string;
  user?: string;
  groups?: string[];
}

const ANONYMOUS: AuditPrincipal = { kind: 'anonymous', name: null, groups: [] };

/**
 * The single choke point of per-request audit events: a Fastify `onSend` hook on every GOPROXY,
 * sumdb and webhook response (also errors from guards and filters). It waits until the event is
 * committed before the response is sent, and turns the response into a 503 when that fails
 * (fail closed) unless fail-open is configured. Refusals for lack of valid credentials are only
 * counted (UnauthenticatedTally).
 */
@Injectable()
export class AuditHttpHook {
  private readonly logger = new Logger('Audit');
  private readonly ips: ClientIpResolver;
  private readonly failOpen: boolean;
  private unrecorded = 0;
  private lastWarning = 0;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly writer: AuditWriter,
    private readonly tally: UnauthenticatedTally,
  ) {
    this.ips = new ClientIpResolver(config.audit.trustedProxies);
    this.failOpen = config.audit.failOpen;
  }

  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('modgateAudit', null);
    fastify.addHook('onSend', (request, reply, payload) => this.onSend(request, reply, payload));
  }

  async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const kind = classifyRequest(request.url);
    if (!kind) return payload;
    // Fastify's request id (libs/logging's requestIdOf): the same id as the request's log line.
    const requestId = request.id;
    reply.header('x-request-id', requestId);
    const event = this.eventOf(request, reply, payload, kind, requestId);
    if (isUnauthenticatedRefusal(request, reply.statusCode)) {
      await this.tally.count(event);
      return payload;
    }
    try {
      await this.writer.record(event);
      return payload;
    } catch (err) {
      if (this.failOpen) {
        this.warnUnrecorded(err as Error);
        return payload;
      }
      this.writer.recordLater(refusalOf(event, err as Error));
      return refuse(reply, payload);
    }
  }

  /** The event of one request; what the handler noted wins over what the URL says. */
  eventOf(request: FastifyRequest, reply: FastifyReply, payload: unknown, kind: RequestKind, requestId: string): AuditEventInput {
    const note = peekAuditNote(request);
    const status = reply.statusCode;
    const principal = (request as { principal?: RequestPrincipal }).principal;
    let detail: AuditDetail | undefined = kind.detail || note?.detail ? { ...kind.detail, ...note?.detail } : undefined;
    if (principal?.kind === 'token' && principal.user) detail = { ...detail, user: principal.user };
    const elapsed = reply.elapsedTime;
    return {
      action: kind.action,
      principal: principal ? { kind: principal.kind, name: principal.name, groups: principal.groups ?? [] } : ANONYMOUS,
      time: new Date(Date.now() - elapsed),
      ip: this.ips.resolve(request.socket?.remoteAddress, request.headers['x-forwarded-for']),
      userAgent: request.headers['user-agent'] ?? null,
      module: note?.module ?? kind.module ?? null,
      version: note?.version ?? kind.version ?? null,
      artifact: note?.artifact ?? kind.artifact ?? null,
      status,
      reason: note?.reason ?? (status >= 400 ? reasonOf(payload) : null),
      bytes: request.method === 'HEAD' ? 0 : bytesOf(payload, reply),
      cacheHit: note?.cacheHit ?? null,
      durationMs: elapsed,
      requestId,
      detail: detail ?? null,
    };
  }

  private warnUnrecorded(err: Error): void {
    this.unrecorded++;
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.logger.error(`fail open: served ${this.unrecorded} request(s) without an audit event: ${err.message}`);
    this.unrecorded = 0;
    this.lastWarning = now;
  }
}

/** A 401, or a 429 of the login throttle, for a request that never had a principal: counted, not recorded one by one. */
function isUnauthenticatedRefusal(request: FastifyRequest, status: number): boolean {
  return (status === 401 || status === 429) && !(request as { principal?: RequestPrincipal }).principal;
}

/** What the client of a refused pull got: a 503 with no module bytes, whatever the handler meant to send. */
function refusalOf(event: AuditEventInput, err: Error): AuditEventInput {
  return {
    ...event,
    status: 503,
    bytes: Buffer.byteLength(FAIL_CLOSED_BODY),
    reason: `refused (fail closed): ${err.message.split('\n')[0]}`,
    detail: { ...event.detail, refusedStatus: event.status ?? null },
  };
}

function refuse(reply: FastifyReply, payload: unknown): string {
  if (isStream(payload)) payload.destroy();
  reply.code(503);
  reply.header('content-type', 'text/plain; charset=utf-8');
  reply.header('cache-control', 'no-store');
  reply.header('retry-after', '5');
  reply.removeHeader('content-length');
  reply.removeHeader('etag');
  return FAIL_CLOSED_BODY;
}

function isStream(payload: unknown): payload is Readable {
  return typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload) && typeof (payload as Readable).pipe === 'function';
}

function bytesOf(payload: unknown, reply: FastifyReply): number | null {
  if (typeof payload === 'string') return Buffer.byteLength(payload);
  if (Buffer.isBuffer(payload)) return payload.length;
  if (payload === null || payload === undefined) return 0;
  const length = Number(reply.getHeader('content-length'));
  return Number.isFinite(length) ? length : null;
}

/** The one-line reason of an error body: text (`modgate: ...`) or JSON (`{"error": {"message": ...}}`). */
function reasonOf(payload: unknown): string | null {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.subarray(0, 2048).toString() : null;
  if (!text) return null;
  if (text.startsWith('{')) {
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
      const message = typeof body.error === 'object' ? body.error?.message : (body.message ?? body.error);
      if (typeof message === 'string') return message.slice(0, 300);
    } catch {
      // not JSON after all: use the text
    }
  }
  return text.split('\n')[0]!.replace(/^modgate: /, '').slice(0, 300) || null;
}
