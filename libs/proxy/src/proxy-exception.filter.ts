import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './errors.js';
import { CACHE_NONE } from './cache-control.js';

/**
 * Maps every error to a one-line text/plain body, the form the go command prints. Unexpected errors
 * become 500 with an error id that is also logged; their details stay in the log.
 */
@Catch()
export class ProxyExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number;
    let message: string;
    if (error instanceof DomainError) {
      status = error.status;
      message = error.message;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      message = status === 404 ? 'not found' : error.message;
    } else {
      const id = randomUUID();
      this.logger.error(`error ${id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      status = 500;
      message = `internal error (id ${id})`;
    }
    if (status >= 500 && status !== 500) this.logger.warn(message);
    if (reply.sent) return;
    void reply
      .status(status)
      .header('content-type', 'text/plain; charset=utf-8')
      .header('cache-control', CACHE_NONE)
      .send(`modgate: ${message.split('\n')[0]}\n`);
  }
}
