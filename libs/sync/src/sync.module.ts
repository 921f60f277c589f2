import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DATABASE, type Database } from '#db';
import { ProxyModule } from '#proxy';
import { PrivateGitSource, PrivateOriginsModule } from '#vcs';
import { RepoPollerService } from './repo-poller.service.js';
import { RepoSyncService } from './repo-sync.service.js';
import { SyncController } from './sync.controller.js';
import { SyncJobRepository } from './sync-job.repository.js';
import { SyncRequestService } from './sync-request.service.js';
import { SyncWorkerService } from './sync-worker.service.js';
import { WebhookController } from './webhook.controller.js';
import { WebhookService } from './webhook.service.js';

/** Webhook-driven sync of private repositories, with durable jobs and a polling fallback. */
@Module({
  imports: [ProxyModule, PrivateOriginsModule],
  controllers: [WebhookController, SyncController],
  providers: [
    { provide: SyncJobRepository, inject: [DATABASE], useFactory: (db: Database) => new SyncJobRepository(db.sql) },
    RepoSyncService,
    SyncWorkerService,
    RepoPollerService,
    WebhookService,
    SyncRequestService,
  ],
  exports: [SyncJobRepository],
})
export class SyncModule implements OnModuleInit {
  constructor(
    @Inject(PrivateGitSource) private readonly git: PrivateGitSource,
    @Inject(SyncJobRepository) private readonly jobs: SyncJobRepository,
  ) {}

  onModuleInit(): void {
    // Every repository modgate has fetched is known to the poller.
    this.git.onRefsChanged((codeRoot) => this.jobs.track(codeRoot));
  }
}
