import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '#auth';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { checkPathMajor, isCanonicalVersion, isPseudoVersion, prerelease, splitPathVersion } from '#gomod';
import { ModuleAccess } from '#policy';
import { ArtifactService } from './artifact.service.js';
import { NotFoundError } from './errors.js';
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
    private readonly access: ModuleAccess,
  ) {
    this.indexCacheControl = cacheControlForIndex(config.cache.listTtlSeconds);
  }

  /** Answers one request of `principal`, who must be allowed to read the module (403 otherwise). */
  async answer(rawPath: string, principal: Principal): Promise<ProxyAnswer> {
    const request = this.parse(rawPath);
    const { modulePath } = request;
    switch (request.endpoint) {
      case 'list': {
        this.access.assertCanRead(principal, modulePath);
        const { value } = await this.index.list(modulePath);
        const body = this.access.visibleVersions(principal, modulePath, value).map((v) => `${v}\n`).join('');
        return { contentType: 'text/plain; charset=utf-8', cacheControl: this.indexCacheControl, body };
      }
      case 'latest': {
        this.access.assertCanRead(principal, modulePath);
        const { value } = await this.index.latest(modulePath);
        if (this.access.isBlocked(modulePath, value.info.Version)) return this.latestAllowed(principal, modulePath, value.info.Version);
        return { contentType: 'application/json', cacheControl: this.indexCacheControl, body: value.body };
      }
      case 'artifact': {
        const { version, kind } = request;
        this.access.assertCanRead(principal, modulePath, isCanonicalVersion(version) ? version : undefined);
        if (kind === 'info' && !isStorableVersion(modulePath, version)) {
          const body = await this.index.query(modulePath, version);
          // A query (branch, `v1.2`) resolves to a version the deny rules must see too.
          const resolved = resolvedVersion(body);
          this.access.assertCanRead(principal, modulePath, resolved);
          return { contentType: CONTENT_TYPES.info, cacheControl: CACHE_NONE, body, ...this.vulnerabilityDetail(modulePath, resolved) };
        }
        const { record, body, cacheHit } = await this.artifacts.open(modulePath, version, kind);
        return { contentType: CONTENT_TYPES[kind], cacheControl: CACHE_IMMUTABLE, body, length: record.size, etag: record.sha256, cacheHit, ...this.vulnerabilityDetail(modulePath, version) };
      }
    }
  }

  /**
   * `@latest` when the origin's latest is blocked: the highest release (else pre-release) the deny
   * rules leave, as the go command would pick from the list; 403 with the block reason when none.
   */
  private async latestAllowed(principal: Principal, modulePath: string, blocked: string): Promise<ProxyAnswer> {
    const { value } = await this.index.list(modulePath);
    const allowed = this.access.visibleVersions(principal, modulePath, value).filter((v) => !isPseudoVersion(v));
    const releases = allowed.filter((v) => prerelease(v) === '');
    const pick = (releases.length > 0 ? releases : allowed).at(-1);
    if (!pick) {
      this.access.assertCanRead(principal, modulePath, blocked);
      throw new NotFoundError(`${modulePath}@latest: every version is blocked`);
    }
    const { record, body } = await this.artifacts.open(modulePath, pick, 'info');
    return { contentType: 'application/json', cacheControl: this.indexCacheControl, body, length: record.size };
  }

  /** A served version with advisories (warn mode, or an exception) names them in its audit event. */
  private vulnerabilityDetail(modulePath: string, version: string | undefined): Pick<ProxyAnswer, 'auditDetail'> {
    if (version === undefined || !isCanonicalVersion(version)) return {};
    const note = this.access.vulnerabilityNote(modulePath, version);
    return note ? { auditDetail: { vulnerability: note.vulnerability, advisories: note.advisories } } : {};
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

/** The version a `.info` query answer names (undefined when it names none). */
function resolvedVersion(info: Buffer): string | undefined {
  try {
    const version = (JSON.parse(info.toString('utf8')) as { Version?: unknown }).Version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
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
