import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { SyncJobRepository } from '#sync';
import { removeLeftovers } from './leftover-files.js';

/** Temporary files and directories untouched this long belong to no running request or clone. */
export const LEFTOVER_AGE_MS = 3_600_000;
const INTERVAL_MS = 3_600_000;

/** Zips being downloaded (`<data>/tmp`); a process killed mid-download leaves them. */
const isTempZip = (name: string) => name.endsWith('.zip');
/** First clones (`<mirror>.git.partial`) and their set-up directories (`<mirror>.git.init-<pid>-<n>`). */
const isUnfinishedMirror = (name: string) => /\.git\.(partial|init-.+)$/.test(name);

/**
 * Removes what crashes and failed clones leave on disk, and prunes old webhook deliveries and
 * finished sync jobs (MODGATE_SYNC_HISTORY_DAYS): at start, then hourly.
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly jobs: SyncJobRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.running ??= this.run()
      .catch((err: Error) => this.logger.warn(`housekeeping failed: ${err.message}`))
      .finally(() => (this.running = null));
  }

  /** One pass; logs what it removed. */
  async run(now = Date.now()): Promise<void> {
    const zips = await removeLeftovers(join(this.config.dataDir, 'tmp'), isTempZip, LEFTOVER_AGE_MS, now);
    const mirrors = await removeLeftovers(join(this.config.dataDir, 'git'), isUnfinishedMirror, LEFTOVER_AGE_MS, now);
    const { deliveries, jobs } = this.config.sync.historyDays > 0 ? await this.jobs.prune(this.config.sync.historyDays) : { deliveries: 0, jobs: 0 };
    if (zips.length + mirrors.length + deliveries + jobs === 0) return;
    this.logger.log(
      `removed ${zips.length} leftover temporary zip(s), ${mirrors.length} unfinished clone(s); pruned ${deliveries} webhook deliveries and ${jobs} sync jobs older than ${this.config.sync.historyDays} days`,
    );
  }
}
