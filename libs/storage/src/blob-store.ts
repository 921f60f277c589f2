import type { Readable } from 'node:stream';

/** What a stored blob is: its exact byte length and lower-case hex SHA-256. */
export interface BlobInfo {
  size: number;
  sha256: string;
}

/** One stored blob, as `list` reports it. */
export interface BlobListing {
  key: string;
  size: number;
  /** When the blob was last written (file mtime, S3 LastModified). */
  modifiedAt: Date;
}

/** The one "not found" signal of every driver's `get`/`stat`. */
export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/** A write whose read-back size or SHA-256 differs from what was sent (or from what was expected). */
export class BlobIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobIntegrityError';
  }
}

/**
 * The store refused a write: read-only or lacking permission (`not writable`), or out of space
 * (`full`). The client sees the one-line `reason`; the cause goes to the log.
 */
export class BlobStoreWriteError extends Error {
  constructor(
    readonly key: string,
    readonly condition: 'not writable' | 'full',
    override readonly cause: unknown,
  ) {
    super(`blob store is ${condition}: cannot store ${key}: ${(cause as { message?: string } | null)?.message ?? String(cause)}`);
    this.name = 'BlobStoreWriteError';
  }

  /** The line a client sees. */
  get reason(): string {
    return `blob store is ${this.condition}; nothing can be cached until an operator fixes it (the server log has the cause)`;
  }
}

/** A key that is not a clean relative path (`..`, empty segments, leading `/`, backslash, NUL). */
export class InvalidBlobKeyError extends Error {
  constructor(readonly key: string) {
    super(`invalid blob key: ${JSON.stringify(key)}`);
    this.name = 'InvalidBlobKeyError';
  }
}

/**
 * Storage of immutable blobs under slash-separated keys (GOPROXY layout:
 * `<escaped path>/@v/<escaped version>.zip`). Drivers: filesystem (default) and S3.
 */
export interface BlobStore {
  /** Human-readable target, for start-up and readiness messages (never credentials). */
  readonly description: string;
  /**
   * Streams `body` to `key`, replacing any previous blob, and resolves only when the blob is
   * durable and its stored size and SHA-256 were verified against what was sent (and against
   * `expected`, when given). A failed or unverified write leaves no blob visible under `key`.
   */
  put(key: string, body: Readable | Buffer, expected?: Partial<BlobInfo>): Promise<BlobInfo>;
  /** Opens the blob for streaming; throws BlobNotFoundError. */
  get(key: string): Promise<{ stream: Readable; size: number }>;
  /** Size of the blob, or BlobNotFoundError. */
  stat(key: string): Promise<{ size: number }>;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every blob whose key starts with `prefix` (all blobs when omitted), in no particular order,
   * fetched page by page as the caller iterates. Writes in progress are not blobs yet.
   */
  list(prefix?: string): AsyncIterable<BlobListing>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
}
