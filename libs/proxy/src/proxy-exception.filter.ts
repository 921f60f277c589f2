import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthError } from '#auth';
import { BlobStoreWriteError } from '#storage';
import { DomainError } from './errors.js';
import { CACHE_NONE } from './cache-control.js';

/** The JSON error code of a status (admin API bodies). */
const CODES: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'too_large',
  429: 'too_many_requests',
  500: 'internal',
  502: 'upstream',
  503: 'unavailable',
};

/**
 * Maps every error to HTTP: on GOPROXY and sumdb routes a one-line text/plain body, the form the
 * go command prints; under `/api/` the JSON `{ "error": { "code", "message", "id"? } }`. Auth
 * errors bring their headers (`WWW-Authenticate`, `Retry-After`). Unexpected errors become 500
 * with an error id that is also logged; their details stay in the log.
 */
@Catch()
export class ProxyExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const url = http.getRequest<{ url?: string }>().url ?? '';
    let status: number;
    let message: string;
    let code: string | undefined;
    let headers: Record<string, string> = {};
    let id: string | undefined;
    let logged = false;
    if (error instanceof DomainError) {
      status = error.status;
      message = error.message;
    } else if (error instanceof AuthError) {
      status = error.status;
      message = error.message;
      code = error.code;
      headers = error.headers;
    } else if (error instanceof BlobStoreWriteError) {
      this.logger.error(error.message);
      logged = true;
      status = 503;
      message = error.reason;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      message = status === 404 ? 'not found' : error.message;
    } else if (isClientError(error)) {
      // Fastify's own refusals (malformed JSON body, body too large, bad content type).
      status = error.statusCode;
      message = error.message;
    } else {
      id = randomUUID();
      this.logger.error(`error ${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      status = 500;
      message = `internal error (id ${id})`;
    }
    if (status >= 500 && status !== 500 && !logged) this.logger.warn(message);
    if (reply.sent) return;
    reply.status(status).header('cache-control', CACHE_NONE);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    const line = message.split('\n')[0]!;
    if (url.startsWith('/api/')) {
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: { code: code ?? CODES[status] ?? `http_${status}`, message: line, ...(id ? { id } : {}) } }));
      return;
    }
    void reply.header('content-type', 'text/plain; charset=utf-8').send(`modgate: ${line}\n`);
  }
}

function isClientError(error: unknown): error is Error & { statusCode: number } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}
