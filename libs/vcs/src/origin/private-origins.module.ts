import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { GitProcessPool } from '../git-process-pool.js';
import { discoverRepoRoot } from './go-get-discovery.js';
import { MirrorRegistry } from './mirror-registry.js';
import { OriginMatcher } from './origin-matcher.js';
import { PrivateGitSource } from './private-git.source.js';

/** Private origins: which module paths are private, their git mirrors, and the git module source. */
@Module({
  providers: [
    { provide: OriginMatcher, inject: [MODGATE_CONFIG], useFactory: (config: ModgateConfig) => new OriginMatcher(config.origins, discoverRepoRoot) },
    {
      provide: MirrorRegistry,
      inject: [MODGATE_CONFIG],
      useFactory: (config: ModgateConfig) => new MirrorRegistry(join(config.dataDir, 'git'), new GitProcessPool(config.git.maxProcesses)),
    },
    {
      provide: PrivateGitSource,
      inject: [OriginMatcher, MirrorRegistry, MODGATE_CONFIG],
      useFactory: (m: OriginMatcher, r: MirrorRegistry, config: ModgateConfig) => new PrivateGitSource(m, r, config.git.fetchIntervalSeconds * 1000),
    },
  ],
  exports: [OriginMatcher, MirrorRegistry, PrivateGitSource],
})
export class PrivateOriginsModule {}
