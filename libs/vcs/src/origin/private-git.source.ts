import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { CodeRepo, GoModError, infoJson, isVersionNotFound, type RevInfo } from '#gomod';
import { UpstreamFailedError, UpstreamNotFoundError, type ModuleSource, type VersionInfo } from '#upstream';
import { GitCommandError } from '../git-command-error.js';
import { MirrorNotFetchedError, type GitMirror } from '../git-mirror.js';
import { isMissingRepository, publicGitFailure } from './git-failure.js';
import type { MirrorRegistry } from './mirror-registry.js';
import type { OriginMatcher, ResolvedOrigin } from './origin-matcher.js';

export type RefsListener = (codeRoot: string, tags: ReadonlyMap<string, string>) => Promise<unknown>;

/** list/@latest always fetch (their TTL is the version index's); concurrent fetches coalesce. */
const LIST_FETCH_MAX_AGE_MS = 0;

/**
 * `.info` Origin.URL as the go command records it: the repository root it resolves for the module
 * path (`https://<root>` for hosts it knows and for patterns), never the clone URL of the origin.
 */
export function goOriginUrl(codeRoot: string): string {
  return `https://${codeRoot}`;
}

/**
 * Private modules straight from git, with the go command's direct-mode results (libs/gomod
 * CodeRepo over a local bare mirror). A version not found in the mirror triggers a fetch and a
 * retry, so a freshly pushed tag is found without waiting for a list refresh — at most one fetch
 * per repository every `fetchIntervalMs` (syncs and list refreshes always fetch).
 */
export class PrivateGitSource implements ModuleSource {
  readonly kind = 'private' as const;
  private readonly refsListeners: RefsListener[] = [];

  constructor(
    private readonly matcher: OriginMatcher,
    private readonly mirrors: MirrorRegistry,
    private readonly fetchIntervalMs = 0,
  ) {}

  /** Called after a fetch changed a repository's refs (moved-tag detection, index refresh). */
  onRefsChanged(listener: RefsListener): void {
    this.refsListeners.push(listener);
  }

  /**
   * Fetches the repository rooted at `codeRoot` now (moved-tag listeners run when refs changed) and
   * returns what a sync needs to work on it without further fetches.
   */
  async syncRepository(codeRoot: string): Promise<{ changed: boolean; mirror: GitMirror; tags: ReadonlyMap<string, string> }> {
    const resolved = await this.resolve(codeRoot);
    if (resolved.codeRoot !== codeRoot) throw new UpstreamNotFoundError(`${codeRoot} is not a repository root (its root is ${resolved.codeRoot})`);
    try {
      const changed = await this.mirrors.refresh(resolved.origin, resolved.repoUrl, 0);
      const mirror = this.mirrors.mirrorFor(resolved.origin, resolved.repoUrl);
      const { tags } = await mirror.refs();
      if (changed) for (const listener of this.refsListeners) await listener(codeRoot, tags);
      return { changed, mirror, tags };
    } catch (err) {
      throw translate(codeRoot, err, resolved);
    }
  }

  /** The mirror of a repository without fetching (the poller compares its remote fingerprint). */
  async mirrorOf(codeRoot: string): Promise<GitMirror> {
    const resolved = await this.resolve(codeRoot);
    return this.mirrors.mirrorFor(resolved.origin, resolved.repoUrl);
  }

  /** The repository root of a private module path (pattern or go-get discovery). */
  async codeRootOf(modulePath: string): Promise<string> {
    return (await this.resolve(modulePath)).codeRoot;
  }

  async list(modulePath: string): Promise<string[]> {
    return this.withRepo(modulePath, LIST_FETCH_MAX_AGE_MS, (repo) => repo.versions());
  }

  async latest(modulePath: string) {
    return this.withRepo(modulePath, LIST_FETCH_MAX_AGE_MS, async (repo, resolved) => this.infoAnswer(await repo.latest(), resolved, repo));
  }

  async info(modulePath: string, query: string) {
    return this.withRetry(modulePath, async (repo, resolved) => this.infoAnswer(await repo.stat(query), resolved, repo));
  }

  async mod(modulePath: string, version: string) {
    return this.withRetry(modulePath, async (repo) => {
      const { commit } = await repo.stat(version);
      return { raw: await repo.goMod(version), commit };
    });
  }

  async zipToFile(modulePath: string, version: string, file: string) {
    return this.withRetry(modulePath, async (repo) => {
      const { commit } = await repo.stat(version);
      const out = new PassThrough();
      const written = pipeline(out, createWriteStream(file));
      try {
        // zip() ends `out` when it succeeds.
        const { size, h1 } = await repo.zip(version, out);
        await written;
        return { size, commit, h1 };
      } catch (err) {
        out.destroy();
        await written.catch(() => undefined);
        throw err;
      }
    });
  }

  private infoAnswer(rev: RevInfo, resolved: ResolvedOrigin, repo: CodeRepo): { raw: Buffer; info: VersionInfo; commit: string } {
    const raw = Buffer.from(infoJson(rev, { url: goOriginUrl(resolved.codeRoot), subdir: repo.codeDir }));
    return { raw, info: { Version: rev.version, Time: rev.time.toISOString().replace(/\.\d{3}Z$/, 'Z') }, commit: rev.commit };
  }

  /**
   * Runs `work` on the local mirror; when it reports "not found", fetches (unless the repository
   * was fetched within the fetch interval) and runs it again. A mirror whose first fetch failed
   * is fetched again here, so the repository heals on the next request.
   */
  private async withRetry<T>(modulePath: string, work: (repo: CodeRepo, resolved: ResolvedOrigin) => Promise<T>): Promise<T> {
    const resolved = await this.resolve(modulePath);
    const mirror = this.mirrors.mirrorFor(resolved.origin, resolved.repoUrl);
    if (await mirror.exists()) {
      try {
        return await work(new CodeRepo(modulePath, resolved.codeRoot, mirror), resolved);
      } catch (err) {
        if (!isVersionNotFound(err)) throw translate(modulePath, err, resolved);
        if (this.mirrors.fetchedWithin(resolved.origin, resolved.repoUrl, this.fetchIntervalMs)) throw translate(modulePath, err, resolved);
      }
    }
    return this.withRepo(modulePath, this.fetchIntervalMs, work, resolved);
  }

  private async withRepo<T>(
    modulePath: string,
    maxAgeMs: number,
    work: (repo: CodeRepo, resolved: ResolvedOrigin) => Promise<T>,
    known?: ResolvedOrigin,
  ): Promise<T> {
    const resolved = known ?? (await this.resolve(modulePath));
    try {
      const changed = await this.mirrors.refresh(resolved.origin, resolved.repoUrl, maxAgeMs);
      const mirror = this.mirrors.mirrorFor(resolved.origin, resolved.repoUrl);
      if (changed) {
        const { tags } = await mirror.refs();
        for (const listener of this.refsListeners) await listener(resolved.codeRoot, tags);
      }
      return await work(new CodeRepo(modulePath, resolved.codeRoot, mirror), resolved);
    } catch (err) {
      throw translate(modulePath, err, resolved);
    }
  }

  private async resolve(modulePath: string): Promise<ResolvedOrigin> {
    let resolved: ResolvedOrigin | null;
    try {
      resolved = await this.matcher.resolve(modulePath);
    } catch (err) {
      throw new UpstreamFailedError(`repository discovery for ${modulePath} failed: ${(err as Error).message}`);
    }
    if (!resolved) throw new UpstreamNotFoundError(`${modulePath}: no repository of the private origin holds this module path`);
    return resolved;
  }
}

/**
 * Origin errors as the proxy understands them: not found (404), refused (410), or failed (502),
 * worded without internal locations (clone URL, mirror directory).
 */
function translate(modulePath: string, err: unknown, resolved: ResolvedOrigin): unknown {
  if (err instanceof UpstreamNotFoundError || err instanceof UpstreamFailedError) return err;
  if (err instanceof GoModError) return new UpstreamNotFoundError(err.message, isVersionNotFound(err) ? 404 : 410);
  if (isMissingRepository(err)) return new UpstreamNotFoundError(`the origin has no repository ${resolved.codeRoot}`);
  if (err instanceof GitCommandError) return new UpstreamFailedError(`git for ${modulePath}: ${publicGitFailure(err.message, resolved.repoUrl)}`);
  if (err instanceof MirrorNotFetchedError) return new UpstreamFailedError(`git for ${modulePath}: the mirror of ${resolved.codeRoot} is not fetched yet; try again`);
  return err;
}
