import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { PrivateGitSource } from '#vcs';
import { SyncJobRepository } from './sync-job.repository.js';
import { SyncWorkerService } from './sync-worker.service.js';

/**
 * The fallback for lost webhooks: repositories that had no webhook within the poll interval are
 * checked with a cheap `git ls-remote`, and synced when their refs changed.
 */
@Injectable()
export class RepoPollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Poller');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly intervalSeconds: number;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly jobs: SyncJobRepository,
    private readonly git: PrivateGitSource,
    private readonly worker: SyncWorkerService,
  ) {
    this.intervalSeconds = config.origins.length > 0 ? config.sync.pollIntervalSeconds : 0;
  }

  onApplicationBootstrap(): void {
    if (this.intervalSeconds === 0) return;
    const tickMs = Math.max(1000, Math.min(this.intervalSeconds * 1000, 30_000) / 2);
    this.timer = setInterval(() => {
      this.running ??= this.pollOnce().finally(() => (this.running = null));
    }, tickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round: every due repository is compared with its remote; changed ones get a sync job. */
  async pollOnce(): Promise<number> {
    let queued = 0;
    for (const { codeRoot } of await this.jobs.dueForPoll(this.intervalSeconds)) {
      try {
        const mirror = await this.git.mirrorOf(codeRoot);
        if (!(await mirror.exists())) continue;
        const changed = await mirror.remoteChanged();
        await this.jobs.markPolled(codeRoot);
        if (changed) {
          await this.jobs.enqueue(codeRoot, 'poll: refs changed without a webhook');
          queued++;
        }
      } catch (err) {
        this.logger.warn(`poll of ${codeRoot} failed: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    if (queued > 0) this.worker.poke();
    return queued;
  }
}
