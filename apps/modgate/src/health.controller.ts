import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '#auth';
import { DATABASE, type Database } from '#db';
import { BLOB_STORE, type BlobStore } from '#storage';

/** Liveness and readiness; the only routes that will never need credentials. */
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  @Get('healthz')
  @Public()
  @HttpCode(200)
  health(@Res({ passthrough: true }) reply: FastifyReply): string {
    reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store');
    return 'ok\n';
  }

  @Get('readyz')
  @Public()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const problems = (
      await Promise.all([
        this.check('database', () => this.db.sql.query('SELECT 1')),
        this.check('storage', () => this.store.ping()),
      ])
    ).filter((problem) => problem !== null);
    reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store');
    if (problems.length > 0) {
      reply.status(503);
      return `not ready: ${problems.join('; ')}\n`;
    }
    return 'ready\n';
  }

  private async check(name: string, probe: () => Promise<unknown>): Promise<string | null> {
    try {
      await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
      return null;
    } catch (err) {
      return `${name}: ${(err as Error).message.split('\n')[0]}`;
    }
  }
}
