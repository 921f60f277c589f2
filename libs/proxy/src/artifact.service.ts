import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { MODGATE_CONFIG, type ModgateConfig } from '#config';
import { ArtifactRepository, DATABASE, type ArtifactLookup, type ArtifactRecord, type Database, type KnownRefusal } from '#db';
import { checkModuleZip, escapePath, escapeVersion, hashGoMod } from '#gomod';
import { recordCacheLookup, recordFlightWait } from '#metrics';
import { BLOB_STORE, BlobNotFoundError, type BlobStore } from '#storage';
import type { ModuleSource } from '#upstream';
import { UnavailableError, UpstreamError } from './errors.js';
import { LruCache } from './lru-cache.js';
import { ModuleSourceRouter } from './module-source.router.js';
import type { ArtifactKind } from './proxy-request.js';
import { RefusalMemory } from './refusal-memory.js';
import { SingleFlight } from './single-flight.js';
import { fromSource } from './source-errors.js';

/** An artifact ready to send. */
export interface ServedArtifact {
  record: ArtifactRecord;
  body: Buffer | Readable;
  /** False when this request fetched it from the origin. */
  cacheHit: boolean;
}

const SMALL_BLOB_BYTES = 64 << 10;

/** The blob key of an artifact: the GOPROXY layout, readable by hand in a bucket. */
export function artifactKey(modulePath: string, version: string, kind: ArtifactKind): string {
  return `${escapePath(modulePath)}/@v/${escapeVersion(version)}.${kind}`;
}

/**
 * Immutable module artifacts: served from the blob store when recorded, otherwise fetched once
 * from the origin (single flight in-process and across replicas), verified, stored, recorded. A
 * refusal is remembered (RefusalMemory), so asking again does not run git again.
 */
@Injectable()
export class ArtifactService {
  private readonly flights = new SingleFlight<ArtifactRecord>();
  private readonly records = new LruCache<ArtifactRecord>(50_000);
  private readonly smallBlobs = new LruCache<Buffer>(64 << 20, (b) => b.length);
  private readonly tmpDir: string;

  constructor(
    @Inject(MODGATE_CONFIG) config: ModgateConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly artifacts: ArtifactRepository,
    private readonly router: ModuleSourceRouter,
    private readonly refusals: RefusalMemory,
  ) {
    this.tmpDir = join(config.dataDir, 'tmp');
  }

  async open(modulePath: string, version: string, kind: ArtifactKind): Promise<ServedArtifact> {
    const key = artifactKey(modulePath, version, kind);
    let record = this.records.get(key);
    let cacheHit = true;
    if (!record) {
      const known = await this.lookup(modulePath, version, kind);
      record = known.record ?? undefined;
      if (!record) {
        cacheHit = false;
        record = await this.fill(modulePath, version, kind, key, known.refusal);
      }
    }
    recordCacheLookup(kind, cacheHit);
    this.records.set(key, record);
    return { record, body: await this.readBlob(key, record), cacheHit };
  }

  /** Makes sure the artifact is stored (pre-build), without reading it; true when this call built it. */
  async ensure(modulePath: string, version: string, kind: ArtifactKind): Promise<boolean> {
    const key = artifactKey(modulePath, version, kind);
    if (this.records.get(key)) return false;
    const known = await this.lookup(modulePath, version, kind);
    if (known.record) return false;
    this.records.set(key, await this.fill(modulePath, version, kind, key, known.refusal));
    return true;
  }

  /** One round trip: the artifact's row, or else the refusal in force for it. */
  private async lookup(modulePath: string, version: string, kind: ArtifactKind): Promise<ArtifactLookup> {
    try {
      return await this.artifacts.lookup(modulePath, version, kind);
    } catch (err) {
      throw new UnavailableError(`database unavailable: ${(err as Error).message}`);
    }
  }

  private fill(modulePath: string, version: string, kind: ArtifactKind, key: string, refusal: KnownRefusal | null): Promise<ArtifactRecord> {
    if (this.flights.has(key)) recordFlightWait(kind);
    return this.flights.do(key, () => this.refusals.guard(modulePath, version, kind, () => this.fetchOnce(modulePath, version, kind, key), refusal));
  }

  private async readBlob(key: string, record: ArtifactRecord): Promise<Buffer | Readable> {
    const cached = this.smallBlobs.get(key);
    if (cached) return cached;
    try {
      const { stream } = await this.store.get(key);
      if (record.size > SMALL_BLOB_BYTES) return stream;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      this.smallBlobs.set(key, bytes);
      return bytes;
    } catch (err) {
      if (err instanceof BlobNotFoundError) throw new UnavailableError(`${key} is recorded but missing from the blob store`);
      throw new UnavailableError(`blob store unavailable: ${(err as Error).message}`);
    }
  }

  /**
   * Stores a small blob and keeps its bytes for the answer: the request that fetched it is
   * answered without reading back what it just wrote (the store verified size and SHA-256).
   */
  private async putSmall(key: string, bytes: Buffer) {
    const stored = await this.store.put(key, bytes);
    if (bytes.length <= SMALL_BLOB_BYTES) this.smallBlobs.set(key, bytes);
    return stored;
  }

  /** Cross-replica: the advisory lock makes a second replica wait, then find the row. */
  private fetchOnce(modulePath: string, version: string, kind: ArtifactKind, key: string): Promise<ArtifactRecord> {
    return this.db.sql.withLock(`artifact:${key}`, async () => {
      const existing = await this.artifacts.find(modulePath, version, kind);
      if (existing) return existing;
      const source = this.router.sourceFor(modulePath);
      const stored = await this.fetchAndStore(source, modulePath, version, kind, key);
      return this.artifacts.recordOnce({ modulePath, version, kind, source: source.kind, ...stored });
    });
  }

  private async fetchAndStore(source: ModuleSource, modulePath: string, version: string, kind: ArtifactKind, key: string) {
    const what = `${modulePath}@${version}`;
    if (kind === 'info') {
      const { raw, info, commit } = await fromSource(what, () => source.info(modulePath, version));
      if (info.Version !== version) throw new UpstreamError(`${what}: origin answered .info for version ${info.Version}`);
      return { ...(await this.putSmall(key, raw)), h1: null, originCommit: commit ?? null };
    }
    if (kind === 'mod') {
      const { raw, commit } = await fromSource(what, () => source.mod(modulePath, version));
      return { ...(await this.putSmall(key, raw)), h1: hashGoMod(raw), originCommit: commit ?? null };
    }
    await mkdir(this.tmpDir, { recursive: true });
    const file = join(this.tmpDir, `${randomUUID()}.zip`);
    try {
      const fetched = await fromSource(what, () => source.zipToFile(modulePath, version, file));
      const { size, commit } = fetched;
      // A zip modgate built from git was written by the go command's rules and hashed as built;
      // one from an upstream is checked the way the go command checks a proxy's zip.
      let h1 = fetched.h1;
      if (h1 === undefined) {
        try {
          ({ h1 } = await checkModuleZip(file, modulePath, version));
        } catch (err) {
          throw new UpstreamError(`${what}: origin zip refused: ${(err as Error).message}`);
        }
      }
      const stored = size <= SMALL_BLOB_BYTES ? await this.putSmall(key, await readFile(file)) : await this.store.put(key, createReadStream(file), { size });
      return { ...stored, h1, originCommit: commit ?? null };
    } finally {
      await rm(file, { force: true });
    }
  }
}
