/** A git host's webhook, reduced to what a sync needs. */
export interface WebhookEvent {
  provider: 'github' | 'gitlab' | 'gitea';
  deliveryId: string;
  /** The provider's event name (`push`, `Tag Push Hook`, ...). */
  event: string;
  /** `ping` answers at once; `sync` fetches the repository; `ignored` is acknowledged and dropped. */
  action: 'ping' | 'sync' | 'ignored';
  /** Import paths the payload names the repository by (`host/owner/repo`), best first. */
  repoCandidates: string[];
}

export class WebhookPayloadError extends Error {}

const SYNC_EVENTS: Record<WebhookEvent['provider'], string[]> = {
  github: ['push', 'create', 'delete'],
  gitlab: ['Push Hook', 'Tag Push Hook'],
  gitea: ['push', 'create', 'delete'],
};

/** Reads the provider's event and repository from headers and the JSON body (already verified). */
export function parseWebhook(provider: WebhookEvent['provider'], headers: Record<string, string | undefined>, body: unknown): WebhookEvent {
  const deliveryHeader = { github: 'x-github-delivery', gitlab: 'x-gitlab-event-uuid', gitea: 'x-gitea-delivery' }[provider];
  const eventHeader = { github: 'x-github-event', gitlab: 'x-gitlab-event', gitea: 'x-gitea-event' }[provider];
  const event = headers[eventHeader];
  if (!event) throw new WebhookPayloadError(`missing ${eventHeader} header`);
  const deliveryId = headers[deliveryHeader] ?? (provider === 'gitlab' ? headers['x-gitlab-webhook-uuid'] : undefined);
  if (!deliveryId || !/^[A-Za-z0-9._:-]{1,128}$/.test(deliveryId)) throw new WebhookPayloadError(`missing or malformed ${deliveryHeader} header`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new WebhookPayloadError('body is not a JSON object');
  const action = event === 'ping' && provider === 'github' ? 'ping' : SYNC_EVENTS[provider].includes(event) ? 'sync' : 'ignored';
  return { provider, deliveryId: `${provider}:${deliveryId}`, event, action, repoCandidates: repoCandidates(provider, body as Record<string, unknown>) };
}

function repoCandidates(provider: WebhookEvent['provider'], body: Record<string, unknown>): string[] {
  const repo = record(provider === 'gitlab' ? (body.project ?? body.repository) : body.repository);
  const urls = [repo?.html_url, repo?.web_url, repo?.clone_url, repo?.git_http_url, repo?.http_url, repo?.homepage];
  const candidates = urls.map((url) => importPathOf(url)).filter((p): p is string => p !== null);
  if (provider === 'github' && typeof repo?.full_name === 'string') candidates.push(`github.com/${repo.full_name}`);
  return [...new Set(candidates)];
}

/** `https://host/owner/repo(.git)` -> `host/owner/repo`; anything else -> null. */
export function importPathOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const path = parsed.pathname.replace(/\.git$/, '').replace(/\/+$/, '');
  if (!path || path === '/') return null;
  return `${parsed.hostname}${path}`;
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
