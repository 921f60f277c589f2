import { Logger, Module } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { RefusalRepository } from '#db';
import { UpstreamChain, UpstreamSource } from '#upstream';
import { OriginMatcher, PrivateGitSource, PrivateOriginsModule } from '#vcs';
import { ArtifactService } from './artifact.service.js';
import { GoproxyController, SumdbController } from './goproxy.controller.js';
import { GoproxyService } from './goproxy.service.js';
import { HotRefreshService } from './hot-refresh.service.js';
import { ModuleIndexService } from './module-index.service.js';
import { ModuleSourceRouter } from './module-source.router.js';
import { MovedTagDetector } from './moved-tag.detector.js';
import { RefusalMemory } from './refusal-memory.js';
import { SumdbService } from './sumdb.service.js';

@Module({
  imports: [PrivateOriginsModule],
  controllers: [SumdbController, GoproxyController],
  providers: [
    {
      provide: ModuleSourceRouter,
      inject: [MODGATE_CONFIG, PrivateGitSource, OriginMatcher, MovedTagDetector, RefusalRepository],
      useFactory: (config: ModgateConfig, privateSource: PrivateGitSource, origins: OriginMatcher, movedTags: MovedTagDetector, refusals: RefusalRepository) => {
        privateSource.onRefsChanged((codeRoot, tags) => movedTags.check(codeRoot, tags));
        // New refs may answer what was refused or not found: ask git again.
        privateSource.onRefsChanged((codeRoot) =>
          refusals.forgetUnder(codeRoot).catch((err: unknown) => new Logger('Refusals').warn(`cannot forget the refusals under ${codeRoot}: ${(err as Error).message}`)),
        );
        return new ModuleSourceRouter(
          new UpstreamSource(new UpstreamChain(config.upstream, config.cache.upstreamTimeoutSeconds * 1000)),
          privateSource,
          origins,
        );
      },
    },
    MovedTagDetector,
    RefusalMemory,
    ArtifactService,
    ModuleIndexService,
    GoproxyService,
    SumdbService,
    HotRefreshService,
  ],
  exports: [ArtifactService, ModuleIndexService, ModuleSourceRouter],
})
export class ProxyModule {}
