import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditWriter } from '#audit';
import { DATABASE, type Database } from '#db';
import { recordSyncJob } from '#metrics';
import { RepoSyncService } from './repo-sync.service.js';
import { SyncJobRepository, type SyncJob } from './sync-job.repository.js';

/** Jobs queued by this process wake the worker at once; this only bounds other replicas' jobs. */
const IDLE_POLL_MS = 1000;
const MAX_ATTEMPTS = 8;
/** A running job whose worker stopped heart-beating this long ago is taken over. */
const STALE_AFTER_SECONDS = 120;

/**
 * Runs sync jobs from the job table, one at a time per process, holding a cross-replica advisory
 * lock per repository. Woken at once by local enqueues, otherwise polls the table.
 */
@Injectable()
export class SyncWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SyncWorker');
  private readonly id = `worker-${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly jobs: SyncJobRepository,
    private readonly repoSync: RepoSyncService,
    private readonly audit: AuditWriter,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** Wakes the worker now (a job was just enqueued by this process). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    // On embedded PGlite only this process exists: anything "running" died with an earlier one.
    const staleAfter = this.db.sql.description.startsWith('PGlite') ? 0 : STALE_AFTER_SECONDS;
    while (!this.stopping) {
      let job: SyncJob | null = null;
      try {
        await this.jobs.releaseStale(staleAfter);
        job = await this.jobs.claim(this.id);
      } catch (err) {
        if (!this.stopping) this.logger.warn(`job table unavailable: ${(err as Error).message}`);
      }
      if (job) await this.execute(job);
      else await this.sleep(IDLE_POLL_MS);
    }
  }

  private async execute(job: SyncJob): Promise<void> {
    const started = Date.now();
    try {
      const result = await this.db.sql.withLock(`sync:${job.codeRoot}`, () => this.repoSync.sync(job.codeRoot, job.reason));
      await this.jobs.markSynced(job.codeRoot);
      await this.jobs.complete(job.id);
      recordSyncJob(true, (Date.now() - started) / 1000);
      const prebuilt = result.modules.flatMap((m) => m.prebuilt.map((v) => `${m.modulePath}@${v}`));
      await this.recordRun(job, started, 200, null, { changed: result.changed, modules: result.modules.length, prebuilt: prebuilt.slice(0, 64) });
    } catch (err) {
      const message = (err as Error).message.split('\n')[0] ?? String(err);
      recordSyncJob(false, (Date.now() - started) / 1000);
      const state = await this.jobs.fail(job, message, MAX_ATTEMPTS).catch(() => 'unknown');
      this.logger.warn(`sync of ${job.codeRoot} (${job.reason}) failed, attempt ${job.attempts}, now ${state}: ${message}`);
      await this.recordRun(job, started, 500, message, { state });
    }
  }

  /** The audit event of one sync run (a failed audit write does not fail the sync). */
  private async recordRun(job: SyncJob, started: number, status: number, reason: string | null, detail: Record<string, string | number | boolean | string[]>): Promise<void> {
    await this.audit
      .record({
        action: 'sync.run',
        principal: { kind: 'system', name: 'sync-worker', groups: [] },
        time: new Date(started),
        module: job.codeRoot,
        status,
        reason,
        durationMs: Date.now() - started,
        requestId: `sync-job-${job.id}`,
        detail: { job: String(job.id), trigger: job.reason, attempt: job.attempts, ...detail },
      })
      .catch((err: Error) => this.logger.warn(`sync of ${job.codeRoot} was not audited: ${err.message}`));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
