import { Global, Module } from '@nestjs/common';
import { DATABASE, type Database } from '#db';
import { AdvisoryIndexService } from './advisory-index.service.js';
import { ExposureService } from './exposure.service.js';
import { VulnDbController } from './vulndb.controller.js';
import { VulnFeedScheduler } from './vuln-feed.scheduler.js';
import { FEED_LIMITS, VulnImportService } from './vuln-import.service.js';
import { VulnRepository } from './vuln.repository.js';
import { VulnerabilitiesController } from './vulnerabilities.controller.js';
import { VulnerabilitiesService } from './vulnerabilities.service.js';

/** The Go vulnerability database: import (feed or upload), the in-memory advisory index, `/vulndb/`, exposure. */
@Global()
@Module({
  controllers: [VulnDbController, VulnerabilitiesController],
  providers: [
    { provide: VulnRepository, inject: [DATABASE], useFactory: (db: Database) => new VulnRepository(db.sql) },
    { provide: FEED_LIMITS, useValue: null },
    AdvisoryIndexService,
    VulnImportService,
    VulnFeedScheduler,
    ExposureService,
    VulnerabilitiesService,
  ],
  exports: [AdvisoryIndexService, VulnRepository],
})
export class VulnModule {}
