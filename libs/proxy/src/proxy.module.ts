import { Module } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { UpstreamChain, UpstreamSource } from '#upstream';
import { ArtifactService } from './artifact.service.js';
import { GoproxyController, SumdbController } from './goproxy.controller.js';
import { GoproxyService } from './goproxy.service.js';
import { ModuleIndexService } from './module-index.service.js';
import { ModuleSourceRouter } from './module-source.router.js';
import { SumdbService } from './sumdb.service.js';

@Module({
  controllers: [SumdbController, GoproxyController],
  providers: [
    {
      provide: ModuleSourceRouter,
      inject: [MODGATE_CONFIG],
      useFactory: (config: ModgateConfig) =>
        new ModuleSourceRouter(new UpstreamSource(new UpstreamChain(config.upstream, config.cache.upstreamTimeoutSeconds * 1000))),
    },
    ArtifactService,
    ModuleIndexService,
    GoproxyService,
    SumdbService,
  ],
})
export class ProxyModule {}
