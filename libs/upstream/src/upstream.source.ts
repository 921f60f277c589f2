import { escapePath, escapeVersion } from '#gomod';
import { timeUpstream, type UpstreamRequest } from '#metrics';
import type { UpstreamChain } from './upstream-chain.js';
import { UpstreamFailedError, UpstreamNotFoundError } from './upstream.errors.js';
import type { ModuleSource, VersionInfo } from './module-source.js';

/** Limits of the go command (GOMOD-SPEC section 8): zip 500 MiB, go.mod 16 MiB. */
export const MAX_ZIP_BYTES = 500 << 20;
export const MAX_MOD_BYTES = 16 << 20;
export const MAX_INFO_BYTES = 64 << 10;
export const MAX_LIST_BYTES = 8 << 20;

/** Public modules from the upstream proxy chain. */
export class UpstreamSource implements ModuleSource {
  readonly kind = 'upstream' as const;

  constructor(private readonly chain: UpstreamChain) {}

  list(modulePath: string): Promise<string[]> {
    return timedUpstreamRequest('list', async () => {
      const response = await this.chain.fetch(`${escapePath(modulePath)}/@v/list`);
      return (await response.bytes(MAX_LIST_BYTES)).toString('utf8').split('\n');
    });
  }

  latest(modulePath: string) {
    return timedUpstreamRequest('latest', async () => {
      const response = await this.chain.fetch(`${escapePath(modulePath)}/@latest`);
      const raw = await response.bytes(MAX_INFO_BYTES);
      return { raw, info: parseInfo(raw, response.url) };
    });
  }

  info(modulePath: string, query: string) {
    return timedUpstreamRequest('info', async () => {
      const response = await this.chain.fetch(`${escapePath(modulePath)}/@v/${escapeVersion(query)}.info`);
      const raw = await response.bytes(MAX_INFO_BYTES);
      return { raw, info: parseInfo(raw, response.url) };
    });
  }

  mod(modulePath: string, version: string) {
    return timedUpstreamRequest('mod', async () => {
      const response = await this.chain.fetch(`${escapePath(modulePath)}/@v/${escapeVersion(version)}.mod`);
      return { raw: await response.bytes(MAX_MOD_BYTES) };
    });
  }

  zipToFile(modulePath: string, version: string, file: string) {
    return timedUpstreamRequest('zip', async () => {
      const response = await this.chain.fetch(`${escapePath(modulePath)}/@v/${escapeVersion(version)}.zip`);
      return { size: await response.toFile(file, MAX_ZIP_BYTES) };
    });
  }
}

/** One upstream request, counted and timed (modgate_upstream_requests_total and _duration_seconds). */
export function timedUpstreamRequest<T>(request: UpstreamRequest, fetch: () => Promise<T>): Promise<T> {
  return timeUpstream(request, upstreamResult, fetch);
}

function upstreamResult(err: unknown): 'not_found' | 'error' {
  return err instanceof UpstreamNotFoundError ? 'not_found' : 'error';
}

function parseInfo(raw: Buffer, url: string): VersionInfo {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new UpstreamFailedError(`${url}: answer is not JSON`);
  }
  const info = value as Partial<VersionInfo> | null;
  if (!info || typeof info !== 'object' || typeof info.Version !== 'string') {
    throw new UpstreamFailedError(`${url}: answer has no Version`);
  }
  if (info.Time !== undefined && (typeof info.Time !== 'string' || Number.isNaN(Date.parse(info.Time)))) {
    throw new UpstreamFailedError(`${url}: answer has an invalid Time`);
  }
  return { Version: info.Version, Time: info.Time };
}
