import type { ProxyListEntry } from '#gomod';
import { httpGet, redact, type FetchedResponse } from './http-fetch.js';
import { UpstreamFailedError, UpstreamNotFoundError } from './upstream.errors.js';

/**
 * A GOPROXY-style chain of upstream proxies with the go command's fallback rules: after `,` only
 * 404 and 410 move on to the next entry; after `|` any error does.
 */
export class UpstreamChain {
  constructor(
    readonly entries: ProxyListEntry[],
    private readonly timeoutMs: number,
    private readonly get: typeof httpGet = httpGet,
  ) {}

  /** GETs `path` (already escaped, no leading slash) from the first entry that has it. */
  async fetch(path: string): Promise<FetchedResponse> {
    if (this.entries.length === 0) throw new UpstreamNotFoundError('module lookup disabled by MODGATE_UPSTREAM=off');
    let notFound: UpstreamNotFoundError | undefined;
    let failure: UpstreamFailedError | undefined;
    for (const entry of this.entries) {
      const url = `${entry.url}/${path}`;
      try {
        const response = await this.get(url, this.timeoutMs);
        if (response.status === 200) return response;
        const detail = await firstLine(response);
        if (response.status === 404 || response.status === 410) {
          notFound = new UpstreamNotFoundError(`${redact(url)}: ${response.status}${detail}`, response.status);
          continue;
        }
        throw new UpstreamFailedError(`${redact(url)}: ${response.status}${detail}`);
      } catch (err) {
        if (err instanceof UpstreamFailedError && entry.fallThroughOnAnyError) {
          failure = err;
          continue;
        }
        throw err;
      }
    }
    throw notFound ?? failure ?? new UpstreamFailedError(`every upstream failed for ${path}`);
  }
}

async function firstLine(response: FetchedResponse): Promise<string> {
  try {
    const text = (await response.bytes(4096)).toString('utf8').split('\n')[0]!.trim();
    return text ? ` ${text.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}
