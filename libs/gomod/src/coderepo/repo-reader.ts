import type { Readable } from 'node:stream';

/** Refs as the go command sees them (`git ls-remote`), annotated tags peeled to their commit. */
export interface RepoRefs {
  /** Commit of the remote HEAD (default branch tip), or null when the repository has none. */
  head: string | null;
  /** The branch HEAD points at (`main`), when known. */
  headBranch: string | null;
  /** Tag name (without `refs/tags/`) -> peeled commit hash. */
  tags: Map<string, string>;
  /** Branch name (without `refs/heads/`) -> commit hash. */
  branches: Map<string, string>;
  /**
   * Annotated tag name -> the tag object's own hash. `git ls-remote` advertises it too, so a hash
   * query naming a tag object resolves (to the tag's commit), as in the go command.
   */
  tagObjects?: Map<string, string>;
}

/** A commit as the go command uses it. */
export interface CommitInfo {
  /** Full lower-case hex hash. */
  hash: string;
  /** Committer time (`%ct`), whole seconds. */
  time: Date;
}

/** One entry of `git ls-tree -r -l` below a directory. */
export interface TreeEntry {
  /** Path relative to the repository root. */
  path: string;
  /** Git mode: `100644`, `100755`, `120000` (symlink), `160000` (gitlink). */
  mode: string;
  /** Blob size in bytes (0 for gitlinks). */
  size: number;
}

/** One file of a `git archive` of a commit (what cmd/go zips), in archive order. */
export interface ArchiveEntry {
  /** Path relative to the repository root. */
  path: string;
  kind: 'file' | 'symlink' | 'other';
  size: number;
  /** The entry's bytes after git's checkout conversion (attributes); read it fully or call `skip`. */
  body: Readable;
}

/**
 * Read access to one mirrored git repository: everything the go command's direct mode asks of
 * git (GOMOD-SPEC section 3). Implemented by libs/vcs over a bare mirror.
 */
export interface RepoReader {
  refs(): Promise<RepoRefs>;
  /** Full commit info of a full hash; null when the object is not a reachable commit. */
  commit(hash: string): Promise<CommitInfo | null>;
  /**
   * The unique commit among all commits reachable from branches and tags whose hash starts with
   * `prefix` (7-40 lower-case hex); null when none; throws GoModError "ambiguous revision" when several.
   */
  resolveCommitPrefix(prefix: string): Promise<string | null>;
  /** Raw blob bytes of `path` at `commit` (`git cat-file blob <commit>:<path>`), null when absent. */
  readFile(commit: string, path: string): Promise<Buffer | null>;
  /** True when `ancestor` is `descendant` or one of its ancestors. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Files (blobs, symlinks, gitlinks) below `dir` ('' = whole tree) at `commit`, recursively. */
  listTree(commit: string, dir: string): Promise<TreeEntry[]>;
  /**
   * Streams `git -c core.autocrlf=input -c core.eol=lf archive <commit> -- <dir>` with export-ignore
   * and export-subst disabled (cmd/go since Go 1.11.2), as entries; directories are not yielded.
   */
  archive(commit: string, dir: string): AsyncIterable<ArchiveEntry>;
}
