import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type ModgateConfig } from '#config';
import { DatabaseModule } from '#db';
import { ProxyExceptionFilter, ProxyModule } from '#proxy';
import { StorageModule } from '#storage';
import { SyncModule } from '#sync';
import { HealthController } from './health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: ModgateConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, StorageModule, ProxyModule, SyncModule],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProxyExceptionFilter }],
    };
  }
}
