import { unescapePath, unescapeVersion } from '#gomod';

/** What an audited request is, read from its URL alone (also when no handler ran: auth refusals). */
export interface RequestKind {
  action: string;
  module?: string;
  version?: string;
  artifact?: string;
  detail?: { db?: string; provider?: string };
}

const NOT_AUDITED = /^\/(healthz|readyz|metrics|api|admin|vulndb|favicon\.ico)(\/|\?|$)/;

/**
 * The audit action of a request to a GOPROXY, sumdb or webhook route (`goproxy.zip`,
 * `sumdb.lookup`, `webhook.delivery`, ...), or null for routes that are not audited per request
 * (health, the admin API and page: their security-relevant actions are recorded explicitly).
 */
export function classifyRequest(url: string): RequestKind | null {
  const path = url.split('?')[0]!;
  if (NOT_AUDITED.test(path)) return null;
  if (path.startsWith('/webhooks/')) return { action: 'webhook.delivery', detail: { provider: path.slice('/webhooks/'.length, 40) } };
  if (path.startsWith('/sumdb/')) return sumdb(path);
  return goproxy(path);
}

function goproxy(rawPath: string): RequestKind {
  const path = decode(rawPath).replace(/^\/+/, '');
  const at = path.indexOf('/@');
  if (at <= 0) return { action: 'goproxy.invalid' };
  const module = unescapeOrRaw(path.slice(0, at), unescapePath);
  const rest = path.slice(at + 1);
  if (rest === '@v/list') return { action: 'goproxy.list', module, artifact: 'list' };
  if (rest === '@latest') return { action: 'goproxy.latest', module, artifact: 'latest' };
  const match = /^@v\/(.+)\.(info|mod|zip)$/.exec(rest);
  if (!match) return { action: 'goproxy.invalid', module };
  const kind = match[2]!;
  return { action: `goproxy.${kind}`, module, version: unescapeOrRaw(match[1]!, unescapeVersion), artifact: kind };
}

function sumdb(path: string): RequestKind {
  const rest = path.slice('/sumdb/'.length);
  const slash = rest.indexOf('/');
  const db = slash < 0 ? rest : rest.slice(0, slash);
  const endpoint = slash < 0 ? '' : rest.slice(slash + 1);
  const detail = { db: db.slice(0, 100) };
  if (endpoint.startsWith('lookup/')) {
    const lookup = decode(endpoint.slice('lookup/'.length));
    const at = lookup.lastIndexOf('@');
    if (at <= 0) return { action: 'sumdb.lookup', artifact: 'lookup', detail };
    return {
      action: 'sumdb.lookup',
      module: unescapeOrRaw(lookup.slice(0, at), unescapePath),
      version: unescapeOrRaw(lookup.slice(at + 1), unescapeVersion),
      artifact: 'lookup',
      detail,
    };
  }
  if (endpoint.startsWith('tile/')) return { action: 'sumdb.tile', artifact: endpoint, detail };
  if (endpoint === 'latest' || endpoint === 'supported') return { action: `sumdb.${endpoint}`, artifact: endpoint, detail };
  return { action: 'sumdb.invalid', artifact: endpoint || undefined, detail };
}

function decode(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A malformed escape is still worth recording as sent. Without `!` there is nothing to unescape. */
function unescapeOrRaw(escaped: string, unescape: (s: string) => string): string {
  if (!escaped.includes('!')) return escaped;
  try {
    return unescape(escaped);
  } catch {
    return escaped;
  }
}
