import { Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { DATABASE, type Database } from '#db';
import { AuditEventRepository } from './audit-event.repository.js';
import { AuditExportService } from './audit-export.service.js';
import { AuditHttpHook } from './audit-http.hook.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditRetentionService } from './audit-retention.service.js';
import { AuditVerifyService } from './audit-verify.service.js';
import { AuditWriter } from './audit-writer.service.js';
import { UnauthenticatedTally } from './unauthenticated-tally.service.js';

/**
 * The audit log: the group-commit writer every part of modgate records into, the per-request hook
 * on GOPROXY, sumdb and webhook routes, and the review services (query, export, verify, retention).
 */
@Global()
@Module({
  providers: [
    { provide: AuditEventRepository, inject: [DATABASE], useFactory: (db: Database) => new AuditEventRepository(db.sql) },
    AuditWriter,
    UnauthenticatedTally,
    AuditHttpHook,
    AuditQueryService,
    AuditExportService,
    AuditVerifyService,
    AuditRetentionService,
  ],
  exports: [AuditWriter, UnauthenticatedTally, AuditQueryService, AuditExportService, AuditVerifyService, AuditRetentionService],
})
export class AuditModule implements OnModuleInit {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly hook: AuditHttpHook,
  ) {}

  onModuleInit(): void {
    const { audit } = this.config;
    if (!audit.enabled) {
      for (const line of [
        '!!! MODGATE_AUDIT=off: the audit log is OFF. Pulls are NOT recorded. !!!',
        '!!! This setting exists for benchmarks only (loopback listener, no TLS). Never run it for users. !!!',
      ]) {
        this.logger.warn(line);
      }
      return;
    }
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify && typeof fastify.addHook === 'function') this.hook.register(fastify);
    if (audit.failOpen) {
      this.logger.warn('MODGATE_AUDIT_FAIL_OPEN=true: pulls are served even when their audit event cannot be committed (events are then lost)');
    }
    if (audit.trustedProxies.length) this.logger.log(`X-Forwarded-For is believed from ${audit.trustedProxies.join(', ')}`);
  }
}
