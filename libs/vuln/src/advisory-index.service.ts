import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuthEvents } from '#auth';
import { recordVulnDatabase } from '#metrics';
import { AdvisoryIndex, type AdvisoryHit } from './advisory-index.js';
import { VulnRepository } from './vuln.repository.js';

/** How often the generation counter is read, in case a notification was missed. */
const CHECK_MS = 5000;

/**
 * This process's in-memory advisory index. Rebuilt when the stored generation changes: at once
 * on a `vulndb-changed` event (this replica's import, or another's through Postgres NOTIFY), and
 * by a periodic check of the counter as a fallback.
 */
@Injectable()
export class AdvisoryIndexService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Vulnerabilities');
  private index = new AdvisoryIndex([]);
  private generation = 0;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: VulnRepository,
    private readonly events: AuthEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.events.on((event) => {
      if (event.type === 'vulndb-changed' || event.type === 'resync') void this.refresh();
    });
    this.timer = setInterval(() => void this.refresh(), CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  current(): AdvisoryIndex {
    return this.index;
  }

  /** The advisories in force affecting `modulePath@version`. */
  affecting(modulePath: string, version: string): readonly AdvisoryHit[] {
    return this.index.affecting(modulePath, version);
  }

  /** Rebuilds the index if the stored generation moved; one rebuild at a time. */
  refresh(): Promise<void> {
    this.running = this.running.then(() => this.rebuildIfChanged()).catch((err: Error) => this.logger.warn(`advisory index not refreshed: ${err.message.split('\n')[0]}`));
    return this.running;
  }

  private async rebuildIfChanged(): Promise<void> {
    const state = await this.repository.state();
    if (!state || state.generation === this.generation) return;
    const entries = await this.repository.entries();
    this.index = new AdvisoryIndex(entries);
    this.generation = state.generation;
    recordVulnDatabase(entries.length, state.importedAt);
    this.logger.log(`advisory index: ${this.index.size} advisories in force (${entries.length} imported, generation ${state.generation})`);
  }
}
