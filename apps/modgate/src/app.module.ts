import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '#audit';
import { AuthModule } from '#auth';
import { ConfigModule, type ModgateConfig } from '#config';
import { DatabaseModule } from '#db';
import { MetricsModule } from '#metrics';
import { PolicyModule } from '#policy';
import { ProxyExceptionFilter, ProxyModule } from '#proxy';
import { StorageModule } from '#storage';
import { SyncModule } from '#sync';
import { VulnModule } from '#vuln';
import { AdminPageController } from './admin/admin-page.controller.js';
import { AuditController } from './admin/audit.controller.js';
import { ClientConfigController } from './client-config.controller.js';
import { ApiDocsController } from './docs/api-docs.controller.js';
import { OpenApiDocs } from './docs/openapi-docs.js';
import { HealthController } from './health.controller.js';
import { HousekeepingService } from './housekeeping/housekeeping.service.js';
import { MetricsController } from './metrics.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: ModgateConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, StorageModule, AuditModule, AuthModule, VulnModule, PolicyModule, ProxyModule, SyncModule, MetricsModule],
      controllers: [HealthController, AuditController, AdminPageController, ApiDocsController, MetricsController, ClientConfigController],
      providers: [{ provide: APP_FILTER, useClass: ProxyExceptionFilter }, OpenApiDocs, HousekeepingService],
    };
  }
}
