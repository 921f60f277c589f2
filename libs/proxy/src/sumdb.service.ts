import { Inject, Injectable } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig, type SumdbTarget } from '#config';
import { checkPath, unescapePath, unescapeVersion } from '#gomod';
import { BLOB_STORE, BlobNotFoundError, type BlobStore } from '#storage';
import { recordCacheLookup } from '#metrics';
import { UpstreamChain, timedUpstreamRequest } from '#upstream';
import { InvalidInputError, NotFoundError } from './errors.js';
import { ModuleSourceRouter } from './module-source.router.js';
import { fromSource } from './source-errors.js';

export interface SumdbAnswer {
  body: Buffer;
  /** Tiles are immutable and cached; lookups and `latest` are not. */
  immutable: boolean;
  /** Tiles: true when served from the blob store, false when fetched by this request (audited). */
  cacheHit?: boolean;
}

const TILE = /^tile\/\d{1,2}\/(\d{1,3}|data)\/(x\d{3}\/)*\d{3}(\.p\/\d{1,3})?$/;
const MAX_SUMDB_BYTES = 1 << 20;

/**
 * Checksum database pass-through (`/sumdb/<name>/...`) for the databases in MODGATE_SUMDB, so the
 * go command can verify public modules through modgate. Tiles are stored in the blob store.
 */
@Injectable()
export class SumdbService {
  private readonly targets: Map<string, { target: SumdbTarget; chain: UpstreamChain }>;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly router: ModuleSourceRouter,
  ) {
    const timeoutMs = config.cache.upstreamTimeoutSeconds * 1000;
    this.targets = new Map(
      config.sumdb.map((target) => [target.name, { target, chain: new UpstreamChain([{ url: target.url, fallThroughOnAnyError: false }], timeoutMs) }]),
    );
  }

  /** `name` and `path` as they appear after `/sumdb/`. */
  async get(name: string, path: string): Promise<SumdbAnswer> {
    const entry = this.targets.get(name);
    if (!entry) throw new NotFoundError(`checksum database ${JSON.stringify(name)} is not passed through by this server`);
    if (path === 'supported') return { body: Buffer.alloc(0), immutable: false };
    if (path === 'latest') return { body: await this.fetch(entry.chain, name, path), immutable: false };
    if (path.startsWith('lookup/')) {
      const modulePath = assertLookup(path.slice('lookup/'.length));
      if (this.router.isPrivate(modulePath)) {
        throw new NotFoundError(`${modulePath} is a private module and is never sent to a checksum database; add it to GONOSUMDB (or GOPRIVATE)`);
      }
      return { body: await this.fetch(entry.chain, name, path), immutable: false };
    }
    if (TILE.test(path)) return { ...(await this.tile(entry.chain, name, path)), immutable: true };
    throw new InvalidInputError(`unknown checksum database endpoint ${JSON.stringify(path.slice(0, 120))}`);
  }

  private async tile(chain: UpstreamChain, name: string, path: string): Promise<{ body: Buffer; cacheHit: boolean }> {
    const key = `sumdb/${name}/${path}`;
    try {
      const { stream } = await this.store.get(key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      recordCacheLookup('sumdb_tile', true);
      return { body: Buffer.concat(chunks), cacheHit: true };
    } catch (err) {
      if (!(err instanceof BlobNotFoundError)) throw err;
    }
    recordCacheLookup('sumdb_tile', false);
    const body = await this.fetch(chain, name, path);
    await this.store.put(key, body);
    return { body, cacheHit: false };
  }

  private fetch(chain: UpstreamChain, name: string, path: string): Promise<Buffer> {
    return fromSource(`sumdb ${name} ${path}`, () => timedUpstreamRequest('sumdb', async () => (await chain.fetch(path)).bytes(MAX_SUMDB_BYTES)));
  }
}

/** The module path of a lookup `<escaped module>@<escaped version>`. */
function assertLookup(escaped: string): string {
  const at = escaped.lastIndexOf('@');
  try {
    if (at <= 0) throw new Error('expected <module>@<version>');
    const modulePath = unescapePath(escaped.slice(0, at));
    checkPath(modulePath);
    unescapeVersion(escaped.slice(at + 1));
    return modulePath;
  } catch (err) {
    throw new InvalidInputError(`bad checksum database lookup ${JSON.stringify(escaped.slice(0, 120))}: ${(err as Error).message}`);
  }
}
