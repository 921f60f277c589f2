import { Inject, Injectable } from '@nestjs/common';
import type { AuditPrincipal } from '#audit';
import { InvalidRequestError } from '#auth';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { AdvisoryIndexService } from './advisory-index.service.js';
import { ExposureService } from './exposure.service.js';
import { ZipFeedSource } from './feed-source.js';
import { FeedError, isAdvisoryId } from './osv-entry.js';
import { VulnFeedScheduler } from './vuln-feed.scheduler.js';
import { VulnImportService } from './vuln-import.service.js';
import { VulnRepository } from './vuln.repository.js';

/** The admin API's view of the vulnerability database (controllers stay one-line delegations). */
@Injectable()
export class VulnerabilitiesService {
  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly repository: VulnRepository,
    private readonly index: AdvisoryIndexService,
    private readonly importer: VulnImportService,
    private readonly feed: VulnFeedScheduler,
    private readonly exposures: ExposureService,
  ) {}

  async status() {
    const state = await this.repository.state();
    return {
      entries: await this.repository.count(),
      inForce: this.index.current().size,
      lastImport: state ? { generation: state.generation, source: state.source, dbModified: state.dbModified.toISOString(), importedAt: state.importedAt.toISOString() } : null,
      feed: { url: this.config.vulndb.url ?? null, intervalSeconds: this.config.vulndb.intervalSeconds },
    };
  }

  /** Imports an uploaded zip, or the configured feed when there is none; a refused feed is a 400. */
  async import(by: AuditPrincipal, zip: Buffer | undefined) {
    try {
      if (zip && zip.length > 0) return await this.importer.import(await ZipFeedSource.open(zip, 'uploaded zip', 250_000), by);
      if (!this.feed.configured) throw new InvalidRequestError('no vulnerability database feed is configured (MODGATE_VULNDB_URL): upload a zip (content type application/zip)');
      return await this.feed.importNow(by);
    } catch (err) {
      if (err instanceof FeedError) throw new InvalidRequestError(`vulnerability database refused: ${err.message}`);
      throw err;
    }
  }

  async open(days: number) {
    return { days, advisories: await this.exposures.openAdvisories(days) };
  }

  exposure(id: string) {
    if (!isAdvisoryId(id)) throw new InvalidRequestError(`id: ${JSON.stringify(id.slice(0, 80))} is not an advisory id (GO-2024-0001)`);
    return this.exposures.exposure(id);
  }
}
