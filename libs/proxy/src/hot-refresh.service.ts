import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { DATABASE, VersionIndexRepository, type Database } from '#db';
import { recordHotRefresh, setHotRefreshDue } from '#metrics';
import { ModuleIndexService } from './module-index.service.js';

/** A stored answer is refreshed once this share of the TTL has passed, well before it runs out. */
const REFRESH_AT = 0.5;
const MAX_PER_PASS = 1000;

/**
 * Hot refresh (MODGATE_HOT_REFRESH_DAYS): the lists and `@latest` of modules requested in the
 * last N days are fetched again in the background once half their TTL has passed (public from
 * the upstream, private from the git mirror), at most MODGATE_HOT_REFRESH_CONCURRENCY at a time, so
 * a request for a hot module finds a fresh answer and never waits on the origin. One pass at a
 * time across replicas (an advisory lock); a replica that waited finds nothing due.
 */
@Injectable()
export class HotRefreshService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HotRefresh');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly index: VersionIndexRepository,
    private readonly modules: ModuleIndexService,
  ) {}

  onApplicationBootstrap(): void {
    const { hotRefreshDays, listTtlSeconds } = this.config.cache;
    if (hotRefreshDays === 0 || listTtlSeconds === 0) return;
    const intervalMs = Math.min(60_000, Math.max(500, (listTtlSeconds * 1000) / 4));
    this.timer = setInterval(() => {
      this.running ??= this.pass()
        .catch((err: Error) => this.logger.warn(`hot refresh failed: ${err.message}`))
        .finally(() => (this.running = null));
    }, intervalMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: refreshes what is due; resolves with the number of refreshes that failed. */
  pass(now = Date.now()): Promise<number> {
    return this.db.sql.withLock('modgate:hot-refresh', async () => {
      const { hotRefreshDays, listTtlSeconds, hotRefreshConcurrency } = this.config.cache;
      const hotSince = new Date(now - hotRefreshDays * 86_400_000);
      const staleBefore = new Date(now - listTtlSeconds * 1000 * REFRESH_AT);
      const due = await this.index.dueForRefresh(hotSince, staleBefore, MAX_PER_PASS);
      setHotRefreshDue(due.length);
      const work = due.flatMap((d) => [...(d.list ? [{ modulePath: d.modulePath, what: 'list' as const }] : []), ...(d.latest ? [{ modulePath: d.modulePath, what: 'latest' as const }] : [])]);
      let failed = 0;
      const worker = async () => {
        for (let item = work.shift(); item && !this.stopped; item = work.shift()) {
          try {
            await this.modules.refresh(item.modulePath, item.what);
            recordHotRefresh(item.what, true);
          } catch (err) {
            failed++;
            recordHotRefresh(item.what, false);
            this.logger.debug(`cannot refresh the ${item.what} of ${item.modulePath}: ${(err as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(hotRefreshConcurrency, work.length) }, worker));
      return failed;
    });
  }
}
