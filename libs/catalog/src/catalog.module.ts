import { Module } from '@nestjs/common';
import { ProxyModule } from '#proxy';
import { BlobGcService } from './blob-gc.service.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { EvictionService } from './eviction.service.js';
import { ModulesController, StorageController } from './modules.controller.js';
import { PullCounter } from './pull-counter.service.js';

/** What the registry holds: /catalog, /index, /api/modules, and the storage lifecycle (/api/storage). */
@Module({
  imports: [ProxyModule],
  controllers: [CatalogController, ModulesController, StorageController],
  providers: [CatalogService, PullCounter, BlobGcService, EvictionService],
  exports: [CatalogService],
})
export class CatalogModule {}
