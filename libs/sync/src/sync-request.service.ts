import { Injectable } from '@nestjs/common';
import { checkPath } from '#gomod';
import { InvalidInputError, NotFoundError } from '#proxy';
import { OriginMatcher, PrivateGitSource } from '#vcs';
import { SyncJobRepository } from './sync-job.repository.js';
import { SyncWorkerService } from './sync-worker.service.js';

/** Manual syncs (admin API and `modgate sync`): queue a job for the repository of a module. */
@Injectable()
export class SyncRequestService {
  constructor(
    private readonly matcher: OriginMatcher,
    private readonly git: PrivateGitSource,
    private readonly jobs: SyncJobRepository,
    private readonly worker: SyncWorkerService,
  ) {}

  async request(target: string): Promise<{ job: string; codeRoot: string }> {
    try {
      checkPath(target);
    } catch (err) {
      throw new InvalidInputError((err as Error).message);
    }
    if (!this.matcher.claims(target)) throw new NotFoundError(`${target} is not served by a private origin`);
    const codeRoot = await this.git.codeRootOf(target).catch((err: Error) => {
      throw new NotFoundError(err.message);
    });
    await this.jobs.track(codeRoot);
    const job = await this.jobs.enqueue(codeRoot, 'manual');
    this.worker.poke();
    return { job, codeRoot };
  }

  job(id: string) {
    return this.jobs.state(id);
  }
}
