import type { Readable } from 'node:stream';
import { recordBlobOperation, type BlobOperation } from '#metrics';
import { BlobNotFoundError, type BlobInfo, type BlobListing, type BlobStore } from './blob-store.js';

/** A BlobStore that times every operation of the store it wraps (modgate_blob_store_operation_duration_seconds). */
export class InstrumentedBlobStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    /** The driver's name for the metric's `driver` label: `fs` or `s3`. */
    private readonly driver: string,
  ) {}

  get description(): string {
    return this.inner.description;
  }

  put(key: string, body: Readable | Buffer, expected?: Partial<BlobInfo>): Promise<BlobInfo> {
    return this.timed('put', () => this.inner.put(key, body, expected));
  }

  get(key: string): Promise<{ stream: Readable; size: number }> {
    return this.timed('get', () => this.inner.get(key));
  }

  stat(key: string): Promise<{ size: number }> {
    return this.timed('stat', () => this.inner.stat(key));
  }

  delete(key: string): Promise<void> {
    return this.timed('delete', () => this.inner.delete(key));
  }

  /** Times the whole listing, until the caller has iterated it, as one `list` operation. */
  async *list(prefix?: string): AsyncIterable<BlobListing> {
    const started = performance.now();
    try {
      yield* this.inner.list(prefix);
      recordBlobOperation(this.driver, 'list', 'ok', (performance.now() - started) / 1000);
    } catch (err) {
      recordBlobOperation(this.driver, 'list', 'error', (performance.now() - started) / 1000);
      throw err;
    }
  }

  ping(): Promise<void> {
    return this.timed('ping', () => this.inner.ping());
  }

  private async timed<T>(operation: BlobOperation, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const value = await work();
      recordBlobOperation(this.driver, operation, 'ok', (performance.now() - started) / 1000);
      return value;
    } catch (err) {
      recordBlobOperation(this.driver, operation, err instanceof BlobNotFoundError ? 'not_found' : 'error', (performance.now() - started) / 1000);
      throw err;
    }
  }
}
