import { hash, randomBytes } from 'node:crypto';

interface Entry<T> {
  value: T;
  user: string;
  tag?: string;
  expiresAt: number;
}

/**
 * Remembers successful verifications, so a `go mod download` of hundreds of modules asks the
 * directory (or the token table) once. Keys are SHA-256 digests of the presented credentials
 * under a random per-process salt: the cache never holds a password or a token, and a wrong
 * password is a different key. Entries live `ttlMs` (or less, per entry); at most `maxEntries`
 * are kept, oldest evicted first.
 */
export class VerificationCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly salt = randomBytes(32).toString('base64');
  /** Bumped by every forget: a verification that started before one must not be remembered. */
  private forgets = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The salted digest of the credentials (e.g. a whole `Authorization` header). */
  key(credentials: string): string {
    return hash('sha256', `${this.salt}\0${credentials}`, 'base64url');
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before a verification starts and passed to {@link set}: a forget in between wins. */
  stamp(): number {
    return this.forgets;
  }

  /**
   * Remembers `value` for `user`; `ttlMs` may shorten the default, `tag` (a token id) allows
   * {@link forgetTag}; with `stamp`, nothing is remembered when anything was forgotten since.
   */
  set(key: string, user: string, value: T, options: { ttlMs?: number; tag?: string; stamp?: number } = {}): void {
    const ttlMs = Math.min(options.ttlMs ?? this.ttlMs, this.ttlMs);
    if (ttlMs <= 0 || (options.stamp !== undefined && options.stamp !== this.forgets)) return;
    this.entries.delete(key);
    this.entries.set(key, { value, user, tag: options.tag, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets every verification of `user` (password changed, user removed). */
  forgetUser(user: string): void {
    this.forgets++;
    for (const [key, entry] of this.entries) if (entry.user === user) this.entries.delete(key);
  }

  /** Forgets the verifications tagged `tag` (a revoked token). */
  forgetTag(tag: string): void {
    this.forgets++;
    for (const [key, entry] of this.entries) if (entry.tag === tag) this.entries.delete(key);
  }

  clear(): void {
    this.forgets++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
