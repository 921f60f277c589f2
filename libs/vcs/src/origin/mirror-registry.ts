import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OriginConfig, SecretRef } from '#config';
import { GitMirror } from '../git-mirror.js';
import type { GitProcessPool } from '../git-process-pool.js';

/**
 * One GitMirror per repository URL under `<dataDir>/git`, with fetches coalesced: a fetch asked
 * for while one runs joins it, and `refresh(maxAgeMs)` skips the fetch when the last one is recent.
 */
export class MirrorRegistry {
  private readonly mirrors = new Map<string, { mirror: GitMirror; fetchedAt: number; running?: Promise<boolean> }>();

  constructor(
    private readonly rootDir: string,
    private readonly pool: GitProcessPool,
  ) {}

  mirrorFor(origin: OriginConfig, repoUrl: string): GitMirror {
    return this.entry(origin, repoUrl).mirror;
  }

  /** Fetches the mirror unless it was fetched within `maxAgeMs`; resolves with whether refs changed. */
  async refresh(origin: OriginConfig, repoUrl: string, maxAgeMs: number): Promise<boolean> {
    const entry = this.entry(origin, repoUrl);
    if (entry.running) return entry.running;
    if (Date.now() - entry.fetchedAt < maxAgeMs) return false;
    entry.running = (async () => {
      try {
        const { changed } = await entry.mirror.fetch();
        entry.fetchedAt = Date.now();
        return changed;
      } finally {
        entry.running = undefined;
      }
    })();
    return entry.running;
  }

  /** Whether the mirror was fetched within `maxAgeMs` and no fetch of it is running now. */
  fetchedWithin(origin: OriginConfig, repoUrl: string, maxAgeMs: number): boolean {
    const entry = this.entry(origin, repoUrl);
    return !entry.running && Date.now() - entry.fetchedAt < maxAgeMs;
  }

  private entry(origin: OriginConfig, repoUrl: string) {
    // Keyed by origin too: two origins naming one URL with different credentials get separate mirrors.
    const key = `${origin.pattern} ${repoUrl}`;
    let entry = this.mirrors.get(key);
    if (!entry) {
      const dir = join(this.rootDir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.git`);
      const auth = origin.token ? { header: () => authHeader(origin.token!, origin.tokenUser) } : undefined;
      entry = { mirror: new GitMirror({ url: repoUrl, dir, pool: this.pool, auth }), fetchedAt: 0 };
      this.mirrors.set(key, entry);
    }
    return entry;
  }
}

/** The HTTP header carrying an origin's token; read at each fetch so a rotated secret takes effect. */
export async function authHeader(ref: SecretRef, tokenUser?: string): Promise<string> {
  const token = 'env' in ref ? process.env[ref.env] : (await readFile(ref.file, 'utf8')).trim();
  if (!token) throw new Error(`git token not set (${'env' in ref ? `env ${ref.env}` : `file ${ref.file}`})`);
  return tokenUser
    ? `Authorization: Basic ${Buffer.from(`${tokenUser}:${token}`).toString('base64')}`
    : `Authorization: Bearer ${token}`;
}
