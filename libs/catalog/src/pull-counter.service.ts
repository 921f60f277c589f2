import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE, type Database } from '#db';
import { CatalogService } from './catalog.service.js';

/** How often new audit events are counted: pull counts lag the log by about this much. */
export const PULL_COUNT_INTERVAL_MS = 2000;
const BATCH = 10_000;

/**
 * Pull counts from the audit log, off the pull's path: every couple of seconds, the events
 * written since the last pass are added up in seq order (one replica at a time), so a pull's
 * audit commit costs nothing more and no request ever scans the audit log to count.
 */
@Injectable()
export class PullCounter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PullCounts');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly catalog: CatalogService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.catchUp()
        .catch((err: Error) => this.logger.warn(`cannot count pulls: ${err.message}`))
        .finally(() => (this.running = null));
    }, PULL_COUNT_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Counts every event written so far; resolves with how many. */
  catchUp(): Promise<number> {
    return this.db.sql.withLock('modgate:pull-counts', async () => {
      let total = 0;
      for (let counted = BATCH; counted === BATCH; total += counted) counted = await this.catalog.repository.countPulls(BATCH);
      return total;
    });
  }
}
