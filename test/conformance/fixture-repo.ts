import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  branch,
  checkout,
  commitAll,
  execFileText,
  git,
  gitFixtureEnv,
  initRepo,
  revParse,
  tag,
  writeFiles,
  type TagOptions,
} from '../support/index.js';

/** The org every conformance repository lives under: `github.com/conf/<repo>`. */
export const CONF_ORG = 'conf';

/** A fixture git repository of one case, with the module path of its root. */
export class FixtureRepo {
  /** `github.com/conf/<name>`. */
  readonly path: string;

  constructor(
    /** Absolute directory of the repository. */
    readonly dir: string,
    readonly name: string,
  ) {
    this.path = `github.com/${CONF_ORG}/${name}`;
  }

  /** `git init` on branch main (see initRepo). */
  static async create(reposRoot: string, name: string): Promise<FixtureRepo> {
    const repo = new FixtureRepo(join(reposRoot, CONF_ORG, name), name);
    await initRepo(repo.dir);
    return repo;
  }

  /** Writes files (relative paths, parents created). */
  write(files: Record<string, string | Buffer>): Promise<void> {
    return writeFiles(this.dir, files);
  }

  /** Removes files or directories from the working tree (the next commit records it). */
  async remove(...paths: string[]): Promise<void> {
    for (const p of paths) await rm(join(this.dir, p), { recursive: true, force: true });
  }

  /** Creates a symbolic link `path` whose link text is `target`. */
  async symlink(path: string, target: string): Promise<void> {
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await symlink(target, join(this.dir, path));
  }

  /** Makes `path` executable (git mode 100755). */
  chmodExec(path: string): Promise<void> {
    return chmod(join(this.dir, path), 0o755);
  }

  /** Stages everything and commits at `isoDate` (author and committer date); returns the hash. */
  commit(message: string, isoDate: string): Promise<string> {
    return commitAll(this.dir, message, isoDate);
  }

  /** Stages everything and commits with a committer date and a different author date. */
  async commitDated(message: string, committerDate: string, authorDate: string): Promise<string> {
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '--no-verify', `--date=${authorDate}`, '-m', message], committerDate);
    return revParse(this.dir, 'HEAD');
  }

  /**
   * Stages a file whose name is raw bytes (e.g. invalid UTF-8, which a JS string cannot carry),
   * through `git update-index --index-info`; it exists only in the index, so commit with
   * {@link commitIndex}.
   */
  async stageRawName(name: Buffer, content: string): Promise<void> {
    const env = gitFixtureEnv();
    const blob = (await execFileText('git', ['hash-object', '-w', '--stdin'], { cwd: this.dir, env, input: content })).stdout.trim();
    const line = Buffer.concat([Buffer.from(`100644 ${blob}\t`), name, Buffer.from('\n')]);
    await execFileText('git', ['update-index', '--index-info'], { cwd: this.dir, env, input: line });
  }

  /** Commits the index as it is (no `git add`), e.g. after `git update-index`; returns the hash. */
  async commitIndex(message: string, isoDate: string): Promise<string> {
    await this.git(['commit', '-q', '--no-verify', '-m', message], isoDate);
    return revParse(this.dir, 'HEAD');
  }

  /** Tags `opts.ref` (default HEAD); lightweight unless `opts.annotated`. */
  tag(name: string, opts: TagOptions = {}): Promise<void> {
    return tag(this.dir, name, opts);
  }

  /** Several lightweight tags on HEAD. */
  async tags(...names: string[]): Promise<void> {
    for (const name of names) await this.tag(name);
  }

  branch(name: string, startPoint = 'HEAD'): Promise<void> {
    return branch(this.dir, name, startPoint);
  }

  checkout(ref: string, opts: { create?: boolean } = {}): Promise<void> {
    return checkout(this.dir, ref, opts);
  }

  /** Full commit hash of `ref` (tags peeled). */
  hash(ref = 'HEAD'): Promise<string> {
    return revParse(this.dir, `${ref}^{commit}`);
  }

  /** The 12-character short hash of `ref`, as in pseudo-versions. */
  async short(ref = 'HEAD'): Promise<string> {
    return (await this.hash(ref)).slice(0, 12);
  }

  /** `git <args>` in the repository at `date`. */
  git(args: readonly string[], date?: string): Promise<string> {
    return git(this.dir, args, date);
  }
}

/** The 14-digit UTC pseudo-version timestamp of an ISO date (`2024-01-02T03:04:05Z` -> `20240102030405`). */
export function stamp(isoDate: string): string {
  const d = new Date(isoDate);
  if (Number.isNaN(d.getTime())) throw new Error(`stamp: not a date: ${isoDate}`);
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `<prefix><stamp>-<short>`, e.g. `pseudo('v1.2.1-0.', date, short)`. */
export function pseudo(prefix: string, isoDate: string, short: string, suffix = ''): string {
  return `${prefix}${stamp(isoDate)}-${short}${suffix}`;
}
