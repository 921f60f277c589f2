import { stat } from 'node:fs/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuditWriter } from '#audit';
import { AuthEvents, InvalidRequestError } from '#auth';
import { ConfigError, MODGATE_CONFIG, policyDocumentSchema, readYaml, type ModgateConfig, type PolicyDocument } from '#config';
import { compilePolicy, PolicyError, type Policy } from './compile-policy.js';
import { PolicyRepository } from './policy.repository.js';

/** How often the YAML file's mtime and the stored document are checked for changes. */
const RELOAD_MS = 2000;

/** The policy as `GET /api/policies` shows it. */
export interface PolicyView {
  file: PolicyDocument;
  api: PolicyDocument;
  apiUpdatedAt: string | null;
  apiUpdatedBy: string | null;
}

/**
 * Holds the effective policy: the YAML `policies:` block (reloaded without a restart when the
 * file changes; a broken edit is logged and the previous policy kept) plus the document stored by
 * the admin API (every replica picks up a change through AuthEvents, or the periodic check).
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Policy');
  private fileDoc: PolicyDocument;
  private apiDoc: PolicyDocument = policyDocumentSchema.parse({});
  private apiStamp: { updatedAt: Date; updatedBy: string } | null = null;
  private fileMtime = 0;
  private compiled!: Policy;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly repository: PolicyRepository,
    private readonly events: AuthEvents,
    private readonly audit: AuditWriter,
  ) {
    this.fileDoc = config.policies;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.configFile) this.fileMtime = await mtime(this.config.configFile);
    await this.loadStored();
    try {
      this.compiled = this.compile(this.fileDoc, this.apiDoc);
    } catch (err) {
      if (err instanceof PolicyError) throw new ConfigError(`invalid configuration:\n  ${err.message}`);
      throw err;
    }
    this.events.on((event) => {
      if (event.type === 'policy-changed' || event.type === 'resync') void this.reloadStored();
    });
    this.timer = setInterval(() => void this.tick(), RELOAD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The effective policy (never stale by more than one reload interval). */
  current(): Policy {
    return this.compiled;
  }

  async view(): Promise<PolicyView> {
    return { file: this.fileDoc, api: this.apiDoc, apiUpdatedAt: this.apiStamp?.updatedAt.toISOString() ?? null, apiUpdatedBy: this.apiStamp?.updatedBy ?? null };
  }

  /** Replaces the API's document after validating it together with the YAML block. */
  async replaceApiDocument(body: unknown, by: string): Promise<PolicyView> {
    const parsed = policyDocumentSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidRequestError(`${['api', ...issue.path.map(String)].join('.')}: ${issue.message}`);
    }
    let compiled: Policy;
    try {
      compiled = this.compile(this.fileDoc, parsed.data);
    } catch (err) {
      if (err instanceof PolicyError) throw new InvalidRequestError(err.message);
      throw err;
    }
    const stored = await this.repository.save(parsed.data, by);
    this.apiDoc = parsed.data;
    this.apiStamp = { updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
    this.compiled = compiled;
    this.logger.log(`policies replaced through the admin API by ${by}`);
    await this.events.publish({ type: 'policy-changed' });
    return this.view();
  }

  private compile(file: PolicyDocument, api: PolicyDocument): Policy {
    return compilePolicy([
      { source: 'file', prefix: 'policies', doc: file },
      { source: 'api', prefix: 'api', doc: api },
    ]);
  }

  private async tick(): Promise<void> {
    await this.reloadFile();
    await this.reloadStored();
  }

  private async reloadFile(): Promise<void> {
    const file = this.config.configFile;
    if (!file) return;
    const changed = await mtime(file);
    if (changed === this.fileMtime) return;
    this.fileMtime = changed;
    try {
      const doc = policyDocumentSchema.safeParse(readYaml(file).policies ?? {});
      if (!doc.success) {
        const issue = doc.error.issues[0]!;
        throw new PolicyError(['policies', ...issue.path.map(String)].join('.'), issue.message);
      }
      this.compiled = this.compile(doc.data, this.apiDoc);
      this.fileDoc = doc.data;
      this.logger.log(`policies reloaded from ${file}`);
      await this.recordFileReload(file, null);
    } catch (err) {
      this.logger.error(`policies in ${file} not reloaded, keeping the previous ones: ${(err as Error).message}`);
      await this.recordFileReload(file, (err as Error).message);
    }
  }

  /** The `policy.change` event of a YAML edit: applied, or refused with why (each replica records its own). */
  private async recordFileReload(file: string, refusedBecause: string | null): Promise<void> {
    await this.audit
      .record({
        action: 'policy.change',
        principal: { kind: 'system', name: 'policy-file', groups: [] },
        status: refusedBecause === null ? 200 : 400,
        reason: refusedBecause,
        detail: { source: 'file', file, pid: process.pid },
      })
      .catch((err: Error) => this.logger.warn(`policy reload was not audited: ${err.message}`));
  }

  private async reloadStored(): Promise<void> {
    try {
      const before = this.apiStamp?.updatedAt.getTime();
      await this.loadStored();
      if (this.apiStamp?.updatedAt.getTime() !== before) {
        this.compiled = this.compile(this.fileDoc, this.apiDoc);
        this.logger.log('policies reloaded from the database');
      }
    } catch (err) {
      this.logger.warn(`stored policies not reloaded: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  private async loadStored(): Promise<void> {
    const stored = await this.repository.get();
    if (!stored) return;
    const parsed = policyDocumentSchema.safeParse(stored.body);
    if (!parsed.success) throw new Error('the stored policy document does not validate');
    this.apiDoc = parsed.data;
    this.apiStamp = { updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  }
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return -1;
  }
}
