import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AuditPrincipal } from '#audit';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { HttpFeedSource } from './feed-source.js';
import { VulnImportService, type ImportResult } from './vuln-import.service.js';

/** The audit principal of scheduled imports. */
const FEED: AuditPrincipal = { kind: 'system', name: 'vulndb-feed', groups: [] };

/** Imports the configured feed (`MODGATE_VULNDB_URL`) at start and every `MODGATE_VULNDB_INTERVAL_SECONDS`. */
@Injectable()
export class VulnFeedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly source: HttpFeedSource | undefined;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly importer: VulnImportService,
  ) {
    const url = config.vulndb.url;
    this.source = url ? new HttpFeedSource(url, config.cache.upstreamTimeoutSeconds * 1000) : undefined;
  }

  get configured(): boolean {
    return this.source !== undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.source) return;
    const run = () => void this.importNow().catch(() => undefined);
    setTimeout(run, 0).unref();
    this.timer = setInterval(run, this.config.vulndb.intervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Imports the configured feed now (errors are logged and audited by the importer, and thrown). */
  importNow(by: AuditPrincipal = FEED): Promise<ImportResult> {
    if (!this.source) throw new Error('no vulnerability database feed is configured (MODGATE_VULNDB_URL)');
    return this.importer.import(this.source, by);
  }
}
