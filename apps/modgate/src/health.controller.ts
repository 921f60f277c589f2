import { Controller, Get, HttpCode, Inject, Logger, Optional, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CredentialVerifier, PERMISSION_CHECKER, Public, type PermissionChecker } from '#auth';
import { DATABASE, type Database } from '#db';
import { BLOB_STORE, type BlobStore } from '#storage';

/**
 * Liveness and readiness; the only routes that will never need credentials. Why modgate is not
 * ready is logged, and told only to an admin's credentials: anyone else gets the status alone.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('Health');
  private lastProblems = '';

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly verifier: CredentialVerifier,
    @Optional() @Inject(PERMISSION_CHECKER) private readonly permissions?: PermissionChecker,
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
  async ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const problems = (
      await Promise.all([
        this.check('database', () => this.db.sql.query('SELECT 1')),
        this.check('storage', () => this.store.ping()),
      ])
    )
      .filter((problem) => problem !== null)
      .join('; ');
    if (problems !== this.lastProblems) {
      if (problems) this.logger.warn(`not ready: ${problems}`);
      else if (this.lastProblems) this.logger.log('ready again');
      this.lastProblems = problems;
    }
    reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store');
    if (!problems) return 'ready\n';
    reply.status(503);
    return (await this.isAdmin(request)) ? `not ready: ${problems}\n` : 'not ready (details in the log, or for admin credentials)\n';
  }

  private async isAdmin(request: FastifyRequest): Promise<boolean> {
    const header = request.headers.authorization;
    if (!header || !this.permissions) return false;
    try {
      return this.permissions.can(await this.verifier.authenticate(header, request.ip), 'admin');
    } catch {
      return false;
    }
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
