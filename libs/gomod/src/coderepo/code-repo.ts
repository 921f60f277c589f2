import { GoModError } from '../errors.js';
import { canonicalVersion } from '../semver.js';
import type { ModuleDir } from './find-dir.js';
import { findDir, revToRev } from './find-dir.js';
import { legacyGoMod } from './legacy-go-mod.js';
import type { ModuleLocation } from './module-location.js';
import { locateModule } from './module-location.js';
import type { ModuleZipResult } from './module-zip.js';
import { writeModuleZip } from './module-zip.js';
import type { RepoReader } from './repo-reader.js';
import { RepoView } from './repo-view.js';
import { loadRetractions } from './retractions.js';
import type { RevInfo } from './rev-info.js';
import type { ConvertContext } from './stat.js';
import { convert, resolveQuery } from './stat.js';
import { RevisionError, VersionNotFoundError, invalidVersion, versionNotFound } from './version-errors.js';
import { listVersions } from './versions.js';

/**
 * The go command's direct mode (cmd/go modfetch codeRepo) for module M in the git repository
 * rooted at import path R, over a {@link RepoReader}. Each call reads the repository afresh
 * (through one memoised view per call), so a long-lived instance follows ref updates.
 *
 * Errors: {@link VersionNotFoundError} when the module or version does not exist (answer 404),
 * another GoModError when the version exists but is refused (answer 410); both carry a one-line
 * message worded like the go command's. Anything else is a repository failure.
 */
export class CodeRepo {
  private readonly loc: ModuleLocation;
  private viewOnce?: RepoView;

  /** Throws GoModError when `modulePath` is invalid or cannot live in a repository rooted at `codeRoot`. */
  constructor(
    modulePath: string,
    codeRoot: string,
    private readonly repo: RepoReader,
  ) {
    this.loc = locateModule(modulePath, codeRoot);
  }

  /**
   * One snapshot of the repository for this CodeRepo's life: its refs are read once and every git
   * answer is cached, so a `.mod` or `.zip` that stats its version first resolves it only once.
   * Make a new CodeRepo to see the repository as it is after a fetch.
   */
  private get view(): RepoView {
    return (this.viewOnce ??= new RepoView(this.repo));
  }

  /** M. */
  get modulePath(): string {
    return this.loc.modulePath;
  }

  /** D: the module's directory in the repository and its tag prefix (`.info` Origin.Subdir). */
  get codeDir(): string {
    return this.loc.codeDir;
  }

  /** §3.4 `@v/list`: canonical tagged versions, then the allowed `+incompatible` ones. */
  versions(): Promise<string[]> {
    return listVersions(this.view, this.loc);
  }

  /**
   * §3.6: resolves any query the go command sends as `.info` — a canonical version, a
   * pseudo-version, a branch, a tag name, a commit-hash prefix, or `latest` (§3.7).
   */
  stat(query: string): Promise<RevInfo> {
    if (query === 'latest') return this.latest();
    return this.statIn(this.view, query);
  }

  /** §3.7 Latest(): the remote HEAD commit as a tagged version or a pseudo-version. */
  async latest(): Promise<RevInfo> {
    const view = this.view;
    let info;
    try {
      info = await view.latest();
    } catch (err) {
      if (err instanceof RevisionError) throw new VersionNotFoundError(`module ${this.loc.modulePath}: ${err.message}`);
      throw err;
    }
    return convert(this.convertContext(view), info, '');
  }

  /** §5.2: the `.mod` bytes of a canonical version: the raw go.mod, or `module <M>\n` without one. */
  async goMod(version: string): Promise<Buffer> {
    const dir = await this.servedDir(this.view, version);
    return dir.goMod ?? legacyGoMod(this.loc.modulePath);
  }

  /**
   * §6: streams the module zip of a canonical version to `out` and returns its h1 hash, entry
   * count and archive size. Throws GoModError when a file is invalid, names collide or sizes
   * exceed x/mod's limits (then `out` holds a partial archive and must be discarded).
   */
  async zip(version: string, out: NodeJS.WritableStream): Promise<ModuleZipResult> {
    const dir = await this.servedDir(this.view, version);
    return writeModuleZip(this.repo, this.loc.modulePath, version, dir, out);
  }

  private async statIn(view: RepoView, query: string): Promise<RevInfo> {
    const info = await resolveQuery(view, this.loc, revToRev(this.loc, query), query);
    return convert(this.convertContext(view), info, query);
  }

  private convertContext(view: RepoView): ConvertContext {
    return { view, loc: this.loc, retractions: () => loadRetractions(view, this.loc) };
  }

  /**
   * The module directory of a version `.mod` or `.zip` may be served for: canonical, and what
   * Stat resolves it to (cmd/go runs Stat first for pseudo-versions; the go command always stats
   * before downloading, so anything Stat would not return as is is refused here).
   */
  private async servedDir(view: RepoView, version: string): Promise<ModuleDir> {
    const M = this.loc.modulePath;
    if (version === '' || version !== canonicalVersion(version)) {
      throw invalidVersion(M, version, 'version is not canonical');
    }
    const info = await this.statIn(view, version);
    if (info.version !== version) throw invalidVersion(M, version, `resolves to version ${info.version}`);
    try {
      return await findDir(view, this.loc, version);
    } catch (err) {
      if (err instanceof GoModError) throw versionNotFound(M, version, err.message);
      throw err;
    }
  }
}
