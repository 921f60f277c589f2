import { Injectable, Logger } from '@nestjs/common';
import { VersionIndexRepository } from '#db';
import { CodeRepo, compareSemver, infoJson, isValidSemver, major, type RevInfo } from '#gomod';
import { ArtifactService, ModuleIndexService } from '#proxy';
import { PrivateGitSource, goOriginUrl } from '#vcs';

/** What one repository sync did. */
export interface SyncResult {
  codeRoot: string;
  changed: boolean;
  modules: Array<{ modulePath: string; versions: number; prebuilt: string[] }>;
  durationMs: number;
}

/** On a repository's first sync only the newest versions are pre-built; older ones build on demand. */
const FIRST_SYNC_PREBUILD = 10;

/**
 * Syncs one private repository: fetch the mirror, recompute and publish the version list and
 * @latest of every module in it, then pre-build the artifacts of new versions, so the next
 * `go list`/`go mod download` is answered from Postgres and the blob store with no git work.
 */
@Injectable()
export class RepoSyncService {
  private readonly logger = new Logger('Sync');

  constructor(
    private readonly git: PrivateGitSource,
    private readonly index: ModuleIndexService,
    private readonly versionIndex: VersionIndexRepository,
    private readonly artifacts: ArtifactService,
  ) {}

  async sync(codeRoot: string, reason: string): Promise<SyncResult> {
    const started = Date.now();
    const { changed, mirror, tags } = await this.git.syncRepository(codeRoot);
    const result: SyncResult = { codeRoot, changed, modules: [], durationMs: 0 };
    for (const modulePath of await this.modulesOf(codeRoot, tags.keys())) {
      const repo = new CodeRepo(modulePath, codeRoot, mirror);
      let versions: string[];
      try {
        versions = await repo.versions();
      } catch {
        continue;
      }
      const known = (await this.versionIndex.get(modulePath))?.versions;
      if (versions.length === 0 && !known) continue;
      const fresh = known ? versions.filter((v) => !known.includes(v)) : [...versions].sort(compareSemver).slice(-FIRST_SYNC_PREBUILD);
      const latest = await repo.latest().catch(() => null);
      const latestInfo = latest ? { info: toInfo(latest), raw: Buffer.from(infoJson(latest, { url: goOriginUrl(codeRoot), subdir: repo.codeDir })) } : null;
      const publish = () => this.index.publish(modulePath, 'private', versions, latestInfo);
      // A pushed tag is built before it is listed, so the first `go get` after the listing finds
      // its .info/.mod/.zip ready. A repository's first sync lists first: nobody waits on a list
      // that was never published, and its older versions build on demand.
      if (!known) await publish();
      const prebuilt = await this.prebuild(modulePath, fresh);
      if (known) await publish();
      result.modules.push({ modulePath, versions: versions.length, prebuilt });
    }
    result.durationMs = Date.now() - started;
    const built = result.modules.reduce((n, m) => n + m.prebuilt.length, 0);
    this.logger.log(`synced ${codeRoot} (${reason}): ${result.modules.length} module(s), ${built} version(s) pre-built, ${result.durationMs} ms`);
    return result;
  }

  /** Builds the .info/.mod/.zip of each version; a version that fails is logged and built on demand. */
  private async prebuild(modulePath: string, versions: string[]): Promise<string[]> {
    const built: string[] = [];
    for (const version of versions) {
      try {
        for (const kind of ['info', 'mod', 'zip'] as const) await this.artifacts.ensure(modulePath, version, kind);
        built.push(version);
      } catch (err) {
        this.logger.warn(`pre-build of ${modulePath}@${version} failed: ${(err as Error).message}`);
      }
    }
    return built;
  }

  /**
   * The modules a repository holds: the root, each tag prefix directory (`sub/dir/v1.2.3`), with a
   * `/vN` suffix for major versions 2 and up, plus every module already known under the root.
   */
  private async modulesOf(codeRoot: string, tagNames: Iterable<string>): Promise<string[]> {
    const modules = new Set<string>([codeRoot]);
    for (const tag of tagNames) {
      const slash = tag.lastIndexOf('/');
      const dir = slash < 0 ? '' : tag.slice(0, slash);
      const version = tag.slice(slash + 1);
      if (!isValidSemver(version)) continue;
      const base = dir ? `${codeRoot}/${dir}` : codeRoot;
      modules.add(base);
      const m = major(version);
      if (m !== 'v0' && m !== 'v1') modules.add(`${base}/${m}`);
    }
    for (const known of await this.index.knownModulesUnder(codeRoot)) modules.add(known);
    return [...modules].sort();
  }
}

function toInfo(rev: RevInfo) {
  return { Version: rev.version, Time: rev.time.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
