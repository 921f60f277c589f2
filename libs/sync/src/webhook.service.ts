import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RequestAuditNote } from '#audit';
import { MODGATE_CONFIG, type ModgateConfig, type SecretRef } from '#config';
import { recordWebhookDelivery, type WebhookResult } from '#metrics';
import { checkPath } from '#gomod';
import { InvalidInputError } from '#proxy';
import { OriginMatcher, PrivateGitSource } from '#vcs';
import { SyncJobRepository } from './sync-job.repository.js';
import { SyncWorkerService } from './sync-worker.service.js';
import { parseWebhook, WebhookPayloadError, type WebhookEvent } from './webhook-payload.js';
import { verifyWebhook } from './webhook-signature.js';

/** The answer to a webhook delivery. */
export interface WebhookAnswer {
  status: number;
  message: string;
  /** What the delivery came to (modgate_webhook_deliveries_total). */
  result: WebhookResult;
}

export const WEBHOOK_PROVIDERS = ['github', 'gitlab', 'gitea'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/**
 * Receives git host webhooks: verifies the signature with the origin's (or the global) secret,
 * stores the delivery and a sync job in one statement, and answers 202. The repository is only
 * identified from the payload; it is fetched from the URL configured for its origin.
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(MODGATE_CONFIG) private readonly config: ModgateConfig,
    private readonly matcher: OriginMatcher,
    private readonly git: PrivateGitSource,
    private readonly jobs: SyncJobRepository,
    private readonly worker: SyncWorkerService,
  ) {}

  /** `note`: the request's audit note, given the delivery's id, event and repository. */
  async receive(provider: string, headers: Record<string, string | undefined>, rawBody: Buffer | undefined, body: unknown, note?: RequestAuditNote): Promise<WebhookAnswer> {
    try {
      const answer = await this.handle(provider, headers, rawBody, body, note);
      recordWebhookDelivery(provider, answer.result);
      return answer;
    } catch (err) {
      if (err instanceof InvalidInputError) recordWebhookDelivery(provider, 'invalid');
      throw err;
    }
  }

  private async handle(provider: string, headers: Record<string, string | undefined>, rawBody: Buffer | undefined, body: unknown, note?: RequestAuditNote): Promise<WebhookAnswer> {
    if (!(WEBHOOK_PROVIDERS as readonly string[]).includes(provider)) throw new InvalidInputError(`unknown webhook provider ${JSON.stringify(provider.slice(0, 40))}`);
    if (isFormEncoded(headers['content-type'])) {
      throw new InvalidInputError('webhook: the body is form-encoded (payload=...); set the webhook content type to application/json');
    }
    if (!rawBody) throw new InvalidInputError('webhook bodies must be JSON (set the content type to application/json)');
    let event: WebhookEvent;
    try {
      event = parseWebhook(provider as WebhookProvider, headers, body);
    } catch (err) {
      if (err instanceof WebhookPayloadError) throw new InvalidInputError(`webhook: ${err.message}`);
      throw err;
    }
    if (note) note.detail = { provider: event.provider, event: event.event, delivery: event.deliveryId, repository: event.repoCandidates[0] ?? null };
    const claimed = event.repoCandidates.map((candidate) => ({ candidate, origin: this.matcher.claims(candidate) })).find((c) => c.origin);
    const secretRef = claimed?.origin?.webhookSecret ?? this.config.sync.webhookSecret;
    if (!secretRef) return { status: 403, message: 'webhooks are not enabled: configure webhookSecret (globally or on the origin)', result: 'disabled' };
    const secret = await readSecret(secretRef);
    if (!secret || !verifyWebhook(event.provider, headers, rawBody, secret)) {
      this.logger.warn(`rejected ${event.provider} delivery ${event.deliveryId}: bad signature`);
      return { status: 401, message: 'webhook signature does not match', result: 'bad_signature' };
    }
    if (event.action === 'ping') return { status: 200, message: 'pong', result: 'ping' };
    if (event.action === 'ignored') return { status: 202, message: `event ${event.event} ignored`, result: 'ignored' };
    let codeRoot: string | null = null;
    if (claimed) {
      const repository = this.configuredName(event.repoCandidates);
      codeRoot = await this.git.codeRootOf(repository).catch(() => null);
      if (codeRoot !== repository) codeRoot = null;
    }
    if (note && codeRoot) note.module = codeRoot;
    const fresh = await this.jobs.recordDelivery({
      id: event.deliveryId,
      provider: event.provider,
      event: event.event,
      codeRoot,
      bodySha256: createHash('sha256').update(rawBody).digest('hex'),
    });
    if (!fresh) return { status: 200, message: `delivery ${event.deliveryId} already received`, result: 'duplicate' };
    if (!codeRoot) return { status: 202, message: `no private origin serves ${event.repoCandidates[0] ?? 'this repository'}; ignored`, result: 'no_origin' };
    this.worker.poke();
    return { status: 202, message: `sync of ${codeRoot} queued`, result: 'queued' };
  }

  /**
   * The repository a payload names, as its origin spells it. Every name a private origin claims
   * must be a well-formed import path (no escapes, no `..`): a URL such as
   * `https://github.com/acme/widget%2f..%2fsecret` would make git fetch another repository.
   */
  private configuredName(candidates: readonly string[]): string {
    const claimed = candidates.filter((candidate) => this.matcher.claims(candidate));
    for (const candidate of claimed) {
      try {
        checkPath(candidate);
      } catch {
        throw new InvalidInputError(`webhook: ${JSON.stringify(candidate.slice(0, 200))} is not a repository path; nothing synced`);
      }
    }
    const first = claimed[0]!;
    return this.matcher.configuredSpelling(first) ?? first;
  }
}

function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

async function readSecret(ref: SecretRef): Promise<string | undefined> {
  if ('env' in ref) return process.env[ref.env] || undefined;
  return (await readFile(ref.file, 'utf8').catch(() => '')).trim() || undefined;
}
