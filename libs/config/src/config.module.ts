import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { ModgateConfig } from './config.schema.js';

/** Injection token of the validated ModgateConfig. */
export const MODGATE_CONFIG = Symbol('MODGATE_CONFIG');

/** Provides the already-validated configuration to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ModgateConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: MODGATE_CONFIG, useValue: config }], exports: [MODGATE_CONFIG] };
  }
}
