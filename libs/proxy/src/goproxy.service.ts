import { Inject, Injectable } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { checkPathMajor, isCanonicalVersion, splitPathVersion } from '#gomod';
import { ArtifactService } from './artifact.service.js';
import { CACHE_IMMUTABLE, CACHE_NONE, cacheControlForIndex } from './cache-control.js';
import { ModuleIndexService } from './module-index.service.js';
import type { ProxyAnswer } from './proxy-answer.js';
import { LruCache } from './lru-cache.js';
import { parseProxyRequest, type ArtifactKind, type ProxyRequest } from './proxy-request.js';

const CONTENT_TYPES: Record<ArtifactKind, string> = {
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};

/** Answers GOPROXY protocol requests. */
@Injectable()
export class GoproxyService {
  private readonly indexCacheControl: string;
  /** The same few thousand URLs are asked again and again: validate each once. */
  private readonly parsed = new LruCache<ProxyRequest>(20_000);

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    private readonly artifacts: ArtifactService,
    private readonly index: ModuleIndexService,
  ) {
    this.indexCacheControl = cacheControlForIndex(config.cache.listTtlSeconds);
  }

  async answer(rawPath: string): Promise<ProxyAnswer> {
    const request = this.parse(rawPath);
    switch (request.endpoint) {
      case 'list': {
        const { value } = await this.index.list(request.modulePath);
        const body = value.map((v) => `${v}\n`).join('');
        return { contentType: 'text/plain; charset=utf-8', cacheControl: this.indexCacheControl, body };
      }
      case 'latest': {
        const { value } = await this.index.latest(request.modulePath);
        return { contentType: 'application/json', cacheControl: this.indexCacheControl, body: JSON.stringify(value) };
      }
      case 'artifact': {
        const { modulePath, version, kind } = request;
        if (kind === 'info' && !isStorableVersion(modulePath, version)) {
          const body = await this.index.query(modulePath, version);
          return { contentType: CONTENT_TYPES.info, cacheControl: CACHE_NONE, body };
        }
        const { record, body } = await this.artifacts.open(modulePath, version, kind);
        return { contentType: CONTENT_TYPES[kind], cacheControl: CACHE_IMMUTABLE, body, length: record.size, etag: record.sha256 };
      }
    }
  }

  /** Valid requests are cached; malformed ones throw every time (and are never cached). */
  private parse(rawPath: string): ProxyRequest {
    const cached = this.parsed.get(rawPath);
    if (cached) return cached;
    const request = parseProxyRequest(rawPath);
    this.parsed.set(rawPath, request);
    return request;
  }
}

/** Canonical versions valid for the path are immutable artifacts; anything else is a query. */
function isStorableVersion(modulePath: string, version: string): boolean {
  if (!isCanonicalVersion(version)) return false;
  try {
    checkPathMajor(version, splitPathVersion(modulePath).pathMajor);
    return true;
  } catch {
    return false;
  }
}
